// The interop matrix as a GitHub-flavoured Markdown table (reference flag -m/--markdown).
#pragma once

#include <string>
#include <string_view>

#include "results/results.h"

namespace qir::report {

/// The matrix as a GFM table: columns = servers, rows = clients (in bold); each cell lists the
/// status groups like "✓(H,DC)<br>✕(Z)" (✓ succeeded, ? unsupported, ✕ failed/timeout/error), "-"
/// when nothing ran. Followed by a blank line and a legend paragraph. Ends with a newline.
std::string MarkdownMatrix(const results::RunResults& run);

/// Text safe inside a GFM table cell: one line, '|' and '\\' backslash-escaped, HTML markup
/// characters as entities.
std::string MarkdownEscape(std::string_view text);

}  // namespace qir::report

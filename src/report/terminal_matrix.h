// The interop matrix as a box-drawn terminal table, like the reference's printed result table.
#pragma once

#include <string>

#include "results/results.h"

namespace qir::report {

/// Longest failure reason printed below the table, in terminal columns.
inline constexpr size_t kMaxReasonColumns = 160;

/// The matrix as text: columns = servers, rows = clients; each cell lists the test abbreviations
/// grouped by status on up to three lines (✓ succeeded, ? unsupported, ✕ failed/timeout/error),
/// "-" when nothing ran. Below it a legend line (abbreviation = test name) and, when any cell
/// failed, one line per failed cell: "✕ server × client  test: reason". `color` adds ANSI colours
/// (✓ green, ? grey, ✕ red); without it the text is plain. Ends with a newline.
std::string TerminalMatrix(const results::RunResults& run, bool color);

}  // namespace qir::report

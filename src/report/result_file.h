// Reading a result.json from disk and writing report files, with the one-line errors the
// report, diff and expect commands print (a missing file, not JSON, not a result.json, a newer
// format).
#pragma once

#include <string>

#include "results/results.h"
#include "util/result.h"

namespace qir::report {

/// Reads and parses `path`. Errors (kNotFound, kParse), each one line naming the file:
/// "cannot read x.json: No such file or directory", "x.json is not JSON: parse error at line 3,
/// column 1: ...", "x.json is not a result.json: missing key "servers" (/servers)".
Result<results::RunResults> LoadResultFile(const std::string& path);

}  // namespace qir::report

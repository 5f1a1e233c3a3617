// The expected-pass gate shared by `qir run --expect` and `qir expect --check`: prints every
// expected cell that did not succeed and gives the exit status.
#pragma once

#include <string>
#include <vector>

#include "report/expectations.h"
#include "results/results.h"

namespace qir::cli {

/// Prints one line per unmet expectation to stderr ("qir: quinn × quic-go handshakeloss was
/// expected to succeed but failed: ..."), then a summary. Returns 0 when every expected cell
/// succeeded, 1 otherwise.
int ReportExpectations(const std::vector<report::ExpectRule>& rules, const results::RunResults& run,
                       const std::string& file);

/// Loads `expect_file` and `result_path` and checks them; 2 with one line for bad input.
int CheckExpectFile(const std::string& expect_file, const std::string& result_path);

}  // namespace qir::cli

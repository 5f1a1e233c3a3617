// Expected-pass files: the cells a CI job requires to succeed (s2n-quic keeps such a list per
// role). One rule a line, "server client test", each field a name or a pattern with '*'
// (any run of characters); '#' starts a comment. `qir expect --from` writes one from a run;
// `qir run --expect` and `qir expect --check` fail only when an expected cell did not succeed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "results/results.h"
#include "util/result.h"

namespace qir::report {

/// One line of an expected-pass file.
struct ExpectRule {
  std::string server;  ///< name or '*' pattern
  std::string client;
  std::string test;
  int line = 0;  ///< 1-based line in the file
};

/// Parses an expected-pass file. Errors: kParse, "FILE:LINE: expected three fields 'server
/// client test', got N" (the line's text in arg). An empty file (or one of comments) is valid.
Result<std::vector<ExpectRule>> ParseExpectations(std::string_view text, const std::string& file);

/// Reads and parses `path`; kNotFound when it cannot be read.
Result<std::vector<ExpectRule>> LoadExpectations(const std::string& path);

/// True when `name` matches `pattern`, where '*' matches any run of characters (also none).
bool WildcardMatch(std::string_view pattern, std::string_view name);

/// The expected-pass file for `run`: a comment header, then one "server client test" line per
/// succeeded cell in matrix order (clients, servers, tests). Ends with a newline.
std::string ExpectationsFrom(const results::RunResults& run, const std::string& source);

/// An expected cell of the run that did not succeed.
struct UnmetExpectation {
  std::string server, client, test;
  const results::CellResult* cell = nullptr;  ///< nullptr: the cell did not run
  int line = 0;                               ///< first rule that expects it

  /// "quinn × quic-go handshakeloss was expected to succeed but failed: <reason> (rule at
  /// line 3)".
  std::string Message() const;
};

/// What a check found.
struct ExpectationReport {
  std::vector<UnmetExpectation> unmet;  ///< in matrix order
  int expected = 0;                     ///< cells of the run some rule expects
  std::vector<int> unused_lines;        ///< rules that match no cell of the run (not a failure)
};

/// Checks every cell of the run's servers × clients × tests that some rule matches: it must be
/// present and succeeded. Cells whose server, client or test is not part of the run are out of
/// scope (a run of a subset checks that subset). The report points into `run`, which must
/// outlive it.
ExpectationReport CheckExpectations(const std::vector<ExpectRule>& rules,
                                    const results::RunResults& run);

}  // namespace qir::report

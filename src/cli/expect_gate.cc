// The expected-pass gate (expect_gate.h).
#include "cli/expect_gate.h"

#include <cstdio>

#include "cli/cli_support.h"
#include "report/result_file.h"

namespace qir::cli {

int ReportExpectations(const std::vector<report::ExpectRule>& rules, const results::RunResults& run,
                       const std::string& file) {
  const report::ExpectationReport report = report::CheckExpectations(rules, run);
  for (const report::UnmetExpectation& unmet : report.unmet) {
    std::fprintf(stderr, "qir: %s\n", unmet.Message().c_str());
  }
  for (int line : report.unused_lines) {
    std::fprintf(stderr, "qir: note: %s:%d matches no cell of this run\n", file.c_str(), line);
  }
  std::fprintf(stderr, "qir: %zu of %d expected cell(s) did not succeed (%s)\n",
               report.unmet.size(), report.expected, file.c_str());
  return report.unmet.empty() ? 0 : 1;
}

int CheckExpectFile(const std::string& expect_file, const std::string& result_path) {
  Result<std::vector<report::ExpectRule>> rules = report::LoadExpectations(expect_file);
  if (!rules.ok()) return UsageError("expect", rules.error().Text());
  Result<results::RunResults> run = report::LoadResultFile(result_path);
  if (!run.ok()) return UsageError("expect", run.error().Text());
  return ReportExpectations(*rules, *run, expect_file);
}

}  // namespace qir::cli

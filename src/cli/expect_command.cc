// `qir expect --from result.json [-o FILE]` writes an expected-pass file (every succeeded
// cell); `qir expect --check FILE result.json` checks a finished run against one. Exit: 0
// written / every expected cell succeeded, 1 some did not (each named), 2 bad input.
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "cli/expect_gate.h"
#include "report/expectations.h"
#include "report/result_file.h"
#include "util/temp_file.h"

namespace qir::cli {

int ExpectCommand(int argc, char** argv) {
  CLI::App app{"Write or check an expected-pass file (cells that must succeed)", "qir expect"};
  std::string from, output, check;
  std::vector<std::string> positional;
  app.add_option("--from", from, "result.json to take the succeeded cells from");
  app.add_option("-o,--output", output, "write the file here (default: standard output)");
  app.add_option("--check", check, "expected-pass file to check a result.json against");
  app.add_option("result", positional, "with --check: the result.json to check");
  if (int code = 0; !ParseArgs(app, argc, argv, &code)) return code;
  if (from.empty() == check.empty()) {
    return UsageError("expect", "give either --from result.json or --check FILE result.json");
  }
  if (!check.empty()) {
    if (positional.size() != 1) return UsageError("expect", "--check FILE needs one result.json");
    return CheckExpectFile(check, positional[0]);
  }
  if (!positional.empty()) return UsageError("expect", "unexpected argument " + positional[0]);
  Result<results::RunResults> run = report::LoadResultFile(from);
  if (!run.ok()) return UsageError("expect", run.error().Text());
  const std::string text = report::ExpectationsFrom(*run, from);
  if (output.empty()) {
    std::printf("%s", text.c_str());
    return 0;
  }
  if (Status s = util::WriteFileAtomically(output, text); !s.ok()) {
    return UsageError("expect", s.error().Text());
  }
  std::fprintf(stderr, "qir expect: wrote %s\n", output.c_str());
  return 0;
}

}  // namespace qir::cli

// `qir diff BASE.json NEW.json [-m]`: what changed between two runs, for a pull request's CI
// (the base commit's matrix against the PR's). Exit: 1 when a cell is newly failing, 0
// otherwise, 2 for bad input (one line).
#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "report/result_file.h"
#include "report/run_diff.h"

namespace qir::cli {

int DiffCommand(int argc, char** argv) {
  CLI::App app{"Compare two result.json files: newly failing, newly passing, ...", "qir diff"};
  std::string base_path, next_path;
  bool markdown = false;
  app.add_option("base", base_path, "result.json of the base run")->required();
  app.add_option("new", next_path, "result.json of the new run")->required();
  app.add_flag("-m,--markdown", markdown, "Markdown for a pull-request comment");
  if (int code = 0; !ParseArgs(app, argc, argv, &code)) return code;
  Result<results::RunResults> base = report::LoadResultFile(base_path);
  if (!base.ok()) return UsageError("diff", base.error().Text());
  Result<results::RunResults> next = report::LoadResultFile(next_path);
  if (!next.ok()) return UsageError("diff", next.error().Text());
  const report::RunDiff diff = report::DiffRuns(*base, *next);
  const std::string text = markdown ? report::DiffMarkdown(diff) : report::DiffText(diff);
  std::printf("%s", text.c_str());
  return diff.Regressed() ? 1 : 0;
}

}  // namespace qir::cli

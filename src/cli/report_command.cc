// `qir report result.json [-o DIR] [--junit FILE] [-m]`: the reports of a finished run, offline.
// Without -o or --junit it prints the terminal matrix. Exit: 0 written, 2 bad input (a missing
// file, not JSON, not a result.json, a newer format) or an unwritable output, one line each.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "report/html_report.h"
#include "report/junit.h"
#include "report/log_links.h"
#include "report/markdown.h"
#include "report/measurement_table.h"
#include "report/result_file.h"
#include "report/terminal_matrix.h"
#include "util/temp_file.h"

namespace qir::cli {

int ReportCommand(int argc, char** argv) {
  CLI::App app{"Write the reports of a result.json: HTML page, JUnit XML, matrices", "qir report"};
  std::string input, out_dir, junit;
  bool markdown = false;
  app.add_option("result", input, "result.json of a run (qir's or the reference's)")->required();
  app.add_option("-o,--output", out_dir, "write the HTML page to DIR/index.html");
  app.add_option("--junit", junit, "write JUnit XML here (one testcase per cell)");
  app.add_flag("-m,--markdown", markdown, "print the matrix as Markdown");
  if (int code = 0; !ParseArgs(app, argc, argv, &code)) return code;
  Result<results::RunResults> run = report::LoadResultFile(input);
  if (!run.ok()) return UsageError("report", run.error().Text());
  if (!out_dir.empty()) {
    Result<std::string> page =
        report::WriteHtmlReport(*run, report::FindLogRoot(input, *run), out_dir);
    if (!page.ok()) return UsageError("report", page.error().Text());
    std::fprintf(stderr, "qir report: wrote %s\n", page->c_str());
  }
  if (!junit.empty()) {
    if (Status s = util::WriteFileAtomically(junit, report::JunitXml(*run)); !s.ok()) {
      return UsageError("report", s.error().Text());
    }
    std::fprintf(stderr, "qir report: wrote %s\n", junit.c_str());
  }
  if (markdown) {
    std::printf("%s%s", report::MarkdownMatrix(*run).c_str(), report::MarkdownMeasurements(*run).c_str());
  } else if (out_dir.empty() && junit.empty()) {
    const bool color = isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr;
    std::printf("%s%s", report::TerminalMatrix(*run, color).c_str(), report::TerminalMeasurements(*run).c_str());
  }
  return 0;
}

}  // namespace qir::cli

// `qir list`: every test case (abbreviation, TESTCASE per role, scenario,
// timeout, description) and every implementation (role, URL).
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "testcases/registry.h"

namespace qir::cli {
namespace {

const char* RoleName(runner::Role role) {
  switch (role) {
    case runner::Role::kBoth:
      return "both";
    case runner::Role::kServer:
      return "server";
    case runner::Role::kClient:
      return "client";
  }
  return "?";
}

}  // namespace

int ListCommand(int argc, char** argv) {
  CLI::App app{"List qir's test cases and implementations", "qir list"};
  std::vector<std::string> impl_files;
  app.add_option("--implementations", impl_files, "extra implementations file(s)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::printf("Test cases:\n");
  for (const testcases::TestCase* t : testcases::AllTestCases()) {
    std::printf("%s", fmt::format("  {:<20} {:<3} {}\n", t->name, t->abbr, t->desc).c_str());
    std::printf("%s", fmt::format("  {:<24} TESTCASE server={} client={}; timeout {} s; {} file(s)\n", "",
                                  t->server_testcase, t->client_testcase, t->timeout.count(), t->files.sizes.size())
                          .c_str());
    std::printf("%s", fmt::format("  {:<24} scenario: {}\n", "", t->scenario).c_str());
  }
  Result<std::vector<runner::Implementation>> impls = LoadAllImplementations(impl_files);
  if (!impls.ok()) return UsageError("list", impls.error().Text());
  std::printf("\nImplementations:\n");
  for (const runner::Implementation& i : *impls) {
    std::printf("%s", fmt::format("  {:<12} {:<7} {}\n", i.name, RoleName(i.role), i.url).c_str());
  }
  return 0;
}

}  // namespace qir::cli

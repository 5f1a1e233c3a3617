// qir's entry point: dispatches `qir <command>` to the command table below.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli/commands.h"

namespace {

/// One subcommand: name, one-line help, handler (ninja's kTools[] pattern).
struct CommandEntry {
  const char* name;
  const char* help;
  int (*run)(int argc, char** argv);
  bool hidden;  ///< internal plumbing, not listed in --help
};

constexpr CommandEntry kCommands[] = {
    {"run", "run the interop matrix (server x client x test)", qir::cli::RunCommand, false},
    {"list", "list test cases and implementations", qir::cli::ListCommand, false},
    {"sim", "run the network simulator between two interfaces", qir::cli::SimCommand, false},
    {"pull", "fetch and unpack the images of image implementations", qir::cli::PullCommand, false},
    {"analyze", "decode the QUIC packets of a pcap/pcapng file", qir::cli::AnalyzeCommand, false},
    {"report", "HTML page, JUnit XML or matrix of a result.json", qir::cli::ReportCommand, false},
    {"diff", "compare two result.json files (exit 1 when a cell newly fails)", qir::cli::DiffCommand,
     false},
    {"expect", "write (--from) or check (--check) an expected-pass file", qir::cli::ExpectCommand,
     false},
    {"merge", "join the result.json (and logs) of a run's shards into one", qir::cli::MergeCommand, false},
    {"_exec", "start a process inside a cell's namespaces (internal)", qir::cli::ExecCommand, true},
};

int Usage(FILE* out) {
  std::fprintf(out, "usage: qir <command> [options]   (qir <command> --help for its options)\n\ncommands:\n");
  for (const CommandEntry& c : kCommands) {
    if (!c.hidden) std::fprintf(out, "  %-8s %s\n", c.name, c.help);
  }
  return out == stderr ? 2 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage(stderr);
  std::string name = argv[1];
  if (name == "-h" || name == "--help" || name == "help") return Usage(stdout);
  for (const CommandEntry& c : kCommands) {
    if (name == c.name) return c.run(argc - 1, argv + 1);
  }
  std::fprintf(stderr, "qir: unknown command '%s' (qir --help lists the commands)\n", name.c_str());
  return 2;
}

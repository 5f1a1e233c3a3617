// The subcommands of the qir binary; main.cc dispatches to them by name.
// Each returns the process exit code: 0 ok, 1 some cell/check failed, 2 usage/config error.
#pragma once

namespace qir::cli {

int RunCommand(int argc, char** argv);       ///< qir run: run the matrix
int ListCommand(int argc, char** argv);      ///< qir list: tests and implementations
int SimCommand(int argc, char** argv);       ///< qir sim: the link emulator (own namespace)
int AnalyzeCommand(int argc, char** argv);   ///< qir analyze: decode a capture like tshark, for QUIC
int PullCommand(int argc, char** argv);      ///< qir pull: fetch/unpack image implementations ahead of a run
int ExecCommand(int argc, char** argv);      ///< qir _exec: start an endpoint in its namespaces (internal)
int ReportCommand(int argc, char** argv);    ///< qir report: HTML page, JUnit, matrices of a result.json
int DiffCommand(int argc, char** argv);      ///< qir diff: what changed between two runs
int ExpectCommand(int argc, char** argv);    ///< qir expect: write or check an expected-pass file
int MergeCommand(int argc, char** argv);     ///< qir merge: join the shards of a run

}  // namespace qir::cli

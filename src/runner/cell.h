// One cell of the matrix, end to end: prepare files and certificates, build
// the namespaces, start simulator, server and client, wait with deadlines,
// stop everything, decide the verdict. Everything a person needs to understand
// the verdict is written to <log_dir>/output.txt.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "results/results.h"
#include "runner/implementations.h"
#include "testcases/test_case.h"

namespace qir::runner {

/// What one cell runs and where it keeps its state.
struct CellSpec {
  const Implementation* server = nullptr;
  const Implementation* client = nullptr;
  const testcases::TestCase* test = nullptr;
  std::string log_dir;        ///< <run log dir>/<server>_<client>/<test>; created by RunCell
  std::string relative_log;   ///< the same, relative to the run's log dir (for reports)
  std::string work_dir;       ///< scratch folder (files, certs, sandbox roots); removed afterwards
  std::string netns_prefix;   ///< unique, starts with "qir-"
  std::string qir_binary;     ///< absolute path of this qir executable (for `qir _exec` / `qir sim`)
  uint64_t seed = 0;          ///< seeds file contents and the simulator
  std::string scenario;       ///< simulator scenario; empty = the test's own
  bool keep_files_on_failure = false;  ///< copy www/downloads into the log folder when not succeeded
  /// `qir run` arguments that rerun exactly this cell (same implementations, test, run seed and
  /// scenario, so the same files and simulator decisions); written to output.txt and replay.json.
  std::vector<std::string> replay_args;
  /// A TCP Cubic bulk flow (iperf3) from a host beside the server to one beside the client,
  /// through the simulator, from before the server starts until the client ends (the
  /// reference's crosstraffic measurement). Its logs go to <log_dir>/cross/.
  bool cross_traffic = false;
};

/// Runs the cell. Never throws; setup failures become Outcome::kError with a reason.
/// Returns early (Outcome::kError, "interrupted") when `interrupted` becomes true.
results::CellResult RunCell(const CellSpec& spec, const std::atomic<bool>& interrupted);

}  // namespace qir::runner

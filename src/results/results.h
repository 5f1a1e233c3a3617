// The outcome of a run as plain data: what the runner produces and what every
// reporter (terminal, result.json, Markdown, HTML, JUnit) and `qir merge` read.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/plan.h"

namespace qir::results {

/// How one cell (server × client × test) ended. The reference has three values;
/// qir keeps runner-level failures apart and maps them only when reporting.
enum class Outcome {
  kSucceeded,    ///< the test's checks passed
  kFailed,       ///< an endpoint failed or a check did not hold; `reason` says which
  kUnsupported,  ///< an endpoint exited 127 (or was marked unsupported afterwards)
  kTimeout,      ///< the test's deadline passed; endpoints were killed
  kError,        ///< qir could not run the cell (setup failed); not the endpoints' fault
  kCrashed,      ///< an endpoint crashed (signal qir did not send, sanitizer report, panic); `reason` says how
};

/// The reference's three-valued status for an outcome: succeeded / failed / unsupported.
const char* ReferenceStatus(Outcome outcome);
/// qir's own name: succeeded, failed, unsupported, timeout, error, crashed.
const char* OutcomeName(Outcome outcome);
/// Inverse of OutcomeName (also accepts the reference's three names).
std::optional<Outcome> ParseOutcome(const std::string& name);

/// A test case as shown in reports.
struct TestInfo {
  std::string name;  ///< matrix name, e.g. "handshake"
  std::string abbr;  ///< matrix abbreviation, e.g. "H"
  std::string desc;  ///< one sentence
};

/// One cell's verdict.
struct CellResult {
  std::string server;
  std::string client;
  std::string test;  ///< matrix test name
  Outcome outcome = Outcome::kError;
  std::string reason;     ///< one line; empty only for kSucceeded
  double duration_s = 0;  ///< wall time of the cell, seconds
  std::string log_dir;    ///< relative to RunResults::log_dir, e.g. "quic-go_quic-go/handshake"
  /// Set only when the auto-unsupported rule turned the cell into kUnsupported: the outcome it
  /// had before, so reports can tell a rewritten cell from an endpoint that exited 127.
  std::optional<Outcome> original_outcome;
  /// With --retries: how many times the cell ran (1 = once), and the outcome and reason of
  /// each earlier attempt ("failed: client did not finish within 60 s"), oldest first.
  int attempts = 1;
  std::vector<std::string> earlier_attempts;
  /// User + system CPU seconds of each endpoint's process tree (sampled from /proc while it
  /// ran, or its wait4 rusage when larger); 0 when it never started.
  double server_cpu_s = 0;
  double client_cpu_s = 0;

  bool AutoUnsupported() const { return original_outcome.has_value(); }
  /// Succeeded, but only after failing: flaky, counted apart from clean successes.
  bool Flaky() const { return outcome == Outcome::kSucceeded && attempts > 1; }
};

/// One repetition of a measurement: a complete cell plus its figures.
struct MeasurementRepetition {
  Outcome outcome = Outcome::kError;
  std::string reason;             ///< one line; empty when succeeded
  double goodput_kbps = 0;        ///< 8 × file bytes ÷ ms of server 1-RTT packets; 0 unless succeeded
  double server_cpu_s_per_mib = 0;  ///< server's CPU seconds (user + system) per MiB of file
  double client_cpu_s_per_mib = 0;  ///< the client's, likewise
  std::string log_dir;            ///< relative to RunResults::log_dir, e.g. "quic-go_ngtcp2/goodput/1"
};

/// One measurement cell (the reference's goodput / crosstraffic).
struct MeasurementResult {
  std::string server;
  std::string client;
  std::string test;  ///< measurement name, listed in RunResults::measurement_tests
  Outcome outcome = Outcome::kError;
  std::string details;  ///< e.g. "9559 (± 120) kbps"; empty unless succeeded
  std::string reason;   ///< why it did not succeed ("repetition 3: ..."); empty when succeeded
  double mean_kbps = 0;    ///< mean goodput of the repetitions; 0 unless succeeded
  double stddev_kbps = 0;  ///< their sample standard deviation
  double link_kbps = 0;    ///< the bottleneck's rate, for link utilisation (mean ÷ this); 0 = unknown
  std::vector<MeasurementRepetition> repetitions;  ///< in order; the last one failed when outcome did
};

/// How the run was planned and which part of the plan the file holds: result.json's
/// "qir"/"plan" and "qir"/"shard", what `qir merge` checks and combines.
struct PlanRecord {
  std::string fingerprint;   ///< plan::Fingerprint of the run; the same in all its shards
  std::string qir_version;   ///< of the qir that ran it
  std::string must_include;  ///< -i; empty = every pair
  std::vector<std::string> no_auto_unsupported;  ///< -n: exempt from the auto-unsupported rule
  size_t planned_cells = 0;  ///< cells of the whole run (every shard)
  plan::Shard shard;         ///< 1/1 for a whole run or a merge
  std::vector<plan::CellKey> shard_cells;  ///< the cells this shard planned, in plan order
  /// Merges only: shards that were not given (--allow-missing), and planned cells with no
  /// result (missing shards, interrupted shards), pairs skipped as non-compliant excluded.
  std::vector<int> missing_shards;
  size_t missing_cells = 0;
};

/// A whole run (or a shard of one, or a merge of shards).
struct RunResults {
  double start_time = 0;  ///< epoch seconds
  double end_time = 0;    ///< epoch seconds
  std::string log_dir;
  uint64_t seed = 0;                            ///< simulator seed the run used
  std::vector<std::string> servers;             ///< in matrix order
  std::vector<std::string> clients;             ///< in matrix order
  std::map<std::string, std::string> urls;      ///< implementation → project URL
  std::map<std::string, std::string> versions;  ///< implementation → what its build made, when known
  std::vector<TestInfo> tests;                  ///< in run order
  std::vector<CellResult> cells;                ///< any order; looked up by (server, client, test)
  std::vector<TestInfo> measurement_tests;      ///< measurements, in run order
  std::vector<MeasurementResult> measurements;  ///< any order
  /// Endpoints that failed the compliance check, "name (role)" → reason; their pairs were skipped.
  std::map<std::string, std::string> noncompliant;
  /// The plan; absent in reference files and in results of a qir before sharding.
  std::optional<PlanRecord> plan;
  int peak_cells = 0;  ///< most cells this process ran at once (not written to result.json)

  /// The cell for (server, client, test), or nullptr when it was not run.
  const CellResult* Find(const std::string& server, const std::string& client,
                         const std::string& test) const;
  /// True when the cell, or the measurement of that name, has a result.
  bool Has(const std::string& server, const std::string& client, const std::string& test) const;
  /// Number of cells whose reference status is "failed".
  int FailedCount() const;
};

}  // namespace qir::results

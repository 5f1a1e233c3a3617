// The matrix: which cells run (servers × clients × tests) and running them,
// several at once, each in its own namespaces. Results stream out through a
// callback as cells finish, so an interrupted run keeps what it has.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "results/results.h"
#include "runner/implementations.h"
#include "testcases/registry.h"

namespace qir::runner {

/// Options of one run; defaults in the comments.
struct MatrixOptions {
  std::vector<Implementation> servers;               ///< in matrix order
  std::vector<Implementation> clients;               ///< in matrix order
  std::vector<const testcases::TestCase*> tests;     ///< in run order
  /// Measurements, planned after each pair's tests (run last when cells run in parallel); each
  /// runs alone (no other cell meanwhile).
  std::vector<const testcases::Measurement*> measurements;
  std::string log_dir;                               ///< must not exist yet... created here
  std::string scratch_root = "/tmp";                 ///< where qir-run-<pid>/ scratch folders go
  std::string qir_binary;                            ///< this executable, absolute
  int jobs = 1;                                      ///< cells in parallel; 0 = automatic (admission.h)
  uint64_t seed = 0;                                 ///< base seed; each cell derives its own
  bool keep_files_on_failure = false;
  std::string scenario;                              ///< overrides every test's scenario; empty = theirs
  bool check_compliance = true;                      ///< probe each endpoint with an unknown TESTCASE first
  /// Run-level `qir run` arguments a cell's replay command starts with (implementations
  /// files, -r, --scenario, --engine); the cell adds -s, -c, -t and --seed.
  std::vector<std::string> replay_args;
  int retries = 0;                                   ///< reruns of a failed cell (retries.h); 0 as in the reference
  std::string must_include;                          ///< only pairs with this implementation (-i); empty = all
  /// The cells to run, in this order (a shard, or what a resumed run has left); each must be
  /// a planned cell. Unset = every planned cell.
  std::optional<std::vector<plan::CellKey>> only;
  /// Results of an earlier attempt at this run (--resume): kept, reported before new ones, and
  /// its start time and non-compliant endpoints carried over. Null = a fresh run.
  const results::RunResults* earlier = nullptr;
  std::optional<results::PlanRecord> plan;           ///< copied into the results (result.json's "qir")
};

/// The planned cells of `options` by name (plan::PlannedCells of its servers, clients, tests, -i).
plan::PlanSpec SpecOf(const MatrixOptions& options);

/// Called when a worker starts a cell (serialized with CellDone).
using CellStarted = std::function<void(const plan::CellKey&)>;

/// Called after each cell, from the thread that ran it (calls are serialized).
using CellDone = std::function<void(const results::CellResult&, const results::RunResults& so_far)>;

/// Called after each measurement of a pair, likewise serialized.
using MeasurementDone = std::function<void(const results::MeasurementResult&, const results::RunResults& so_far)>;

/// Runs every cell; stops starting new ones once `interrupted` is set.
results::RunResults RunMatrix(const MatrixOptions& options, const std::atomic<bool>& interrupted,
                              const CellDone& on_done, const CellStarted& on_start = nullptr,
                              const MeasurementDone& on_measurement = {});

/// The seed of one cell: a mix of the run's seed and the cell's coordinates,
/// so re-running one cell with the same seed reproduces it.
uint64_t CellSeed(uint64_t run_seed, const std::string& server, const std::string& client, const std::string& test);

}  // namespace qir::runner

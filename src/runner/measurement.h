// A measurement of one pair, end to end: its repetitions, each a complete cell
// (fresh namespaces, certificates and file) checked like a transfer, then the
// goodput from the client-side trace and each endpoint's CPU time per MiB. Logs
// go to <server>_<client>/<measurement>/<1..n>/. The caller makes sure nothing
// else runs meanwhile (matrix.cc's exclusive gate).
#pragma once

#include <atomic>
#include <functional>
#include <cstdint>
#include <string>

#include "results/results.h"
#include "runner/cell.h"
#include "testcases/registry.h"

namespace qir::runner {

/// What one measurement runs and where.
struct MeasurementSpec {
  const testcases::Measurement* measurement = nullptr;
  /// The pair and the run's settings, as for a cell: log_dir is
  /// <run log dir>/<server>_<client>/<measurement> with the repetitions below it; repetition k
  /// works in <work_dir>/<k>, names its namespaces <netns_prefix>r<k>-... and runs with seed + k.
  /// `test` and `cross_traffic` come from the measurement.
  CellSpec cell;
};

/// Called after each repetition with its 1-based number.
using RepetitionDone = std::function<void(int repetition, const results::MeasurementRepetition&)>;

/// Runs the series; the first repetition that does not succeed ends it (measurement_math.h).
results::MeasurementResult RunMeasurement(const MeasurementSpec& spec, const std::atomic<bool>& interrupted,
                                          const RepetitionDone& on_repetition = {});

/// What the simulator's summary at the end of sim.log says about its own headroom.
struct SimHeadroom {
  bool found = false;        ///< the summary was there
  double cpu_s = 0;          ///< user + system seconds of `qir sim`
  uint64_t ring_drops = 0;   ///< packets lost before the simulator saw them (its receive rings overflowed)
  uint64_t send_errors = 0;  ///< packets the kernel refused to send
  uint64_t queue_drops = 0;  ///< drop-tail drops of the link (the bottleneck doing its job)
};
SimHeadroom ParseSimSummary(const std::string& sim_log_text);

/// Whether the simulator kept up: summary present, no ring drops or send errors, and its CPU
/// time at most kMaxSimCpuShare of the transfer's duration (`wall_s`); else the reason it did not.
inline constexpr double kMaxSimCpuShare = 0.7;
std::string SimBottleneckReason(const SimHeadroom& headroom, double wall_s);

}  // namespace qir::runner

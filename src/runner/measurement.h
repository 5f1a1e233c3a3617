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
#include "runner/implementations.h"
#include "testcases/measurements.h"

namespace qir::runner {

/// What one measurement runs and where; the fields mean what CellSpec's do.
struct MeasurementSpec {
  const Implementation* server = nullptr;
  const Implementation* client = nullptr;
  const testcases::Measurement* measurement = nullptr;
  std::string log_dir;       ///< <run log dir>/<server>_<client>/<measurement>; repetitions below it
  std::string relative_log;  ///< the same, relative to the run's log dir
  std::string work_dir;      ///< scratch; each repetition uses <work_dir>/<k>
  std::string netns_prefix;  ///< each repetition's namespaces are <prefix>r<k>-...
  std::string qir_binary;
  uint64_t seed = 0;         ///< repetition k runs with a seed derived from it and k
  std::string scenario;      ///< overrides the measurement's; empty = its own
  bool keep_files_on_failure = false;
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
/// time at most kMaxSimCpuShare of the repetition's wall time; else the reason it did not.
inline constexpr double kMaxSimCpuShare = 0.7;
std::string SimBottleneckReason(const SimHeadroom& headroom, double wall_s);

}  // namespace qir::runner

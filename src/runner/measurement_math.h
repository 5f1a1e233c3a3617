// The arithmetic of a measurement, as the reference does it (interop-runner-facts.md §2):
// goodput of one repetition from the client-side trace, the series of repetitions that the
// first failure ends, and the "mean (± stddev) kbps" details string. No I/O: the series is
// driven through a callback so tests can feed it synthetic repetitions.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "results/results.h"
#include "trace/trace.h"
#include "util/result.h"

namespace qir::runner {

/// Goodput in kbps (1 kbit = 1000 bit): 8 × file_bytes ÷ the milliseconds between the first and
/// the last 1-RTT packet the server sent, as stamped in the client-side trace. An error when
/// the trace has fewer than two such packets or they share one timestamp (the reference's
/// "zero duration" failure).
Result<double> GoodputKbps(const trace::Trace& client_side, uint64_t file_bytes);

/// Mean and sample standard deviation (n − 1; 0 for a single value) of `values`.
struct MeanStddev {
  double mean = 0;
  double stddev = 0;
};
MeanStddev Summarize(const std::vector<double>& values);

/// "9559 (± 120) kbps": both rounded to integers, as the reference prints them.
std::string FormatDetails(const MeanStddev& figures);

/// Runs `run_one(1..repetitions)` until one does not succeed, which ends the series with its
/// outcome, no details and "repetition k: <reason>"; otherwise the measurement succeeds with
/// the repetitions' mean and stddev. server, client and test are left for the caller.
results::MeasurementResult RunSeries(int repetitions,
                                     const std::function<results::MeasurementRepetition(int)>& run_one);

}  // namespace qir::runner

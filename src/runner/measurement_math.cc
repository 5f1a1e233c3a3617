// Goodput, the series of repetitions and the details string (measurement_math.h). The
// reference (testcases_quic.py, MeasurementGoodput.check) takes the server's 1-RTT packets
// from the client-side trace, divides 8 × the file size by the time between the first and
// the last in milliseconds, and formats "{:.0f} (± {:.0f}) kbps" over statistics.mean and
// statistics.stdev of the repetitions.
#include "runner/measurement_math.h"

#include <cmath>

#include <fmt/format.h>

namespace qir::runner {

Result<double> GoodputKbps(const trace::Trace& client_side, uint64_t file_bytes) {
  int64_t first = 0, last = 0;
  size_t count = 0;
  for (const trace::Packet& p : client_side.packets) {
    if (p.direction != trace::Direction::kServerToClient || p.header.type != trace::PacketType::kOneRtt) continue;
    if (count++ == 0) first = p.time_ns;
    last = p.time_ns;
  }
  if (count < 2) {
    return Fail(Error::kInvalidArgument,
                fmt::format("{} server 1-RTT packet(s) in the client-side trace; goodput needs two", count));
  }
  const double ms = static_cast<double>(last - first) / 1e6;
  if (ms <= 0) return Fail(Error::kInvalidArgument, "server 1-RTT packets span zero time; no goodput");
  return 8.0 * static_cast<double>(file_bytes) / ms;
}

MeanStddev Summarize(const std::vector<double>& values) {
  MeanStddev out;
  if (values.empty()) return out;
  double sum = 0;
  for (double v : values) sum += v;
  out.mean = sum / static_cast<double>(values.size());
  if (values.size() < 2) return out;
  double squares = 0;
  for (double v : values) squares += (v - out.mean) * (v - out.mean);
  out.stddev = std::sqrt(squares / static_cast<double>(values.size() - 1));
  return out;
}

std::string FormatDetails(const MeanStddev& figures) {
  return fmt::format("{:.0f} (± {:.0f}) kbps", figures.mean, figures.stddev);
}

results::MeasurementResult RunSeries(int repetitions,
                                     const std::function<results::MeasurementRepetition(int)>& run_one) {
  results::MeasurementResult out;
  std::vector<double> kbps;
  for (int k = 1; k <= repetitions; ++k) {
    out.repetitions.push_back(run_one(k));
    const results::MeasurementRepetition& rep = out.repetitions.back();
    if (rep.outcome != results::Outcome::kSucceeded) {
      out.outcome = rep.outcome;
      out.reason = fmt::format("repetition {}: {}", k, rep.reason);
      return out;
    }
    kbps.push_back(rep.goodput_kbps);
  }
  const MeanStddev figures = Summarize(kbps);
  out.outcome = results::Outcome::kSucceeded;
  out.mean_kbps = figures.mean;
  out.stddev_kbps = figures.stddev;
  out.details = FormatDetails(figures);
  return out;
}

}  // namespace qir::runner

// The repetitions of a measurement (measurement.h): RunCell for each, then the
// figures. The goodput comes from the client-side capture the cell kept
// (measurement_math.h); CPU per MiB from the cell's CPU totals; with cross
// traffic, the TCP bytes that crossed the client-side capture during the QUIC
// transfer are logged to show the flows shared the bottleneck; for qir's faster
// links the simulator's own summary decides whether the figure stands.
#include "runner/measurement.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>

#include "netns/address_plan.h"
#include "runner/cell.h"
#include "runner/measurement_math.h"
#include "trace/capture.h"
#include "trace/trace.h"
#include "util/temp_file.h"

namespace qir::runner {
namespace {

namespace fs = std::filesystem;
using results::MeasurementRepetition;
using results::Outcome;

constexpr double kMiB = 1024.0 * 1024.0;
constexpr uint8_t kIpProtoTcp = 6;

/// TCP payload-carrying bytes (IP lengths) from the cross-traffic sender in `pcap` between
/// the two times; -1 when the capture cannot be read.
int64_t CrossBytesBetween(const std::string& pcap, int64_t from_ns, int64_t to_ns) {
  Result<std::vector<uint8_t>> bytes = trace::ReadFileBytes(pcap);
  if (!bytes.ok()) return -1;
  Result<trace::IpAddress> sender = trace::IpAddress::Parse(netns::kCrossServerV4);
  int64_t total = 0;
  Result<trace::ScannedCapture> scan = trace::ScanCaptureLenient(
      *bytes, [&](int64_t t, size_t, std::span<const uint8_t> ip, uint32_t) {
        if (t < from_ns || t > to_ns || ip.size() < 20 || (ip[0] >> 4) != 4 || ip[9] != kIpProtoTcp) return;
        if (!std::equal(ip.begin() + 12, ip.begin() + 16, sender->bytes.begin())) return;
        total += (ip[2] << 8) | ip[3];
      });
  return scan.ok() ? total : -1;
}

class Series {
 public:
  Series(const MeasurementSpec& spec, const std::atomic<bool>& interrupted)
      : spec_(spec), m_(*spec.measurement), interrupted_(interrupted) {}

  MeasurementRepetition Run(int k);

 private:
  /// The figures of a repetition whose cell succeeded; fails it when they cannot be had.
  void Figures(const std::string& log_dir, const results::CellResult& cell, MeasurementRepetition* rep);

  const MeasurementSpec& spec_;
  const testcases::Measurement& m_;
  const std::atomic<bool>& interrupted_;
};

MeasurementRepetition Series::Run(int k) {
  const std::string n = std::to_string(k);
  CellSpec cell = spec_.cell;
  cell.test = &m_.test;
  cell.cross_traffic = m_.cross_traffic;
  cell.log_dir += "/" + n;
  cell.relative_log += "/" + n;
  cell.work_dir += "/" + n;
  cell.netns_prefix += "r" + n;
  cell.seed += static_cast<uint64_t>(k);
  if (interrupted_) return {.outcome = Outcome::kError, .reason = "interrupted", .log_dir = cell.relative_log};
  const results::CellResult result = RunCell(cell, interrupted_);
  MeasurementRepetition rep{.outcome = result.outcome, .reason = result.reason, .log_dir = cell.relative_log};
  if (rep.outcome == Outcome::kSucceeded) Figures(cell.log_dir, result, &rep);
  return rep;
}

/// Appends "measurement: ..." lines to a repetition's output.txt, after the cell's own.
class FigureLog {
 public:
  explicit FigureLog(const std::string& path) : out_(path, std::ios::app) {}
  void Line(const std::string& text) { out_ << "measurement: " << text << std::endl; }

 private:
  std::ofstream out_;
};

void Series::Figures(const std::string& log_dir, const results::CellResult& cell, MeasurementRepetition* rep) {
  FigureLog log(log_dir + "/output.txt");
  const std::string left = log_dir + "/sim/trace_node_left.pcap";
  Result<trace::Trace> trace = trace::LoadTrace(left, trace::QirEndpoints(), nullptr);
  uint64_t file_bytes = 0;
  for (uint64_t size : m_.test.files.sizes) file_bytes += size;
  // > 0 once GoodputKbps succeeded.
  Result<double> kbps = trace.ok() ? GoodputKbps(*trace, file_bytes) : Result<double>(trace.error());
  if (!kbps.ok()) {
    rep->outcome = Outcome::kFailed;
    rep->reason = "goodput: " + kbps.error().Text();
    log.Line(rep->reason);
    return;
  }
  rep->goodput_kbps = *kbps;
  rep->server_cpu_s_per_mib = cell.server_cpu_s / (static_cast<double>(file_bytes) / kMiB);
  rep->client_cpu_s_per_mib = cell.client_cpu_s / (static_cast<double>(file_bytes) / kMiB);
  log.Line(fmt::format("goodput {:.0f} kbps ({:.1f} % of the link); CPU server {:.3f} s, client {:.3f} s "
                       "({:.4f} / {:.4f} s per MiB)",
                       *kbps, m_.link_bps > 0 ? 100.0 * *kbps * 1000.0 / static_cast<double>(m_.link_bps) : 0.0,
                       cell.server_cpu_s, cell.client_cpu_s, rep->server_cpu_s_per_mib, rep->client_cpu_s_per_mib));
  if (m_.cross_traffic) {
    int64_t first = 0, last = 0;
    for (const trace::Packet& p : trace->packets) {
      if (p.direction != trace::Direction::kServerToClient || p.header.type != trace::PacketType::kOneRtt) continue;
      if (first == 0) first = p.time_ns;
      last = p.time_ns;
    }
    const int64_t tcp = CrossBytesBetween(left, first, last);
    const double secs = static_cast<double>(last - first) / 1e9;
    log.Line(fmt::format("cross traffic: {} bytes of TCP from {} in the client-side capture during the "
                         "QUIC transfer ({:.0f} kbps)", tcp, netns::kCrossServerV4, secs > 0 ? 8.0 * tcp / secs / 1000 : 0));
    if (tcp <= 0) {
      rep->outcome = Outcome::kFailed;
      rep->reason = "cross traffic: no TCP packets of the competing flow crossed the link during the transfer";
      return;
    }
  }
  // The simulator's CPU time against the transfer's duration (it idles before and after).
  const double transfer_s = 8.0 * static_cast<double>(file_bytes) / (*kbps * 1000.0);
  const SimHeadroom headroom = ParseSimSummary(util::ReadFileText(log_dir + "/sim/sim.log").value_or(""));
  log.Line(fmt::format("simulator cpu {:.2f} s for a {:.1f} s transfer ({:.0f} %), ring drops {}, send errors {}, "
                       "queue drops {}", headroom.cpu_s, transfer_s, 100 * headroom.cpu_s / transfer_s,
                       headroom.ring_drops, headroom.send_errors, headroom.queue_drops));
  if (m_.needs_sim_headroom) {
    if (std::string why = SimBottleneckReason(headroom, transfer_s); !why.empty()) {
      rep->outcome = Outcome::kUnsupported;
      rep->reason = "the simulator is the bottleneck here: " + why;
      log.Line("unsupported: " + rep->reason);
    }
  }
}

}  // namespace

SimHeadroom ParseSimSummary(const std::string& text) {
  SimHeadroom out;
  static const std::regex kPath(R"(^to_(server|client): received=\d+ dropped=(\d+) .*send_errors=(\d+) .*ring_drops=(\d+))");
  static const std::regex kCpu(R"(^cpu: user=([0-9.]+)s sys=([0-9.]+)s)");
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::smatch m;
    if (std::regex_search(line, m, kPath)) {
      out.queue_drops += std::stoull(m[2]);
      out.send_errors += std::stoull(m[3]);
      out.ring_drops += std::stoull(m[4]);
    } else if (std::regex_search(line, m, kCpu)) {
      out.found = true;
      out.cpu_s = std::stod(m[1]) + std::stod(m[2]);
    }
  }
  return out;
}

std::string SimBottleneckReason(const SimHeadroom& h, double wall_s) {
  if (!h.found) return "no simulator summary in sim.log";
  if (h.ring_drops > 0) return fmt::format("{} packet(s) overflowed its receive rings", h.ring_drops);
  if (h.send_errors > 0) return fmt::format("{} packet(s) could not be sent", h.send_errors);
  if (wall_s > 0 && h.cpu_s > kMaxSimCpuShare * wall_s) {
    return fmt::format("it used {:.0f} % of a CPU (limit {:.0f} %)", 100 * h.cpu_s / wall_s, 100 * kMaxSimCpuShare);
  }
  return "";
}

results::MeasurementResult RunMeasurement(const MeasurementSpec& spec, const std::atomic<bool>& interrupted,
                                          const RepetitionDone& on_repetition) {
  std::error_code ec;
  fs::create_directories(spec.cell.log_dir, ec);
  Series series(spec, interrupted);
  results::MeasurementResult result = RunSeries(spec.measurement->repetitions, [&](int k) {
    MeasurementRepetition rep = series.Run(k);
    if (on_repetition) on_repetition(k, rep);
    return rep;
  });
  result.server = spec.cell.server->name;
  result.client = spec.cell.client->name;
  result.test = spec.measurement->test.name;
  result.link_kbps = static_cast<double>(spec.measurement->link_bps) / 1000.0;
  return result;
}

}  // namespace qir::runner

// Measurement rows for the terminal and Markdown (measurement_table.h), in the
// matrix's order: clients, then servers, then the run's measurements.
#include "report/measurement_table.h"

#include <algorithm>
#include <vector>

#include <fmt/format.h>

#include "report/markdown.h"
#include "report/matrix_cells.h"

namespace qir::report {
namespace {

constexpr size_t kMaxResultColumns = 120;

struct Row {
  std::string server, client, test, result, link, cpu;
};

/// "0.012 / 0.010" (server / client CPU seconds per MiB, mean of the repetitions); "-" without figures.
std::string CpuText(const results::MeasurementResult& m) {
  double server = 0, client = 0;
  int n = 0;
  for (const results::MeasurementRepetition& rep : m.repetitions) {
    if (rep.outcome != results::Outcome::kSucceeded) continue;
    server += rep.server_cpu_s_per_mib;
    client += rep.client_cpu_s_per_mib;
    ++n;
  }
  if (n == 0) return "-";
  return fmt::format("{:.3f} / {:.3f}", server / n, client / n);
}

std::vector<Row> Rows(const results::RunResults& run) {
  std::vector<Row> rows;
  for (const std::string& client : run.clients) {
    for (const std::string& server : run.servers) {
      for (const results::TestInfo& test : run.measurement_tests) {
        for (const results::MeasurementResult& m : run.measurements) {
          if (m.server != server || m.client != client || m.test != test.name) continue;
          std::string result = m.outcome == results::Outcome::kSucceeded
                                   ? m.details
                                   : std::string(results::OutcomeName(m.outcome)) + ": " + m.reason;
          rows.push_back({OneLine(server), OneLine(client), OneLine(test.abbr + " (" + test.name + ")"),
                          TruncateColumns(OneLine(result), kMaxResultColumns), LinkUtilisation(m), CpuText(m)});
          break;
        }
      }
    }
  }
  return rows;
}

}  // namespace

std::string LinkUtilisation(const results::MeasurementResult& m) {
  if (m.outcome != results::Outcome::kSucceeded || m.link_kbps <= 0 || m.mean_kbps <= 0) return "-";
  const double mbps = m.link_kbps / 1000;
  const std::string rate = mbps >= 1000 ? fmt::format("{:g} Gbit/s", mbps / 1000) : fmt::format("{:g} Mbit/s", mbps);
  return fmt::format("{:.0f} % of {}", 100 * m.mean_kbps / m.link_kbps, rate);
}

std::string TerminalMeasurements(const results::RunResults& run) {
  const std::vector<Row> rows = Rows(run);
  if (rows.empty()) return "";
  Row head{"server", "client", "measurement", "goodput", "link use", "CPU s/MiB server / client"};
  size_t w[5] = {head.server.size(), head.client.size(), head.test.size(), head.result.size(), head.link.size()};
  for (const Row& r : rows) {
    w[0] = std::max(w[0], r.server.size());
    w[1] = std::max(w[1], r.client.size());
    w[2] = std::max(w[2], r.test.size());
    w[3] = std::max(w[3], DisplayWidth(r.result));
    w[4] = std::max(w[4], r.link.size());
  }
  auto line = [&](const Row& r) {
    std::string pad(w[3] > DisplayWidth(r.result) ? w[3] - DisplayWidth(r.result) : 0, ' ');
    return fmt::format("  {:<{}}  {:<{}}  {:<{}}  {}{}  {:<{}}  {}\n", r.server, w[0], r.client, w[1], r.test, w[2],
                       r.result, pad, r.link, w[4], r.cpu);
  };
  std::string out = "Measurements:\n" + line(head);
  for (const Row& r : rows) out += line(r);
  return out;
}

std::string MarkdownMeasurements(const results::RunResults& run) {
  const std::vector<Row> rows = Rows(run);
  if (rows.empty()) return "";
  std::string out = "\n| server | client | measurement | goodput | link use | CPU s/MiB (server / client) |\n"
                    "|---|---|---|---|---|---|\n";
  for (const Row& r : rows) {
    out += "| " + MarkdownEscape(r.server) + " | " + MarkdownEscape(r.client) + " | " + MarkdownEscape(r.test) +
           " | " + MarkdownEscape(r.result) + " | " + r.link + " | " + r.cpu + " |\n";
  }
  return out;
}

}  // namespace qir::report

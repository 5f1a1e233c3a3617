// Run progress and its time estimate (progress.h).
#include "runner/progress.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace qir::runner {

Progress::Progress(std::vector<plan::CellKey> to_run, size_t done_before, int jobs, double start)
    : pending_(std::move(to_run)), done_(done_before), jobs_(std::max(1, jobs)), start_(start) {
  total_ = done_before + pending_.size();
}

void Progress::Started(const plan::CellKey& cell, double now) {
  std::erase(pending_, cell);
  running_[cell] = now;
  peak_running_ = std::max(peak_running_, running_.size());
}

void Progress::Finished(const results::CellResult& cell, double now) {
  const plan::CellKey key{cell.server, cell.client, cell.test};
  std::erase(pending_, key);
  auto it = running_.find(key);
  // The cell's own wall time; the time since it started when it has none.
  const double took = cell.duration_s > 0 ? cell.duration_s : it != running_.end() ? now - it->second : 0;
  if (it != running_.end()) running_.erase(it);
  Mean& m = per_test_[cell.test];
  m.sum += took;
  ++m.count;
  all_.sum += took;
  ++all_.count;
  ++done_;
  if (std::string(results::ReferenceStatus(cell.outcome)) == "failed") ++failed_;
}

std::optional<double> Progress::Estimate(const std::string& test) const {
  auto it = per_test_.find(test);
  if (it != per_test_.end()) return it->second.sum / it->second.count;
  if (all_.count == 0) return std::nullopt;
  return all_.sum / all_.count;
}

std::optional<double> Progress::EtaSeconds(double now) const {
  if (pending_.empty() && running_.empty()) return 0.0;
  if (all_.count == 0) return std::nullopt;
  double work = 0;
  for (const plan::CellKey& c : pending_) work += *Estimate(c.test);
  for (const auto& [c, started] : running_) work += std::max(0.0, *Estimate(c.test) - (now - started));
  // Automatic parallelism may run more cells than `jobs`: count the most seen at once.
  const size_t lanes = std::min<size_t>(std::max(static_cast<size_t>(jobs_), peak_running_),
                                        pending_.size() + running_.size());
  return work / static_cast<double>(std::max<size_t>(1, lanes));
}

std::string Progress::StatusLine(double now, size_t width) const {
  std::string running;
  for (const auto& [c, started] : running_) {
    running += fmt::format("{}{}_{} {}", running.empty() ? "" : ", ", c.server, c.client, c.test);
  }
  const std::optional<double> eta = EtaSeconds(now);
  std::string head = fmt::format("{}/{} done", done_, total_);
  if (!running_.empty()) head += fmt::format(" | {} running: {}", running_.size(), running);
  std::string tail = failed_ > 0 ? fmt::format(" | {} failed", failed_) : "";
  tail += " | " + FormatDuration(now - start_) + " elapsed";
  tail += " | ETA " + (eta ? FormatDuration(*eta) : std::string("?"));
  if (width == 0 || head.size() + tail.size() <= width) return head + tail;
  // Too wide: shorten the list of running cells, keep failures and times.
  if (tail.size() + 3 < width) return head.substr(0, width - tail.size() - 3) + "..." + tail;
  return (head + tail).substr(0, width);
}

std::string FormatDuration(double seconds) {
  const long s = std::lround(std::max(0.0, seconds));
  if (s >= 3600) return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
  return fmt::format("{}:{:02}", s / 60, s % 60);
}

}  // namespace qir::runner

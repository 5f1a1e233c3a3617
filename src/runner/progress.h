// Where a run is: cells done of total, which run now, failures so far, elapsed time and an
// estimate of the time left from the durations seen so far per test. Pure bookkeeping on
// times the caller passes in (seconds on any clock), so tests need no clock; the CLI draws it
// as the live status line.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "plan/plan.h"
#include "results/results.h"

namespace qir::runner {

class Progress {
 public:
  /// `to_run`: the cells this process will run; `done_before`: cells already finished (a
  /// resumed run's); `jobs`: cells in parallel (automatic runs: the CPUs; the ETA counts more
  /// lanes once more cells run at once); `start`: now.
  Progress(std::vector<plan::CellKey> to_run, size_t done_before, int jobs, double start);

  void Started(const plan::CellKey& cell, double now);
  void Finished(const results::CellResult& cell, double now);

  /// Seconds left: the expected duration of every cell not finished (mean of its test so far,
  /// else of every cell so far), less what running cells have already spent, over the cells
  /// in parallel. Unset until a cell has finished; 0 when nothing is left.
  std::optional<double> EtaSeconds(double now) const;

  /// "12/368 done | 2 running: quic-go_ngtcp2 retry, quinn_quinn handshake | 1 failed |
  /// 3:12 elapsed | ETA 40:05", ASCII only, cut to `width` characters (0 = no limit).
  std::string StatusLine(double now, size_t width = 0) const;

  size_t done() const { return done_; }
  size_t total() const { return total_; }

 private:
  /// Expected duration of one cell of `test`; unset before any cell finished.
  std::optional<double> Estimate(const std::string& test) const;

  struct Mean {
    double sum = 0;
    int count = 0;
  };
  std::vector<plan::CellKey> pending_;           ///< not started yet, in run order
  std::map<plan::CellKey, double> running_;      ///< started → start time
  std::map<std::string, Mean> per_test_;         ///< durations of finished cells by test
  Mean all_;                                     ///< all finished cells
  size_t done_ = 0;
  size_t total_ = 0;
  int failed_ = 0;
  int jobs_ = 1;
  size_t peak_running_ = 0;                      ///< most cells running at once so far
  double start_ = 0;
};

/// "m:ss", or "h:mm:ss" from an hour on.
std::string FormatDuration(double seconds);

}  // namespace qir::runner

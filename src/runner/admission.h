// How many cells run at once. With -P N it is N, as it always was. Without -P it is
// automatic: one cell per CPU starts at once, and beyond that one more each time the
// machine has had at least half a CPU idle since the last cell started, up to a ceiling.
// Most cells spend their time waiting on a 10 Mbit/s link, a 15 ms delay or a loss timer,
// not on the CPU, so a 2-core machine can run many more than two without starving any of
// them; the idle rule stops adding cells as soon as the endpoints do keep the CPUs busy.
#pragma once

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>

#include "util/machine_cpu.h"

namespace qir::runner {

struct AdmissionPolicy {
  int floor = 1;                 ///< cells that may run without looking at the CPU
  int ceiling = 1;               ///< never more than this many
  double min_idle_cpus = 0.5;    ///< beyond the floor: idle CPUs needed since the last start
  double settle_seconds = 0.3;   ///< ... measured over at least this long (a cell's start-up)
  double window_seconds = 1.0;   ///< ... and over at most this long (recent load, not old idle time)
  double poll_seconds = 0.05;    ///< how often a waiting cell looks again

  /// -P N: exactly N at once, CPU not consulted.
  static AdmissionPolicy Fixed(int cells);
  /// No -P: `cpus` at once, up to kCellsPerCpu × cpus while CPUs are idle.
  static AdmissionPolicy Automatic(int cpus);
  /// The policy of -P `jobs` on this machine: Fixed(jobs), or Automatic over its CPUs for 0.
  static AdmissionPolicy ForJobs(int jobs);
  bool automatic() const { return ceiling > floor; }
};

/// Cells per CPU the automatic policy allows at most: past this, even idle-looking cells
/// (50 handshakes through 30 % loss each) add up to more processes than two cores
/// schedule promptly. Measured in bench/parallelism.sh.
inline constexpr int kCellsPerCpu = 6;

/// May one more cell start, with `running` cells running and `idle_cpus` idle on average
/// over the last `window_seconds` since the last start? Pure, for tests.
bool MayAdmit(const AdmissionPolicy& policy, int running, double window_seconds, double idle_cpus);

/// The admission of one run's cells; shared by its worker threads.
class Admission {
 public:
  using Sampler = std::function<std::optional<util::MachineCpu>()>;
  using Clock = std::function<double()>;  ///< seconds, monotonic

  explicit Admission(AdmissionPolicy policy, Sampler sampler = util::ReadMachineCpu, Clock clock = nullptr);
  Admission(const Admission&) = delete;
  Admission& operator=(const Admission&) = delete;

  /// Waits until one more cell may run (true) or `stop` is set (false); callers are let in
  /// in the order they called.
  bool Enter(const std::atomic<bool>& stop);
  /// A cell that Enter let in has ended.
  void Leave();

  /// Most cells that ran at once so far.
  int peak() const;

 private:
  struct Sample {
    double at;
    util::MachineCpu cpu;
  };
  bool MayAdmitLocked(double now);

  const AdmissionPolicy policy_;
  const Sampler sampler_;
  const Clock clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_ticket_ = 0;  ///< handed to each Enter
  uint64_t serving_ = 0;      ///< the ticket whose turn it is
  int running_ = 0;
  int peak_ = 0;
  std::deque<Sample> samples_;  ///< since the last start, at most window_seconds back (+1)
};

}  // namespace qir::runner

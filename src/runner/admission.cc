// Cell admission (admission.h).
#include "runner/admission.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <thread>

namespace qir::runner {

AdmissionPolicy AdmissionPolicy::Fixed(int cells) {
  const int n = std::max(1, cells);
  return {.floor = n, .ceiling = n};
}

AdmissionPolicy AdmissionPolicy::Automatic(int cpus) {
  const int n = std::max(1, cpus);
  return {.floor = n, .ceiling = n * kCellsPerCpu};
}

AdmissionPolicy AdmissionPolicy::ForJobs(int jobs) {
  if (jobs != 0) return Fixed(jobs);
  return Automatic(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

bool MayAdmit(const AdmissionPolicy& p, int running, double window_seconds, double idle_cpus) {
  if (running < p.floor) return true;
  if (running >= p.ceiling) return false;
  return window_seconds >= p.settle_seconds && idle_cpus >= p.min_idle_cpus;
}

Admission::Admission(AdmissionPolicy policy, Sampler sampler, Clock clock)
    : policy_(policy), sampler_(std::move(sampler)), clock_(clock ? std::move(clock) : [] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
      }) {}

bool Admission::MayAdmitLocked(double now) {
  if (running_ < policy_.floor) return true;
  if (running_ >= policy_.ceiling || !policy_.automatic()) return false;
  const std::optional<util::MachineCpu> cpu = sampler_();
  if (!cpu) return false;  // no /proc/stat: stay at the floor rather than guess
  samples_.push_back({now, *cpu});
  // Oldest sample still inside the window, keeping one that spans at least settle_seconds.
  while (samples_.size() > 2 && now - samples_[1].at >= policy_.window_seconds) samples_.pop_front();
  const Sample& first = samples_.front();
  const double window = now - first.at;
  return MayAdmit(policy_, running_, window, util::IdleCpus(first.cpu, *cpu, window));
}

bool Admission::Enter(const std::atomic<bool>& stop) {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t ticket = next_ticket_++;  // first come, first started: the run's order holds
  while (!stop) {
    const double now = clock_();
    if (ticket == serving_ && MayAdmitLocked(now)) {
      ++serving_;
      ++running_;
      peak_ = std::max(peak_, running_);
      samples_.clear();  // the next start is judged on the load after this one
      if (policy_.automatic()) {
        if (const std::optional<util::MachineCpu> cpu = sampler_()) samples_.push_back({now, *cpu});
      }
      cv_.notify_all();  // the next in line may start at once when below the floor
      return true;
    }
    cv_.wait_for(lock, std::chrono::duration<double>(policy_.poll_seconds));
  }
  return false;  // a stop is for good: every waiter leaves, whatever its turn
}

void Admission::Leave() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    --running_;
  }
  cv_.notify_all();
}

int Admission::peak() const {
  std::lock_guard<std::mutex> lock(mu_);
  return peak_;
}

}  // namespace qir::runner

#include "runner/admission.h"

#include <atomic>
#include <thread>

#include <gtest/gtest.h>

namespace qir::runner {
namespace {

TEST(MayAdmit, FixedIsExactlyN) {
  const AdmissionPolicy p = AdmissionPolicy::Fixed(3);
  EXPECT_FALSE(p.automatic());
  EXPECT_TRUE(MayAdmit(p, 2, 0, 0));
  EXPECT_FALSE(MayAdmit(p, 3, 10, 8));  // idle CPUs do not matter with -P
}

TEST(MayAdmit, AutomaticStartsOnePerCpuThenNeedsIdleCpu) {
  const AdmissionPolicy p = AdmissionPolicy::Automatic(2);
  EXPECT_TRUE(p.automatic());
  EXPECT_EQ(p.ceiling, 2 * kCellsPerCpu);
  EXPECT_TRUE(MayAdmit(p, 0, 0, 0));
  EXPECT_TRUE(MayAdmit(p, 1, 0, 0));
  EXPECT_FALSE(MayAdmit(p, 2, 1.0, 0.2));   // busy machine
  EXPECT_TRUE(MayAdmit(p, 2, 1.0, 1.2));    // more than half a CPU idle
  EXPECT_FALSE(MayAdmit(p, 2, 0.1, 1.9));   // too soon after the last start to tell
  EXPECT_FALSE(MayAdmit(p, p.ceiling, 1.0, 2.0));
}

TEST(MayAdmit, ForJobsIsFixedForNAndAutomaticForZero) {
  EXPECT_FALSE(AdmissionPolicy::ForJobs(3).automatic());
  EXPECT_EQ(AdmissionPolicy::ForJobs(3).ceiling, 3);
  EXPECT_TRUE(AdmissionPolicy::ForJobs(0).automatic());
  EXPECT_EQ(AdmissionPolicy::ForJobs(0).ceiling, AdmissionPolicy::ForJobs(0).floor * kCellsPerCpu);
}

// A fake machine: `idle_rate` idle CPUs per second of a clock that moves 0.1 s per reading.
struct FakeMachine {
  double now = 0;
  double idle = 0;
  double idle_rate = 2;
  Admission::Clock Clock() {
    return [this] { return now += 0.1; };
  }
  Admission::Sampler Sampler() {
    return [this]() -> std::optional<util::MachineCpu> {
      idle += idle_rate * 0.1;
      return util::MachineCpu{.busy_seconds = 0, .idle_seconds = idle};
    };
  }
};

AdmissionPolicy FastAutomatic(int cpus) {
  AdmissionPolicy p = AdmissionPolicy::Automatic(cpus);
  p.poll_seconds = 0.001;
  return p;
}

TEST(Admission, IdleMachineGoesPastTheFloor) {
  FakeMachine m;
  Admission a(FastAutomatic(1), m.Sampler(), m.Clock());
  std::atomic<bool> stop{false};
  for (int i = 0; i < kCellsPerCpu; ++i) ASSERT_TRUE(a.Enter(stop));
  EXPECT_EQ(a.peak(), kCellsPerCpu);
}

TEST(Admission, BusyMachineStaysAtTheFloorUntilACellEnds) {
  FakeMachine m;
  m.idle_rate = 0.1;
  Admission a(FastAutomatic(2), m.Sampler(), m.Clock());
  std::atomic<bool> stop{false};
  ASSERT_TRUE(a.Enter(stop));
  ASSERT_TRUE(a.Enter(stop));
  std::atomic<bool> third{false};
  std::thread waiter([&] { third = a.Enter(stop); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(third);  // two running, CPUs busy: the third waits
  a.Leave();
  waiter.join();
  EXPECT_TRUE(third);
  EXPECT_EQ(a.peak(), 2);
}

TEST(Admission, StopReleasesWaiters) {
  FakeMachine m;
  m.idle_rate = 0;
  Admission a(FastAutomatic(1), m.Sampler(), m.Clock());
  std::atomic<bool> stop{false};
  ASSERT_TRUE(a.Enter(stop));
  std::atomic<int> result{-1};
  std::thread waiter([&] { result = a.Enter(stop) ? 1 : 0; });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  stop = true;
  waiter.join();
  EXPECT_EQ(result, 0);
}

TEST(Admission, NoProcStatMeansTheFloor) {
  FakeMachine m;
  Admission a(FastAutomatic(1), [] { return std::optional<util::MachineCpu>(); }, m.Clock());
  std::atomic<bool> stop{false};
  ASSERT_TRUE(a.Enter(stop));
  std::atomic<bool> second{false};
  std::thread waiter([&] { second = a.Enter(stop); });
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_FALSE(second);
  a.Leave();
  waiter.join();
  EXPECT_TRUE(second);
}

}  // namespace
}  // namespace qir::runner

// The simulator-headroom rule of qir's faster goodput measurements (measurement.h) and the
// gate that lets a measurement run alone (exclusive_gate.h).
#include "runner/measurement.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "runner/exclusive_gate.h"

namespace qir::runner {
namespace {

constexpr const char* kSummary =
    "drop to_server #12 drop-rate\n"
    "to_server: received=900 dropped=3 impaired=0 delivered=897 bytes=100000 in_flight=0 send_errors=0 ignored=2 "
    "local=0 ring_drops=0 truncated=0\n"
    "to_client: received=9000 dropped=40 impaired=0 delivered=8960 bytes=10000000 in_flight=0 send_errors=1 "
    "ignored=0 local=0 ring_drops=7 truncated=0\n"
    "cpu: user=1.250s sys=0.750s wakeups=100 pcap_writer_stalls=0\n";

TEST(ParseSimSummary, CountersAndCpu) {
  const SimHeadroom h = ParseSimSummary(kSummary);
  EXPECT_TRUE(h.found);
  EXPECT_DOUBLE_EQ(h.cpu_s, 2.0);
  EXPECT_EQ(h.queue_drops, 43u);
  EXPECT_EQ(h.send_errors, 1u);
  EXPECT_EQ(h.ring_drops, 7u);
  EXPECT_FALSE(ParseSimSummary("qir sim: killed\n").found);
}

TEST(SimBottleneckReason, OnlyWhenTheSimulatorKeptUp) {
  const struct {
    const char* name;
    SimHeadroom headroom;
    double wall_s;
    bool bottleneck;
  } rows[] = {
      {.name = "idle", .headroom = {.found = true, .cpu_s = 1, .queue_drops = 50}, .wall_s = 10, .bottleneck = false},
      {.name = "no summary", .headroom = {}, .wall_s = 10, .bottleneck = true},
      {.name = "ring drops", .headroom = {.found = true, .cpu_s = 1, .ring_drops = 1}, .wall_s = 10, .bottleneck = true},
      {.name = "send errors", .headroom = {.found = true, .send_errors = 2}, .wall_s = 10, .bottleneck = true},
      {.name = "busy", .headroom = {.found = true, .cpu_s = 8}, .wall_s = 10, .bottleneck = true},
  };
  for (const auto& row : rows) {
    EXPECT_EQ(!SimBottleneckReason(row.headroom, row.wall_s).empty(), row.bottleneck) << row.name;
  }
}

TEST(ExclusiveGate, NoCellRunsBesideAnExclusiveHolder) {
  ExclusiveGate gate;
  std::atomic<int> shared_inside{0}, exclusive_inside{0}, violations{0};
  auto cell = [&] {
    for (int i = 0; i < 200; ++i) {
      ExclusiveGate::Hold hold(gate, false);
      ++shared_inside;
      if (exclusive_inside > 0) ++violations;
      --shared_inside;
    }
  };
  auto measurement = [&] {
    for (int i = 0; i < 20; ++i) {
      ExclusiveGate::Hold hold(gate, true);
      ++exclusive_inside;
      if (shared_inside > 0 || exclusive_inside > 1) ++violations;
      std::this_thread::sleep_for(std::chrono::microseconds(200));
      --exclusive_inside;
    }
  };
  std::thread a(cell), b(cell), c(measurement), d(measurement);
  a.join(), b.join(), c.join(), d.join();
  EXPECT_EQ(violations, 0);
}

}  // namespace
}  // namespace qir::runner

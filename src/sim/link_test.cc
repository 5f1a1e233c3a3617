// Tests for link.h: the bottleneck model on a virtual clock (no sleeping, no I/O).
#include "sim/link.h"

#include <gtest/gtest.h>

namespace qir::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

constexpr TimePoint kStart = TimePoint{} + std::chrono::seconds(100);
constexpr LinkConfig kDefaultLink{
    .delay = milliseconds(15), .rate_bps = 10'000'000, .queue_packets = 25};

Packet MakePacket(size_t size, uint64_t index) {
  return Packet{.bytes = std::vector<uint8_t>(size), .index = index};
}

TEST(LinkTest, SerializationAt10MbpsIsOneMillisecondPer1250Bytes) {
  Link link(kDefaultLink);
  EXPECT_EQ(link.SerializationTime(1250), milliseconds(1));
  EXPECT_EQ(link.SerializationTime(125), microseconds(100));
  EXPECT_EQ(link.SerializationTime(0), nanoseconds(0));
}

TEST(LinkTest, DeliveryIsEnqueuePlusSerializationPlusDelay) {
  Link link(kDefaultLink);
  ASSERT_TRUE(link.Enqueue(kStart, MakePacket(1250, 1)));
  ASSERT_TRUE(link.NextDelivery().has_value());
  EXPECT_EQ(*link.NextDelivery(), kStart + milliseconds(16));
  EXPECT_TRUE(link.PopDue(kStart + milliseconds(16) - nanoseconds(1)).empty());
  std::vector<Packet> due = link.PopDue(kStart + milliseconds(16));
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0].index, 1u);
  EXPECT_EQ(due[0].due, kStart + milliseconds(16));
  EXPECT_FALSE(link.NextDelivery().has_value());
  EXPECT_EQ(link.counters().delivered, 1u);
  EXPECT_EQ(link.counters().bytes_delivered, 1250u);
}

TEST(LinkTest, BurstLeavesSpacedBySerializationTime) {
  Link link(kDefaultLink);
  constexpr int kBurst = 10;
  for (int i = 1; i <= kBurst; ++i) ASSERT_TRUE(link.Enqueue(kStart, MakePacket(1250, i)));
  for (int i = 1; i <= kBurst; ++i) {
    SCOPED_TRACE(i);
    TimePoint want = kStart + milliseconds(15) + milliseconds(i);
    ASSERT_EQ(*link.NextDelivery(), want);
    EXPECT_TRUE(link.PopDue(want - nanoseconds(1)).empty());
    std::vector<Packet> due = link.PopDue(want);
    ASSERT_EQ(due.size(), 1u);
    EXPECT_EQ(due[0].index, static_cast<uint64_t>(i));
  }
}

TEST(LinkTest, QueueOf25DropsThe27thPacketOfABurst) {
  Link link(kDefaultLink);
  for (int i = 1; i <= 26; ++i) ASSERT_TRUE(link.Enqueue(kStart, MakePacket(1250, i))) << i;
  EXPECT_EQ(link.Waiting(kStart), 25u);
  EXPECT_FALSE(link.Enqueue(kStart, MakePacket(1250, 27)));
  EXPECT_FALSE(link.Enqueue(kStart, MakePacket(1250, 28)));
  EXPECT_EQ(link.counters().enqueued, 28u);
  EXPECT_EQ(link.counters().dropped, 2u);
  EXPECT_EQ(link.InFlight(), 26u);
}

TEST(LinkTest, QueueSpaceFreesWhenTransmissionStarts) {
  Link link(kDefaultLink);
  for (int i = 1; i <= 26; ++i) ASSERT_TRUE(link.Enqueue(kStart, MakePacket(1250, i)));
  // Packet 1 finishes at +1 ms and packet 2 starts transmitting: one slot frees up.
  EXPECT_FALSE(link.Enqueue(kStart + milliseconds(1) - nanoseconds(1), MakePacket(1250, 27)));
  EXPECT_TRUE(link.Enqueue(kStart + milliseconds(1), MakePacket(1250, 28)));
  EXPECT_FALSE(link.Enqueue(kStart + milliseconds(1), MakePacket(1250, 29)));
}

TEST(LinkTest, FifoOrderKeptAcrossSizes) {
  Link link(kDefaultLink);
  const size_t sizes[] = {1500, 40, 1200, 60, 1500};
  for (size_t i = 0; i < std::size(sizes); ++i)
    ASSERT_TRUE(link.Enqueue(kStart, MakePacket(sizes[i], i + 1)));
  std::vector<Packet> due = link.PopDue(kStart + std::chrono::seconds(1));
  ASSERT_EQ(due.size(), std::size(sizes));
  for (size_t i = 0; i < due.size(); ++i) EXPECT_EQ(due[i].index, i + 1);
}

TEST(LinkTest, IdleLinkDoesNotQueue) {
  Link link(kDefaultLink);
  ASSERT_TRUE(link.Enqueue(kStart, MakePacket(1250, 1)));
  // After the transmitter is idle again a new packet starts immediately.
  ASSERT_TRUE(link.Enqueue(kStart + milliseconds(5), MakePacket(1250, 2)));
  link.PopDue(kStart + milliseconds(16));
  EXPECT_EQ(*link.NextDelivery(), kStart + milliseconds(5 + 1 + 15));
}

TEST(LinkTest, UnlimitedRateOnlyDelays) {
  Link link(LinkConfig{.delay = milliseconds(15), .rate_bps = 0, .queue_packets = 1});
  for (int i = 1; i <= 100; ++i) ASSERT_TRUE(link.Enqueue(kStart, MakePacket(1500, i)));
  EXPECT_EQ(*link.NextDelivery(), kStart + milliseconds(15));
  EXPECT_EQ(link.PopDue(kStart + milliseconds(15)).size(), 100u);
  EXPECT_EQ(link.counters().dropped, 0u);
}

TEST(LinkTest, NoDelayNoRateIsImmediate) {
  Link link(LinkConfig{.delay = nanoseconds(0), .rate_bps = 0, .queue_packets = 1});
  ASSERT_TRUE(link.Enqueue(kStart, MakePacket(100, 1)));
  EXPECT_EQ(*link.NextDelivery(), kStart);
  EXPECT_EQ(link.PopDue(kStart).size(), 1u);
}

TEST(LinkTest, DropCountersAreExact) {
  Link link(LinkConfig{.delay = nanoseconds(0), .rate_bps = 8'000, .queue_packets = 2});
  int accepted = 0;
  for (int i = 1; i <= 10; ++i) accepted += link.Enqueue(kStart, MakePacket(1000, i)) ? 1 : 0;
  EXPECT_EQ(accepted, 3);  // 1 transmitting + 2 queued
  EXPECT_EQ(link.counters().dropped, 7u);
}

}  // namespace
}  // namespace qir::sim

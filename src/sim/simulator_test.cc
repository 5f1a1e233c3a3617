// Tests for the unprivileged parts of simulator.h (lateness histogram, Forwardable); the
// event loop itself needs namespaces and raw sockets: tests/integration/sim_forwarding.sh.
#include "sim/simulator.h"

#include <gtest/gtest.h>

#include <vector>

namespace qir::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

/// A header-only IPv4 or IPv6 packet between `src` and `dst` (first bytes given).
std::vector<uint8_t> Header(int version, std::vector<uint8_t> src, std::vector<uint8_t> dst) {
  std::vector<uint8_t> p(version == 4 ? 20 : 40, 0);
  p[0] = static_cast<uint8_t>(version == 4 ? 0x45 : 0x60);
  std::copy(src.begin(), src.end(), p.begin() + (version == 4 ? 12 : 8));
  std::copy(dst.begin(), dst.end(), p.begin() + (version == 4 ? 16 : 24));
  return p;
}

TEST(ForwardableTest, Table) {
  struct Row {
    const char* name;
    std::vector<uint8_t> packet;
    bool want;
  };
  const Row rows[] = {
      {.name = "v4 unicast",
       .packet = Header(4, {198, 18, 0, 100}, {198, 18, 100, 100}),
       .want = true},
      {.name = "v4 multicast",
       .packet = Header(4, {198, 18, 0, 100}, {224, 0, 0, 22}),
       .want = false},
      {.name = "v4 broadcast",
       .packet = Header(4, {198, 18, 0, 100}, {255, 255, 255, 255}),
       .want = false},
      {.name = "v6 unicast", .packet = Header(6, {0xfd, 0}, {0xfd, 0}), .want = true},
      {.name = "v6 MLD report", .packet = Header(6, {0xfe, 0x80}, {0xff, 0x02}), .want = false},
      {.name = "v6 link-local source", .packet = Header(6, {0xfe, 0x80}, {0xfd, 0}), .want = false},
      {.name = "not IP", .packet = std::vector<uint8_t>(40, 0), .want = false},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(Forwardable(row.packet), row.want);
    for (size_t n = 0; n < row.packet.size(); ++n) {  // truncated: never forwarded, never a crash
      EXPECT_FALSE(Forwardable(std::span(row.packet).first(n))) << n;
    }
  }
}

TEST(LatenessHistogramTest, EmptyIsZero) {
  LatenessHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Quantile(0.99), microseconds(0));
}

TEST(LatenessHistogramTest, QuantilesAreBucketUpperBounds) {
  LatenessHistogram h;
  for (int i = 0; i < 99; ++i) h.Add(microseconds(25));  // bucket [20, 30) us
  h.Add(milliseconds(3));
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.Quantile(0.5), microseconds(30));
  EXPECT_EQ(h.Quantile(0.99), microseconds(30));
  EXPECT_EQ(h.Quantile(1.0), microseconds(3010));
  EXPECT_EQ(h.max(), milliseconds(3));
}

TEST(LatenessHistogramTest, NegativeCountsAsOnTimeAndHugeIsClamped) {
  LatenessHistogram h;
  h.Add(microseconds(-5));
  EXPECT_EQ(h.Quantile(1.0), microseconds(10));
  h.Add(std::chrono::seconds(5));
  EXPECT_EQ(h.Quantile(1.0), microseconds(10010));  // overflow bucket
  EXPECT_EQ(h.max(), std::chrono::seconds(5));
}

}  // namespace
}  // namespace qir::sim

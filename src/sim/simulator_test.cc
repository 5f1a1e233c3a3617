// Tests for the unprivileged parts of simulator.h (the lateness histogram); the
// event loop itself needs TUNs and is covered by tests/integration/sim_forwarding.sh.
#include "sim/simulator.h"

#include <gtest/gtest.h>

namespace qir::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

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

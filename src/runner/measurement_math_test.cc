// Goodput, the stop-at-first-failure series and the details string on synthetic
// traces and repetitions (measurement_math.h).
#include "runner/measurement_math.h"

#include <gtest/gtest.h>

namespace qir::runner {
namespace {

using results::MeasurementRepetition;
using results::Outcome;
using trace::Direction;
using trace::PacketType;

constexpr uint64_t kTenMiB = 10 * 1024 * 1024;
constexpr int64_t kMs = 1'000'000;  // ns
constexpr int64_t kEpoch = 1'700'000'000LL * 1'000'000'000LL;

trace::Packet P(int64_t ms, Direction d, PacketType type) {
  trace::Packet p;
  p.time_ns = kEpoch + ms * kMs;
  p.direction = d;
  p.header.type = type;
  return p;
}

struct GoodputRow {
  const char* name;
  std::vector<trace::Packet> packets;
  double want_kbps;  ///< < 0: must fail
};

TEST(GoodputKbps, FromFirstToLastServerOneRttPacket) {
  const GoodputRow rows[] = {
      {.name = "10 MiB in 10 s",
       .packets = {P(0, Direction::kServerToClient, PacketType::kOneRtt),
                   P(10'000, Direction::kServerToClient, PacketType::kOneRtt)},
       .want_kbps = 8.0 * kTenMiB / 10'000},
      {.name = "handshake, client packets and a late client 1-RTT do not count",
       .packets = {P(-50, Direction::kServerToClient, PacketType::kInitial),
                   P(-40, Direction::kServerToClient, PacketType::kHandshake),
                   P(-30, Direction::kClientToServer, PacketType::kOneRtt),
                   P(0, Direction::kServerToClient, PacketType::kOneRtt),
                   P(4000, Direction::kServerToClient, PacketType::kOneRtt),
                   P(8388, Direction::kServerToClient, PacketType::kOneRtt),
                   P(9000, Direction::kClientToServer, PacketType::kOneRtt)},
       .want_kbps = 8.0 * kTenMiB / 8388},  // ≈ 10000.7 kbps
      {.name = "one server 1-RTT packet", .packets = {P(0, Direction::kServerToClient, PacketType::kOneRtt)},
       .want_kbps = -1},
      {.name = "no server 1-RTT packet", .packets = {P(0, Direction::kClientToServer, PacketType::kOneRtt),
                                                     P(5, Direction::kServerToClient, PacketType::kHandshake)},
       .want_kbps = -1},
      {.name = "zero duration",
       .packets = {P(7, Direction::kServerToClient, PacketType::kOneRtt),
                   P(7, Direction::kServerToClient, PacketType::kOneRtt)},
       .want_kbps = -1},
  };
  for (const GoodputRow& row : rows) {
    trace::Trace t;
    t.packets = row.packets;
    Result<double> kbps = GoodputKbps(t, kTenMiB);
    if (row.want_kbps < 0) {
      EXPECT_FALSE(kbps.ok()) << row.name;
    } else {
      ASSERT_TRUE(kbps.ok()) << row.name << ": " << kbps.error().Text();
      EXPECT_NEAR(*kbps, row.want_kbps, 1e-6) << row.name;
    }
  }
}

TEST(Summarize, MeanAndSampleStddevOfFive) {
  // mean 9559; deviations -2,-1,0,1,2 × 100 → sum of squares 100000, / 4 → stddev 158.11
  const MeanStddev s = Summarize({9359, 9459, 9559, 9659, 9759});
  EXPECT_DOUBLE_EQ(s.mean, 9559);
  EXPECT_NEAR(s.stddev, 158.113883, 1e-6);
  EXPECT_EQ(FormatDetails(s), "9559 (± 158) kbps");
  EXPECT_EQ(Summarize({8000}).stddev, 0);
  EXPECT_EQ(FormatDetails({.mean = 8642.6, .stddev = 143.4}), "8643 (± 143) kbps");
}

MeasurementRepetition Rep(Outcome outcome, double kbps, const char* reason = "") {
  return {.outcome = outcome, .reason = reason, .goodput_kbps = kbps};
}

TEST(RunSeries, FiveSucceededRepetitions) {
  const double kbps[] = {9000, 9100, 9200, 9300, 9400};
  int calls = 0;
  results::MeasurementResult m = RunSeries(5, [&](int k) {
    ++calls;
    return Rep(Outcome::kSucceeded, kbps[k - 1]);
  });
  EXPECT_EQ(calls, 5);
  EXPECT_EQ(m.outcome, Outcome::kSucceeded);
  EXPECT_EQ(m.details, "9200 (± 158) kbps");
  EXPECT_DOUBLE_EQ(m.mean_kbps, 9200);
  EXPECT_EQ(m.repetitions.size(), 5u);
  EXPECT_TRUE(m.reason.empty());
}

TEST(RunSeries, FirstFailureEndsTheSeriesWithItsStatus) {
  struct Row {
    const char* name;
    Outcome outcome;
  } rows[] = {{"failed", Outcome::kFailed},     {"timeout", Outcome::kTimeout},
              {"unsupported", Outcome::kUnsupported}, {"crashed", Outcome::kCrashed}};
  for (const Row& row : rows) {
    int calls = 0;
    results::MeasurementResult m = RunSeries(5, [&](int k) {
      ++calls;
      return k == 3 ? Rep(row.outcome, 0, "expected 1 handshake(s), saw 2") : Rep(Outcome::kSucceeded, 9000);
    });
    EXPECT_EQ(calls, 3) << row.name;
    EXPECT_EQ(m.outcome, row.outcome) << row.name;
    EXPECT_EQ(m.details, "") << row.name;
    EXPECT_EQ(m.reason, "repetition 3: expected 1 handshake(s), saw 2") << row.name;
    EXPECT_EQ(m.repetitions.size(), 3u) << row.name;
  }
}

}  // namespace
}  // namespace qir::runner

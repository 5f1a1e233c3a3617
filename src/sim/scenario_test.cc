// Tests for scenario.h: the reference's scenario strings, good and bad, as named table rows.
#include "sim/scenario.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace qir::sim {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;

struct GoodRow {
  const char* name;
  const char* input;
  LinkConfig want;
};

const GoodRow kGoodRows[] = {
    {.name = "runner default",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25",
     .want = {.delay = milliseconds(15), .rate_bps = 10'000'000, .queue_packets = 25}},
    {.name = "space separated values",
     .input = "simple-p2p --delay 750ms --bandwidth 100Mbps --queue 25",
     .want = {.delay = milliseconds(750), .rate_bps = 100'000'000, .queue_packets = 25}},
    {.name = "flags in any order, extra spaces",
     .input = "  simple-p2p   --queue=100 --bandwidth=1Gbps\t--delay=0ms ",
     .want = {.delay = nanoseconds(0), .rate_bps = 1'000'000'000, .queue_packets = 100}},
    {.name = "microseconds and Kbps",
     .input = "simple-p2p --delay=500us --bandwidth=500Kbps --queue=1",
     .want = {.delay = microseconds(500), .rate_bps = 500'000, .queue_packets = 1}},
    {.name = "seconds and plain bps",
     .input = "simple-p2p --delay=1s --bandwidth=1000000bps --queue=10",
     .want = {.delay = seconds(1), .rate_bps = 1'000'000, .queue_packets = 10}},
    {.name = "Mb/s spelling and queue with p suffix",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mb/s --queue=25p",
     .want = {.delay = milliseconds(15), .rate_bps = 10'000'000, .queue_packets = 25}},
    {.name = "decimal values",
     .input = "simple-p2p --delay=2.5ms --bandwidth=1.5Mbps --queue=3",
     .want = {.delay = microseconds(2500), .rate_bps = 1'500'000, .queue_packets = 3}},
    {.name = "bytes per second",
     .input = "simple-p2p --delay=1ms --bandwidth=1MBps --queue=3",
     .want = {.delay = milliseconds(1), .rate_bps = 8'000'000, .queue_packets = 3}},
    {.name = "lowercase k",
     .input = "simple-p2p --delay=1ms --bandwidth=64kbps --queue=3",
     .want = {.delay = milliseconds(1), .rate_bps = 64'000, .queue_packets = 3}},
};

TEST(ParseScenarioTest, GoodRows) {
  for (const GoodRow& row : kGoodRows) {
    SCOPED_TRACE(row.name);
    Result<Scenario> got = ParseScenario(row.input);
    ASSERT_TRUE(got.ok()) << got.error().Text();
    EXPECT_EQ(got->name, "simple-p2p");
    for (const LinkConfig* link : {&got->to_client, &got->to_server}) {
      EXPECT_EQ(link->delay, row.want.delay);
      EXPECT_EQ(link->rate_bps, row.want.rate_bps);
      EXPECT_EQ(link->queue_packets, row.want.queue_packets);
    }
  }
}

struct BadRow {
  const char* name;
  const char* input;
  const char* want_arg;  ///< the offending token the error must name
};

const BadRow kBadRows[] = {
    {.name = "empty", .input = "   ", .want_arg = ""},
    {.name = "unknown scenario",
     .input = "warp-drive --delay=15ms --bandwidth=10Mbps --queue=25",
     .want_arg = "warp-drive"},
    {.name = "missing delay",
     .input = "simple-p2p --bandwidth=10Mbps --queue=25",
     .want_arg = "--delay"},
    {.name = "missing bandwidth",
     .input = "simple-p2p --delay=15ms --queue=25",
     .want_arg = "--bandwidth"},
    {.name = "missing queue",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mbps",
     .want_arg = "--queue"},
    {.name = "unknown flag",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25 --jitter=1ms",
     .want_arg = "--jitter"},
    {.name = "bad delay unit",
     .input = "simple-p2p --delay=15parsecs --bandwidth=10Mbps --queue=25",
     .want_arg = "15parsecs"},
    {.name = "delay without unit",
     .input = "simple-p2p --delay=15 --bandwidth=10Mbps --queue=25",
     .want_arg = "15"},
    {.name = "negative delay",
     .input = "simple-p2p --delay=-15ms --bandwidth=10Mbps --queue=25",
     .want_arg = "-15ms"},
    {.name = "garbage delay",
     .input = "simple-p2p --delay=abc --bandwidth=10Mbps --queue=25",
     .want_arg = "abc"},
    {.name = "bad rate unit",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mbit --queue=25",
     .want_arg = "10Mbit"},
    {.name = "rate without unit",
     .input = "simple-p2p --delay=15ms --bandwidth=10 --queue=25",
     .want_arg = "10"},
    {.name = "zero rate",
     .input = "simple-p2p --delay=15ms --bandwidth=0Mbps --queue=25",
     .want_arg = "0Mbps"},
    {.name = "huge rate",
     .input = "simple-p2p --delay=15ms --bandwidth=99999999999999Gbps --queue=25",
     .want_arg = "99999999999999Gbps"},
    {.name = "zero queue",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=0",
     .want_arg = "0"},
    {.name = "negative queue",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=-1",
     .want_arg = "-1"},
    {.name = "fractional queue",
     .input = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=2.5",
     .want_arg = "2.5"},
    {.name = "flag without value",
     .input = "simple-p2p --delay --bandwidth=10Mbps --queue=25",
     .want_arg = "--delay"},
    {.name = "duplicate flag",
     .input = "simple-p2p --delay=1ms --delay=2ms --bandwidth=10Mbps --queue=25",
     .want_arg = "--delay"},
    {.name = "stray token",
     .input = "simple-p2p --delay 1ms 5 --bandwidth=10Mbps --queue=25",
     .want_arg = "5"},
    {.name = "dangling point",
     .input = "simple-p2p --delay=1.ms --bandwidth=10Mbps --queue=25",
     .want_arg = "1.ms"},
    {.name = "drop-rate above 100",
     .input = "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=101 "
              "--rate_to_server=2",
     .want_arg = "101"},
    {.name = "drop-rate missing rate_to_server",
     .input = "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=2",
     .want_arg = "--rate_to_server"},
    {.name = "drop-rate missing bottleneck",
     .input = "drop-rate --rate_to_client=2 --rate_to_server=2",
     .want_arg = "--delay"},
    {.name = "drop-rate negative rate",
     .input = "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=-1 "
              "--rate_to_server=2",
     .want_arg = "-1"},
    {.name = "drop-rate fractional rate",
     .input = "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=1.5 "
              "--rate_to_server=2",
     .want_arg = "1.5"},
    {.name = "drop-rate bad burst",
     .input = "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=1 "
              "--rate_to_server=2 --burst_to_server=x",
     .want_arg = "x"},
    {.name = "corrupt-rate above 100",
     .input = "corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=5 "
              "--rate_to_server=200",
     .want_arg = "200"},
    {.name = "corrupt-rate negative delay",
     .input = "corrupt-rate --delay=-1ms --bandwidth=10Mbps --queue=25 --rate_to_client=5 "
              "--rate_to_server=5",
     .want_arg = "-1ms"},
    {.name = "droplist zero index",
     .input = "droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_client=0,2",
     .want_arg = "0"},
    {.name = "droplist garbage index",
     .input = "droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_server=1,,2",
     .want_arg = ""},
    {.name = "blackhole missing off",
     .input = "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s",
     .want_arg = "--off"},
    {.name = "blackhole zero on",
     .input = "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=0s --off=2s",
     .want_arg = "0s"},
    {.name = "blackhole bad direction",
     .input = "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s "
              "--direction=sideways",
     .want_arg = "sideways"},
    {.name = "blackhole zero repeat",
     .input = "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s --repeat=0",
     .want_arg = "0"},
    {.name = "rebind missing first-rebind",
     .input = "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --rebind-freq=5s",
     .want_arg = "--first-rebind"},
    {.name = "rebind negative frequency",
     .input = "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s "
              "--rebind-freq=-5s",
     .want_arg = "-5s"},
    {.name = "rebind-addr with garbage value",
     .input = "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s "
              "--rebind-addr=maybe",
     .want_arg = "--rebind-addr"},
    {.name = "flag of another scenario",
     .input = "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s "
              "--rate_to_client=3",
     .want_arg = "--rate_to_client"},
};

TEST(ParseScenarioTest, BadRows) {
  for (const BadRow& row : kBadRows) {
    SCOPED_TRACE(row.name);
    Result<Scenario> got = ParseScenario(row.input);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, Error::kInvalidArgument);
    EXPECT_EQ(got.error().arg, row.want_arg) << got.error().Text();
  }
}

TEST(ParseScenarioTest, MissingFlagErrorNamesIt) {
  Result<Scenario> got = ParseScenario("simple-p2p --delay=15ms --queue=25");
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().Text().find("--bandwidth"), std::string::npos) << got.error().Text();
}

TEST(ParseScenarioTest, DropRateAndCorruptRate) {
  Result<Scenario> drop = ParseScenario(
      "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=2 "
      "--rate_to_server=30 --burst_to_server=3");
  ASSERT_TRUE(drop.ok()) << drop.error().Text();
  EXPECT_EQ(drop->impair_to_client.drop.rate_percent, 2u);
  EXPECT_EQ(drop->impair_to_client.drop.max_burst, UINT32_MAX);
  EXPECT_EQ(drop->impair_to_server.drop.rate_percent, 30u);
  EXPECT_EQ(drop->impair_to_server.drop.max_burst, 3u);
  EXPECT_EQ(drop->impair_to_server.corrupt.rate_percent, 0u);
  EXPECT_EQ(drop->to_server.rate_bps, 10'000'000u);
  Result<Scenario> corrupt = ParseScenario(
      "corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_client=100 "
      "--rate_to_server=0 --burst_to_client=0");
  ASSERT_TRUE(corrupt.ok()) << corrupt.error().Text();
  EXPECT_EQ(corrupt->impair_to_client.corrupt.rate_percent, 100u);
  EXPECT_EQ(corrupt->impair_to_client.corrupt.max_burst, 0u);
  EXPECT_EQ(corrupt->impair_to_client.drop.rate_percent, 0u);
}

TEST(ParseScenarioTest, DroplistSortsAndDeduplicates) {
  Result<Scenario> got = ParseScenario(
      "droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_client=5,1,3,3 "
      "--drops_to_server=2");
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->impair_to_client.droplist, (std::vector<uint64_t>{1, 3, 5}));
  EXPECT_EQ(got->impair_to_server.droplist, (std::vector<uint64_t>{2}));
  Result<Scenario> one_side =
      ParseScenario("droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_server=1");
  ASSERT_TRUE(one_side.ok());
  EXPECT_TRUE(one_side->impair_to_client.droplist.empty());
}

TEST(ParseScenarioTest, BlackholeDefaultsAndDirections) {
  Result<Scenario> got =
      ParseScenario("blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s");
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ASSERT_TRUE(got->blackhole.has_value());
  EXPECT_EQ(got->blackhole->on, seconds(5));
  EXPECT_EQ(got->blackhole->off, seconds(2));
  EXPECT_EQ(got->blackhole->repeat, 1u);
  EXPECT_EQ(got->blackhole->direction, BlackholeDirection::kBoth);
  Result<Scenario> to_client = ParseScenario(
      "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=1s --off=500ms --repeat=3 "
      "--direction=toclient");
  ASSERT_TRUE(to_client.ok());
  EXPECT_EQ(to_client->blackhole->repeat, 3u);
  EXPECT_EQ(to_client->blackhole->direction, BlackholeDirection::kToClient);
}

TEST(ParseScenarioTest, RebindBothSpellings) {
  Result<Scenario> got = ParseScenario(
      "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s "
      "--rebind-addr");
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ASSERT_TRUE(got->rebind.has_value());
  EXPECT_EQ(got->rebind->first_rebind, seconds(1));
  EXPECT_EQ(got->rebind->rebind_freq, seconds(5));
  EXPECT_TRUE(got->rebind->rebind_addr);
  Result<Scenario> underscores =
      ParseScenario("rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first_rebind=2s");
  ASSERT_TRUE(underscores.ok()) << underscores.error().Text();
  EXPECT_EQ(underscores->rebind->first_rebind, seconds(2));
  EXPECT_EQ(underscores->rebind->rebind_freq, nanoseconds(0));
  EXPECT_FALSE(underscores->rebind->rebind_addr);
  EXPECT_FALSE(underscores->blackhole.has_value());
}

TEST(ParseScenarioTest, UnlimitedBandwidthIsZero) {
  Result<Scenario> got = ParseScenario("simple-p2p --delay=0ms --bandwidth=unlimited --queue=25");
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->to_server.rate_bps, 0u);
  EXPECT_FALSE(ParseScenario("simple-p2p --delay=0ms --bandwidth=0bps --queue=25").ok());
}

TEST(ParseDurationTest, NanosecondPrecision) {
  EXPECT_EQ(*ParseDuration("100ns"), nanoseconds(100));
  EXPECT_EQ(*ParseDuration("1.000000001s"), nanoseconds(1'000'000'001));
  EXPECT_FALSE(ParseDuration("1.0000000001s").ok());  // more than ns resolution
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("ms").ok());
}

TEST(ParseDataRateTest, BinaryPrefixes) {
  EXPECT_EQ(*ParseDataRate("1Kibps"), 1024u);
  EXPECT_EQ(*ParseDataRate("1Mib/s"), 1024u * 1024u);
  EXPECT_FALSE(ParseDataRate("1Tbps").ok());
  EXPECT_FALSE(ParseDataRate("Mbps").ok());
}

}  // namespace
}  // namespace qir::sim

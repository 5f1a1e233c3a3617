// The measurement table: the reference's two as its testcases_quic.py defines them, qir's
// extensions with a queue of one bandwidth-delay product and ≥ 5 s of transfer at line rate.
#include <gtest/gtest.h>

#include <string>

#include "testcases/registry.h"

namespace qir::testcases {
namespace {

TEST(Measurements, TheReferencesTwo) {
  ASSERT_EQ(FindMeasurement("goodput"), &kGoodput);
  ASSERT_EQ(FindMeasurement("crosstraffic"), &kCrossTraffic);
  EXPECT_EQ(FindMeasurement("handshake"), nullptr);
  EXPECT_STREQ(kGoodput.test.abbr, "G");
  EXPECT_STREQ(kCrossTraffic.test.abbr, "C");
  for (const Measurement* m : {&kGoodput, &kCrossTraffic}) {
    EXPECT_EQ(m->repetitions, 5) << m->test.name;
    EXPECT_STREQ(m->test.scenario, kDefaultScenario) << m->test.name;
    EXPECT_STREQ(m->test.server_testcase, "transfer") << m->test.name;
    EXPECT_STREQ(m->test.client_testcase, "transfer") << m->test.name;
    EXPECT_FALSE(m->needs_sim_headroom) << m->test.name;
  }
  EXPECT_EQ(kGoodput.test.files.sizes, std::vector<uint64_t>{10 * kMiB});
  EXPECT_EQ(kGoodput.test.timeout, std::chrono::seconds(60));
  EXPECT_FALSE(kGoodput.cross_traffic);
  EXPECT_EQ(kCrossTraffic.test.files.sizes, std::vector<uint64_t>{25 * kMiB});
  EXPECT_EQ(kCrossTraffic.test.timeout, std::chrono::seconds(180));
  EXPECT_TRUE(kCrossTraffic.cross_traffic);
}

TEST(Measurements, ExtensionsScaleQueueAndFile) {
  for (const Measurement* m : {&kGoodput100m, &kGoodput1g}) {
    EXPECT_TRUE(m->needs_sim_headroom) << m->test.name;
    const double seconds_at_line_rate = 8.0 * static_cast<double>(m->test.files.sizes.at(0)) /
                                        static_cast<double>(m->link_bps);
    EXPECT_GE(seconds_at_line_rate, 5.0) << m->test.name;
    // queue = bandwidth × 30 ms RTT in 1500-byte packets
    const std::string want_queue = "--queue=" + std::to_string(m->link_bps * 30 / 1000 / 8 / 1500);
    EXPECT_NE(std::string(m->test.scenario).find(want_queue), std::string::npos) << m->test.scenario;
    EXPECT_NE(std::string(m->test.scenario).find("--delay=15ms"), std::string::npos) << m->test.scenario;
  }
}

TEST(Measurements, NamesDoNotCollideWithTests) {
  for (const Measurement* m : AllMeasurements()) EXPECT_EQ(FindTestCase(m->test.name), nullptr) << m->test.name;
}

}  // namespace
}  // namespace qir::testcases

// Measurement rows in the terminal and Markdown (measurement_table.h).
#include "report/measurement_table.h"

#include <gtest/gtest.h>

namespace qir::report {
namespace {

using results::Outcome;

results::RunResults TwoMeasurements() {
  results::RunResults run;
  run.servers = {"ngtcp2", "quic-go"};
  run.clients = {"quic-go"};
  run.measurement_tests = {{"goodput", "G", "goodput"}, {"crosstraffic", "C", "cross"}};
  results::MeasurementRepetition ok{.outcome = Outcome::kSucceeded, .goodput_kbps = 9000,
                                    .server_cpu_s_per_mib = 0.02, .client_cpu_s_per_mib = 0.04};
  run.measurements = {
      {.server = "quic-go", .client = "quic-go", .test = "goodput", .outcome = Outcome::kSucceeded,
       .details = "9559 (± 120) kbps", .mean_kbps = 9559, .stddev_kbps = 120, .link_kbps = 10000,
       .repetitions = {ok, ok}},
      {.server = "ngtcp2", .client = "quic-go", .test = "crosstraffic", .outcome = Outcome::kTimeout,
       .reason = "repetition 2: client did not finish within 180 s", .link_kbps = 10000, .repetitions = {ok}},
  };
  return run;
}

TEST(MeasurementTable, TerminalRowsInMatrixOrder) {
  const std::string text = TerminalMeasurements(TwoMeasurements());
  const size_t ngtcp2 = text.find("ngtcp2");
  const size_t quic_go = text.find("9559 (± 120) kbps");
  ASSERT_NE(ngtcp2, std::string::npos) << text;
  ASSERT_NE(quic_go, std::string::npos) << text;
  EXPECT_LT(ngtcp2, quic_go);  // servers in matrix order
  EXPECT_NE(text.find("timeout: repetition 2: client did not finish within 180 s"), std::string::npos) << text;
  EXPECT_NE(text.find("0.020 / 0.040"), std::string::npos) << text;
  EXPECT_NE(text.find("96 % of 10 Mbit/s"), std::string::npos) << text;  // 9559 of 10 000 kbps
  const size_t failed_row = text.find("timeout");
  const std::string failed_line = text.substr(failed_row, text.find('\n', failed_row) - failed_row);
  EXPECT_EQ(failed_line.find("% of"), std::string::npos) << text;  // no utilisation for a failure
  EXPECT_EQ(text.rfind("Measurements:\n", 0), 0u) << text;
  EXPECT_EQ(TerminalMeasurements(results::RunResults{}), "");
}

TEST(MeasurementTable, Markdown) {
  const std::string md = MarkdownMeasurements(TwoMeasurements());
  EXPECT_NE(md.find("| quic-go | quic-go | G (goodput) | 9559 (± 120) kbps | 96 % of 10 Mbit/s | 0.020 / 0.040 |"), std::string::npos)
      << md;
  EXPECT_EQ(MarkdownMeasurements(results::RunResults{}), "");
}

TEST(MeasurementTable, GigabitLinks) {
  results::RunResults run = TwoMeasurements();
  run.measurements[0].link_kbps = 1'000'000;
  run.measurements[0].mean_kbps = 200'081;
  EXPECT_NE(TerminalMeasurements(run).find("20 % of 1 Gbit/s"), std::string::npos) << TerminalMeasurements(run);
}

}  // namespace
}  // namespace qir::report

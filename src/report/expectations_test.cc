// Tests for expected-pass files: parsing (comments, wildcards, malformed lines), writing from a
// run, and checking (met, unmet, a cell that did not run, rules out of the run's scope).
#include "report/expectations.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "report/report_test_util.h"

namespace qir::report {
namespace {

std::vector<ExpectRule> Rules(const std::string& text) {
  Result<std::vector<ExpectRule>> rules = ParseExpectations(text, "expect.txt");
  EXPECT_TRUE(rules.ok()) << rules.error().Text();
  return rules.ok() ? *rules : std::vector<ExpectRule>{};
}

TEST(WildcardMatchTest, Table) {
  struct Row {
    const char* pattern;
    const char* name;
    bool want;
  };
  const Row rows[] = {
      {"quic-go", "quic-go", true},
      {"quic-go", "quic-gox", false},
      {"*", "", true},
      {"*", "anything", true},
      {"quic-*", "quic-go", true},
      {"quic-*", "quinn", false},
      {"*loss", "handshakeloss", true},
      {"*loss", "lossy", false},
      {"h*s*s", "handshakes", true},
      {"a*b*c", "abxbc", true},
      {"a*b*c", "acb", false},
      {"**", "x", true},
      {"", "", true},
      {"", "x", false},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(WildcardMatch(row.pattern, row.name), row.want) << row.pattern << " ~ " << row.name;
  }
}

TEST(ParseExpectationsTest, CommentsBlankLinesAndWildcards) {
  const std::vector<ExpectRule> rules =
      Rules("# header\n\nquic-go quic-go handshake\n  ngtcp2\t* transfer  # why\r\n* * *\n");
  ASSERT_EQ(rules.size(), 3u);
  EXPECT_EQ(rules[0].server, "quic-go");
  EXPECT_EQ(rules[0].line, 3);
  EXPECT_EQ(rules[1].client, "*");
  EXPECT_EQ(rules[1].test, "transfer");
  EXPECT_EQ(rules[1].line, 4);
  EXPECT_EQ(rules[2].line, 5);
  EXPECT_TRUE(Rules("").empty());
  EXPECT_TRUE(Rules("# only a comment").empty());
}

TEST(ParseExpectationsTest, MalformedLinesNameFileAndLine) {
  for (const char* text : {"a b\n", "ok ok ok\na b c d\n", "x\n"}) {
    Result<std::vector<ExpectRule>> rules = ParseExpectations(text, "expect.txt");
    ASSERT_FALSE(rules.ok()) << text;
    EXPECT_EQ(rules.error().code, Error::kParse);
    EXPECT_EQ(rules.error().message.rfind("expect.txt:", 0), 0u) << rules.error().Text();
    EXPECT_NE(rules.error().message.find("expected three fields 'server client test'"),
              std::string::npos);
  }
  Result<std::vector<ExpectRule>> second = ParseExpectations("ok ok ok\na b c d\n", "f");
  EXPECT_EQ(second.error().Text(),
            "f:2: expected three fields 'server client test', got 4 (a b c d)");
  EXPECT_EQ(LoadExpectations("/nonexistent/expect.txt").error().code, Error::kNotFound);
}

TEST(ExpectationsFromTest, OneLinePerSucceededCellAndItPassesItsOwnCheck) {
  const results::RunResults run = SampleRun();
  const std::string text = ExpectationsFrom(run, "result.json");
  EXPECT_NE(text.find("\n# From result.json: 4 succeeded cell(s).\n"
                      "quic-go quic-go handshake\nquic-go quic-go transfer\n"
                      "ngtcp2 quic-go handshake\nngtcp2 picoquic transfer\n"),
            std::string::npos)
      << text;
  const ExpectationReport report = CheckExpectations(Rules(text), run);
  EXPECT_TRUE(report.unmet.empty());
  EXPECT_EQ(report.expected, 4);
  EXPECT_TRUE(report.unused_lines.empty());
}

TEST(CheckExpectationsTest, UnmetCellsSayWhatHappened) {
  const results::RunResults run = SampleRun();
  const ExpectationReport report =
      CheckExpectations(Rules("quic-go quic-go *\n* * handshake\nnosuch * *\n"), run);
  // quic-go × quic-go: H DC ✓, S ?, Z ✕; handshake everywhere: ngtcp2 × picoquic error and
  // quic-go × picoquic did not run.
  ASSERT_EQ(report.unmet.size(), 4u);
  EXPECT_EQ(report.expected, 7);
  EXPECT_EQ(report.unmet[0].Message(),
            "quic-go × quic-go retry was expected to succeed but was unsupported: server exited "
            "with 127 (rule at line 1)");
  EXPECT_EQ(report.unmet[1].Message(),
            "quic-go × quic-go zerortt was expected to succeed but failed: no 0-RTT packets in "
            "the client trace (rule at line 1)");
  EXPECT_EQ(
      report.unmet[2].Message(),
      "quic-go × picoquic handshake was expected to succeed but did not run (rule at line 2)");
  EXPECT_EQ(report.unmet[2].cell, nullptr);
  EXPECT_EQ(report.unmet[3].Message(),
            "ngtcp2 × picoquic handshake was expected to succeed but could not be run: netns setup "
            "failed (rule at line 2)");
  EXPECT_EQ(report.unused_lines, (std::vector<int>{3}));
}

TEST(CheckExpectationsTest, TimeoutAndAutoUnsupportedAreUnmet) {
  const results::RunResults run = SampleRunWithAutoUnsupported();  // outlives the report
  const ExpectationReport report =
      CheckExpectations(Rules("ngtcp2 quic-go transfer\nquic-go quic-go zerortt\n"), run);
  ASSERT_EQ(report.unmet.size(), 2u);
  EXPECT_NE(report.unmet[0].Message().find("zerortt was expected to succeed but was unsupported: "
                                           "auto-unsupported: client quic-go"),
            std::string::npos)
      << report.unmet[0].Message();
  EXPECT_NE(report.unmet[1].Message().find("transfer was expected to succeed but timed out"),
            std::string::npos);
}

TEST(CheckExpectationsTest, NoRulesNothingExpected) {
  const ExpectationReport report = CheckExpectations({}, SampleRun());
  EXPECT_TRUE(report.unmet.empty());
  EXPECT_EQ(report.expected, 0);
}

}  // namespace
}  // namespace qir::report

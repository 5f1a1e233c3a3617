// Tests for JunitXml and XmlEscape: structure, counts, every outcome, escaping.
#include "report/junit.h"

#include <gtest/gtest.h>

#include <string>

#include "report/report_test_util.h"
#include "report/xml_text.h"

namespace qir::report {
namespace {

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

TEST(XmlEscapeTest, MarkupAndForbiddenCharacters) {
  struct Row {
    const char* name;
    std::string text;
    std::string want;
  };
  const Row rows[] = {
      {.name = "plain", .text = "handshake ✓", .want = "handshake ✓"},
      {.name = "markup",
       .text = "<a href=\"x\">&'",
       .want = "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"},
      {.name = "whitespace kept", .text = "a\tb\nc\r", .want = "a\tb\nc\r"},
      {.name = "control", .text = std::string("a\0b\033[31m", 8), .want = "a\uFFFDb\uFFFD[31m"},
      {.name = "delete", .text = "\x7F", .want = "\uFFFD"},
  };
  for (const Row& row : rows) EXPECT_EQ(XmlEscape(row.text), row.want) << row.name;
}

TEST(JunitXmlTest, OneCasePerCellOneSuitePerPair) {
  const std::string xml = JunitXml(SampleRun());
  EXPECT_EQ(xml.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"qir\" "
                      "tests=\"8\" failures=\"2\" errors=\"1\" skipped=\"1\" time=\"12.000\">\n",
                      0),
            0u)
      << xml;
  EXPECT_EQ(Count(xml, "<testcase "), 8u);
  EXPECT_EQ(Count(xml, "<testsuite "), 3u);  // quic-go × picoquic never ran
  EXPECT_NE(xml.find("  <testsuite name=\"quic-go_quic-go\" tests=\"4\" failures=\"1\" "
                     "errors=\"0\" skipped=\"1\" time=\"6.000\">\n"
                     "    <testcase name=\"handshake\" classname=\"quic-go_quic-go\" "
                     "time=\"1.500\"/>\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testcase name=\"zerortt\" classname=\"quic-go_quic-go\" time=\"1.500\">\n"
                     "      <failure type=\"failed\" message=\"no 0-RTT packets in the client "
                     "trace\">no 0-RTT packets in the client trace</failure>\n"
                     "    </testcase>\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<skipped type=\"unsupported\" message=\"server exited with 127\"/>"),
            std::string::npos);
  EXPECT_NE(xml.find("<failure type=\"timeout\" message=\"deadline of 60 s passed\">"),
            std::string::npos);
  EXPECT_NE(xml.find("classname=\"ngtcp2_picoquic\" time=\"1.500\">\n      <error type=\"error\" "
                     "message=\"netns setup failed\">"),
            std::string::npos);
  EXPECT_EQ(xml.substr(xml.size() - 14), "</testsuites>\n");
}

TEST(JunitXmlTest, AutoUnsupportedIsSkippedWithItsOwnType) {
  const std::string xml = JunitXml(SampleRunWithAutoUnsupported());
  EXPECT_NE(xml.find("<skipped type=\"auto-unsupported\" message=\"auto-unsupported: client "
                     "quic-go did not succeed against any server; was failed: no 0-RTT"),
            std::string::npos)
      << xml;
  EXPECT_EQ(Count(xml, "<failure "), 1u);
}

TEST(JunitXmlTest, ReasonsAndNamesAreEscaped) {
  results::RunResults run = SampleRun();
  run.cells[0].reason = "expected <1> & got \"2\"\x01";
  run.servers[0] = "a<b";
  for (results::CellResult& cell : run.cells) {
    if (cell.server == "quic-go") cell.server = "a<b";
  }
  const std::string xml = JunitXml(run);
  EXPECT_NE(xml.find("message=\"expected &lt;1&gt; &amp; got &quot;2&quot;\uFFFD\">"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<testsuite name=\"a&lt;b_quic-go\""), std::string::npos);
  EXPECT_EQ(xml.find("a<b"), std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
}

TEST(JunitXmlTest, EmptyRun) {
  EXPECT_EQ(JunitXml(results::RunResults{}),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"qir\" tests=\"0\" "
            "failures=\"0\" errors=\"0\" skipped=\"0\" time=\"0.000\">\n</testsuites>\n");
}

}  // namespace
}  // namespace qir::report

// Tests for the HTML report and its log links: every cell drawn once with its verdict and
// reason, escaping, filters and script inline (nothing fetched), links only to files that exist,
// the log folder found beside a moved result.json, the measurements table.
#include "report/html_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "report/log_links.h"
#include "report/report_test_util.h"

namespace qir::report {
namespace {

namespace fs = std::filesystem;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
  return n;
}

/// A scratch folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("qir_html_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
             "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

void Touch(const fs::path& path) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "x";
}

TEST(HtmlReportTest, EveryCellOnceWithVerdictAndReason) {
  const results::RunResults run = SampleRunWithAutoUnsupported();
  const std::string html = HtmlReport(run, {});
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html lang=\"en\">", 0), 0u);
  EXPECT_EQ(Count(html, "<a href=\"#\" class=\"r "), run.cells.size());  // matrix badges
  EXPECT_EQ(Count(html, "<tr id=\"cell-"), run.cells.size());            // cells table rows
  EXPECT_EQ(Count(html, "class=\"r succeeded\" data-t="), 4u);
  EXPECT_EQ(Count(html, "class=\"r unsupported\" data-t="), 1u);
  EXPECT_EQ(Count(html, "class=\"r auto-unsupported\" data-t="), 1u);
  EXPECT_EQ(Count(html, "class=\"r failed\" data-t="), 2u);
  EXPECT_NE(html.find("title=\"transfer: timeout — deadline of 60 s passed\">DC</a>"),
            std::string::npos);
  EXPECT_NE(html.find("title=\"zerortt: unsupported by the auto-unsupported rule, was failed — "
                      "auto-unsupported: client quic-go"),
            std::string::npos);
  EXPECT_NE(html.find("<td class=\"auto-unsupported\">‽ unsupported (auto; was failed)</td>"),
            std::string::npos);
  EXPECT_NE(html.find("8 cell(s): 4 ✓ succeeded, 0 ~ flaky, 1 ? unsupported, 1 ‽ auto-unsupported, 2 ✕ "
                      "failed."),
            std::string::npos);
  // The pair that never ran is drawn as "-".
  EXPECT_NE(html.find("<tr data-c=\"picoquic\"><th>picoquic</th><td data-s=\"quic-go\">-</td>"),
            std::string::npos);
  EXPECT_EQ(html.find("id=\"measurements\""), std::string::npos);
}

TEST(HtmlReportTest, FiltersDetailsAndScriptAreInline) {
  const std::string html = HtmlReport(SampleRun(), {});
  for (const char* key : {"s", "c", "t", "v"}) {
    EXPECT_NE(html.find(std::string("data-key=\"") + key + "\""), std::string::npos) << key;
  }
  EXPECT_NE(html.find("data-key=\"v\" data-value=\"auto-unsupported\""), std::string::npos);
  EXPECT_NE(html.find("<section id=\"details\" hidden>"), std::string::npos);
  EXPECT_NE(html.find("location.hash"), std::string::npos);
  // Self-contained: no external script, style sheet, image or font.
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("@import"), std::string::npos);
}

TEST(HtmlReportTest, NamesAndReasonsAreEscaped) {
  results::RunResults run = SampleRun();
  run.cells[0].reason = "<script>alert(1)</script> & \"quotes\"";
  run.clients[1] = "pico<b>";
  for (results::CellResult& cell : run.cells) {
    if (cell.client == "picoquic") cell.client = run.clients[1];
  }
  const std::string html = HtmlReport(run, {});
  EXPECT_EQ(html.find("<script>alert"), std::string::npos);
  EXPECT_EQ(html.find("pico<b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("data-c=\"pico&lt;b&gt;\""), std::string::npos);
  EXPECT_EQ(Count(html, "<script>"), 1u);
}

TEST(HtmlReportTest, ListsWhatEachStackWasBuiltFrom) {
  results::RunResults run = SampleRun();
  EXPECT_EQ(HtmlReport(run, {}).find("<h2>Built</h2>"), std::string::npos);
  run.versions["quic-go"] = "quic-go 0.50.1 <Debian>";
  const std::string html = HtmlReport(run, {});
  EXPECT_NE(html.find("<h2>Built</h2>\n<ul>\n<li><b>quic-go</b>: quic-go 0.50.1 &lt;Debian&gt;</li>"),
            std::string::npos);
}

TEST(HtmlReportTest, MeasurementsTable) {
  results::RunResults run = WithGoodput(SampleRun());
  const std::string html = HtmlReport(run, {});
  ASSERT_NE(html.find("<table id=\"measurements\">"), std::string::npos);
  EXPECT_NE(html.find("title=\"goodput: succeeded\">G</span> 9559 (± 120) kbps · 96 % of 10 Mbit/s"),
            std::string::npos)
      << html;
}

TEST(HtmlReportTest, LinksOnlyToFilesThatExist) {
  TempDir tmp;
  const fs::path logs = tmp.path() / "logs";
  Touch(logs / "quic-go_quic-go/zerortt/output.txt");
  Touch(logs / "quic-go_quic-go/zerortt/sim/trace_node_left.pcap");
  Touch(logs / "quic-go_quic-go/zerortt/client/keys.log");
  Touch(logs / "quic-go_quic-go/zerortt/client/qlog/a b.qlog");
  Touch(logs / "quic-go_quic-go/zerortt/client_downloads/big.log");  // a downloaded file
  Touch(logs / "quic-go_quic-go/zerortt/server/notes.bin");          // not a log
  const results::RunResults run = SampleRun();
  const std::vector<LogLink> links =
      CellLogLinks(logs.string(), run.cells[0], (tmp.path() / "report").string());
  ASSERT_EQ(links.size(), 4u);
  EXPECT_EQ(links[0].label, "output.txt");
  EXPECT_EQ(links[0].href, "../logs/quic-go_quic-go/zerortt/output.txt");
  EXPECT_EQ(links[1].label, "client/keys.log");
  EXPECT_EQ(links[2].href, "../logs/quic-go_quic-go/zerortt/client/qlog/a%20b.qlog");
  EXPECT_EQ(links[3].label, "sim/trace_node_left.pcap");
  // Beside the logs (the run's own page) the links stay inside the folder.
  EXPECT_EQ(CellLogLinks(logs.string(), run.cells[0], logs.string())[0].href,
            "quic-go_quic-go/zerortt/output.txt");
  // A cell without a folder, or no log root, gets no links.
  EXPECT_TRUE(CellLogLinks(logs.string(), run.cells[1], logs.string()).empty());
  EXPECT_TRUE(CellLogLinks("", run.cells[0], logs.string()).empty());

  Result<std::string> page = WriteHtmlReport(run, logs.string(), logs.string());
  ASSERT_TRUE(page.ok()) << page.error().Text();
  EXPECT_EQ(*page, (logs / "index.html").string());
  std::ifstream in(*page);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<a href=\"quic-go_quic-go/zerortt/sim/trace_node_left.pcap\">"
                      "sim/trace_node_left.pcap</a>"),
            std::string::npos);
  EXPECT_EQ(Count(html, "<a href=\"quic-go_quic-go/"), 4u);
}

TEST(LogLinksTest, FindLogRoot) {
  TempDir tmp;
  results::RunResults run = SampleRun();
  const fs::path logs = tmp.path() / "logs";
  Touch(logs / "quic-go_quic-go/zerortt/output.txt");
  const std::string beside = (logs / "result.json").string();
  // log_dir as recorded (absolute) exists.
  run.log_dir = logs.string();
  EXPECT_EQ(FindLogRoot("/elsewhere/result.json", run), logs.string());
  // Relative to the result.json's folder.
  run.log_dir = "logs";
  EXPECT_EQ(FindLogRoot((tmp.path() / "result.json").string(), run), logs.string());
  // Moved: log_dir names a folder that is gone, the cells sit beside result.json.
  run.log_dir = "/gone/logs_2025";
  EXPECT_EQ(FindLogRoot(beside, run), logs.string());
  // Nowhere.
  EXPECT_EQ(FindLogRoot((tmp.path() / "x" / "result.json").string(), run), "");
}

TEST(LogLinksTest, UrlEncodePath) {
  EXPECT_EQ(UrlEncodePath("a/b-c_d.e~f"), "a/b-c_d.e~f");
  EXPECT_EQ(UrlEncodePath("a b#c?d%e\"f"), "a%20b%23c%3Fd%25e%22f");
  EXPECT_EQ(UrlEncodePath("✓"), "%E2%9C%93");
}

}  // namespace
}  // namespace qir::report

// Tests for ToReferenceJson / FromReferenceJson: the reference layout, round trip through text,
// plain reference files, and clear errors (never exceptions) on every wrong shape.
#include "report/reference_json.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "report/report_test_util.h"
#include "report/terminal_matrix.h"

namespace qir::report {
namespace {

using nlohmann::json;
using results::CellResult;
using results::Outcome;
using results::RunResults;

std::vector<CellResult> SortedCells(std::vector<CellResult> cells) {
  std::sort(cells.begin(), cells.end(), [](const CellResult& a, const CellResult& b) {
    return std::tie(a.server, a.client, a.test) < std::tie(b.server, b.client, b.test);
  });
  return cells;
}

void ExpectSameRun(const RunResults& got, const RunResults& want) {
  EXPECT_EQ(got.start_time, want.start_time);
  EXPECT_EQ(got.end_time, want.end_time);
  EXPECT_EQ(got.log_dir, want.log_dir);
  EXPECT_EQ(got.seed, want.seed);
  EXPECT_EQ(got.servers, want.servers);
  EXPECT_EQ(got.clients, want.clients);
  EXPECT_EQ(got.urls, want.urls);
  ASSERT_EQ(got.tests.size(), want.tests.size());
  for (size_t i = 0; i < got.tests.size(); ++i) {
    EXPECT_EQ(got.tests[i].name, want.tests[i].name) << i;
    EXPECT_EQ(got.tests[i].abbr, want.tests[i].abbr) << i;
    EXPECT_EQ(got.tests[i].desc, want.tests[i].desc) << i;
  }
  const std::vector<CellResult> a = SortedCells(got.cells);
  const std::vector<CellResult> b = SortedCells(want.cells);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    SCOPED_TRACE(b[i].server + "×" + b[i].client + " " + b[i].test);
    EXPECT_EQ(a[i].server, b[i].server);
    EXPECT_EQ(a[i].client, b[i].client);
    EXPECT_EQ(a[i].test, b[i].test);
    EXPECT_EQ(a[i].outcome, b[i].outcome);
    EXPECT_EQ(a[i].reason, b[i].reason);
    EXPECT_EQ(a[i].duration_s, b[i].duration_s);
    EXPECT_EQ(a[i].log_dir, b[i].log_dir);
  }
}

TEST(ReferenceJsonTest, Layout) {
  using ojson = nlohmann::ordered_json;
  const ojson j = ToReferenceJson(SampleRun());
  std::vector<std::string> keys;
  for (const auto& [key, value] : j.items()) keys.push_back(key);
  EXPECT_EQ(keys, (std::vector<std::string>{"start_time", "end_time", "log_dir", "servers",
                                            "clients", "urls", "tests", "quic_version", "results",
                                            "measurements", "qir"}));
  EXPECT_EQ(j["quic_version"], "0x1");
  EXPECT_EQ(j["tests"]["DC"],
            (ojson{{"name", "transfer"}, {"desc", "Stream data is transferred."}}));
  // The run's order, not sorted: the public viewer's test buttons follow the key order.
  std::vector<std::string> abbrs;
  for (const auto& [abbr, info] : j["tests"].items()) abbrs.push_back(abbr);
  EXPECT_EQ(abbrs, (std::vector<std::string>{"H", "DC", "S", "Z"}));
  EXPECT_EQ(j["qir"], (ojson{{"seed", 12345678901234ull},
                             {"format", 1},
                             {"test_order", {"handshake", "transfer", "retry", "zerortt"}},
                             {"noncompliant", ojson::object()}}));
  // Client-major: results[i * len(servers) + j] = client i × server j.
  ASSERT_EQ(j["results"].size(), 4u);
  ASSERT_EQ(j["measurements"], ojson::parse("[[], [], [], []]"));
  const json& qg_qg = j["results"][0];
  ASSERT_EQ(qg_qg.size(), 4u);
  EXPECT_EQ(qg_qg[0], (ojson{{"abbr", "H"},
                             {"name", "handshake"},
                             {"result", "succeeded"},
                             {"reason", ""},
                             {"outcome", "succeeded"},
                             {"duration_s", 1.5},
                             {"log_dir", "quic-go_quic-go/handshake"}}));
  EXPECT_FALSE(qg_qg[2].contains("auto_unsupported"));  // exited 127 itself
  EXPECT_EQ(qg_qg[2]["result"], "unsupported");
  EXPECT_EQ(qg_qg[3]["abbr"], "Z");
  const json& ngtcp2_qg = j["results"][1];  // client quic-go, server ngtcp2
  ASSERT_EQ(ngtcp2_qg.size(), 2u);
  EXPECT_EQ(ngtcp2_qg[1]["result"], "failed");
  EXPECT_EQ(ngtcp2_qg[1]["outcome"], "timeout");
  EXPECT_EQ(j["results"][2], ojson::array());  // client picoquic, server quic-go: never ran
  EXPECT_EQ(j["results"][3][0]["outcome"], "error");
  EXPECT_EQ(j["results"][3][0]["result"], "failed");
}

TEST(ReferenceJsonTest, RoundTripThroughText) {
  const RunResults run = SampleRun();
  const json parsed = json::parse(ToReferenceJson(run).dump(2));
  Result<RunResults> back = FromReferenceJson(parsed);
  ASSERT_TRUE(back.ok()) << back.error().Text();
  ExpectSameRun(*back, run);
  EXPECT_EQ(ToReferenceJson(*back), ToReferenceJson(run));
}

TEST(ReferenceJsonTest, RoundTripKeepsTestOrderAcrossPartialLists) {
  RunResults run = SampleRun();
  // Only some tests per pair, and Z only in the last pair: the order must still come back.
  run.cells.erase(run.cells.begin());  // drop quic-go×quic-go zerortt
  run.cells.push_back({.server = "ngtcp2",
                       .client = "picoquic",
                       .test = "zerortt",
                       .outcome = Outcome::kSucceeded,
                       .log_dir = "x"});
  Result<RunResults> back = FromReferenceJson(ToReferenceJson(run));
  ASSERT_TRUE(back.ok()) << back.error().Text();
  ExpectSameRun(*back, run);
}

constexpr const char* kPlainReference = R"({
  "start_time": 1700000000, "end_time": 1700003600, "log_dir": "2023-11-14T22:13",
  "servers": ["quic-go", "ngtcp2"], "clients": ["quic-go"],
  "urls": {"quic-go": "https://github.com/quic-go/quic-go"},
  "tests": {"H": {"name": "handshake", "desc": "Handshake completes successfully."},
            "DC": {"name": "transfer", "desc": "Stream data is being sent and received correctly."},
            "M": {"name": "multiplexing", "desc": "Thousands of files are transferred."},
            "G": {"name": "goodput", "desc": "Measures connection goodput over a 10Mbps link."}},
  "quic_version": "0x1",
  "results": [
    [{"abbr": "H", "name": "handshake", "result": "succeeded"},
     {"abbr": "DC", "name": "transfer", "result": "failed"},
     {"abbr": "M", "name": "multiplexing", "result": "unsupported"}],
    [{"abbr": "H", "name": "handshake", "result": null},
     {"abbr": "DC", "name": "transfer", "result": null},
     {"abbr": "M", "name": "multiplexing", "result": null}]
  ],
  "measurements": [
    [{"name": "goodput", "abbr": "G", "result": "succeeded", "details": "9559 (± 120) kbps"}],
    []
  ]
})";

TEST(ReferenceJsonTest, WithoutQirOrderTestsFollowTheResultLists) {
  RunResults run = SampleRun();
  run.cells.erase(run.cells.begin());  // the only zerortt cell
  json doc = ToReferenceJson(run);
  doc["qir"].erase("test_order");
  Result<RunResults> back = FromReferenceJson(doc);
  ASSERT_TRUE(back.ok()) << back.error().Text();
  std::vector<std::string> order;
  for (const results::TestInfo& t : back->tests) order.push_back(t.abbr);
  // H, DC, S from the lists; Z, used by no cell, after them.
  EXPECT_EQ(order, (std::vector<std::string>{"H", "DC", "S", "Z"}));
}

TEST(ReferenceJsonTest, ReadsPlainReferenceFiles) {
  Result<RunResults> run = FromReferenceJson(json::parse(kPlainReference));
  ASSERT_TRUE(run.ok()) << run.error().Text();
  EXPECT_EQ(run->start_time, 1700000000.0);
  EXPECT_EQ(run->seed, 0u);
  ASSERT_EQ(run->tests.size(), 3u);  // goodput is a measurement
  ASSERT_EQ(run->measurement_tests.size(), 1u);
  EXPECT_EQ(run->measurement_tests[0].abbr, "G");
  ASSERT_EQ(run->measurements.size(), 1u);
  EXPECT_EQ(run->measurements[0].server, "quic-go");
  EXPECT_EQ(run->measurements[0].outcome, Outcome::kSucceeded);
  EXPECT_EQ(run->measurements[0].details, "9559 (± 120) kbps");
  EXPECT_EQ(run->tests[0].abbr, "H");
  EXPECT_EQ(run->tests[1].abbr, "DC");
  EXPECT_EQ(run->tests[2].abbr, "M");
  ASSERT_EQ(run->cells.size(), 3u);  // the null pair is not a result
  const CellResult* dc = run->Find("quic-go", "quic-go", "transfer");
  ASSERT_NE(dc, nullptr);
  EXPECT_EQ(dc->outcome, Outcome::kFailed);
  EXPECT_EQ(dc->log_dir, "quic-go_quic-go/transfer");
  const CellResult* m = run->Find("quic-go", "quic-go", "multiplexing");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->outcome, Outcome::kUnsupported);
  EXPECT_EQ(m->log_dir, "");  // the reference keeps no logs for unsupported
  EXPECT_EQ(run->Find("ngtcp2", "quic-go", "handshake"), nullptr);
}

TEST(ReferenceJsonTest, AutoUnsupportedRoundTrips) {
  RunResults run = SampleRun();
  CellResult& z = run.cells[0];  // quic-go × quic-go zerortt, failed
  z.outcome = Outcome::kUnsupported;
  z.original_outcome = Outcome::kFailed;
  z.reason = "auto-unsupported: client quic-go did not succeed against any server; was failed: x";
  const nlohmann::ordered_json doc = ToReferenceJson(run);
  EXPECT_EQ(doc["results"][0][3]["auto_unsupported"], true);
  EXPECT_EQ(doc["results"][0][3]["original_outcome"], "failed");
  Result<RunResults> back = FromReferenceJson(doc);
  ASSERT_TRUE(back.ok()) << back.error().Text();
  EXPECT_EQ(back->Find("quic-go", "quic-go", "zerortt")->original_outcome, Outcome::kFailed);
  EXPECT_FALSE(back->Find("quic-go", "quic-go", "retry")->AutoUnsupported());

  // Files from before the field: the reason the rule wrote still tells.
  json old = doc;
  old["results"][0][3].erase("original_outcome");
  old["results"][0][3].erase("auto_unsupported");
  old["results"][0][3]["reason"] =
      "auto-unsupported: server a did not succeed against any client; was timeout";
  back = FromReferenceJson(old);
  ASSERT_TRUE(back.ok()) << back.error().Text();
  EXPECT_EQ(back->Find("quic-go", "quic-go", "zerortt")->original_outcome, Outcome::kTimeout);

  old["results"][0][3]["original_outcome"] = "unsupported";
  back = FromReferenceJson(old);
  ASSERT_FALSE(back.ok());
  EXPECT_EQ(back.error().arg, "/results/0/3/original_outcome");
}

TEST(ReferenceJsonTest, MeasurementsRoundTrip) {
  const RunResults run = WithGoodput(SampleRun());
  const nlohmann::ordered_json doc = ToReferenceJson(run);
  EXPECT_EQ(doc["measurements"][1][0]["details"], "9559 (± 120) kbps");
  EXPECT_EQ(doc["tests"]["G"]["name"], "goodput");
  Result<RunResults> back = FromReferenceJson(json::parse(doc.dump()));
  ASSERT_TRUE(back.ok()) << back.error().Text();
  ASSERT_EQ(back->measurements.size(), 1u);
  EXPECT_EQ(back->measurements[0].server, "ngtcp2");
  EXPECT_EQ(back->measurements[0].details, "9559 (± 120) kbps");
  EXPECT_EQ(back->measurements[0].mean_kbps, 9559);  // qir's figures survive a merge or a report
  EXPECT_EQ(back->measurements[0].link_kbps, 10000);
  EXPECT_EQ(back->tests.size(), 4u);  // goodput stays out of the tests
  EXPECT_EQ(ToReferenceJson(*back), doc);
}

TEST(ReferenceJsonTest, UnknownReferenceStatusIsAnError) {
  json doc = json::parse(kPlainReference);
  doc["results"][0][1]["result"] = "flaky";
  Result<RunResults> run = FromReferenceJson(doc);
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.error().arg, "/results/0/1/result");
  EXPECT_NE(run.error().message.find("flaky"), std::string::npos);
}

TEST(ReferenceJsonTest, WrongShapesNameThePath) {
  struct Row {
    const char* name;
    const char* pointer;  // the value to replace or remove
    json value;           // replacement; ignored when remove
    bool remove;
    const char* want_arg;
  };
  const Row rows[] = {
      {.name = "root not object", .pointer = "", .value = json::array(), .want_arg = "/"},
      {.name = "missing servers", .pointer = "/servers", .remove = true, .want_arg = "/servers"},
      {.name = "server not string", .pointer = "/servers/1", .value = 7, .want_arg = "/servers/1"},
      {.name = "start_time string",
       .pointer = "/start_time",
       .value = "x",
       .want_arg = "/start_time"},
      {.name = "missing log_dir", .pointer = "/log_dir", .remove = true, .want_arg = "/log_dir"},
      {.name = "urls not object", .pointer = "/urls", .value = 1, .want_arg = "/urls"},
      {.name = "url not string", .pointer = "/urls/ngtcp2", .value = 1, .want_arg = "/urls/ngtcp2"},
      {.name = "tests not object",
       .pointer = "/tests",
       .value = json::array(),
       .want_arg = "/tests"},
      {.name = "test not object", .pointer = "/tests/H", .value = "x", .want_arg = "/tests/H"},
      {.name = "escaped abbr", .pointer = "/tests/a~1b", .value = 1, .want_arg = "/tests/a~1b"},
      {.name = "test without name",
       .pointer = "/tests/DC/name",
       .remove = true,
       .want_arg = "/tests/DC/name"},
      {.name = "pair missing", .pointer = "/results/3", .remove = true, .want_arg = "/results"},
      {.name = "pair not list",
       .pointer = "/results/1",
       .value = json::object(),
       .want_arg = "/results/1"},
      {.name = "entry not object",
       .pointer = "/results/0/2",
       .value = 3,
       .want_arg = "/results/0/2"},
      {.name = "unknown outcome",
       .pointer = "/results/0/0/outcome",
       .value = "great",
       .want_arg = "/results/0/0/outcome"},
      {.name = "unlisted test",
       .pointer = "/results/0/1/name",
       .value = "nosuch",
       .want_arg = "/results/0/1/name"},
      {.name = "duration string",
       .pointer = "/results/0/0/duration_s",
       .value = "1s",
       .want_arg = "/results/0/0/duration_s"},
      {.name = "reason number",
       .pointer = "/results/1/0/reason",
       .value = 5,
       .want_arg = "/results/1/0/reason"},
      {.name = "negative seed", .pointer = "/qir/seed", .value = -1, .want_arg = "/qir/seed"},
      {.name = "newer format", .pointer = "/qir/format", .value = 2, .want_arg = "/qir/format"},
      {.name = "qir not object", .pointer = "/qir", .value = 1, .want_arg = "/qir"},
      {.name = "order not list",
       .pointer = "/qir/test_order",
       .value = "H",
       .want_arg = "/qir/test_order"},
      {.name = "order duplicate",
       .pointer = "/qir/test_order/2",
       .value = "handshake",
       .want_arg = "/qir/test_order/2"},
      {.name = "order unlisted",
       .pointer = "/qir/test_order/1",
       .value = "nosuch",
       .want_arg = "/qir/test_order/1"},
  };
  const json good = ToReferenceJson(SampleRun());
  ASSERT_TRUE(FromReferenceJson(good).ok());
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    json doc = good;
    const json::json_pointer ptr(row.pointer);
    if (row.remove) {
      json& parent = doc.at(ptr.parent_pointer());
      if (parent.is_array()) {
        parent.erase(std::stoul(ptr.back()));
      } else {
        parent.erase(ptr.back());
      }
    } else {
      doc[ptr] = row.value;
    }
    Result<RunResults> run = FromReferenceJson(doc);
    ASSERT_FALSE(run.ok());
    EXPECT_EQ(run.error().code, Error::kParse);
    EXPECT_EQ(run.error().arg, row.want_arg) << run.error().Text();
  }
}

/// Like a decoder's truncated-prefix loop: every value replaced by every other JSON type, and
/// every member removed, must give a result or an error naming a path — never a throw or crash.
TEST(ReferenceJsonTest, EveryMutationIsHandled) {
  const json good = ToReferenceJson(SampleRun());
  const json replacements[] = {nullptr, 42, -1, 2.5, "x", json::array(), json::object(), true};
  int errors = 0;
  const json flat = good.flatten();  // named: items() of a temporary would dangle
  for (const auto& [path, value] : flat.items()) {
    const json::json_pointer ptr(path);
    std::vector<json> docs;
    for (const json& r : replacements) {
      docs.push_back(good);
      docs.back()[ptr] = r;
    }
    docs.push_back(good);
    json& parent = docs.back().at(ptr.parent_pointer());
    if (parent.is_object()) parent.erase(ptr.back());
    if (parent.is_array()) parent.erase(std::stoul(ptr.back()));
    for (const json& doc : docs) {
      Result<RunResults> run = FromReferenceJson(doc);
      if (!run.ok()) {
        ++errors;
        EXPECT_EQ(run.error().arg.rfind("/", 0), 0u) << run.error().Text();
      }
    }
  }
  EXPECT_GT(errors, 100);  // most mutations are wrong shapes
}

}  // namespace
}  // namespace qir::report

namespace qir::report {
namespace {

TEST(ReferenceJsonNoncompliant, RoundTripsAndShowsInTerminal) {
  results::RunResults run;
  run.servers = {"a", "b"};
  run.clients = {"a"};
  run.tests = {{"handshake", "H", "d"}};
  run.noncompliant["b (server)"] = "exit 0 for TESTCASE=x (expected exit 127)";
  run.versions["a"] = "a 1.0 (Debian 1.0-1)";
  Result<results::RunResults> back = FromReferenceJson(ToReferenceJson(run));
  ASSERT_TRUE(back.ok()) << back.error().Text();
  EXPECT_EQ(back->noncompliant, run.noncompliant);
  EXPECT_EQ(back->versions, run.versions);
  json bad = ToReferenceJson(run);
  bad["qir"]["versions"]["a"] = 3;
  Result<results::RunResults> rejected = FromReferenceJson(bad);
  ASSERT_FALSE(rejected.ok());
  EXPECT_NE(rejected.error().Text().find("/qir/versions/a"), std::string::npos) << rejected.error().Text();
  EXPECT_NE(TerminalMatrix(run, false).find("b (server) skipped, not compliant: exit 0"),
            std::string::npos);
}

}  // namespace
}  // namespace qir::report

namespace qir::report {
namespace {

TEST(ReferenceJsonTest, AttemptsRoundTrip) {
  RunResults run = SampleRun();
  run.cells[1].attempts = 3;
  run.cells[1].earlier_attempts = {"failed: a", "timeout: b"};
  const json out = ToReferenceJson(run);
  Result<RunResults> back = FromReferenceJson(json::parse(out.dump()));
  ASSERT_TRUE(back.ok()) << back.error().Text();
  const results::CellResult* h = back->Find("quic-go", "quic-go", "handshake");
  ASSERT_NE(h, nullptr);
  EXPECT_EQ(h->attempts, 3);
  EXPECT_TRUE(h->Flaky());
  EXPECT_EQ(h->earlier_attempts, (std::vector<std::string>{"failed: a", "timeout: b"}));
  json bad = json::parse(out.dump());
  bad["results"][0][0]["attempts"] = 0;
  EXPECT_FALSE(FromReferenceJson(bad).ok());
  bad["results"][0][0]["attempts"] = 2;
  bad["results"][0][0]["earlier_attempts"] = "x";
  EXPECT_FALSE(FromReferenceJson(bad).ok());
}

}  // namespace
}  // namespace qir::report

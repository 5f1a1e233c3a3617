// qir merge: shards of a run (fixtures in tests/fixtures/merge, and SampleRun split by the
// plan) merge into the unsharded result; each refusal where it must refuse; log trees.
#include "report/merge.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "report/reference_json.h"
#include "report/report_test_util.h"
#include "report/result_file.h"

namespace qir::report {
namespace {

namespace fs = std::filesystem;

ShardResult Fixture(const std::string& name) {
  const std::string path = std::string(QIR_FIXTURES_DIR) + "/merge/" + name + ".json";
  Result<results::RunResults> run = LoadResultFile(path);
  EXPECT_TRUE(run.ok()) << (run.ok() ? "" : run.error().Text());
  return {path, run.ok() ? *run : results::RunResults{}};
}

std::string Refusal(const std::vector<ShardResult>& shards, MergeOptions options = {}) {
  Result<results::RunResults> merged = MergeShards(shards, options);
  EXPECT_FALSE(merged.ok());
  if (merged.ok()) return "";
  EXPECT_EQ(merged.error().Text().find('\n'), std::string::npos);
  return merged.error().Text();
}

TEST(MergeTest, TwoShardsMakeTheWholeRun) {
  Result<results::RunResults> merged = MergeShards({Fixture("shard-2-of-2"), Fixture("shard-1-of-2")}, {});
  ASSERT_TRUE(merged.ok()) << merged.error().Text();
  EXPECT_EQ(merged->cells.size(), 4u);
  EXPECT_EQ(merged->servers, (std::vector<std::string>{"quic-go"}));
  EXPECT_EQ(merged->clients, (std::vector<std::string>{"quic-go", "ngtcp2"}));
  EXPECT_EQ(merged->start_time, 990);
  EXPECT_EQ(merged->end_time, 1100);
  ASSERT_TRUE(merged->plan);
  EXPECT_EQ(merged->plan->shard, (plan::Shard{1, 1}));
  EXPECT_EQ(merged->plan->shard_cells.size(), 4u);
  EXPECT_EQ(merged->plan->fingerprint, "1111222233334444");
  EXPECT_EQ(merged->Find("quic-go", "quic-go", "retry")->reason, "no Retry packet in the client-side trace");
  // Shard order does not matter; the layout is the run's (client-major).
  const nlohmann::ordered_json j = ToReferenceJson(*merged);
  EXPECT_EQ(j["results"][0][1]["name"], "retry");
  EXPECT_EQ(j["results"][1][0]["log_dir"], "quic-go_ngtcp2/handshake");
  EXPECT_EQ(j["qir"]["shard"]["count"], 1);
}

TEST(MergeTest, ShardsOfSampleRunEqualTheUnshardedRun) {
  results::RunResults whole = SampleRun();
  plan::PlanSpec spec{.servers = whole.servers, .clients = whole.clients};
  for (const results::TestInfo& t : whole.tests) spec.tests.push_back(t.name);
  const std::vector<plan::CellKey> planned = plan::PlannedCells(spec);
  whole.plan = results::PlanRecord{.fingerprint = "f", .qir_version = "v", .planned_cells = planned.size(),
                                   .shard_cells = planned};
  for (int n : {1, 2, 3, 4, 7}) {
    std::vector<ShardResult> shards;
    for (int k = 1; k <= n; ++k) {
      ShardResult s{"shard" + std::to_string(k) + ".json", whole};
      s.run.plan->shard = {k, n};
      s.run.plan->shard_cells = plan::ShardCells(planned, {k, n});
      std::erase_if(s.run.cells, [&](const results::CellResult& c) {
        const auto& mine = s.run.plan->shard_cells;
        return std::find(mine.begin(), mine.end(), plan::CellKey{c.server, c.client, c.test}) == mine.end();
      });
      shards.push_back(std::move(s));
    }
    // SampleRun leaves cells unrun (pair quic-go × picoquic, some tests); that is "missing".
    EXPECT_NE(Refusal(shards).find("planned cell(s) have no result"), std::string::npos);
    Result<results::RunResults> merged = MergeShards(shards, {.allow_missing = true});
    ASSERT_TRUE(merged.ok()) << merged.error().Text();
    nlohmann::ordered_json a = ToReferenceJson(*merged);
    nlohmann::ordered_json b = ToReferenceJson(whole);
    EXPECT_EQ(a["results"], b["results"]) << n << " shards";
    EXPECT_EQ(a["tests"], b["tests"]);
    EXPECT_EQ(merged->plan->missing_cells, 8u);
    EXPECT_TRUE(merged->plan->missing_shards.empty());
  }
}

TEST(MergeTest, MeasurementShardsSplitThePairs) {
  results::RunResults whole;
  whole.servers = {"a"};
  whole.clients = {"x", "y"};
  whole.measurement_tests = {{.name = "goodput", .abbr = "G", .desc = "Goodput."}};
  const std::vector<plan::CellKey> planned =
      plan::PlannedCells({.servers = whole.servers, .clients = whole.clients, .measurements = {"goodput"}});
  ASSERT_EQ(planned.size(), 2u);
  whole.plan = results::PlanRecord{.fingerprint = "f", .qir_version = "v", .planned_cells = 2};
  std::vector<ShardResult> shards;
  for (int k = 1; k <= 2; ++k) {
    ShardResult s{"shard" + std::to_string(k) + ".json", whole};
    s.run.plan->shard = {k, 2};
    s.run.plan->shard_cells = plan::ShardCells(planned, {k, 2});
    const plan::CellKey& mine = s.run.plan->shard_cells.at(0);
    s.run.measurements = {{.server = mine.server, .client = mine.client, .test = "goodput",
                           .outcome = results::Outcome::kSucceeded, .details = std::to_string(k) + " kbps"}};
    shards.push_back(std::move(s));
  }
  Result<results::RunResults> merged = MergeShards(shards, {});
  ASSERT_TRUE(merged.ok()) << merged.error().Text();
  EXPECT_EQ(merged->measurements.size(), 2u);
  const nlohmann::ordered_json j = ToReferenceJson(*merged);
  EXPECT_EQ(j["measurements"][1][0]["details"], "2 kbps");  // client y × server a
  // A shard that measured a pair it does not plan, and a shard whose measurement is missing.
  ShardResult extra = shards[1];
  extra.run.measurements.push_back({.server = "a", .client = "x", .test = "goodput"});
  EXPECT_NE(Refusal({shards[0], extra}).find("a × x goodput, which its shard does not plan"), std::string::npos);
  ShardResult empty = shards[1];
  empty.run.measurements.clear();
  EXPECT_NE(Refusal({shards[0], empty}).find("1 planned cell(s) have no result (e.g. a × y goodput)"),
            std::string::npos);
}

TEST(MergeTest, RefusesShardsOfDifferentRuns) {
  const std::string why = Refusal({Fixture("shard-1-of-2"), Fixture("other-run-2-of-2")});
  EXPECT_NE(why.find("shards of different runs"), std::string::npos) << why;
  EXPECT_NE(why.find("aaaabbbbccccdddd"), std::string::npos) << why;
}

TEST(MergeTest, RefusesDifferentShardCounts) {
  EXPECT_NE(Refusal({Fixture("shard-1-of-2"), Fixture("shard-2-of-3")}).find("split the run differently"),
            std::string::npos);
}

TEST(MergeTest, RefusesTheSameShardTwice) {
  EXPECT_NE(Refusal({Fixture("shard-1-of-2"), Fixture("shard-1-of-2")}).find("overlapping shards"),
            std::string::npos);
}

TEST(MergeTest, RefusesACellPlannedByTwoShards) {
  const std::string why = Refusal({Fixture("shard-1-of-2"), Fixture("overlapping-2-of-2")});
  EXPECT_NE(why.find("both plan quic-go × quic-go retry"), std::string::npos) << why;
}

TEST(MergeTest, RefusesAResultItsShardDidNotPlan) {
  ShardResult bad = Fixture("shard-2-of-2");
  bad.run.cells.push_back({.server = "quic-go", .client = "quic-go", .test = "handshake"});
  EXPECT_NE(Refusal({Fixture("shard-1-of-2"), bad}).find("which its shard does not plan"), std::string::npos);
}

TEST(MergeTest, RefusesAMissingShardUnlessAllowed) {
  const std::string why = Refusal({Fixture("shard-1-of-2")});
  EXPECT_NE(why.find("missing shard(s) 2 of 2"), std::string::npos) << why;
  Result<results::RunResults> merged = MergeShards({Fixture("shard-1-of-2")}, {.allow_missing = true});
  ASSERT_TRUE(merged.ok());
  EXPECT_EQ(merged->plan->missing_shards, std::vector<int>{2});
  EXPECT_EQ(merged->plan->missing_cells, 2u);
  // The missing pair is an empty list, as the reference's aggregator writes it.
  const nlohmann::ordered_json j = ToReferenceJson(*merged);
  EXPECT_EQ(j["results"].size(), 2u);
  EXPECT_TRUE(j["results"][1].is_array() && j["results"][1].empty());
  EXPECT_EQ(j["measurements"][1], nlohmann::ordered_json::array());
  EXPECT_EQ(j["qir"]["plan"]["missing_shards"], nlohmann::ordered_json::array({2}));
}

TEST(MergeTest, RefusesAnIncompleteShardUnlessAllowed) {
  const std::string why = Refusal({Fixture("shard-1-of-2"), Fixture("interrupted-2-of-2")});
  EXPECT_NE(why.find("1 planned cell(s) have no result (e.g. quic-go × ngtcp2 retry)"), std::string::npos) << why;
  EXPECT_TRUE(MergeShards({Fixture("shard-1-of-2"), Fixture("interrupted-2-of-2")}, {.allow_missing = true}).ok());
}

TEST(MergeTest, NonCompliantPairsAreNotMissing) {
  ShardResult skipped = Fixture("interrupted-2-of-2");
  skipped.run.cells.clear();
  skipped.run.noncompliant["ngtcp2 (client)"] = "exit 0 for TESTCASE=x";
  Result<results::RunResults> merged = MergeShards({Fixture("shard-1-of-2"), skipped}, {});
  ASSERT_TRUE(merged.ok()) << merged.error().Text();
  EXPECT_EQ(merged->noncompliant.size(), 1u);
}

TEST(MergeTest, RefusesFilesWithoutAPlanAndNoInput) {
  ShardResult plain = Fixture("shard-1-of-2");
  plain.run.plan.reset();
  EXPECT_NE(Refusal({plain}).find("holds no plan"), std::string::npos);
  EXPECT_NE(Refusal({}).find("no shard results given"), std::string::npos);
}

TEST(MergeTest, PlanSectionRoundTripsThroughResultJson) {
  const ShardResult s = Fixture("shard-2-of-2");
  ASSERT_TRUE(s.run.plan);
  Result<results::RunResults> back = FromReferenceJson(nlohmann::json::parse(ToReferenceJson(s.run).dump()));
  ASSERT_TRUE(back.ok());
  ASSERT_TRUE(back->plan);
  EXPECT_EQ(back->plan->shard, (plan::Shard{2, 2}));
  EXPECT_EQ(back->plan->shard_cells, s.run.plan->shard_cells);
  EXPECT_EQ(back->plan->planned_cells, 4u);
}

TEST(MergeTest, RejectsMalformedPlanSections) {
  nlohmann::json base = nlohmann::json::parse(ToReferenceJson(Fixture("shard-2-of-2").run).dump());
  std::vector<nlohmann::json> bad(4, base);
  bad[0]["qir"].erase("shard");
  bad[1]["qir"]["shard"]["index"] = 3;
  bad[2]["qir"]["shard"]["cells"][0] = {"quic-go", "ngtcp2"};
  bad[3]["qir"]["plan"]["cells"] = -1;
  for (const nlohmann::json& j : bad) EXPECT_FALSE(FromReferenceJson(j).ok()) << j["qir"].dump();
}

class MergeLogsTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::path(testing::TempDir()) / ("merge_logs_" + std::string(testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(root_);
    for (const ShardResult& s : {Fixture("shard-1-of-2"), Fixture("shard-2-of-2")}) {
      const fs::path dir = root_ / ("shard" + std::to_string(s.run.plan->shard.index));
      for (const results::CellResult& c : s.run.cells) {
        fs::create_directories(dir / c.log_dir);
        std::ofstream(dir / c.log_dir / "output.txt") << c.server << " " << c.client << " " << c.test << "\n";
      }
      fs::create_directories(dir / "compliance");
      std::ofstream(dir / "compliance" / "quic-go_server.log") << "exit 127\n";
      shards_.push_back({(dir / "result.json").string(), s.run});
    }
  }
  fs::path root_;
  std::vector<ShardResult> shards_;
};

TEST_F(MergeLogsTest, CopiesEveryCellFolder) {
  ASSERT_TRUE(CopyShardLogs(shards_, (root_ / "merged").string()).ok());
  for (const char* cell : {"quic-go_quic-go/handshake", "quic-go_quic-go/retry", "quic-go_ngtcp2/handshake",
                           "quic-go_ngtcp2/retry"}) {
    EXPECT_TRUE(fs::exists(root_ / "merged" / cell / "output.txt")) << cell;
  }
  EXPECT_TRUE(fs::exists(root_ / "merged/compliance/quic-go_server.log"));
}

TEST_F(MergeLogsTest, RefusesAMissingCellFolder) {
  fs::remove_all(root_ / "shard2/quic-go_ngtcp2/retry");
  Status s = CopyShardLogs(shards_, (root_ / "merged").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().Text().find("no log folder for quic-go × ngtcp2 retry"), std::string::npos);
}

TEST_F(MergeLogsTest, RefusesALogDirThatEscapes) {
  shards_[0].run.cells[0].log_dir = "../../etc";
  Status s = CopyShardLogs(shards_, (root_ / "merged").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().Text().find("leaves the log folder"), std::string::npos);
}

}  // namespace
}  // namespace qir::report

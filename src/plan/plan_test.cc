// Planned cells and shards: every cell in exactly one shard, the same split every time, pairs
// kept whole when there are enough of them; --shard parsing; the fingerprint.
#include "plan/plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace qir::plan {
namespace {

PlanSpec Spec(int servers, int clients, int tests, std::string must_include = "") {
  PlanSpec spec;
  for (int i = 0; i < servers; ++i) spec.servers.push_back("s" + std::to_string(i));
  for (int i = 0; i < clients; ++i) spec.clients.push_back("c" + std::to_string(i));
  for (int i = 0; i < tests; ++i) spec.tests.push_back("t" + std::to_string(i));
  spec.must_include = std::move(must_include);
  return spec;
}

TEST(PlanTest, CellsAreClientMajorThenServerThenTest) {
  const std::vector<CellKey> cells = PlannedCells(Spec(2, 2, 2));
  ASSERT_EQ(cells.size(), 8u);
  EXPECT_EQ(cells[0], (CellKey{"s0", "c0", "t0"}));
  EXPECT_EQ(cells[1], (CellKey{"s0", "c0", "t1"}));
  EXPECT_EQ(cells[2], (CellKey{"s1", "c0", "t0"}));
  EXPECT_EQ(cells[4], (CellKey{"s0", "c1", "t0"}));
}

TEST(PlanTest, MeasurementsFollowEachPairsTests) {
  PlanSpec spec = Spec(2, 1, 1);
  spec.measurements = {"goodput", "crosstraffic"};
  const std::vector<CellKey> cells = PlannedCells(spec);
  ASSERT_EQ(cells.size(), 6u);
  EXPECT_EQ(cells[1], (CellKey{"s0", "c0", "goodput"}));
  EXPECT_EQ(cells[2], (CellKey{"s0", "c0", "crosstraffic"}));
  EXPECT_EQ(cells[3], (CellKey{"s1", "c0", "t0"}));
  // Measurements alone: every pair still has its cells, so shards split them like tests.
  spec.tests.clear();
  const std::vector<CellKey> only = PlannedCells(spec);
  ASSERT_EQ(only.size(), 4u);
  EXPECT_EQ(ShardCells(only, {1, 2}).size(), 2u);
  EXPECT_EQ(ShardCells(only, {2, 2})[0], (CellKey{"s1", "c0", "goodput"}));
}

TEST(PlanTest, MustIncludeKeepsOnlyItsPairs) {
  PlanSpec spec = Spec(3, 3, 1, "s1");
  spec.clients[2] = "s1";  // on both sides
  const std::vector<CellKey> cells = PlannedCells(spec);
  for (const CellKey& c : cells) EXPECT_TRUE(c.server == "s1" || c.client == "s1") << c.server << c.client;
  EXPECT_EQ(cells.size(), 5u);  // s1 × {c0, c1, s1} + {s0, s2} × s1
}

struct SplitCase {
  const char* name;
  int servers, clients, tests, shards;
  const char* must_include;
};

class ShardSplitTest : public testing::TestWithParam<SplitCase> {};

TEST_P(ShardSplitTest, EveryCellInExactlyOneShardInPlanOrder) {
  const SplitCase& c = GetParam();
  const std::vector<CellKey> planned = PlannedCells(Spec(c.servers, c.clients, c.tests, c.must_include));
  std::vector<CellKey> joined;
  for (int k = 1; k <= c.shards; ++k) {
    const std::vector<CellKey> part = ShardCells(planned, {k, c.shards});
    EXPECT_EQ(part, ShardCells(planned, {k, c.shards})) << "not deterministic";
    joined.insert(joined.end(), part.begin(), part.end());
  }
  EXPECT_EQ(joined, planned);  // disjoint, complete, and in order
}

TEST_P(ShardSplitTest, PairsStayWholeWhenThereAreEnough) {
  const SplitCase& c = GetParam();
  const std::vector<CellKey> planned = PlannedCells(Spec(c.servers, c.clients, c.tests, c.must_include));
  std::map<std::pair<std::string, std::string>, std::set<int>> shards_of_pair;
  std::vector<size_t> sizes;
  for (int k = 1; k <= c.shards; ++k) {
    const std::vector<CellKey> part = ShardCells(planned, {k, c.shards});
    sizes.push_back(part.size());
    for (const CellKey& cell : part) shards_of_pair[{cell.server, cell.client}].insert(k);
  }
  const bool enough_pairs = shards_of_pair.size() >= static_cast<size_t>(c.shards);
  for (const auto& [pair, shards] : shards_of_pair) {
    if (enough_pairs) {
      EXPECT_EQ(shards.size(), 1u) << pair.first << "_" << pair.second << " split";
    }
  }
  // Balanced: by whole pairs (± one pair) or by cells (± one cell).
  const size_t unit = enough_pairs ? static_cast<size_t>(c.tests) : 1;
  const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end());
  EXPECT_LE(*hi - *lo, unit);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ShardSplitTest,
    testing::Values(SplitCase{"one_shard", 4, 4, 24, 1, ""}, SplitCase{"full_matrix_in_4", 4, 4, 24, 4, ""},
                    SplitCase{"uneven", 4, 4, 3, 3, ""}, SplitCase{"one_pair_per_shard", 4, 4, 2, 16, ""},
                    SplitCase{"one_pair_two_shards", 1, 1, 2, 2, ""},
                    SplitCase{"more_shards_than_cells", 1, 1, 3, 7, ""},
                    SplitCase{"fewer_pairs_than_shards", 2, 2, 5, 6, ""},
                    SplitCase{"must_include", 4, 4, 3, 3, "s2"}),
    [](const testing::TestParamInfo<SplitCase>& info) { return info.param.name; });

TEST(ShardTest, OnePairTwoShardsSplitsItsCells) {
  const std::vector<CellKey> planned = PlannedCells(Spec(1, 1, 2));
  EXPECT_EQ(ShardCells(planned, {1, 2}), std::vector<CellKey>{planned[0]});
  EXPECT_EQ(ShardCells(planned, {2, 2}), std::vector<CellKey>{planned[1]});
}

TEST(ShardTest, OutOfRangeShardIsEmpty) {
  const std::vector<CellKey> planned = PlannedCells(Spec(2, 2, 2));
  EXPECT_TRUE(ShardCells(planned, {3, 2}).empty());
  EXPECT_TRUE(ShardCells({}, {1, 2}).empty());
}

TEST(ShardTest, ParsesKOfN) {
  Result<Shard> s = ParseShard("2/4");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, (Shard{2, 4}));
  EXPECT_TRUE(ParseShard("1/1").ok());
}

TEST(ShardTest, RejectsBadShards) {
  for (const char* bad : {"", "2", "0/2", "3/2", "a/b", "1/", "/2", "1/2/3", "-1/2", "1 /2", "1/20000"}) {
    Result<Shard> s = ParseShard(bad);
    EXPECT_FALSE(s.ok()) << bad;
    if (!s.ok()) {
      EXPECT_EQ(s.error().message.find('\n'), std::string::npos);
    }
  }
}

Identity SampleIdentity() {
  return {.seed = 42, .spec = Spec(2, 2, 2), .implementations = {"s0 both", "s1 both"}, .qir_version = "0.1.0"};
}

TEST(FingerprintTest, SameIdentitySameFingerprint) {
  EXPECT_EQ(Fingerprint(SampleIdentity()), Fingerprint(SampleIdentity()));
  EXPECT_EQ(Fingerprint(SampleIdentity()).size(), 16u);
}

TEST(FingerprintTest, EveryPartChangesIt) {
  const std::string base = Fingerprint(SampleIdentity());
  std::vector<Identity> changed(9, SampleIdentity());
  changed[0].seed = 43;
  changed[1].spec.tests.pop_back();
  changed[2].spec.must_include = "s0";
  changed[3].qir_version = "0.2.0";
  changed[4].implementations[1] = "s1 server";
  changed[5].scenario = "simple-p2p --delay=1ms";
  changed[6].no_auto_unsupported = {"s0"};
  changed[7].spec.servers = {"s1", "s0"};  // order matters: it is the matrix order
  changed[8].spec.measurements = {"goodput"};
  for (size_t i = 0; i < changed.size(); ++i) EXPECT_NE(Fingerprint(changed[i]), base) << i;
}

}  // namespace
}  // namespace qir::plan

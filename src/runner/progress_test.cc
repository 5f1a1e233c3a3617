// Progress: counts, the estimate from per-test durations, the status line and its width.
#include "runner/progress.h"

#include <gtest/gtest.h>

namespace qir::runner {
namespace {

using results::Outcome;

std::vector<plan::CellKey> Cells() {
  return plan::PlannedCells({.servers = {"a"}, .clients = {"x", "y"}, .tests = {"handshake", "transfer"}});
}

results::CellResult Done(const plan::CellKey& k, Outcome o = Outcome::kSucceeded) {
  return {.server = k.server, .client = k.client, .test = k.test, .outcome = o};
}

TEST(ProgressTest, NoEstimateBeforeTheFirstCell) {
  Progress p(Cells(), 0, 2, 100);
  EXPECT_FALSE(p.EtaSeconds(100).has_value());
  EXPECT_EQ(p.StatusLine(100), "0/4 done | 0:00 elapsed | ETA ?");
}

TEST(ProgressTest, EstimatesFromDurationsPerTest) {
  const auto cells = Cells();  // x handshake, x transfer, y handshake, y transfer
  Progress p(cells, 0, 1, 0);
  p.Started(cells[0], 0);
  p.Finished(Done(cells[0]), 2);  // handshake: 2 s
  p.Started(cells[1], 2);
  p.Finished(Done(cells[1], Outcome::kTimeout), 12);  // transfer: 10 s
  // Left: one handshake (2 s) and one transfer (10 s), one at a time.
  ASSERT_TRUE(p.EtaSeconds(12).has_value());
  EXPECT_DOUBLE_EQ(*p.EtaSeconds(12), 12);
  p.Started(cells[2], 12);
  EXPECT_DOUBLE_EQ(*p.EtaSeconds(13), 11);  // 1 s of the running handshake left, then 10
  EXPECT_EQ(p.StatusLine(13), "2/4 done | 1 running: a_y handshake | 1 failed | 0:13 elapsed | ETA 0:11");
  p.Finished(Done(cells[2]), 14);
  p.Started(cells[3], 14);
  p.Finished(Done(cells[3]), 20);
  EXPECT_DOUBLE_EQ(*p.EtaSeconds(20), 0);
  EXPECT_EQ(p.done(), 4u);
}

TEST(ProgressTest, UnseenTestUsesTheMeanOfAllCellsAndParallelismDivides) {
  const auto cells = Cells();
  Progress p(cells, 0, 2, 0);
  results::CellResult first = Done(cells[0]);
  first.duration_s = 4;  // the cell's own time counts, even unseen by Started
  p.Finished(first, 9);
  // Left: transfer ×2 (unseen → 4 s each), handshake (4 s) = 12 s over 2 lanes.
  EXPECT_DOUBLE_EQ(*p.EtaSeconds(9), 6);
}

TEST(ProgressTest, MoreCellsAtOnceThanJobsCountAsLanes) {
  const auto cells = Cells();
  Progress p(cells, 0, 1, 0);  // automatic parallelism: started with one lane per CPU
  p.Started(cells[0], 0);
  p.Started(cells[1], 0);
  p.Started(cells[2], 0);
  p.Finished(Done(cells[0]), 3);  // handshake: 3 s
  p.Finished(Done(cells[1]), 3);  // transfer: 3 s
  // 3 s of y handshake left less the 3 s it ran, and 3 s of y transfer: over 2 lanes (3 were seen,
  // 2 cells remain).
  EXPECT_DOUBLE_EQ(*p.EtaSeconds(3), 1.5);
}

TEST(ProgressTest, ResumedRunCountsEarlierCells) {
  Progress p({Cells()[3]}, 3, 2, 0);
  EXPECT_EQ(p.total(), 4u);
  EXPECT_EQ(p.StatusLine(3725), "3/4 done | 1:02:05 elapsed | ETA ?");
}

TEST(ProgressTest, LineIsCutToTheWidthKeepingTheTimes) {
  const auto cells = Cells();
  Progress p(cells, 0, 4, 0);
  for (const auto& c : cells) p.Started(c, 0);
  const std::string full = p.StatusLine(5);
  const std::string cut = p.StatusLine(5, 60);
  EXPECT_GT(full.size(), 60u);
  EXPECT_EQ(cut.size(), 60u);
  EXPECT_NE(cut.find("... | 0:05 elapsed | ETA ?"), std::string::npos) << cut;
  EXPECT_EQ(p.StatusLine(5, 10).size(), 10u);
}

TEST(ProgressTest, FormatsDurations) {
  EXPECT_EQ(FormatDuration(0), "0:00");
  EXPECT_EQ(FormatDuration(59.6), "1:00");
  EXPECT_EQ(FormatDuration(3600), "1:00:00");
  EXPECT_EQ(FormatDuration(-3), "0:00");
}

}  // namespace
}  // namespace qir::runner

// Resume points: finished cells kept untouched, the rest (and cells stopped by an interrupt)
// run again; the auto-unsupported rewrite undone so the rule can decide again at the end.
#include "runner/resume.h"

#include <gtest/gtest.h>

#include "runner/auto_unsupported.h"

namespace qir::runner {
namespace {

using results::Outcome;

results::CellResult Cell(std::string s, std::string c, std::string t, Outcome o, std::string why = "") {
  return {.server = s, .client = c, .test = t, .outcome = o, .reason = why, .duration_s = 2.5,
          .log_dir = s + "_" + c + "/" + t};
}

std::vector<plan::CellKey> Planned() {
  return plan::PlannedCells({.servers = {"a", "b"}, .clients = {"x"}, .tests = {"handshake", "retry"}});
}

TEST(ResumeTest, NothingDoneRunsEverything) {
  ResumePoint p = PrepareResume(Planned(), {});
  EXPECT_EQ(p.remaining, Planned());
  EXPECT_TRUE(p.earlier.cells.empty());
}

TEST(ResumeTest, FinishedCellsAreKeptAndNotRunAgain) {
  results::RunResults earlier;
  earlier.start_time = 100;
  earlier.cells = {Cell("b", "x", "handshake", Outcome::kFailed, "no handshake"),
                   Cell("a", "x", "handshake", Outcome::kSucceeded)};
  ResumePoint p = PrepareResume(Planned(), earlier);
  EXPECT_EQ(p.remaining, (std::vector<plan::CellKey>{{"a", "x", "retry"}, {"b", "x", "retry"}}));
  ASSERT_EQ(p.earlier.cells.size(), 2u);
  EXPECT_EQ(p.earlier.cells[0].reason, "no handshake");
  EXPECT_EQ(p.earlier.cells[0].duration_s, 2.5);
  EXPECT_EQ(p.earlier.start_time, 100);
}

TEST(ResumeTest, InterruptedDuplicateAndUnplannedCellsAreDropped) {
  results::RunResults earlier;
  earlier.cells = {Cell("a", "x", "handshake", Outcome::kError, "interrupted"),
                   Cell("a", "x", "retry", Outcome::kSucceeded), Cell("a", "x", "retry", Outcome::kFailed),
                   Cell("c", "x", "retry", Outcome::kSucceeded)};
  ResumePoint p = PrepareResume(Planned(), earlier);
  EXPECT_EQ(p.remaining, (std::vector<plan::CellKey>{{"a", "x", "handshake"}, {"b", "x", "handshake"},
                                                     {"b", "x", "retry"}}));
  ASSERT_EQ(p.earlier.cells.size(), 1u);
  EXPECT_EQ(p.earlier.cells[0].outcome, Outcome::kSucceeded);  // the first result of a cell wins
}

TEST(ResumeTest, MeasuredPairsAreKeptInterruptedSeriesMeasuredAgain) {
  const std::vector<plan::CellKey> planned =
      plan::PlannedCells({.servers = {"a", "b"}, .clients = {"x"}, .measurements = {"goodput"}});
  results::RunResults earlier;
  earlier.measurements = {
      {.server = "a", .client = "x", .test = "goodput", .outcome = Outcome::kSucceeded, .details = "9000 (± 1) kbps"},
      {.server = "b", .client = "x", .test = "goodput", .outcome = Outcome::kError,
       .reason = "repetition 3: interrupted"}};
  ResumePoint p = PrepareResume(planned, earlier);
  EXPECT_EQ(p.remaining, (std::vector<plan::CellKey>{{"b", "x", "goodput"}}));
  ASSERT_EQ(p.earlier.measurements.size(), 1u);
  EXPECT_EQ(p.earlier.measurements[0].details, "9000 (± 1) kbps");
  // A series that failed for its own reasons is a result, not a cue to measure again.
  earlier.measurements[1].reason = "repetition 3: client did not finish within 60 s";
  EXPECT_TRUE(PrepareResume(planned, earlier).remaining.empty());
}

TEST(ResumeTest, AutoUnsupportedIsUndone) {
  results::RunResults earlier;
  earlier.servers = {"a", "b"};
  earlier.clients = {"x"};
  earlier.tests = {{"retry", "S", ""}};
  earlier.cells = {Cell("a", "x", "retry", Outcome::kFailed, "no Retry"), Cell("b", "x", "retry", Outcome::kTimeout)};
  ASSERT_EQ(ApplyAutoUnsupported(&earlier, {}), 2);
  ResumePoint p = PrepareResume(Planned(), earlier);
  ASSERT_EQ(p.earlier.cells.size(), 2u);
  EXPECT_EQ(p.earlier.cells[0].outcome, Outcome::kFailed);
  EXPECT_EQ(p.earlier.cells[0].reason, "no Retry");
  EXPECT_FALSE(p.earlier.cells[0].AutoUnsupported());
  EXPECT_EQ(p.earlier.cells[1].outcome, Outcome::kTimeout);
  EXPECT_EQ(p.earlier.cells[1].reason, "");
}

TEST(ResumeTest, UndoLeavesOrdinaryCellsAlone) {
  results::CellResult c = Cell("a", "x", "retry", Outcome::kUnsupported, "server exited with 127");
  UndoAutoUnsupported(&c);
  EXPECT_EQ(c.outcome, Outcome::kUnsupported);
  EXPECT_EQ(c.reason, "server exited with 127");
}

}  // namespace
}  // namespace qir::runner

// Tests for DiffRuns and its text/Markdown forms: every kind of change, added and removed
// names and cells, ‽ counted as the failure it was, and the regression flag.
#include "report/run_diff.h"

#include <gtest/gtest.h>

#include <string>

#include "report/report_test_util.h"

namespace qir::report {
namespace {

using results::Outcome;

results::CellResult* Cell(results::RunResults& run, const char* server, const char* client,
                          const char* test) {
  for (results::CellResult& cell : run.cells) {
    if (cell.server == server && cell.client == client && cell.test == test) return &cell;
  }
  ADD_FAILURE() << "no cell " << server << " " << client << " " << test;
  static results::CellResult none;
  return &none;
}

TEST(RunDiffTest, SameRunHasNoChanges) {
  const RunDiff diff = DiffRuns(SampleRun(), SampleRun());
  EXPECT_TRUE(diff.changes.empty());
  EXPECT_FALSE(diff.Regressed());
  EXPECT_EQ(diff.unchanged, 8);
  EXPECT_EQ(DiffText(diff),
            "qir diff: 0 newly failing, 0 newly passing, 0 now unsupported, 0 no longer "
            "unsupported, 8 unchanged\n");
}

TEST(RunDiffTest, EveryKindOfChange) {
  const results::RunResults base = SampleRun();
  results::RunResults next = SampleRun();
  Cell(next, "quic-go", "quic-go", "handshake")->outcome = Outcome::kFailed;  // ✓ → ✕
  Cell(next, "quic-go", "quic-go", "handshake")->reason = "no handshake";
  Cell(next, "quic-go", "quic-go", "zerortt")->outcome = Outcome::kSucceeded;     // ✕ → ✓
  Cell(next, "quic-go", "quic-go", "retry")->outcome = Outcome::kSucceeded;       // ? → ✓
  Cell(next, "ngtcp2", "quic-go", "handshake")->outcome = Outcome::kUnsupported;  // ✓ → ?
  Cell(next, "ngtcp2", "picoquic", "handshake")->outcome = Outcome::kTimeout;     // ✕ → ✕
  const RunDiff diff = DiffRuns(base, next);
  ASSERT_EQ(diff.changes.size(), 4u);
  ASSERT_EQ(diff.Of(ChangeKind::kNewlyFailing).size(), 1u);
  EXPECT_EQ(diff.Of(ChangeKind::kNewlyFailing)[0]->test, "handshake");
  EXPECT_EQ(diff.Of(ChangeKind::kNewlyPassing)[0]->test, "zerortt");
  EXPECT_EQ(diff.Of(ChangeKind::kFromUnsupported)[0]->test, "retry");
  EXPECT_EQ(diff.Of(ChangeKind::kToUnsupported)[0]->server, "ngtcp2");
  EXPECT_TRUE(diff.Regressed());
  EXPECT_EQ(diff.unchanged, 4);
  const std::string text = DiffText(diff);
  EXPECT_NE(text.find("qir diff: 1 newly failing, 1 newly passing, 1 now unsupported, 1 no "
                      "longer unsupported, 4 unchanged\nnewly failing (1):\n"
                      "  ✓ → ✕  quic-go × quic-go  handshake: no handshake\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("no longer unsupported (1):\n  ? → ✓  quic-go × quic-go  retry"),
            std::string::npos)
      << text;
  const std::string md = DiffMarkdown(diff);
  EXPECT_EQ(md.rfind("### Interop matrix: regressions\n", 0), 0u) << md;
  EXPECT_NE(md.find("**newly failing** (1)\n\n| server | client | test | was | now | reason |\n"
                    "|---|---|---|---|---|---|\n| quic-go | quic-go | handshake | ✓ | ✕ | no "
                    "handshake |\n"),
            std::string::npos)
      << md;
}

TEST(RunDiffTest, OnlyPassingChangesDoNotRegress) {
  results::RunResults next = SampleRun();
  Cell(next, "quic-go", "quic-go", "zerortt")->outcome = Outcome::kSucceeded;
  const RunDiff diff = DiffRuns(SampleRun(), next);
  EXPECT_FALSE(diff.Regressed());
  EXPECT_EQ(DiffMarkdown(diff).rfind("### Interop matrix: no regressions\n", 0), 0u);
}

TEST(RunDiffTest, AutoUnsupportedCountsAsTheFailureItWas) {
  // ✕ → ‽ is no change; ✓ → ‽ is a regression the rule must not hide.
  EXPECT_TRUE(DiffRuns(SampleRun(), SampleRunWithAutoUnsupported()).changes.empty());
  results::RunResults base = SampleRunWithAutoUnsupported();
  Cell(base, "quic-go", "quic-go", "zerortt")->outcome = Outcome::kSucceeded;
  Cell(base, "quic-go", "quic-go", "zerortt")->original_outcome.reset();
  const RunDiff diff = DiffRuns(base, SampleRunWithAutoUnsupported());
  ASSERT_EQ(diff.Of(ChangeKind::kNewlyFailing).size(), 1u);
  EXPECT_EQ(diff.Of(ChangeKind::kNewlyFailing)[0]->after, Mark::kAutoUnsupported);
  EXPECT_NE(DiffText(diff).find("  ✓ → ‽  quic-go × quic-go  zerortt: auto-unsupported"),
            std::string::npos);
}

TEST(RunDiffTest, AddedAndRemovedNamesAndCells) {
  const results::RunResults base = SampleRun();
  results::RunResults next = SampleRun();
  next.servers = {"quic-go", "quinn"};  // ngtcp2 removed, quinn added
  std::erase_if(next.cells, [](const results::CellResult& c) { return c.server == "ngtcp2"; });
  next.cells.push_back(
      {.server = "quinn", .client = "quic-go", .test = "handshake", .outcome = Outcome::kFailed});
  next.tests.push_back({.name = "ecn", .abbr = "E", .desc = ""});
  next.cells.push_back({.server = "quic-go",
                        .client = "picoquic",
                        .test = "handshake",
                        .outcome = Outcome::kSucceeded});  // the pair never ran in base
  std::erase_if(next.cells, [](const results::CellResult& c) { return c.test == "retry"; });
  const RunDiff diff = DiffRuns(base, next);
  EXPECT_EQ(diff.servers.added, (std::vector<std::string>{"quinn"}));
  EXPECT_EQ(diff.servers.removed, (std::vector<std::string>{"ngtcp2"}));
  EXPECT_TRUE(diff.clients.added.empty());
  EXPECT_EQ(diff.tests.added, (std::vector<std::string>{"ecn"}));
  EXPECT_EQ(diff.cells_added, (std::vector<std::string>{"quic-go × picoquic handshake"}));
  EXPECT_EQ(diff.cells_removed, (std::vector<std::string>{"quic-go × quic-go retry"}));
  EXPECT_FALSE(diff.Regressed());  // a failing cell of a new server is not a regression
  const std::string text = DiffText(diff);
  EXPECT_NE(text.find("servers added: quinn\nservers removed: ngtcp2\ntests added: ecn\n"
                      "cells only in the new run: quic-go × picoquic handshake\n"
                      "cells only in the base run: quic-go × quic-go retry\n"),
            std::string::npos)
      << text;
  EXPECT_NE(DiffMarkdown(diff).find("- servers added: quinn\n"), std::string::npos);
}

}  // namespace
}  // namespace qir::report

// Auto-unsupported post-processing: which cells change and which must not.
#include "runner/auto_unsupported.h"

#include <gtest/gtest.h>

namespace qir::runner {
namespace {

using results::Outcome;

results::RunResults MakeRun(std::vector<std::string> servers, std::vector<std::string> clients,
                        std::vector<results::CellResult> cells) {
  results::RunResults r;
  r.servers = std::move(servers);
  r.clients = std::move(clients);
  r.tests = {{"retry", "S", ""}, {"handshake", "H", ""}};
  r.cells = std::move(cells);
  return r;
}

results::CellResult Cell(std::string s, std::string c, std::string t, Outcome o, std::string why = "") {
  return {.server = s, .client = c, .test = t, .outcome = o, .reason = why};
}

TEST(AutoUnsupported, ClientFailingAgainstEveryServerBecomesUnsupportedWithReasonKept) {
  auto r = MakeRun({"a", "b"}, {"x"},
               {Cell("a", "x", "retry", Outcome::kFailed, "no Retry"), Cell("b", "x", "retry", Outcome::kTimeout),
                Cell("a", "x", "handshake", Outcome::kSucceeded), Cell("b", "x", "handshake", Outcome::kSucceeded)});
  EXPECT_EQ(ApplyAutoUnsupported(&r, {}), 2);
  EXPECT_EQ(r.Find("a", "x", "retry")->outcome, Outcome::kUnsupported);
  EXPECT_EQ(r.Find("a", "x", "retry")->reason,
            "auto-unsupported: client x did not succeed against any server; was failed: no Retry");
  EXPECT_EQ(r.Find("a", "x", "retry")->original_outcome, Outcome::kFailed);
  EXPECT_EQ(r.Find("b", "x", "retry")->original_outcome, Outcome::kTimeout);
  EXPECT_EQ(r.Find("a", "x", "handshake")->outcome, Outcome::kSucceeded);
  EXPECT_FALSE(r.Find("a", "x", "handshake")->AutoUnsupported());
}

TEST(AutoUnsupported, OneSuccessKeepsTheFailures) {
  auto r = MakeRun({"a", "b"}, {"x"},
               {Cell("a", "x", "retry", Outcome::kFailed), Cell("b", "x", "retry", Outcome::kSucceeded)});
  EXPECT_EQ(ApplyAutoUnsupported(&r, {}), 0);
  EXPECT_EQ(r.Find("a", "x", "retry")->outcome, Outcome::kFailed);
}

TEST(AutoUnsupported, SinglePeerNeverMarks) {
  auto r = MakeRun({"a"}, {"x"}, {Cell("a", "x", "retry", Outcome::kFailed)});
  EXPECT_EQ(ApplyAutoUnsupported(&r, {}), 0);
  EXPECT_EQ(r.Find("a", "x", "retry")->outcome, Outcome::kFailed);
}

TEST(AutoUnsupported, ExemptImplementationKeepsItsFailures) {
  auto r = MakeRun({"a", "b"}, {"x"}, {Cell("a", "x", "retry", Outcome::kFailed), Cell("b", "x", "retry", Outcome::kFailed)});
  EXPECT_EQ(ApplyAutoUnsupported(&r, {"x"}), 0);
  EXPECT_EQ(r.Find("b", "x", "retry")->outcome, Outcome::kFailed);
}

TEST(AutoUnsupported, ServerSideIsSymmetric) {
  auto r = MakeRun({"a"}, {"x", "y"}, {Cell("a", "x", "retry", Outcome::kFailed), Cell("a", "y", "retry", Outcome::kUnsupported)});
  EXPECT_EQ(ApplyAutoUnsupported(&r, {}), 1);
  EXPECT_EQ(r.Find("a", "x", "retry")->outcome, Outcome::kUnsupported);
  EXPECT_FALSE(r.Find("a", "y", "retry")->AutoUnsupported());  // exited 127 itself
}

TEST(AutoUnsupported, IncompleteRowIsLeftAlone) {
  auto r = MakeRun({"a", "b"}, {"x"}, {Cell("a", "x", "retry", Outcome::kFailed)});
  EXPECT_EQ(ApplyAutoUnsupported(&r, {}), 0);
}

}  // namespace
}  // namespace qir::runner

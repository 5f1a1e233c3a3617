// Tests for MarkdownMatrix: layout, escaping, empty cells.
#include "report/markdown.h"

#include <gtest/gtest.h>

#include <string>

#include "report/report_test_util.h"

namespace qir::report {
namespace {

TEST(MarkdownMatrixTest, Golden) {
  const std::string want =
      "| client \\\\ server | quic-go | ngtcp2 |\n"
      "|---|---|---|\n"
      "| **quic-go** | ✓(H,DC)<br>?(S)<br>✕(Z) | ✓(H)<br>✕(DC) |\n"
      "| **picoquic** | - | ✓(DC)<br>✕(H) |\n"
      "\n"
      "✓ succeeded, ? unsupported, ✕ failed (including timeout, crashed and error). **H** = handshake, "
      "**DC** = transfer, **S** = retry, **Z** = zerortt\n";
  EXPECT_EQ(MarkdownMatrix(SampleRun()), want);
}

TEST(MarkdownMatrixTest, VersionsFollowTheLegend) {
  results::RunResults run = SampleRun();
  EXPECT_EQ(MarkdownMatrix(run).find("Built:"), std::string::npos);  // none known: no line
  run.versions = {{"quic-go", "quic-go 0.50.1, go1.23.5"}, {"picoquic", "pico|quic"}};
  EXPECT_NE(MarkdownMatrix(run).find("\nBuilt: **picoquic** pico\\|quic; **quic-go** quic-go 0.50.1, go1.23.5.\n"),
            std::string::npos)
      << MarkdownMatrix(run);
}

TEST(MarkdownMatrixTest, NamesCannotBreakTheTable) {
  results::RunResults run = SampleRun();
  run.clients[1] = "pico|quic\n<b>";
  for (results::CellResult& cell : run.cells) {
    if (cell.client == "picoquic") cell.client = run.clients[1];
  }
  const std::string out = MarkdownMatrix(run);
  EXPECT_NE(out.find("| **pico\\|quic &lt;b&gt;** | - | ✓(DC)<br>✕(H) |\n"), std::string::npos)
      << out;
  EXPECT_EQ(out.find("<b>"), std::string::npos);
}

TEST(MarkdownMatrixTest, AutoUnsupportedHasItsOwnMarkAndLegend) {
  const std::string out = MarkdownMatrix(SampleRunWithAutoUnsupported());
  EXPECT_NE(out.find("| **quic-go** | ✓(H,DC)<br>?(S)<br>‽(Z) | ✓(H)<br>✕(DC) |\n"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("(including timeout, crashed and error). ‽ unsupported by the auto-unsupported rule"),
            std::string::npos)
      << out;
}

TEST(MarkdownMatrixTest, EmptyRun) {
  EXPECT_EQ(MarkdownMatrix(results::RunResults{}),
            "| client \\\\ server |\n|---|\n\n"
            "✓ succeeded, ? unsupported, ✕ failed (including timeout, crashed and error).\n");
}

}  // namespace
}  // namespace qir::report

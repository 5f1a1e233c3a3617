// Tests for TerminalMatrix and the shared cell/width helpers (matrix_cells.h).
#include "report/terminal_matrix.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "report/matrix_cells.h"
#include "report/report_test_util.h"

namespace qir::report {
namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(MatrixCellsTest, DisplayWidth) {
  struct Row {
    const char* name;
    std::string text;
    size_t want;
  };
  const Row rows[] = {
      {.name = "empty", .text = "", .want = 0},
      {.name = "ascii", .text = "quic-go", .want = 7},
      {.name = "marks", .text = "✓(H,DC)", .want = 7},
      {.name = "cross", .text = "✕(Z)", .want = 4},
      {.name = "box", .text = "─┼─", .want = 3},
  };
  for (const Row& row : rows) EXPECT_EQ(DisplayWidth(row.text), row.want) << row.name;
}

TEST(MatrixCellsTest, TruncateColumns) {
  struct Row {
    const char* name;
    std::string text;
    size_t max;
    std::string want;
  };
  const Row rows[] = {
      {.name = "fits", .text = "abc", .max = 3, .want = "abc"},
      {.name = "cut", .text = "abcdef", .max = 4, .want = "abc…"},
      {.name = "cut multibyte", .text = "✓✓✓✓✓", .max = 3, .want = "✓✓…"},
      {.name = "zero", .text = "abc", .max = 0, .want = ""},
      {.name = "one", .text = "abc", .max = 1, .want = "…"},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(TruncateColumns(row.text, row.max), row.want) << row.name;
    EXPECT_LE(DisplayWidth(TruncateColumns(row.text, row.max)), row.max) << row.name;
  }
}

TEST(MatrixCellsTest, GroupsInTestOrderAndMarkOrder) {
  const results::RunResults run = SampleRun();
  const CellIndex index(run);
  std::vector<std::string> got;
  for (const CellGroup& g : index.Groups("quic-go", "quic-go")) got.push_back(GroupText(g));
  EXPECT_EQ(got, (std::vector<std::string>{"✓(H,DC)", "?(S)", "✕(Z)"}));
  EXPECT_TRUE(index.Groups("quic-go", "picoquic").empty());
  EXPECT_EQ(index.Failures().size(), 3u);
  EXPECT_EQ(index.AbbrOf("transfer"), "DC");
  EXPECT_EQ(index.AbbrOf("unlisted"), "unlisted");
  EXPECT_EQ(OneLine("a\nb\033[31mc"), "a b [31mc");
}

TEST(TerminalMatrixTest, PlainGolden) {
  const std::string want =
      "┌──────────┬─────────┬────────┐\n"
      "│          │ quic-go │ ngtcp2 │\n"
      "├──────────┼─────────┼────────┤\n"
      "│ quic-go  │ ✓(H,DC) │ ✓(H)   │\n"
      "│          │ ?(S)    │ ✕(DC)  │\n"
      "│          │ ✕(Z)    │        │\n"
      "├──────────┼─────────┼────────┤\n"
      "│ picoquic │ -       │ ✓(DC)  │\n"
      "│          │         │ ✕(H)   │\n"
      "└──────────┴─────────┴────────┘\n"
      "Legend: H = handshake, DC = transfer, S = retry, Z = zerortt\n"
      "✕ quic-go × quic-go  zerortt: no 0-RTT packets in the client trace\n"
      "✕ ngtcp2 × quic-go  transfer (timeout): deadline of 60 s passed\n"
      "✕ ngtcp2 × picoquic  handshake (error): netns setup failed\n";
  EXPECT_EQ(TerminalMatrix(SampleRun(), false), want);
}

TEST(TerminalMatrixTest, TableLinesHaveEqualWidth) {
  for (bool long_names : {false, true}) {
    results::RunResults run = SampleRun();
    if (long_names) {
      for (results::CellResult& cell : run.cells) {
        if (cell.server == "ngtcp2") cell.server = "x✓✓✓✓✓✓✓✓✓✓✓";
      }
      run.servers[1] = "x✓✓✓✓✓✓✓✓✓✓✓";
    }
    const std::vector<std::string> lines = Lines(TerminalMatrix(run, false));
    for (size_t i = 1; i < 10; ++i) {
      EXPECT_EQ(DisplayWidth(lines[i]), DisplayWidth(lines[0])) << "line " << i << ": " << lines[i];
    }
  }
}

TEST(TerminalMatrixTest, ColourOnlyWhenAsked) {
  const std::string plain = TerminalMatrix(SampleRun(), false);
  const std::string colour = TerminalMatrix(SampleRun(), true);
  EXPECT_EQ(plain.find('\033'), std::string::npos);
  EXPECT_NE(colour.find("\033[32m✓(H,DC)\033[0m"), std::string::npos);
  EXPECT_NE(colour.find("\033[90m?(S)\033[0m"), std::string::npos);
  EXPECT_NE(colour.find("\033[31m✕(Z)\033[0m"), std::string::npos);
  EXPECT_NE(colour.find("\033[31m✕\033[0m ngtcp2 × picoquic"), std::string::npos);
  // Padding is computed on the visible text, so the uncoloured layout is unchanged.
  std::string stripped = colour;
  for (const char* code : {"\033[32m", "\033[90m", "\033[31m", "\033[0m"}) {
    for (size_t pos; (pos = stripped.find(code)) != std::string::npos;) {
      stripped.erase(pos, std::string(code).size());
    }
  }
  EXPECT_EQ(stripped, plain);
}

TEST(TerminalMatrixTest, ReasonsAreOneLineAndTruncated) {
  results::RunResults run = SampleRun();
  run.cells[0].reason = "line one\nline two\033[2J" + std::string(400, 'x');
  const std::vector<std::string> lines = Lines(TerminalMatrix(run, false));
  const std::string& line = lines[11];
  ASSERT_EQ(line.rfind("✕ quic-go × quic-go  zerortt: line one line two [2J", 0), 0u) << line;
  const std::string prefix = "✕ quic-go × quic-go  zerortt: ";
  EXPECT_EQ(DisplayWidth(line) - DisplayWidth(prefix), kMaxReasonColumns);
  EXPECT_EQ(line.substr(line.size() - std::string("…").size()), "…");
}

TEST(TerminalMatrixTest, NoFailureLinesWhenAllPass) {
  results::RunResults run = SampleRun();
  for (results::CellResult& cell : run.cells) cell.outcome = results::Outcome::kSucceeded;
  const std::string out = TerminalMatrix(run, false);
  EXPECT_EQ(out.find("✕"), std::string::npos);
  EXPECT_EQ(Lines(out).size(), 8u);  // 7 table lines (one line per row) + legend
}

TEST(TerminalMatrixTest, AutoUnsupportedHasItsOwnMarkLegendAndLine) {
  const std::string out = TerminalMatrix(SampleRunWithAutoUnsupported(), false);
  EXPECT_NE(out.find("│ quic-go  │ ✓(H,DC) │"), std::string::npos) << out;
  EXPECT_NE(out.find("│          │ ?(S)    │ ✕(DC)  │\n│          │ ‽(Z)    │"), std::string::npos)
      << out;
  EXPECT_NE(out.find("\n‽ unsupported by the auto-unsupported rule"), std::string::npos) << out;
  EXPECT_NE(out.find("\n‽ quic-go × quic-go  zerortt (was failed): auto-unsupported: client "
                     "quic-go did not succeed against any server; was failed: no 0-RTT"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("✕ quic-go × quic-go"), std::string::npos);
  EXPECT_NE(TerminalMatrix(SampleRunWithAutoUnsupported(), true).find("\033[33m‽(Z)\033[0m"),
            std::string::npos);
  // Without rewritten cells there is no legend line for it.
  EXPECT_EQ(TerminalMatrix(SampleRun(), false).find("‽"), std::string::npos);
}

TEST(TerminalMatrixTest, EmptyRunDoesNotCrash) {
  const results::RunResults empty;
  EXPECT_EQ(TerminalMatrix(empty, true), "┌──┐\n│  │\n└──┘\nLegend:\n");
  results::RunResults no_clients = SampleRun();
  no_clients.clients.clear();
  EXPECT_EQ(Lines(TerminalMatrix(no_clients, false)).size(), 4u);
}

}  // namespace
}  // namespace qir::report

namespace qir::report {
namespace {

TEST(TerminalMatrixTest, FlakyCellsHaveTheirOwnMarkAndLegend) {
  results::RunResults run = SampleRun();
  const std::string before = TerminalMatrix(run, false);
  EXPECT_EQ(before.find("~("), std::string::npos);  // no retries, no ~
  results::CellResult& h = run.cells[1];  // quic-go × quic-go handshake, succeeded
  h.attempts = 2;
  h.earlier_attempts = {"timeout: client did not finish within 60 s"};
  const std::string after = TerminalMatrix(run, false);
  EXPECT_NE(after.find("✓(DC)"), std::string::npos) << after;
  EXPECT_NE(after.find("~(H)"), std::string::npos) << after;
  EXPECT_NE(after.find("~ succeeded on a retry"), std::string::npos) << after;
}

}  // namespace
}  // namespace qir::report

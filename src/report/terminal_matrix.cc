// Renders the interop matrix for a terminal: box-drawing table (servers as columns, clients as
// rows), ✓/?/✕ groups of test abbreviations per cell, a legend, and the failure reasons.
// Follows the reference's printed matrix (interop-runner-facts.md §3 "Run algorithm" step 9).
#include "report/terminal_matrix.h"

#include <algorithm>
#include <optional>
#include <vector>

#include "report/matrix_cells.h"

namespace qir::report {
namespace {

constexpr const char* kReset = "\033[0m";

const char* ColorOf(Mark mark) {
  switch (mark) {
    case Mark::kSucceeded:
      return "\033[32m";  // green
    case Mark::kFlaky:
      return "\033[92m";  // bright green
    case Mark::kUnsupported:
      return "\033[90m";  // bright black = grey
    case Mark::kAutoUnsupported:
      return "\033[33m";  // yellow
    case Mark::kFailed:
      return "\033[31m";  // red
  }
  return "";
}

/// One line inside a table cell; `mark` decides its colour, none for names.
struct Line {
  std::string text;
  std::optional<Mark> mark;
};
using Cell = std::vector<Line>;  // one to three lines
using Row = std::vector<Cell>;   // first cell: client name (blank in the header)

Row HeaderRow(const results::RunResults& run) {
  Row row = {Cell{Line{"", std::nullopt}}};
  for (const std::string& server : run.servers) row.push_back(Cell{Line{OneLine(server), {}}});
  return row;
}

Row ClientRow(const CellIndex& index, const results::RunResults& run, const std::string& client) {
  Row row = {Cell{Line{OneLine(client), std::nullopt}}};
  for (const std::string& server : run.servers) {
    Cell cell;
    for (const CellGroup& group : index.Groups(server, client)) {
      cell.push_back(Line{GroupText(group), group.mark});
    }
    if (cell.empty()) cell.push_back(Line{"-", std::nullopt});
    row.push_back(std::move(cell));
  }
  return row;
}

std::vector<size_t> ColumnWidths(const std::vector<Row>& rows) {
  std::vector<size_t> widths(rows.front().size(), 0);
  for (const Row& row : rows) {
    for (size_t col = 0; col < row.size(); ++col) {
      for (const Line& line : row[col]) {
        widths[col] = std::max(widths[col], DisplayWidth(line.text));
      }
    }
  }
  return widths;
}

/// A horizontal rule such as "├────┼────┤".
std::string Rule(const char* left, const char* mid, const char* right,
                 const std::vector<size_t>& widths) {
  std::string out = left;
  for (size_t col = 0; col < widths.size(); ++col) {
    if (col > 0) out += mid;
    for (size_t i = 0; i < widths[col] + 2; ++i) out += "─";
  }
  return out + right + "\n";
}

std::string RenderRow(const Row& row, const std::vector<size_t>& widths, bool color) {
  size_t height = 0;
  for (const Cell& cell : row) height = std::max(height, cell.size());
  std::string out;
  for (size_t i = 0; i < height; ++i) {
    out += "│";
    for (size_t col = 0; col < row.size(); ++col) {
      const Line line = i < row[col].size() ? row[col][i] : Line{};
      const bool paint = color && line.mark.has_value();
      out += " ";
      out += paint ? ColorOf(*line.mark) + line.text + kReset : line.text;
      out += std::string(widths[col] - DisplayWidth(line.text) + 1, ' ');
      out += "│";
    }
    out += "\n";
  }
  return out;
}

std::string Table(const results::RunResults& run, const CellIndex& index, bool color) {
  std::vector<Row> rows = {HeaderRow(run)};
  for (const std::string& client : run.clients) rows.push_back(ClientRow(index, run, client));
  const std::vector<size_t> widths = ColumnWidths(rows);
  std::string out = Rule("┌", "┬", "┐", widths);
  for (size_t r = 0; r < rows.size(); ++r) {
    if (r > 0) out += Rule("├", "┼", "┤", widths);
    out += RenderRow(rows[r], widths, color);
  }
  return out + Rule("└", "┴", "┘", widths);
}

std::string Legend(const results::RunResults& run, const CellIndex& index) {
  std::string out = "Legend:";
  const char* sep = " ";
  for (const results::TestInfo& test : run.tests) {
    out += sep + OneLine(test.abbr) + " = " + OneLine(test.name);
    sep = ", ";
  }
  out += "\n";
  if (!index.Flaky().empty()) out += std::string("~ ") + FlakyLegend() + "\n";
  if (!index.AutoUnsupported().empty()) out += std::string("‽ ") + AutoUnsupportedLegend() + "\n";
  return out;
}

/// "✕ server × client  test: reason", with the outcome named when it is not a plain failure;
/// "‽ ... test (was failed): reason" for a cell the auto-unsupported rule rewrote.
std::string FailureLine(const results::CellResult& cell, bool color) {
  const Mark cell_mark = MarkOf(cell);
  std::string mark = MarkSymbol(cell_mark);
  if (color) mark = ColorOf(cell_mark) + mark + kReset;
  std::string test = OneLine(cell.test);
  if (cell.original_outcome) {
    test += std::string(" (was ") + results::OutcomeName(*cell.original_outcome) + ")";
  } else if (cell.outcome != results::Outcome::kFailed) {
    test += std::string(" (") + results::OutcomeName(cell.outcome) + ")";
  }
  const std::string reason = cell.reason.empty() ? "no reason given" : OneLine(cell.reason);
  return mark + " " + OneLine(cell.server) + " × " + OneLine(cell.client) + "  " + test + ": " +
         TruncateColumns(reason, kMaxReasonColumns) + "\n";
}

}  // namespace

std::string TerminalMatrix(const results::RunResults& run, bool color) {
  const CellIndex index(run);
  std::string out = Table(run, index, color);
  out += Legend(run, index);
  for (const results::CellResult* cell : index.Failures()) out += FailureLine(*cell, color);
  for (const results::CellResult* cell : index.AutoUnsupported()) out += FailureLine(*cell, color);
  for (const auto& [endpoint, reason] : run.noncompliant) {
    out += "- " + OneLine(endpoint) +
           " skipped, not compliant: " + TruncateColumns(OneLine(reason), 160) + "\n";
  }
  return out;
}

}  // namespace qir::report

// Cell grouping and UTF-8 width helpers shared by the matrix reporters. The grouping follows the
// reference's printed matrix (interop-runner-facts.md §3 "Run algorithm" step 9): per cell the
// test abbreviations under ✓ succeeded, ? unsupported and ✕ failed.
#include "report/matrix_cells.h"

namespace qir::report {
namespace {

std::string Key(const std::string& server, const std::string& client, const std::string& test) {
  std::string key = server;
  key += '\0';
  key += client;
  key += '\0';
  key += test;
  return key;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

Mark MarkOf(results::Outcome outcome) {
  switch (outcome) {
    case results::Outcome::kSucceeded:
      return Mark::kSucceeded;
    case results::Outcome::kUnsupported:
      return Mark::kUnsupported;
    case results::Outcome::kFailed:
    case results::Outcome::kTimeout:
    case results::Outcome::kError:
    case results::Outcome::kCrashed:
      return Mark::kFailed;
  }
  return Mark::kFailed;
}

Mark MarkOf(const results::CellResult& cell) {
  if (cell.AutoUnsupported()) return Mark::kAutoUnsupported;
  return cell.Flaky() ? Mark::kFlaky : MarkOf(cell.outcome);
}

const char* MarkSymbol(Mark mark) {
  switch (mark) {
    case Mark::kSucceeded:
      return "✓";
    case Mark::kFlaky:
      return "~";  // passed, but not the first time
    case Mark::kUnsupported:
      return "?";
    case Mark::kAutoUnsupported:
      return "‽";  // an unsupported that was a failure
    case Mark::kFailed:
      return "✕";
  }
  return "✕";
}

const char* FlakyLegend() {
  return "succeeded on a retry after failing (flaky; every attempt's reason is kept)";
}

const char* AutoUnsupportedLegend() {
  return "unsupported by the auto-unsupported rule (the endpoint succeeded at the test against "
         "no peer; its cells failed, the original verdict is kept in the reason)";
}

std::string GroupText(const CellGroup& group) {
  std::string text = std::string(MarkSymbol(group.mark)) + "(";
  for (size_t i = 0; i < group.abbrs.size(); ++i) {
    if (i > 0) text += ',';
    text += group.abbrs[i];
  }
  return text + ")";
}

CellIndex::CellIndex(const results::RunResults& run) : run_(run) {
  for (const results::CellResult& cell : run.cells) {
    cells_.emplace(Key(cell.server, cell.client, cell.test), &cell);  // first one wins, as Find
  }
  for (const results::TestInfo& test : run.tests) abbrs_.emplace(test.name, test.abbr);
}

const results::CellResult* CellIndex::Find(const std::string& server, const std::string& client,
                                           const std::string& test) const {
  auto it = cells_.find(Key(server, client, test));
  return it == cells_.end() ? nullptr : it->second;
}

std::vector<CellGroup> CellIndex::Groups(const std::string& server,
                                         const std::string& client) const {
  CellGroup by_mark[kMarkCount];
  for (int m = 0; m < kMarkCount; ++m) by_mark[m].mark = static_cast<Mark>(m);
  for (const results::TestInfo& test : run_.tests) {
    const results::CellResult* cell = Find(server, client, test.name);
    if (cell != nullptr) by_mark[static_cast<int>(MarkOf(*cell))].abbrs.push_back(test.abbr);
  }
  std::vector<CellGroup> groups;
  for (CellGroup& group : by_mark) {
    if (!group.abbrs.empty()) groups.push_back(std::move(group));
  }
  return groups;
}

std::vector<const results::CellResult*> CellIndex::Failures() const {
  return CellsWith(Mark::kFailed);
}

std::vector<const results::CellResult*> CellIndex::Flaky() const { return CellsWith(Mark::kFlaky); }

std::vector<const results::CellResult*> CellIndex::AutoUnsupported() const {
  return CellsWith(Mark::kAutoUnsupported);
}

std::vector<const results::CellResult*> CellIndex::CellsWith(Mark mark) const {
  std::vector<const results::CellResult*> out;
  for (const std::string& client : run_.clients) {
    for (const std::string& server : run_.servers) {
      for (const results::TestInfo& test : run_.tests) {
        const results::CellResult* cell = Find(server, client, test.name);
        if (cell != nullptr && MarkOf(*cell) == mark) out.push_back(cell);
      }
    }
  }
  return out;
}

std::string CellIndex::AbbrOf(const std::string& test) const {
  auto it = abbrs_.find(test);
  return it == abbrs_.end() ? test : it->second;
}

size_t DisplayWidth(std::string_view text) {
  size_t width = 0;
  for (char c : text) {
    if (!IsContinuationByte(c)) ++width;
  }
  return width;
}

std::string TruncateColumns(std::string_view text, size_t max_columns) {
  if (DisplayWidth(text) <= max_columns) return std::string(text);
  if (max_columns == 0) return "";
  // Keep max_columns - 1 code points, then the one-column ellipsis.
  size_t kept = 0;
  size_t end = 0;
  while (end < text.size()) {
    if (!IsContinuationByte(text[end]) && kept++ == max_columns - 1) break;
    ++end;
  }
  return std::string(text.substr(0, end)) + "…";
}

std::string OneLine(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7F) c = ' ';
  }
  return out;
}

}  // namespace qir::report

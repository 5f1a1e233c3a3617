// Shared by the matrix reporters (terminal, Markdown): a cell's tests grouped by the reference's
// three statuses, the abbreviation look-up, and display-width helpers for UTF-8 text.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "results/results.h"

namespace qir::report {

/// The reference's three marks (timeout and error count as failed, facts §3 "Result statuses"),
/// plus qir's mark for cells the auto-unsupported rule rewrote, so the rule hides no failure.
/// In print order.
enum class Mark {
  kSucceeded,        ///< ✓, green
  kFlaky,            ///< ~, green-yellow: succeeded on a retry after failing (--retries)
  kUnsupported,      ///< ?, grey: an endpoint exited 127
  kAutoUnsupported,  ///< ‽, yellow: unsupported by the auto-unsupported rule; was ✕
  kFailed,           ///< ✕, red (failed, timeout, error)
};
inline constexpr int kMarkCount = 5;

/// The mark an outcome is shown with (never kAutoUnsupported: that needs the cell).
Mark MarkOf(results::Outcome outcome);
/// The mark a cell is shown with.
Mark MarkOf(const results::CellResult& cell);
/// "✓", "~", "?", "‽" or "✕".
const char* MarkSymbol(Mark mark);
/// What ~ means, for legends (without the symbol).
const char* FlakyLegend();
/// What ‽ means, for legends (without the symbol): "unsupported by the auto-unsupported
/// rule (...)".
const char* AutoUnsupportedLegend();

/// One status group of a cell, e.g. ✓ with {"H", "DC"}.
struct CellGroup {
  Mark mark = Mark::kFailed;
  std::vector<std::string> abbrs;  ///< in test order; never empty
};

/// "✓(H,DC)".
std::string GroupText(const CellGroup& group);

/// Constant-time cell look-up over a RunResults, which must outlive the index.
class CellIndex {
 public:
  explicit CellIndex(const results::RunResults& run);

  /// The cell for (server, client, test), or nullptr when it was not run.
  const results::CellResult* Find(const std::string& server, const std::string& client,
                                  const std::string& test) const;
  /// The non-empty groups of (server, client) in print order ✓, ?, ‽, ✕; empty when nothing ran.
  /// Only tests listed in RunResults::tests are shown, in that order.
  std::vector<CellGroup> Groups(const std::string& server, const std::string& client) const;
  /// The failed cells (Mark::kFailed) in matrix order: clients, then servers, then tests.
  std::vector<const results::CellResult*> Failures() const;
  /// The cells that succeeded only on a retry, in the same order.
  std::vector<const results::CellResult*> Flaky() const;
  /// The cells the auto-unsupported rule rewrote, in the same order.
  std::vector<const results::CellResult*> AutoUnsupported() const;
  /// The abbreviation of a test name; the name itself when the test is not listed.
  std::string AbbrOf(const std::string& test) const;

 private:
  std::vector<const results::CellResult*> CellsWith(Mark mark) const;

  const results::RunResults& run_;
  std::unordered_map<std::string, const results::CellResult*> cells_;  ///< key: Key(s, c, t)
  std::unordered_map<std::string, std::string> abbrs_;                 ///< test name → abbr
};

/// Width of UTF-8 text in terminal columns: one per code point (✓ ✕ and Latin text are narrow;
/// East Asian wide characters are not special-cased).
size_t DisplayWidth(std::string_view text);
/// `text` cut to at most `max_columns` columns, ending in "…" when it was cut.
std::string TruncateColumns(std::string_view text, size_t max_columns);
/// `text` on one line: control characters (newlines, ESC of foreign ANSI codes) become spaces.
std::string OneLine(std::string_view text);

}  // namespace qir::report

// The difference between two runs for pull-request CI (neqo posts "newly failing / newly
// passing" in a comment): cells whose verdict changed, and implementations or tests only one
// run has. A cell the auto-unsupported rule rewrote counts as the failure it was, so the rule
// cannot hide a regression.
#pragma once

#include <string>
#include <vector>

#include "report/matrix_cells.h"
#include "results/results.h"

namespace qir::report {

/// How a cell present in both runs changed; verdicts compared as marks (✓ ? ‽ ✕), ‽ taken as ✕.
enum class ChangeKind {
  kNewlyFailing,     ///< ✓ → ✕ or ‽: a regression
  kNewlyPassing,     ///< ✕ or ‽ → ✓
  kToUnsupported,    ///< ✓, ✕ or ‽ → ? (an endpoint now exits 127)
  kFromUnsupported,  ///< ? → ✓, ✕ or ‽
};

/// One changed cell.
struct CellChange {
  ChangeKind kind = ChangeKind::kNewlyFailing;
  std::string server, client, test;
  Mark before = Mark::kFailed;
  Mark after = Mark::kFailed;
  std::string reason;  ///< the new run's reason
};

/// Names only one run has.
struct NameChanges {
  std::vector<std::string> added;    ///< in NEW only, in NEW's order
  std::vector<std::string> removed;  ///< in BASE only, in BASE's order
};

/// BASE → NEW.
struct RunDiff {
  std::vector<CellChange> changes;  ///< in NEW's matrix order (clients, servers, tests)
  NameChanges servers, clients, tests;
  /// Cells in only one run whose server, client and test both runs have (e.g. a pair skipped as
  /// not compliant in one of them): "server × client test".
  std::vector<std::string> cells_added, cells_removed;
  int unchanged = 0;  ///< cells in both runs with the same mark (‽ and ✕ count as the same)

  /// The changes of one kind, in order.
  std::vector<const CellChange*> Of(ChangeKind kind) const;
  /// True when some cell is newly failing (the exit status of `qir diff`).
  bool Regressed() const;
};

RunDiff DiffRuns(const results::RunResults& base, const results::RunResults& next);

/// Plain text for a terminal: a summary line, then one section per non-empty kind.
std::string DiffText(const RunDiff& diff);
/// GitHub-flavoured Markdown for a pull-request comment: a heading with the summary, one table
/// per non-empty kind.
std::string DiffMarkdown(const RunDiff& diff);

}  // namespace qir::report

// The reference's auto-unsupported post-processing (its PR #388): with more
// than one server, a client that did not succeed at a test against ANY server
// is taken not to support it, and its cells of that test become unsupported;
// symmetrically for servers. The original outcome and reason stay in the
// reason text, so the rewrite hides nothing a reader of the logs needs.
#pragma once

#include <set>
#include <string>

#include "results/results.h"

namespace qir::runner {

/// Rewrites `run` in place; implementations in `exempt` are left alone.
/// Returns the number of cells changed.
int ApplyAutoUnsupported(results::RunResults* run, const std::set<std::string>& exempt);

/// The inverse for one cell: its original outcome and reason back (a resumed run decides
/// again once all its cells are in). Cells the rule did not rewrite are left alone.
void UndoAutoUnsupported(results::CellResult* cell);

}  // namespace qir::runner

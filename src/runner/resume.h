// Resuming an interrupted run (`qir run --resume LOGDIR`): which of the planned cells already
// have a result in LOGDIR/result.json (kept as they are) and which must run (again, from
// scratch). result.json is rewritten atomically after every cell, so what it holds finished.
#pragma once

#include <vector>

#include "plan/plan.h"
#include "results/results.h"

namespace qir::runner {

/// Where a resumed run starts.
struct ResumePoint {
  /// The earlier results, kept: planned cells and measurements only, the first result of
  /// each, with the auto-unsupported rewrite undone (the rule is applied again once every
  /// cell is in).
  results::RunResults earlier;
  /// Planned cells without a result, in plan order. Includes cells recorded as "interrupted"
  /// errors (stopped by Ctrl-C, not finished).
  std::vector<plan::CellKey> remaining;
};

/// Splits `planned` against `earlier` (a previous attempt's result.json, or an empty run).
ResumePoint PrepareResume(const std::vector<plan::CellKey>& planned, results::RunResults earlier);

/// True for the result RunCell gives a cell it stopped because of an interrupt.
bool StoppedByInterrupt(const results::CellResult& cell);
/// True for a measurement whose series an interrupt cut short ("repetition 3: interrupted").
bool StoppedByInterrupt(const results::MeasurementResult& m);

}  // namespace qir::runner

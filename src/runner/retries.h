// --retries N: a cell that failed (failed, timeout, error) runs again, up to N more
// times, each time from scratch — fresh namespaces, files, certificates and a new
// cell seed — so a loss pattern that hit it once does not hit it again the same way.
// A cell that then succeeds is flaky: reported as succeeded, with its own mark and
// every earlier attempt's reason. Crashes are not retried: a crash is a finding.
// Earlier attempts keep their logs beside the final one, in `<test>.attempt-<k>`.
#pragma once

#include <atomic>

#include "results/results.h"
#include "runner/cell.h"

namespace qir::runner {

/// Whether an outcome is worth another attempt.
bool Retryable(results::Outcome outcome);

/// The seed of attempt `attempt` (1 = the cell's own seed).
uint64_t AttemptSeed(uint64_t cell_seed, int attempt);

/// Runs the cell, and again while it fails and attempts remain.
results::CellResult RunCellWithRetries(const CellSpec& spec, int retries, const std::atomic<bool>& interrupted);

}  // namespace qir::runner

// Clean-up of what an earlier qir run left when it was killed (kill -9, power
// loss): namespaces named qir-<pid>-... whose qir process is gone, the
// processes still inside them, and its scratch folder. Only qir's own prefix is
// ever touched.
#pragma once

#include <string>

#include "util/result.h"

namespace qir::runner {

/// What was cleaned.
struct StaleCleanup {
  int namespaces = 0;  ///< namespaces deleted
  int processes = 0;   ///< processes killed inside them
  int folders = 0;     ///< scratch folders removed
};

/// Removes stale state of dead qir runs; `scratch_root` holds qir-run-<pid> folders.
StaleCleanup CleanStaleState(const std::string& scratch_root);

/// Run id of this process: its PID, which stale-state detection relies on.
std::string RunId();

/// Marks this process as a live qir run for as long as it lives: an exclusive
/// flock on /run/qir/run-<pid>.lock, which the kernel releases when the process
/// dies however it dies (kill -9 included). Call once at the start of a run.
Status HoldRunLock();

/// True when `pid` is a live qir run: its run lock is held, or (for runs that
/// hold none) it is a live process named "qir".
bool IsLiveQir(long pid);

}  // namespace qir::runner

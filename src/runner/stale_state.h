// Clean-up of what an earlier qir run left when it was killed (kill -9, power
// loss): namespaces named qir-<pid>-... whose qir process is gone, the
// processes still inside them, and its scratch folder. Only qir's own prefix is
// ever touched.
#pragma once

#include <string>

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

/// True when `pid` is a live qir process.
bool IsLiveQir(long pid);

}  // namespace qir::runner

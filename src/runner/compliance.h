// The reference's compliance check: before its cells run, each implementation
// is started once per role with a TESTCASE nobody knows; a compliant endpoint
// exits 127 ("unsupported"). Pairs with a non-compliant endpoint are skipped,
// because their 127s (and so their "unsupported" cells) could not be trusted.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "runner/implementations.h"
#include "util/result.h"

namespace qir::runner {

/// The outcome of one compliance probe.
struct Compliance {
  bool compliant = false;
  std::string reason;  ///< why not, e.g. "exit 0 for TESTCASE=zq-unknown"; empty when compliant
};

/// Runs `impl` as `role` ("server" or "client") with an unknown TESTCASE in a
/// throw-away namespace named `<netns_prefix>-k`. It must exit 127 within 10 s.
/// Its stdout and stderr go to `log_path`.
Compliance CheckCompliance(const Implementation& impl, const std::string& role, const std::string& work_dir,
                           const std::string& netns_prefix, const std::string& qir_binary,
                           const std::string& log_path);

/// Compliance results cached per (implementation, role) for a run; thread-safe.
class ComplianceCache {
 public:
  /// The cached result, computing it (once) with CheckCompliance when missing; the
  /// probe's output is kept as `<log_dir>/<name>_<role>.log`.
  Compliance Get(const Implementation& impl, const std::string& role, const std::string& work_dir,
                 const std::string& netns_prefix, const std::string& qir_binary, const std::string& log_dir);
  /// "name (role)" → reason for every non-compliant one seen so far.
  std::map<std::string, std::string> NonCompliant() const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, Compliance> done_;  ///< key "name (role)"
  std::map<std::string, std::unique_ptr<std::mutex>> busy_;  ///< one probe per key at a time
};

}  // namespace qir::runner

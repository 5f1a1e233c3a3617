// Crash detection: an endpoint that died of a signal qir did not send (SIGSEGV,
// SIGABRT, ...), or whose output carries a sanitizer report, a Rust or Go panic or
// a backtrace, crashed — whatever the test's checks say. Implementers gate their CI
// on exactly this (neqo greps every output.txt for a Rust backtrace).
#pragma once

#include <optional>
#include <string>

#include "util/subprocess.h"

namespace qir::runner {

/// How an endpoint ended, as the cell saw it.
struct EndpointEnding {
  util::ExitInfo exit;
  bool stopped_by_qir = false;  ///< qir sent SIGTERM (then SIGKILL) to stop it
};

/// The crash's one-line reason ("server killed by SIGSEGV", "client: thread 'main'
/// panicked at src/x.rs:3:5: ..."), or nullopt when nothing points at a crash. `role`
/// names the endpoint; `output_path` is its stdout+stderr.
std::optional<std::string> CrashReason(const std::string& role, const EndpointEnding& ending,
                                       const std::string& output_path);

/// The first line of `text` that starts a crash report, or nullopt. Exposed for tests.
std::optional<std::string> FirstCrashLine(const std::string& text);

}  // namespace qir::runner

// Crash detection (crash_detection.h).
#include "runner/crash_detection.h"

#include <signal.h>
#include <string.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "util/temp_file.h"

namespace qir::runner {
namespace {

/// Signals that mean a program failed by itself rather than being told to stop.
bool IsCrashSignal(int sig) {
  return sig == SIGSEGV || sig == SIGABRT || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGSYS ||
         sig == SIGTRAP;
}

/// Markers that open a crash report, and where they must stand: at the line's start,
/// or anywhere in it.
struct Marker {
  std::string_view text;
  bool anywhere;
  bool needs_goroutines = false;  ///< Go: only with the goroutine dump that follows a real panic
};
constexpr std::array<Marker, 11> kMarkers = {{
    {"ERROR: AddressSanitizer", true},
    {"ERROR: LeakSanitizer", true},
    {"WARNING: ThreadSanitizer", true},
    {"ERROR: MemorySanitizer", true},
    {": runtime error: ", true},  // UndefinedBehaviorSanitizer: file.cc:12:3: runtime error: ...
    {"' panicked at ", true},     // Rust: thread 'main' panicked at src/main.rs:3:5
    {"stack backtrace:", false},  // Rust with RUST_BACKTRACE
    {"panic: ", false, true},        // Go
    {"fatal error: ", false, true},  // Go runtime (concurrent map writes, out of memory)
    {"Segmentation fault", true}, // a shell reporting its child
    {"Aborted (core dumped)", true},
}};

constexpr size_t kMaxReason = 200;

}  // namespace

std::optional<std::string> FirstCrashLine(const std::string& text) {
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    for (const Marker& m : kMarkers) {
      const size_t at = line.find(m.text);
      if (at == std::string::npos || (!m.anywhere && at != 0)) continue;
      if (m.needs_goroutines && text.find("goroutine ", std::min(start, text.size())) == std::string::npos) continue;
      if (line.size() > kMaxReason) line = line.substr(0, kMaxReason) + "…";
      return line;
    }
  }
  return std::nullopt;
}

std::optional<std::string> CrashReason(const std::string& role, const EndpointEnding& ending,
                                       const std::string& output_path) {
  const util::ExitInfo& exit = ending.exit;
  const bool our_signal = ending.stopped_by_qir && (exit.signal == SIGTERM || exit.signal == SIGKILL);
  if (exit.signal != 0 && !our_signal && (IsCrashSignal(exit.signal) || !ending.stopped_by_qir)) {
    return role + " " + exit.Describe();
  }
  // A shell entrypoint passes its child's death on as 128 + the signal.
  if (exit.code > 128 && IsCrashSignal(exit.code - 128)) {
    return role + " " + exit.Describe() + " (128 + SIG" + sigabbrev_np(exit.code - 128) + ": its program crashed)";
  }
  if (std::optional<std::string> line = FirstCrashLine(util::ReadFileText(output_path).value_or("")))
    return role + ": " + *line;
  return std::nullopt;
}

}  // namespace qir::runner

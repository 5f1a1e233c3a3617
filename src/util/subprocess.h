// Child processes with deadlines: qir starts endpoints, the simulator and
// iproute2 through this one seam, and only ever signals processes it started
// (by PID / its own process group).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "util/result.h"

namespace qir::util {

/// How a process ended.
struct ExitInfo {
  int code = -1;    ///< exit code when it exited; -1 when killed by a signal
  int signal = 0;   ///< terminating signal; 0 when it exited
  /// User + system CPU seconds of the child and of every descendant it waited for (wait4's
  /// rusage); 0 until reaped.
  double cpu_s = 0;
  /// "exit 0", "exit 127", "killed by SIGKILL".
  std::string Describe() const;
  bool Succeeded() const { return code == 0; }
};

/// What to start and where its output goes.
struct SpawnOptions {
  std::vector<std::string> argv;  ///< argv[0] is looked up in PATH when it has no '/'
  std::vector<std::string> env;   ///< extra "KEY=value" entries on top of the inherited environment
  bool inherit_env = true;        ///< false: `env` is the whole environment (image endpoints)
  std::string stdout_path;        ///< file to append stdout to; empty = /dev/null
  std::string stderr_path;        ///< file to append stderr to; empty = same as stdout
  bool new_process_group = true;  ///< child leads its own group so KillGroup reaches its children
};

/// A started child. Move-only: the PID must be reaped exactly once. The
/// destructor kills the group and reaps it if nobody waited, so no child outlives
/// its owner by accident.
class Child {
 public:
  Child() = default;
  explicit Child(pid_t pid, bool group) : pid_(pid), group_(group) {}
  ~Child();
  Child(Child&& other) noexcept;
  Child& operator=(Child&& other) noexcept;
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running() const { return pid_ > 0 && !reaped_; }

  /// Waits until the child exits or `timeout` passes (Error::kTimeout; the child keeps running).
  Result<ExitInfo> Wait(std::chrono::milliseconds timeout);
  /// Non-blocking: the exit info if it has ended, kTimeout if still running.
  Result<ExitInfo> Poll() { return Wait(std::chrono::milliseconds(0)); }
  /// SIGTERM to the group, up to `grace` for it to end, then SIGKILL; reaps the child.
  ExitInfo Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
  /// Sends `sig` to the child's process group (or the child alone when it has none).
  void Signal(int sig) const;
  /// The exit info once reaped.
  const ExitInfo& exit_info() const { return exit_; }

 private:
  pid_t pid_ = -1;
  bool group_ = false;
  bool reaped_ = false;
  ExitInfo exit_;
};

/// Hands `child` to a detached thread that waits for it to end (killing its group after
/// `patience`), so a caller that no longer needs it does not wait for its exit.
void ReapInBackground(Child child, std::chrono::milliseconds patience = std::chrono::seconds(10));

/// Starts a child process as described.
Result<Child> Spawn(const SpawnOptions& options);

/// Output and exit of a short command.
struct CommandResult {
  ExitInfo exit;
  std::string output;  ///< stdout and stderr interleaved
};

/// Runs a short command to completion (e.g. `ip ...`), capturing its output.
/// Returns kTimeout (after killing it) when it runs longer than `timeout`.
Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// Like RunCommand, but a non-zero exit is an error whose message carries the command and its output.
Status RunChecked(const std::vector<std::string>& argv,
                  std::chrono::milliseconds timeout = std::chrono::seconds(30));

/// Joins argv for messages: `ip netns add qir-1`.
std::string JoinArgv(const std::vector<std::string>& argv);

}  // namespace qir::util

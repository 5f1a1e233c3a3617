// Child processes via posix_spawn (safe in qir's multi-threaded runner: no code
// runs between fork and exec) and pidfd-based waiting with deadlines.
#include "util/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

#include "util/temp_file.h"

extern char** environ;

namespace qir::util {
namespace {

ErrorInfo Errno(const std::string& call, const std::string& arg = {}) {
  return Fail(Error::kIo, call + ": " + std::strerror(errno), arg);
}

ExitInfo FromWaitStatus(int status, const rusage& usage) {
  ExitInfo info;
  info.cpu_s = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  if (WIFEXITED(status)) {
    info.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    info.signal = WTERMSIG(status);
  }
  return info;
}

/// Merges `extra` ("K=V") over the inherited environment; extra wins.
std::vector<std::string> BuildEnv(const std::vector<std::string>& extra, bool inherit) {
  std::vector<std::string> env;
  for (char** e = environ; inherit && *e != nullptr; ++e) {
    std::string entry(*e);
    std::string key = entry.substr(0, entry.find('='));
    bool overridden = false;
    for (const std::string& x : extra) {
      if (x.substr(0, x.find('=')) == key) overridden = true;
    }
    if (!overridden) env.push_back(entry);
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string ExitInfo::Describe() const {
  if (signal != 0) {
    const char* name = sigabbrev_np(signal);
    return std::string("killed by SIG") + (name != nullptr ? name : std::to_string(signal));
  }
  return "exit " + std::to_string(code);
}

std::string JoinArgv(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& a : argv) {
    if (!out.empty()) out += ' ';
    out += a.find_first_of(" \t\"'") == std::string::npos ? a : "'" + a + "'";
  }
  return out;
}

Result<Child> Spawn(const SpawnOptions& options) {
  if (options.argv.empty()) return Fail(Error::kInternal, "Spawn: empty argv");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  const std::string out = options.stdout_path.empty() ? "/dev/null" : options.stdout_path;
  const std::string err = options.stderr_path.empty() ? out : options.stderr_path;
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (err == out) {
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
  } else {
    posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
  if (options.new_process_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  sigset_t empty, all;
  sigemptyset(&empty);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr, flags);

  std::vector<std::string> argv_copy = options.argv;
  std::vector<std::string> env = BuildEnv(options.env, options.inherit_env);
  std::vector<char*> argv_c = CStrings(argv_copy);
  std::vector<char*> env_c = CStrings(env);
  pid_t pid = -1;
  int rc = posix_spawnp(&pid, argv_c[0], &actions, &attr, argv_c.data(), env_c.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    errno = rc;
    return Errno("posix_spawn " + options.argv[0], JoinArgv(options.argv));
  }
  return Child(pid, options.new_process_group);
}

Child::~Child() {
  if (running()) Stop(std::chrono::milliseconds(500));
}

Child::Child(Child&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      group_(other.group_),
      reaped_(other.reaped_),
      exit_(other.exit_) {}

Child& Child::operator=(Child&& other) noexcept {
  if (this != &other) {
    if (running()) Stop(std::chrono::milliseconds(500));
    pid_ = std::exchange(other.pid_, -1);
    group_ = other.group_;
    reaped_ = other.reaped_;
    exit_ = other.exit_;
  }
  return *this;
}

Result<ExitInfo> Child::Wait(std::chrono::milliseconds timeout) {
  if (pid_ <= 0) return Fail(Error::kInternal, "Wait on a child that was never started");
  if (reaped_) return exit_;
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (pidfd >= 0) {
    pollfd pfd{.fd = pidfd, .events = POLLIN, .revents = 0};
    int rc;
    do {
      rc = poll(&pfd, 1, static_cast<int>(timeout.count()));
    } while (rc < 0 && errno == EINTR);
    close(pidfd);
  }
  int status = 0;
  rusage usage{};
  pid_t rc = wait4(pid_, &status, WNOHANG, &usage);
  if (rc == 0) return Fail(Error::kTimeout, "process still running", std::to_string(pid_));
  if (rc < 0) return Errno("waitpid", std::to_string(pid_));
  reaped_ = true;
  exit_ = FromWaitStatus(status, usage);
  return exit_;
}

void Child::Signal(int sig) const {
  if (!running()) return;
  if (group_) {
    kill(-pid_, sig);
  } else {
    kill(pid_, sig);
  }
}

ExitInfo Child::Stop(std::chrono::milliseconds grace) {
  if (!running()) return exit_;
  Signal(SIGTERM);
  if (Wait(grace).ok()) {
    if (group_) kill(-pid_, SIGKILL);  // stragglers that ignored SIGTERM in the group
    return exit_;
  }
  Signal(SIGKILL);
  auto waited = Wait(std::chrono::milliseconds(5000));
  if (!waited.ok()) {
    // Unkillable (D state). Reap blocking rather than leave a zombie.
    int status = 0;
    rusage usage{};
    wait4(pid_, &status, 0, &usage);
    reaped_ = true;
    exit_ = FromWaitStatus(status, usage);
  }
  return exit_;
}

void ReapInBackground(Child child, std::chrono::milliseconds patience) {
  std::thread([c = std::move(child), patience]() mutable {
    if (!c.Wait(patience).ok()) c.Stop();
  }).detach();
}

Result<CommandResult> RunCommand(const std::vector<std::string>& argv,
                                 std::chrono::milliseconds timeout) {
  Result<TempFile> out = TempFile::Create("qir-cmd");
  if (!out.ok()) return out.error();
  Result<Child> child = Spawn({.argv = argv, .stdout_path = out->path()});
  if (!child.ok()) return child.error();
  Result<ExitInfo> exit = child->Wait(timeout);
  if (!exit.ok()) {
    child->Stop(std::chrono::milliseconds(200));
    return Fail(Error::kTimeout, "command did not finish in " + std::to_string(timeout.count()) + " ms",
                JoinArgv(argv));
  }
  std::ifstream in(out->path());
  std::stringstream buffer;
  buffer << in.rdbuf();
  return CommandResult{.exit = *exit, .output = buffer.str()};
}

Status RunChecked(const std::vector<std::string>& argv, std::chrono::milliseconds timeout) {
  Result<CommandResult> result = RunCommand(argv, timeout);
  if (!result.ok()) return result.error();
  if (!result->exit.Succeeded()) {
    std::string output = result->output;
    while (!output.empty() && (output.back() == '\n' || output.back() == ' ')) output.pop_back();
    return Fail(Error::kIo, JoinArgv(argv) + " failed (" + result->exit.Describe() + "): " + output);
  }
  return {};
}

}  // namespace qir::util

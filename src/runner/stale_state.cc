// Stale-state clean-up (stale_state.h). A run's namespaces are named
// qir-<pid>-<cell>-<role> and its scratch folder qir-run-<pid>; a PID that no
// longer belongs to a process called "qir" marks them as left over.
#include "runner/stale_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <filesystem>
#include <fstream>

#include "netns/address_plan.h"
#include "netns/namespace_ops.h"
#include "util/temp_file.h"

namespace qir::runner {
namespace {

/// The PID encoded after `prefix` in `name`, or -1.
long PidAfter(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0) return -1;
  size_t end = name.find('-', prefix.size());
  std::string digits = name.substr(prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stol(digits);
}

}  // namespace

constexpr const char* kLockDir = "/run/qir";

std::string LockPath(long pid) { return std::string(kLockDir) + "/run-" + std::to_string(pid) + ".lock"; }

std::string RunId() { return std::to_string(getpid()); }

Status HoldRunLock() {
  std::error_code ec;
  std::filesystem::create_directories(kLockDir, ec);
  const std::string path = LockPath(getpid());
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);  // kept open for the process's life
  if (fd < 0) return Fail(Error::kIo, std::string("open run lock: ") + std::strerror(errno), path);
  if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
    close(fd);
    return Fail(Error::kIo, std::string("lock run lock: ") + std::strerror(errno), path);
  }
  return {};
}

bool IsLiveQir(long pid) {
  const std::string path = LockPath(pid);
  int fd = open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd >= 0) {
    bool held = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    if (!held) unlink(path.c_str());  // its owner is gone
    close(fd);
    if (held) return true;
  }
  std::ifstream comm("/proc/" + std::to_string(pid) + "/comm");
  std::string name;
  return std::getline(comm, name) && name == "qir";
}

StaleCleanup CleanStaleState(const std::string& scratch_root) {
  StaleCleanup done;
  for (const std::string& ns : netns::ListNamespaces()) {
    long pid = PidAfter(ns, netns::kNamespacePrefix);
    if (pid <= 0 || IsLiveQir(pid)) continue;
    done.processes += netns::KillProcessesIn(ns);
    if (netns::DeleteNamespace(ns).ok()) ++done.namespaces;
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(scratch_root, ec)) {
    long pid = PidAfter(entry.path().filename().string(), "qir-run-");
    if (pid <= 0 || IsLiveQir(pid)) continue;
    if (util::RemoveTree(entry.path().string()).ok()) ++done.folders;
  }
  return done;
}

}  // namespace qir::runner

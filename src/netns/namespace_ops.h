// Low-level operations on named network namespaces (/run/netns/<name>, the
// iproute2 convention): list, create, delete, find and kill the processes
// inside one, and enter one from the current thread.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "util/result.h"

namespace qir::netns {

/// Names under /run/netns.
std::vector<std::string> ListNamespaces();
/// `ip netns add name`.
Status AddNamespace(const std::string& name);
/// Kills everything inside, then `ip netns delete name`. Missing is fine.
Status DeleteNamespace(const std::string& name);
/// PIDs of processes whose network namespace is the named one.
std::vector<pid_t> ProcessesIn(const std::string& name);
/// SIGKILLs every process inside the named namespace; returns how many.
int KillProcessesIn(const std::string& name);
/// Runs `args` through `ip -n name ...`.
Status Ip(const std::string& name, const std::vector<std::string>& args);
/// Runs several `ip` commands in one process (`ip -n name -batch FILE`); one
/// process instead of many keeps cell set-up fast. Commands take no options:
/// the address family follows from the addresses.
Status IpBatch(const std::string& name, const std::vector<std::vector<std::string>>& commands);
/// Runs `argv` inside the named namespace (nsenter --net), e.g. ethtool.
Status RunIn(const std::string& name, const std::vector<std::string>& argv);

/// Moves the calling thread into a namespace and back on destruction (setns is
/// per thread for CLONE_NEWNET). Sockets opened meanwhile stay in that namespace.
class ScopedNetns {
 public:
  ScopedNetns() = default;
  ~ScopedNetns();
  ScopedNetns(const ScopedNetns&) = delete;
  ScopedNetns& operator=(const ScopedNetns&) = delete;

  /// Enters the named namespace; the object restores the old one when it dies.
  Status Enter(const std::string& name);

 private:
  int original_fd_ = -1;
};

}  // namespace qir::netns

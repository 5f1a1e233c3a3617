// The endpoint sandbox: a process enters its cell's network namespace and, for
// endpoints, a private mount namespace chrooted into a skeleton root where the
// host's /usr, /etc, /dev are visible and /www, /downloads, /certs, /logs are
// the cell's own folders. Nothing is mounted in the host's mount namespace.
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace qir::netns {

/// One bind mount into the skeleton root.
struct BindMount {
  std::string source;      ///< host path
  std::string target;      ///< absolute path inside the sandbox, e.g. "/www"
  bool read_only = false;
};

/// Where a process should run.
struct SandboxSpec {
  std::string netns;              ///< named network namespace to join; empty = stay
  std::string root;               ///< skeleton root folder to build and chroot into; empty = no chroot
  std::string tmp_dir;            ///< host folder mounted as /tmp (required with root)
  std::string hosts_file;         ///< host file mounted as /etc/hosts; empty = the host's
  std::vector<BindMount> binds;   ///< the cell's folders
};

/// Applies `spec` to the calling process (single-threaded, about to exec).
/// Also asks the kernel to SIGKILL it when its parent dies, so a killed runner
/// leaves no endpoint behind.
Status EnterSandbox(const SandboxSpec& spec);

/// Parses "SRC:DST" or "SRC:DST:ro".
Result<BindMount> ParseBindMount(const std::string& text);

}  // namespace qir::netns

// The endpoint sandbox: a process enters its cell's network namespace and, for
// endpoints, a private mount namespace with a root of its own, in which /www,
// /downloads, /certs, /logs and /etc/hosts are the cell's own. The root is either
// - a skeleton where the host's /usr and /etc are visible read-only (native
//   endpoints; chroot), or
// - an overlay of an unpacked image (read-only, shared by every cell) under a
//   per-cell writable layer (image endpoints), entered as a container engine
//   would: own UTS and PID namespaces, minimal /dev, read-only /proc/sys and
//   /sys, pivot_root, the engine's default capabilities plus NET_ADMIN (the
//   reference's compose file adds it), no_new_privs, memlock 64 MiB.
// Nothing is mounted in the host's mount namespace.
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
  /// Image endpoints: the unpacked image used as the overlay's lower layer; `root`
  /// is then the overlay's mount point and `upper_dir` holds its writable layer.
  std::string image_rootfs;
  std::string upper_dir;          ///< per-cell folder for the overlay's upper and work dirs
  std::string hostname;           ///< image endpoints: UTS hostname ("client" / "server")
  std::string working_dir;        ///< image endpoints: the image's WorkingDir ("" = /)
};

/// Applies `spec` to the calling process (single-threaded, about to exec).
/// Also asks the kernel to SIGKILL it when its parent dies, so a killed runner
/// leaves no endpoint behind. For image endpoints the calling process stays
/// outside as the PID namespace's keeper (pid_namespace.h) and never returns;
/// its child, PID 1 inside, returns here confined and in the working directory.
Status EnterSandbox(const SandboxSpec& spec);

/// Parses "SRC:DST" or "SRC:DST:ro".
Result<BindMount> ParseBindMount(const std::string& text);

}  // namespace qir::netns

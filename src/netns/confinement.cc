// Capabilities and limits of image endpoints (confinement.h). capset(2) is used
// directly: its v3 interface is two 32-bit words per set.
#include "netns/confinement.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>

namespace qir::netns {
namespace {

ErrorInfo Errno(const std::string& what) { return Fail(Error::kIo, what + ": " + std::strerror(errno)); }

int LastCapability() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int last = CAP_LAST_CAP;
  in >> last;
  return last;
}

}  // namespace

std::vector<int> ContainerCapabilities() {
  // Docker's and podman's default set, without MKNOD (see the header), plus NET_ADMIN.
  return {CAP_CHOWN,   CAP_DAC_OVERRIDE, CAP_FSETID,    CAP_FOWNER,           CAP_NET_RAW,
          CAP_SETGID,  CAP_SETUID,       CAP_SETFCAP,   CAP_SETPCAP,          CAP_NET_BIND_SERVICE,
          CAP_SYS_CHROOT, CAP_KILL,      CAP_AUDIT_WRITE, CAP_NET_ADMIN};
}

Status ConfineAsContainer() {
  // The limit first: raising it needs CAP_SYS_RESOURCE, which is dropped below.
  const rlimit memlock{kContainerMemlockBytes, kContainerMemlockBytes};
  if (setrlimit(RLIMIT_MEMLOCK, &memlock) != 0) {
    // Some hosts' root lacks CAP_SYS_RESOURCE (this project's VMs do): then the
    // host's limit stays, and the endpoint's log says so.
    if (errno != EPERM) return Errno("setrlimit RLIMIT_MEMLOCK");
    rlimit current{};
    getrlimit(RLIMIT_MEMLOCK, &current);
    std::fprintf(stderr, "qir: memlock limit stays at %llu KiB (64 MiB needs CAP_SYS_RESOURCE, which this host's root lacks)\n",
                 static_cast<unsigned long long>(current.rlim_max / 1024));
  }
  const std::vector<int> keep = ContainerCapabilities();
  const int last = LastCapability();
  for (int cap = 0; cap <= last; ++cap) {
    if (std::find(keep.begin(), keep.end(), cap) != keep.end()) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) {
      return Errno("drop capability " + std::to_string(cap) + " from the bounding set");
    }
  }
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    return Errno("clear ambient capabilities");
  }
  __user_cap_header_struct header{.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0};
  __user_cap_data_struct data[2] = {};
  for (int cap : keep) {
    const uint32_t bit = 1u << (cap % 32);
    data[cap / 32].effective |= bit;
    data[cap / 32].permitted |= bit;
    data[cap / 32].inheritable |= bit;
  }
  if (syscall(SYS_capset, &header, data) != 0) return Errno("capset");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Errno("prctl PR_SET_NO_NEW_PRIVS");
  return {};
}

}  // namespace qir::netns

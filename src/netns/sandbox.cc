// Enters a cell's namespaces and builds the endpoint's skeleton root
// (sandbox.h). Debian 12 has a merged /usr, so /bin, /lib, /lib64 and /sbin are
// symlinks into usr/ in the skeleton as on the host.
#include "netns/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

namespace qir::netns {
namespace {

ErrorInfo Errno(const std::string& call, const std::string& arg) {
  return Fail(Error::kIo, call + ": " + std::strerror(errno), arg);
}

Status MakeDir(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return Fail(Error::kIo, "mkdir " + path + ": " + ec.message(), path);
  return {};
}

Status Bind(const std::string& source, const std::string& target, bool read_only) {
  if (mount(source.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return Errno("bind mount " + source, target);
  }
  if (read_only && mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY,
                         nullptr) != 0) {
    return Errno("remount read-only", target);
  }
  return {};
}

/// Bind-mounts a host file over a file inside the root (creating the mount point).
Status BindFile(const std::string& source, const std::string& target) {
  if (access(target.c_str(), F_OK) != 0) {
    int fd = open(target.c_str(), O_CREAT | O_WRONLY, 0644);
    if (fd < 0) return Errno("create mount point", target);
    close(fd);
  }
  return Bind(source, target, true);
}

Status JoinNetns(const std::string& name) {
  std::string path = "/run/netns/" + name;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Errno("open", path);
  int rc = setns(fd, CLONE_NEWNET);
  close(fd);
  if (rc != 0) return Errno("setns", name);
  return {};
}

Status BuildRoot(const SandboxSpec& spec) {
  const std::string& r = spec.root;
  for (const char* dir : {"usr", "etc", "dev", "sys", "proc", "tmp", "run", "root"}) {
    if (Status s = MakeDir(r + "/" + dir); !s.ok()) return s;
  }
  for (const char* link : {"bin", "lib", "lib64", "sbin"}) {
    std::string path = r + "/" + link;
    if (access(path.c_str(), F_OK) != 0 && symlink((std::string("usr/") + link).c_str(), path.c_str()) != 0) {
      return Errno("symlink", path);
    }
  }
  if (Status s = Bind("/usr", r + "/usr", true); !s.ok()) return s;
  if (Status s = Bind("/etc", r + "/etc", true); !s.ok()) return s;
  if (Status s = Bind("/dev", r + "/dev", false); !s.ok()) return s;
  if (Status s = Bind(spec.tmp_dir, r + "/tmp", false); !s.ok()) return s;
  // sysfs and procfs mounted afresh: sysfs then shows this network namespace.
  if (mount("sysfs", (r + "/sys").c_str(), "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return Errno("mount sysfs", r + "/sys");
  }
  if (mount("proc", (r + "/proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return Errno("mount proc", r + "/proc");
  }
  for (const BindMount& b : spec.binds) {
    if (Status s = MakeDir(r + b.target); !s.ok()) return s;
    if (Status s = Bind(b.source, r + b.target, b.read_only); !s.ok()) return s;
  }
  if (!spec.hosts_file.empty()) return BindFile(spec.hosts_file, r + "/etc/hosts");
  return {};
}

}  // namespace

Result<BindMount> ParseBindMount(const std::string& text) {
  BindMount b;
  size_t first = text.find(':');
  if (first == std::string::npos || first == 0) return Fail(Error::kInvalidArgument, "bind needs SRC:DST", text);
  b.source = text.substr(0, first);
  std::string rest = text.substr(first + 1);
  if (rest.size() > 3 && rest.compare(rest.size() - 3, 3, ":ro") == 0) {
    b.read_only = true;
    rest.resize(rest.size() - 3);
  }
  if (rest.empty() || rest[0] != '/') return Fail(Error::kInvalidArgument, "bind target must be absolute", text);
  b.target = rest;
  return b;
}

Status EnterSandbox(const SandboxSpec& spec) {
  // Die with the runner. (The runner also kills whatever is left in its namespaces.)
  if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return Errno("prctl", "PR_SET_PDEATHSIG");
  if (getppid() == 1) return Fail(Error::kIo, "parent already gone");
  if (!spec.netns.empty()) {
    if (Status s = JoinNetns(spec.netns); !s.ok()) return s;
  }
  if (spec.root.empty()) return {};
  if (spec.tmp_dir.empty()) return Fail(Error::kInvalidArgument, "a sandbox root needs a tmp folder");
  if (unshare(CLONE_NEWNS) != 0) return Errno("unshare", "CLONE_NEWNS");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Errno("make / private", "/");
  if (Status s = BuildRoot(spec); !s.ok()) return s;
  if (chroot(spec.root.c_str()) != 0) return Errno("chroot", spec.root);
  if (chdir("/") != 0) return Errno("chdir", "/");
  return {};
}

}  // namespace qir::netns

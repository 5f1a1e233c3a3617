// Enters a cell's namespaces and builds the endpoint's root (sandbox.h). Native
// endpoints: a skeleton; Debian 12 has a merged /usr, so /bin, /lib, /lib64 and
// /sbin are symlinks into usr/ as on the host. Image endpoints: an overlay,
// entered with pivot_root; their mount points are made after the pivot, so that
// a symlink in the image resolves inside the image (as an engine resolves it)
// and never on the host.
#include "netns/sandbox.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "netns/confinement.h"
#include "netns/pid_namespace.h"

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

// ---- image endpoints -------------------------------------------------------

/// The old root's mount point inside the new root during set-up. Random, so
/// that no symlink in an image can point at it.
std::string OldRootName() {
  uint64_t r = 0;
  if (getrandom(&r, sizeof(r), 0) != sizeof(r)) r = static_cast<uint64_t>(getpid()) * 0x9e3779b97f4a7c15ull;
  char name[40];
  std::snprintf(name, sizeof(name), "/.qir-old-root-%016llx", static_cast<unsigned long long>(r));
  return name;
}

Status MountOverlay(const SandboxSpec& spec) {
  const std::string upper = spec.upper_dir + "/upper";
  const std::string work = spec.upper_dir + "/work";
  for (const std::string& dir : {upper, work, spec.root}) {
    if (Status s = MakeDir(dir); !s.ok()) return s;
  }
  for (const std::string& path : {spec.image_rootfs, upper, work}) {
    if (path.find_first_of(",:\\") != std::string::npos) {
      return Fail(Error::kInvalidArgument, "overlay paths may not contain ',', ':' or '\\'", path);
    }
  }
  const std::string options = "lowerdir=" + spec.image_rootfs + ",upperdir=" + upper + ",workdir=" + work;
  if (mount("overlay", spec.root.c_str(), "overlay", MS_NOSUID, options.c_str()) != 0) {
    return Errno("mount overlay (" + options + ")", spec.root);
  }
  return {};
}

Status PivotInto(const std::string& root, const std::string& old_root) {
  if (chdir(root.c_str()) != 0) return Errno("chdir", root);
  if (mkdir(old_root.substr(1).c_str(), 0700) != 0) return Errno("mkdir", old_root);
  if (syscall(SYS_pivot_root, ".", old_root.substr(1).c_str()) != 0) return Errno("pivot_root", root);
  if (chdir("/") != 0) return Errno("chdir", "/");
  return {};
}

/// A fresh tmpfs, read-only, over `path` when it exists (an engine's masked paths).
Status Mask(const std::string& path) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0) return {};
  if (S_ISDIR(st.st_mode)) {
    if (mount("tmpfs", path.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") != 0) {
      return Errno("mask", path);
    }
    return {};
  }
  if (mount("/dev/null", path.c_str(), nullptr, MS_BIND, nullptr) != 0) return Errno("mask", path);
  return {};
}

/// /proc of the endpoint's own PID namespace, its host-wide knobs read-only or masked.
Status MountProc() {
  if (Status s = MakeDir("/proc"); !s.ok()) return s;
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) return Errno("mount proc", "/proc");
  for (const char* path : {"/proc/sys", "/proc/sysrq-trigger", "/proc/irq", "/proc/bus", "/proc/fs"}) {
    if (access(path, F_OK) != 0) continue;
    if (Status s = Bind(path, path, true); !s.ok()) return s;
  }
  for (const char* path : {"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
                           "/proc/latency_stats", "/proc/acpi", "/proc/scsi", "/proc/asound"}) {
    if (Status s = Mask(path); !s.ok()) return s;
  }
  return {};
}

/// A container's minimal /dev: a few character devices bound from the host,
/// its own devpts and shm, the usual symlinks.
Status MountDev(const std::string& old_root) {
  if (Status s = MakeDir("/dev"); !s.ok()) return s;
  if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=65536k") != 0) return Errno("mount tmpfs", "/dev");
  for (const char* node : {"null", "zero", "full", "random", "urandom", "tty"}) {
    const std::string target = std::string("/dev/") + node;
    if (Status s = BindFile(old_root + target, target); !s.ok()) return s;
    // BindFile mounts read-only; device nodes must stay writable (/dev/null).
    if (mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_NOSUID | MS_NOEXEC, nullptr) != 0) {
      return Errno("remount", target);
    }
  }
  for (const char* dir : {"/dev/pts", "/dev/shm"}) {
    if (Status s = MakeDir(dir); !s.ok()) return s;
  }
  if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620") != 0) {
    return Errno("mount devpts", "/dev/pts");
  }
  if (mount("shm", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=65536k") != 0) {
    return Errno("mount shm", "/dev/shm");
  }
  const std::pair<const char*, const char*> links[] = {{"pts/ptmx", "/dev/ptmx"},     {"/proc/self/fd", "/dev/fd"},
                                                       {"/proc/self/fd/0", "/dev/stdin"}, {"/proc/self/fd/1", "/dev/stdout"},
                                                       {"/proc/self/fd/2", "/dev/stderr"}};
  for (const auto& [to, from] : links) {
    if (symlink(to, from) != 0) return Errno("symlink", from);
  }
  return {};
}

Status WriteHostname(const std::string& hostname) {
  if (sethostname(hostname.data(), hostname.size()) != 0) return Errno("sethostname", hostname);
  if (Status s = MakeDir("/etc"); !s.ok()) return s;
  std::ofstream out("/etc/hostname", std::ios::trunc);
  out << hostname << "\n";
  return {};
}

/// Everything after the pivot: the cell's folders, /proc, /sys, /dev, /tmp.
Status FurnishImageRoot(const SandboxSpec& spec, const std::string& old_root) {
  for (const BindMount& b : spec.binds) {
    if (Status s = MakeDir(b.target); !s.ok()) return s;
    if (Status s = Bind(old_root + b.source, b.target, b.read_only); !s.ok()) return s;
  }
  if (!spec.hosts_file.empty()) {
    if (Status s = MakeDir("/etc"); !s.ok()) return s;
    if (Status s = BindFile(old_root + spec.hosts_file, "/etc/hosts"); !s.ok()) return s;
  }
  if (!spec.hostname.empty()) {
    if (Status s = WriteHostname(spec.hostname); !s.ok()) return s;
  }
  if (Status s = MountDev(old_root); !s.ok()) return s;  // before /proc: masks bind /dev/null
  if (Status s = MountProc(); !s.ok()) return s;
  if (Status s = MakeDir("/sys"); !s.ok()) return s;
  if (mount("sysfs", "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return Errno("mount sysfs", "/sys");
  }
  if (Status s = Mask("/sys/firmware"); !s.ok()) return s;
  if (Status s = MakeDir("/tmp"); !s.ok()) return s;
  if (chmod("/tmp", 01777) != 0) return Errno("chmod", "/tmp");
  if (umount2(old_root.c_str(), MNT_DETACH) != 0) return Errno("umount old root", old_root);
  if (rmdir(old_root.c_str()) != 0) return Errno("rmdir", old_root);
  return {};
}

Status EnterImageSandbox(const SandboxSpec& spec) {
  if (spec.upper_dir.empty()) return Fail(Error::kInvalidArgument, "an image sandbox needs a folder for its writable layer");
  if (unshare(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC) != 0) return Errno("unshare", "mount, UTS, IPC namespaces");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Errno("make / private", "/");
  if (Status s = ForkIntoPidNamespace(); !s.ok()) return s;
  if (Status s = MountOverlay(spec); !s.ok()) return s;
  const std::string old_root = OldRootName();
  if (Status s = PivotInto(spec.root, old_root); !s.ok()) return s;
  if (Status s = FurnishImageRoot(spec, old_root); !s.ok()) return s;
  const std::string workdir = spec.working_dir.empty() ? "/" : spec.working_dir;
  if (Status s = MakeDir(workdir); !s.ok()) return s;
  if (chdir(workdir.c_str()) != 0) return Errno("chdir to the image's WorkingDir", workdir);
  return ConfineAsContainer();
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
  if (!spec.image_rootfs.empty()) return EnterImageSandbox(spec);
  if (spec.tmp_dir.empty()) return Fail(Error::kInvalidArgument, "a sandbox root needs a tmp folder");
  if (unshare(CLONE_NEWNS) != 0) return Errno("unshare", "CLONE_NEWNS");
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return Errno("make / private", "/");
  if (Status s = BuildRoot(spec); !s.ok()) return s;
  if (chroot(spec.root.c_str()) != 0) return Errno("chroot", spec.root);
  if (chdir("/") != 0) return Errno("chdir", "/");
  return {};
}

}  // namespace qir::netns

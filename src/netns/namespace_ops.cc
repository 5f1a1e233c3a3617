// Named network namespaces (namespace_ops.h). Creation and deletion go through
// iproute2 so that `ip netns` users see exactly what qir made.
#include "netns/namespace_ops.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fstream>

#include "util/subprocess.h"
#include "util/temp_file.h"

namespace qir::netns {
namespace {

constexpr const char* kNetnsDir = "/run/netns";

bool SameInode(const std::string& a, const struct stat& b) {
  struct stat sa;
  return stat(a.c_str(), &sa) == 0 && sa.st_ino == b.st_ino && sa.st_dev == b.st_dev;
}

}  // namespace

std::vector<std::string> ListNamespaces() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kNetnsDir, ec)) {
    names.push_back(entry.path().filename().string());
  }
  return names;
}

Status AddNamespace(const std::string& name) {
  return util::RunChecked({"ip", "netns", "add", name});
}

std::vector<pid_t> ProcessesIn(const std::string& name) {
  std::vector<pid_t> pids;
  struct stat ns;
  if (stat((std::string(kNetnsDir) + "/" + name).c_str(), &ns) != 0) return pids;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return pids;
  while (dirent* entry = readdir(proc)) {
    char* end = nullptr;
    long pid = std::strtol(entry->d_name, &end, 10);
    if (*end != '\0' || pid <= 0 || pid == getpid()) continue;
    if (SameInode("/proc/" + std::string(entry->d_name) + "/ns/net", ns)) pids.push_back(pid);
  }
  closedir(proc);
  return pids;
}

int KillProcessesIn(const std::string& name) {
  int killed = 0;
  // Processes may fork while we look; a few passes catch the children.
  for (int pass = 0; pass < 5; ++pass) {
    std::vector<pid_t> pids = ProcessesIn(name);
    if (pids.empty()) break;
    for (pid_t pid : pids) {
      if (kill(pid, SIGKILL) == 0) ++killed;
    }
    usleep(20000);
  }
  return killed;
}

Status DeleteNamespace(const std::string& name) {
  if (!std::filesystem::exists(std::string(kNetnsDir) + "/" + name)) return {};
  KillProcessesIn(name);
  return util::RunChecked({"ip", "netns", "delete", name});
}

Status Ip(const std::string& name, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"ip", "-n", name};
  argv.insert(argv.end(), args.begin(), args.end());
  return util::RunChecked(argv);
}

Status IpBatch(const std::string& name, const std::vector<std::vector<std::string>>& commands) {
  Result<util::TempFile> file = util::TempFile::Create("qir-ip-batch");
  if (!file.ok()) return file.error();
  {
    std::ofstream out(file->path());
    for (const auto& command : commands) out << util::JoinArgv(command) << "\n";
    if (!out) return Fail(Error::kIo, "cannot write ip batch file", file->path());
  }
  return util::RunChecked({"ip", "-n", name, "-batch", file->path()});
}

Status RunIn(const std::string& name, const std::vector<std::string>& argv) {
  std::vector<std::string> full = {"nsenter", "--net=" + std::string(kNetnsDir) + "/" + name, "--"};
  full.insert(full.end(), argv.begin(), argv.end());
  return util::RunChecked(full);
}

ScopedNetns::~ScopedNetns() {
  if (original_fd_ >= 0) {
    setns(original_fd_, CLONE_NEWNET);
    close(original_fd_);
  }
}

Status ScopedNetns::Enter(const std::string& name) {
  if (original_fd_ < 0) {
    original_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (original_fd_ < 0) return Fail(Error::kIo, std::string("open own netns: ") + std::strerror(errno));
  }
  std::string path = std::string(kNetnsDir) + "/" + name;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(Error::kIo, "open " + path + ": " + std::strerror(errno), name);
  int rc = setns(fd, CLONE_NEWNET);
  int saved = errno;
  close(fd);
  if (rc != 0) return Fail(Error::kIo, std::string("setns: ") + std::strerror(saved), name);
  return {};
}

}  // namespace qir::netns

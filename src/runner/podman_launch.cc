// Image endpoints under podman (podman_launch.h).
#include "runner/podman_launch.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <sstream>


namespace qir::runner {
namespace {

/// What podman on Debian 12 needs: runc (crun refuses hybrid cgroups), storage under qir's state dir, no events log.
std::vector<std::string> PodmanBase() {
  const char* state = std::getenv("QIR_STATE_DIR");
  const std::string dir = std::string(state != nullptr && *state != '\0' ? state : "/var/lib/qir") + "/podman";
  return {"podman", "--root", dir + "/root", "--runroot", dir + "/run", "--runtime", "runc", "--events-backend", "none"};
}

/// `s` single-quoted for sh.
std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Limit(rlim_t v) { return v == RLIM_INFINITY ? "-1" : std::to_string(v); }

/// `--ulimit` value of `resource`: ours, at most `cap`. Podman otherwise asks
/// for more than root without CAP_SYS_RESOURCE may set, and runc fails.
std::string Ulimit(const char* name, int resource, rlim_t cap) {
  struct rlimit r {};
  getrlimit(resource, &r);
  return std::string(name) + "=" + Limit(std::min(r.rlim_cur, cap)) + ":" + Limit(std::min(r.rlim_max, cap));
}

}  // namespace

std::string PodmanContainerName(const std::string& netns) { return netns; }

std::vector<std::string> PodmanRunArgv(const Implementation& impl, const std::string& netns, const EndpointDirs& d,
                                       const EndpointTask& task) {
  std::vector<std::string> argv = PodmanBase();
  argv.insert(argv.end(), {"run", "--rm", "--quiet", "--name", PodmanContainerName(netns),
                           "--network", "ns:/run/netns/" + netns, "--cap-add", "NET_ADMIN", "--hostname", task.role,
                           // podman lowers its own nproc to 32768 when it cannot raise it; more fails in runc.
                           "--ulimit", Ulimit("nofile", RLIMIT_NOFILE, RLIM_INFINITY),
                           "--ulimit", Ulimit("nproc", RLIMIT_NPROC, 32768),
                           "--ulimit", Ulimit("memlock", RLIMIT_MEMLOCK, RLIM_INFINITY),
                           "-v", d.hosts + ":/etc/hosts:ro", "-v", d.www + ":/www:ro",
                           "-v", d.downloads + ":/downloads", "-v", d.certs + ":/certs:ro", "-v", d.logs + ":/logs"});
  for (const std::string& e : ContractEnv(task)) argv.insert(argv.end(), {"-e", e});
  argv.push_back(impl.image);
  return argv;
}

std::vector<std::string> PodmanSpawnArgv(const Implementation& impl, const std::string& netns,
                                         const EndpointDirs& dirs, const EndpointTask& task) {
  std::vector<std::string> rm = PodmanBase();
  rm.insert(rm.end(), {"rm", "-f", "-t", "0", "--ignore", PodmanContainerName(netns)});
  std::string remove;
  for (const std::string& a : rm) remove += Quote(a) + " ";
  std::vector<std::string> argv = {
      "sh", "-c",
      "stop() { " + remove + ">/dev/null 2>&1; wait $p; exit 143; }\n"
      "trap stop TERM INT\n"
      "\"$@\" & p=$!\n"
      "wait $p\n",
      "qir-podman"};
  std::vector<std::string> run = PodmanRunArgv(impl, netns, dirs, task);
  argv.insert(argv.end(), run.begin(), run.end());
  return argv;
}

bool PodmanAvailable() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && access((dir + "/podman").c_str(), X_OK) == 0) return true;
  }
  return false;
}

}  // namespace qir::runner

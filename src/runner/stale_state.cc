// Stale-state clean-up (stale_state.h). A run's namespaces are named
// qir-<pid>-<cell>-<role> and its scratch folder qir-run-<pid>; a PID that no
// longer belongs to a process called "qir" marks them as left over.
#include "runner/stale_state.h"

#include <unistd.h>

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

std::string RunId() { return std::to_string(getpid()); }

bool IsLiveQir(long pid) {
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

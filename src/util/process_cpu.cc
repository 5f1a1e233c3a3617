// Process-tree CPU time from /proc/<pid>/stat (process_cpu.h). Fields after the
// command name, which is in parentheses and may hold spaces: 4 ppid, 5 pgrp,
// 14 utime, 15 stime, 16 cutime, 17 cstime, in clock ticks (proc(5)).
#include "util/process_cpu.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace qir::util {
namespace {

struct ProcStat {
  pid_t ppid = 0;
  pid_t pgrp = 0;
  long long ticks = 0;  ///< utime + stime + cutime + cstime
};

bool ReadStat(const std::filesystem::path& file, ProcStat* out) {
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = text.rfind(')');
  if (close == std::string::npos) return false;
  std::istringstream fields(text.substr(close + 1));
  std::vector<std::string> f;  // f[0] is field 3 (state)
  for (std::string word; f.size() < 15 && fields >> word;) f.push_back(word);
  if (f.size() < 15) return false;
  try {
    out->ppid = std::stoi(f[1]);
    out->pgrp = std::stoi(f[2]);
    out->ticks = std::stoll(f[11]) + std::stoll(f[12]) + std::stoll(f[13]) + std::stoll(f[14]);
  } catch (...) {
    return false;
  }
  return true;
}

}  // namespace

double ProcessTreeCpuSeconds(pid_t root) {
  std::map<pid_t, ProcStat> procs;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    ProcStat stat;
    if (ReadStat(entry.path() / "stat", &stat)) procs[std::stoi(name)] = stat;
  }
  auto in_tree = [&](pid_t pid) {
    for (int hops = 0; pid > 1 && hops < 64; ++hops) {  // bounded: a ppid cycle cannot hang us
      if (pid == root) return true;
      auto it = procs.find(pid);
      if (it == procs.end()) return false;
      if (it->second.pgrp == root) return true;
      pid = it->second.ppid;
    }
    return false;
  };
  long long ticks = 0;
  for (const auto& [pid, stat] : procs) {
    if (in_tree(pid)) ticks += stat.ticks;
  }
  return static_cast<double>(ticks) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

}  // namespace qir::util

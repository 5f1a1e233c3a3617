// /proc/stat's aggregate line (machine_cpu.h). Its fields are clock ticks (USER_HZ).
#include "util/machine_cpu.h"

#include <unistd.h>

#include <sstream>
#include <string>
#include <vector>

#include "util/temp_file.h"

namespace qir::util {

std::optional<MachineCpu> ParseProcStat(std::string_view text) {
  const size_t end = text.find('\n');
  std::istringstream line{std::string(text.substr(0, end))};
  std::string label;
  if (!(line >> label) || label != "cpu") return std::nullopt;
  std::vector<long long> f;
  for (long long v; f.size() < 8 && line >> v;) {
    if (v < 0) return std::nullopt;
    f.push_back(v);
  }
  if (f.size() < 4) return std::nullopt;  // user nice system idle, at the least
  f.resize(8, 0);
  const double tick = 1.0 / static_cast<double>(sysconf(_SC_CLK_TCK));
  return MachineCpu{.busy_seconds = static_cast<double>(f[0] + f[1] + f[2] + f[5] + f[6] + f[7]) * tick,
                    .idle_seconds = static_cast<double>(f[3] + f[4]) * tick};
}

std::optional<MachineCpu> ReadMachineCpu() {
  const auto text = ReadFileText("/proc/stat");
  if (!text) return std::nullopt;
  return ParseProcStat(*text);
}

double IdleCpus(const MachineCpu& before, const MachineCpu& after, double seconds) {
  if (seconds <= 0) return 0;
  const double idle = after.idle_seconds - before.idle_seconds;
  return idle > 0 ? idle / seconds : 0;
}

}  // namespace qir::util

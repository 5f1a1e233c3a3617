// The whole machine's CPU time from /proc/stat's first line ("cpu user nice system idle
// iowait irq softirq steal ..."), in seconds summed over every CPU. Two readings a moment
// apart tell how many CPUs sat idle in between, which is what the runner's automatic
// parallelism admits cells on.
#pragma once

#include <optional>
#include <string_view>

namespace qir::util {

struct MachineCpu {
  double busy_seconds = 0;  ///< user + nice + system + irq + softirq + steal
  double idle_seconds = 0;  ///< idle + iowait (waiting on a disk is not using the CPU)
};

/// The "cpu" line of /proc/stat's text; unset when it is missing or malformed.
std::optional<MachineCpu> ParseProcStat(std::string_view text);

/// /proc/stat now; unset when it cannot be read.
std::optional<MachineCpu> ReadMachineCpu();

/// Average number of idle CPUs between two readings `seconds` apart (0 when seconds ≤ 0).
double IdleCpus(const MachineCpu& before, const MachineCpu& after, double seconds);

}  // namespace qir::util

// Retries of failed cells (retries.h).
#include "runner/retries.h"

#include <filesystem>
#include <string>

#include <fmt/format.h>

namespace qir::runner {

bool Retryable(results::Outcome outcome) {
  return outcome == results::Outcome::kFailed || outcome == results::Outcome::kTimeout ||
         outcome == results::Outcome::kError;
}

uint64_t AttemptSeed(uint64_t cell_seed, int attempt) {
  if (attempt <= 1) return cell_seed;
  uint64_t z = cell_seed + 0x9e3779b97f4a7c15ull * static_cast<uint64_t>(attempt);  // splitmix64
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

results::CellResult RunCellWithRetries(const CellSpec& spec, int retries, const std::atomic<bool>& interrupted) {
  results::CellResult result = RunCell(spec, interrupted);
  std::vector<std::string> earlier;
  for (int attempt = 2; attempt <= retries + 1 && Retryable(result.outcome) && !interrupted; ++attempt) {
    earlier.push_back(fmt::format("{}: {}", results::OutcomeName(result.outcome), result.reason));
    std::error_code ec;
    std::filesystem::rename(spec.log_dir, fmt::format("{}.attempt-{}", spec.log_dir, attempt - 1), ec);
    CellSpec again = spec;
    again.seed = AttemptSeed(spec.seed, attempt);
    again.netns_prefix = fmt::format("{}r{}", spec.netns_prefix, attempt);
    again.work_dir = fmt::format("{}-r{}", spec.work_dir, attempt);
    result = RunCell(again, interrupted);
    result.attempts = attempt;
  }
  result.earlier_attempts = std::move(earlier);
  return result;
}

}  // namespace qir::runner

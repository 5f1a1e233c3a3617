// <log dir>/plan.json: what `qir run` was asked to run, written before the first cell, so
// `qir run --resume <log dir>` can rebuild the same plan (same implementations, tests, seed
// and shard) after a Ctrl-C, kill -9 or power loss, and refuse when it would not be the same.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plan/plan.h"
#include "util/result.h"

namespace qir::plan {

/// Version of plan.json's layout.
inline constexpr int kPlanFileFormat = 1;
/// Its name inside the log folder.
inline constexpr const char* kPlanFileName = "plan.json";

/// The run as resolved from its flags (names, not "all"), so a resume needs no flag again.
struct PlanFile {
  std::string fingerprint;                    ///< plan::Fingerprint at the start
  std::string qir_version;
  PlanSpec spec;                              ///< resolved servers, clients, tests; -i
  uint64_t seed = 0;                          ///< never 0 once written (0 = random was resolved)
  Shard shard;                                ///< --shard; 1/1 without it
  std::string scenario;                       ///< --scenario; empty = the tests' own
  bool check_compliance = true;               ///< false with --skip-compliance
  bool save_files = false;                    ///< -f
  std::vector<std::string> no_auto_unsupported;  ///< -n
  std::vector<std::string> implementation_files;  ///< --implementations, absolute
  std::string replace;                        ///< -r as given
};

nlohmann::json ToJson(const PlanFile& plan);
/// Errors: kParse naming the key, e.g. "plan.json: missing key \"seed\"" or a newer format.
Result<PlanFile> PlanFromJson(const nlohmann::json& json);

/// Writes <dir>/plan.json atomically (temporary file + rename). Errors: kIo with the path.
Status WritePlanFile(const std::string& dir, const PlanFile& plan);
/// Reads <dir>/plan.json. Errors: kNotFound ("<dir> has no plan.json: not a qir run's log
/// folder, or one from before --resume"), kParse.
Result<PlanFile> LoadPlanFile(const std::string& dir);

}  // namespace qir::plan

// plan.json in a run's log folder (plan_file.h).
#include "plan/plan_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/temp_file.h"

namespace qir::plan {
namespace {

using nlohmann::json;

ErrorInfo Bad(const std::string& what) { return Fail(Error::kParse, "plan.json: " + what); }

template <typename T>
Status Get(const json& j, const char* key, T* out) {
  auto it = j.find(key);
  if (it == j.end()) return Bad(std::string("missing key \"") + key + "\"");
  try {
    *out = it->get<T>();
  } catch (const json::exception&) {
    return Bad(std::string("key \"") + key + "\" has the wrong type");
  }
  return {};
}

}  // namespace

json ToJson(const PlanFile& p) {
  return {{"format", kPlanFileFormat},
          {"fingerprint", p.fingerprint},
          {"qir_version", p.qir_version},
          {"servers", p.spec.servers},
          {"clients", p.spec.clients},
          {"tests", p.spec.tests},
          {"measurements", p.spec.measurements},
          {"must_include", p.spec.must_include},
          {"seed", p.seed},
          {"shard", std::to_string(p.shard.index) + "/" + std::to_string(p.shard.count)},
          {"scenario", p.scenario},
          {"check_compliance", p.check_compliance},
          {"save_files", p.save_files},
          {"no_auto_unsupported", p.no_auto_unsupported},
          {"implementation_files", p.implementation_files},
          {"replace", p.replace}};
}

Result<PlanFile> PlanFromJson(const json& j) {
  if (!j.is_object()) return Bad("expected an object");
  int format = 0;
  if (Status s = Get(j, "format", &format); !s) return s.error();
  if (format > kPlanFileFormat) return Bad("written by a newer qir (format " + std::to_string(format) + ")");
  PlanFile p;
  std::string shard;
  Status steps[] = {Get(j, "fingerprint", &p.fingerprint), Get(j, "qir_version", &p.qir_version),
                    Get(j, "servers", &p.spec.servers),     Get(j, "clients", &p.spec.clients),
                    Get(j, "tests", &p.spec.tests),         Get(j, "must_include", &p.spec.must_include),
                    Get(j, "seed", &p.seed),                Get(j, "shard", &shard),
                    Get(j, "scenario", &p.scenario),        Get(j, "check_compliance", &p.check_compliance),
                    Get(j, "save_files", &p.save_files),    Get(j, "no_auto_unsupported", &p.no_auto_unsupported),
                    Get(j, "implementation_files", &p.implementation_files), Get(j, "replace", &p.replace)};
  for (Status& s : steps) {
    if (!s) return s.error();
  }
  if (j.contains("measurements")) {  // absent in plans written before measurements were planned
    if (Status s = Get(j, "measurements", &p.spec.measurements); !s) return s.error();
  }
  Result<Shard> parsed = ParseShard(shard);
  if (!parsed) return Bad("bad \"shard\" " + shard);
  p.shard = *parsed;
  return p;
}

Status WritePlanFile(const std::string& dir, const PlanFile& plan) {
  return util::WriteFileAtomically(dir + "/" + kPlanFileName, ToJson(plan).dump(2) + "\n");
}

Result<PlanFile> LoadPlanFile(const std::string& dir) {
  const std::string path = dir + "/" + kPlanFileName;
  std::optional<std::string> text = util::ReadFileText(path);
  if (!text) {
    return Fail(Error::kNotFound, dir + " has no " + kPlanFileName +
                                      ": not the log folder of a qir run (or of one before --resume)");
  }
  json doc = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Fail(Error::kParse, path + " is not JSON (truncated?)");
  Result<PlanFile> plan = PlanFromJson(doc);
  if (!plan) return Fail(Error::kParse, path + ": " + plan.error().message.substr(11));
  return plan;
}

}  // namespace qir::plan

// Parses the image config JSON (image_config.h). The field names are the ones
// of the OCI image spec, config.md ("config": Entrypoint, Cmd, Env, WorkingDir,
// User), which docker's image configs share.
#include "image/image_config.h"

#include <nlohmann/json.hpp>

namespace qir::image {
namespace {

using nlohmann::json;

Status ReadStringList(const json& object, const char* key, std::vector<std::string>* out) {
  if (!object.contains(key) || object[key].is_null()) return {};
  const json& value = object[key];
  if (!value.is_array())
    return Fail(Error::kParse, std::string("image config: ") + key + " must be a list of strings");
  for (const json& item : value) {
    if (!item.is_string())
      return Fail(Error::kParse,
                  std::string("image config: ") + key + " must be a list of strings");
    out->push_back(item.get<std::string>());
  }
  return {};
}

Status ReadString(const json& object, const char* key, std::string* out) {
  if (!object.contains(key) || object[key].is_null()) return {};
  if (!object[key].is_string())
    return Fail(Error::kParse, std::string("image config: ") + key + " must be a string");
  *out = object[key].get<std::string>();
  return {};
}

}  // namespace

Result<ImageConfig> ParseImageConfig(const std::string& json_text) {
  json document = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded()) return Fail(Error::kParse, "image config is not JSON");
  if (!document.is_object()) return Fail(Error::kParse, "image config is not a JSON object");
  ImageConfig config;
  if (!document.contains("config") || document["config"].is_null()) return config;
  const json& run = document["config"];
  if (!run.is_object()) return Fail(Error::kParse, "image config: config must be an object");
  for (Status status :
       {ReadStringList(run, "Entrypoint", &config.entrypoint),
        ReadStringList(run, "Cmd", &config.cmd), ReadStringList(run, "Env", &config.env),
        ReadString(run, "WorkingDir", &config.working_dir),
        ReadString(run, "User", &config.user)}) {
    if (!status.ok()) return status.error();
  }
  return config;
}

Status CheckRunnable(const ImageConfig& config, const std::string& image_text) {
  if (!config.entrypoint.empty() || !config.cmd.empty()) return {};
  return Fail(
      Error::kInvalidArgument,
      "image " + image_text +
          " has neither Entrypoint nor Cmd; build it with ENTRYPOINT [\"/run_endpoint.sh\"]",
      image_text);
}

}  // namespace qir::image

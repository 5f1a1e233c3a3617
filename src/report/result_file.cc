// result.json files on disk (result_file.h).
#include "report/result_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "report/reference_json.h"
#include "util/temp_file.h"

namespace qir::report {
namespace {

/// nlohmann's message without its "[json.exception.parse_error.101] " prefix.
std::string ParseMessage(const std::string& what) {
  const size_t end = what.find("] ");
  return what.rfind("[json.exception", 0) == 0 && end != std::string::npos ? what.substr(end + 2)
                                                                           : what;
}

}  // namespace

Result<results::RunResults> LoadResultFile(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return Fail(Error::kNotFound,
                "cannot read " + path + ": it is a folder (give its result.json)");
  }
  std::optional<std::string> text = util::ReadFileText(path);
  if (!text) return Fail(Error::kNotFound, "cannot read " + path + ": " + std::strerror(errno));
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(*text);
  } catch (const nlohmann::json::exception& e) {
    return Fail(Error::kParse, path + " is not JSON: " + ParseMessage(e.what()));
  }
  Result<results::RunResults> run = FromReferenceJson(doc);
  if (!run.ok()) {
    const std::string& why = run.error().message;
    const std::string prefix = "result JSON: ";
    return Fail(Error::kParse,
                path + " is not a result.json: " +
                    (why.rfind(prefix, 0) == 0 ? why.substr(prefix.size()) : why),
                run.error().arg);
  }
  return run;
}

}  // namespace qir::report

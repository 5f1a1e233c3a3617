// The cache index (cache_index.h). Writes go to a temporary file that is
// renamed over the index, so readers always see a whole file.
#include "image/cache_index.h"

#include <nlohmann/json.hpp>

#include "image/file_lock.h"
#include "util/temp_file.h"

namespace qir::image {
namespace {

using nlohmann::json;

// A missing or unreadable index is an empty one: it is only a shortcut, and
// every entry it names is checked for its complete marker anyway.
json ReadIndex(const std::string& path) {
  std::optional<std::string> text = util::ReadFileText(path);
  if (!text) return json::object();
  json index = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (index.is_discarded() || !index.is_object()) return json::object();
  return index;
}

}  // namespace

CacheIndex::CacheIndex(std::string dir)
    : path_(dir + "/index.json"), lock_path_(dir + "/locks/index.lock") {}

Result<std::optional<std::string>> CacheIndex::Lookup(const std::string& key) const {
  if (access(path_.c_str(), F_OK) != 0) return std::optional<std::string>();
  Result<FileLock> lock = FileLock::Acquire(lock_path_, FileLock::Mode::kShared);
  if (!lock.ok()) return lock.error();
  json index = ReadIndex(path_);
  if (!index.contains(key) || !index[key].is_string()) return std::optional<std::string>();
  return std::optional<std::string>(index[key].get<std::string>());
}

Status CacheIndex::Store(const std::vector<std::string>& keys, const std::string& digest) const {
  Result<FileLock> lock = FileLock::Acquire(lock_path_, FileLock::Mode::kExclusive);
  if (!lock.ok()) return lock.error();
  json index = ReadIndex(path_);
  for (const std::string& key : keys) index[key] = digest;
  // Under the exclusive lock, so one temporary name serves every writer.
  if (Status s = util::WriteFileAtomically(path_, index.dump(1) + "\n"); !s.ok()) {
    return Fail(Error::kIo, "cannot write the image cache index: " + s.error().Text(), path_);
  }
  return {};
}

}  // namespace qir::image

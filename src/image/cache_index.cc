// The cache index (cache_index.h). Writes go to a temporary file that is
// renamed over the index, so readers always see a whole file.
#include "image/cache_index.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "image/file_lock.h"

namespace qir::image {
namespace {

using nlohmann::json;

// A missing or unreadable index is an empty one: it is only a shortcut, and
// every entry it names is checked for its complete marker anyway.
json ReadIndex(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json::object();
  std::ostringstream text;
  text << in.rdbuf();
  json index = json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
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
  static std::atomic<int> counter{0};
  Result<FileLock> lock = FileLock::Acquire(lock_path_, FileLock::Mode::kExclusive);
  if (!lock.ok()) return lock.error();
  json index = ReadIndex(path_);
  for (const std::string& key : keys) index[key] = digest;
  std::string temp = path_ + ".tmp-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
  {
    std::ofstream out(temp, std::ios::trunc);
    out << index.dump(1) << "\n";
    if (!out.flush()) {
      std::remove(temp.c_str());
      return Fail(Error::kIo, "cannot write the image cache index", temp);
    }
  }
  if (std::rename(temp.c_str(), path_.c_str()) != 0) {
    std::remove(temp.c_str());
    return Fail(Error::kIo, "cannot replace the image cache index", path_);
  }
  return {};
}

}  // namespace qir::image

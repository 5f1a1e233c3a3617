// The cache's index: which config digest an archive (by path, size and
// mtime), a layout tag, an engine image ID or a name resolved to, so a cached
// Get reads one small file instead of the archive. A JSON object in
// <cache>/index.json, read under a shared and rewritten under an exclusive lock.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace qir::image {

/// The index file of one cache directory.
class CacheIndex {
 public:
  /// `dir` is the cache directory; the lock file lives in <dir>/locks/.
  explicit CacheIndex(std::string dir);

  /// The digest stored under `key`, nullopt when none (or no index yet).
  Result<std::optional<std::string>> Lookup(const std::string& key) const;
  /// Stores `digest` under each key, replacing older values.
  Status Store(const std::vector<std::string>& keys, const std::string& digest) const;

 private:
  std::string path_;
  std::string lock_path_;
};

}  // namespace qir::image

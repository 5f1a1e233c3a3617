// Scoped temporary files and directories, removed when their owner goes away.
#pragma once

#include <string>

#include "util/result.h"

namespace qir::util {

/// A file created with mkstemp under $TMPDIR (or /tmp). Move-only: the owner deletes it.
class TempFile {
 public:
  TempFile() = default;
  ~TempFile();
  TempFile(TempFile&& other) noexcept;
  TempFile& operator=(TempFile&& other) noexcept;
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  /// Creates an empty file whose name starts with `prefix`.
  static Result<TempFile> Create(const std::string& prefix);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

/// Writes `content` to `path` through a temporary file and a rename, so a reader sees
/// either nothing or all of it (marker files polled by another process).
Status WriteFileAtomically(const std::string& path, const std::string& content);

/// Removes a directory tree; missing is fine. Refuses "/" and empty paths.
Status RemoveTree(const std::string& path);

}  // namespace qir::util

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

/// Writes `text` to `path` through `path`.tmp and a rename, so a reader never sees half a
/// file. Errors: kIo with the path and strerror.
Status WriteFileAtomically(const std::string& path, const std::string& text);

/// Removes a directory tree; missing is fine. Refuses "/" and empty paths.
Status RemoveTree(const std::string& path);

}  // namespace qir::util

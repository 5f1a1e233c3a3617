// Files on disk: scoped temporary files and directories (removed when their owner
// goes away), whole-file reads, atomic writes.
#pragma once

#include <optional>
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

/// The whole content of `path`; nullopt when it cannot be opened (errno says why), so
/// each caller words its own error.
std::optional<std::string> ReadFileText(const std::string& path);

/// Writes `text` to `path` through `path`.tmp and a rename, so a reader never sees half a
/// file. Errors: kIo with the path and strerror.
Status WriteFileAtomically(const std::string& path, const std::string& text);

/// Removes a directory tree; missing is fine. Refuses "/" and empty paths.
Status RemoveTree(const std::string& path);

}  // namespace qir::util

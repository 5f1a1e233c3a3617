// An flock(2) on a lock file: the cache's way to let threads and processes
// share entries. Each Acquire opens the file anew, so two threads of one
// process exclude each other too (flock locks belong to the open file).
#pragma once

#include <string>

#include "util/result.h"

namespace qir::image {

/// A held lock; released when destroyed. Move-only because it owns the fd.
class FileLock {
 public:
  enum class Mode { kShared, kExclusive };

  FileLock() = default;
  ~FileLock();
  FileLock(FileLock&& other) noexcept;
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  /// Creates `path` if needed and blocks until the lock is granted.
  static Result<FileLock> Acquire(const std::string& path, Mode mode);

 private:
  int fd_ = -1;
};

}  // namespace qir::image

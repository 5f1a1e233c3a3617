// flock-based locks (file_lock.h).
#include "image/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace qir::image {

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);
}

FileLock::FileLock(FileLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Result<FileLock> FileLock::Acquire(const std::string& path, Mode mode) {
  FileLock lock;
  lock.fd_ = open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock.fd_ < 0)
    return Fail(Error::kIo, "open lock " + path + ": " + std::strerror(errno), path);
  int operation = mode == Mode::kExclusive ? LOCK_EX : LOCK_SH;
  while (flock(lock.fd_, operation) != 0) {
    if (errno != EINTR)
      return Fail(Error::kIo, "flock " + path + ": " + std::strerror(errno), path);
  }
  return lock;
}

}  // namespace qir::image

// Scoped temporary files (temp_file.h).
#include "util/temp_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <utility>
#include <vector>

namespace qir::util {

TempFile::~TempFile() {
  if (!path_.empty()) unlink(path_.c_str());
}

TempFile::TempFile(TempFile&& other) noexcept : path_(std::exchange(other.path_, {})) {}

TempFile& TempFile::operator=(TempFile&& other) noexcept {
  if (this != &other) {
    if (!path_.empty()) unlink(path_.c_str());
    path_ = std::exchange(other.path_, {});
  }
  return *this;
}

Result<TempFile> TempFile::Create(const std::string& prefix) {
  const char* dir = std::getenv("TMPDIR");
  std::string pattern = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") + "/" + prefix + "-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0) return Fail(Error::kIo, std::string("mkstemp: ") + std::strerror(errno), pattern);
  close(fd);
  TempFile file;
  file.path_ = buf.data();
  return file;
}

Status RemoveTree(const std::string& path) {
  if (path.empty() || path == "/") return Fail(Error::kInternal, "refusing to remove", path);
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec) return Fail(Error::kIo, "remove " + path + ": " + ec.message(), path);
  return {};
}

Status WriteFileAtomically(const std::string& path, const std::string& content) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return Fail(Error::kIo, std::string("fopen: ") + std::strerror(errno), tmp);
  bool ok = std::fwrite(content.data(), 1, content.size(), f) == content.size();
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Fail(Error::kIo, std::string("writing: ") + std::strerror(errno), path);
  }
  return {};
}

}  // namespace qir::util

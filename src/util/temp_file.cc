// Scoped temporary files (temp_file.h).
#include "util/temp_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
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

std::optional<std::string> ReadFileText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

Status WriteFileAtomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Fail(Error::kIo, "cannot write " + tmp + ": " + std::strerror(errno));
    out << text;
    out.flush();
    if (!out) return Fail(Error::kIo, "cannot write " + tmp + ": " + std::strerror(errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Fail(Error::kIo, "cannot write " + path + ": " + ec.message());
  return {};
}

}  // namespace qir::util

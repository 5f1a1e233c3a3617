// KernelForwardingOff (kernel_forwarding.h).
#include "sim/kernel_forwarding.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

namespace qir::sim {
namespace {

constexpr const char* kForwardingKeys[] = {"net.ipv4.ip_forward", "net.ipv6.conf.all.forwarding"};

std::string SysctlPath(const std::string& key) {
  std::string path = "/proc/sys/" + key;
  // Interface names may contain dots only in theory; qir's never do.
  std::replace(path.begin() + 10, path.end(), '.', '/');
  return path;
}

}  // namespace

Result<std::string> ReadSysctl(const std::string& key) {
  const std::string path = SysctlPath(key);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Fail(Error::kIo, std::string("open: ") + std::strerror(errno), path);
  std::array<char, 64> buffer{};
  ssize_t n = ::read(fd, buffer.data(), buffer.size());
  int saved = errno;
  ::close(fd);
  if (n < 0) return Fail(Error::kIo, std::string("read: ") + std::strerror(saved), path);
  std::string value(buffer.data(), static_cast<size_t>(n));
  while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
  return value;
}

Status WriteSysctl(const std::string& key, const std::string& value) {
  const std::string path = SysctlPath(key);
  int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Fail(Error::kIo, std::string("open: ") + std::strerror(errno), path);
  ssize_t n = ::write(fd, value.data(), value.size());
  int saved = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) {
    return Fail(Error::kIo, std::string("write: ") + std::strerror(saved), path + " = " + value);
  }
  return {};
}

KernelForwardingOff::~KernelForwardingOff() { (void)Restore(); }

KernelForwardingOff::KernelForwardingOff(KernelForwardingOff&& other) noexcept
    : saved_(std::exchange(other.saved_, {})) {}

KernelForwardingOff& KernelForwardingOff::operator=(KernelForwardingOff&& other) noexcept {
  if (this != &other) {
    (void)Restore();
    saved_ = std::exchange(other.saved_, {});
  }
  return *this;
}

Result<KernelForwardingOff> KernelForwardingOff::Apply() {
  KernelForwardingOff off;  // restores the keys already changed if a later one fails
  for (const char* key : kForwardingKeys) {
    Result<std::string> previous = ReadSysctl(key);
    if (!previous) return previous.error();
    if (Status s = WriteSysctl(key, "0"); !s) return s.error();
    off.saved_.emplace_back(key, *previous);
  }
  return off;
}

Status KernelForwardingOff::Restore() {
  Status first;
  while (!saved_.empty()) {
    auto [key, value] = std::move(saved_.back());
    saved_.pop_back();
    Status s = WriteSysctl(key, value);
    if (!s && first.ok()) first = s;
  }
  return first;
}

}  // namespace qir::sim

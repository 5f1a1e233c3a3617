// TUN device I/O for the simulator (tun_device.h), per the kernel's tuntap.txt:
// open /dev/net/tun, TUNSETIFF with IFF_TUN | IFF_NO_PI so each read/write is exactly
// one IP packet with no packet-information prefix.
#include "sim/tun_device.h"

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace qir::sim {
namespace {

ErrorInfo IoError(const std::string& call, std::string_view name) {
  return Fail(Error::kIo, call + ": " + std::strerror(errno), std::string(name));
}

}  // namespace

TunDevice::~TunDevice() { Close(); }

TunDevice::TunDevice(TunDevice&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), name_(std::move(other.name_)) {}

TunDevice& TunDevice::operator=(TunDevice&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = std::exchange(other.fd_, -1);
    name_ = std::move(other.name_);
  }
  return *this;
}

void TunDevice::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<TunDevice> TunDevice::Open(std::string_view name) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return Fail(Error::kInvalidArgument, "TUN name must be 1-15 characters", std::string(name));
  }
  int fd = ::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return IoError("open /dev/net/tun", name);
  TunDevice device(fd, std::string(name));  // owns fd from here on
  struct ifreq ifr {};
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  if (::ioctl(fd, TUNSETIFF, &ifr) < 0) return IoError("ioctl TUNSETIFF", name);
  device.name_ = ifr.ifr_name;
  return device;
}

Result<size_t> TunDevice::Read(std::span<uint8_t> buffer) {
  ssize_t n = ::read(fd_, buffer.data(), buffer.size());
  if (n >= 0) return static_cast<size_t>(n);
  if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return size_t{0};
  return IoError("read", name_);
}

Status TunDevice::Write(std::span<const uint8_t> packet) {
  ssize_t n = ::write(fd_, packet.data(), packet.size());
  if (n < 0) return IoError("write", name_);
  if (static_cast<size_t>(n) != packet.size()) return Fail(Error::kIo, "short write to TUN", name_);
  return {};
}

}  // namespace qir::sim

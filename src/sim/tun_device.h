// TunDevice: an owned Linux TUN interface (IFF_TUN | IFF_NO_PI, non-blocking)
// through which the simulator sees raw IP packets. See
// https://www.kernel.org/doc/Documentation/networking/tuntap.txt.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "util/result.h"

namespace qir::sim {

/// An open TUN device. Move-only: the fd is the device (a non-persistent TUN vanishes
/// when its fd closes), so two owners would close it twice or delete it under each other.
class TunDevice {
 public:
  TunDevice() = default;
  ~TunDevice();
  TunDevice(TunDevice&& other) noexcept;
  TunDevice& operator=(TunDevice&& other) noexcept;
  TunDevice(const TunDevice&) = delete;
  TunDevice& operator=(const TunDevice&) = delete;

  /// Creates TUN interface `name` (at most 15 characters) in the current network
  /// namespace via /dev/net/tun. Needs CAP_NET_ADMIN. The interface starts down.
  static Result<TunDevice> Open(std::string_view name);

  /// Reads one packet into `buffer`. Returns its size, or 0 when none is waiting
  /// (EAGAIN). A packet larger than `buffer` is truncated by the kernel.
  Result<size_t> Read(std::span<uint8_t> buffer);
  /// Writes one IP packet into the kernel, which then routes it as if it arrived on this interface.
  Status Write(std::span<const uint8_t> packet);

  int fd() const { return fd_; }
  const std::string& name() const { return name_; }

 private:
  TunDevice(int fd, std::string name) : fd_(fd), name_(std::move(name)) {}
  void Close();

  int fd_ = -1;       ///< -1 when closed / moved from
  std::string name_;  ///< interface name as the kernel assigned it
};

}  // namespace qir::sim

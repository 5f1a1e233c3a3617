// KernelForwardingOff: the simulator forwards packets itself (packet_port.h), so the kernel
// of its namespace must not forward them too. This switches IPv4 and IPv6 forwarding off for
// the simulator's lifetime and puts the previous values back afterwards. With forwarding
// off the kernel drops a transit packet silently (no ICMP: ip_error() and ip6_forward()
// only count it) after the simulator's AF_PACKET socket has copied it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace qir::sim {

/// Reads /proc/sys/<key with dots as slashes> ("net.ipv4.ip_forward"), without the newline.
Result<std::string> ReadSysctl(const std::string& key);
/// Writes `value` to /proc/sys/<key with dots as slashes>.
Status WriteSysctl(const std::string& key, const std::string& value);

/// Forwarding switched off in the current network namespace. Move-only: restores once.
class KernelForwardingOff {
 public:
  KernelForwardingOff() = default;
  ~KernelForwardingOff();
  KernelForwardingOff(KernelForwardingOff&& other) noexcept;
  KernelForwardingOff& operator=(KernelForwardingOff&& other) noexcept;
  KernelForwardingOff(const KernelForwardingOff&) = delete;
  KernelForwardingOff& operator=(const KernelForwardingOff&) = delete;

  /// Writes 0 to net.ipv4.ip_forward and net.ipv6.conf.all.forwarding. Needs root in the
  /// namespace. On error, restores what it changed.
  static Result<KernelForwardingOff> Apply();
  /// Writes the saved values back (first failure returned, every key tried). Idempotent.
  Status Restore();

 private:
  std::vector<std::pair<std::string, std::string>> saved_;  ///< key, previous value
};

}  // namespace qir::sim

// The simulator's own addresses. Packets to them (the readiness probe's replies,
// the TCP connections clients make to sim:57832 before they start, a ping of
// the gateway) are for the namespace's kernel, not for the link: the simulator
// neither forwards nor captures them. Its receive rings see them all the same,
// because they arrive addressed to its MAC like every forwarded packet.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

namespace qir::sim {

class LocalAddresses {
 public:
  /// Every IPv4 and IPv6 address of the calling process's network namespace (getifaddrs).
  static LocalAddresses OfThisNamespace();
  void AddV4(const std::array<uint8_t, 4>& a) { v4_.push_back(a); }
  void AddV6(const std::array<uint8_t, 16>& a) { v6_.push_back(a); }
  /// True when the IP packet's destination is one of the addresses.
  bool IsDestinationOf(std::span<const uint8_t> ip_packet) const;

 private:
  std::vector<std::array<uint8_t, 4>> v4_;
  std::vector<std::array<uint8_t, 16>> v6_;
};

}  // namespace qir::sim

// qir's address layout: the reference runner's (leftnet/rightnet, .100 hosts,
// .2 simulator) moved from 193.167.0.0/16 (public space) into 198.18.0.0/15, the
// range RFC 2544 reserves for network benchmarking. IPv6 keeps the reference's
// private fd00:cafe:cafe::/48 prefixes. These addresses exist only inside a
// cell's namespaces.
#pragma once

namespace qir::netns {

inline constexpr const char* kClientV4 = "198.18.0.100";
inline constexpr const char* kClientV6 = "fd00:cafe:cafe:0::100";
inline constexpr const char* kSimLeftV4 = "198.18.0.2";
inline constexpr const char* kSimLeftV6 = "fd00:cafe:cafe:0::2";
inline constexpr const char* kSimRightV4 = "198.18.100.2";
inline constexpr const char* kSimRightV6 = "fd00:cafe:cafe:100::2";
inline constexpr const char* kServerV4 = "198.18.100.100";
inline constexpr const char* kServerV6 = "fd00:cafe:cafe:100::100";

/// Cross-traffic hosts (measurement crosstraffic), the reference's iperf containers' .90 on
/// the client side (the TCP receiver) and .110 on the server side (the sender).
inline constexpr const char* kCrossClientV4 = "198.18.0.90";
inline constexpr const char* kCrossClientV6 = "fd00:cafe:cafe:0::90";
inline constexpr const char* kCrossServerV4 = "198.18.100.110";
inline constexpr const char* kCrossServerV6 = "fd00:cafe:cafe:100::110";

inline constexpr int kPrefixV4 = 24;  ///< each side is one /24 ...
inline constexpr int kPrefixV6 = 64;  ///< ... and one /64
/// Everything beyond the own subnet goes through the simulator.
inline constexpr const char* kAllV4 = "198.18.0.0/15";
inline constexpr const char* kAllV6 = "fd00:cafe:cafe::/48";

/// Interface names inside the namespaces: `eth0` in client and server; the
/// simulator's `left` faces the client and `right` the server.
inline constexpr const char* kEndpointIf = "eth0";
inline constexpr const char* kSimLeftIf = "left";
inline constexpr const char* kSimRightIf = "right";

/// Every namespace qir creates starts with this; stale-state cleanup touches nothing else.
inline constexpr const char* kNamespacePrefix = "qir-";

}  // namespace qir::netns

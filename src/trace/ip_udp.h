// IPv4/IPv6 and UDP: addresses, datagram extraction and the UDP checksum.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "util/result.h"

namespace qir::trace {

/// An IPv4 or IPv6 address.
struct IpAddress {
  int family = 0;                   ///< 4 or 6; 0 = unset
  std::array<uint8_t, 16> bytes{};  ///< network order; v4 in the first 4, the rest zero

  /// Dotted quad for v4, RFC 5952 text for v6, "" when unset.
  std::string ToString() const;
  /// Parses "198.18.0.100" or "fd00:cafe::100"; kInvalidArgument otherwise.
  static Result<IpAddress> Parse(std::string_view text);
  /// Builds a v4 address from its 4 bytes.
  static IpAddress V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

  bool operator==(const IpAddress&) const = default;
};

/// A UDP datagram located inside an IP packet (nothing is copied).
struct UdpDatagram {
  IpAddress src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint8_t ecn =
      0;  ///< 2 low bits of TOS/Traffic Class (RFC 3168 §5): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE
  size_t payload_offset = 0;  ///< offset of the UDP payload in the IP packet, bytes
  size_t payload_size = 0;    ///< UDP Length - 8, bytes
};

/// Locates the UDP datagram in an IPv4 (RFC 791) or IPv6 (RFC 8200) packet. IPv6 hop-by-hop,
/// routing and destination-options headers are walked. kUnsupported for valid packets that carry no
/// complete UDP datagram (other protocols, fragments, other extension headers, jumbograms); kParse
/// for malformed or truncated ones. Bytes after the IP total length (link padding) are ignored.
Result<UdpDatagram> ParseUdpDatagram(std::span<const uint8_t> ip_packet);

/// RFC 1071 one's-complement sum of `data` (an odd trailing byte padded with zero) added to
/// `sum`, folded to 16 bits.
uint32_t AddOnesComplement(uint32_t sum, std::span<const uint8_t> data);

/// The UDP checksum (RFC 768; RFC 8200 §8.1 pseudo-header for v6) the packet should carry, computed
/// with its checksum field taken as zero; a computed 0 is returned as 0xffff. Returns 0 when the
/// packet is not a parsable UDP packet.
uint16_t ComputeUdpChecksum(std::span<const uint8_t> ip_packet);

/// Writes ComputeUdpChecksum into the packet's UDP checksum field (after e.g. corrupting a
/// payload).
Status FixUdpChecksum(std::span<uint8_t> ip_packet);

/// True when the UDP checksum field matches the contents. An IPv4 field of 0 ("no checksum",
/// RFC 768) counts as valid; in IPv6 it is invalid (RFC 8200 §8.1). False for non-UDP packets.
bool UdpChecksumValid(std::span<const uint8_t> ip_packet);

}  // namespace qir::trace

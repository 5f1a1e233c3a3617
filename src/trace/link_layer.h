// Link-layer types of pcap/pcapng captures (tcpdump.org "LINK-LAYER HEADER TYPES")
// and the removal of the link header in front of IP.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "util/result.h"

namespace qir::trace {

/// LINKTYPE_* values as written in pcap headers and pcapng IDBs. (An enum, so that the names do
/// not clash with pcap_writer.h's kLinkTypeRaw.)
enum class LinkType : uint32_t {
  kNull = 0,         ///< BSD loopback, 4-byte host-order AF_ family
  kEthernet = 1,     ///< Ethernet II, optionally one 802.1Q tag
  kRawAlias12 = 12,  ///< DLT_RAW on some BSDs
  kRawAlias14 = 14,  ///< DLT_RAW on OpenBSD
  kRaw = 101,        ///< raw IPv4/IPv6, version from the first nibble
  kLoop = 108,       ///< OpenBSD loopback, 4-byte network-order AF_ family
  kLinuxSll = 113,   ///< Linux "cooked" capture v1, 16-byte header
  kIpv4 = 228,       ///< raw IPv4
  kIpv6 = 229,       ///< raw IPv6
  kLinuxSll2 = 276,  ///< Linux "cooked" capture v2, 20-byte header
};

/// True for the link types ExtractIpPacket understands.
bool IsSupportedLinkType(uint32_t link_type);

/// The IP packet inside one captured frame: the bytes after the link header, or std::nullopt for
/// frames that carry no IPv4/IPv6 (ARP, LLDP, ...). kParse when the frame is shorter than its
/// link header; kUnsupported for an unknown link type.
Result<std::optional<std::span<const uint8_t>>> ExtractIpPacket(uint32_t link_type,
                                                                std::span<const uint8_t> frame);

}  // namespace qir::trace

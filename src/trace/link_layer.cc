// Strips link-layer headers (tcpdump.org link-layer header types: Ethernet with
// one IEEE 802.1Q tag, Linux SLL/SLL2, BSD NULL/LOOP, raw IP) so that the rest of
// the trace reader only sees IPv4/IPv6 packets.
#include "trace/link_layer.h"

#include <string>

namespace qir::trace {
namespace {

constexpr uint16_t kEtherTypeIpv4 = 0x0800;
constexpr uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr uint16_t kEtherTypeVlan = 0x8100;  // IEEE 802.1Q
constexpr uint16_t kEtherTypeQinQ = 0x88a8;  // IEEE 802.1ad outer tag, same 4-byte layout
constexpr size_t kEthernetHeaderLength = 14;
constexpr size_t kVlanTagLength = 4;
constexpr size_t kSllHeaderLength = 16;   // protocol at offset 14
constexpr size_t kSll2HeaderLength = 20;  // protocol at offset 0
constexpr size_t kNullHeaderLength = 4;
// AF_INET is 2 everywhere; AF_INET6 differs: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, macOS 30.
constexpr uint32_t kAfInet = 2;

using IpResult = Result<std::optional<std::span<const uint8_t>>>;

uint16_t Be16(std::span<const uint8_t> p, size_t at) {
  return static_cast<uint16_t>(p[at] << 8 | p[at + 1]);
}

ErrorInfo ShortFrame(const char* link, size_t size) {
  return Fail(Error::kParse, std::string("frame shorter than its ") + link + " header",
              std::to_string(size) + " bytes");
}

/// The payload after a header whose EtherType-style protocol says IPv4 or IPv6.
IpResult ByEtherType(uint16_t ether_type, std::span<const uint8_t> payload) {
  if (ether_type == kEtherTypeIpv4 || ether_type == kEtherTypeIpv6) {
    return std::optional<std::span<const uint8_t>>(payload);
  }
  return std::optional<std::span<const uint8_t>>();
}

IpResult FromEthernet(std::span<const uint8_t> frame) {
  if (frame.size() < kEthernetHeaderLength) return ShortFrame("Ethernet", frame.size());
  size_t type_offset = 12;
  uint16_t ether_type = Be16(frame, type_offset);
  if (ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ) {
    if (frame.size() < kEthernetHeaderLength + kVlanTagLength)
      return ShortFrame("802.1Q", frame.size());
    type_offset += kVlanTagLength;
    ether_type = Be16(frame, type_offset);
  }
  return ByEtherType(ether_type, frame.subspan(type_offset + 2));
}

IpResult FromNull(std::span<const uint8_t> frame) {
  if (frame.size() < kNullHeaderLength) return ShortFrame("loopback", frame.size());
  // The family is in the capturing host's byte order (LOOP: network order): take whichever is
  // small.
  const uint32_t le =
      uint32_t{frame[3]} << 24 | uint32_t{frame[2]} << 16 | uint32_t{frame[1]} << 8 | frame[0];
  const uint32_t be =
      uint32_t{frame[0]} << 24 | uint32_t{frame[1]} << 16 | uint32_t{frame[2]} << 8 | frame[3];
  const uint32_t family = le <= 0xffff ? le : be;
  const bool ip = family == kAfInet || family == 10 || family == 24 || family == 28 || family == 30;
  if (!ip) return std::optional<std::span<const uint8_t>>();
  return std::optional<std::span<const uint8_t>>(frame.subspan(kNullHeaderLength));
}

IpResult FromRaw(std::span<const uint8_t> frame) {
  if (frame.empty()) return std::optional<std::span<const uint8_t>>();
  const int version = frame[0] >> 4;
  if (version != 4 && version != 6) return std::optional<std::span<const uint8_t>>();
  return std::optional<std::span<const uint8_t>>(frame);
}

}  // namespace

bool IsSupportedLinkType(uint32_t link_type) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::kNull:
    case LinkType::kEthernet:
    case LinkType::kRawAlias12:
    case LinkType::kRawAlias14:
    case LinkType::kRaw:
    case LinkType::kLoop:
    case LinkType::kLinuxSll:
    case LinkType::kIpv4:
    case LinkType::kIpv6:
    case LinkType::kLinuxSll2:
      return true;
    default:
      return false;
  }
}

IpResult ExtractIpPacket(uint32_t link_type, std::span<const uint8_t> frame) {
  switch (static_cast<LinkType>(link_type)) {
    case LinkType::kRaw:
    case LinkType::kRawAlias12:
    case LinkType::kRawAlias14:
    case LinkType::kIpv4:
    case LinkType::kIpv6:
      return FromRaw(frame);
    case LinkType::kEthernet:
      return FromEthernet(frame);
    case LinkType::kLinuxSll:
      if (frame.size() < kSllHeaderLength) return ShortFrame("Linux SLL", frame.size());
      return ByEtherType(Be16(frame, 14), frame.subspan(kSllHeaderLength));
    case LinkType::kLinuxSll2:
      if (frame.size() < kSll2HeaderLength) return ShortFrame("Linux SLL2", frame.size());
      return ByEtherType(Be16(frame, 0), frame.subspan(kSll2HeaderLength));
    case LinkType::kNull:
    case LinkType::kLoop:
      return FromNull(frame);
    default:
      return Fail(Error::kUnsupported, "unsupported link type", std::to_string(link_type));
  }
}

}  // namespace qir::trace

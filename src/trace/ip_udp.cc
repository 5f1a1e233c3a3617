// Locates UDP datagrams in IPv4 (RFC 791) and IPv6 (RFC 8200 §4: hop-by-hop,
// routing and destination-options headers are walked; fragments are not
// reassembled) packets, and computes the UDP checksum (RFC 768, RFC 1071
// one's-complement sum, RFC 8200 §8.1 pseudo-header).
#include "trace/ip_udp.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "trace/byte_reader.h"

namespace qir::trace {
namespace {

constexpr uint8_t kIpProtoUdp = 17;              // IANA protocol numbers
constexpr uint8_t kIpv6HopByHop = 0;             // RFC 8200 §4.3
constexpr uint8_t kIpv6Routing = 43;             // RFC 8200 §4.4
constexpr uint8_t kIpv6Fragment = 44;            // RFC 8200 §4.5
constexpr uint8_t kIpv6DestinationOptions = 60;  // RFC 8200 §4.6
constexpr size_t kIpv4MinHeaderLength = 20;      // RFC 791 §3.1, IHL 5
constexpr size_t kIpv6HeaderLength = 40;         // RFC 8200 §3
constexpr size_t kUdpHeaderLength = 8;           // RFC 768
constexpr size_t kUdpChecksumOffset = 6;         // within the UDP header
constexpr uint16_t kIpv4MoreFragments = 0x2000;
constexpr uint16_t kIpv4FragmentOffsetMask = 0x1fff;

/// Where the IP layer puts the transport header, before UDP is looked at.
struct IpLayer {
  IpAddress src, dst;
  uint8_t ecn = 0;
  size_t transport_offset = 0;  ///< first byte after the IP headers
  size_t end = 0;               ///< end of the IP packet (total length), <= span size
};

Result<IpLayer> ParseIpv4(std::span<const uint8_t> p) {
  if (p.size() < kIpv4MinHeaderLength) return Fail(Error::kParse, "truncated IPv4 header");
  const size_t header_length = size_t{p[0] & 0x0fu} * 4;
  const size_t total_length = size_t{p[2]} << 8 | p[3];
  if (header_length < kIpv4MinHeaderLength || header_length > p.size()) {
    return Fail(Error::kParse, "bad IPv4 header length", std::to_string(header_length));
  }
  if (total_length < header_length || total_length > p.size()) {
    return Fail(Error::kParse, "bad IPv4 total length",
                std::to_string(total_length) + " of " + std::to_string(p.size()) + " bytes");
  }
  const uint16_t fragment = static_cast<uint16_t>(p[6] << 8 | p[7]);
  if ((fragment & (kIpv4MoreFragments | kIpv4FragmentOffsetMask)) != 0) {
    return Fail(Error::kUnsupported, "IPv4 fragment");
  }
  if (p[9] != kIpProtoUdp)
    return Fail(Error::kUnsupported, "not UDP", "protocol " + std::to_string(p[9]));
  IpLayer ip{.ecn = static_cast<uint8_t>(p[1] & 0x03),
             .transport_offset = header_length,
             .end = total_length};
  ip.src.family = ip.dst.family = 4;
  std::copy_n(p.begin() + 12, 4, ip.src.bytes.begin());
  std::copy_n(p.begin() + 16, 4, ip.dst.bytes.begin());
  return ip;
}

/// Walks the IPv6 extension headers up to UDP; returns the UDP header offset.
Result<size_t> WalkIpv6Extensions(std::span<const uint8_t> p, uint8_t next_header, size_t end) {
  size_t offset = kIpv6HeaderLength;
  while (next_header != kIpProtoUdp) {
    if (next_header == kIpv6Fragment) return Fail(Error::kUnsupported, "IPv6 fragment");
    if (next_header != kIpv6HopByHop && next_header != kIpv6Routing &&
        next_header != kIpv6DestinationOptions) {
      return Fail(Error::kUnsupported, "not UDP", "next header " + std::to_string(next_header));
    }
    if (end - offset < 8) return Fail(Error::kParse, "truncated IPv6 extension header");
    const size_t length =
        (size_t{p[offset + 1]} + 1) * 8;  // RFC 8200 §4.3: 8-octet units, minus the first 8
    if (end - offset < length) return Fail(Error::kParse, "truncated IPv6 extension header");
    next_header = p[offset];
    offset += length;
  }
  return offset;
}

Result<IpLayer> ParseIpv6(std::span<const uint8_t> p) {
  if (p.size() < kIpv6HeaderLength) return Fail(Error::kParse, "truncated IPv6 header");
  const size_t payload_length = size_t{p[4]} << 8 | p[5];
  if (payload_length == 0) return Fail(Error::kUnsupported, "IPv6 jumbogram or empty payload");
  if (payload_length > p.size() - kIpv6HeaderLength) {
    return Fail(Error::kParse, "bad IPv6 payload length",
                std::to_string(payload_length) + " of " +
                    std::to_string(p.size() - kIpv6HeaderLength) + " bytes");
  }
  IpLayer ip{.ecn = static_cast<uint8_t>((p[1] >> 4) & 0x03),
             .end = kIpv6HeaderLength + payload_length};
  Result<size_t> transport = WalkIpv6Extensions(p, p[6], ip.end);
  if (!transport.ok()) return transport.error();
  ip.transport_offset = *transport;
  ip.src.family = ip.dst.family = 6;
  std::copy_n(p.begin() + 8, 16, ip.src.bytes.begin());
  std::copy_n(p.begin() + 24, 16, ip.dst.bytes.begin());
  return ip;
}

Result<IpLayer> ParseIp(std::span<const uint8_t> p) {
  if (p.empty()) return Fail(Error::kParse, "empty IP packet");
  switch (p[0] >> 4) {
    case 4:
      return ParseIpv4(p);
    case 6:
      return ParseIpv6(p);
    default:
      return Fail(Error::kParse, "not an IP packet", "version " + std::to_string(p[0] >> 4));
  }
}

/// One's-complement sum of pseudo-header and UDP header + payload, checksum field included as is.
uint32_t UdpSum(std::span<const uint8_t> p, const UdpDatagram& udp) {
  const size_t udp_offset = udp.payload_offset - kUdpHeaderLength;
  const uint32_t udp_length = static_cast<uint32_t>(udp.payload_size + kUdpHeaderLength);
  const size_t address_length = udp.src.family == 4 ? 4 : 16;
  uint32_t sum = AddOnesComplement(0, std::span(udp.src.bytes).first(address_length));
  sum = AddOnesComplement(sum, std::span(udp.dst.bytes).first(address_length));
  sum += kIpProtoUdp + (udp_length >> 16) + (udp_length & 0xffff);  // zero bytes add nothing
  return AddOnesComplement(sum, p.subspan(udp_offset, udp_length));
}

}  // namespace

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (family == 4) inet_ntop(AF_INET, bytes.data(), text, sizeof(text));
  if (family == 6) inet_ntop(AF_INET6, bytes.data(), text, sizeof(text));
  return text;
}

Result<IpAddress> IpAddress::Parse(std::string_view text) {
  const std::string s(text);
  IpAddress address;
  if (inet_pton(AF_INET, s.c_str(), address.bytes.data()) == 1) {
    address.family = 4;
  } else if (inet_pton(AF_INET6, s.c_str(), address.bytes.data()) == 1) {
    address.family = 6;
  } else {
    return Fail(Error::kInvalidArgument, "not an IPv4 or IPv6 address", s);
  }
  return address;
}

IpAddress IpAddress::V4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
  IpAddress address;
  address.family = 4;
  address.bytes[0] = a, address.bytes[1] = b, address.bytes[2] = c, address.bytes[3] = d;
  return address;
}

Result<UdpDatagram> ParseUdpDatagram(std::span<const uint8_t> ip_packet) {
  Result<IpLayer> ip = ParseIp(ip_packet);
  if (!ip.ok()) return ip.error();
  ByteReader r(ip_packet.subspan(ip->transport_offset, ip->end - ip->transport_offset));
  UdpDatagram udp{.src = ip->src, .dst = ip->dst, .ecn = ip->ecn};
  uint16_t udp_length = 0;
  if (!r.ReadU16(udp.src_port) || !r.ReadU16(udp.dst_port) || !r.ReadU16(udp_length) ||
      !r.Skip(2)) {
    return Fail(Error::kParse, "truncated UDP header",
                "offset " + std::to_string(ip->transport_offset));
  }
  if (udp_length < kUdpHeaderLength || udp_length - kUdpHeaderLength > r.remaining()) {
    return Fail(
        Error::kParse, "bad UDP length",
        std::to_string(udp_length) + ", " + std::to_string(r.remaining()) + " payload bytes");
  }
  udp.payload_offset = ip->transport_offset + kUdpHeaderLength;
  udp.payload_size = udp_length - kUdpHeaderLength;
  return udp;
}

uint32_t AddOnesComplement(uint32_t sum, std::span<const uint8_t> data) {
  for (size_t i = 0; i + 1 < data.size(); i += 2) sum += uint32_t{data[i]} << 8 | data[i + 1];
  if (data.size() % 2 != 0) sum += uint32_t{data.back()} << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  return sum;
}

uint16_t ComputeUdpChecksum(std::span<const uint8_t> ip_packet) {
  Result<UdpDatagram> udp = ParseUdpDatagram(ip_packet);
  if (!udp.ok()) return 0;
  const size_t field = udp->payload_offset - kUdpHeaderLength + kUdpChecksumOffset;
  const uint32_t field_value = uint32_t{ip_packet[field]} << 8 | ip_packet[field + 1];
  // Remove the field's current contribution: sum - x == sum + ~x in one's complement.
  uint32_t sum = UdpSum(ip_packet, *udp) + (~field_value & 0xffff);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  const uint16_t checksum = static_cast<uint16_t>(~sum & 0xffff);
  return checksum == 0 ? 0xffff : checksum;
}

Status FixUdpChecksum(std::span<uint8_t> ip_packet) {
  Result<UdpDatagram> udp = ParseUdpDatagram(ip_packet);
  if (!udp.ok()) return udp.error();
  const uint16_t checksum = ComputeUdpChecksum(ip_packet);
  const size_t field = udp->payload_offset - kUdpHeaderLength + kUdpChecksumOffset;
  ip_packet[field] = static_cast<uint8_t>(checksum >> 8);
  ip_packet[field + 1] = static_cast<uint8_t>(checksum & 0xff);
  return {};
}

bool UdpChecksumValid(std::span<const uint8_t> ip_packet) {
  Result<UdpDatagram> udp = ParseUdpDatagram(ip_packet);
  if (!udp.ok()) return false;
  const size_t field = udp->payload_offset - kUdpHeaderLength + kUdpChecksumOffset;
  if (ip_packet[field] == 0 && ip_packet[field + 1] == 0) return udp->src.family == 4;
  return UdpSum(ip_packet, *udp) == 0xffff;
}

}  // namespace qir::trace

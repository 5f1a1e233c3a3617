// Tests for IPv4/IPv6 + UDP parsing and the UDP checksum.
#include "trace/ip_udp.h"

#include <gtest/gtest.h>

#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Hex;
using testing::UdpPacket;

IpAddress Addr(const char* text) { return IpAddress::Parse(text).value(); }

const Bytes kPayload = Hex("c0000000010102030405060708090a0b0c0d0e0f");

TEST(IpAddress, ParseAndPrint) {
  EXPECT_EQ(Addr("198.18.0.100").ToString(), "198.18.0.100");
  EXPECT_EQ(Addr("198.18.0.100"), IpAddress::V4(198, 18, 0, 100));
  EXPECT_EQ(Addr("fd00:cafe:cafe:100:0:0:0:100").ToString(), "fd00:cafe:cafe:100::100");
  EXPECT_EQ(Addr("fd00:cafe:cafe:0::100").family, 6);
  EXPECT_NE(Addr("198.18.0.100"), Addr("198.18.0.101"));
  EXPECT_FALSE(IpAddress::Parse("198.18.0").ok());
  EXPECT_FALSE(IpAddress::Parse("server4").ok());
  EXPECT_EQ(IpAddress{}.ToString(), "");
}

struct UdpCase {
  const char* name;
  IpAddress src, dst;
  uint8_t ecn;
  size_t header_length;
};

const UdpCase kUdpCases[] = {
    {.name = "v4",
     .src = Addr("198.18.0.100"),
     .dst = Addr("198.18.100.100"),
     .ecn = 2,
     .header_length = 20},
    {.name = "v6",
     .src = Addr("fd00:cafe:cafe:0::100"),
     .dst = Addr("fd00:cafe:cafe:100::100"),
     .ecn = 3,
     .header_length = 40},
};

TEST(Udp, ParsesBuiltPackets) {
  for (const UdpCase& c : kUdpCases) {
    SCOPED_TRACE(c.name);
    const Bytes packet = UdpPacket(c.src, c.dst, 50000, 443, kPayload, c.ecn);
    Result<UdpDatagram> udp = ParseUdpDatagram(packet);
    ASSERT_TRUE(udp.ok()) << udp.error().Text();
    EXPECT_EQ(udp->src, c.src);
    EXPECT_EQ(udp->dst, c.dst);
    EXPECT_EQ(udp->src_port, 50000);
    EXPECT_EQ(udp->dst_port, 443);
    EXPECT_EQ(udp->ecn, c.ecn);
    EXPECT_EQ(udp->payload_offset, c.header_length + 8);
    EXPECT_EQ(udp->payload_size, kPayload.size());
    EXPECT_TRUE(UdpChecksumValid(packet));
  }
}

TEST(Udp, EveryTruncatedPrefixFails) {
  for (const UdpCase& c : kUdpCases) {
    const Bytes packet = UdpPacket(c.src, c.dst, 50000, 443, kPayload);
    for (size_t n = 0; n < packet.size(); ++n) {
      SCOPED_TRACE(std::string(c.name) + " prefix " + std::to_string(n));
      Result<UdpDatagram> udp = ParseUdpDatagram(std::span(packet).first(n));
      ASSERT_FALSE(udp.ok());
      EXPECT_EQ(udp.error().code, Error::kParse);
      EXPECT_FALSE(UdpChecksumValid(std::span(packet).first(n)));
    }
  }
}

TEST(Udp, IgnoresLinkPaddingAfterTotalLength) {
  Bytes packet = UdpPacket(Addr("10.0.0.1"), Addr("10.0.0.2"), 1, 443, Hex("0102"));
  packet.insert(packet.end(), 20, 0);  // Ethernet minimum-frame padding
  Result<UdpDatagram> udp = ParseUdpDatagram(packet);
  ASSERT_TRUE(udp.ok()) << udp.error().Text();
  EXPECT_EQ(udp->payload_size, 2u);
  EXPECT_TRUE(UdpChecksumValid(packet));
}

TEST(Udp, NonUdpIsUnsupported) {
  Bytes tcp = UdpPacket(Addr("10.0.0.1"), Addr("10.0.0.2"), 1, 2, kPayload);
  tcp[9] = 6;
  Bytes fragment = UdpPacket(Addr("10.0.0.1"), Addr("10.0.0.2"), 1, 2, kPayload);
  fragment[6] = 0x20;  // More Fragments
  Bytes icmpv6 = UdpPacket(Addr("fd00::1"), Addr("fd00::2"), 1, 2, kPayload);
  icmpv6[6] = 58;
  Bytes v6_fragment = UdpPacket(Addr("fd00::1"), Addr("fd00::2"), 1, 2, kPayload);
  v6_fragment[6] = 44;
  for (const Bytes& p : {tcp, fragment, icmpv6, v6_fragment}) {
    Result<UdpDatagram> udp = ParseUdpDatagram(p);
    ASSERT_FALSE(udp.ok());
    EXPECT_EQ(udp.error().code, Error::kUnsupported) << udp.error().Text();
  }
}

TEST(Udp, WalksIpv6ExtensionHeaders) {
  const Bytes plain = UdpPacket(Addr("fd00::1"), Addr("fd00::2"), 4433, 443, kPayload);
  // Insert hop-by-hop (8 bytes) then destination options (16 bytes) before UDP.
  Bytes packet(plain.begin(), plain.begin() + 40);
  packet[6] = 0;                                      // hop-by-hop
  const Bytes hop_by_hop = Hex("3c00 010400000000");  // next = dest opts, len 0 (8 bytes)
  const Bytes dest_options =
      Hex("1101 0000000000000000000000000000");  // next = UDP, len 1 (16 bytes)
  packet.insert(packet.end(), hop_by_hop.begin(), hop_by_hop.end());
  packet.insert(packet.end(), dest_options.begin(), dest_options.end());
  packet.insert(packet.end(), plain.begin() + 40, plain.end());
  const size_t payload_length = packet.size() - 40;
  packet[4] = static_cast<uint8_t>(payload_length >> 8),
  packet[5] = static_cast<uint8_t>(payload_length);
  Result<UdpDatagram> udp = ParseUdpDatagram(packet);
  ASSERT_TRUE(udp.ok()) << udp.error().Text();
  EXPECT_EQ(udp->payload_offset, 40u + 8 + 16 + 8);
  EXPECT_EQ(udp->dst_port, 443);
  EXPECT_TRUE(UdpChecksumValid(packet));  // the pseudo-header ignores extension headers
  for (size_t n = 0; n < packet.size(); ++n)
    EXPECT_FALSE(ParseUdpDatagram(std::span(packet).first(n)).ok()) << n;
}

TEST(Udp, MalformedIsParseError) {
  Bytes bad_ihl = UdpPacket(Addr("10.0.0.1"), Addr("10.0.0.2"), 1, 2, kPayload);
  bad_ihl[0] = 0x44;
  Bytes bad_udp_length = UdpPacket(Addr("10.0.0.1"), Addr("10.0.0.2"), 1, 2, kPayload);
  bad_udp_length[20 + 5] = 200;
  Bytes not_ip = Hex("2000000000000000000000000000000000000000");
  for (const Bytes& p : {bad_ihl, bad_udp_length, not_ip}) {
    Result<UdpDatagram> udp = ParseUdpDatagram(p);
    ASSERT_FALSE(udp.ok());
    EXPECT_EQ(udp.error().code, Error::kParse) << udp.error().Text();
  }
}

// RFC 768 / RFC 1071: a known IPv4 example computed independently (with Python's one's-complement
// sum).
TEST(UdpChecksum, KnownValue) {
  const Bytes packet =
      Hex("4500001e000040004011 0000 c0a80001 c0a800c7"  // 192.168.0.1 -> 192.168.0.199
          "0035 e5f1 000a 0000 6869");                   // DNS port 53 -> 58865, "hi"
  EXPECT_EQ(ComputeUdpChecksum(packet), 0x2f31);
}

TEST(UdpChecksum, FixThenValidThenFlip) {
  for (const UdpCase& c : kUdpCases) {
    SCOPED_TRACE(c.name);
    Bytes packet = UdpPacket(c.src, c.dst, 50000, 443, kPayload);
    ASSERT_TRUE(UdpChecksumValid(packet));
    const size_t payload_at = c.header_length + 8;
    for (size_t i = c.header_length; i < packet.size(); ++i) {
      Bytes corrupted = packet;
      corrupted[i] ^= 0x01;
      if (i == c.header_length + 6 || i == c.header_length + 7)
        continue;  // the checksum field itself
      if (i == c.header_length + 4 || i == c.header_length + 5)
        continue;  // Length: no longer parses
      EXPECT_FALSE(UdpChecksumValid(corrupted)) << "flipped byte " << i;
    }
    packet[payload_at + 3] ^= 0xff;
    EXPECT_FALSE(UdpChecksumValid(packet));
    ASSERT_TRUE(FixUdpChecksum(packet).ok());
    EXPECT_TRUE(UdpChecksumValid(packet));
    EXPECT_EQ(ComputeUdpChecksum(packet),
              uint16_t(packet[c.header_length + 6] << 8 | packet[c.header_length + 7]));
  }
}

TEST(UdpChecksum, ZeroFieldMeansNoneInV4Only) {
  Bytes v4 = UdpPacket(Addr("10.0.0.1"), Addr("10.0.0.2"), 1, 2, kPayload);
  v4[26] = 0, v4[27] = 0;
  EXPECT_TRUE(UdpChecksumValid(v4));
  Bytes v6 = UdpPacket(Addr("fd00::1"), Addr("fd00::2"), 1, 2, kPayload);
  v6[46] = 0, v6[47] = 0;
  EXPECT_FALSE(UdpChecksumValid(v6));
  EXPECT_FALSE(FixUdpChecksum(std::span<uint8_t>()).ok());
  EXPECT_EQ(ComputeUdpChecksum(Hex("00")), 0);
}

}  // namespace
}  // namespace qir::trace

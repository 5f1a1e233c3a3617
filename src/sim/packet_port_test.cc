// Tests for the unprivileged parts of packet_port.h: completing CHECKSUM_PARTIAL checksums
// (what a sender with transmit offload leaves in its frames) and argument checks. The rings
// and sends themselves need a namespace and CAP_NET_RAW: tests/integration/sim_forwarding.sh.
#include "sim/packet_port.h"

#include <gtest/gtest.h>

#include <vector>

#include "trace/ip_udp.h"
#include "trace/trace_test_util.h"

namespace qir::sim {
namespace {

using trace::IpAddress;

/// Replaces a valid UDP or TCP checksum by what a CHECKSUM_PARTIAL skb holds instead: the
/// folded pseudo-header sum, not complemented.
void MakePartial(std::vector<uint8_t>& p, size_t l4, size_t field) {
  uint32_t sum = 0;
  const bool v4 = p[0] >> 4 == 4;
  const size_t addr = v4 ? 12 : 8, addr_len = v4 ? 8 : 32;
  for (size_t i = addr; i < addr + addr_len; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  sum += v4 ? p[9] : p[6];
  sum += static_cast<uint32_t>(p.size() - l4);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  p[l4 + field] = static_cast<uint8_t>(sum >> 8);
  p[l4 + field + 1] = static_cast<uint8_t>(sum & 0xff);
}

TEST(CompletePartialChecksumTest, UdpOverIpv4AndIpv6) {
  for (const char* pair : {"v4", "v6"}) {
    SCOPED_TRACE(pair);
    const bool v4 = std::string(pair) == "v4";
    IpAddress src = *IpAddress::Parse(v4 ? "198.18.0.100" : "fd00:cafe:cafe::100");
    IpAddress dst = *IpAddress::Parse(v4 ? "198.18.100.100" : "fd00:cafe:cafe:100::100");
    for (size_t size : {0, 1, 7, 1200}) {  // odd lengths exercise the padding byte
      std::vector<uint8_t> packet =
          trace::testing::UdpPacket(src, dst, 4433, 443, std::vector<uint8_t>(size, 0xa7));
      ASSERT_TRUE(trace::UdpChecksumValid(packet));
      const std::vector<uint8_t> want = packet;
      MakePartial(packet, v4 ? 20 : 40, 6);
      EXPECT_FALSE(trace::UdpChecksumValid(packet)) << size;
      ASSERT_TRUE(CompletePartialChecksum(packet));
      EXPECT_EQ(packet, want) << size;
    }
  }
}

TEST(CompletePartialChecksumTest, TcpOverIpv4) {
  // A 20-byte TCP header with 3 payload bytes; its checksum checked with the RFC 793 rule:
  // the one's-complement sum of pseudo-header and segment is 0xffff.
  std::vector<uint8_t> p = {0x45, 0, 0, 43, 0, 0, 0x40, 0, 64, 6, 0, 0, 198, 18, 0, 100,
                            198, 18, 100, 100};
  std::vector<uint8_t> tcp = {0x11, 0x5c, 0x01, 0xbb, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18,
                              0xff, 0xff, 0, 0, 0, 0, 'a', 'b', 'c'};
  p.insert(p.end(), tcp.begin(), tcp.end());
  MakePartial(p, 20, 16);
  ASSERT_TRUE(CompletePartialChecksum(p));
  uint32_t sum = 0;
  for (size_t i = 12; i < 20; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
  sum += 6 + 23;
  for (size_t i = 20; i < p.size(); i += 2) {
    sum += static_cast<uint32_t>(p[i] << 8 | (i + 1 < p.size() ? p[i + 1] : 0));
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
}

TEST(CompletePartialChecksumTest, LeavesOtherPacketsAlone) {
  std::vector<uint8_t> icmp = {0x45, 0, 0, 28, 0, 0, 0, 0, 64, 1, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                               8, 0, 0x12, 0x34, 0, 1, 0, 1};
  const std::vector<uint8_t> want = icmp;
  EXPECT_FALSE(CompletePartialChecksum(icmp));
  EXPECT_EQ(icmp, want);
  std::vector<uint8_t> short_udp = {0x45, 0, 0, 24, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                    0, 1, 0, 2};
  EXPECT_FALSE(CompletePartialChecksum(short_udp));  // the checksum field is cut off
  std::vector<uint8_t> empty;
  EXPECT_FALSE(CompletePartialChecksum(empty));
}

TEST(PacketPortTest, RejectsBadInterfaceNamesBeforeTouchingTheKernel) {
  for (const char* name : {"", "a-name-that-is-too-long"}) {
    SCOPED_TRACE(name);
    Result<PacketPort> port = PacketPort::Open(name);
    ASSERT_FALSE(port.ok());
    EXPECT_EQ(port.error().code, Error::kInvalidArgument);
  }
  Result<PacketPort> missing = PacketPort::Open("qir-no-such0");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, Error::kNotFound);
}

TEST(PacketPortTest, DefaultPortIsInert) {
  PacketPort port;
  EXPECT_EQ(port.fd(), -1);
  EXPECT_FALSE(port.Next().has_value());
  EXPECT_FALSE(port.HasFrame());
  port.Release();  // nothing held: no-op
  EXPECT_EQ(port.TakeRingDrops(), 0u);
}

}  // namespace
}  // namespace qir::sim

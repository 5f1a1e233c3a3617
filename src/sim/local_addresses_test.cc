// Tests for LocalAddresses: packets to the simulator's own addresses are told apart from
// transit packets, IPv4 and IPv6.
#include "sim/local_addresses.h"

#include <gtest/gtest.h>

#include <vector>

namespace qir::sim {
namespace {

std::vector<uint8_t> V4Packet(std::array<uint8_t, 4> dst) {
  std::vector<uint8_t> p(28, 0);
  p[0] = 0x45;
  std::copy(dst.begin(), dst.end(), p.begin() + 16);
  return p;
}

std::vector<uint8_t> V6Packet(std::array<uint8_t, 16> dst) {
  std::vector<uint8_t> p(48, 0);
  p[0] = 0x60;
  std::copy(dst.begin(), dst.end(), p.begin() + 24);
  return p;
}

TEST(LocalAddressesTest, DestinationV4) {
  LocalAddresses own;
  own.AddV4({198, 18, 0, 2});
  EXPECT_TRUE(own.IsDestinationOf(V4Packet({198, 18, 0, 2})));
  EXPECT_FALSE(own.IsDestinationOf(V4Packet({198, 18, 100, 100})));  // transit: to the server
  EXPECT_FALSE(own.IsDestinationOf(std::vector<uint8_t>(10, 0x45)));  // too short
}

TEST(LocalAddressesTest, DestinationV6) {
  LocalAddresses own;
  std::array<uint8_t, 16> sim{0xfd, 0x00, 0xca, 0xfe, 0xca, 0xfe, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
  std::array<uint8_t, 16> server = sim;
  server[7] = 100;
  server[15] = 100;
  own.AddV6(sim);
  EXPECT_TRUE(own.IsDestinationOf(V6Packet(sim)));
  EXPECT_FALSE(own.IsDestinationOf(V6Packet(server)));
  EXPECT_FALSE(own.IsDestinationOf(V4Packet({198, 18, 0, 2})));  // v4 packet, only v6 known
}

TEST(LocalAddressesTest, ThisNamespaceHasLoopback) {
  LocalAddresses own = LocalAddresses::OfThisNamespace();
  EXPECT_TRUE(own.IsDestinationOf(V4Packet({127, 0, 0, 1})));
}

}  // namespace
}  // namespace qir::sim

// Tests for the Trace model: direction, types, versions and CIDs from a small
// capture in both directions, counting of non-QUIC datagrams, warnings, and a
// damaged file read leniently.
#include "trace/trace.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "trace/link_layer.h"
#include "trace/rfc9000.h"
#include "trace/rfc9369.h"
#include "trace/trace_test_util.h"
#include "trace/varint.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Frame;
using testing::Hex;

const IpAddress kClient4 = IpAddress::V4(198, 18, 0, 100);
const IpAddress kServer4 = IpAddress::V4(198, 18, 100, 100);
const Bytes kClientCid = Hex("c1c2c3c4c5c6c7c8");
const Bytes kServerCid = Hex("5151515151");
const Bytes kOriginalDcid = Hex("8394c8f03e515708");

Bytes Long(uint8_t first, uint32_t version, const Bytes& dcid, const Bytes& scid, bool initial,
           size_t body) {
  testing::Writer w;
  w.U8(first).U32(version).U8(static_cast<uint8_t>(dcid.size())).Append(dcid);
  w.U8(static_cast<uint8_t>(scid.size())).Append(scid);
  if (initial) w.U8(0);  // empty token
  AppendVarintWithLength(body, 2, w.bytes);
  w.Append(Bytes(body, 0xee));
  return w.bytes;
}

Bytes Short(const Bytes& dcid) {
  Bytes out{0x41};
  out.insert(out.end(), dcid.begin(), dcid.end());
  out.insert(out.end(), 30, 0x99);
  return out;
}

Bytes Cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Bytes ToServer(const Bytes& quic, uint16_t sport = 50000) {
  return testing::UdpPacket(kClient4, kServer4, sport, 443, quic, 2);
}
Bytes ToClient(const Bytes& quic) {
  return testing::UdpPacket(kServer4, kClient4, 443, 50000, quic);
}

/// A v2 handshake: client Initial, server Initial+Handshake, client Handshake + 1-RTT, server
/// 1-RTT, plus a DNS datagram, a TCP packet and a broken QUIC datagram.
std::vector<Frame> HandshakeFrames() {
  Bytes tcp = ToServer(Hex("00"));
  tcp[9] = 6;
  return {
      {.time_ns = 1000,
       .data = ToServer(Long(0xd0, kVersion2, kOriginalDcid, kClientCid, true, 1100))},
      {.time_ns = 2000,
       .data = ToClient(Cat(Long(0xd0, kVersion2, kClientCid, kServerCid, true, 100),
                            Long(0xf0, kVersion2, kClientCid, kServerCid, false, 200)))},
      {.time_ns = 3000,
       .data = ToServer(
           Cat(Long(0xf0, kVersion2, kServerCid, kClientCid, false, 40), Short(kServerCid)))},
      {.time_ns = 4000, .data = ToClient(Short(kClientCid))},
      {.time_ns = 5000, .data = testing::UdpPacket(kClient4, kServer4, 5353, 53, Hex("0001"))},
      {.time_ns = 6000, .data = tcp},
      {.time_ns = 7000, .data = ToServer(Hex("c0000000"))},  // truncated long header
  };
}

TEST(Trace, HandshakeInBothDirections) {
  std::vector<CapturedPacket> capture;
  for (const Frame& f : HandshakeFrames()) {
    capture.push_back(
        {.time_ns = f.time_ns, .ip = f.data, .original_length = 0, .frame_index = capture.size()});
  }
  Result<Trace> trace = BuildTrace(capture, QirEndpoints());
  ASSERT_TRUE(trace.ok()) << trace.error().Text();
  EXPECT_EQ(trace->datagrams, 6u);           // TCP is not a datagram
  EXPECT_EQ(trace->non_quic_datagrams, 2u);  // DNS + the broken one
  ASSERT_EQ(trace->warnings.size(), 1u);
  EXPECT_NE(trace->warnings[0].find("frame 6"), std::string::npos) << trace->warnings[0];

  struct Want {
    PacketType type;
    Direction direction;
    uint32_t version;
    Bytes dcid, scid;
    size_t frame_index;
  };
  const Want want[] = {
      {PacketType::kInitial, Direction::kClientToServer, kVersion2, kOriginalDcid, kClientCid, 0},
      {PacketType::kInitial, Direction::kServerToClient, kVersion2, kClientCid, kServerCid, 1},
      {PacketType::kHandshake, Direction::kServerToClient, kVersion2, kClientCid, kServerCid, 1},
      {PacketType::kHandshake, Direction::kClientToServer, kVersion2, kServerCid, kClientCid, 2},
      {PacketType::kOneRtt, Direction::kClientToServer, 0, kServerCid, {}, 2},
      {PacketType::kOneRtt, Direction::kServerToClient, 0, kClientCid, {}, 3},
  };
  ASSERT_EQ(trace->packets.size(), std::size(want));
  for (size_t i = 0; i < std::size(want); ++i) {
    SCOPED_TRACE("packet " + std::to_string(i));
    const Packet& p = trace->packets[i];
    EXPECT_EQ(p.header.type, want[i].type) << PacketTypeName(p.header.type);
    EXPECT_EQ(p.direction, want[i].direction) << DirectionName(p.direction);
    EXPECT_EQ(p.header.version, want[i].version);
    EXPECT_EQ(p.header.dcid, want[i].dcid);
    EXPECT_EQ(p.header.scid, want[i].scid);
    EXPECT_EQ(p.frame_index, want[i].frame_index);
    EXPECT_EQ(p.time_ns, int64_t(1000 * (want[i].frame_index + 1)));
  }
  EXPECT_EQ(trace->packets[0].ecn, 2);
  EXPECT_EQ(trace->packets[0].src, kClient4);
  EXPECT_EQ(trace->packets[0].dst_port, 443);
  EXPECT_EQ(trace->packets[0].udp_payload_size, trace->packets[0].header.size);
}

TEST(Trace, DirectionRules) {
  const Endpoints qir = QirEndpoints();
  const IpAddress server6 = IpAddress::Parse("fd00:cafe:cafe:100::100").value();
  const IpAddress client6 = IpAddress::Parse("fd00:cafe:cafe::100").value();
  const IpAddress natted = IpAddress::V4(203, 0, 113, 7);
  const IpAddress other = IpAddress::V4(10, 1, 1, 1);
  EXPECT_EQ(ClassifyDirection(server6, client6, qir), Direction::kServerToClient);
  EXPECT_EQ(ClassifyDirection(client6, server6, qir), Direction::kClientToServer);
  EXPECT_EQ(ClassifyDirection(natted, kServer4, qir), Direction::kClientToServer);  // NATed client
  EXPECT_EQ(ClassifyDirection(kServer4, natted, qir), Direction::kServerToClient);
  EXPECT_EQ(ClassifyDirection(kClient4, other, qir), Direction::kClientToServer);
  EXPECT_EQ(ClassifyDirection(other, kClient4, qir), Direction::kServerToClient);
  EXPECT_EQ(ClassifyDirection(other, natted, qir), Direction::kUnknown);
}

TEST(Trace, QuicPortIsConfigurable) {
  std::vector<CapturedPacket> capture = {
      {.ip = testing::UdpPacket(kClient4, kServer4, 50000, 4433,
                                Long(0xc0, kVersion1, kOriginalDcid, kClientCid, true, 30))}};
  Result<Trace> on_443 = BuildTrace(capture, QirEndpoints());
  ASSERT_TRUE(on_443.ok());
  EXPECT_TRUE(on_443->packets.empty());
  EXPECT_EQ(on_443->non_quic_datagrams, 1u);
  Endpoints endpoints = QirEndpoints();
  endpoints.quic_port = 4433;
  Result<Trace> on_4433 = BuildTrace(capture, endpoints);
  ASSERT_TRUE(on_4433.ok());
  ASSERT_EQ(on_4433->packets.size(), 1u);
  EXPECT_EQ(on_4433->packets[0].header.version, kVersion1);
}

TEST(Trace, AnyPortToServers) {
  const IpAddress other = IpAddress::V4(10, 1, 1, 1);
  std::vector<CapturedPacket> capture = {
      {.ip = testing::UdpPacket(kClient4, kServer4, 50000, 4433,
                                Long(0xc0, kVersion1, kOriginalDcid, kClientCid, true, 30))},
      {.ip = testing::UdpPacket(kClient4, other, 50000, 4433,
                                Long(0xc0, kVersion1, kOriginalDcid, kClientCid, true, 30))}};
  Endpoints endpoints = QirEndpoints();
  endpoints.any_port_to_servers = true;
  Result<Trace> trace = BuildTrace(capture, endpoints);
  ASSERT_TRUE(trace.ok());
  ASSERT_EQ(trace->packets.size(), 1u);  // the one to a server address
  EXPECT_EQ(trace->packets[0].dst_port, 4433);
  EXPECT_EQ(trace->non_quic_datagrams, 1u);
}

TEST(Trace, WarningsAreCapped) {
  std::vector<CapturedPacket> capture(kMaxTraceWarnings + 5,
                                      CapturedPacket{.ip = ToServer(Hex("c0"))});
  Result<Trace> trace = BuildTrace(capture, QirEndpoints());
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->non_quic_datagrams, kMaxTraceWarnings + 5);
  ASSERT_EQ(trace->warnings.size(), kMaxTraceWarnings + 1);
  EXPECT_EQ(trace->warnings.back(), "5 more warnings not shown");
}

TEST(Trace, LoadTraceFromFilesIncludingADamagedOne) {
  const std::string path = ::testing::TempDir() + "/qir_trace_test.pcap";
  Bytes file = testing::PcapFile(HandshakeFrames(), static_cast<uint32_t>(LinkType::kRaw), true);
  file.resize(file.size() - 3);  // writer killed mid-record: the last (broken) frame is lost
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(file.data()), static_cast<std::streamsize>(file.size()));
  Result<Trace> trace = LoadTrace(path);
  std::remove(path.c_str());
  ASSERT_TRUE(trace.ok()) << trace.error().Text();
  EXPECT_EQ(trace->packets.size(), 6u);
  ASSERT_FALSE(trace->warnings.empty());
  EXPECT_NE(trace->warnings[0].find("truncated record"), std::string::npos) << trace->warnings[0];
  EXPECT_FALSE(LoadTrace("/nonexistent/qir.pcap").ok());
}

}  // namespace
}  // namespace qir::trace

namespace qir::trace {
namespace {

// Robustness: seeded random byte flips and cuts of a valid capture go through the whole
// pipeline (pcap -> IP/UDP -> QUIC headers) without crashing; run under ASan in development.
TEST(Trace, SurvivesMutatedCaptures) {
  const Bytes pcap =
      testing::PcapFile(HandshakeFrames(), static_cast<uint32_t>(LinkType::kRaw), true);
  uint64_t state = 0x9e3779b97f4a7c15;  // fixed seed: reproducible
  auto next = [&state] {
    state ^= state << 13, state ^= state >> 7, state ^= state << 17;
    return state;
  };
  size_t parsed = 0;
  for (int i = 0; i < 3000; ++i) {
    Bytes mutated = pcap;
    for (int flips = 1 + static_cast<int>(next() % 4); flips > 0; --flips) {
      mutated[24 + next() % (mutated.size() - 24)] ^= static_cast<uint8_t>(1 + next() % 255);
    }
    if (next() % 4 == 0) mutated.resize(next() % mutated.size());
    Result<LenientCapture> capture = ReadCaptureLenient(mutated);
    if (!capture.ok()) continue;
    Result<Trace> trace = BuildTrace(capture->packets, QirEndpoints());
    ASSERT_TRUE(trace.ok());
    parsed += trace->packets.size();
  }
  EXPECT_GT(parsed, 0u);
}

}  // namespace
}  // namespace qir::trace

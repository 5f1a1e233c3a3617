// Tests for pcap/pcapng reading: both byte orders and timestamp resolutions, all
// supported link types, pcapng sections with several interfaces and skipped
// blocks, size caps, and damaged files at every truncation length.
#include "trace/capture.h"

#include <gtest/gtest.h>

#include <cstdio>

#include "trace/ip_udp.h"
#include "trace/link_layer.h"
#include "trace/pcap_writer.h"
#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Frame;
using testing::Hex;
using testing::PcapFile;
using testing::Writer;

constexpr int64_t kT0 = 1'700'000'000'123'456'789;  // ns; a µs file keeps 1'700'000'000'123'456'000

Bytes V4Packet(uint16_t sport) {
  return testing::UdpPacket(IpAddress::V4(198, 18, 0, 100), IpAddress::V4(198, 18, 100, 100), sport,
                            443, Hex("c000000001"));
}
Bytes V6Packet(uint16_t sport) {
  return testing::UdpPacket(IpAddress::Parse("fd00:cafe:cafe:0::100").value(),
                            IpAddress::Parse("fd00:cafe:cafe:100::100").value(), sport, 443,
                            Hex("40"));
}

uint32_t U32(LinkType t) { return static_cast<uint32_t>(t); }

TEST(Capture, ClassicPcapByteOrdersAndResolutions) {
  const std::vector<Frame> frames = {{.time_ns = kT0, .data = V4Packet(1)},
                                     {.time_ns = kT0 + 1500, .data = V6Packet(2)}};
  struct Case {
    const char* name;
    bool nanoseconds, little_endian;
    int64_t want_t0, want_t1;
  };
  const Case cases[] = {
      {.name = "us_le",
       .nanoseconds = false,
       .little_endian = true,
       .want_t0 = kT0 / 1000 * 1000,
       .want_t1 = (kT0 + 1500) / 1000 * 1000},
      {.name = "ns_le",
       .nanoseconds = true,
       .little_endian = true,
       .want_t0 = kT0,
       .want_t1 = kT0 + 1500},
      {.name = "us_be",
       .nanoseconds = false,
       .little_endian = false,
       .want_t0 = kT0 / 1000 * 1000,
       .want_t1 = (kT0 + 1500) / 1000 * 1000},
      {.name = "ns_be",
       .nanoseconds = true,
       .little_endian = false,
       .want_t0 = kT0,
       .want_t1 = kT0 + 1500},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    Result<std::vector<CapturedPacket>> got =
        ReadCapture(PcapFile(frames, U32(LinkType::kRaw), c.nanoseconds, c.little_endian));
    ASSERT_TRUE(got.ok()) << got.error().Text();
    ASSERT_EQ(got->size(), 2u);
    EXPECT_EQ((*got)[0].time_ns, c.want_t0);
    EXPECT_EQ((*got)[1].time_ns, c.want_t1);
    EXPECT_EQ((*got)[0].ip, frames[0].data);
    EXPECT_EQ((*got)[1].ip, frames[1].data);
    EXPECT_EQ((*got)[1].original_length, frames[1].data.size());
    EXPECT_EQ((*got)[1].frame_index, 1u);
  }
}

/// A link-layer header in front of an IP packet, per link type.
struct LinkCase {
  const char* name;
  LinkType link_type;
  Bytes (*frame)(const Bytes& ip);
};

Bytes Sll(const Bytes& ip) {
  Writer w;
  w.U16(0).U16(1).U16(6).Append(Bytes(8, 0x11)).U16((ip[0] >> 4) == 6 ? 0x86dd : 0x0800).Append(ip);
  return w.bytes;
}
Bytes Sll2(const Bytes& ip) {
  Writer w;
  w.U16((ip[0] >> 4) == 6 ? 0x86dd : 0x0800)
      .U16(0)
      .U32(3)
      .U16(1)
      .U8(0)
      .U8(6)
      .Append(Bytes(8, 0x11))
      .Append(ip);
  return w.bytes;
}
Bytes NullLe(const Bytes& ip) {  // Linux/x86 host order; AF_INET6 = 10
  Writer w{.little_endian = true};
  w.U32((ip[0] >> 4) == 6 ? 10 : 2).Append(ip);
  return w.bytes;
}
Bytes LoopBe(const Bytes& ip) {  // network order; macOS AF_INET6 = 30
  Writer w;
  w.U32((ip[0] >> 4) == 6 ? 30 : 2).Append(ip);
  return w.bytes;
}

const LinkCase kLinkCases[] = {
    {.name = "raw", .link_type = LinkType::kRaw, .frame = [](const Bytes& ip) { return ip; }},
    {.name = "raw_alias_12",
     .link_type = LinkType::kRawAlias12,
     .frame = [](const Bytes& ip) { return ip; }},
    {.name = "raw_alias_14",
     .link_type = LinkType::kRawAlias14,
     .frame = [](const Bytes& ip) { return ip; }},
    {.name = "ethernet",
     .link_type = LinkType::kEthernet,
     .frame = [](const Bytes& ip) { return testing::EthernetFrame(ip, false); }},
    {.name = "ethernet_vlan",
     .link_type = LinkType::kEthernet,
     .frame = [](const Bytes& ip) { return testing::EthernetFrame(ip, true); }},
    {.name = "linux_sll", .link_type = LinkType::kLinuxSll, .frame = &Sll},
    {.name = "linux_sll2", .link_type = LinkType::kLinuxSll2, .frame = &Sll2},
    {.name = "null", .link_type = LinkType::kNull, .frame = &NullLe},
    {.name = "loop", .link_type = LinkType::kLoop, .frame = &LoopBe},
};

TEST(Capture, EveryLinkTypeYieldsTheIpPacket) {
  for (const LinkCase& c : kLinkCases) {
    SCOPED_TRACE(c.name);
    const std::vector<Frame> frames = {{.time_ns = kT0, .data = c.frame(V4Packet(7))},
                                       {.time_ns = kT0, .data = c.frame(V6Packet(8))}};
    Result<std::vector<CapturedPacket>> got = ReadCapture(PcapFile(frames, U32(c.link_type), true));
    ASSERT_TRUE(got.ok()) << got.error().Text();
    ASSERT_EQ(got->size(), 2u);
    EXPECT_EQ((*got)[0].ip, V4Packet(7));
    EXPECT_EQ((*got)[1].ip, V6Packet(8));
    EXPECT_EQ((*got)[0].original_length, frames[0].data.size());
  }
  const Bytes v4 = V4Packet(1), v6 = V6Packet(1);
  EXPECT_TRUE(ReadCapture(PcapFile({{.data = v4}}, U32(LinkType::kIpv4), true)).ok());
  EXPECT_EQ(ReadCapture(PcapFile({{.data = v6}}, U32(LinkType::kIpv6), true))->front().ip, v6);
}

TEST(Capture, NonIpFramesAreSkippedButCounted) {
  Writer arp;
  arp.Append(Bytes(12, 0xff)).U16(0x0806).Append(Bytes(28, 0));
  const std::vector<Frame> frames = {{.data = arp.bytes},
                                     {.data = testing::EthernetFrame(V4Packet(1), false)}};
  Result<std::vector<CapturedPacket>> got =
      ReadCapture(PcapFile(frames, U32(LinkType::kEthernet), true));
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ASSERT_EQ(got->size(), 1u);
  EXPECT_EQ(got->front().frame_index, 1u);
}

/// A pcapng file: Ethernet interface (µs), raw interface (ns), a DSB to skip, three packets.
Bytes PcapngFile(bool little_endian) {
  Writer w{.little_endian = little_endian};
  testing::PcapngSection(w);
  testing::PcapngInterface(w, U32(LinkType::kEthernet));
  testing::PcapngInterface(w, U32(LinkType::kRaw), 9);
  Writer dsb{.little_endian = little_endian};
  dsb.U32(0x544c534b).U32(8).Append(Bytes(8, 0x41));  // TLS key log secrets type, 8 bytes
  testing::PcapngBlock(w, 0x0000000a, dsb.bytes);
  testing::PcapngPacket(w, 0, static_cast<uint64_t>(kT0 / 1000),
                        testing::EthernetFrame(V4Packet(1), true));
  testing::PcapngBlock(w, 0x00000bad, Bytes(5, 0x77));  // unknown block type: skipped
  testing::PcapngPacket(w, 1, static_cast<uint64_t>(kT0 + 5), V6Packet(2));
  Writer spb{.little_endian = little_endian};
  const Bytes spb_frame = testing::EthernetFrame(V4Packet(3), false);
  spb.U32(static_cast<uint32_t>(spb_frame.size())).Append(spb_frame);
  testing::PcapngBlock(w, 0x00000003, spb.bytes);
  return w.bytes;
}

TEST(Capture, PcapngInterfacesResolutionsAndSkippedBlocks) {
  for (bool little_endian : {true, false}) {
    SCOPED_TRACE(little_endian ? "little endian" : "big endian");
    Result<std::vector<CapturedPacket>> got = ReadCapture(PcapngFile(little_endian));
    ASSERT_TRUE(got.ok()) << got.error().Text();
    ASSERT_EQ(got->size(), 3u);
    EXPECT_EQ((*got)[0].ip, V4Packet(1));
    EXPECT_EQ((*got)[0].time_ns, kT0 / 1000 * 1000);
    EXPECT_EQ((*got)[1].ip, V6Packet(2));
    EXPECT_EQ((*got)[1].time_ns, kT0 + 5);
    EXPECT_EQ((*got)[2].ip, V4Packet(3));
    EXPECT_EQ((*got)[2].time_ns, kT0 + 5);  // SPB: no timestamp, previous packet's time
  }
}

TEST(Capture, PcapngBinaryResolutionAndSecondSection) {
  Writer w;  // big-endian section, then a little-endian one
  testing::PcapngSection(w);
  testing::PcapngInterface(w, U32(LinkType::kRaw), 0x80 | 10);  // 2^-10 s
  testing::PcapngPacket(w, 0, 3 * 1024 + 512, V4Packet(1));     // 3.5 s
  Writer second{.little_endian = true};
  testing::PcapngSection(second);
  testing::PcapngInterface(second, U32(LinkType::kLinuxSll2));
  testing::PcapngPacket(second, 0, 2'000'000, Sll2(V6Packet(2)));  // 2 s in µs
  w.Append(second.bytes);
  Result<std::vector<CapturedPacket>> got = ReadCapture(w.bytes);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].time_ns, 3'500'000'000);
  EXPECT_EQ((*got)[1].time_ns, 2'000'000'000);
  EXPECT_EQ((*got)[1].ip, V6Packet(2));
}

/// Cuts `file` at every length inside its last record: strict read fails naming the record's
/// offset, lenient read keeps the earlier packets with a warning.
void ExpectTruncationHandled(const Bytes& file, size_t last_record_offset, size_t packets_before) {
  for (size_t n = last_record_offset + 1; n < file.size(); ++n) {
    SCOPED_TRACE("cut at " + std::to_string(n));
    const std::span<const uint8_t> cut = std::span(file).first(n);
    Result<std::vector<CapturedPacket>> strict = ReadCapture(cut);
    ASSERT_FALSE(strict.ok());
    EXPECT_EQ(strict.error().code, Error::kParse);
    EXPECT_NE(strict.error().arg.find("file offset " + std::to_string(last_record_offset)),
              std::string::npos)
        << strict.error().Text();
    Result<LenientCapture> lenient = ReadCaptureLenient(cut);
    ASSERT_TRUE(lenient.ok()) << lenient.error().Text();
    EXPECT_EQ(lenient->packets.size(), packets_before);
    EXPECT_NE(lenient->warning.find("truncated"), std::string::npos) << lenient->warning;
  }
  Result<LenientCapture> whole = ReadCaptureLenient(file);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(whole->packets.size(), packets_before + 1);
  EXPECT_TRUE(whole->warning.empty());
}

TEST(Capture, TruncatedLastPcapRecord) {
  const std::vector<Frame> frames = {
      {.data = V4Packet(1)}, {.data = V4Packet(2)}, {.data = V6Packet(3)}};
  const Bytes file = PcapFile(frames, U32(LinkType::kRaw), true);
  const size_t last = 24 + 2 * 16 + frames[0].data.size() + frames[1].data.size();
  ExpectTruncationHandled(file, last, 2);
}

TEST(Capture, TruncatedLastPcapngBlock) {
  const Bytes file = PcapngFile(true);
  const size_t spb_size = 12 + 4 + testing::EthernetFrame(V4Packet(3), false).size();
  ExpectTruncationHandled(file, file.size() - ((spb_size + 3) / 4 * 4), 2);
}

TEST(Capture, TruncatedHeaderIsAnErrorEvenWhenLenient) {
  const Bytes file = PcapFile({{.data = V4Packet(1)}}, U32(LinkType::kRaw), true);
  for (size_t n = 0; n < 24; ++n) {
    EXPECT_FALSE(ReadCapture(std::span(file).first(n)).ok()) << n;
    EXPECT_FALSE(ReadCaptureLenient(std::span(file).first(n)).ok()) << n;
  }
  EXPECT_TRUE(
      ReadCapture(std::span(file).first(24))->empty());  // header only: a valid empty capture
}

TEST(Capture, RefusesBadInput) {
  Bytes huge = PcapFile({}, U32(LinkType::kRaw), true);
  Writer record{.little_endian = true};
  record.U32(0).U32(0).U32(300'000).U32(300'000);
  huge.insert(huge.end(), record.bytes.begin(), record.bytes.end());
  Result<std::vector<CapturedPacket>> got = ReadCapture(huge);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Error::kLimitExceeded);
  EXPECT_TRUE(ReadCaptureLenient(huge).ok());  // lenient: zero packets and a warning

  got = ReadCapture(PcapFile({}, 127, true));  // 802.11 radiotap
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Error::kUnsupported);

  got = ReadCapture(Hex("0123456789abcdef0123456789abcdef0123456789abcdef"));
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Error::kParse);

  Bytes short_ethernet = PcapFile({{.data = Bytes(10, 0)}}, U32(LinkType::kEthernet), true);
  got = ReadCapture(short_ethernet);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Error::kParse);

  EXPECT_TRUE(ReadCapture(PcapngFile(true)).ok());  // control for the next case
  Writer w{.little_endian = true};
  testing::PcapngSection(w);
  testing::PcapngPacket(w, 0, 0, V4Packet(1));  // EPB before any IDB
  got = ReadCapture(w.bytes);
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("undeclared interface"), std::string::npos);
}

TEST(Capture, FileErrors) {
  Result<std::vector<CapturedPacket>> got = ReadCaptureFile("/nonexistent/qir/trace.pcap");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code, Error::kNotFound);
}

// The simulator writes with the lead's PcapWriter; the reader must read it back.
TEST(Capture, ReadsPcapWriterOutput) {
  const std::string path = ::testing::TempDir() + "/qir_capture_test.pcap";
  {
    Result<PcapWriter> writer = PcapWriter::Create(path);
    ASSERT_TRUE(writer.ok()) << writer.error().Text();
    ASSERT_TRUE(writer->Write(kT0, V4Packet(1)).ok());
    ASSERT_TRUE(writer->Write(kT0 + 7, V6Packet(2)).ok());
  }
  Result<std::vector<CapturedPacket>> got = ReadCaptureFile(path);
  std::remove(path.c_str());
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ASSERT_EQ(got->size(), 2u);
  EXPECT_EQ((*got)[0].time_ns, kT0);
  EXPECT_EQ((*got)[1].time_ns, kT0 + 7);
  EXPECT_EQ((*got)[1].ip, V6Packet(2));
}

}  // namespace
}  // namespace qir::trace

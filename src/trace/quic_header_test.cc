// Tests for QUIC header parsing: RFC 9001 Appendix A and RFC 9369 Appendix A
// packets, Version Negotiation, coalesced datagrams, malformed headers and every
// truncated prefix.
#include "trace/quic_header.h"

#include <gtest/gtest.h>

#include <optional>

#include "trace/rfc9000.h"
#include "trace/rfc9369.h"
#include "trace/trace_test_util.h"
#include "trace/varint.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Hex;
using testing::HexFixture;

// RFC 9001 A.3 / RFC 9369 A.3: server Initial (SCID f067a5502a4262b5, 2-byte PN).
constexpr const char* kV1ServerInitial =
    "cf000000010008f067a5502a4262b500 4075c0d95a482cd0991cd25b0aac406a"
    "5816b6394100f37a1c69797554780bb3 8cc5a99f5ede4cf73c3ec2493a1839b3"
    "dbcba3f6ea46c5b7684df3548e7ddeb9 c3bf9c73cc3f3bded74b562bfb19fb84"
    "022f8ef4cdd93795d77d06edbb7aaf2f 58891850abbdca3d20398c276456cbc4"
    "2158407dd074ee";
constexpr const char* kV2ServerInitial =
    "dc6b3343cf0008f067a5502a4262b500 4075d92faaf16f05d8a4398c47089698"
    "baeea26b91eb761d9b89237bbf872630 17915358230035f7fd3945d88965cf17"
    "f9af6e16886c61bfc703106fbaf3cb4c fa52382dd16a393e42757507698075b2"
    "c984c707f0a0812d8cd5a6881eaf21ce da98f4bd23f6fe1a3e2c43edd9ce7ca8"
    "4bed8521e2e140";
// RFC 9001 A.4 / RFC 9369 A.4: Retry with token "token".
constexpr const char* kV1Retry =
    "ff000000010008f067a5502a4262b574 6f6b656e04a265ba2eff4d829058fb3f 0f2496ba";
constexpr const char* kV2Retry =
    "cf6b3343cf0008f067a5502a4262b574 6f6b656ec8646ce8bfe33952d9555436 65dcc7b6";
// RFC 9001 A.5: ChaCha20 short header packet, empty DCID, 21 bytes.
constexpr const char* kV1ShortHeader = "4cfe4189655e5cd55c41f69080575d7999c25a5bfb";

const Bytes kClientDcid = Hex("8394c8f03e515708");
const Bytes kServerScid = Hex("f067a5502a4262b5");

/// A long-header packet built from named fields; `token` only for Initial; `body` bytes of
/// PN+payload.
Bytes LongPacket(uint8_t first_byte, uint32_t version, const Bytes& dcid, const Bytes& scid,
                 std::optional<Bytes> token, size_t body) {
  testing::Writer w;
  w.U8(first_byte).U32(version).U8(static_cast<uint8_t>(dcid.size())).Append(dcid);
  w.U8(static_cast<uint8_t>(scid.size())).Append(scid);
  if (token) {
    AppendVarint(token->size(), w.bytes);
    w.Append(*token);
  }
  AppendVarintWithLength(body, 2, w.bytes);
  w.Append(Bytes(body, 0xab));
  return w.bytes;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes VersionNegotiationPacket() {
  testing::Writer w;
  w.U8(0x80 | 0x3a)
      .U32(kVersionNegotiation)
      .U8(8)
      .Append(kClientDcid)
      .U8(4)
      .Append(Hex("01020304"));
  w.U32(kVersion1).U32(kVersion2).U32(0x1a2a3a4a);
  return w.bytes;
}

struct HeaderCase {
  const char* name;
  Bytes packet;
  PacketType type;
  uint32_t version;
  Bytes dcid, scid, token;
  uint64_t length;
  size_t pn_offset;
  bool length_delimited;  ///< every strict prefix must fail (the Length field covers the packet)
};

std::vector<HeaderCase> Cases() {
  return {
      {.name = "v1_client_initial_rfc9001_a2",
       .packet = HexFixture("rfc9001_a2_client_initial.hex"),
       .type = PacketType::kInitial,
       .version = kVersion1,
       .dcid = kClientDcid,
       .length = 1182,
       .pn_offset = 18,
       .length_delimited = true},
      {.name = "v1_server_initial_rfc9001_a3",
       .packet = Hex(kV1ServerInitial),
       .type = PacketType::kInitial,
       .version = kVersion1,
       .scid = kServerScid,
       .length = 117,
       .pn_offset = 18,
       .length_delimited = true},
      {.name = "v2_client_initial_rfc9369_a2",
       .packet = HexFixture("rfc9369_a2_client_initial.hex"),
       .type = PacketType::kInitial,
       .version = kVersion2,
       .dcid = kClientDcid,
       .length = 1182,
       .pn_offset = 18,
       .length_delimited = true},
      {.name = "v2_server_initial_rfc9369_a3",
       .packet = Hex(kV2ServerInitial),
       .type = PacketType::kInitial,
       .version = kVersion2,
       .scid = kServerScid,
       .length = 117,
       .pn_offset = 18,
       .length_delimited = true},
      {.name = "v1_retry_rfc9001_a4",
       .packet = Hex(kV1Retry),
       .type = PacketType::kRetry,
       .version = kVersion1,
       .scid = kServerScid,
       .token = Hex("746f6b656e")},
      {.name = "v2_retry_rfc9369_a4",
       .packet = Hex(kV2Retry),
       .type = PacketType::kRetry,
       .version = kVersion2,
       .scid = kServerScid,
       .token = Hex("746f6b656e")},
      {.name = "v1_handshake_built",
       .packet = LongPacket(0xe1, kVersion1, kClientDcid, kServerScid, {}, 40),
       .type = PacketType::kHandshake,
       .version = kVersion1,
       .dcid = kClientDcid,
       .scid = kServerScid,
       .length = 40,
       .pn_offset = 1 + 4 + 1 + 8 + 1 + 8 + 2,
       .length_delimited = true},
      {.name = "v2_handshake_built",
       .packet = LongPacket(0xf1, kVersion2, kClientDcid, kServerScid, {}, 40),
       .type = PacketType::kHandshake,
       .version = kVersion2,
       .dcid = kClientDcid,
       .scid = kServerScid,
       .length = 40,
       .pn_offset = 1 + 4 + 1 + 8 + 1 + 8 + 2,
       .length_delimited = true},
      {.name = "v1_zero_rtt_built",
       .packet = LongPacket(0xd0, kVersion1, kClientDcid, Hex("aa"), {}, 20),
       .type = PacketType::kZeroRtt,
       .version = kVersion1,
       .dcid = kClientDcid,
       .scid = Hex("aa"),
       .length = 20,
       .pn_offset = 1 + 4 + 1 + 8 + 1 + 1 + 2,
       .length_delimited = true},
      {.name = "v2_zero_rtt_built",
       .packet = LongPacket(0xe0, kVersion2, kClientDcid, Hex("aa"), {}, 20),
       .type = PacketType::kZeroRtt,
       .version = kVersion2,
       .dcid = kClientDcid,
       .scid = Hex("aa"),
       .length = 20,
       .pn_offset = 1 + 4 + 1 + 8 + 1 + 1 + 2,
       .length_delimited = true},
      {.name = "v1_initial_with_token",
       .packet = LongPacket(0xc0, kVersion1, kClientDcid, {}, Hex("746f6b656e"), 30),
       .type = PacketType::kInitial,
       .version = kVersion1,
       .dcid = kClientDcid,
       .token = Hex("746f6b656e"),
       .length = 30,
       .pn_offset = 1 + 4 + 1 + 8 + 1 + 1 + 5 + 2,
       .length_delimited = true},
      {.name = "version_negotiation",
       .packet = VersionNegotiationPacket(),
       .type = PacketType::kVersionNegotiation,
       .version = 0,
       .dcid = kClientDcid,
       .scid = Hex("01020304")},
      {.name = "v1_short_header_rfc9001_a5",
       .packet = Hex(kV1ShortHeader),
       .type = PacketType::kOneRtt,
       .pn_offset = 1},
  };
}

TEST(QuicHeader, ParsesVectorsAndBuiltPackets) {
  for (const HeaderCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    ASSERT_FALSE(c.packet.empty()) << "fixture missing or bad hex";
    Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(c.packet);
    ASSERT_TRUE(got.ok()) << got.error().Text();
    ASSERT_EQ(got->size(), 1u);
    const QuicPacketHeader& h = got->front();
    EXPECT_EQ(h.type, c.type) << PacketTypeName(h.type);
    EXPECT_EQ(h.version, c.version);
    EXPECT_EQ(h.first_byte, c.packet[0]);
    EXPECT_EQ(h.dcid, c.dcid);
    EXPECT_EQ(h.scid, c.scid);
    EXPECT_EQ(h.token, c.token);
    EXPECT_EQ(h.length, c.length);
    EXPECT_EQ(h.pn_offset, c.pn_offset);
    EXPECT_EQ(h.offset, 0u);
    EXPECT_EQ(h.size, c.packet.size());
  }
}

TEST(QuicHeader, RfcInitialsAreFullSize) {
  EXPECT_EQ(HexFixture("rfc9001_a2_client_initial.hex").size(), kMinInitialDatagramSize);
  EXPECT_EQ(HexFixture("rfc9369_a2_client_initial.hex").size(), kMinInitialDatagramSize);
}

TEST(QuicHeader, RetryTagAndVersionNegotiationList) {
  Result<std::vector<QuicPacketHeader>> retry = ParseQuicDatagram(Hex(kV2Retry));
  ASSERT_TRUE(retry.ok());
  const Bytes tag = Hex("c8646ce8bfe33952d955543665dcc7b6");
  EXPECT_TRUE(std::equal(tag.begin(), tag.end(), retry->front().retry_integrity_tag.begin()));
  Result<std::vector<QuicPacketHeader>> vn = ParseQuicDatagram(VersionNegotiationPacket());
  ASSERT_TRUE(vn.ok());
  EXPECT_EQ(vn->front().supported_versions,
            (std::vector<uint32_t>{kVersion1, kVersion2, 0x1a2a3a4a}));
}

// The same first byte means different types in v1 and v2 (RFC 9369 §3.2).
TEST(QuicHeader, LongHeaderTypeDependsOnVersion) {
  EXPECT_EQ(LongHeaderType(kVersion1, 0), PacketType::kInitial);
  EXPECT_EQ(LongHeaderType(kVersion1, 1), PacketType::kZeroRtt);
  EXPECT_EQ(LongHeaderType(kVersion1, 2), PacketType::kHandshake);
  EXPECT_EQ(LongHeaderType(kVersion1, 3), PacketType::kRetry);
  EXPECT_EQ(LongHeaderType(kVersion2, 0), PacketType::kRetry);
  EXPECT_EQ(LongHeaderType(kVersion2, 1), PacketType::kInitial);
  EXPECT_EQ(LongHeaderType(kVersion2, 2), PacketType::kZeroRtt);
  EXPECT_EQ(LongHeaderType(kVersion2, 3), PacketType::kHandshake);
  // The v2 Retry's first byte 0xcf read as v1 is an Initial (whose token length then overruns).
  Bytes as_v1 = Hex(kV2Retry);
  as_v1[1] = 0, as_v1[2] = 0, as_v1[3] = 0, as_v1[4] = 1;
  Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(as_v1);
  EXPECT_FALSE(got.ok() && got->front().type == PacketType::kRetry);
}

TEST(QuicHeader, CoalescedInitialHandshakeOneRtt) {
  const Bytes initial = Hex(kV1ServerInitial);
  const Bytes handshake = LongPacket(0xe1, kVersion1, {}, kServerScid, {}, 50);
  const Bytes one_rtt = Concat({Hex("41"), Bytes(24, 0x55)});
  const Bytes datagram = Concat({initial, handshake, one_rtt});
  Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(datagram);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].type, PacketType::kInitial);
  EXPECT_EQ((*got)[1].type, PacketType::kHandshake);
  EXPECT_EQ((*got)[1].offset, initial.size());
  EXPECT_EQ((*got)[1].size, handshake.size());
  EXPECT_EQ((*got)[2].type, PacketType::kOneRtt);
  EXPECT_EQ((*got)[2].offset, initial.size() + handshake.size());
  EXPECT_EQ((*got)[2].size, one_rtt.size());
  EXPECT_EQ((*got)[2].version, 0u);
}

TEST(QuicHeader, ShortHeaderDcidNeedsItsLength) {
  const Bytes packet = Concat({Hex("41"), kClientDcid, Bytes(20, 0x55)});
  Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(packet, kClientDcid.size());
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->front().dcid, kClientDcid);
  EXPECT_EQ(got->front().pn_offset, 1 + kClientDcid.size());
  EXPECT_TRUE(ParseQuicDatagram(packet)->front().dcid.empty());
  // Must fail: the RFC 9001 A.5 packet has no room for an 8-byte DCID plus a sample.
  EXPECT_FALSE(ParseQuicDatagram(Hex(kV1ShortHeader), 8).ok());
}

TEST(QuicHeader, ZeroPaddingAfterLongPacketEndsTheWalk) {
  const Bytes datagram = Concat({Hex(kV1ServerInitial), Bytes(1200 - 135, 0)});
  Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(datagram);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->size(), 1u);
}

TEST(QuicHeader, GreasedFixedBitShortHeaderIsAPacket) {
  // RFC 9287: after grease_quic_bit the fixed bit may be 0 (ngtcp2 does this).
  Bytes greased = Concat({Hex("01"), Bytes(30, 0x5a)});
  Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(greased);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->front().type, PacketType::kOneRtt);
  const Bytes coalesced = Concat({Hex(kV1ServerInitial), greased});
  got = ParseQuicDatagram(coalesced);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->size(), 2u);
}

TEST(QuicHeader, UnknownVersionReadsOnlyInvariantFields) {
  const Bytes long_cid(40, 0x11);
  testing::Writer w;
  w.U8(0xc0).U32(0x1a2a3a4a).U8(40).Append(long_cid).U8(0).Append(Bytes(100, 0));
  Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(w.bytes);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->front().type, PacketType::kUnknownVersion);
  EXPECT_EQ(got->front().version, 0x1a2a3a4au);
  EXPECT_EQ(got->front().dcid, long_cid);
  EXPECT_EQ(got->front().size, w.bytes.size());
}

struct BadCase {
  const char* name;
  Bytes datagram;
  const char* message_part;
};

TEST(QuicHeader, RejectsMalformedPackets) {
  Bytes long_dcid = LongPacket(0xc0, kVersion1, Bytes(21, 1), {}, Bytes{}, 30);
  Bytes length_too_big = LongPacket(0xe0, kVersion1, kClientDcid, {}, {}, 30);
  length_too_big.pop_back();
  Bytes token_too_long = LongPacket(0xc0, kVersion1, kClientDcid, {}, Bytes{}, 30);
  token_too_long[1 + 4 + 1 + 8 + 1] = 0x3f;  // Token Length 63 > what is left after it
  const BadCase cases[] = {
      {.name = "empty", .datagram = {}, .message_part = "empty"},
      {.name = "v1_dcid_21_bytes", .datagram = long_dcid, .message_part = "longer than 20"},
      {.name = "length_exceeds_datagram",
       .datagram = length_too_big,
       .message_part = "Length exceeds"},
      {.name = "token_exceeds_datagram", .datagram = token_too_long, .message_part = "exceeds"},
      {.name = "length_below_sample",
       .datagram = LongPacket(0xe0, kVersion1, {}, {}, {}, 19),
       .message_part = "sample"},
      {.name = "short_header_fixed_bit_0_all_zero",
       .datagram = Bytes(31, 0),
       .message_part = "fixed bit"},
      {.name = "short_header_too_short", .datagram = Bytes(20, 0x40), .message_part = "sample"},
      {.name = "vn_without_versions",
       .datagram = Hex("80000000000000"),
       .message_part = "Supported Versions"},
      {.name = "vn_ragged_versions",
       .datagram = Hex("8000000000000000000001ff"),
       .message_part = "Supported Versions"},
      {.name = "retry_shorter_than_tag",
       .datagram = Hex("f0000000010000 0102030405"),
       .message_part = "Integrity Tag"},
      {.name = "garbage_after_valid_packet",
       .datagram = Concat({Hex(kV1ServerInitial), Hex("c000000001ff")}),
       .message_part = "longer than 20"},
  };
  for (const BadCase& c : cases) {
    SCOPED_TRACE(c.name);
    Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(c.datagram);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, Error::kParse);
    EXPECT_NE(got.error().Text().find(c.message_part), std::string::npos) << got.error().Text();
  }
}

/// Every prefix either fails or yields packets that exactly tile the prefix.
void ExpectPrefixesSafe(const Bytes& datagram, bool every_prefix_fails) {
  for (size_t n = 0; n < datagram.size(); ++n) {
    SCOPED_TRACE("prefix " + std::to_string(n));
    Result<std::vector<QuicPacketHeader>> got = ParseQuicDatagram(std::span(datagram).first(n));
    if (every_prefix_fails) {
      ASSERT_FALSE(got.ok());
      EXPECT_EQ(got.error().code, Error::kParse);
      continue;
    }
    if (!got.ok()) continue;
    size_t end = 0;
    for (const QuicPacketHeader& h : *got) {
      EXPECT_EQ(h.offset, end);
      end += h.size;
    }
    EXPECT_EQ(end, n);
  }
}

TEST(QuicHeader, EveryTruncatedPrefixFailsOrTiles) {
  for (const HeaderCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    ExpectPrefixesSafe(c.packet, c.length_delimited);
  }
  const Bytes initial = Hex(kV1ServerInitial);
  const Bytes handshake = LongPacket(0xe1, kVersion1, {}, kServerScid, {}, 50);
  ExpectPrefixesSafe(Concat({initial, handshake, Hex("41"), Bytes(24, 0x55)}), false);
  // Prefixes cut inside the Handshake packet must fail, not come back as one Initial.
  const Bytes coalesced = Concat({initial, handshake});
  for (size_t n = initial.size() + 1; n < coalesced.size(); ++n) {
    EXPECT_FALSE(ParseQuicDatagram(std::span(coalesced).first(n)).ok()) << n;
  }
}

TEST(QuicHeader, PacketTypeNames) {
  EXPECT_STREQ(PacketTypeName(PacketType::kInitial), "Initial");
  EXPECT_STREQ(PacketTypeName(PacketType::kOneRtt), "1-RTT");
  EXPECT_STREQ(PacketTypeName(PacketType::kVersionNegotiation), "VersionNegotiation");
}

}  // namespace
}  // namespace qir::trace

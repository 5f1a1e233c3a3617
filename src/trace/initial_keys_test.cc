// Tests for Initial packet protection against RFC 9001 Appendix A (v1) and
// RFC 9369 Appendix A (v2): derived keys, decryption of the client and server
// Initials, Retry integrity, packet-number decoding, and must-fail cases.
#include "trace/initial_keys.h"

#include <gtest/gtest.h>

#include "trace/quic_header.h"
#include "trace/rfc9000.h"
#include "trace/rfc9369.h"
#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Hex;
using testing::HexFixture;

const Bytes kDcid = Hex("8394c8f03e515708");

template <size_t N>
Bytes ToBytes(const std::array<uint8_t, N>& a) {
  return Bytes(a.begin(), a.end());
}

struct KeyCase {
  const char* name;
  uint32_t version;
  const char* client_secret;  // empty: not listed in the RFC
  const char* client_key;
  const char* client_iv;
  const char* client_hp;
  const char* server_key;
  const char* server_iv;
  const char* server_hp;
};

const KeyCase kKeyCases[] = {
    {.name = "v1_rfc9001_a1",
     .version = kVersion1,
     .client_secret = "c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea",
     .client_key = "1f369613dd76d5467730efcbe3b1a22d",
     .client_iv = "fa044b2f42a3fd3b46fb255c",
     .client_hp = "9f50449e04a0e810283a1e9933adedd2",
     .server_key = "cf3a5331653c364c88f0f379b6067e37",
     .server_iv = "0ac1493ca1905853b0bba03e",
     .server_hp = "c206b8d9b9f0f37644430b490eeaa314"},
    {.name = "v2_rfc9369_a1",
     .version = kVersion2,
     .client_secret = "14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b",
     .client_key = "8b1a0bc121284290a29e0971b5cd045d",
     .client_iv = "91f73e2351d8fa91660e909f",
     .client_hp = "45b95e15235d6f45a6b19cbcb0294ba9",
     .server_key = "82db637861d55e1d011f19ea71d5d2a7",
     .server_iv = "dd13c276499c0249d3310652",
     .server_hp = "edf6d05c83121201b436e16877593c3a"},
};

TEST(InitialKeys, DerivesRfcKeys) {
  for (const KeyCase& c : kKeyCases) {
    SCOPED_TRACE(c.name);
    Result<InitialKeys> keys = DeriveInitialKeys(c.version, kDcid);
    ASSERT_TRUE(keys.ok()) << keys.error().Text();
    EXPECT_EQ(keys->client.secret, Hex(c.client_secret));
    EXPECT_EQ(ToBytes(keys->client.key), Hex(c.client_key));
    EXPECT_EQ(ToBytes(keys->client.iv), Hex(c.client_iv));
    EXPECT_EQ(ToBytes(keys->client.hp), Hex(c.client_hp));
    EXPECT_EQ(ToBytes(keys->server.key), Hex(c.server_key));
    EXPECT_EQ(ToBytes(keys->server.iv), Hex(c.server_iv));
    EXPECT_EQ(ToBytes(keys->server.hp), Hex(c.server_hp));
  }
}

TEST(InitialKeys, InitialSecretAndLabels) {
  Result<std::vector<uint8_t>> secret = HkdfExtract(kInitialSaltV1, kDcid);
  ASSERT_TRUE(secret.ok());
  EXPECT_EQ(*secret, Hex("7db5df06e7a69e432496adedb00851923595221596ae2ae9fb8115c1e9ed0a44"));
  EXPECT_EQ(*HkdfExtract(kInitialSaltV2, kDcid),
            Hex("2062e8b3cd8d52092614b8071d0aa1fb7c2e3ac193f78b280e72d8f5751f6aba"));
  // RFC 9001 A.5: ChaCha20 secret -> "quic ku" (exercises a 32-byte expand).
  EXPECT_EQ(
      *HkdfExpandLabel(Hex("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b"),
                       "quic ku", 32),
      Hex("1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9"));
  EXPECT_FALSE(DeriveInitialKeys(0x1a2a3a4a, kDcid).ok());
}

// RFC 9001 A.2 CRYPTO frame carrying the ClientHello (the rest of the 1162 bytes is PADDING).
constexpr const char* kClientCrypto =
    "060040f1010000ed0303ebf8fa56f129 39b9584a3896472ec40bb863cfd3e868"
    "04fe3a47f06a2b69484c000004130113 02010000c000000010000e00000b6578"
    "616d706c652e636f6dff01000100000a 00080006001d00170018001000070005"
    "04616c706e0005000501000000000033 00260024001d00209370b2c9caa47fba"
    "baf4559fedba753de171fa71f50f1ce1 5d43e994ec74d748002b000302030400"
    "0d0010000e0403050306030203080408 050806002d00020101001c0002400100"
    "3900320408ffffffffffffffff050480 00ffff07048000ffff08011001048000"
    "75300901100f088394c8f03e51570806 048000ffff";
// RFC 9001 A.3 / RFC 9369 A.3 server payload (ACK + CRYPTO(ServerHello)).
constexpr const char* kServerPayload =
    "02000000000600405a020000560303ee fce7f7b37ba1d1632e96677825ddf739"
    "88cfc79825df566dc5430b9a045a1200 130100002e00330024001d00209d3c94"
    "0d89690b84d08a60993c144eca684d10 81287c834d5311bcf32bb9da1a002b00"
    "020304";

struct DecryptCase {
  const char* name;
  uint32_t version;
  Bytes packet;
  bool from_client;
  const char* header;  // unprotected
  uint64_t packet_number;
  const char* payload_prefix;
  size_t payload_size;
};

std::vector<DecryptCase> DecryptCases() {
  return {
      {.name = "v1_client_rfc9001_a2",
       .version = kVersion1,
       .packet = HexFixture("rfc9001_a2_client_initial.hex"),
       .from_client = true,
       .header = "c300000001088394c8f03e5157080000449e00000002",
       .packet_number = 2,
       .payload_prefix = kClientCrypto,
       .payload_size = 1162},
      {.name = "v2_client_rfc9369_a2",
       .version = kVersion2,
       .packet = HexFixture("rfc9369_a2_client_initial.hex"),
       .from_client = true,
       .header = "d36b3343cf088394c8f03e5157080000449e00000002",
       .packet_number = 2,
       .payload_prefix = kClientCrypto,
       .payload_size = 1162},
      {.name = "v1_server_rfc9001_a3",
       .version = kVersion1,
       .packet = Hex("cf000000010008f067a5502a4262b5004075c0d95a482cd0991cd25b0aac406a"
                     "5816b6394100f37a1c69797554780bb38cc5a99f5ede4cf73c3ec2493a1839b3"
                     "dbcba3f6ea46c5b7684df3548e7ddeb9c3bf9c73cc3f3bded74b562bfb19fb84"
                     "022f8ef4cdd93795d77d06edbb7aaf2f58891850abbdca3d20398c276456cbc4"
                     "2158407dd074ee"),
       .from_client = false,
       .header = "c1000000010008f067a5502a4262b50040750001",
       .packet_number = 1,
       .payload_prefix = kServerPayload,
       .payload_size = 99},
      {.name = "v2_server_rfc9369_a3",
       .version = kVersion2,
       .packet = Hex("dc6b3343cf0008f067a5502a4262b5004075d92faaf16f05d8a4398c47089698"
                     "baeea26b91eb761d9b89237bbf87263017915358230035f7fd3945d88965cf17"
                     "f9af6e16886c61bfc703106fbaf3cb4cfa52382dd16a393e42757507698075b2"
                     "c984c707f0a0812d8cd5a6881eaf21ceda98f4bd23f6fe1a3e2c43edd9ce7ca8"
                     "4bed8521e2e140"),
       .from_client = false,
       .header = "d16b3343cf0008f067a5502a4262b50040750001",
       .packet_number = 1,
       .payload_prefix = kServerPayload,
       .payload_size = 99},
  };
}

TEST(InitialKeys, DecryptsRfcInitials) {
  for (const DecryptCase& c : DecryptCases()) {
    SCOPED_TRACE(c.name);
    Result<std::vector<QuicPacketHeader>> headers = ParseQuicDatagram(c.packet);
    ASSERT_TRUE(headers.ok()) << headers.error().Text();
    Result<InitialKeys> keys = DeriveInitialKeys(c.version, kDcid);
    ASSERT_TRUE(keys.ok());
    Result<DecryptedPacket> got =
        DecryptPacket(c.packet, headers->front(), c.from_client ? keys->client : keys->server);
    ASSERT_TRUE(got.ok()) << got.error().Text();
    EXPECT_EQ(got->header, Hex(c.header));
    EXPECT_EQ(got->packet_number, c.packet_number);
    EXPECT_EQ(got->payload.size(), c.payload_size);
    const Bytes prefix = Hex(c.payload_prefix);
    ASSERT_GE(got->payload.size(), prefix.size());
    EXPECT_EQ(Bytes(got->payload.begin(),
                    got->payload.begin() + static_cast<std::ptrdiff_t>(prefix.size())),
              prefix);
    EXPECT_TRUE(std::all_of(got->payload.begin() + static_cast<std::ptrdiff_t>(prefix.size()),
                            got->payload.end(), [](uint8_t b) { return b == 0; }));  // PADDING
  }
}

TEST(InitialKeys, DecryptionMustFailWhenTamperedOrWrongKeys) {
  for (const DecryptCase& c : DecryptCases()) {
    SCOPED_TRACE(c.name);
    const QuicPacketHeader header = ParseQuicDatagram(c.packet)->front();
    const InitialKeys keys = DeriveInitialKeys(c.version, kDcid).value();
    const PacketProtectionKeys& right = c.from_client ? keys.client : keys.server;
    const PacketProtectionKeys& wrong = c.from_client ? keys.server : keys.client;
    EXPECT_FALSE(DecryptPacket(c.packet, header, wrong).ok());
    Bytes tampered = c.packet;
    tampered[tampered.size() - 20] ^= 0x01;
    Result<DecryptedPacket> got = DecryptPacket(tampered, header, right);
    ASSERT_FALSE(got.ok());
    EXPECT_EQ(got.error().code, Error::kParse);
    const InitialKeys other_version =
        DeriveInitialKeys(c.version == kVersion1 ? kVersion2 : kVersion1, kDcid).value();
    EXPECT_FALSE(
        DecryptPacket(c.packet, header, c.from_client ? other_version.client : other_version.server)
            .ok());
    // A header that claims more bytes than given: error, no out-of-bounds read.
    for (size_t n = 0; n < c.packet.size(); n += 7) {
      EXPECT_FALSE(DecryptPacket(std::span(c.packet).first(n), header, right).ok()) << n;
    }
  }
}

TEST(InitialKeys, RetryIntegrity) {
  const Bytes v1 = Hex("ff000000010008f067a5502a4262b5746f6b656e04a265ba2eff4d829058fb3f0f2496ba");
  const Bytes v2 = Hex("cf6b3343cf0008f067a5502a4262b5746f6b656ec8646ce8bfe33952d955543665dcc7b6");
  EXPECT_TRUE(RetryIntegrityValid(kVersion1, kDcid, v1).value());
  EXPECT_TRUE(RetryIntegrityValid(kVersion2, kDcid, v2).value());
  EXPECT_FALSE(RetryIntegrityValid(kVersion2, kDcid, v1).value());  // wrong version's key
  EXPECT_FALSE(RetryIntegrityValid(kVersion1, Hex("8394c8f03e515709"), v1).value());
  Bytes flipped = v1;
  flipped[16] ^= 0x20;  // token byte
  EXPECT_FALSE(RetryIntegrityValid(kVersion1, kDcid, flipped).value());
  EXPECT_FALSE(RetryIntegrityValid(kVersion1, kDcid, Hex("ff00")).ok());
}

TEST(InitialKeys, DecodePacketNumberRfc9000A3) {
  EXPECT_EQ(DecodePacketNumber(0xa82f30ea, 0x9b32, 2), 0xa82f9b32u);  // RFC 9000 §A.3 example
  EXPECT_EQ(DecodePacketNumber(0, 2, 4), 2u);
  EXPECT_EQ(DecodePacketNumber(254, 0x01, 1), 257u);  // wraps forward
  EXPECT_EQ(DecodePacketNumber(257, 0xff, 1), 255u);  // a late packet just below
}

}  // namespace
}  // namespace qir::trace

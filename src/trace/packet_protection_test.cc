// Tests for packet protection with every suite: RFC 9001 A.5 / RFC 9369 A.5
// (ChaCha20-Poly1305 short header), the RFC 9001 A.2 client Initial through the
// generic opener, key update derivation, AES-256-GCM round trip, must-fail cases.
#include "trace/packet_protection.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include "trace/rfc9000.h"
#include "trace/rfc9369.h"
#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Hex;
using testing::HexFixture;

// RFC 9001 A.5.
const Bytes kChaChaSecret = Hex("9ac312a7f877468ebe69422748ad00a15443f18203a07d6060f688f30f21632b");

struct ChaChaCase {
  const char* name;
  uint32_t version;
  const char* packet;
};

const ChaChaCase kChaChaCases[] = {
    {.name = "v1_rfc9001_a5", .version = kVersion1, .packet = "4cfe4189655e5cd55c41f69080575d7999c25a5bfb"},
    {.name = "v2_rfc9369_a5", .version = kVersion2, .packet = "5558b1c60ae7b6b932bc27d786f4bc2bb20f2162ba"},
};

TEST(PacketProtection, ChaCha20KeysRfc9001A5) {
  Result<TrafficKeys> keys =
      DeriveTrafficKeys(kVersion1, CipherSuite::kChaCha20Poly1305Sha256, kChaChaSecret);
  ASSERT_TRUE(keys.ok()) << keys.error().Text();
  EXPECT_EQ(keys->key, Hex("c6d98ff3441c3fe1b2182094f69caa2ed4b716b65488960a7a984979fb23e1c8"));
  EXPECT_EQ(Bytes(keys->iv.begin(), keys->iv.end()), Hex("e0459b3474bdd0e44a41c144"));
  EXPECT_EQ(keys->hp, Hex("25a282b9e82f06f21f488917a4fc8f1b73573685608597d0efcb076b0ab7a7a4"));
  Result<TrafficKeys> next = NextKeyPhase(*keys);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->secret, Hex("1223504755036d556342ee9361d253421a826c9ecdf3c7148684b36b714881f9"));
  EXPECT_EQ(next->hp, keys->hp);  // RFC 9001 §6: HP keys survive key updates
  EXPECT_NE(next->key, keys->key);
}

TEST(PacketProtection, ChaCha20ShortHeaderRfcA5) {
  for (const ChaChaCase& c : kChaChaCases) {
    SCOPED_TRACE(c.name);
    const Bytes packet = Hex(c.packet);
    Result<TrafficKeys> keys =
        DeriveTrafficKeys(c.version, CipherSuite::kChaCha20Poly1305Sha256, kChaChaSecret);
    ASSERT_TRUE(keys.ok());
    Result<PacketOpener> opener = PacketOpener::Create(*keys);
    ASSERT_TRUE(opener.ok());
    Result<std::vector<QuicPacketHeader>> headers = ParseQuicDatagram(packet, 0);
    ASSERT_TRUE(headers.ok()) << headers.error().Text();
    Result<DecryptedPacket> got = DecryptPacketWith(packet, headers->front(), *opener, 654360563);
    ASSERT_TRUE(got.ok()) << got.error().Text();
    EXPECT_EQ(got->packet_number, 654360564u);
    EXPECT_EQ(got->pn_length, 3u);
    EXPECT_EQ(got->payload, Bytes{0x01});  // PING
    if (c.version == kVersion1) {
      EXPECT_EQ(got->header, Hex("4200bff4"));
    }
    // Must fail: wrong expected PN (nonce differs), tampered tag, every truncation.
    EXPECT_FALSE(DecryptPacketWith(packet, headers->front(), *opener, 0).ok());
    Bytes tampered = packet;
    tampered.back() ^= 1;
    EXPECT_FALSE(DecryptPacketWith(tampered, headers->front(), *opener, 654360563).ok());
    for (size_t n = 0; n < packet.size(); ++n) {
      EXPECT_FALSE(DecryptPacketWith(std::span(packet).first(n), headers->front(), *opener,
                                     654360563)
                       .ok())
          << n;
    }
  }
}

TEST(PacketProtection, Rfc9001ClientInitialThroughGenericOpener) {
  const Bytes packet = HexFixture("rfc9001_a2_client_initial.hex");
  Result<InitialKeys> initial = DeriveInitialKeys(kVersion1, Hex("8394c8f03e515708"));
  ASSERT_TRUE(initial.ok());
  Result<PacketOpener> opener = PacketOpener::Create(FromInitialKeys(kVersion1, initial->client));
  ASSERT_TRUE(opener.ok());
  const QuicPacketHeader header = ParseQuicDatagram(packet)->front();
  Result<DecryptedPacket> got = DecryptPacketWith(packet, header, *opener);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(got->packet_number, 2u);
  EXPECT_EQ(got->payload[0], 0x06);  // CRYPTO
  Result<PacketOpener> wrong = PacketOpener::Create(FromInitialKeys(kVersion1, initial->server));
  ASSERT_TRUE(wrong.ok());
  EXPECT_FALSE(DecryptPacketWith(packet, header, *wrong).ok());
}

/// Seals with EVP directly (the test's independent implementation) for a round trip.
Bytes Seal(const TrafficKeys& keys, uint64_t pn, const Bytes& aad, const Bytes& plain) {
  std::array<uint8_t, 12> nonce = keys.iv;
  for (size_t i = 0; i < 8; ++i) nonce[11 - i] ^= static_cast<uint8_t>(pn >> (8 * i));
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  Bytes out(plain.size() + 16);
  int n = 0;
  EVP_EncryptInit_ex(ctx, EVP_aes_256_gcm(), nullptr, keys.key.data(), nonce.data());
  EVP_EncryptUpdate(ctx, nullptr, &n, aad.data(), static_cast<int>(aad.size()));
  EVP_EncryptUpdate(ctx, out.data(), &n, plain.data(), static_cast<int>(plain.size()));
  EVP_EncryptFinal_ex(ctx, out.data() + n, &n);
  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, 16, out.data() + plain.size());
  EVP_CIPHER_CTX_free(ctx);
  return out;
}

TEST(PacketProtection, Aes256GcmRoundTripAndSha384Lengths) {
  const Bytes secret(48, 0x42);
  Result<TrafficKeys> keys = DeriveTrafficKeys(kVersion1, CipherSuite::kAes256GcmSha384, secret);
  ASSERT_TRUE(keys.ok());
  EXPECT_EQ(keys->key.size(), 32u);
  EXPECT_EQ(keys->hp.size(), 32u);
  Result<TrafficKeys> next = NextKeyPhase(*keys);
  ASSERT_TRUE(next.ok());
  EXPECT_EQ(next->secret.size(), 48u);
  const Bytes aad = Hex("4300bff4"), plain = Hex("01000000");
  const Bytes sealed = Seal(*keys, 7, aad, plain);
  Result<PacketOpener> opener = PacketOpener::Create(*keys);
  ASSERT_TRUE(opener.ok());
  Bytes out;
  ASSERT_TRUE(opener->Open(7, aad, sealed, out).ok());
  EXPECT_EQ(out, plain);
  EXPECT_FALSE(opener->Open(8, aad, sealed, out).ok());
  EXPECT_FALSE(opener->Open(7, Hex("4300bff5"), sealed, out).ok());
  EXPECT_FALSE(opener->Open(7, aad, std::span(sealed).first(15), out).ok());
}

TEST(PacketProtection, OneOpenerServesManyPacketsAndSurvivesFailures) {
  // The opener keeps its AEAD context across packets (per-packet nonce and tag only): packets
  // with high PNs (nonce bytes 4..11), a failure in between and a repeat must all behave.
  const Bytes secret(48, 0x17);
  Result<TrafficKeys> keys = DeriveTrafficKeys(kVersion1, CipherSuite::kAes256GcmSha384, secret);
  ASSERT_TRUE(keys.ok());
  Result<PacketOpener> opener = PacketOpener::Create(*keys);
  ASSERT_TRUE(opener.ok());
  const Bytes aad = Hex("40aabbccdd"), plain = Hex("0a00000568656c6c6f");
  Bytes out;
  for (uint64_t pn : {0ull, 1ull, 255ull, 65536ull, (1ull << 40) + 3, (1ull << 62) - 1}) {
    SCOPED_TRACE(pn);
    Bytes sealed = Seal(*keys, pn, aad, plain);
    ASSERT_TRUE(opener->Open(pn, aad, sealed, out).ok());
    EXPECT_EQ(out, plain);
    sealed.back() ^= 1;  // bad tag
    EXPECT_FALSE(opener->Open(pn, aad, sealed, out).ok());
    sealed.back() ^= 1;
    ASSERT_TRUE(opener->Open(pn, aad, sealed, out).ok());
    EXPECT_EQ(out, plain);
  }
}

TEST(PacketProtection, RejectsBadInput) {
  TrafficKeys keys{.suite = CipherSuite::kAes128GcmSha256, .key = Bytes(32), .hp = Bytes(16)};
  EXPECT_FALSE(PacketOpener::Create(keys).ok());
  EXPECT_FALSE(DeriveTrafficKeys(kVersion1, CipherSuite::kAes128GcmSha256, {}).ok());
  EXPECT_STREQ(CipherSuiteName(0x1303), "TLS_CHACHA20_POLY1305_SHA256");
  EXPECT_FALSE(IsQuicCipherSuite(0x1304));
}

}  // namespace
}  // namespace qir::trace

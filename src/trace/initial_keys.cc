// Initial packet protection for passive analysis: RFC 9001 §5.2 (Initial
// secrets from the client's DCID), §5.1 (key/iv/hp labels; RFC 9369 §3.3.2 for
// v2), §5.4 (header protection with AES-ECB), §5.3 (AEAD_AES_128_GCM, nonce =
// IV xor packet number), §5.8 (Retry Integrity Tag) and RFC 9000 §A.3 (packet
// number decoding). OpenSSL 3 EVP does the cryptography.
#include "trace/initial_keys.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <memory>
#include <string>

#include "trace/rfc9000.h"
#include "trace/rfc9369.h"
#include "util/openssl_ptr.h"

namespace qir::trace {
namespace {

constexpr size_t kSha256Length = 32;
constexpr size_t kAeadTagLength = 16;  // AEAD_AES_128_GCM tag (RFC 5116 §5.1)
constexpr size_t kHeaderProtectionMaskLength = 5;
// RFC 9001 §5.8: fixed Retry key and nonce for v1; RFC 9369 §3.3.3 for v2.
constexpr std::array<uint8_t, 16> kRetryKeyV1 = {0xbe, 0x0c, 0x69, 0x0b, 0x9f, 0x66, 0x57, 0x5a,
                                                 0x1d, 0x76, 0x6b, 0x54, 0xe3, 0x68, 0xc8, 0x4e};
constexpr std::array<uint8_t, 12> kRetryNonceV1 = {0x46, 0x15, 0x99, 0xd3, 0x5d, 0x63,
                                                   0x2b, 0xf2, 0x23, 0x98, 0x25, 0xbb};
constexpr std::array<uint8_t, 16> kRetryKeyV2 = {0x8f, 0xb4, 0xb0, 0x1b, 0x56, 0xac, 0x48, 0xe2,
                                                 0x60, 0xfb, 0xcb, 0xce, 0xad, 0x7c, 0xcc, 0x92};
constexpr std::array<uint8_t, 12> kRetryNonceV2 = {0xd8, 0x69, 0x69, 0xbc, 0x2d, 0x7c,
                                                   0x6d, 0x99, 0x90, 0xef, 0xb0, 0x4a};

using KdfPtr = util::OsslPtr<EVP_KDF, EVP_KDF_free>;
using KdfCtxPtr = util::OsslPtr<EVP_KDF_CTX, EVP_KDF_CTX_free>;
using CipherCtxPtr = util::OsslPtr<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>;

ErrorInfo OpenSslError(const char* call) {
  char text[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return Fail(Error::kInternal, std::string(call) + " failed: " + text);
}

/// EVP_KDF "HKDF" with SHA-256 in the given mode; salt/info may be empty.
Result<std::vector<uint8_t>> Hkdf(int mode, std::span<const uint8_t> key,
                                  std::span<const uint8_t> salt, std::span<const uint8_t> info,
                                  size_t length) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  if (!kdf) return OpenSslError("EVP_KDF_fetch(HKDF)");
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  if (!ctx) return OpenSslError("EVP_KDF_CTX_new");
  static const uint8_t kEmpty[1] = {0};  // OpenSSL wants a non-null pointer even for empty input
  auto bytes = [](std::span<const uint8_t> s) {
    return const_cast<uint8_t*>(s.empty() ? kEmpty : s.data());
  };
  char digest[] = "SHA256";
  OSSL_PARAM params[6];
  OSSL_PARAM* p = params;
  *p++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0);
  *p++ = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, bytes(key), key.size());
  if (!salt.empty())
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, bytes(salt), salt.size());
  if (!info.empty())
    *p++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, bytes(info), info.size());
  *p = OSSL_PARAM_construct_end();
  std::vector<uint8_t> out(length);
  if (EVP_KDF_derive(ctx.get(), out.data(), out.size(), params) <= 0)
    return OpenSslError("EVP_KDF_derive");
  return out;
}

/// AES-128-ECB of one 16-byte block: the header-protection mask source (RFC 9001 §5.4.3).
Result<std::array<uint8_t, 16>> AesEcbBlock(const std::array<uint8_t, 16>& key,
                                            std::span<const uint8_t> block) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  std::array<uint8_t, 32> out{};
  int n = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_ecb(), nullptr, key.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &n, block.data(), 16) != 1) {
    return OpenSslError("AES-128-ECB");
  }
  std::array<uint8_t, 16> result{};
  std::copy_n(out.begin(), 16, result.begin());
  return result;
}

/// AES-128-GCM: decrypts `ciphertext` (tag last) when `decrypt`, else computes only the tag over
/// `aad`.
Result<std::vector<uint8_t>> AesGcm(bool decrypt, std::span<const uint8_t> key,
                                    std::span<const uint8_t> nonce, std::span<const uint8_t> aad,
                                    std::span<const uint8_t> ciphertext) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return OpenSslError("EVP_CIPHER_CTX_new");
  auto init = decrypt ? &EVP_DecryptInit_ex : &EVP_EncryptInit_ex;
  auto update = decrypt ? &EVP_DecryptUpdate : &EVP_EncryptUpdate;
  int n = 0;
  if (init(ctx.get(), EVP_aes_128_gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(nonce.size()),
                          nullptr) != 1 ||
      init(ctx.get(), nullptr, nullptr, key.data(), nonce.data()) != 1 ||
      update(ctx.get(), nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1) {
    return OpenSslError("AES-128-GCM setup");
  }
  if (!decrypt) {  // Retry tag: empty plaintext, the tag is the output
    std::vector<uint8_t> tag(kAeadTagLength);
    if (EVP_EncryptFinal_ex(ctx.get(), nullptr, &n) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kAeadTagLength, tag.data()) != 1) {
      return OpenSslError("AES-128-GCM tag");
    }
    return tag;
  }
  const size_t body = ciphertext.size() - kAeadTagLength;
  std::vector<uint8_t> plain(body + 16);
  std::array<uint8_t, kAeadTagLength> tag{};
  std::copy_n(ciphertext.begin() + static_cast<std::ptrdiff_t>(body), kAeadTagLength, tag.begin());
  if (EVP_DecryptUpdate(ctx.get(), plain.data(), &n, ciphertext.data(), static_cast<int>(body)) !=
          1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kAeadTagLength, tag.data()) != 1) {
    return OpenSslError("AES-128-GCM decrypt");
  }
  int final_n = 0;
  if (EVP_DecryptFinal_ex(ctx.get(), plain.data() + n, &final_n) != 1) {
    ERR_clear_error();
    return Fail(Error::kParse, "AEAD authentication failed");
  }
  plain.resize(static_cast<size_t>(n + final_n));
  return plain;
}

/// The header with protection removed and the PN decoded (RFC 9001 §5.4.1).
Result<DecryptedPacket> RemoveHeaderProtection(std::span<const uint8_t> packet, size_t pn_offset,
                                               const std::array<uint8_t, 16>& hp) {
  if (packet.size() < pn_offset + kMinProtectedBytesFromPn) {
    return Fail(Error::kParse, "packet too short for a header-protection sample",
                std::to_string(packet.size()));
  }
  Result<std::array<uint8_t, 16>> mask =
      AesEcbBlock(hp, packet.subspan(pn_offset + kMaxPacketNumberLength, 16));
  if (!mask.ok()) return mask.error();
  const bool long_header = (packet[0] & kHeaderFormBit) != 0;
  DecryptedPacket out;
  const uint8_t first = packet[0] ^ ((*mask)[0] & (long_header ? 0x0f : 0x1f));
  out.pn_length = (first & kPacketNumberLengthMask) + 1u;
  out.header.assign(packet.begin(),
                    packet.begin() + static_cast<std::ptrdiff_t>(pn_offset + out.pn_length));
  out.header[0] = first;
  for (size_t i = 0; i < out.pn_length; ++i) {
    out.header[pn_offset + i] ^= (*mask)[1 + i];
    out.packet_number = out.packet_number << 8 | out.header[pn_offset + i];
  }
  static_assert(kHeaderProtectionMaskLength == 1 + kMaxPacketNumberLength);
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> HkdfExtract(std::span<const uint8_t> salt,
                                         std::span<const uint8_t> ikm) {
  return Hkdf(EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, salt, {}, kSha256Length);
}

Result<std::vector<uint8_t>> HkdfExpandLabel(std::span<const uint8_t> secret,
                                             std::string_view label, size_t length) {
  // struct HkdfLabel { uint16 length; opaque label<7..255> = "tls13 " + label; opaque
  // context<0..255> = ""; }
  const std::string full_label = "tls13 " + std::string(label);
  std::vector<uint8_t> info = {static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length),
                               static_cast<uint8_t>(full_label.size())};
  info.insert(info.end(), full_label.begin(), full_label.end());
  info.push_back(0);
  return Hkdf(EVP_KDF_HKDF_MODE_EXPAND_ONLY, secret, {}, info, length);
}

Result<PacketProtectionKeys> DeriveAes128GcmKeys(uint32_t version,
                                                 std::span<const uint8_t> secret) {
  const bool v2 = version == kVersion2;
  PacketProtectionKeys keys{.secret = std::vector<uint8_t>(secret.begin(), secret.end())};
  Result<std::vector<uint8_t>> key =
      HkdfExpandLabel(secret, v2 ? "quicv2 key" : "quic key", keys.key.size());
  Result<std::vector<uint8_t>> iv =
      HkdfExpandLabel(secret, v2 ? "quicv2 iv" : "quic iv", keys.iv.size());
  Result<std::vector<uint8_t>> hp =
      HkdfExpandLabel(secret, v2 ? "quicv2 hp" : "quic hp", keys.hp.size());
  for (const auto* r : {&key, &iv, &hp}) {
    if (!r->ok()) return r->error();
  }
  std::copy(key->begin(), key->end(), keys.key.begin());
  std::copy(iv->begin(), iv->end(), keys.iv.begin());
  std::copy(hp->begin(), hp->end(), keys.hp.begin());
  return keys;
}

Result<InitialKeys> DeriveInitialKeys(uint32_t version, std::span<const uint8_t> client_dcid) {
  if (version != kVersion1 && version != kVersion2) {
    return Fail(Error::kUnsupported, "no Initial salt for this version", std::to_string(version));
  }
  Result<std::vector<uint8_t>> initial_secret =
      HkdfExtract(version == kVersion2 ? kInitialSaltV2 : kInitialSaltV1, client_dcid);
  if (!initial_secret.ok()) return initial_secret.error();
  Result<std::vector<uint8_t>> client_secret =
      HkdfExpandLabel(*initial_secret, "client in", kSha256Length);
  Result<std::vector<uint8_t>> server_secret =
      HkdfExpandLabel(*initial_secret, "server in", kSha256Length);
  if (!client_secret.ok()) return client_secret.error();
  if (!server_secret.ok()) return server_secret.error();
  Result<PacketProtectionKeys> client = DeriveAes128GcmKeys(version, *client_secret);
  Result<PacketProtectionKeys> server = DeriveAes128GcmKeys(version, *server_secret);
  if (!client.ok()) return client.error();
  if (!server.ok()) return server.error();
  return InitialKeys{.client = std::move(*client), .server = std::move(*server)};
}

uint64_t DecodePacketNumber(uint64_t largest_pn, uint64_t truncated_pn, size_t pn_length) {
  const uint64_t expected = largest_pn + 1;
  const uint64_t window = uint64_t{1} << (8 * pn_length);
  const uint64_t half_window = window / 2;
  const uint64_t candidate = (expected & ~(window - 1)) | truncated_pn;
  if (candidate + half_window <= expected && candidate < (uint64_t{1} << 62) - window)
    return candidate + window;
  if (candidate > expected + half_window && candidate >= window) return candidate - window;
  return candidate;
}

Result<DecryptedPacket> DecryptPacket(std::span<const uint8_t> udp_payload,
                                      const QuicPacketHeader& header,
                                      const PacketProtectionKeys& keys, int64_t largest_pn) {
  if (header.offset > udp_payload.size() || header.size > udp_payload.size() - header.offset) {
    return Fail(Error::kParse, "packet extends past the datagram",
                "offset " + std::to_string(header.offset));
  }
  const std::span<const uint8_t> packet = udp_payload.subspan(header.offset, header.size);
  Result<DecryptedPacket> out = RemoveHeaderProtection(packet, header.pn_offset, keys.hp);
  if (!out.ok()) return out;
  if (largest_pn >= 0) {
    out->packet_number =
        DecodePacketNumber(static_cast<uint64_t>(largest_pn), out->packet_number, out->pn_length);
  }
  const std::span<const uint8_t> ciphertext = packet.subspan(out->header.size());
  if (ciphertext.size() < kAeadTagLength)
    return Fail(Error::kParse, "ciphertext shorter than the AEAD tag");
  std::array<uint8_t, 12> nonce = keys.iv;  // §5.3: IV xor the 62-bit PN, left-padded
  for (size_t i = 0; i < 8; ++i)
    nonce[nonce.size() - 1 - i] ^= static_cast<uint8_t>(out->packet_number >> (8 * i));
  Result<std::vector<uint8_t>> plain = AesGcm(true, keys.key, nonce, out->header, ciphertext);
  if (!plain.ok()) return plain.error();
  out->payload = std::move(*plain);
  return out;
}

Result<bool> RetryIntegrityValid(uint32_t version, std::span<const uint8_t> original_dcid,
                                 std::span<const uint8_t> retry_packet) {
  if (version != kVersion1 && version != kVersion2) {
    return Fail(Error::kUnsupported, "no Retry integrity key for this version",
                std::to_string(version));
  }
  if (retry_packet.size() < kRetryIntegrityTagLength ||
      original_dcid.size() > kMaxConnectionIdLength) {
    return Fail(Error::kParse, "Retry packet shorter than its tag, or ODCID too long");
  }
  // Retry Pseudo-Packet: ODCID Length (1) || ODCID || Retry packet without its tag.
  std::vector<uint8_t> pseudo = {static_cast<uint8_t>(original_dcid.size())};
  pseudo.insert(pseudo.end(), original_dcid.begin(), original_dcid.end());
  const size_t without_tag = retry_packet.size() - kRetryIntegrityTagLength;
  pseudo.insert(pseudo.end(), retry_packet.begin(),
                retry_packet.begin() + static_cast<std::ptrdiff_t>(without_tag));
  const bool v2 = version == kVersion2;
  Result<std::vector<uint8_t>> tag =
      AesGcm(false, v2 ? std::span<const uint8_t>(kRetryKeyV2) : kRetryKeyV1,
             v2 ? std::span<const uint8_t>(kRetryNonceV2) : kRetryNonceV1, pseudo, {});
  if (!tag.ok()) return tag.error();
  return std::equal(tag->begin(), tag->end(),
                    retry_packet.begin() + static_cast<std::ptrdiff_t>(without_tag));
}

}  // namespace qir::trace

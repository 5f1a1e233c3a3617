// Packet protection for all QUIC cipher suites: RFC 9001 §5.1 (key/iv/hp from a
// secret), §5.3 (AEAD, nonce = IV xor PN), §5.4.1-§5.4.4 (header protection with
// AES-ECB or ChaCha20), §6.1 (key update, "quic ku"), RFC 9369 §3.3.2 (v2 labels)
// and RFC 8446 §7.1 (HKDF-Expand-Label). OpenSSL 3 EVP does the cryptography;
// contexts are created once per key set and reused per packet.
#include "trace/packet_protection.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>

#include <algorithm>
#include <string>

#include "trace/rfc9000.h"
#include "trace/rfc9369.h"

namespace qir::trace {
namespace {

constexpr size_t kAeadTagLength = 16;  // all QUIC AEADs (RFC 9001 §5.3)
constexpr size_t kAeadNonceLength = 12;  // all QUIC AEADs (RFC 9001 §5.3)
/// The nonce bytes that never change with the PN (IV xor a 62-bit PN touches only the last 8).
constexpr size_t kGcmFixedIvLength = kAeadNonceLength - 8;

ErrorInfo OpenSslError(const char* call) {
  char text[256] = "unknown error";
  if (unsigned long code = ERR_get_error(); code != 0) ERR_error_string_n(code, text, sizeof(text));
  ERR_clear_error();
  return Fail(Error::kInternal, std::string(call) + " failed: " + text);
}

const char* DigestName(CipherSuite suite) {
  return suite == CipherSuite::kAes256GcmSha384 ? "SHA384" : "SHA256";
}

size_t KeyLength(CipherSuite suite) { return suite == CipherSuite::kAes128GcmSha256 ? 16 : 32; }

const EVP_CIPHER* AeadCipher(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::kAes128GcmSha256:
      return EVP_aes_128_gcm();
    case CipherSuite::kAes256GcmSha384:
      return EVP_aes_256_gcm();
    case CipherSuite::kChaCha20Poly1305Sha256:
      return EVP_chacha20_poly1305();
  }
  return nullptr;
}

const EVP_CIPHER* HpCipher(CipherSuite suite) {
  switch (suite) {
    case CipherSuite::kAes128GcmSha256:
      return EVP_aes_128_ecb();
    case CipherSuite::kAes256GcmSha384:
      return EVP_aes_256_ecb();
    case CipherSuite::kChaCha20Poly1305Sha256:
      return EVP_chacha20();
  }
  return nullptr;
}

/// HKDF-Expand (RFC 5869 §2.3) with the named digest.
Result<std::vector<uint8_t>> HkdfExpand(const char* digest_name, std::span<const uint8_t> prk,
                                        std::span<const uint8_t> info, size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return OpenSslError("EVP_KDF_fetch(HKDF)");
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) return OpenSslError("EVP_KDF_CTX_new");
  int mode = EVP_KDF_HKDF_MODE_EXPAND_ONLY;
  std::string digest = digest_name;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest.data(), 0),
      OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(prk.data()),
                                        prk.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<uint8_t*>(info.data()),
                                        info.size()),
      OSSL_PARAM_construct_end()};
  std::vector<uint8_t> out(length);
  const int rc = EVP_KDF_derive(ctx, out.data(), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  if (rc <= 0) return OpenSslError("EVP_KDF_derive");
  return out;
}

}  // namespace

const char* CipherSuiteName(uint16_t suite) {
  switch (suite) {
    case 0x1301:
      return "TLS_AES_128_GCM_SHA256";
    case 0x1302:
      return "TLS_AES_256_GCM_SHA384";
    case 0x1303:
      return "TLS_CHACHA20_POLY1305_SHA256";
    case 0x1304:
      return "TLS_AES_128_CCM_SHA256";
    case 0x1305:
      return "TLS_AES_128_CCM_8_SHA256";
  }
  return "unknown";
}

bool IsQuicCipherSuite(uint16_t suite) { return suite >= 0x1301 && suite <= 0x1303; }

size_t CipherSuiteHashLength(CipherSuite suite) {
  return suite == CipherSuite::kAes256GcmSha384 ? 48 : 32;
}

Result<std::vector<uint8_t>> HkdfExpandLabelFor(CipherSuite suite, std::span<const uint8_t> secret,
                                                std::string_view label, size_t length) {
  if (secret.empty()) return Fail(Error::kInvalidArgument, "empty secret");
  const std::string full_label = "tls13 " + std::string(label);
  std::vector<uint8_t> info = {static_cast<uint8_t>(length >> 8), static_cast<uint8_t>(length),
                               static_cast<uint8_t>(full_label.size())};
  info.insert(info.end(), full_label.begin(), full_label.end());
  info.push_back(0);  // empty context
  return HkdfExpand(DigestName(suite), secret, info, length);
}

Result<TrafficKeys> DeriveTrafficKeys(uint32_t version, CipherSuite suite,
                                      std::span<const uint8_t> secret) {
  const bool v2 = version == kVersion2;
  TrafficKeys keys{.suite = suite,
                   .version = version,
                   .secret = std::vector<uint8_t>(secret.begin(), secret.end())};
  Result<std::vector<uint8_t>> key =
      HkdfExpandLabelFor(suite, secret, v2 ? "quicv2 key" : "quic key", KeyLength(suite));
  Result<std::vector<uint8_t>> iv =
      HkdfExpandLabelFor(suite, secret, v2 ? "quicv2 iv" : "quic iv", keys.iv.size());
  Result<std::vector<uint8_t>> hp =
      HkdfExpandLabelFor(suite, secret, v2 ? "quicv2 hp" : "quic hp", KeyLength(suite));
  for (const auto* r : {&key, &iv, &hp}) {
    if (!r->ok()) return r->error();
  }
  keys.key = std::move(*key);
  std::copy(iv->begin(), iv->end(), keys.iv.begin());
  keys.hp = std::move(*hp);
  return keys;
}

Result<TrafficKeys> NextKeyPhase(const TrafficKeys& keys) {
  const bool v2 = keys.version == kVersion2;
  Result<std::vector<uint8_t>> secret = HkdfExpandLabelFor(
      keys.suite, keys.secret, v2 ? "quicv2 ku" : "quic ku", CipherSuiteHashLength(keys.suite));
  if (!secret.ok()) return secret.error();
  Result<TrafficKeys> next = DeriveTrafficKeys(keys.version, keys.suite, *secret);
  if (!next.ok()) return next;
  next->hp = keys.hp;  // RFC 9001 §6: header protection keys are not updated
  return next;
}

TrafficKeys FromInitialKeys(uint32_t version, const PacketProtectionKeys& keys) {
  return TrafficKeys{.suite = CipherSuite::kAes128GcmSha256,
                     .version = version,
                     .secret = keys.secret,
                     .key = std::vector<uint8_t>(keys.key.begin(), keys.key.end()),
                     .iv = keys.iv,
                     .hp = std::vector<uint8_t>(keys.hp.begin(), keys.hp.end())};
}

struct PacketOpener::Contexts {
  EVP_CIPHER_CTX* aead = nullptr;
  EVP_CIPHER_CTX* hp = nullptr;
  /// AES-GCM only: the first 4 IV bytes are set once as the "fixed" field and each packet sets
  /// the other 8 (IV xor PN) with the tag in one parameter call (OpenSSL's TLS 1.2 nonce
  /// interface), which avoids re-running EVP_DecryptInit_ex per packet. False: init per packet.
  bool nonce_by_params = false;
  ~Contexts() {
    EVP_CIPHER_CTX_free(aead);
    EVP_CIPHER_CTX_free(hp);
  }
};

PacketOpener::PacketOpener() = default;
PacketOpener::~PacketOpener() = default;
PacketOpener::PacketOpener(PacketOpener&&) noexcept = default;
PacketOpener& PacketOpener::operator=(PacketOpener&&) noexcept = default;

Result<PacketOpener> PacketOpener::Create(const TrafficKeys& keys) {
  if (keys.key.size() != KeyLength(keys.suite) || keys.hp.size() != KeyLength(keys.suite)) {
    return Fail(Error::kInvalidArgument, "key length does not fit the cipher suite");
  }
  PacketOpener opener;
  opener.keys_ = keys;
  opener.ctx_ = std::make_unique<Contexts>();
  Contexts& c = *opener.ctx_;
  c.aead = EVP_CIPHER_CTX_new();
  c.hp = EVP_CIPHER_CTX_new();
  if (c.aead == nullptr || c.hp == nullptr) return OpenSslError("EVP_CIPHER_CTX_new");
  if (EVP_DecryptInit_ex(c.aead, AeadCipher(keys.suite), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(c.aead, EVP_CTRL_AEAD_SET_IVLEN, 12, nullptr) != 1 ||
      EVP_DecryptInit_ex(c.aead, nullptr, nullptr, keys.key.data(), nullptr) != 1) {
    return OpenSslError("AEAD init");
  }
  if (keys.suite != CipherSuite::kChaCha20Poly1305Sha256) {
    OSSL_PARAM fixed[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED,
                                          opener.keys_.iv.data(), kGcmFixedIvLength),
        OSSL_PARAM_construct_end()};
    c.nonce_by_params = EVP_CIPHER_CTX_set_params(c.aead, fixed) == 1;
    ERR_clear_error();
    if (EVP_EncryptInit_ex(c.hp, HpCipher(keys.suite), nullptr, keys.hp.data(), nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(c.hp, 0) != 1) {
      return OpenSslError("HP init");
    }
  }
  return opener;
}

Result<std::array<uint8_t, 5>> PacketOpener::Mask(std::span<const uint8_t> sample) {
  if (sample.size() < kHeaderProtectionSampleLength) {
    return Fail(Error::kParse, "header-protection sample too short");
  }
  std::array<uint8_t, 32> out{};
  int n = 0;
  if (keys_.suite == CipherSuite::kChaCha20Poly1305Sha256) {
    // §5.4.4: counter = sample[0..4] (little-endian), nonce = sample[4..16]: EVP's 16-byte IV.
    static const uint8_t kZeros[5] = {};
    if (EVP_EncryptInit_ex(ctx_->hp, EVP_chacha20(), nullptr, keys_.hp.data(), sample.data()) !=
            1 ||
        EVP_EncryptUpdate(ctx_->hp, out.data(), &n, kZeros, 5) != 1) {
      return OpenSslError("ChaCha20 HP");
    }
  } else if (EVP_EncryptUpdate(ctx_->hp, out.data(), &n, sample.data(), 16) != 1) {
    return OpenSslError("AES-ECB HP");
  }
  std::array<uint8_t, 5> mask{};
  std::copy_n(out.begin(), 5, mask.begin());
  return mask;
}

Status PacketOpener::Open(uint64_t packet_number, std::span<const uint8_t> aad,
                          std::span<const uint8_t> ciphertext, std::vector<uint8_t>& out) {
  Result<std::span<const uint8_t>> plain = OpenInto(packet_number, aad, ciphertext, out);
  if (!plain.ok()) return plain.error();
  out.resize(plain->size());
  return {};
}

Result<std::span<const uint8_t>> PacketOpener::OpenInto(uint64_t packet_number,
                                                        std::span<const uint8_t> aad,
                                                        std::span<const uint8_t> ciphertext,
                                                        std::vector<uint8_t>& buffer) {
  if (ciphertext.size() < kAeadTagLength) {
    return Fail(Error::kParse, "ciphertext shorter than the AEAD tag");
  }
  std::array<uint8_t, kAeadNonceLength> nonce = keys_.iv;  // §5.3: IV xor the PN, left-padded
  for (size_t i = 0; i < 8; ++i)
    nonce[nonce.size() - 1 - i] ^= static_cast<uint8_t>(packet_number >> (8 * i));
  const size_t body = ciphertext.size() - kAeadTagLength;
  if (buffer.size() < body + 16) buffer.resize(body + 16);
  int n = 0, final_n = 0;
  EVP_CIPHER_CTX* c = ctx_->aead;
  uint8_t* tag = const_cast<uint8_t*>(ciphertext.data() + body);
  if (ctx_->nonce_by_params) {
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag, kAeadTagLength),
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_SET_IV_INV,
                                          nonce.data() + kGcmFixedIvLength,
                                          kAeadNonceLength - kGcmFixedIvLength),
        OSSL_PARAM_construct_end()};
    if (EVP_CIPHER_CTX_set_params(c, params) != 1) return OpenSslError("AEAD nonce");
  } else if (EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, nonce.data()) != 1 ||
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, kAeadTagLength, tag) != 1) {
    return OpenSslError("AEAD nonce");
  }
  if (EVP_DecryptUpdate(c, nullptr, &n, aad.data(), static_cast<int>(aad.size())) != 1 ||
      EVP_DecryptUpdate(c, buffer.data(), &n, ciphertext.data(), static_cast<int>(body)) != 1) {
    return OpenSslError("AEAD open");
  }
  if (EVP_DecryptFinal_ex(c, buffer.data() + n, &final_n) != 1) {
    ERR_clear_error();
    return Fail(Error::kParse, "AEAD authentication failed");
  }
  return std::span<const uint8_t>(buffer.data(), static_cast<size_t>(n + final_n));
}

Result<UnprotectedHeader> RemoveHeaderProtectionWith(PacketOpener& opener,
                                                     std::span<const uint8_t> packet,
                                                     size_t pn_offset,
                                                     std::vector<uint8_t>& header_out) {
  if (packet.size() < pn_offset + kMinProtectedBytesFromPn) {
    return Fail(Error::kParse, "packet too short for a header-protection sample",
                std::to_string(packet.size()));
  }
  Result<std::array<uint8_t, 5>> mask =
      opener.Mask(packet.subspan(pn_offset + kMaxPacketNumberLength, 16));
  if (!mask.ok()) return mask.error();
  const bool long_header = (packet[0] & kHeaderFormBit) != 0;
  UnprotectedHeader out;
  out.first_byte = packet[0] ^ ((*mask)[0] & (long_header ? 0x0f : 0x1f));
  out.pn_length = (out.first_byte & kPacketNumberLengthMask) + 1u;
  header_out.assign(packet.begin(),
                    packet.begin() + static_cast<std::ptrdiff_t>(pn_offset + out.pn_length));
  header_out[0] = out.first_byte;
  for (size_t i = 0; i < out.pn_length; ++i) {
    header_out[pn_offset + i] ^= (*mask)[1 + i];
    out.truncated_pn = out.truncated_pn << 8 | header_out[pn_offset + i];
  }
  return out;
}

Result<DecryptedPacket> DecryptPacketWith(std::span<const uint8_t> udp_payload,
                                          const QuicPacketHeader& header, PacketOpener& opener,
                                          int64_t largest_pn) {
  if (header.offset > udp_payload.size() || header.size > udp_payload.size() - header.offset) {
    return Fail(Error::kParse, "packet extends past the datagram",
                "offset " + std::to_string(header.offset));
  }
  const std::span<const uint8_t> packet = udp_payload.subspan(header.offset, header.size);
  DecryptedPacket out;
  Result<UnprotectedHeader> hp =
      RemoveHeaderProtectionWith(opener, packet, header.pn_offset, out.header);
  if (!hp.ok()) return hp.error();
  out.pn_length = hp->pn_length;
  out.packet_number =
      largest_pn < 0 ? hp->truncated_pn
                     : DecodePacketNumber(static_cast<uint64_t>(largest_pn), hp->truncated_pn,
                                          hp->pn_length);
  if (Status s = opener.Open(out.packet_number, out.header, packet.subspan(out.header.size()),
                             out.payload);
      !s.ok()) {
    return s.error();
  }
  return out;
}

}  // namespace qir::trace

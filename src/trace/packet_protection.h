// QUIC packet protection for every cipher suite QUIC allows (RFC 9001 §5.1-§5.4,
// §6 key update; RFC 9369 §3.3.2 v2 labels): traffic keys from a TLS secret,
// header-protection masks (AES-ECB §5.4.3, ChaCha20 §5.4.4) and AEAD opening
// (AES-128-GCM, AES-256-GCM, ChaCha20-Poly1305) through reusable OpenSSL EVP contexts.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "trace/initial_keys.h"
#include "trace/quic_header.h"
#include "util/result.h"

namespace qir::trace {

/// TLS 1.3 cipher suites QUIC may use (RFC 8446 §B.4; RFC 9001 §5.3 forbids CCM_8).
enum class CipherSuite : uint16_t {
  kAes128GcmSha256 = 0x1301,
  kAes256GcmSha384 = 0x1302,
  kChaCha20Poly1305Sha256 = 0x1303,
};

/// "TLS_AES_128_GCM_SHA256", ... ; "unknown" for other values.
const char* CipherSuiteName(uint16_t suite);

/// True for the three suites above.
bool IsQuicCipherSuite(uint16_t suite);

/// Hash length of the suite's HKDF hash: 48 for SHA-384, else 32 (bytes).
size_t CipherSuiteHashLength(CipherSuite suite);

/// HKDF-Expand-Label (RFC 8446 §7.1, empty context) with the suite's hash.
Result<std::vector<uint8_t>> HkdfExpandLabelFor(CipherSuite suite, std::span<const uint8_t> secret,
                                                std::string_view label, size_t length);

/// One sender's keys for one encryption level and key phase.
struct TrafficKeys {
  CipherSuite suite = CipherSuite::kAes128GcmSha256;
  uint32_t version = 1;         ///< QUIC version whose labels derived the keys
  std::vector<uint8_t> secret;  ///< traffic secret, hash-length bytes
  std::vector<uint8_t> key;     ///< AEAD key: 16 (AES-128) or 32 bytes
  std::array<uint8_t, 12> iv{};
  std::vector<uint8_t> hp;  ///< header-protection key, same length as `key`
};

/// Key, IV and HP key from a traffic secret (RFC 9001 §5.1, "quic key/iv/hp" or "quicv2 ...").
Result<TrafficKeys> DeriveTrafficKeys(uint32_t version, CipherSuite suite,
                                      std::span<const uint8_t> secret);

/// The next key-phase generation (RFC 9001 §6.1: "quic ku" / "quicv2 ku"); the HP key is kept.
Result<TrafficKeys> NextKeyPhase(const TrafficKeys& keys);

/// The Initial keys (AES-128-GCM) converted to TrafficKeys.
TrafficKeys FromInitialKeys(uint32_t version, const PacketProtectionKeys& keys);

/// Opens packets with one TrafficKeys; keeps its OpenSSL contexts for speed. Move-only.
class PacketOpener {
 public:
  PacketOpener();
  ~PacketOpener();
  PacketOpener(PacketOpener&&) noexcept;
  PacketOpener& operator=(PacketOpener&&) noexcept;

  /// Sets up the AEAD and HP contexts for `keys`.
  static Result<PacketOpener> Create(const TrafficKeys& keys);

  const TrafficKeys& keys() const { return keys_; }

  /// The 5-byte header-protection mask for a 16-byte `sample` (RFC 9001 §5.4.3 / §5.4.4).
  Result<std::array<uint8_t, 5>> Mask(std::span<const uint8_t> sample);

  /// AEAD-opens `ciphertext` (16-byte tag last) with nonce IV ^ pn and `aad`; the plaintext is
  /// written to `out` (resized to it). kParse when authentication fails.
  Status Open(uint64_t packet_number, std::span<const uint8_t> aad,
              std::span<const uint8_t> ciphertext, std::vector<uint8_t>& out);

  /// Like Open, but writes into `buffer` (grown when too small, never shrunk: no per-packet
  /// clearing) and returns the plaintext as a view into it.
  Result<std::span<const uint8_t>> OpenInto(uint64_t packet_number, std::span<const uint8_t> aad,
                                            std::span<const uint8_t> ciphertext,
                                            std::vector<uint8_t>& buffer);

 private:
  struct Contexts;
  TrafficKeys keys_;
  std::unique_ptr<Contexts> ctx_;
};

/// Header protection removed: the unprotected first byte and the truncated packet number.
struct UnprotectedHeader {
  uint8_t first_byte = 0;
  size_t pn_length = 0;        ///< 1..4 bytes
  uint64_t truncated_pn = 0;   ///< as on the wire, pn_length bytes
};

/// Removes header protection from `packet` (one QUIC packet, from its first byte) whose packet
/// number starts at `pn_offset`; writes the unprotected header (first byte .. PN) to `header_out`.
/// kParse when the packet is too short for the sample.
Result<UnprotectedHeader> RemoveHeaderProtectionWith(PacketOpener& opener,
                                                     std::span<const uint8_t> packet,
                                                     size_t pn_offset,
                                                     std::vector<uint8_t>& header_out);

/// Full decryption of the packet `header` describes inside `udp_payload` with any suite
/// (header protection, PN decoding against `largest_pn` (< 0: none yet), AEAD).
Result<DecryptedPacket> DecryptPacketWith(std::span<const uint8_t> udp_payload,
                                          const QuicPacketHeader& header, PacketOpener& opener,
                                          int64_t largest_pn = -1);

}  // namespace qir::trace

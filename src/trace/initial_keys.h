// QUIC Initial packet protection (RFC 9001 §5, RFC 9369 §3.3): key derivation
// from the client's first Destination Connection ID, header-protection removal,
// AEAD_AES_128_GCM decryption, and the Retry Integrity Tag check.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "trace/quic_header.h"
#include "util/result.h"

namespace qir::trace {

/// RFC 9001 §5.2: v1 initial_salt.
inline constexpr std::array<uint8_t, 20> kInitialSaltV1 = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34,
                                                           0xb3, 0x4d, 0x17, 0x9a, 0xe6, 0xa4, 0xc8,
                                                           0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a};
/// RFC 9369 §3.3.1: v2 initial_salt (first 20 bytes of sha256("QUICv2 salt")).
inline constexpr std::array<uint8_t, 20> kInitialSaltV2 = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6,
                                                           0xdb, 0x81, 0x93, 0x81, 0xbe, 0x6e, 0x26,
                                                           0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9};

/// Keys of one sender for one packet-number space with AEAD_AES_128_GCM (RFC 9001 §5.1).
struct PacketProtectionKeys {
  std::vector<uint8_t> secret;    ///< the traffic secret, 32 bytes (SHA-256)
  std::array<uint8_t, 16> key{};  ///< AEAD key ("quic key" / "quicv2 key")
  std::array<uint8_t, 12> iv{};   ///< AEAD IV ("quic iv" / "quicv2 iv")
  std::array<uint8_t, 16> hp{};   ///< header-protection key ("quic hp" / "quicv2 hp")
};

/// Both directions' Initial keys.
struct InitialKeys {
  PacketProtectionKeys client;  ///< protects client-to-server Initial packets
  PacketProtectionKeys server;  ///< protects server-to-client Initial packets
};

/// HKDF-Extract with SHA-256 (RFC 5869 §2.2): 32-byte PRK.
Result<std::vector<uint8_t>> HkdfExtract(std::span<const uint8_t> salt,
                                         std::span<const uint8_t> ikm);

/// HKDF-Expand-Label with SHA-256 and an empty context (RFC 8446 §7.1; label without "tls13 ").
Result<std::vector<uint8_t>> HkdfExpandLabel(std::span<const uint8_t> secret,
                                             std::string_view label, size_t length);

/// Key, IV and HP key from a traffic secret, with the version's labels (RFC 9001 §5.1, RFC 9369
/// §3.3.2).
Result<PacketProtectionKeys> DeriveAes128GcmKeys(uint32_t version, std::span<const uint8_t> secret);

/// Initial secrets and keys from the DCID of the client's first Initial (RFC 9001 §5.2);
/// kUnsupported for versions other than v1 and v2.
Result<InitialKeys> DeriveInitialKeys(uint32_t version, std::span<const uint8_t> client_dcid);

/// RFC 9000 §A.3: the full packet number closest to largest_pn + 1 with these low `pn_length`
/// bytes.
uint64_t DecodePacketNumber(uint64_t largest_pn, uint64_t truncated_pn, size_t pn_length);

/// A packet with header and payload protection removed.
struct DecryptedPacket {
  std::vector<uint8_t> header;   ///< unprotected header, first byte through the packet number
  size_t pn_length = 0;          ///< bytes, 1..4
  uint64_t packet_number = 0;    ///< full packet number (expanded when largest_pn was given)
  std::vector<uint8_t> payload;  ///< plaintext frames
};

/// Removes header protection (RFC 9001 §5.4.1, AES-ECB mask §5.4.3) and decrypts (§5.3,
/// AEAD_AES_128_GCM) the packet `header` describes inside `udp_payload`. Works for long and short
/// headers. `largest_pn` < 0: no packet of this space seen yet; the truncated number is used as is.
/// kParse when the packet is too short or fails authentication.
Result<DecryptedPacket> DecryptPacket(std::span<const uint8_t> udp_payload,
                                      const QuicPacketHeader& header,
                                      const PacketProtectionKeys& keys, int64_t largest_pn = -1);

/// RFC 9001 §5.8 / RFC 9369 §3.3.3: true when the Retry packet's tag authenticates it for the
/// client's original DCID. `retry_packet` is the whole Retry packet (tag included).
Result<bool> RetryIntegrityValid(uint32_t version, std::span<const uint8_t> original_dcid,
                                 std::span<const uint8_t> retry_packet);

}  // namespace qir::trace

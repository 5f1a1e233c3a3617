// Plaintext QUIC packet headers (RFC 9000 §17, RFC 9369 §3.2, RFC 8999): the
// fields readable without keys, and the walk over coalesced packets (§12.2).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.h"

namespace qir::trace {

/// The kind of a QUIC packet.
enum class PacketType {
  kInitial,             ///< long header, RFC 9000 §17.2.2
  kZeroRtt,             ///< long header, §17.2.3
  kHandshake,           ///< long header, §17.2.4
  kRetry,               ///< long header, §17.2.5
  kVersionNegotiation,  ///< long header with Version 0, §17.2.1
  kOneRtt,              ///< short header, §17.3.1
  kUnknownVersion,      ///< long header of a version this reader does not know (RFC 8999 §5.1);
                        ///< only the invariant fields (version, CIDs) are read
};

/// "Initial", "0-RTT", "Handshake", "Retry", "VersionNegotiation", "1-RTT", "UnknownVersion".
const char* PacketTypeName(PacketType type);

/// v1: Initial 0, 0-RTT 1, Handshake 2, Retry 3; v2 (RFC 9369): Retry 0, Initial 1, 0-RTT 2,
/// Handshake 3. Versions other than v1/v2 map like v1 (callers only use it for known versions).
PacketType LongHeaderType(uint32_t version, uint8_t type_bits);

/// True for the versions whose long header layout this reader decodes (v1, v2).
bool IsKnownVersion(uint32_t version);

/// The plaintext header fields of one QUIC packet inside a UDP payload.
struct QuicPacketHeader {
  PacketType type = PacketType::kOneRtt;
  uint32_t version = 0;    ///< 0 for VN; 0 for 1-RTT (unknown from the header)
  uint8_t first_byte = 0;  ///< as on the wire (header protection still applied)
  std::vector<uint8_t> dcid,
      scid;  ///< short header: dcid empty unless its length was given; scid empty
  std::vector<uint8_t>
      token;  ///< Initial token, or the Retry token (without the 16-byte integrity tag)
  std::array<uint8_t, 16> retry_integrity_tag{};  ///< Retry only; zeros otherwise
  std::vector<uint32_t> supported_versions;       ///< VN only
  uint64_t length =
      0;  ///< Length field (PN + payload), bytes; 0 for Retry/VN/1-RTT/unknown version
  size_t pn_offset =
      0;  ///< offset of the packet number from the start of this packet; 0 for Retry/VN/unknown
  size_t offset = 0;  ///< offset of this packet in the UDP payload, bytes
  size_t size = 0;    ///< bytes this packet occupies in the datagram
};

/// All packets coalesced in one UDP payload (RFC 9000 §12.2). A short-header packet consumes the
/// rest, as do Retry, VN and unknown-version packets. Trailing bytes that cannot start a QUIC
/// packet (a first byte with both the form and the fixed bit clear, e.g. zero padding after a long
/// packet) end the walk, not an error. `short_dcid_len` is the DCID length of short-header packets
/// (the receiver's choice; not on the wire). Errors: kParse for malformed or truncated packets,
/// including the first packet not being QUIC; packets too short for a header-protection sample (RFC
/// 9001 §5.4.2) are malformed too.
Result<std::vector<QuicPacketHeader>> ParseQuicDatagram(std::span<const uint8_t> udp_payload,
                                                        size_t short_dcid_len = 0);

}  // namespace qir::trace

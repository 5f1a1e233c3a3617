// Named constants from RFC 9000 (QUIC transport) that the trace reader needs.
// Each block names the section it comes from; names follow the RFC's wording.
#pragma once

#include <cstddef>
#include <cstdint>

namespace qir::trace {

// §17.2 / §17.3: first byte of every QUIC packet.
inline constexpr uint8_t kHeaderFormBit = 0x80;       ///< 1 = long header, 0 = short header
inline constexpr uint8_t kFixedBit = 0x40;            ///< MUST be 1 (unless greased, RFC 9287)
inline constexpr uint8_t kLongPacketTypeMask = 0x30;  ///< Long Packet Type bits (version dependent)
inline constexpr int kLongPacketTypeShift = 4;
inline constexpr uint8_t kLongReservedBitsMask = 0x0c;    ///< protected by header protection
inline constexpr uint8_t kPacketNumberLengthMask = 0x03;  ///< protected; value + 1 = PN bytes
inline constexpr uint8_t kShortSpinBit = 0x20;            ///< §17.3.1 Spin Bit (S)
inline constexpr uint8_t kShortReservedBitsMask = 0x18;   ///< §17.3.1, protected
inline constexpr uint8_t kShortKeyPhaseBit = 0x04;        ///< §17.3.1 Key Phase (K), protected

// §15 and §17.2.1: version numbers.
inline constexpr uint32_t kVersionNegotiation = 0x00000000;  ///< Version field of a VN packet
inline constexpr uint32_t kVersion1 = 0x00000001;            ///< QUIC v1 (RFC 9000 §15)

// §17.2 Table 5: QUIC v1 long header packet types (the two Type bits).
inline constexpr uint8_t kV1TypeInitial = 0x0;
inline constexpr uint8_t kV1TypeZeroRtt = 0x1;
inline constexpr uint8_t kV1TypeHandshake = 0x2;
inline constexpr uint8_t kV1TypeRetry = 0x3;

// §17.2: connection IDs.
inline constexpr size_t kMaxConnectionIdLength = 20;  ///< bytes, for v1 (and v2)
// RFC 8999 §5.1: version-independent long headers allow up to 255 bytes.
inline constexpr size_t kMaxInvariantConnectionIdLength = 255;

// §17.2 long header: first byte (1) + Version (4) + DCID Len (1), then DCID,
// SCID Len (1), SCID.
inline constexpr size_t kLongHeaderFixedPrefixLength = 1 + 4 + 1;

// §17.2.5: Retry packets end with a 128-bit Retry Integrity Tag.
inline constexpr size_t kRetryIntegrityTagLength = 16;

// §17.1: packet numbers are encoded in 1..4 bytes.
inline constexpr size_t kMaxPacketNumberLength = 4;

// §14.1: a client's Initial datagrams are at least this large.
inline constexpr size_t kMinInitialDatagramSize = 1200;

/// §19 and §12.4 Table 3 (plus RFC 9221 §4 DATAGRAM): frame types in RFC order.
enum class FrameType : uint64_t {
  kPadding = 0x00,                     ///< §19.1
  kPing = 0x01,                        ///< §19.2
  kAck = 0x02,                         ///< §19.3
  kAckEcn = 0x03,                      ///< §19.3, with ECN counts
  kResetStream = 0x04,                 ///< §19.4
  kStopSending = 0x05,                 ///< §19.5
  kCrypto = 0x06,                      ///< §19.6
  kNewToken = 0x07,                    ///< §19.7
  kStream = 0x08,                      ///< §19.8, types 0x08..0x0f (OFF, LEN, FIN bits)
  kStreamMax = 0x0f,                   ///< §19.8, last STREAM type
  kMaxData = 0x10,                     ///< §19.9
  kMaxStreamData = 0x11,               ///< §19.10
  kMaxStreamsBidi = 0x12,              ///< §19.11
  kMaxStreamsUni = 0x13,               ///< §19.11
  kDataBlocked = 0x14,                 ///< §19.12
  kStreamDataBlocked = 0x15,           ///< §19.13
  kStreamsBlockedBidi = 0x16,          ///< §19.14
  kStreamsBlockedUni = 0x17,           ///< §19.14
  kNewConnectionId = 0x18,             ///< §19.15
  kRetireConnectionId = 0x19,          ///< §19.16
  kPathChallenge = 0x1a,               ///< §19.17
  kPathResponse = 0x1b,                ///< §19.18
  kConnectionCloseTransport = 0x1c,    ///< §19.19, QUIC layer error
  kConnectionCloseApplication = 0x1d,  ///< §19.19, application error
  kHandshakeDone = 0x1e,               ///< §19.20
  kImmediateAck = 0x1f,                ///< draft-ietf-quic-ack-frequency (quinn 0.11 sends it)
  kAckFrequency = 0xaf,                ///< draft-ietf-quic-ack-frequency
  kDatagram = 0x30,                    ///< RFC 9221 §4, without Length
  kDatagramWithLength = 0x31,          ///< RFC 9221 §4, with Length
};

// §17.2.2: the Length field covers the packet number and the payload.
// RFC 9001 §5.4.2: a receiver samples 16 bytes starting 4 bytes after the start
// of the packet number, so a protected packet carries at least
// kMaxPacketNumberLength + kHeaderProtectionSampleLength bytes from the PN on.
inline constexpr size_t kHeaderProtectionSampleLength = 16;
inline constexpr size_t kMinProtectedBytesFromPn =
    kMaxPacketNumberLength + kHeaderProtectionSampleLength;

}  // namespace qir::trace

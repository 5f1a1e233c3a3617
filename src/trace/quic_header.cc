// Decodes the plaintext parts of QUIC packet headers: RFC 9000 §17.2 (long
// header: Initial, 0-RTT, Handshake, Retry, Version Negotiation), §17.3.1 (short
// header), §12.2 (coalescing), RFC 9369 §3.2 (v2 type bits) and RFC 8999 §5
// (version-independent fields). Like ngtcp2_pkt_decode_hd_long, every field is
// length-checked against what remains before it is read, and no length field is
// trusted until it is checked.
#include "trace/quic_header.h"

#include <algorithm>
#include <string>

#include "trace/byte_reader.h"
#include "trace/rfc9000.h"
#include "trace/rfc9369.h"
#include "trace/varint.h"

namespace qir::trace {
namespace {

std::string At(size_t offset) { return "offset " + std::to_string(offset); }

ErrorInfo Truncated(const char* what, size_t offset) {
  return Fail(Error::kParse, std::string("truncated ") + what, At(offset));
}

/// Reads a Connection ID Length byte and the ID (RFC 8999 §5.1, RFC 9000 §17.2).
Status ReadConnectionId(ByteReader& r, size_t base, size_t max_length, std::vector<uint8_t>& out) {
  uint8_t length = 0;
  std::span<const uint8_t> id;
  if (!r.ReadU8(length)) return Truncated("connection ID length", base + r.offset());
  if (length > max_length) {
    return Fail(Error::kParse, "connection ID longer than " + std::to_string(max_length) + " bytes",
                At(base + r.offset() - 1));
  }
  if (!r.ReadBytes(length, id)) return Truncated("connection ID", base + r.offset());
  out.assign(id.begin(), id.end());
  return {};
}

/// First byte, Version, DCID and SCID: the fields every long header has.
Status ReadInvariantFields(ByteReader& r, size_t base, QuicPacketHeader& h) {
  if (!r.ReadU8(h.first_byte) || !r.ReadU32(h.version)) {
    return Truncated("long header", base + r.offset());
  }
  const size_t max_cid =
      IsKnownVersion(h.version) ? kMaxConnectionIdLength : kMaxInvariantConnectionIdLength;
  if (Status s = ReadConnectionId(r, base, max_cid, h.dcid); !s.ok()) return s;
  return ReadConnectionId(r, base, max_cid, h.scid);
}

/// §17.2.1: the rest of a VN packet is a list of 32-bit versions.
Status ReadSupportedVersions(ByteReader& r, size_t base, QuicPacketHeader& h) {
  if (r.remaining() == 0 || r.remaining() % 4 != 0) {
    return Fail(Error::kParse,
                "Version Negotiation: Supported Versions is not a non-empty list of 32-bit values",
                At(base + r.offset()));
  }
  uint32_t version = 0;
  while (r.ReadU32(version)) h.supported_versions.push_back(version);
  return {};
}

/// §17.2.5: Retry Token fills the datagram up to the 16-byte Retry Integrity Tag.
Status ReadRetryFields(ByteReader& r, size_t base, QuicPacketHeader& h) {
  if (r.remaining() < kRetryIntegrityTagLength)
    return Truncated("Retry Integrity Tag", base + r.offset());
  std::span<const uint8_t> token, tag;
  (void)r.ReadBytes(r.remaining() - kRetryIntegrityTagLength, token);
  (void)r.ReadBytes(kRetryIntegrityTagLength, tag);
  h.token.assign(token.begin(), token.end());
  std::copy(tag.begin(), tag.end(), h.retry_integrity_tag.begin());
  return {};
}

/// Reads a varint field and advances the reader past it.
Status ReadVarintField(ByteReader& r, size_t base, const char* what, uint64_t& out) {
  Result<Varint> v = DecodeVarint(r.Rest());
  if (!v.ok()) return Truncated(what, base + r.offset());
  (void)r.Skip(v->length);
  out = v->value;
  return {};
}

/// §17.2.2: Token Length (varint) and Token of an Initial packet.
Status ReadInitialToken(ByteReader& r, size_t base, QuicPacketHeader& h) {
  uint64_t token_length = 0;
  if (Status s = ReadVarintField(r, base, "Token Length", token_length); !s.ok()) return s;
  std::span<const uint8_t> token;
  if (token_length > r.remaining() || !r.ReadBytes(static_cast<size_t>(token_length), token)) {
    return Fail(Error::kParse, "Token Length exceeds the datagram",
                At(base + r.offset()) + ", Token Length " + std::to_string(token_length));
  }
  h.token.assign(token.begin(), token.end());
  return {};
}

/// §17.2.2-4: the Length field, then the protected packet number and payload.
Status ReadLengthAndPayload(ByteReader& r, size_t base, QuicPacketHeader& h) {
  if (Status s = ReadVarintField(r, base, "Length", h.length); !s.ok()) return s;
  h.pn_offset = r.offset();
  const std::string where = At(base + r.offset()) + ", Length " + std::to_string(h.length);
  if (h.length > r.remaining()) {
    return Fail(Error::kParse, "Length exceeds the datagram",
                where + ", " + std::to_string(r.remaining()) + " bytes left");
  }
  // RFC 9001 §5.4.2: too short to hold a header-protection sample: malformed.
  if (h.length < kMinProtectedBytesFromPn) {
    return Fail(Error::kParse, "packet too short for a header-protection sample", where);
  }
  h.size = r.offset() + static_cast<size_t>(h.length);
  return {};
}

/// One long-header packet starting at `packet[0]`; `base` is its offset in the datagram.
Result<QuicPacketHeader> ParseLongHeaderPacket(std::span<const uint8_t> packet, size_t base) {
  ByteReader r(packet);
  QuicPacketHeader h;
  h.offset = base;
  if (Status s = ReadInvariantFields(r, base, h); !s.ok()) return s.error();
  Status status;
  if (h.version == kVersionNegotiation) {
    h.type = PacketType::kVersionNegotiation;
    status = ReadSupportedVersions(r, base, h);
  } else if (!IsKnownVersion(h.version)) {
    h.type = PacketType::kUnknownVersion;
  } else {
    h.type =
        LongHeaderType(h.version, (h.first_byte & kLongPacketTypeMask) >> kLongPacketTypeShift);
    if (h.type == PacketType::kRetry) {
      status = ReadRetryFields(r, base, h);
    } else {
      if (h.type == PacketType::kInitial) status = ReadInitialToken(r, base, h);
      if (status.ok()) status = ReadLengthAndPayload(r, base, h);
      if (status.ok()) return h;
    }
  }
  if (!status.ok()) return status.error();
  h.size = packet.size();  // VN, Retry and unknown versions have no Length: they fill the datagram
  return h;
}

/// True when every byte is zero: padding, not a packet.
bool AllZero(std::span<const uint8_t> bytes) {
  for (uint8_t b : bytes) {
    if (b != 0) return false;
  }
  return true;
}

/// One short-header (1-RTT) packet: it always extends to the end of the datagram. The fixed
/// bit may be 0: RFC 9287 lets an endpoint grease it once its peer sent grease_quic_bit
/// (ngtcp2 does), so only all-zero bytes are refused.
Result<QuicPacketHeader> ParseShortHeaderPacket(std::span<const uint8_t> packet, size_t base,
                                                size_t dcid_len) {
  if ((packet[0] & kFixedBit) == 0 && AllZero(packet)) {
    return Fail(Error::kParse, "not a QUIC packet: short header with fixed bit 0 and only zero bytes",
                At(base));
  }
  const size_t min_size = 1 + dcid_len + kMinProtectedBytesFromPn;
  if (packet.size() < min_size) {
    return Fail(Error::kParse, "short header packet too short for a header-protection sample",
                At(base) + ", " + std::to_string(packet.size()) + " < " + std::to_string(min_size) +
                    " bytes");
  }
  QuicPacketHeader h;
  h.type = PacketType::kOneRtt;
  h.first_byte = packet[0];
  h.dcid.assign(packet.begin() + 1, packet.begin() + 1 + static_cast<std::ptrdiff_t>(dcid_len));
  h.pn_offset = 1 + dcid_len;
  h.offset = base;
  h.size = packet.size();
  return h;
}

}  // namespace

const char* PacketTypeName(PacketType type) {
  switch (type) {
    case PacketType::kInitial:
      return "Initial";
    case PacketType::kZeroRtt:
      return "0-RTT";
    case PacketType::kHandshake:
      return "Handshake";
    case PacketType::kRetry:
      return "Retry";
    case PacketType::kVersionNegotiation:
      return "VersionNegotiation";
    case PacketType::kOneRtt:
      return "1-RTT";
    case PacketType::kUnknownVersion:
      return "UnknownVersion";
  }
  return "?";
}

bool IsKnownVersion(uint32_t version) { return version == kVersion1 || version == kVersion2; }

PacketType LongHeaderType(uint32_t version, uint8_t type_bits) {
  type_bits &= 0x3;
  if (version == kVersion2) {
    switch (type_bits) {
      case kV2TypeInitial:
        return PacketType::kInitial;
      case kV2TypeZeroRtt:
        return PacketType::kZeroRtt;
      case kV2TypeHandshake:
        return PacketType::kHandshake;
      default:
        return PacketType::kRetry;
    }
  }
  switch (type_bits) {
    case kV1TypeInitial:
      return PacketType::kInitial;
    case kV1TypeZeroRtt:
      return PacketType::kZeroRtt;
    case kV1TypeHandshake:
      return PacketType::kHandshake;
    default:
      return PacketType::kRetry;
  }
}

Result<std::vector<QuicPacketHeader>> ParseQuicDatagram(std::span<const uint8_t> udp_payload,
                                                        size_t short_dcid_len) {
  if (udp_payload.empty()) return Fail(Error::kParse, "empty UDP payload");
  std::vector<QuicPacketHeader> packets;
  size_t offset = 0;
  while (offset < udp_payload.size()) {
    const uint8_t first = udp_payload[offset];
    // §12.2: zero padding after a packet is not the start of another one (a
    // greased short header, fixed bit 0 per RFC 9287, is: its bytes are not all zero).
    if (offset > 0 && (first & (kHeaderFormBit | kFixedBit)) == 0 && AllZero(udp_payload.subspan(offset))) break;
    std::span<const uint8_t> rest = udp_payload.subspan(offset);
    Result<QuicPacketHeader> packet = (first & kHeaderFormBit)
                                          ? ParseLongHeaderPacket(rest, offset)
                                          : ParseShortHeaderPacket(rest, offset, short_dcid_len);
    if (!packet.ok()) return packet.error();
    offset += packet->size;
    packets.push_back(std::move(packet).value());
  }
  return packets;
}

}  // namespace qir::trace

// Frame decoding for decrypted QUIC payloads: RFC 9000 §19 (all frame types and
// their fields), §19.3 (ACK ranges and ECN counts), §19.8 (STREAM OFF/LEN/FIN
// bits), RFC 9221 §4 (DATAGRAM). Every field read checks the remaining length.
#include "trace/frames.h"

#include "trace/rfc9000.h"
#include "trace/varint.h"

namespace qir::trace {
namespace {

/// Reader over the payload; the first failed read records the error.
class FrameReader {
 public:
  explicit FrameReader(std::span<const uint8_t> data) : data_(data) {}
  size_t offset() const { return offset_; }
  bool done() const { return offset_ >= data_.size(); }
  uint8_t Peek() const { return data_[offset_]; }

  bool Varint(uint64_t& out) {
    Result<trace::Varint> v = DecodeVarint(data_.subspan(offset_));
    if (!v.ok()) return false;
    out = v->value;
    offset_ += v->length;
    return true;
  }
  bool Bytes(uint64_t n, std::span<const uint8_t>& out) {
    if (n > data_.size() - offset_) return false;
    out = data_.subspan(offset_, static_cast<size_t>(n));
    offset_ += static_cast<size_t>(n);
    return true;
  }
  bool Skip(uint64_t n) {
    std::span<const uint8_t> ignored;
    return Bytes(n, ignored);
  }
  size_t remaining() const { return data_.size() - offset_; }

 private:
  std::span<const uint8_t> data_;
  size_t offset_ = 0;
};

bool ReadAck(FrameReader& r, Frame& f) {
  uint64_t count = 0;
  if (!r.Varint(f.largest_acknowledged) || !r.Varint(f.ack_delay) || !r.Varint(count) ||
      !r.Varint(f.first_ack_range)) {
    return false;
  }
  if (count > r.remaining() / 2) return false;  // each range takes at least 2 bytes
  f.ack_ranges.reserve(static_cast<size_t>(count));
  for (uint64_t i = 0; i < count; ++i) {
    AckRange range;
    if (!r.Varint(range.gap) || !r.Varint(range.length)) return false;
    f.ack_ranges.push_back(range);
  }
  if (f.type != static_cast<uint64_t>(FrameType::kAckEcn)) return true;
  f.has_ecn_counts = true;
  return r.Varint(f.ect0_count) && r.Varint(f.ect1_count) && r.Varint(f.ce_count);
}

bool ReadStream(FrameReader& r, Frame& f) {
  const bool has_offset = (f.type & 0x04) != 0, has_length = (f.type & 0x02) != 0;
  f.fin = (f.type & 0x01) != 0;
  if (!r.Varint(f.stream_id) || (has_offset && !r.Varint(f.offset))) return false;
  if (has_length) {
    if (!r.Varint(f.length)) return false;
  } else {
    f.length = r.remaining();
  }
  f.data_offset = r.offset();
  return r.Skip(f.length);
}

bool ReadLengthPrefixed(FrameReader& r, std::vector<uint8_t>& out, uint64_t max) {
  uint64_t length = 0;
  std::span<const uint8_t> bytes;
  if (!r.Varint(length) || length > max || !r.Bytes(length, bytes)) return false;
  out.assign(bytes.begin(), bytes.end());
  return true;
}

bool ReadNewConnectionId(FrameReader& r, Frame& f) {
  uint8_t cid_length = 0;
  std::span<const uint8_t> bytes;
  if (!r.Varint(f.sequence_number) || !r.Varint(f.retire_prior_to) || !r.Bytes(1, bytes)) {
    return false;
  }
  cid_length = bytes[0];
  if (cid_length < 1 || cid_length > kMaxConnectionIdLength || !r.Bytes(cid_length, bytes)) {
    return false;
  }
  f.connection_id.assign(bytes.begin(), bytes.end());
  if (!r.Bytes(16, bytes)) return false;
  std::copy(bytes.begin(), bytes.end(), f.stateless_reset_token.begin());
  return true;
}

bool ReadConnectionClose(FrameReader& r, Frame& f) {
  if (!r.Varint(f.error_code)) return false;
  if (f.type == static_cast<uint64_t>(FrameType::kConnectionCloseTransport) &&
      !r.Varint(f.closing_frame_type)) {
    return false;
  }
  std::vector<uint8_t> reason;
  if (!ReadLengthPrefixed(r, reason, r.remaining())) return false;
  f.reason.assign(reason.begin(), reason.end());
  return true;
}

bool ReadPathData(FrameReader& r, Frame& f) {
  std::span<const uint8_t> bytes;
  if (!r.Bytes(8, bytes)) return false;
  std::copy(bytes.begin(), bytes.end(), f.path_data.begin());
  return true;
}

/// Reads the body of a frame of type f.type; false when malformed or unknown.
bool ReadFrameBody(FrameReader& r, Frame& f) {
  if (IsStreamFrame(f.type)) return ReadStream(r, f);
  switch (static_cast<FrameType>(f.type)) {
    case FrameType::kPing:
    case FrameType::kHandshakeDone:
    case FrameType::kImmediateAck:
      return true;
    case FrameType::kAckFrequency: {  // sequence, ack-eliciting threshold, max ack delay, reordering threshold
      uint64_t ignored = 0;
      return r.Varint(f.sequence_number) && r.Varint(ignored) && r.Varint(ignored) && r.Varint(ignored);
    }
    case FrameType::kAck:
    case FrameType::kAckEcn:
      return ReadAck(r, f);
    case FrameType::kResetStream:
      return r.Varint(f.stream_id) && r.Varint(f.error_code) && r.Varint(f.final_size);
    case FrameType::kStopSending:
      return r.Varint(f.stream_id) && r.Varint(f.error_code);
    case FrameType::kCrypto:
      if (!r.Varint(f.offset) || !r.Varint(f.length)) return false;
      f.data_offset = r.offset();
      return r.Skip(f.length);
    case FrameType::kNewToken:
      if (!ReadLengthPrefixed(r, f.token, r.remaining()) || f.token.empty()) return false;
      f.length = f.token.size();
      return true;
    case FrameType::kMaxData:
    case FrameType::kMaxStreamsBidi:
    case FrameType::kMaxStreamsUni:
    case FrameType::kDataBlocked:
    case FrameType::kStreamsBlockedBidi:
    case FrameType::kStreamsBlockedUni:
      return r.Varint(f.maximum);
    case FrameType::kMaxStreamData:
    case FrameType::kStreamDataBlocked:
      return r.Varint(f.stream_id) && r.Varint(f.maximum);
    case FrameType::kNewConnectionId:
      return ReadNewConnectionId(r, f);
    case FrameType::kRetireConnectionId:
      return r.Varint(f.sequence_number);
    case FrameType::kPathChallenge:
    case FrameType::kPathResponse:
      return ReadPathData(r, f);
    case FrameType::kConnectionCloseTransport:
    case FrameType::kConnectionCloseApplication:
      return ReadConnectionClose(r, f);
    case FrameType::kDatagram:
      f.length = r.remaining();
      f.data_offset = r.offset();
      return r.Skip(f.length);
    case FrameType::kDatagramWithLength:
      if (!r.Varint(f.length)) return false;
      f.data_offset = r.offset();
      return r.Skip(f.length);
    default:
      return false;
  }
}

}  // namespace

const char* FrameTypeName(uint64_t type) {
  if (IsStreamFrame(type)) return "STREAM";
  switch (static_cast<FrameType>(type)) {
    case FrameType::kPadding: return "PADDING";
    case FrameType::kPing: return "PING";
    case FrameType::kAck: return "ACK";
    case FrameType::kAckEcn: return "ACK_ECN";
    case FrameType::kResetStream: return "RESET_STREAM";
    case FrameType::kStopSending: return "STOP_SENDING";
    case FrameType::kCrypto: return "CRYPTO";
    case FrameType::kNewToken: return "NEW_TOKEN";
    case FrameType::kMaxData: return "MAX_DATA";
    case FrameType::kMaxStreamData: return "MAX_STREAM_DATA";
    case FrameType::kMaxStreamsBidi: return "MAX_STREAMS_BIDI";
    case FrameType::kMaxStreamsUni: return "MAX_STREAMS_UNI";
    case FrameType::kDataBlocked: return "DATA_BLOCKED";
    case FrameType::kStreamDataBlocked: return "STREAM_DATA_BLOCKED";
    case FrameType::kStreamsBlockedBidi: return "STREAMS_BLOCKED_BIDI";
    case FrameType::kStreamsBlockedUni: return "STREAMS_BLOCKED_UNI";
    case FrameType::kNewConnectionId: return "NEW_CONNECTION_ID";
    case FrameType::kRetireConnectionId: return "RETIRE_CONNECTION_ID";
    case FrameType::kPathChallenge: return "PATH_CHALLENGE";
    case FrameType::kPathResponse: return "PATH_RESPONSE";
    case FrameType::kConnectionCloseTransport: return "CONNECTION_CLOSE";
    case FrameType::kConnectionCloseApplication: return "CONNECTION_CLOSE_APP";
    case FrameType::kHandshakeDone: return "HANDSHAKE_DONE";
    case FrameType::kImmediateAck: return "IMMEDIATE_ACK";
    case FrameType::kAckFrequency: return "ACK_FREQUENCY";
    case FrameType::kDatagram:
    case FrameType::kDatagramWithLength: return "DATAGRAM";
    default: return "UNKNOWN";
  }
}

Result<std::vector<Frame>> ParseFrames(std::span<const uint8_t> payload) {
  std::vector<Frame> frames;
  FrameReader r(payload);
  while (!r.done()) {
    const size_t start = r.offset();
    if (r.Peek() == 0x00) {  // §19.1: collapse a PADDING run into one frame
      size_t end = start;
      while (end < payload.size() && payload[end] == 0x00) ++end;
      Frame& padding = frames.emplace_back();
      padding.padding_length = end - start;
      (void)r.Skip(end - start);
      continue;
    }
    Frame f;
    if (!r.Varint(f.type)) {
      return Fail(Error::kParse, "truncated frame type", "payload offset " + std::to_string(start));
    }
    if (!ReadFrameBody(r, f)) {
      return Fail(Error::kParse,
                  std::string("malformed or unknown frame ") + FrameTypeName(f.type),
                  "payload offset " + std::to_string(start));
    }
    frames.push_back(std::move(f));
  }
  return frames;
}

}  // namespace qir::trace

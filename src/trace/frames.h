// QUIC frames inside a decrypted packet payload (RFC 9000 §19, §12.4; RFC 9221
// §4 DATAGRAM): a flat, copyable description of each frame that test checks and
// `qir analyze` read. Frame payload data (STREAM, CRYPTO) is described by offset
// into the plaintext, not copied.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "trace/rfc9000.h"
#include "util/result.h"

namespace qir::trace {

/// One ACK range below the first one (RFC 9000 §19.3.1), as on the wire.
struct AckRange {
  uint64_t gap = 0;     ///< packets unacknowledged between this range and the one above, minus 1
  uint64_t length = 0;  ///< ACK Range Length: packets acknowledged, minus 1
};

/// One decoded frame. Only the fields of its type are set; the rest stay 0/empty.
struct Frame {
  uint64_t type = 0;  ///< frame type as on the wire (e.g. 0x0a = STREAM with LEN); see rfc9000.h
  size_t padding_length = 1;  ///< PADDING: bytes in this collapsed run of 0x00 bytes
  // ACK (0x02, 0x03).
  uint64_t largest_acknowledged = 0;
  uint64_t ack_delay = 0;  ///< raw field (scaled by the peer's ack_delay_exponent)
  uint64_t first_ack_range = 0;
  std::vector<AckRange> ack_ranges;
  bool has_ecn_counts = false;  ///< type 0x03
  uint64_t ect0_count = 0, ect1_count = 0, ce_count = 0;
  // STREAM, CRYPTO, RESET_STREAM, STOP_SENDING, MAX_STREAM_DATA, STREAM_DATA_BLOCKED.
  uint64_t stream_id = 0;
  uint64_t offset = 0;  ///< STREAM/CRYPTO: byte offset in the stream; 0 when absent
  uint64_t length = 0;  ///< STREAM/CRYPTO/DATAGRAM/NEW_TOKEN: data bytes
  bool fin = false;     ///< STREAM FIN bit
  size_t data_offset = 0;  ///< STREAM/CRYPTO/DATAGRAM: where the data starts in the plaintext
  // RESET_STREAM, STOP_SENDING, CONNECTION_CLOSE.
  uint64_t error_code = 0;
  uint64_t final_size = 0;         ///< RESET_STREAM
  uint64_t closing_frame_type = 0;  ///< CONNECTION_CLOSE 0x1c: type of the frame that caused it
  std::string reason;               ///< CONNECTION_CLOSE reason phrase (bytes as is)
  // MAX_DATA, MAX_STREAM_DATA, MAX_STREAMS, DATA_BLOCKED, STREAM_DATA_BLOCKED, STREAMS_BLOCKED.
  uint64_t maximum = 0;  ///< the limit the frame carries
  // NEW_CONNECTION_ID, RETIRE_CONNECTION_ID.
  uint64_t sequence_number = 0;
  uint64_t retire_prior_to = 0;
  std::vector<uint8_t> connection_id;
  std::array<uint8_t, 16> stateless_reset_token{};
  // NEW_TOKEN.
  std::vector<uint8_t> token;
  // PATH_CHALLENGE, PATH_RESPONSE.
  std::array<uint8_t, 8> path_data{};
};

/// "PADDING", "ACK", "STREAM", ... for a frame type; "UNKNOWN" for others.
const char* FrameTypeName(uint64_t type);

/// True for STREAM types 0x08..0x0f.
inline bool IsStreamFrame(uint64_t type) { return type >= 0x08 && type <= 0x0f; }

/// Decodes all frames of a plaintext packet payload. Consecutive PADDING bytes become one frame.
/// kParse for an unknown frame type or a truncated / malformed frame (arg: payload offset).
Result<std::vector<Frame>> ParseFrames(std::span<const uint8_t> payload);

}  // namespace qir::trace

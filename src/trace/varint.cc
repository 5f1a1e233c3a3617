// Encoding and decoding of QUIC variable-length integers (RFC 9000 §16): the two
// most significant bits of the first byte give the length (1, 2, 4 or 8 bytes),
// the rest is the value in network byte order.
#include "trace/varint.h"

#include <cassert>
#include <string>

namespace qir::trace {

Result<Varint> DecodeVarint(std::span<const uint8_t> in) {
  if (in.empty()) return Fail(Error::kParse, "truncated varint", "0 bytes");
  const size_t length = size_t{1} << (in[0] >> 6);
  if (in.size() < length) {
    return Fail(
        Error::kParse, "truncated varint",
        "needs " + std::to_string(length) + " bytes, " + std::to_string(in.size()) + " left");
  }
  uint64_t value = in[0] & 0x3f;
  for (size_t i = 1; i < length; ++i) value = (value << 8) | in[i];
  return Varint{value, length};
}

size_t VarintLength(uint64_t value) {
  if (value < (uint64_t{1} << 6)) return 1;
  if (value < (uint64_t{1} << 14)) return 2;
  if (value < (uint64_t{1} << 30)) return 4;
  if (value <= kMaxVarint) return 8;
  return 0;
}

void AppendVarintWithLength(uint64_t value, size_t length, std::vector<uint8_t>& out) {
  assert(length == 1 || length == 2 || length == 4 || length == 8);
  assert(VarintLength(value) != 0 && VarintLength(value) <= length);
  const uint8_t length_bits = length == 1 ? 0 : length == 2 ? 1 : length == 4 ? 2 : 3;
  for (size_t i = 0; i < length; ++i) {
    uint8_t byte = static_cast<uint8_t>(value >> (8 * (length - 1 - i)));
    if (i == 0) byte = static_cast<uint8_t>((byte & 0x3f) | (length_bits << 6));
    out.push_back(byte);
  }
}

void AppendVarint(uint64_t value, std::vector<uint8_t>& out) {
  AppendVarintWithLength(value, VarintLength(value), out);
}

}  // namespace qir::trace

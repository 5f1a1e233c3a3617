// QUIC variable-length integers (RFC 9000 §16).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "util/result.h"

namespace qir::trace {

/// Largest value a varint can hold: 2^62 - 1 (RFC 9000 §16).
inline constexpr uint64_t kMaxVarint = (uint64_t{1} << 62) - 1;

/// A decoded varint and how many bytes it took on the wire.
struct Varint {
  uint64_t value = 0;  ///< 0 .. kMaxVarint
  size_t length = 0;   ///< bytes consumed: 1, 2, 4 or 8
};

/// Decodes the varint at the start of `in`; kParse when `in` is shorter than the
/// length its two high bits announce (or empty).
Result<Varint> DecodeVarint(std::span<const uint8_t> in);

/// Bytes the shortest encoding of `value` takes (1, 2, 4 or 8); 0 when value > kMaxVarint.
size_t VarintLength(uint64_t value);

/// Appends the shortest encoding of `value` (must be <= kMaxVarint) to `out`.
void AppendVarint(uint64_t value, std::vector<uint8_t>& out);

/// Appends `value` encoded in exactly `length` bytes (1, 2, 4 or 8; must fit), e.g.
/// a 2-byte Length field as implementations commonly write it.
void AppendVarintWithLength(uint64_t value, size_t length, std::vector<uint8_t>& out);

}  // namespace qir::trace

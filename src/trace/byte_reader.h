// ByteReader: a bounds-checked cursor over a byte span, the one place where the
// trace decoders read multi-byte fields. Every read checks what remains first and
// leaves the cursor unchanged when it fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace qir::trace {

/// A bounds-checked reading cursor; big-endian by default, little-endian on request.
/// Cheap to copy (a span and an offset); it never owns the bytes.
class ByteReader {
 public:
  explicit ByteReader(std::span<const uint8_t> data, bool little_endian = false)
      : data_(data), little_endian_(little_endian) {}

  /// Bytes consumed so far (offset from the start of the span).
  size_t offset() const { return offset_; }
  /// Bytes not yet consumed.
  size_t remaining() const { return data_.size() - offset_; }
  /// The unconsumed bytes.
  std::span<const uint8_t> Rest() const { return data_.subspan(offset_); }

  /// Reads one byte; false (cursor unchanged) when none is left.
  bool ReadU8(uint8_t& out) { return ReadUint(1, out); }
  /// Reads a 16-bit integer in the reader's byte order.
  bool ReadU16(uint16_t& out) { return ReadUint(2, out); }
  /// Reads a 32-bit integer in the reader's byte order.
  bool ReadU32(uint32_t& out) { return ReadUint(4, out); }
  /// Reads a 64-bit integer in the reader's byte order.
  bool ReadU64(uint64_t& out) { return ReadUint(8, out); }

  /// Takes the next `n` bytes as a sub-span.
  bool ReadBytes(size_t n, std::span<const uint8_t>& out) {
    if (remaining() < n) return false;
    out = data_.subspan(offset_, n);
    offset_ += n;
    return true;
  }

  /// Skips `n` bytes.
  bool Skip(size_t n) {
    if (remaining() < n) return false;
    offset_ += n;
    return true;
  }

 private:
  template <typename T>
  bool ReadUint(size_t n, T& out) {
    if (remaining() < n) return false;
    T value = 0;
    for (size_t i = 0; i < n; ++i) {
      const size_t index = little_endian_ ? offset_ + n - 1 - i : offset_ + i;
      value = static_cast<T>((value << 8) | data_[index]);
    }
    offset_ += n;
    out = value;
    return true;
  }

  std::span<const uint8_t> data_;
  size_t offset_ = 0;  ///< bytes consumed; always <= data_.size()
  bool little_endian_ = false;
};

}  // namespace qir::trace

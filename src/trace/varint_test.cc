// Tests for QUIC varints against RFC 9000 §A.1 examples, plus truncation and encoding.
#include "trace/varint.h"

#include <gtest/gtest.h>

#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

using testing::Hex;

struct VarintCase {
  const char* name;
  const char* hex;
  uint64_t want;
  size_t want_length;
};

// RFC 9000 Appendix A.1 examples, plus the boundaries of each length.
const VarintCase kCases[] = {
    {.name = "eight_bytes",
     .hex = "c2197c5eff14e88c",
     .want = 151288809941952652,
     .want_length = 8},
    {.name = "four_bytes", .hex = "9d7f3e7d", .want = 494878333, .want_length = 4},
    {.name = "two_bytes", .hex = "7bbd", .want = 15293, .want_length = 2},
    {.name = "one_byte", .hex = "25", .want = 37, .want_length = 1},
    {.name = "two_byte_encoding_of_37", .hex = "4025", .want = 37, .want_length = 2},
    {.name = "max_one_byte", .hex = "3f", .want = 63, .want_length = 1},
    {.name = "max", .hex = "ffffffffffffffff", .want = kMaxVarint, .want_length = 8},
};

TEST(Varint, DecodesRfcExamples) {
  for (const VarintCase& c : kCases) {
    SCOPED_TRACE(c.name);
    Result<Varint> v = DecodeVarint(Hex(c.hex));
    ASSERT_TRUE(v.ok()) << v.error().Text();
    EXPECT_EQ(v->value, c.want);
    EXPECT_EQ(v->length, c.want_length);
  }
}

TEST(Varint, IgnoresTrailingBytes) {
  Result<Varint> v = DecodeVarint(Hex("7bbdffff"));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->value, 15293u);
  EXPECT_EQ(v->length, 2u);
}

TEST(Varint, EveryTruncatedPrefixFails) {
  for (const VarintCase& c : kCases) {
    const testing::Bytes full = Hex(c.hex);
    for (size_t n = 0; n < full.size(); ++n) {
      SCOPED_TRACE(std::string(c.name) + " prefix " + std::to_string(n));
      Result<Varint> v = DecodeVarint(std::span(full).first(n));
      ASSERT_FALSE(v.ok());
      EXPECT_EQ(v.error().code, Error::kParse);
    }
  }
}

TEST(Varint, EncodesShortestAndRoundTrips) {
  for (const VarintCase& c : kCases) {
    SCOPED_TRACE(c.name);
    std::vector<uint8_t> out;
    AppendVarint(c.want, out);
    EXPECT_EQ(out.size(), VarintLength(c.want));
    Result<Varint> back = DecodeVarint(out);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->value, c.want);
  }
  std::vector<uint8_t> out;
  AppendVarint(151288809941952652, out);
  EXPECT_EQ(out, Hex("c2197c5eff14e88c"));
}

TEST(Varint, LengthBoundaries) {
  EXPECT_EQ(VarintLength(63), 1u);
  EXPECT_EQ(VarintLength(64), 2u);
  EXPECT_EQ(VarintLength(16383), 2u);
  EXPECT_EQ(VarintLength(16384), 4u);
  EXPECT_EQ(VarintLength((1u << 30) - 1), 4u);
  EXPECT_EQ(VarintLength(1u << 30), 8u);
  EXPECT_EQ(VarintLength(kMaxVarint + 1), 0u);
}

TEST(Varint, FixedLengthEncoding) {
  std::vector<uint8_t> out;
  AppendVarintWithLength(37, 2, out);
  EXPECT_EQ(out, Hex("4025"));
}

}  // namespace
}  // namespace qir::trace

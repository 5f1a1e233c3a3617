// Tests for QUIC frame decoding (RFC 9000 §19, RFC 9221 §4, the ack-frequency draft): one row per frame
// type with its fields, PADDING collapsing, must-fail rows, and every truncated
// prefix of every row failing cleanly.
#include "trace/frames.h"

#include <gtest/gtest.h>

#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

using testing::Bytes;
using testing::Hex;

struct FrameCase {
  const char* name;
  const char* hex;
  uint64_t type;
  void (*check)(const Frame&);
};

const FrameCase kCases[] = {
    {.name = "ping", .hex = "01", .type = 0x01, .check = [](const Frame&) {}},
    {.name = "ack", .hex = "02 4064 05 01 02 03 04", .type = 0x02,
     .check = [](const Frame& f) {
       EXPECT_EQ(f.largest_acknowledged, 100u);
       EXPECT_EQ(f.ack_delay, 5u);
       EXPECT_EQ(f.first_ack_range, 2u);
       ASSERT_EQ(f.ack_ranges.size(), 1u);
       EXPECT_EQ(f.ack_ranges[0].gap, 3u);
       EXPECT_FALSE(f.has_ecn_counts);
     }},
    {.name = "ack_ecn", .hex = "03 0a 00 00 00 07 08 09", .type = 0x03,
     .check = [](const Frame& f) {
       EXPECT_TRUE(f.has_ecn_counts);
       EXPECT_EQ(f.ect0_count, 7u);
       EXPECT_EQ(f.ect1_count, 8u);
       EXPECT_EQ(f.ce_count, 9u);
     }},
    {.name = "reset_stream", .hex = "04 04 01 4100", .type = 0x04,
     .check = [](const Frame& f) {
       EXPECT_EQ(f.stream_id, 4u);
       EXPECT_EQ(f.final_size, 256u);
     }},
    {.name = "stop_sending", .hex = "05 08 02", .type = 0x05,
     .check = [](const Frame& f) { EXPECT_EQ(f.error_code, 2u); }},
    {.name = "crypto", .hex = "06 4010 03 aabbcc", .type = 0x06,
     .check = [](const Frame& f) {
       EXPECT_EQ(f.offset, 16u);
       EXPECT_EQ(f.length, 3u);
       EXPECT_EQ(f.data_offset, 4u);
     }},
    {.name = "new_token", .hex = "07 02 abcd", .type = 0x07,
     .check = [](const Frame& f) { EXPECT_EQ(f.token, Hex("abcd")); }},
    {.name = "stream_off_len_fin", .hex = "0f 04 10 02 aabb", .type = 0x0f,
     .check = [](const Frame& f) {
       EXPECT_EQ(f.stream_id, 4u);
       EXPECT_EQ(f.offset, 16u);
       EXPECT_EQ(f.length, 2u);
       EXPECT_TRUE(f.fin);
     }},
    {.name = "stream_implicit_length", .hex = "08 00 aabbcc", .type = 0x08,
     .check = [](const Frame& f) {
       EXPECT_EQ(f.length, 3u);
       EXPECT_FALSE(f.fin);
     }},
    {.name = "max_data", .hex = "10 4400", .type = 0x10,
     .check = [](const Frame& f) { EXPECT_EQ(f.maximum, 1024u); }},
    {.name = "max_stream_data", .hex = "11 00 10", .type = 0x11,
     .check = [](const Frame& f) { EXPECT_EQ(f.maximum, 16u); }},
    {.name = "max_streams_bidi", .hex = "12 24", .type = 0x12, .check = [](const Frame&) {}},
    {.name = "data_blocked", .hex = "14 01", .type = 0x14, .check = [](const Frame&) {}},
    {.name = "new_connection_id",
     .hex = "18 01 00 04 01020304 00112233445566778899aabbccddeeff", .type = 0x18,
     .check = [](const Frame& f) {
       EXPECT_EQ(f.sequence_number, 1u);
       EXPECT_EQ(f.connection_id, Hex("01020304"));
       EXPECT_EQ(f.stateless_reset_token[15], 0xff);
     }},
    {.name = "retire_connection_id", .hex = "19 02", .type = 0x19,
     .check = [](const Frame& f) { EXPECT_EQ(f.sequence_number, 2u); }},
    {.name = "path_challenge", .hex = "1a 0102030405060708", .type = 0x1a,
     .check = [](const Frame& f) { EXPECT_EQ(f.path_data[7], 8); }},
    {.name = "path_response", .hex = "1b 0102030405060708", .type = 0x1b,
     .check = [](const Frame& f) { EXPECT_EQ(f.path_data[0], 1); }},
    {.name = "close_transport", .hex = "1c 0a 06 03 626164", .type = 0x1c,
     .check = [](const Frame& f) {
       EXPECT_EQ(f.error_code, 10u);
       EXPECT_EQ(f.closing_frame_type, 6u);
       EXPECT_EQ(f.reason, "bad");
     }},
    {.name = "close_application", .hex = "1d 00 00", .type = 0x1d,
     .check = [](const Frame& f) { EXPECT_EQ(f.reason, ""); }},
    {.name = "handshake_done", .hex = "1e", .type = 0x1e, .check = [](const Frame&) {}},
    {.name = "immediate_ack", .hex = "1f", .type = 0x1f, .check = [](const Frame&) {}},
    {.name = "ack_frequency", .hex = "40af 07 02 4064 01", .type = 0xaf,
     .check = [](const Frame& f) { EXPECT_EQ(f.sequence_number, 7u); }},
    {.name = "datagram_length", .hex = "31 02 aabb", .type = 0x31,
     .check = [](const Frame& f) { EXPECT_EQ(f.length, 2u); }},
};

TEST(Frames, DecodesEveryType) {
  for (const FrameCase& c : kCases) {
    SCOPED_TRACE(c.name);
    Result<std::vector<Frame>> frames = ParseFrames(Hex(c.hex));
    ASSERT_TRUE(frames.ok()) << frames.error().Text();
    ASSERT_EQ(frames->size(), 1u);
    EXPECT_EQ(frames->front().type, c.type);
    EXPECT_STRNE(FrameTypeName(c.type), "UNKNOWN");
    c.check(frames->front());
  }
}

TEST(Frames, EveryTruncatedPrefixFails) {
  for (const FrameCase& c : kCases) {
    const Bytes bytes = Hex(c.hex);
    // Types whose last field is "the rest of the packet" accept shorter data; the others fail.
    const bool open_ended = c.type == 0x08 || c.type == 0x30;
    for (size_t n = 1; n < bytes.size(); ++n) {
      Result<std::vector<Frame>> frames = ParseFrames(std::span(bytes).first(n));
      if (!open_ended) {
        EXPECT_FALSE(frames.ok()) << c.name << " prefix " << n;
      }
    }
  }
}

TEST(Frames, CollapsesPaddingAndReadsSequences) {
  Result<std::vector<Frame>> frames = ParseFrames(Hex("01 0000000000 1e 00"));
  ASSERT_TRUE(frames.ok());
  ASSERT_EQ(frames->size(), 4u);
  EXPECT_EQ((*frames)[1].type, 0x00u);
  EXPECT_EQ((*frames)[1].padding_length, 5u);
  EXPECT_EQ((*frames)[3].padding_length, 1u);
  EXPECT_TRUE(ParseFrames({}).ok());
}

TEST(Frames, MustFail) {
  const char* bad[] = {
      "21",                        // unknown type
      "18 01 00 00 00112233445566778899aabbccddeeff",  // zero-length NEW_CONNECTION_ID CID
      "18 01 00 15 " "0102030405060708090a0b0c0d0e0f101112131415",  // CID of 21 bytes
      "07 00",                     // empty NEW_TOKEN
      "02 00 00 7fff 00",          // ACK range count larger than the payload
      "06 00 05 aa",               // CRYPTO longer than the payload
  };
  for (const char* hex : bad) EXPECT_FALSE(ParseFrames(Hex(hex)).ok()) << hex;
}

}  // namespace
}  // namespace qir::trace

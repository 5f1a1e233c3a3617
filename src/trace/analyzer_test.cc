// Tests for the analyzer on real captures of quic-go, ngtcp2, quinn and quiche
// (tests/fixtures/analyze and handshake-quic-go): every packet decrypted with the
// key log, ChaCha20, Retry with integrity check and re-derived Initial keys, key
// updates on both sides, TLS fields test checks read, pcapng DSB round trip,
// StreamTrace agreeing with LoadTrace, and hand-broken inputs.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "trace/pcap_writer.h"
#include "trace/rfc9000.h"
#include "trace/trace.h"
#include "trace/trace_test_util.h"

namespace qir::trace {
namespace {

const std::string kDir = std::string(QIR_FIXTURES_DIR) + "/analyze/";

Trace Load(const std::string& pcap, const std::string& keylog_path) {
  Result<KeyLog> keylog = LoadKeyLog(keylog_path);
  EXPECT_TRUE(keylog.ok()) << keylog_path;
  Result<Trace> trace = LoadTrace(pcap, QirEndpoints(), keylog.ok() ? &*keylog : nullptr);
  EXPECT_TRUE(trace.ok()) << (trace.ok() ? "" : trace.error().Text());
  return trace.ok() ? std::move(*trace) : Trace{};
}

void ExpectAllDecrypted(const Trace& t) {
  ASSERT_FALSE(t.packets.empty());
  for (const Packet& p : t.packets) {
    if (p.header.type == PacketType::kRetry) continue;
    EXPECT_EQ(p.decryption, DecryptionStatus::kOk)
        << "frame " << p.frame_index << " " << PacketTypeName(p.header.type) << " "
        << p.decryption_error;
    EXPECT_GE(p.packet_number, 0);
    EXPECT_FALSE(p.frames.empty());
  }
  EXPECT_EQ(t.undecrypted, 0u);
}

struct FixtureCase {
  const char* name;
  const char* pcap;
  const char* keylog;
};

const FixtureCase kFixtures[] = {
    {.name = "handshake", .pcap = "../handshake-quic-go/trace_node_left.pcap",
     .keylog = "../handshake-quic-go/keys.log"},
    {.name = "chacha20", .pcap = "chacha20_quic-go.pcap", .keylog = "chacha20_quic-go.keys.log"},
    {.name = "retry", .pcap = "retry_quic-go.pcap", .keylog = "retry_quic-go.keys.log"},
    {.name = "keyupdate", .pcap = "keyupdate_quic-go.pcap", .keylog = "keyupdate_quic-go.keys.log"},
    // Other stacks (pcapng with a DSB, cut to their first packets): server-client.
    {.name = "handshake ngtcp2-quinn", .pcap = "handshake_ngtcp2-quinn.pcapng",
     .keylog = "handshake_ngtcp2-quinn.keys.log"},
    {.name = "handshake quinn-ngtcp2", .pcap = "handshake_quinn-ngtcp2.pcapng",
     .keylog = "handshake_quinn-ngtcp2.keys.log"},
    {.name = "handshake quiche-quic-go", .pcap = "handshake_quiche-quic-go.pcapng",
     .keylog = "handshake_quiche-quic-go.keys.log"},
    {.name = "handshake quic-go-quiche", .pcap = "handshake_quic-go-quiche.pcapng",
     .keylog = "handshake_quic-go-quiche.keys.log"},
    {.name = "chacha20 ngtcp2-quinn", .pcap = "chacha20_ngtcp2-quinn.pcapng",
     .keylog = "chacha20_ngtcp2-quinn.keys.log"},
    {.name = "keyupdate quinn-ngtcp2", .pcap = "keyupdate_quinn-ngtcp2.pcapng",
     .keylog = "keyupdate_quinn-ngtcp2.keys.log"},
};

TEST(Analyzer, DecryptsEveryPacketOfRealCaptures) {
  for (const FixtureCase& c : kFixtures) {
    SCOPED_TRACE(c.name);
    const Trace t = Load(kDir + c.pcap, kDir + c.keylog);
    ExpectAllDecrypted(t);
    ASSERT_EQ(t.connections.size(), 1u);
    const Connection& conn = t.connections[0];
    EXPECT_TRUE(conn.keys_found);
    ASSERT_TRUE(conn.client_hello.has_value());
    ASSERT_TRUE(conn.server_hello.has_value());
    EXPECT_TRUE(conn.certificate.has_value());
    EXPECT_GT(conn.certificate->count, 0u);
    EXPECT_GT(conn.server_handshake_crypto_max_end, 500u);
    ASSERT_TRUE(conn.encrypted_extensions && conn.encrypted_extensions->transport_parameters);
    EXPECT_TRUE(conn.encrypted_extensions->transport_parameters->Integer(0x08).has_value());
    for (const Packet& p : t.packets) EXPECT_EQ(p.connection, 0u);
  }
}

TEST(Analyzer, ChaCha20OnlyOfferedAndUsed) {
  const Trace t = Load(kDir + "chacha20_quic-go.pcap", kDir + "chacha20_quic-go.keys.log");
  ASSERT_EQ(t.connections.size(), 1u);
  EXPECT_EQ(t.connections[0].client_hello->cipher_suites, std::vector<uint16_t>{0x1303});
  EXPECT_EQ(t.connections[0].cipher_suite, 0x1303);
}

TEST(Analyzer, RetryVerifiedAndInitialKeysRederived) {
  const Trace t = Load(kDir + "retry_quic-go.pcap", kDir + "retry_quic-go.keys.log");
  size_t retries = 0;
  for (const Packet& p : t.packets) {
    if (p.header.type != PacketType::kRetry) continue;
    ++retries;
    EXPECT_EQ(p.retry_integrity, 1);
    EXPECT_FALSE(p.header.token.empty());
  }
  EXPECT_EQ(retries, 1u);
  ASSERT_EQ(t.connections.size(), 1u);
  EXPECT_EQ(t.connections[0].retries, 1u);
  bool token_echoed = false;
  for (const Packet& p : t.packets) {
    if (p.header.type == PacketType::kInitial && p.header.token == t.connections[0].retry_token) {
      token_echoed = true;
    }
  }
  EXPECT_TRUE(token_echoed);
}

TEST(Analyzer, ChaCha20UsedByNgtcp2AndQuinn) {
  const Trace t =
      Load(kDir + "chacha20_ngtcp2-quinn.pcapng", kDir + "chacha20_ngtcp2-quinn.keys.log");
  ASSERT_EQ(t.connections.size(), 1u);
  EXPECT_EQ(t.connections[0].cipher_suite, 0x1303);
}

TEST(Analyzer, KeyUpdatesOnBothSides) {
  for (const char* name : {"keyupdate_quic-go.pcap", "keyupdate_quinn-ngtcp2.pcapng"}) {
    SCOPED_TRACE(name);
    const std::string pcap = name;
    const Trace t = Load(kDir + pcap, kDir + pcap.substr(0, pcap.find('.')) + ".keys.log");
    bool client_phase1 = false, server_phase1 = false;
    for (const Packet& p : t.packets) {
      if (p.key_phase != 1) continue;
      (p.direction == Direction::kClientToServer ? client_phase1 : server_phase1) = true;
    }
    EXPECT_TRUE(client_phase1);
    EXPECT_TRUE(server_phase1);
  }
}

TEST(Analyzer, EmbeddedSecretsOfOtherStacksDecrypt) {
  for (const char* name : {"handshake_ngtcp2-quinn.pcapng", "handshake_quinn-ngtcp2.pcapng",
                           "handshake_quiche-quic-go.pcapng", "handshake_quic-go-quiche.pcapng"}) {
    SCOPED_TRACE(name);
    Result<Trace> t = LoadTrace(kDir + name);  // no key log: the file's DSB
    ASSERT_TRUE(t.ok()) << t.error().Text();
    ExpectAllDecrypted(*t);
  }
}

TEST(Analyzer, StreamTraceMatchesLoadTrace) {
  for (const FixtureCase& c : kFixtures) {
    SCOPED_TRACE(c.name);
    Result<KeyLog> keylog = LoadKeyLog(kDir + c.keylog);
    ASSERT_TRUE(keylog.ok());
    const TraceOptions options{.keylog = &*keylog};
    Result<Trace> loaded = LoadTrace(kDir + c.pcap, options);
    ASSERT_TRUE(loaded.ok());
    std::vector<Packet> streamed;
    size_t calls = 0;
    Result<Trace> t = StreamTrace(kDir + c.pcap, options,
                                  [&](std::span<const Packet> packets, const Trace& trace) {
                                    ++calls;
                                    EXPECT_FALSE(packets.empty());
                                    EXPECT_LE(trace.packets.size(), packets.size());
                                    streamed.insert(streamed.end(), packets.begin(), packets.end());
                                  });
    ASSERT_TRUE(t.ok());
    EXPECT_TRUE(t->packets.empty());
    EXPECT_GT(calls, 0u);
    ASSERT_EQ(streamed.size(), loaded->packets.size());
    for (size_t i = 0; i < streamed.size(); ++i) {
      const Packet &a = streamed[i], &b = loaded->packets[i];
      EXPECT_EQ(a.frame_index, b.frame_index);
      EXPECT_EQ(a.packet_number, b.packet_number);
      EXPECT_EQ(a.decryption, b.decryption);
      EXPECT_EQ(a.header.dcid, b.header.dcid);
      EXPECT_EQ(a.frames.size(), b.frames.size());
    }
    EXPECT_EQ(t->decrypted, loaded->decrypted);
    ASSERT_EQ(t->connections.size(), loaded->connections.size());
    EXPECT_EQ(t->connections[0].first_packet, loaded->connections[0].first_packet);
    EXPECT_EQ(t->connections[0].packets, loaded->connections[0].packets);
  }
  EXPECT_FALSE(StreamTrace("/nonexistent.pcap", {}, [](auto, const Trace&) {}).ok());
}

TEST(Analyzer, WithoutKeysOnlyInitialsDecrypt) {
  Result<Trace> t = LoadTrace(kDir + "chacha20_quic-go.pcap");
  ASSERT_TRUE(t.ok());
  size_t initials = 0;
  for (const Packet& p : t->packets) {
    if (p.header.type == PacketType::kInitial) {
      ++initials;
      EXPECT_EQ(p.decryption, DecryptionStatus::kOk);
    } else {
      EXPECT_EQ(p.decryption, DecryptionStatus::kNoKeys);
      EXPECT_TRUE(p.frames.empty());
    }
  }
  EXPECT_GT(initials, 0u);
  EXPECT_FALSE(t->connections[0].keys_found);
  EXPECT_TRUE(t->connections[0].client_hello.has_value());  // Initials carry the ClientHello
}

TEST(Analyzer, WrongSecretsFailAuthentication) {
  Result<KeyLog> keylog = LoadKeyLog(kDir + "chacha20_quic-go.keys.log");
  ASSERT_TRUE(keylog.ok());
  for (auto& [random, secrets] : keylog->connections) secrets.server_handshake[0] ^= 1;
  Result<Trace> t = LoadTrace(kDir + "chacha20_quic-go.pcap", QirEndpoints(), &*keylog);
  ASSERT_TRUE(t.ok());
  size_t failed = 0;
  for (const Packet& p : t->packets) {
    if (p.decryption == DecryptionStatus::kFailed) ++failed;
  }
  EXPECT_GT(failed, 0u);
}

TEST(Analyzer, PcapngWithSecretsDecryptsWithoutKeyLog) {
  const std::string out = ::testing::TempDir() + "/dsb.pcapng";
  ASSERT_TRUE(WritePcapngWithSecrets(kDir + "retry_quic-go.pcap", kDir + "retry_quic-go.keys.log",
                                     out)
                  .ok());
  Result<Trace> t = LoadTrace(out);
  ASSERT_TRUE(t.ok()) << t.error().Text();
  ExpectAllDecrypted(*t);
  EXPECT_EQ(t->packets.size(), Load(kDir + "retry_quic-go.pcap", kDir + "retry_quic-go.keys.log")
                                   .packets.size());
  Result<Trace> headers_only = LoadTrace(out, TraceOptions{.use_capture_secrets = false});
  ASSERT_TRUE(headers_only.ok());
  EXPECT_GT(headers_only->undecrypted, 0u);
  EXPECT_FALSE(WritePcapngWithSecrets(kDir + "retry_quic-go.pcap", "/nonexistent", out).ok());
  EXPECT_FALSE(WritePcapngWithSecrets("/nonexistent", kDir + "retry_quic-go.keys.log", out).ok());
  std::remove(out.c_str());
}

// The handshake capture (classic pcap) with a changed copy of its first record, the
// client's first Initial, inserted right after it, as a corrupted retransmission on
// the wire would be.
std::string WithCorruptedCopyOfFirstRecord(const std::string& name, void (*corrupt)(std::vector<uint8_t>& quic)) {
  std::ifstream in(std::string(QIR_FIXTURES_DIR) + "/handshake-quic-go/trace_node_left.pcap", std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  EXPECT_GT(bytes.size(), 40u);
  auto u32 = [&](size_t at) { return uint32_t{bytes[at]} | uint32_t{bytes[at + 1]} << 8 |
                                     uint32_t{bytes[at + 2]} << 16 | uint32_t{bytes[at + 3]} << 24; };
  // The record of the first QUIC packet (other traffic may come before it).
  const Trace original = Load(std::string(QIR_FIXTURES_DIR) + "/handshake-quic-go/trace_node_left.pcap",
                              std::string(QIR_FIXTURES_DIR) + "/handshake-quic-go/keys.log");
  EXPECT_FALSE(original.packets.empty());
  if (original.packets.empty()) return "";
  const size_t udp_payload = original.packets[0].udp_payload_size;
  size_t at = 24;  // record headers: ts_sec, ts_usec, incl_len, orig_len
  for (size_t i = 0; i < original.packets[0].frame_index; ++i) at += 16 + u32(at + 8);
  const size_t length = u32(at + 8);
  std::vector<uint8_t> record(bytes.begin() + at, bytes.begin() + at + 16 + length);
  // The client's Initial is the record's UDP payload, which ends the frame.
  std::vector<uint8_t> quic(record.end() - udp_payload, record.end());
  corrupt(quic);
  std::copy(quic.begin(), quic.end(), record.end() - udp_payload);
  bytes.insert(bytes.begin() + at + 16 + length, record.begin(), record.end());
  const std::string path = ::testing::TempDir() + "/" + name + ".pcap";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                              static_cast<std::streamsize>(bytes.size()));
  return path;
}

// Every packet decrypts but the inserted copy, which fails authentication.
void ExpectOnlyTheCopyFails(const std::string& path, const std::string& why) {
  const Trace t = Load(path, std::string(QIR_FIXTURES_DIR) + "/handshake-quic-go/keys.log");
  ASSERT_GE(t.packets.size(), 3u);
  EXPECT_EQ(t.packets[1].decryption, DecryptionStatus::kFailed);
  EXPECT_NE(t.packets[1].decryption_error.find(why), std::string::npos) << t.packets[1].decryption_error;
  for (size_t i = 0; i < t.packets.size(); ++i) {
    if (i == 1) continue;
    EXPECT_EQ(t.packets[i].decryption, DecryptionStatus::kOk)
        << "packet " << i << " " << PacketTypeName(t.packets[i].header.type) << " " << t.packets[i].decryption_error;
  }
  for (const Connection& c : t.connections) EXPECT_EQ(c.retries, 0u);
  std::remove(path.c_str());
}

// The long-header type bits are not protected: corruption can turn a client Initial into
// a "Retry". Only servers send Retry, so it must not re-key the connection's Initials.
TEST(Analyzer, ARetryFromTheClientIsACorruptedPacket) {
  ExpectOnlyTheCopyFails(WithCorruptedCopyOfFirstRecord("client-retry", [](std::vector<uint8_t>& q) { q[0] |= 0x30; }),
                         "Retry from the client");
}

// A client Initial whose DCID was corrupted opens a connection of its own that never
// decrypts; its SCID (here quic-go's empty one) must stay with the real connection, or
// the server's packets to that SCID land in the wrong one.
TEST(Analyzer, ACorruptedInitialDoesNotTakeTheClientsConnectionId) {
  ExpectOnlyTheCopyFails(WithCorruptedCopyOfFirstRecord("client-dcid", [](std::vector<uint8_t>& q) { q[6] ^= 0x01; }),
                         "");
}

TEST(Analyzer, BrokenCapturesNeverCrash) {
  std::ifstream in(kDir + "chacha20_quic-go.pcap", std::ios::binary);
  const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
  ASSERT_GT(bytes.size(), 1000u);
  Result<KeyLog> keylog = LoadKeyLog(kDir + "chacha20_quic-go.keys.log");
  ASSERT_TRUE(keylog.ok());
  const std::string path = ::testing::TempDir() + "/broken.pcap";
  // Truncations at many lengths, then single-byte corruptions throughout the file.
  for (size_t n = 0; n < bytes.size(); n += 97) {
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                static_cast<std::streamsize>(n));
    Result<Trace> t = LoadTrace(path, QirEndpoints(), &*keylog);
    if (n < 24) {
      EXPECT_FALSE(t.ok()) << n;
    }
  }
  for (size_t at = 24; at < bytes.size(); at += 31) {
    std::vector<uint8_t> corrupt = bytes;
    corrupt[at] ^= 0x5a;
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(corrupt.data()),
                                                static_cast<std::streamsize>(corrupt.size()));
    (void)LoadTrace(path, QirEndpoints(), &*keylog);
  }
  std::remove(path.c_str());
}

}  // namespace
}  // namespace qir::trace

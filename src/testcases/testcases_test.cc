// Every test case's check on traces where it must pass and where it must
// fail. Real fixtures (tests/fixtures/cells/<test>/, quic-go cells captured by
// qir and saved self-decrypting; regenerate with tests/fixtures/cells/make.sh)
// are checked as captured and after one targeted change; tests no stack here
// can produce (v2, ecn, path migration, amplification, heavy loss) run on
// synthesized packets built from the same trace model.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "testcases/checks.h"
#include "testcases/registry.h"
#include "trace/rfc9000.h"
#include "trace/rfc9369.h"
#include "trace/trace.h"

namespace qir::testcases {
namespace {

namespace fs = std::filesystem;
using trace::Direction;
using trace::FrameType;
using trace::PacketType;

/// A served file and an identical download, so checks reach their trace guards.
struct Files {
  Files(const Files&) = delete;
  Files& operator=(const Files&) = delete;
  std::string root = (fs::temp_directory_path() / ("qir-tc-" + std::to_string(::getpid()) + "-" +
                                                   std::to_string(counter++))).string();
  std::vector<std::string> names = {"f"};
  Files() {
    fs::create_directories(root + "/www");
    fs::create_directories(root + "/downloads");
    std::ofstream(root + "/www/f") << "same bytes";
    std::ofstream(root + "/downloads/f") << "same bytes";
  }
  ~Files() { fs::remove_all(root); }
  static inline int counter = 0;
};

/// Both traces of a cell plus the input a check sees.
struct Cell {
  trace::Trace client, server;
  std::shared_ptr<Files> files = std::make_shared<Files>();  // shared: copies of a cell see one folder
  bool have_keys = true;
  CheckInput Input() const {
    return {.client_side = &client, .server_side = &server, .www_dir = files->root + "/www",
            .downloads_dir = files->root + "/downloads", .files = files->names, .have_keys = have_keys};
  }
};

Cell Fixture(const std::string& test) {
  Cell cell;
  const std::string dir = std::string(QIR_FIXTURES_DIR) + "/cells/" + test;
  Result<trace::Trace> left = trace::LoadTrace(dir + "/trace_node_left.pcap");
  Result<trace::Trace> right = trace::LoadTrace(dir + "/trace_node_right.pcap");
  EXPECT_TRUE(left.ok() && right.ok()) << test;
  if (left.ok()) cell.client = *left;
  if (right.ok()) cell.server = *right;
  return cell;
}

Verdict Run(const char* test, const Cell& cell) { return FindTestCase(test)->check(cell.Input()); }

void ExpectPass(const char* test, const Cell& cell) {
  Verdict v = Run(test, cell);
  EXPECT_EQ(v.kind, Verdict::Kind::kPassed) << test << ": " << v.reason;
}

void ExpectFail(const char* test, const Cell& cell, const std::string& reason_part) {
  Verdict v = Run(test, cell);
  EXPECT_EQ(v.kind, Verdict::Kind::kFailed) << test;
  EXPECT_NE(v.reason.find(reason_part), std::string::npos) << test << ": got \"" << v.reason << "\"";
}

void ExpectUnsupportedWithoutKeys(const char* test, Cell cell) {
  cell.have_keys = false;
  EXPECT_EQ(Run(test, cell).kind, Verdict::Kind::kUnsupported) << test;
}

template <typename F>
void ForEach(trace::Trace& t, Direction d, PacketType type, F f) {
  for (trace::Packet& p : t.packets) {
    if (p.direction == d && p.header.type == type) f(p);
  }
}

void Erase(trace::Trace& t, const std::function<bool(const trace::Packet&)>& pred) {
  std::erase_if(t.packets, pred);
}

// ---- Real fixtures -------------------------------------------------------------------------

TEST(RealCells, EveryFixturePassesItsOwnTest) {
  for (const char* t : {"handshake", "longrtt", "chacha20", "multiplexing", "retry", "resumption", "zerortt", "http3",
                        "keyupdate", "ipv6"}) {
    ExpectPass(t, Fixture(t));
  }
}

TEST(RealCells, LongRttFailsWithoutAnInitialRetransmission) {
  Cell c = Fixture("longrtt");
  bool first = true;
  Erase(c.client, [&](const trace::Packet& p) {
    if (p.direction != Direction::kClientToServer || p.header.type != PacketType::kInitial) return false;
    for (const trace::Frame& f : p.frames) {
      if (f.type == static_cast<uint64_t>(FrameType::kCrypto) && f.offset == 0) {
        if (first) return first = false;
        return true;
      }
    }
    return false;
  });
  ExpectFail("longrtt", c, "at least twice");
}

TEST(RealCells, ChaCha20FailsWhenAnotherSuiteIsOffered) {
  Cell c = Fixture("chacha20");
  ASSERT_FALSE(c.client.connections.empty());
  Cell signaling = c;  // SCSVs and GREASE are not cipher suites: still passes
  signaling.client.connections[0].client_hello->cipher_suites.insert(
      signaling.client.connections[0].client_hello->cipher_suites.end(), {0x00ff, 0x5600, 0x1a1a, 0xfafa});
  ExpectPass("chacha20", signaling);
  c.client.connections[0].client_hello->cipher_suites.push_back(0x1301);
  ExpectFail("chacha20", c, "0x1301");
}

TEST(RealCells, MultiplexingFailsAboveAThousandStreamsAndNeedsKeys) {
  Cell c = Fixture("multiplexing");
  ExpectUnsupportedWithoutKeys("multiplexing", c);
  for (trace::Connection& conn : c.client.connections) {
    if (conn.encrypted_extensions && conn.encrypted_extensions->transport_parameters) {
      conn.encrypted_extensions->transport_parameters->raw[0x08] = {0x80, 0x00, 0x07, 0xd0};  // varint 2000
    }
  }
  ExpectFail("multiplexing", c, "allowed 2000");
}

TEST(RealCells, RetryFailsWithoutRetryAndWhenPacketNumbersRestart) {
  Cell no_retry = Fixture("retry");
  Erase(no_retry.client, [](const trace::Packet& p) { return p.header.type == PacketType::kRetry; });
  ExpectFail("retry", no_retry, "no Retry packet");

  Cell reset = Fixture("retry");
  ForEach(reset.client, Direction::kClientToServer, PacketType::kInitial, [](trace::Packet& p) {
    if (!p.header.token.empty()) p.packet_number = 0;
  });
  ExpectFail("retry", reset, "reset its packet numbers");

  Cell wrong_token = Fixture("retry");
  ForEach(wrong_token.client, Direction::kClientToServer, PacketType::kInitial,
          [](trace::Packet& p) { if (!p.header.token.empty()) p.header.token[0] ^= 1; });
  ExpectFail("retry", wrong_token, "carries the Retry token");
}

TEST(RealCells, ResumptionFailsWhenTheCertificateIsSentAgain) {
  Cell c = Fixture("resumption");
  ExpectUnsupportedWithoutKeys("resumption", c);
  for (trace::Connection& conn : c.server.connections) conn.certificate = trace::CertificateInfo{.count = 1};
  ExpectFail("resumption", c, "not resumed");
}

TEST(RealCells, ZeroRttFailsWithout0RttOrWithRequestsIn1Rtt) {
  Cell none = Fixture("zerortt");
  Erase(none.client, [](const trace::Packet& p) { return p.header.type == PacketType::kZeroRtt; });
  ExpectFail("zerortt", none, "no 0-RTT");

  Cell late = Fixture("zerortt");
  ForEach(late.client, Direction::kClientToServer, PacketType::kOneRtt,
          [](trace::Packet& p) { p.protected_payload_length += 300; });
  ExpectFail("zerortt", late, "did not go in 0-RTT");
}

// The 1-RTT budget (40 × 250 / 2 = 5000 bytes) counts what the reference counts: each
// packet's encrypted payload with its AEAD tag, not the plaintext (ngtcp2 × quinn once
// sent 5 042 such bytes, under 5 000 in plaintext).
TEST(RealCells, ZeroRttBudgetCountsEncryptedPayloadWithTag) {
  auto with_one_rtt_total = [](size_t total) {
    Cell c = Fixture("zerortt");
    std::vector<trace::Packet*> one_rtt;  // every packet carries a tag, no plaintext...
    ForEach(c.client, Direction::kClientToServer, PacketType::kOneRtt, [&](trace::Packet& p) {
      p.payload_length = 0;
      p.protected_payload_length = 16;
      one_rtt.push_back(&p);
    });
    EXPECT_FALSE(one_rtt.empty());
    if (one_rtt.empty()) return c;
    EXPECT_LE(16 * one_rtt.size(), total);
    // ...but the first, which takes the rest: its plaintext is 16 bytes shorter too.
    one_rtt.front()->protected_payload_length += total - 16 * one_rtt.size();
    one_rtt.front()->payload_length = one_rtt.front()->protected_payload_length - 16;
    return c;
  };
  ExpectPass("zerortt", with_one_rtt_total(5000));
  ExpectFail("zerortt", with_one_rtt_total(5001), "5001 bytes in 1-RTT (limit 5000)");
}

// v2 on real traffic: ngtcp2 × ngtcp2 switches to QUIC v2 by compatible version
// negotiation; quic-go × quic-go's handshake stays on v1 and must fail the v2 check.
TEST(RealCells, V2PassesOnNgtcp2AndFailsOnAPairThatStaysOnV1) {
  ExpectPass("v2", Fixture("v2"));
  ExpectFail("v2", Fixture("handshake"), "no Initial in QUIC v2");
}

TEST(RealCells, SecondConnectionFailsSingleHandshakeTests) {
  for (const char* t : {"http3", "handshake", "chacha20"}) {
    Cell c = Fixture(t);
    trace::Packet extra = *std::find_if(c.server.packets.begin(), c.server.packets.end(), [](const trace::Packet& p) {
      return p.direction == Direction::kServerToClient && p.header.type == PacketType::kInitial;
    });
    extra.header.scid = {0xde, 0xad, 0xbe, 0xef};
    c.server.packets.push_back(extra);
    ExpectFail(t, c, "expected 1 handshake(s), saw 2");
  }
}

TEST(RealCells, KeyUpdateFailsWhenASideNeverUpdates) {
  Cell c = Fixture("keyupdate");
  ExpectUnsupportedWithoutKeys("keyupdate", c);
  Cell server_stays = c;
  ForEach(server_stays.server, Direction::kServerToClient, PacketType::kOneRtt, [](trace::Packet& p) { p.key_phase = 0; });
  ExpectFail("keyupdate", server_stays, "server never sent");
  ForEach(c.client, Direction::kClientToServer, PacketType::kOneRtt, [](trace::Packet& p) { p.key_phase = 0; });
  ExpectFail("keyupdate", c, "client never sent");
}

TEST(RealCells, Ipv6FailsOnAnIpv4ServerPacket) {
  Cell c = Fixture("ipv6");
  ForEach(c.server, Direction::kServerToClient, PacketType::kOneRtt, [](trace::Packet& p) { p.src.family = 4; });
  ExpectFail("ipv6", c, "over IPv4");
}

TEST(RealCells, WrongFilesFailEveryTransferTest) {
  for (const char* t : {"handshake", "retry", "http3", "ipv6"}) {
    Cell c = Fixture(t);
    std::ofstream(c.files->root + "/downloads/f") << "other byte";
    ExpectFail(t, c, "differs at byte 0");
  }
}

// ---- Synthesized traces --------------------------------------------------------------------

trace::Packet Pkt(Direction d, PacketType type, uint32_t version = trace::kVersion1) {
  trace::Packet p;
  p.direction = d;
  p.header.type = type;
  p.header.version = version;
  const bool from_client = d == Direction::kClientToServer;
  p.src = *trace::IpAddress::Parse(from_client ? "198.18.0.100" : "198.18.100.100");
  p.dst = *trace::IpAddress::Parse(from_client ? "198.18.100.100" : "198.18.0.100");
  p.src_port = from_client ? 50000 : 443;
  p.dst_port = from_client ? 443 : 50000;
  p.header.scid = from_client ? std::vector<uint8_t>{0xc1} : std::vector<uint8_t>{0x51};
  p.header.dcid = from_client ? std::vector<uint8_t>{0x51} : std::vector<uint8_t>{0xc1};
  return p;
}

trace::Frame FrameOf(FrameType type) {
  trace::Frame f;
  f.type = static_cast<uint64_t>(type);
  return f;
}

/// One connection's handshake in both traces (client Initial, server Initial, client Handshake);
/// the client's CID is {0xc0, server_scid}.
void Handshake(Cell& c, uint8_t server_scid, uint32_t version = trace::kVersion1) {
  const std::vector<uint8_t> client_cid = {0xc0, server_scid};
  for (trace::Trace* t : {&c.client, &c.server}) {
    trace::Packet ci = Pkt(Direction::kClientToServer, PacketType::kInitial);
    ci.header.scid = client_cid;
    trace::Packet si = Pkt(Direction::kServerToClient, PacketType::kInitial, version);
    si.header.scid = {server_scid};
    si.header.dcid = client_cid;
    trace::Packet ch = Pkt(Direction::kClientToServer, PacketType::kHandshake, version);
    ch.header.scid = client_cid;
    ch.header.dcid = {server_scid};
    trace::Packet sh = Pkt(Direction::kServerToClient, PacketType::kHandshake, version);
    sh.header.scid = {server_scid};
    for (const trace::Packet& p : {ci, si, sh, ch}) t->packets.push_back(p);
  }
}

TEST(Synthesized, V2PassesAndFailsOnAV1Handshake) {
  Cell c;
  Handshake(c, 1, trace::kVersion2);
  ExpectPass("v2", c);
  Cell v1;
  Handshake(v1, 1, trace::kVersion1);
  ExpectFail("v2", v1, "no Initial in QUIC v2");
  Cell mixed = c;
  mixed.client.packets.push_back(Pkt(Direction::kClientToServer, PacketType::kHandshake, trace::kVersion1));
  ExpectFail("v2", mixed, "client's Handshake packets are not all QUIC v2");
}

TEST(Synthesized, HandshakeLossCountsOnlyHandshakesTheClientContinued) {
  Cell c;
  for (int i = 0; i < 50; ++i) Handshake(c, static_cast<uint8_t>(i));
  ExpectPass("handshakeloss", c);
  ExpectPass("handshakecorruption", c);
  Cell throwaway = c;  // a server connection born from a corrupted Initial, never continued
  trace::Packet orphan = Pkt(Direction::kServerToClient, PacketType::kInitial);
  orphan.header.scid = {0xee};
  throwaway.server.packets.push_back(orphan);
  ExpectPass("handshakeloss", throwaway);
  Cell twice = c;  // two server connections answering one client connection count once
  trace::Packet second = Pkt(Direction::kServerToClient, PacketType::kInitial);
  second.header.scid = {0xef};
  second.header.dcid = {0xc0, 7};
  twice.server.packets.push_back(second);
  ExpectPass("handshakeloss", twice);
  Cell new_cid = c;  // clients that address their Handshake packets to a CID of the server's first flight
  for (trace::Trace* t : {&new_cid.client, &new_cid.server}) {
    ForEach(*t, Direction::kClientToServer, PacketType::kHandshake, [](trace::Packet& p) { p.header.dcid = {0x99}; });
  }
  ExpectPass("handshakeloss", new_cid);
  Cell no_cids = c;  // zero-length client CIDs (quic-go), Handshake packets to a CID of the first flight
  for (trace::Trace* t : {&no_cids.client, &no_cids.server}) {
    for (size_t i = 0; i < t->packets.size(); ++i) {
      trace::Packet& p = t->packets[i];
      (p.direction == Direction::kClientToServer ? p.header.scid : p.header.dcid).clear();
      (p.direction == Direction::kClientToServer ? p.src_port : p.dst_port) = static_cast<uint16_t>(40000 + i / 4);
      p.decryption = trace::DecryptionStatus::kOk;  // readable: its NEW_CONNECTION_ID frames would show
      if (p.header.type == PacketType::kHandshake && p.direction == Direction::kClientToServer) {
        p.header.dcid = {0x77, static_cast<uint8_t>(i / 4)};
      }
    }
  }
  ExpectFail("handshakeloss", no_cids, "expected 50 completed handshakes, saw 0");
  for (trace::Trace* t : {&no_cids.client, &no_cids.server}) {
    std::vector<trace::Packet> with_ncid;
    for (size_t i = 0; i < t->packets.size(); ++i) {
      with_ncid.push_back(t->packets[i]);
      if (t->packets[i].header.type != PacketType::kInitial || t->packets[i].direction != Direction::kServerToClient) {
        continue;
      }
      trace::Packet one_rtt = Pkt(Direction::kServerToClient, PacketType::kOneRtt);  // after the Initial
      one_rtt.header.dcid.clear();
      one_rtt.dst_port = static_cast<uint16_t>(40000 + i / 4);  // each connection from its own port
      trace::Frame ncid = FrameOf(FrameType::kNewConnectionId);
      ncid.connection_id = {0x77, static_cast<uint8_t>(i / 4)};
      one_rtt.frames.push_back(ncid);
      with_ncid.push_back(one_rtt);
    }
    t->packets = with_ncid;
  }
  ExpectPass("handshakeloss", no_cids);
  // Connections qir could not decrypt (NEW_CONNECTION_ID unseen): a client Handshake packet from
  // the port the server answered, before the next server connection there, counts.
  Cell unreadable = c;
  for (trace::Trace* t : {&unreadable.client, &unreadable.server}) {
    for (size_t i = 0; i < t->packets.size(); ++i) {
      trace::Packet& p = t->packets[i];
      (p.direction == Direction::kClientToServer ? p.header.scid : p.header.dcid).clear();
      (p.direction == Direction::kClientToServer ? p.src_port : p.dst_port) = static_cast<uint16_t>(40000 + i / 8);
      p.time_ns = static_cast<int64_t>(i);
      if (p.header.type == PacketType::kHandshake && p.direction == Direction::kClientToServer) {
        p.header.dcid = {0x77, static_cast<uint8_t>(i / 4)};
      }
    }
  }
  ExpectPass("handshakeloss", unreadable);  // two connections per port, one after the other: both count
  Cell silent = unreadable;  // ... but not a connection whose client never sent a Handshake packet
  for (trace::Trace* t : {&silent.client, &silent.server}) {
    Erase(*t, [](const trace::Packet& p) {
      return p.header.type == PacketType::kHandshake && p.direction == Direction::kClientToServer &&
             p.header.dcid == std::vector<uint8_t>{0x77, 3};
    });
  }
  ExpectFail("handshakeloss", silent, "expected 50 completed handshakes, saw 49");
  Cell short_one;
  for (int i = 0; i < 49; ++i) Handshake(short_one, static_cast<uint8_t>(i));
  ExpectFail("handshakeloss", short_one, "expected 50 completed handshakes, saw 49");
}

TEST(Synthesized, EcnNeedsMarksAndCountsFromBothSidesAndNoCe) {
  Cell c;
  Handshake(c, 1);
  for (trace::Trace* t : {&c.client, &c.server}) {
    for (trace::Packet& p : t->packets) {
      p.ecn = 0x02;
      trace::Frame ack = FrameOf(FrameType::kAckEcn);
      ack.has_ecn_counts = true;
      p.frames.push_back(ack);
    }
  }
  ExpectPass("ecn", c);
  ExpectUnsupportedWithoutKeys("ecn", c);
  Cell ce = c;
  ce.server.packets[1].ecn = 0x03;
  ExpectFail("ecn", ce, "server sent a packet marked CE");
  Cell unmarked = c;
  for (trace::Packet& p : unmarked.client.packets) p.ecn = 0;
  ExpectFail("ecn", unmarked, "client marked none");
  Cell no_counts = c;
  for (trace::Packet& p : no_counts.server.packets) p.frames.clear();
  ExpectFail("ecn", no_counts, "server sent no ACK frame with ECN counts");
}

TEST(Synthesized, AmplificationLimitWalksTheBudget) {
  auto build = [](size_t second_server_datagram) {
    Cell c;
    Handshake(c, 1);
    c.server.connections.push_back({});
    c.server.connections[0].server_handshake_crypto_max_end = 9000;
    // Server side, in order: client Initial 1200 → budget 3600 (4800 tolerated); server sends 3000 then N.
    trace::Trace& s = c.server;
    s.packets.clear();
    size_t index = 0;
    auto add = [&](trace::Packet p, size_t size) {
      p.udp_payload_size = size;
      p.frame_index = index++;
      s.packets.push_back(p);
    };
    add(Pkt(Direction::kClientToServer, PacketType::kInitial), 1200);
    trace::Packet si = Pkt(Direction::kServerToClient, PacketType::kInitial);
    si.header.scid = {1};
    add(si, 3000);
    add(Pkt(Direction::kServerToClient, PacketType::kHandshake), second_server_datagram);
    trace::Packet ch = Pkt(Direction::kClientToServer, PacketType::kHandshake);
    ch.header.dcid = {1};
    add(ch, 100);
    add(Pkt(Direction::kServerToClient, PacketType::kOneRtt), 20000);  // after validation: anything goes
    return c;
  };
  ExpectPass("amplificationlimit", build(600));
  ExpectPass("amplificationlimit", build(1800));  // between 3× and 4×: tolerated, as the reference does
  ExpectFail("amplificationlimit", build(1801), "1801-byte datagram");
  Cell small_chain = build(600);
  small_chain.server.connections[0].server_handshake_crypto_max_end = 2000;
  ExpectFail("amplificationlimit", small_chain, "large chain");
}

/// A rebinding: server packets to port 50000, then to 50001 (first with PATH_CHALLENGE), client answers.
Cell Rebound(bool challenge, bool respond, bool new_address) {
  Cell c;
  Handshake(c, 1);
  trace::Packet before = Pkt(Direction::kServerToClient, PacketType::kOneRtt);
  trace::Packet after = before;
  after.dst_port = 50001;
  if (new_address) after.dst = *trace::IpAddress::Parse("198.18.0.77");
  trace::Frame pc = FrameOf(FrameType::kPathChallenge);
  pc.path_data = {1, 2, 3, 4, 5, 6, 7, 8};
  if (challenge) after.frames.push_back(pc);
  c.server.packets.push_back(before);
  c.server.packets.push_back(after);
  trace::Packet response = Pkt(Direction::kClientToServer, PacketType::kOneRtt);
  trace::Frame pr = FrameOf(FrameType::kPathResponse);
  pr.path_data = pc.path_data;
  response.frames.push_back(pr);
  if (respond) c.client.packets.push_back(response);
  return c;
}

TEST(Synthesized, RebindPortNeedsChallengeOnTheNewPathAndAnAnswer) {
  ExpectPass("rebind-port", Rebound(true, true, false));
  ExpectUnsupportedWithoutKeys("rebind-port", Rebound(true, true, false));
  ExpectFail("rebind-port", Rebound(false, true, false), "carries no PATH_CHALLENGE");
  ExpectFail("rebind-port", Rebound(true, false, false), "never answered PATH_CHALLENGE 0102030405060708");
  Cell old_path_probe = Rebound(true, true, false);  // an extra challenge to the abandoned path needs no answer
  trace::Packet probe = old_path_probe.server.packets[old_path_probe.server.packets.size() - 2];
  trace::Frame pc = FrameOf(FrameType::kPathChallenge);
  pc.path_data = {9, 9, 9, 9, 9, 9, 9, 9};
  probe.frames = {pc};
  old_path_probe.server.packets.push_back(probe);
  ExpectPass("rebind-port", old_path_probe);
  Cell one_path;
  Handshake(one_path, 1);
  ExpectFail("rebind-port", one_path, "only one path");
}

TEST(Synthesized, RebindAddrNeedsASecondClientAddress) {
  ExpectPass("rebind-addr", Rebound(true, true, true));
  ExpectFail("rebind-addr", Rebound(true, true, false), "1 client address(es)");
}

TEST(Synthesized, ConnectionMigrationNeedsAFreshConnectionId) {
  Cell c = Rebound(true, true, false);
  trace::Packet old_path = Pkt(Direction::kClientToServer, PacketType::kOneRtt);
  trace::Packet new_path = old_path;
  new_path.src_port = 50001;
  new_path.header.dcid = {0x99};
  c.client.packets.push_back(old_path);
  c.client.packets.push_back(new_path);
  ExpectPass("connectionmigration", c);
  c.client.packets.back().header.dcid = old_path.header.dcid;
  ExpectFail("connectionmigration", c, "reused a connection ID");
}

TEST(Synthesized, VersionNegotiationMustEchoIdsAndBeActedOn) {
  auto build = [](bool echo, uint32_t retry_version, bool retries) {
    Cell c;
    trace::Packet probe = Pkt(Direction::kClientToServer, PacketType::kUnknownVersion, 0x1a2a3a4a);
    probe.header.dcid = {0xaa};
    probe.header.scid = {0xbb};
    probe.time_ns = 1;
    trace::Packet vn = Pkt(Direction::kServerToClient, PacketType::kVersionNegotiation, 0);
    vn.header.scid = echo ? std::vector<uint8_t>{0xaa} : std::vector<uint8_t>{0xcc};
    vn.header.dcid = {0xbb};
    vn.header.supported_versions = {trace::kVersion1};
    vn.time_ns = 2;
    c.client.packets = {probe, vn};
    if (retries) {
      trace::Packet again = Pkt(Direction::kClientToServer, PacketType::kInitial, retry_version);
      again.time_ns = 3;
      c.client.packets.push_back(again);
    }
    return c;
  };
  ExpectPass("versionnegotiation", build(true, trace::kVersion1, true));
  ExpectFail("versionnegotiation", build(false, trace::kVersion1, true), "does not echo");
  ExpectFail("versionnegotiation", build(true, trace::kVersion2, true), "did not offer");
  Cell gave_up = build(true, trace::kVersion1, false);
  std::filesystem::remove(gave_up.files->root + "/downloads/f");
  ExpectPass("versionnegotiation", gave_up);
  Cell no_vn = build(true, trace::kVersion1, true);
  no_vn.client.packets.erase(no_vn.client.packets.begin() + 1);
  ExpectFail("versionnegotiation", no_vn, "no Version Negotiation");
}

TEST(Synthesized, BlackholeAndLossTransfersUseTheTransferCheck) {
  for (const char* t : {"blackhole", "transferloss", "transfercorruption", "transfer"}) {
    Cell c;
    Handshake(c, 1);
    ExpectPass(t, c);
    Handshake(c, 2);
    ExpectFail(t, c, "expected 1 handshake(s), saw 2");
  }
}

TEST(Registry, EveryTestHasAPassingAndAFailingCaseHere) {
  // Guards against adding a test case without tests: every registered name must appear above.
  const std::set<std::string> covered = {
      "handshake", "transfer", "longrtt", "chacha20", "multiplexing", "retry", "resumption", "zerortt",
      "http3", "blackhole", "keyupdate", "ecn", "amplificationlimit", "handshakeloss", "transferloss",
      "handshakecorruption", "transfercorruption", "ipv6", "v2", "rebind-port", "rebind-addr",
      "connectionmigration", "versionnegotiation"};
  for (const TestCase* t : AllTestCases()) EXPECT_TRUE(covered.count(t->name)) << t->name;
}

}  // namespace
}  // namespace qir::testcases

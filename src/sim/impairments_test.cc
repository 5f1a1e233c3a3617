// Tests for impairments.h on a virtual clock with fixed seeds: exact drop patterns with
// bursts, droplist indices, one-byte corruption with valid checksums (never VN), blackhole
// windows, rebind rewriting in both directions for IPv4 and IPv6, seed determinism.
#include "sim/impairments.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace qir::sim {
namespace {

using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using trace::IpAddress;

const IpAddress kClient4 = *IpAddress::Parse("198.18.0.100");
const IpAddress kServer4 = *IpAddress::Parse("198.18.100.100");
const IpAddress kClient6 = *IpAddress::Parse("fd00:cafe:cafe::100");
const IpAddress kServer6 = *IpAddress::Parse("fd00:cafe:cafe:100::100");
constexpr uint16_t kClientPort = 50000, kServerPort = 443;
const TimePoint kStart = TimePoint{} + std::chrono::seconds(100);

/// A UDP packet with valid IPv4 header and UDP checksums.
std::vector<uint8_t> Udp(const IpAddress& src, uint16_t sport, const IpAddress& dst, uint16_t dport,
                         std::vector<uint8_t> payload) {
  const bool v4 = src.family == 4;
  const size_t ip_len = v4 ? 20 : 40, udp_len = 8 + payload.size();
  std::vector<uint8_t> p(ip_len + udp_len, 0);
  if (v4) {
    p[0] = 0x45, p[2] = static_cast<uint8_t>((ip_len + udp_len) >> 8);
    p[3] = static_cast<uint8_t>(ip_len + udp_len), p[8] = 64, p[9] = 17;
    std::copy_n(src.bytes.begin(), 4, p.begin() + 12);
    std::copy_n(dst.bytes.begin(), 4, p.begin() + 16);
    uint16_t sum = Ipv4HeaderChecksum(std::span(p).first(20));
    p[10] = static_cast<uint8_t>(sum >> 8), p[11] = static_cast<uint8_t>(sum);
  } else {
    p[0] = 0x60, p[4] = static_cast<uint8_t>(udp_len >> 8), p[5] = static_cast<uint8_t>(udp_len);
    p[6] = 17, p[7] = 64;
    std::copy(src.bytes.begin(), src.bytes.end(), p.begin() + 8);
    std::copy(dst.bytes.begin(), dst.bytes.end(), p.begin() + 24);
  }
  p[ip_len] = static_cast<uint8_t>(sport >> 8), p[ip_len + 1] = static_cast<uint8_t>(sport);
  p[ip_len + 2] = static_cast<uint8_t>(dport >> 8), p[ip_len + 3] = static_cast<uint8_t>(dport);
  p[ip_len + 4] = static_cast<uint8_t>(udp_len >> 8), p[ip_len + 5] = static_cast<uint8_t>(udp_len);
  std::copy(payload.begin(), payload.end(), p.begin() + ip_len + 8);
  EXPECT_TRUE(trace::FixUdpChecksum(p).ok());
  return p;
}

/// A 1-RTT-looking QUIC payload of `size` bytes.
std::vector<uint8_t> Payload(size_t size = 100) {
  std::vector<uint8_t> payload(size);
  for (size_t i = 0; i < size; ++i) payload[i] = static_cast<uint8_t>(i * 7 + 1);
  payload[0] = 0x41;  // short header, fixed bit set
  return payload;
}

/// A Version Negotiation packet (RFC 9000 §17.2.1): version 0, CIDs, one version.
std::vector<uint8_t> VersionNegotiation() {
  return {0x80, 0, 0, 0, 0, 4, 1, 2, 3, 4, 4, 5, 6, 7, 8, 0, 0, 0, 1};
}

/// An ICMP echo request (not UDP).
std::vector<uint8_t> Icmp() {
  std::vector<uint8_t> p(28, 0);
  p[0] = 0x45, p[3] = 28, p[8] = 64, p[9] = 1, p[20] = 8;
  std::copy_n(kClient4.bytes.begin(), 4, p.begin() + 12);
  std::copy_n(kServer4.bytes.begin(), 4, p.begin() + 16);
  return p;
}

/// Drives an Impairments like the simulator does and records what happened.
struct Harness {
  explicit Harness(const Scenario& scenario, uint64_t seed = 1) : impairments(scenario, seed) {
    impairments.Start(kStart);
  }
  /// Returns whether the packet was delivered; `bytes` gets its possibly rewritten contents.
  bool Send(Direction d, std::vector<uint8_t>& bytes, nanoseconds at = nanoseconds(0)) {
    uint64_t& index = d == Direction::kToServer ? to_server : to_client;
    Packet packet{.bytes = bytes, .index = ++index, .due = kStart + at};
    bool delivered = impairments.Process(d, packet, log);
    bytes = packet.bytes;
    return delivered;
  }
  Impairments impairments;
  std::vector<std::string> log;
  uint64_t to_server = 0, to_client = 0;
};

/// 'D' dropped, 'P' passed, for `n` UDP packets to the server.
std::string DropPattern(const Scenario& scenario, uint64_t seed, int n) {
  Harness h(scenario, seed);
  std::string pattern;
  for (int i = 0; i < n; ++i) {
    std::vector<uint8_t> p = Udp(kClient4, kClientPort, kServer4, kServerPort, Payload());
    pattern += h.Send(Direction::kToServer, p) ? 'P' : 'D';
  }
  return pattern;
}

Scenario DropRate(uint32_t rate, uint32_t burst) {
  Scenario s = *ParseScenario("simple-p2p --delay=1ms --bandwidth=10Mbps --queue=25");
  s.impair_to_server.drop = {.rate_percent = rate, .max_burst = burst};
  return s;
}

struct RateRow {
  const char* name;
  uint32_t rate, burst;
  uint64_t seed;
  std::string want;
};

TEST(DropRateTest, ExactPatterns) {
  const RateRow rows[] = {
      {.name = "0% never drops", .rate = 0, .burst = UINT32_MAX, .seed = 1, .want = "PPPPPPPPPPPP"},
      {.name = "100% burst 3", .rate = 100, .burst = 3, .seed = 1, .want = "DDDPDDDPDDDP"},
      {.name = "100% burst 1 alternates",
       .rate = 100,
       .burst = 1,
       .seed = 9,
       .want = "DPDPDPDPDPDP"},
      {.name = "100% no burst limit",
       .rate = 100,
       .burst = UINT32_MAX,
       .seed = 1,
       .want = "DDDDDDDDDDDD"},
      {.name = "100% burst 0 never drops",
       .rate = 100,
       .burst = 0,
       .seed = 1,
       .want = "PPPPPPPPPPPP"},
  };
  for (const RateRow& row : rows) {
    SCOPED_TRACE(row.name);
    EXPECT_EQ(DropPattern(DropRate(row.rate, row.burst), row.seed, 12), row.want);
  }
}

TEST(DropRateTest, FixedSeedGivesPinnedPatternAndBurstBound) {
  // 50 % with bursts of at most 2: pinned for seed 7 (mt19937_64 is standard-defined).
  const std::string got = DropPattern(DropRate(50, 2), 7, 40);
  EXPECT_EQ(got, DropPattern(DropRate(50, 2), 7, 40));  // same seed, same packets
  EXPECT_NE(got, DropPattern(DropRate(50, 2), 8, 40));  // another seed differs
  EXPECT_EQ(got.find("DDD"), std::string::npos) << got;
  for (size_t i = 0; i + 2 < got.size(); ++i) {
    if (got.compare(i, 2, "DD") == 0) {
      EXPECT_EQ(got[i + 2], 'P') << "after a full burst: " << got;
    }
  }
  EXPECT_EQ(got, "DDPPDDPDPDDPPPDDPPDPDDPPPPPDDPPPDDPDPPDP")
      << "decision stream changed: old logs no longer replay";
}

TEST(DropRateTest, RateIsRoughlyHonoured) {
  const std::string got = DropPattern(DropRate(10, UINT32_MAX), 3, 10000);
  auto drops = std::count(got.begin(), got.end(), 'D');
  EXPECT_GT(drops, 850);
  EXPECT_LT(drops, 1150);
}

TEST(DropRateTest, OnlyUdpCountsAndLogsCarryIndex) {
  Harness h(DropRate(100, UINT32_MAX));
  std::vector<uint8_t> icmp = Icmp();
  EXPECT_TRUE(h.Send(Direction::kToServer, icmp));  // not UDP: never dropped
  std::vector<uint8_t> udp = Udp(kClient4, kClientPort, kServer4, kServerPort, Payload());
  EXPECT_FALSE(h.Send(Direction::kToServer, udp));
  std::vector<uint8_t> back = Udp(kServer4, kServerPort, kClient4, kClientPort, Payload());
  EXPECT_TRUE(h.Send(Direction::kToClient, back));  // other direction unimpaired
  ASSERT_EQ(h.log.size(), 1u);
  EXPECT_EQ(h.log[0], "drop to_server #2 drop-rate udp=1 size=128");
}

TEST(DroplistTest, ExactIndicesPerDirection) {
  Scenario s = *ParseScenario(
      "droplist --delay=1ms --bandwidth=10Mbps --queue=25 --drops_to_server=1,3,7 "
      "--drops_to_client=2");
  Harness h(s);
  std::string to_server, to_client;
  for (int i = 0; i < 9; ++i) {
    if (i == 4) {  // non-UDP packets do not advance the UDP index
      std::vector<uint8_t> icmp = Icmp();
      EXPECT_TRUE(h.Send(Direction::kToServer, icmp));
    }
    std::vector<uint8_t> up = Udp(kClient6, kClientPort, kServer6, kServerPort, Payload());
    to_server += h.Send(Direction::kToServer, up) ? 'P' : 'D';
    std::vector<uint8_t> down = Udp(kServer6, kServerPort, kClient6, kClientPort, Payload());
    to_client += h.Send(Direction::kToClient, down) ? 'P' : 'D';
  }
  EXPECT_EQ(to_server, "DPDPPPDPP");
  EXPECT_EQ(to_client, "PDPPPPPPP");
  EXPECT_EQ(h.log[3], "drop to_server #8 droplist udp=7 size=148");  // #6 was the ICMP packet
}

/// Positions where two equally long packets differ.
std::vector<size_t> Diff(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  std::vector<size_t> at;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    if (a[i] != b[i]) at.push_back(i);
  }
  return at;
}

struct FamilyRow {
  const char* name;
  IpAddress client, server;
};

const FamilyRow kFamilies[] = {{.name = "IPv4", .client = kClient4, .server = kServer4},
                               {.name = "IPv6", .client = kClient6, .server = kServer6}};

TEST(CorruptRateTest, ChangesExactlyOneEarlyByteAndKeepsChecksumsValid) {
  Scenario s = *ParseScenario(
      "corrupt-rate --delay=1ms --bandwidth=10Mbps --queue=25 --rate_to_server=100 "
      "--rate_to_client=0");
  for (const FamilyRow& row : kFamilies) {
    SCOPED_TRACE(row.name);
    Harness h(s, 42);
    for (size_t size : {1u, 20u, 49u, 50u, 1200u}) {
      const std::vector<uint8_t> original =
          Udp(row.client, kClientPort, row.server, kServerPort, Payload(size));
      std::vector<uint8_t> p = original;
      ASSERT_TRUE(h.Send(Direction::kToServer, p));  // delivered, not dropped
      const size_t payload_at = (row.client.family == 4 ? 20 : 40) + 8;
      std::vector<size_t> diff = Diff(original, p);
      std::erase_if(diff, [&](size_t i) { return i == payload_at - 2 || i == payload_at - 1; });
      ASSERT_EQ(diff.size(), 1u);  // one byte, besides the UDP checksum field
      EXPECT_GE(diff[0], payload_at);
      EXPECT_LT(diff[0], payload_at + std::min<size_t>(size, 50));
      EXPECT_TRUE(trace::UdpChecksumValid(p));
      EXPECT_FALSE(trace::UdpChecksumValid([&] {
        auto q = p;
        q[diff[0]] = original[diff[0]];
        return q;
      }()));  // must-fail check
    }
    EXPECT_EQ(h.log.size(), 5u);
    EXPECT_EQ(h.log[0].rfind("corrupt to_server #1 udp=1 offset=0 ", 0), 0u) << h.log[0];
  }
}

TEST(CorruptRateTest, NeverCorruptsVersionNegotiation) {
  Scenario s = *ParseScenario(
      "corrupt-rate --delay=1ms --bandwidth=10Mbps --queue=25 --rate_to_server=100 "
      "--rate_to_client=100");
  Harness h(s);
  for (int i = 0; i < 20; ++i) {
    const std::vector<uint8_t> vn =
        Udp(kServer4, kServerPort, kClient4, kClientPort, VersionNegotiation());
    std::vector<uint8_t> p = vn;
    EXPECT_TRUE(h.Send(Direction::kToClient, p));
    EXPECT_EQ(p, vn);
  }
  EXPECT_TRUE(h.log.empty());
}

TEST(BlackholeTest, PhaseTable) {
  const BlackholeConfig config{.on = milliseconds(1000), .off = milliseconds(500), .repeat = 2};
  struct Row {
    int64_t at_ms;
    BlackholePhase want;
    uint32_t cycle;
  };
  const Row rows[] = {{0, BlackholePhase::kOn, 1},      {999, BlackholePhase::kOn, 1},
                      {1000, BlackholePhase::kOff, 1},  {1499, BlackholePhase::kOff, 1},
                      {1500, BlackholePhase::kOn, 2},   {2500, BlackholePhase::kOff, 2},
                      {2999, BlackholePhase::kOff, 2},  {3000, BlackholePhase::kDone, 0},
                      {99999, BlackholePhase::kDone, 0}};
  for (const Row& row : rows) {
    SCOPED_TRACE(row.at_ms);
    uint32_t cycle = 99;
    EXPECT_EQ(BlackholePhaseAt(config, milliseconds(row.at_ms), &cycle), row.want);
    EXPECT_EQ(cycle, row.cycle);
  }
  std::vector<BlackholeWindow> windows = BlackholeWindows(config);
  ASSERT_EQ(windows.size(), 2u);
  EXPECT_EQ(windows[1].start, milliseconds(2500));
  EXPECT_EQ(windows[1].end, milliseconds(3000));
}

TEST(BlackholeTest, DropsEverythingInWindowsOnlyInChosenDirection) {
  Scenario s = *ParseScenario(
      "blackhole --delay=1ms --bandwidth=10Mbps --queue=25 --on=1s --off=500ms --repeat=2 "
      "--direction=toserver");
  Harness h(s);
  std::string up, down;
  for (int ms = 0; ms < 3500; ms += 250) {
    std::vector<uint8_t> icmp = Icmp();  // blackhole drops every protocol
    up += h.Send(Direction::kToServer, icmp, milliseconds(ms)) ? 'P' : 'D';
    std::vector<uint8_t> d = Udp(kServer4, kServerPort, kClient4, kClientPort, Payload());
    down += h.Send(Direction::kToClient, d, milliseconds(ms)) ? 'P' : 'D';
  }
  EXPECT_EQ(up, "PPPPDDPPPPDDPP");
  EXPECT_EQ(down, "PPPPPPPPPPPPPP");
  EXPECT_EQ(h.log[0], "drop to_server #5 blackhole window=1 at=+1000.000ms size=28");
}

/// Source or destination endpoint of a UDP packet.
Endpoint EndpointOf(const std::vector<uint8_t>& p, bool source) {
  trace::UdpDatagram udp = *trace::ParseUdpDatagram(p);
  return source ? Endpoint{udp.src, udp.src_port} : Endpoint{udp.dst, udp.dst_port};
}

bool Ipv4HeaderValid(const std::vector<uint8_t>& p) {
  return p[0] >> 4 != 4 || Ipv4HeaderChecksum(std::span(p).first(20)) == ((p[10] << 8) | p[11]);
}

TEST(RebindTest, RewritesBothDirectionsAndDropsStaleBindings) {
  for (bool rebind_addr : {false, true}) {
    for (const FamilyRow& row : kFamilies) {
      SCOPED_TRACE(std::string(row.name) + (rebind_addr ? " --rebind-addr" : ""));
      Scenario s = *ParseScenario(
          std::string("rebind --delay=1ms --bandwidth=10Mbps --queue=25 --first-rebind=1s "
                      "--rebind-freq=2s") +
          (rebind_addr ? " --rebind-addr" : ""));
      Harness h(s, 5);
      const Endpoint client{row.client, kClientPort};
      auto up = [&](int ms) {
        std::vector<uint8_t> p = Udp(row.client, kClientPort, row.server, kServerPort, Payload());
        EXPECT_TRUE(h.Send(Direction::kToServer, p, milliseconds(ms)));
        EXPECT_TRUE(trace::UdpChecksumValid(p));
        EXPECT_TRUE(Ipv4HeaderValid(p));
        return EndpointOf(p, true);
      };
      auto down = [&](const Endpoint& to, int ms, std::vector<uint8_t>* out) {
        std::vector<uint8_t> p = Udp(row.server, kServerPort, to.addr, to.port, Payload());
        bool delivered = h.Send(Direction::kToClient, p, milliseconds(ms));
        *out = p;
        return delivered;
      };
      std::vector<uint8_t> reply;
      EXPECT_EQ(up(0), client);  // transparent before the first rebind
      ASSERT_TRUE(down(client, 10, &reply));
      const Endpoint first = up(1000);  // rebind 1 at 1 s
      EXPECT_NE(first.port, kClientPort);
      EXPECT_GE(first.port, 1024);
      if (rebind_addr) {
        EXPECT_NE(first.addr, row.client);
        const size_t prefix = row.client.family == 4 ? 3 : 8;
        EXPECT_TRUE(std::equal(first.addr.bytes.begin(), first.addr.bytes.begin() + prefix,
                               row.client.bytes.begin()));
      } else {
        EXPECT_EQ(first.addr, row.client);
      }
      ASSERT_TRUE(down(first, 1010, &reply));  // reply to the new binding reaches the real client
      EXPECT_EQ(EndpointOf(reply, false), client);
      EXPECT_TRUE(trace::UdpChecksumValid(reply));
      EXPECT_TRUE(Ipv4HeaderValid(reply));
      EXPECT_FALSE(down(client, 1020, &reply));  // the old binding is gone
      EXPECT_EQ(up(2999), first);
      const Endpoint second = up(3000);  // rebind 2 at 3 s
      EXPECT_NE(second, first);
      if (rebind_addr) {
        EXPECT_NE(second.addr, first.addr);
      }
      EXPECT_FALSE(down(first, 3010, &reply));
      EXPECT_TRUE(down(second, 3020, &reply));
      EXPECT_EQ(h.impairments.active(), true);
    }
  }
}

TEST(RebindTest, LogsEveryRebindAndUnknownDrop) {
  Scenario s = *ParseScenario("rebind --delay=1ms --bandwidth=10Mbps --queue=25 --first-rebind=1s");
  Harness h(s, 5);
  std::vector<uint8_t> p = Udp(kClient4, kClientPort, kServer4, kServerPort, Payload());
  h.Send(Direction::kToServer, p);
  p = Udp(kServer4, kServerPort, kClient4, kClientPort, Payload());
  h.Send(Direction::kToClient, p, milliseconds(5000));
  ASSERT_EQ(h.log.size(), 4u);
  EXPECT_EQ(h.log[0], "bind flow 198.18.0.100:50000 -> 198.18.0.100:50000");
  EXPECT_EQ(h.log[1], "rebind 1 at +1000.000ms: 1 flow(s)");
  EXPECT_EQ(
      h.log[2].rfind("rebind 1 flow 198.18.0.100:50000: 198.18.0.100:50000 -> 198.18.0.100:", 0),
      0u);
  EXPECT_EQ(h.log[3], "drop to_client #1 rebind-unknown dst=198.18.0.100:50000 size=128");
}

TEST(ImpairmentsTest, SameSeedSamePacketsSameDecisions) {
  Scenario s = *ParseScenario(
      "corrupt-rate --delay=1ms --bandwidth=10Mbps --queue=25 --rate_to_server=30 "
      "--rate_to_client=30 --burst_to_client=2");
  s.impair_to_server.drop = {.rate_percent = 20};
  auto run = [&](uint64_t seed) {
    Harness h(s, seed);
    std::string bytes;
    for (int i = 0; i < 300; ++i) {
      std::vector<uint8_t> p = Udp(kClient6, kClientPort, kServer6, kServerPort, Payload(300));
      h.Send(i % 2 ? Direction::kToServer : Direction::kToClient, p);
      bytes.append(p.begin(), p.end());
    }
    std::string log;
    for (const std::string& line : h.log) log += line + "\n";
    return log + bytes;
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_NE(run(11), run(12));
}

TEST(RewriteEndpointTest, TruncatedPacketsFailWithoutCrashing) {
  const std::vector<uint8_t> full = Udp(kClient4, kClientPort, kServer4, kServerPort, Payload(20));
  const Endpoint to{kClient4, 1234};
  for (size_t n = 0; n < 28; ++n) {
    std::vector<uint8_t> prefix(full.begin(), full.begin() + n);
    EXPECT_FALSE(RewriteEndpoint(prefix, EndpointField::kSource, to).ok()) << n;
  }
  std::vector<uint8_t> p = full;
  EXPECT_FALSE(RewriteEndpoint(p, EndpointField::kSource, {kClient6, 1}).ok());  // wrong family
  EXPECT_TRUE(RewriteEndpoint(p, EndpointField::kSource, to).ok());
  EXPECT_EQ(EndpointOf(p, true), to);
  EXPECT_TRUE(trace::UdpChecksumValid(p));
}

}  // namespace
}  // namespace qir::sim

// The reference scenarios' error models as pure logic (impairments.h): drop-rate and
// corrupt-rate (quic-network-simulator sim/scenarios/{drop-rate,corrupt-rate}: per-UDP-packet
// draw with bounded bursts), droplist (1-based UDP indices), blackhole (on/off schedule from
// start) and rebind (NAT with fresh ports / addresses per rebind); interop-runner-facts.md §4.
// Addresses and checksums: RFC 791 (IPv4 header checksum), RFC 768 / RFC 8200 §8.1 (UDP
// checksum, via trace::FixUdpChecksum). Version Negotiation: RFC 9000 §17.2.1. Tests:
// impairments_test.cc.
#include "sim/impairments.h"

#include <fmt/format.h>

#include <algorithm>
#include <cassert>
#include <cstring>

#include "trace/quic_header.h"

namespace qir::sim {
namespace {

/// Corrupt-rate changes one byte among the first this many of the UDP payload
/// (the reference draws the position from the first ~51 bytes).
constexpr size_t kCorruptWindowBytes = 50;
/// Ports a rebind draws from: the user range, as the reference's NAT model.
constexpr uint16_t kNatPortMin = 1024;
/// IPv4 host numbers never used as a fake client: network, the routers (.1, .2), broadcast.
constexpr uint8_t kV4HostMin = 3;
constexpr uint8_t kV4HostMax = 254;
/// Fake IPv6 clients get interface IDs at or above this, so never ::1, ::2, ::100 or similar.
constexpr uint64_t kV6InterfaceIdMin = 0x10000;
/// Decision streams derived from one seed (DecisionRng `stream`).
constexpr uint64_t kStreamDropToServer = 1, kStreamDropToClient = 2, kStreamCorruptToServer = 3,
                   kStreamCorruptToClient = 4, kStreamRebind = 5;
/// IPv4 header offsets (RFC 791 §3.1) and IPv6 header offsets (RFC 8200 §3).
constexpr size_t kV4ChecksumOffset = 10, kV4SrcOffset = 12, kV4DstOffset = 16;
constexpr size_t kV6SrcOffset = 8, kV6DstOffset = 24;

/// splitmix64 finalizer: spreads (seed, stream) into an independent mt19937_64 seed.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::string Ms(std::chrono::nanoseconds t) { return fmt::format("{:.3f}ms", t.count() / 1e6); }

/// True when the UDP payload starts with a Version Negotiation packet.
bool IsVersionNegotiation(std::span<const uint8_t> payload) {
  auto packets = trace::ParseQuicDatagram(payload);
  return packets.ok() && !packets->empty() &&
         packets->front().type == trace::PacketType::kVersionNegotiation;
}

uint16_t ReadU16(std::span<const uint8_t> p, size_t offset) {
  return static_cast<uint16_t>((p[offset] << 8) | p[offset + 1]);
}

void WriteU16(std::span<uint8_t> p, size_t offset, uint16_t value) {
  p[offset] = static_cast<uint8_t>(value >> 8);
  p[offset + 1] = static_cast<uint8_t>(value & 0xff);
}

Endpoint SourceOf(const trace::UdpDatagram& udp) { return {udp.src, udp.src_port}; }
Endpoint DestinationOf(const trace::UdpDatagram& udp) { return {udp.dst, udp.dst_port}; }

}  // namespace

const char* DirectionName(Direction direction) {
  return direction == Direction::kToServer ? "to_server" : "to_client";
}

BlackholePhase BlackholePhaseAt(const BlackholeConfig& config, std::chrono::nanoseconds elapsed,
                                uint32_t* cycle) {
  const std::chrono::nanoseconds period = config.on + config.off;
  const int64_t k = elapsed.count() < 0 ? 0 : elapsed / period;
  if (cycle != nullptr) *cycle = k < config.repeat ? static_cast<uint32_t>(k + 1) : 0;
  if (k >= config.repeat) return BlackholePhase::kDone;
  return elapsed - k * period < config.on ? BlackholePhase::kOn : BlackholePhase::kOff;
}

std::vector<BlackholeWindow> BlackholeWindows(const BlackholeConfig& config) {
  std::vector<BlackholeWindow> windows;
  const std::chrono::nanoseconds period = config.on + config.off;
  for (uint32_t k = 0; k < config.repeat; ++k) {
    windows.push_back({.start = k * period + config.on, .end = (k + 1) * period});
  }
  return windows;
}

DecisionRng::DecisionRng(uint64_t seed, uint64_t stream) : engine_(Mix(seed ^ Mix(stream))) {}

uint64_t DecisionRng::UniformBelow(uint64_t n) {
  assert(n > 0);
  const uint64_t limit = UINT64_MAX - UINT64_MAX % n;  // draws >= limit would bias the modulo
  uint64_t x = engine_();
  while (x >= limit) x = engine_();
  return x % n;
}

bool DecideRate(const RateImpairment& config, RateState& state, DecisionRng& rng) {
  if (config.rate_percent == 0) return false;
  if (state.consecutive >= config.max_burst) {
    state.consecutive = 0;  // a full burst: this packet is forced through
    return false;
  }
  const bool chosen = rng.UniformBelow(100) < config.rate_percent;
  state.consecutive = chosen ? state.consecutive + 1 : 0;
  return chosen;
}

std::string Endpoint::ToString() const {
  if (addr.family == 6) return fmt::format("[{}]:{}", addr.ToString(), port);
  return fmt::format("{}:{}", addr.ToString(), port);
}

uint16_t Ipv4HeaderChecksum(std::span<const uint8_t> header) {
  uint32_t sum = 0;
  for (size_t i = 0; i + 1 < header.size(); i += 2) {
    if (i != kV4ChecksumOffset) sum += ReadU16(header, i);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<uint16_t>(~sum & 0xffff);
}

Status RewriteEndpoint(std::span<uint8_t> ip_packet, EndpointField which, const Endpoint& to) {
  Result<trace::UdpDatagram> udp = trace::ParseUdpDatagram(ip_packet);
  if (!udp) return Fail(Error::kParse, "not a UDP packet", udp.error().Text());
  if (udp->src.family != to.addr.family) {
    return Fail(Error::kInvalidArgument, "address family mismatch", to.ToString());
  }
  const bool v4 = to.addr.family == 4;
  const bool source = which == EndpointField::kSource;
  const size_t addr_offset =
      v4 ? (source ? kV4SrcOffset : kV4DstOffset) : (source ? kV6SrcOffset : kV6DstOffset);
  std::memcpy(ip_packet.data() + addr_offset, to.addr.bytes.data(), v4 ? 4 : 16);
  WriteU16(ip_packet, udp->payload_offset - 8 + (source ? 0 : 2), to.port);
  if (v4) {
    const size_t header_len = (ip_packet[0] & 0x0f) * 4u;
    WriteU16(ip_packet, kV4ChecksumOffset, Ipv4HeaderChecksum(ip_packet.first(header_len)));
  }
  return trace::FixUdpChecksum(ip_packet);
}

// ---- RebindNat ---------------------------------------------------------------

RebindNat::RebindNat(const RebindConfig& config, uint64_t seed)
    : config_(config), rng_(seed, kStreamRebind) {}

std::optional<std::chrono::nanoseconds> RebindNat::NextRebind() const {
  if (config_.first_rebind.count() == 0) return std::nullopt;  // rebinding disabled
  if (rebinds_ == 0) return config_.first_rebind;
  if (config_.rebind_freq.count() == 0) return std::nullopt;  // single rebind, done
  return config_.first_rebind + rebinds_ * config_.rebind_freq;
}

void RebindNat::Advance(std::chrono::nanoseconds elapsed, std::vector<std::string>& log) {
  for (auto next = NextRebind(); next && *next <= elapsed; next = NextRebind()) {
    Rebind(*next, log);
  }
}

void RebindNat::Rebind(std::chrono::nanoseconds at, std::vector<std::string>& log) {
  ++rebinds_;
  log.push_back(fmt::format("rebind {} at +{}: {} flow(s)", rebinds_, Ms(at), bindings_.size()));
  for (Binding& binding : bindings_) {
    const Endpoint old = binding.external;  // still bound: FreshPort will not hand it out again
    binding.external = FreshExternal(binding.client, old);
    log.push_back(fmt::format("rebind {} flow {}: {} -> {}", rebinds_, binding.client.ToString(),
                              old.ToString(), binding.external.ToString()));
  }
}

Endpoint RebindNat::FreshExternal(const Endpoint& client, const Endpoint& old_external) {
  Endpoint fresh{.addr = client.addr, .port = FreshPort()};
  if (config_.rebind_addr) fresh.addr = FreshAddress(client.addr, old_external.addr);
  return fresh;
}

uint16_t RebindNat::FreshPort() {
  // Unique among current bindings; bindings_ is far smaller than the range, so this ends.
  for (;;) {
    auto port = static_cast<uint16_t>(kNatPortMin + rng_.UniformBelow(65536 - kNatPortMin));
    bool taken = std::any_of(bindings_.begin(), bindings_.end(),
                             [&](const Binding& b) { return b.external.port == port; });
    if (!taken) return port;
  }
}

trace::IpAddress RebindNat::FreshAddress(const trace::IpAddress& client,
                                         const trace::IpAddress& old) {
  trace::IpAddress fresh = client;
  do {
    if (client.family == 4) {
      fresh.bytes[3] =
          static_cast<uint8_t>(kV4HostMin + rng_.UniformBelow(kV4HostMax - kV4HostMin + 1));
    } else {
      uint64_t iid = kV6InterfaceIdMin + rng_.UniformBelow(UINT64_MAX - kV6InterfaceIdMin);
      for (int i = 0; i < 8; ++i) fresh.bytes[15 - i] = static_cast<uint8_t>(iid >> (8 * i));
    }
  } while (fresh == old || fresh == client);
  return fresh;
}

std::optional<Endpoint> RebindNat::Outbound(const Endpoint& client, std::vector<std::string>& log) {
  for (const Binding& binding : bindings_) {
    if (binding.client == client) return binding.external;
  }
  if (bindings_.size() >= kMaxFlows) return std::nullopt;
  // Before the first rebind the NAT is transparent; afterwards new flows get fresh bindings.
  Endpoint external = rebinds_ == 0 ? client : FreshExternal(client, client);
  bindings_.push_back({.client = client, .external = external});
  log.push_back(fmt::format("bind flow {} -> {}", client.ToString(), external.ToString()));
  return external;
}

std::optional<Endpoint> RebindNat::Inbound(const Endpoint& external) const {
  for (const Binding& binding : bindings_) {
    if (binding.external == external) return binding.client;
  }
  return std::nullopt;
}

// ---- Impairments -------------------------------------------------------------

Impairments::Impairments(const Scenario& scenario, uint64_t seed)
    : to_server_{.config = scenario.impair_to_server,
                 .drop_rng = DecisionRng(seed, kStreamDropToServer),
                 .corrupt_rng = DecisionRng(seed, kStreamCorruptToServer)},
      to_client_{.config = scenario.impair_to_client,
                 .drop_rng = DecisionRng(seed, kStreamDropToClient),
                 .corrupt_rng = DecisionRng(seed, kStreamCorruptToClient)},
      blackhole_(scenario.blackhole) {
  if (scenario.rebind) nat_.emplace(*scenario.rebind, seed);
  if (blackhole_) {
    to_server_.blackholed = blackhole_->direction != BlackholeDirection::kToClient;
    to_client_.blackholed = blackhole_->direction != BlackholeDirection::kToServer;
  }
  for (const Side* side : {&to_server_, &to_client_}) {
    active_ = active_ || side->config.drop.rate_percent > 0 ||
              side->config.corrupt.rate_percent > 0 || !side->config.droplist.empty();
  }
  active_ = active_ || blackhole_.has_value() || nat_.has_value();
}

bool Impairments::Process(Direction direction, Packet& packet, std::vector<std::string>& log) {
  if (!active_) return true;
  Side& side = direction == Direction::kToServer ? to_server_ : to_client_;
  if (Blackholed(side, direction, packet, log)) return false;
  Result<trace::UdpDatagram> udp = trace::ParseUdpDatagram(packet.bytes);
  if (!udp) return true;  // only UDP packets are considered (reference: IsUDPPacket)
  const uint64_t udp_index = ++side.udp_index;
  const char* name = DirectionName(direction);
  if (nat_ && !Nat(direction, packet, *udp, log)) return false;
  if (InDroplist(side)) {
    log.push_back(fmt::format("drop {} #{} droplist udp={} size={}", name, packet.index, udp_index,
                              packet.bytes.size()));
    return false;
  }
  if (DecideRate(side.config.drop, side.drop_state, side.drop_rng)) {
    log.push_back(fmt::format("drop {} #{} drop-rate udp={} size={}", name, packet.index, udp_index,
                              packet.bytes.size()));
    return false;
  }
  Corrupt(side, direction, packet, *udp, log);
  return true;
}

bool Impairments::Blackholed(Side& side, Direction direction, const Packet& packet,
                             std::vector<std::string>& log) {
  if (!side.blackholed) return false;
  uint32_t cycle = 0;
  if (BlackholePhaseAt(*blackhole_, packet.due - start_, &cycle) != BlackholePhase::kOff) {
    return false;
  }
  log.push_back(fmt::format("drop {} #{} blackhole window={} at=+{} size={}",
                            DirectionName(direction), packet.index, cycle, Ms(packet.due - start_),
                            packet.bytes.size()));
  return true;
}

bool Impairments::Nat(Direction direction, Packet& packet, const trace::UdpDatagram& udp,
                      std::vector<std::string>& log) {
  nat_->Advance(packet.due - start_, log);
  const char* name = DirectionName(direction);
  if (direction == Direction::kToServer) {
    std::optional<Endpoint> external = nat_->Outbound(SourceOf(udp), log);
    if (!external) {
      log.push_back(fmt::format("drop {} #{} rebind-table-full src={}", name, packet.index,
                                SourceOf(udp).ToString()));
      return false;
    }
    if (*external == SourceOf(udp)) return true;
    return RewriteEndpoint(packet.bytes, EndpointField::kSource, *external).ok();
  }
  std::optional<Endpoint> client = nat_->Inbound(DestinationOf(udp));
  if (!client) {
    log.push_back(fmt::format("drop {} #{} rebind-unknown dst={} size={}", name, packet.index,
                              DestinationOf(udp).ToString(), packet.bytes.size()));
    return false;
  }
  if (*client == DestinationOf(udp)) return true;
  return RewriteEndpoint(packet.bytes, EndpointField::kDestination, *client).ok();
}

bool Impairments::InDroplist(Side& side) {
  const std::vector<uint64_t>& list = side.config.droplist;  // sorted, unique
  if (side.next_droplist >= list.size() || list[side.next_droplist] != side.udp_index) return false;
  ++side.next_droplist;
  return true;
}

void Impairments::Corrupt(Side& side, Direction direction, Packet& packet,
                          const trace::UdpDatagram& udp, std::vector<std::string>& log) {
  if (side.config.corrupt.rate_percent == 0 || udp.payload_size == 0) return;
  std::span<uint8_t> payload(packet.bytes.data() + udp.payload_offset, udp.payload_size);
  if (IsVersionNegotiation(payload)) return;  // never corrupted (reference and issue #3)
  if (!DecideRate(side.config.corrupt, side.corrupt_state, side.corrupt_rng)) return;
  const size_t offset =
      side.corrupt_rng.UniformBelow(std::min(kCorruptWindowBytes, payload.size()));
  const uint8_t before = payload[offset];
  payload[offset] = static_cast<uint8_t>(before + 1 + side.corrupt_rng.UniformBelow(255));
  (void)trace::FixUdpChecksum(packet.bytes);  // parsed as UDP above, so it cannot fail
  log.push_back(fmt::format("corrupt {} #{} udp={} offset={} 0x{:02x}->0x{:02x} size={}",
                            DirectionName(direction), packet.index, side.udp_index, offset, before,
                            payload[offset], packet.bytes.size()));
}

}  // namespace qir::sim

// Impairments: the reference scenarios' error models (quic-network-simulator
// sim/scenarios/{drop-rate,corrupt-rate,droplist,blackhole,rebind}, interop-runner-facts.md §4)
// as pure logic on a virtual clock, for IPv4 and IPv6. Like the reference's ns-3 receive
// error models they act on packets as they leave the link, so queue drops happen first and
// the UDP indices count packets that crossed the link. No I/O: each decision is returned as a
// log line for the caller to print.
//
// Differences from the reference, on purpose:
//  - corrupt-rate DELIVERS the corrupted packet (one payload byte changed, UDP checksum
//    recomputed). Since quic-network-simulator PR #137 (2024) the reference's model reports
//    the packet as corrupt to ns-3, whose point-to-point device then drops it, so C1/C2 there
//    behave like drops; before #137 the packet was delivered. qir delivers, which is what the
//    test cases (handshakecorruption, transfercorruption) are meant to exercise: a receiver
//    must discard a packet that fails authentication.
//  - every impairment understands IPv6 (the reference's packet helper assumes IPv4).
//  - rebind NATs UDP only; other protocols pass unchanged. Random addresses avoid host
//    numbers 0, 1, 2 and 255 of the client's /24 (routers) and interface IDs below 0x10000
//    in its /64, so a fake client never shadows the simulator's own address.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "sim/link.h"
#include "sim/scenario.h"
#include "trace/ip_udp.h"

namespace qir::sim {

/// A direction through the simulator.
enum class Direction {
  kToServer,  ///< client → server (arrives on the left veth)
  kToClient,  ///< server → client (arrives on the right veth)
};

/// "to_server" / "to_client", as in the logs.
const char* DirectionName(Direction direction);

/// Where the simulator is in a blackhole schedule.
enum class BlackholePhase {
  kOn,    ///< an "on" period: packets pass
  kOff,   ///< an "off" period: every packet of the affected directions is dropped
  kDone,  ///< all `repeat` cycles are over: packets pass forever
};

/// The phase at `elapsed` since simulation start; `cycle` (if not null) gets the 1-based
/// on/off cycle number (0 once done). Transition rule: cycle k (0-based) is on during
/// [k*(on+off), k*(on+off)+on) and off during the rest of [k*(on+off), (k+1)*(on+off)).
BlackholePhase BlackholePhaseAt(const BlackholeConfig& config, std::chrono::nanoseconds elapsed,
                                uint32_t* cycle = nullptr);

/// One blackhole window as offsets from simulation start.
struct BlackholeWindow {
  std::chrono::nanoseconds start;  ///< first instant packets are dropped
  std::chrono::nanoseconds end;    ///< first instant packets pass again
};

/// Every off window of `config`, in time order.
std::vector<BlackholeWindow> BlackholeWindows(const BlackholeConfig& config);

/// The deterministic random source of one kind of decision (std::mt19937_64 has a
/// standard-defined sequence, and UniformBelow avoids the implementation-defined
/// std::uniform_int_distribution, so a seed gives the same decisions on every libstdc++).
class DecisionRng {
 public:
  /// `stream` separates the draws of different decisions made from one seed.
  DecisionRng(uint64_t seed, uint64_t stream);
  /// Uniform in [0, n); n > 0. Rejection sampling: exact, no modulo bias.
  uint64_t UniformBelow(uint64_t n);

 private:
  std::mt19937_64 engine_;
};

/// The state of one drop-rate / corrupt-rate decision stream (one direction).
struct RateState {
  uint32_t consecutive = 0;  ///< packets chosen in a row so far
};

/// The reference's rate/burst rule: once `max_burst` packets in a row were chosen, the next
/// one passes without a draw; otherwise it is chosen when a draw in [0,100) < rate_percent.
bool DecideRate(const RateImpairment& config, RateState& state, DecisionRng& rng);

/// A UDP endpoint (address and port).
struct Endpoint {
  trace::IpAddress addr;
  uint16_t port = 0;
  bool operator==(const Endpoint&) const = default;
  /// "198.18.0.100:4433" / "[fd00::100]:4433".
  std::string ToString() const;
};

/// Rebinding NAT state (one per simulator). Flows are client endpoints; each has one
/// external endpoint at a time. The mapping is endpoint-independent (RFC 4787 §4.1).
class RebindNat {
 public:
  RebindNat(const RebindConfig& config, uint64_t seed);

  /// Applies every rebind due by `elapsed` (appending one line per rebound flow to `log`).
  void Advance(std::chrono::nanoseconds elapsed, std::vector<std::string>& log);
  /// The external endpoint of `client`, creating a binding for a new flow (identity before
  /// the first rebind, random afterwards). nullopt when the flow table is full.
  std::optional<Endpoint> Outbound(const Endpoint& client, std::vector<std::string>& log);
  /// The client endpoint bound to `external`; nullopt for unknown bindings.
  std::optional<Endpoint> Inbound(const Endpoint& external) const;
  /// Rebinds done so far.
  uint32_t rebinds() const { return rebinds_; }

  /// Flows the table holds at most; packets of further flows are dropped.
  static constexpr size_t kMaxFlows = 4096;

 private:
  /// A flow and where it currently appears to come from.
  struct Binding {
    Endpoint client;
    Endpoint external;
  };
  /// The single transition: every flow gets a fresh external endpoint.
  void Rebind(std::chrono::nanoseconds at, std::vector<std::string>& log);
  Endpoint FreshExternal(const Endpoint& client, const Endpoint& old_external);
  uint16_t FreshPort();
  trace::IpAddress FreshAddress(const trace::IpAddress& client, const trace::IpAddress& old);
  /// When rebind number rebinds_+1 is due; nullopt when no more rebinds come.
  std::optional<std::chrono::nanoseconds> NextRebind() const;

  RebindConfig config_;
  DecisionRng rng_;
  std::vector<Binding> bindings_;  ///< creation order, so rebinding draws are deterministic
  uint32_t rebinds_ = 0;           ///< rebinds applied so far
};

/// All impairments of a scenario. Not thread-safe; one instance per simulator.
class Impairments {
 public:
  Impairments(const Scenario& scenario, uint64_t seed);

  /// Applies the impairments to `packet` as it leaves the link at `packet.due` (its
  /// scheduled arrival). May rewrite its bytes (corrupt, NAT). Returns false when the
  /// packet is dropped. Appends one line per decision to `log`.
  bool Process(Direction direction, Packet& packet, std::vector<std::string>& log);
  /// Sets simulation start (blackhole and rebind times count from it).
  void Start(TimePoint start) { start_ = start; }
  /// True when the scenario has any impairment (otherwise Process is a no-op).
  bool active() const { return active_; }

 private:
  /// Per-direction state.
  struct Side {
    DirectionImpairments config;
    RateState drop_state, corrupt_state;
    DecisionRng drop_rng, corrupt_rng;
    uint64_t udp_index = 0;    ///< 1-based index of the last UDP packet seen here
    size_t next_droplist = 0;  ///< position in config.droplist of the next index to drop
    bool blackholed = false;   ///< the scenario's blackhole affects this direction
  };

  bool Blackholed(Side& side, Direction direction, const Packet& packet,
                  std::vector<std::string>& log);
  bool Nat(Direction direction, Packet& packet, const trace::UdpDatagram& udp,
           std::vector<std::string>& log);
  bool InDroplist(Side& side);
  void Corrupt(Side& side, Direction direction, Packet& packet, const trace::UdpDatagram& udp,
               std::vector<std::string>& log);

  Side to_server_, to_client_;
  std::optional<BlackholeConfig> blackhole_;
  std::optional<RebindNat> nat_;
  TimePoint start_{};
  bool active_ = false;
};

/// Which endpoint of a UDP packet RewriteEndpoint changes.
enum class EndpointField {
  kSource,       ///< source address and port
  kDestination,  ///< destination address and port
};

/// Rewrites a UDP packet's source or destination endpoint in place and recomputes the IPv4
/// header checksum and the UDP checksum. Errors: kParse when the packet is not UDP,
/// kInvalidArgument when `to` is of the other IP family.
Status RewriteEndpoint(std::span<uint8_t> ip_packet, EndpointField which, const Endpoint& to);

/// The RFC 791 header checksum of an IPv4 header (checksum field taken as zero).
uint16_t Ipv4HeaderChecksum(std::span<const uint8_t> header);

}  // namespace qir::sim

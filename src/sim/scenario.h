// Scenario: the reference simulator's scenario strings ("simple-p2p --delay=15ms
// --bandwidth=10Mbps --queue=25", quic-network-simulator sim/scenarios/) parsed once
// into typed link configuration, so nothing downstream handles strings.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace qir::sim {

/// One direction of the bottleneck link (ns-3 point-to-point device + PfifoFast queue disc).
struct LinkConfig {
  std::chrono::nanoseconds delay{0};  ///< one-way propagation delay; 0 = none
  uint64_t rate_bps = 0;  ///< serialization rate in bit/s; 0 = unlimited (no serialization delay)
  size_t queue_packets =
      0;  ///< drop-tail limit: packets waiting behind the one being sent; 0 = no queue
};

/// drop-rate / corrupt-rate in one direction: each UDP packet is chosen with probability
/// rate_percent/100, but never more than max_burst in a row (after a full burst the next
/// packet passes, as the reference's error models do).
struct RateImpairment {
  uint32_t rate_percent = 0;        ///< 0..100; 0 = never chosen
  uint32_t max_burst = UINT32_MAX;  ///< most consecutive chosen packets; UINT32_MAX = no limit
};

/// Which directions a blackhole affects (reference --direction).
enum class BlackholeDirection {
  kBoth,      ///< "both" (default)
  kToClient,  ///< "toclient"
  kToServer,  ///< "toserver"
};

/// blackhole: starting at simulation start, `repeat` times: pass for `on`, drop every
/// packet (not only UDP) for `off`; afterwards pass forever.
struct BlackholeConfig {
  std::chrono::nanoseconds on{0};   ///< length of each passing period (> 0)
  std::chrono::nanoseconds off{0};  ///< length of each blackhole period (> 0)
  uint32_t repeat = 1;              ///< number of on/off cycles (>= 1)
  BlackholeDirection direction = BlackholeDirection::kBoth;
};

/// rebind: a NAT on the client's UDP traffic that rebinds every flow at first_rebind,
/// then every rebind_freq after it.
struct RebindConfig {
  std::chrono::nanoseconds first_rebind{0};  ///< time of the first rebind after start; 0 = never
  std::chrono::nanoseconds rebind_freq{0};   ///< interval between rebinds; 0 = only one rebind
  bool rebind_addr = false;  ///< also move flows to a new address in the client's /24 or /64
};

/// The impairments applied to one direction as packets leave the link (the reference
/// attaches its error models to the receiving device). Empty = none.
struct DirectionImpairments {
  RateImpairment drop;             ///< drop-rate; rate_percent 0 = off
  RateImpairment corrupt;          ///< corrupt-rate; rate_percent 0 = off
  std::vector<uint64_t> droplist;  ///< sorted 1-based indices of UDP packets to drop
};

/// A parsed scenario: what the simulator does to each direction.
struct Scenario {
  std::string name;                          ///< scenario name as given, e.g. "simple-p2p"
  LinkConfig to_client;                      ///< server → client direction
  LinkConfig to_server;                      ///< client → server direction
  DirectionImpairments impair_to_client;     ///< drop/corrupt/droplist towards the client
  DirectionImpairments impair_to_server;     ///< drop/corrupt/droplist towards the server
  std::optional<BlackholeConfig> blackhole;  ///< set by the blackhole scenario only
  std::optional<RebindConfig> rebind;        ///< set by the rebind scenario only
};

/// Parses a reference scenario string: a scenario name followed by "--key=value" or
/// "--key value" flags. Errors are Error::kInvalidArgument with the offending token in `arg`.
Result<Scenario> ParseScenario(std::string_view text);

/// Parses an ns-3 style time ("15ms", "1s", "500us", "2.5ms", "100ns") into nanoseconds.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

/// Parses an ns-3 DataRate ("10Mbps", "10Mb/s", "500Kbps", "1Gbps", "1000000bps", "1MBps")
/// into bits per second. Decimal prefixes are powers of 1000, "Ki"/"Mi"/"Gi" of 1024, "B" = bytes.
Result<uint64_t> ParseDataRate(std::string_view text);

/// Parses a --bandwidth value: a data rate, or "unlimited" (returned as 0: no serialization
/// delay; a qir extension used by the benchmarks).
Result<uint64_t> ParseBandwidth(std::string_view text);

/// Parses a percentage "0".."100" (integer, as the reference's int flags).
Result<uint32_t> ParsePercent(std::string_view text);

/// Parses a comma list of 1-based packet indices ("1,2,5"); returns them sorted, unique.
Result<std::vector<uint64_t>> ParseIndexList(std::string_view text);

/// Parses a queue size in packets ("25" or "25p"); must be > 0.
Result<size_t> ParseQueuePackets(std::string_view text);

}  // namespace qir::sim

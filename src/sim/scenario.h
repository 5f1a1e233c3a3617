// Scenario: the reference simulator's scenario strings ("simple-p2p --delay=15ms
// --bandwidth=10Mbps --queue=25", quic-network-simulator sim/scenarios/) parsed once
// into typed link configuration, so nothing downstream handles strings.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "util/result.h"

namespace qir::sim {

/// One direction of the bottleneck link (ns-3 point-to-point device + PfifoFast queue disc).
struct LinkConfig {
  std::chrono::nanoseconds delay{0};  ///< one-way propagation delay; 0 = none
  uint64_t rate_bps = 0;  ///< serialization rate in bit/s; 0 = unlimited (no serialization delay)
  size_t queue_packets =
      0;  ///< drop-tail limit: packets waiting behind the one being sent; 0 = no queue
};

/// A parsed scenario: what the simulator does to each direction.
struct Scenario {
  std::string name;      ///< scenario name as given, e.g. "simple-p2p"
  LinkConfig to_client;  ///< server → client direction
  LinkConfig to_server;  ///< client → server direction
  // Issue #3 adds impairment configs (drop-rate, corrupt-rate, droplist, blackhole, rebind) here.
};

/// Parses a reference scenario string: a scenario name followed by "--key=value" or
/// "--key value" flags. Errors are Error::kInvalidArgument with the offending token in `arg`.
Result<Scenario> ParseScenario(std::string_view text);

/// Parses an ns-3 style time ("15ms", "1s", "500us", "2.5ms", "100ns") into nanoseconds.
Result<std::chrono::nanoseconds> ParseDuration(std::string_view text);

/// Parses an ns-3 DataRate ("10Mbps", "10Mb/s", "500Kbps", "1Gbps", "1000000bps", "1MBps")
/// into bits per second. Decimal prefixes are powers of 1000, "Ki"/"Mi"/"Gi" of 1024, "B" = bytes.
Result<uint64_t> ParseDataRate(std::string_view text);

/// Parses a queue size in packets ("25" or "25p"); must be > 0.
Result<size_t> ParseQueuePackets(std::string_view text);

}  // namespace qir::sim

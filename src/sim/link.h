// Link: one direction of the simulated bottleneck as pure logic on a virtual clock.
// Model (ngtcp2 examples/sim.cc, ns-3 point-to-point device with a 1-packet device
// queue + PfifoFast queue disc): a packet starts transmitting when the transmitter
// is free, takes size*8/rate to serialize, then `delay` to propagate. Packets waiting
// for the transmitter are bounded by queue_packets (drop-tail).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <vector>

#include "sim/scenario.h"

namespace qir::sim {

/// The simulator's clock: CLOCK_MONOTONIC on Linux, matching timerfd's clock.
using SimClock = std::chrono::steady_clock;
/// A point on the simulator's clock (tests build them from TimePoint{} + offsets).
using TimePoint = SimClock::time_point;

/// One IP packet travelling through the simulator.
struct Packet {
  std::vector<uint8_t> bytes;  ///< the IP packet, header first
  uint64_t index = 0;          ///< 1-based arrival index in its direction; 0 = unset
  TimePoint due{};  ///< when the link scheduled its arrival (set by PopDue); epoch = not yet
};

/// Per-direction counters.
struct LinkCounters {
  uint64_t enqueued = 0;         ///< packets offered to the link (accepted + dropped)
  uint64_t dropped = 0;          ///< packets dropped because the queue was full
  uint64_t delivered = 0;        ///< packets returned by PopDue
  uint64_t bytes_delivered = 0;  ///< IP bytes of delivered packets
};

/// One direction of the bottleneck. Copyable plain logic: no I/O, no clock reads.
class Link {
 public:
  explicit Link(const LinkConfig& config) : config_(config) {}

  /// Offers `packet` at `now`. Returns false (and drops it) when queue_packets
  /// packets are already waiting behind the one being transmitted.
  bool Enqueue(TimePoint now, Packet&& packet);
  /// When the earliest packet in flight arrives at the far end; nullopt when empty.
  std::optional<TimePoint> NextDelivery() const;
  /// Removes and returns, in FIFO order, every packet that has arrived by `now`.
  std::vector<Packet> PopDue(TimePoint now);
  /// Like PopDue, but appends to `out` (the event loop reuses one vector: no allocation).
  void PopDueInto(TimePoint now, std::vector<Packet>& out);

  /// Serialization time of `size_bytes` at the configured rate (0 when unlimited).
  std::chrono::nanoseconds SerializationTime(size_t size_bytes) const;
  /// Packets accepted but not yet delivered (transmitting, queued or propagating).
  size_t InFlight() const { return in_flight_.size(); }
  /// Packets waiting for the transmitter at `now` (the one being sent does not count).
  size_t Waiting(TimePoint now) const;
  const LinkCounters& counters() const { return counters_; }
  const LinkConfig& config() const { return config_; }

 private:
  /// A packet accepted by the link and its schedule.
  struct Entry {
    TimePoint tx_start;  ///< when its first bit goes on the wire
    TimePoint arrival;   ///< when its last bit reaches the far end
    Packet packet;
  };

  LinkConfig config_;
  std::deque<Entry> in_flight_;  ///< FIFO; tx_start and arrival never decrease
  TimePoint link_free_{};        ///< when the transmitter finishes the last accepted packet
  LinkCounters counters_;
};

}  // namespace qir::sim

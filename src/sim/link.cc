// One direction of the simulated bottleneck on a virtual clock (link.h). The
// queueing rule is ngtcp2 examples/sim.cc's: departure = max(now, link_free) +
// size*8/rate, arrival = departure + delay; the drop-tail limit counts only packets
// waiting for the transmitter, as the reference's ns-3 setup (device queue of 1
// packet in transmission + PfifoFast queue disc of --queue packets) does.
#include "sim/link.h"

#include <algorithm>
#include <utility>

namespace qir::sim {

std::chrono::nanoseconds Link::SerializationTime(size_t size_bytes) const {
  if (config_.rate_bps == 0) return std::chrono::nanoseconds(0);
  // Round up so a packet never leaves before its last bit could have been sent.
  unsigned __int128 bits_ns = static_cast<unsigned __int128>(size_bytes) * 8 * 1'000'000'000;
  uint64_t ns = static_cast<uint64_t>((bits_ns + config_.rate_bps - 1) / config_.rate_bps);
  return std::chrono::nanoseconds(static_cast<int64_t>(ns));
}

size_t Link::Waiting(TimePoint now) const {
  // tx_start never decreases, so the waiting packets are a suffix of in_flight_: binary
  // search keeps a full 1000-packet queue as cheap as an empty one.
  auto first_waiting = std::partition_point(in_flight_.begin(), in_flight_.end(),
                                            [now](const Entry& e) { return e.tx_start <= now; });
  return static_cast<size_t>(in_flight_.end() - first_waiting);
}

bool Link::Enqueue(TimePoint now, Packet&& packet) {
  ++counters_.enqueued;
  TimePoint tx_start = std::max(now, link_free_);
  if (tx_start > now && Waiting(now) >= config_.queue_packets) {
    ++counters_.dropped;
    return false;
  }
  link_free_ = tx_start + SerializationTime(packet.bytes.size());
  TimePoint arrival = link_free_ + config_.delay;
  // Keep FIFO even if a later impairment shortens the delay mid-run.
  if (!in_flight_.empty()) arrival = std::max(arrival, in_flight_.back().arrival);
  in_flight_.push_back(
      Entry{.tx_start = tx_start, .arrival = arrival, .packet = std::move(packet)});
  return true;
}

std::optional<TimePoint> Link::NextDelivery() const {
  if (in_flight_.empty()) return std::nullopt;
  return in_flight_.front().arrival;
}

std::vector<Packet> Link::PopDue(TimePoint now) {
  std::vector<Packet> due;
  PopDueInto(now, due);
  return due;
}

void Link::PopDueInto(TimePoint now, std::vector<Packet>& due) {
  while (!in_flight_.empty() && in_flight_.front().arrival <= now) {
    ++counters_.delivered;
    counters_.bytes_delivered += in_flight_.front().packet.bytes.size();
    in_flight_.front().packet.due = in_flight_.front().arrival;
    due.push_back(std::move(in_flight_.front().packet));
    in_flight_.pop_front();
  }
}

}  // namespace qir::sim

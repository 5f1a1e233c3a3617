// Simulator: the event loop of `qir sim`. It takes the packets arriving on its namespace's
// two veths from their receive rings (packet_port.h), passes each through its direction's
// Link (link.h), and sends it out of the other veth when the link delivers it (kernel
// forwarding is off meanwhile, kernel_forwarding.h); it
// writes the client-side and server-side pcaps with the reference's semantics
// (interop-runner-facts.md §4: each side's capture sees its own endpoint's packets
// before the link, the other endpoint's after; one thread writes both, so records stay in
// time order; pcap_buffer.h keeps them in memory and writes them every 100 ms). The loop
// holds no link or impairment logic: Link (link.h) queues and delays, Impairments
// (impairments.h) decides drops, corruption and NAT rewriting as packets leave the link,
// and every decision is written to stderr (the sim log) as one line with direction and
// 1-based per-direction index.
//
// Cross traffic: the simulator forwards every IP packet that crosses the two veths,
// TCP included, through the same Link and queue. A competing TCP flow (e.g. iperf3 -c in
// the client namespace against iperf3 -s in the server namespace, or in extra namespaces
// routed through the same veths) therefore shares the bottleneck; impairments other than
// blackhole only consider UDP. bench/sim_cross_traffic.sh shows it.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/impairments.h"
#include "sim/link.h"
#include "sim/local_addresses.h"
#include "sim/pcap_buffer.h"
#include "sim/kernel_forwarding.h"
#include "sim/scenario.h"
#include "util/scoped_fd.h"
#include "sim/packet_port.h"
#include "util/result.h"

namespace qir::sim {

/// Everything `qir sim` needs; plain data filled by the CLI.
struct SimulatorConfig {
  Scenario scenario;       ///< link behaviour per direction
  std::string left_interface = "left";    ///< veth facing the client
  std::string right_interface = "right";  ///< veth facing the server
  std::string pcap_left;   ///< client-side capture (trace_node_left.pcap); empty = none
  std::string pcap_right;  ///< server-side capture (trace_node_right.pcap); empty = none
  std::string ready_file;  ///< gets "ready\n" once forwarding works; empty = none
  uint64_t seed = 0;       ///< seed for random impairment decisions (drop, corrupt, rebind)
  /// Try SCHED_FIFO while deliveries are scheduled, so timer wake-ups stay sub-millisecond
  /// on a busy host.
  bool realtime = true;
};

/// How late packets left the simulator compared with the link's schedule (timer
/// wake-up and scheduling latency). Fixed 10 us buckets up to 10 ms, then overflow.
class LatenessHistogram {
 public:
  /// Records one packet written `late` after its scheduled arrival.
  void Add(std::chrono::nanoseconds late);
  /// The smallest bucket bound below which `fraction` (0..1] of packets fall; 0 when empty.
  std::chrono::microseconds Quantile(double fraction) const;
  uint64_t count() const { return count_; }
  std::chrono::nanoseconds max() const { return max_; }

 private:
  static constexpr int kBucketUs = 10;   ///< bucket width, microseconds
  static constexpr int kBuckets = 1000;  ///< 10 ms of buckets; later packets go to the last one
  std::array<uint64_t, kBuckets + 1> buckets_{};
  uint64_t count_ = 0;
  std::chrono::nanoseconds max_{0};
};

/// False for packets a router never forwards, which the receive filter still lets through:
/// IPv4 multicast/broadcast destinations (224.0.0.0 and up), IPv6 multicast destinations
/// (ff00::/8, e.g. MLD reports), IPv6 link-local sources (fe80::/10, RFC 4291 §2.5.6) and
/// anything too short to be an IP header. The simulator ignores them: no index, no capture,
/// no write-back (the kernel would drop them anyway).
bool Forwardable(std::span<const uint8_t> ip_packet);

/// The running simulator. Not movable (the loop keeps pointers into it); held by unique_ptr.
class Simulator {
 public:
  /// Blocks SIGINT/SIGTERM (delivered through a signalfd instead), attaches to both
  /// interfaces, switches kernel forwarding off, opens the pcaps and the epoll/timer fds.
  static Result<std::unique_ptr<Simulator>> Create(const SimulatorConfig& config);
  ~Simulator();
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  /// Writes the ready file, then forwards packets until SIGINT/SIGTERM; then flushes
  /// the pcaps and restores kernel forwarding. Returns an error on an I/O failure.
  Status Run();
  /// One line per direction (received, dropped, delivered, bytes, lateness) plus CPU time.
  std::string Summary() const;

 private:
  /// One direction through the simulator.
  struct Path {
    const char* name;            ///< "to_server" / "to_client", used in logs
    Direction direction;         ///< which way the packets go
    PacketPort* ingress;         ///< where this direction's packets arrive
    PacketPort* egress;          ///< where they leave once the link delivers them
    Link link;                   ///< the bottleneck in this direction
    PcapBuffer* ingress_pcap;    ///< capture before the link (sender's side); may be null
    PcapBuffer* egress_pcap;     ///< capture after the link (receiver's side); may be null
    uint64_t next_index = 1;     ///< 1-based index of the next packet read
    uint64_t write_errors = 0;   ///< packets the kernel refused to send
    uint64_t ring_drops = 0;     ///< packets lost before the simulator (receive ring full)
    uint64_t truncated = 0;      ///< packets longer than a ring frame (not forwarded)
    TimePoint last_arrival{};    ///< keeps arrival times monotonic if the wall clock steps
    uint64_t impaired = 0;       ///< packets dropped by an impairment (not the queue)
    uint64_t ignored = 0;        ///< link-local / multicast packets not forwarded (no index)
    uint64_t local = 0;          ///< packets for the simulator's own addresses (left to the kernel)
    std::vector<size_t> queued;  ///< positions in `due` of the packets queued on `egress`
    std::vector<SendFailure> failures;  ///< reused: Flush's refusals
    LatenessHistogram lateness;  ///< written-back time minus scheduled arrival
    std::vector<Packet> due;     ///< reused buffer for Link::PopDueInto
  };

  explicit Simulator(const SimulatorConfig& config);
  Status Setup();
  Status SetupEventFds();
  /// Switches the loop's thread between SCHED_FIFO and SCHED_OTHER (no-op when unchanged,
  /// when config.realtime is off, or after the kernel refused once).
  void SetRealtime(bool on);
  Status ReadBurst(Path& path);
  /// Adds the rings' drop counters (a getsockopt each, so once per flush) to the paths.
  void CountRingDrops();
  Status Deliver(Path& path, TimePoint now);
  /// The earliest scheduled delivery of both directions; nullopt when nothing is in flight.
  std::optional<TimePoint> NextDelivery() const;
  /// Sets the timerfd to the next delivery minus timer_advance_ (disarms when none).
  Status ArmTimer();
  /// After a timer wake-up: learns how late it came, then spins until the next delivery is
  /// due if it is at most kMaxTimerAdvance away (the timer was armed early on purpose).
  void AwaitDue();
  /// Hands both pcaps' records to their writer threads; `wait` also waits until written.
  Status FlushPcaps(bool wait);
  void Shutdown();
  /// Appends one line to the sim log (stderr), buffered; flushed with the pcaps.
  void Log(std::string_view line);
  void FlushLog();
  void LogStart(TimePoint start);
  /// A packet buffer with capacity for a full-size packet, recycled from delivered packets.
  std::vector<uint8_t> TakeBuffer();

  SimulatorConfig config_;
  PacketPort left_port_;             ///< client-facing veth: client→server packets arrive here
  PacketPort right_port_;            ///< server-facing veth: server→client packets arrive here
  KernelForwardingOff forwarding_;  ///< restored at Shutdown (or destruction)
  PcapBuffer pcap_left_;   ///< buffered in memory, written every kFlushInterval
  PcapBuffer pcap_right_;
  Path to_server_;
  Path to_client_;
  Impairments impairments_;
  LocalAddresses own_addresses_;  ///< read at Setup; packets to them are not link traffic
  std::vector<std::string> decisions_;         ///< reused: log lines from Impairments::Process
  std::vector<std::vector<uint8_t>> buffers_;  ///< free packet buffers (no per-packet allocation)
  std::string log_;                            ///< sim log lines not yet written
  ScopedFd epoll_;
  ScopedFd timer_;
  ScopedFd signal_;
  TimePoint timer_armed_for_{};  ///< deadline the timerfd is set to; epoch = disarmed
  /// How early the timer is armed: the learned wake-up latency of this machine (tens of us
  /// in a VM), so packets leave on time instead of one wake-up latency late.
  std::chrono::nanoseconds timer_advance_{0};
  TimePoint last_flush_{};
  bool shut_down_ = false;
  bool realtime_ = false;          ///< the thread runs at SCHED_FIFO now
  bool realtime_refused_ = false;  ///< sched_setscheduler failed once: stay at normal priority
  uint64_t wakeups_ = 0;  ///< epoll_wait returns: packets per wake-up shows the batching
};

}  // namespace qir::sim

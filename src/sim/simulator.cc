// The simulator's event loop (simulator.h): epoll over the two receive rings, a timerfd
// (CLOCK_MONOTONIC, absolute, armed for the earliest delivery) and a signalfd for
// SIGINT/SIGTERM. Capture semantics follow the reference (interop-runner-facts.md §4:
// dumpcap on eth0/eth1 sees the near endpoint's packets before ns-3 and the far
// endpoint's after). Link behaviour lives in link.h, parsing in scenario.h.
#include "sim/simulator.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <utility>

#include "util/temp_file.h"

namespace qir::sim {
namespace {

/// Packets taken from one ring per wake-up, so one busy direction cannot starve the
/// other or the timer (ngtcp2's max_events_ idea); level-triggered epoll resumes it.
constexpr int kMaxReadsPerWake = 256;
/// How long a stop signal lets packets still on the link reach the other side.
constexpr std::chrono::seconds kMaxDrain{1};
/// Upper bound of the timer's early arming (and so of one spin): wake-ups later than this
/// are stalls, not the usual latency, and are not learned from beyond it.
constexpr std::chrono::microseconds kMaxTimerAdvance{200};
/// Rounds of ring reads and deliveries per epoll_wait while packets keep arriving or a busy
/// link keeps the loop spinning, and the time that may take: the signalfd and the flush
/// timer are served at least this often.
constexpr int kMaxRoundsPerWake = 1024;
constexpr std::chrono::milliseconds kMaxBusyPerWake{2};
/// A kernel arrival timestamp further from the read time than this is not trusted (the
/// wall clock stepped, or the frame carried another clock's time): the read time is used.
constexpr int64_t kMaxTimestampAgeNs = 1'000'000'000;
/// Pcaps are flushed at least this often, so a killed run loses little.
constexpr std::chrono::milliseconds kFlushInterval{100};
/// Timer slack for this thread: wake-ups within 1 ns of the deadline as far as the
/// kernel is concerned (the default 50 us would eat the ±0.5 ms delay budget's margin).
constexpr unsigned long kTimerSlackNs = 1;
/// SCHED_FIFO priority: above normal tasks, below kernel threads' usual 50. The loop
/// always blocks in epoll_wait and reads are bounded per wake-up, so it cannot spin.
constexpr int kRealtimePriority = 10;
/// Send failures logged per direction; the rest are only counted.
constexpr uint64_t kMaxWriteErrorLogs = 10;
/// The sim log is written once this much is buffered (and at every pcap flush).
constexpr size_t kLogFlushBytes = 64 * 1024;
/// Free packet buffers kept for reuse; more are released.
constexpr size_t kMaxFreeBuffers = 4096;

ErrorInfo SysError(const char* call) {
  return Fail(Error::kIo, std::string(call) + ": " + std::strerror(errno));
}

int64_t RealtimeNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

Status AddToEpoll(int epoll_fd, int fd) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) < 0) return SysError("epoll_ctl");
  return {};
}

Result<PcapBuffer> OpenPcap(const std::string& path) {
  if (path.empty()) return PcapBuffer();
  return PcapBuffer::Create(path);  // writes the header at once: a killed run leaves a valid pcap
}

double CpuSeconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; }

}  // namespace

bool Forwardable(std::span<const uint8_t> p) {
  if (p.size() >= 20 && p[0] >> 4 == 4) return p[16] < 224;  // 224.0.0.0/4 and above
  if (p.size() >= 40 && p[0] >> 4 == 6) {
    const bool link_local_src = p[8] == 0xfe && (p[9] & 0xc0) == 0x80;
    return p[24] != 0xff && !link_local_src;
  }
  return false;  // not IP: nothing to route
}

void LatenessHistogram::Add(std::chrono::nanoseconds late) {
  if (late.count() < 0) late = std::chrono::nanoseconds(0);
  auto bucket = std::min<int64_t>(late.count() / (kBucketUs * 1000), kBuckets);
  ++buckets_[static_cast<size_t>(bucket)];
  ++count_;
  max_ = std::max(max_, late);
}

std::chrono::microseconds LatenessHistogram::Quantile(double fraction) const {
  if (count_ == 0) return std::chrono::microseconds(0);
  auto needed = static_cast<uint64_t>(fraction * static_cast<double>(count_) + 0.999999);
  uint64_t seen = 0;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= needed) return std::chrono::microseconds((static_cast<int64_t>(i) + 1) * kBucketUs);
  }
  return std::chrono::microseconds((kBuckets + 1) * kBucketUs);
}

Simulator::Simulator(const SimulatorConfig& config)
    : config_(config),
      to_server_{.name = "to_server",
                 .direction = Direction::kToServer,
                 .ingress = &left_port_,
                 .egress = &right_port_,
                 .link = Link(config.scenario.to_server),
                 .ingress_pcap = nullptr,
                 .egress_pcap = nullptr},
      to_client_{.name = "to_client",
                 .direction = Direction::kToClient,
                 .ingress = &right_port_,
                 .egress = &left_port_,
                 .link = Link(config.scenario.to_client),
                 .ingress_pcap = nullptr,
                 .egress_pcap = nullptr},
      impairments_(config.scenario, config.seed) {}

Simulator::~Simulator() { Shutdown(); }

Result<std::unique_ptr<Simulator>> Simulator::Create(const SimulatorConfig& config) {
  std::unique_ptr<Simulator> sim(new Simulator(config));
  if (Status s = sim->Setup(); !s) return s.error();
  return sim;
}

Status Simulator::Setup() {
  // Block first: a SIGTERM during setup then waits in the signalfd and still gets a clean exit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  if (::sigprocmask(SIG_BLOCK, &signals, nullptr) < 0) return SysError("sigprocmask");
  signal_ = ScopedFd(::signalfd(-1, &signals, SFD_NONBLOCK | SFD_CLOEXEC));
  if (signal_.get() < 0) return SysError("signalfd");
  ::prctl(PR_SET_TIMERSLACK, kTimerSlackNs, 0, 0, 0);

  own_addresses_ = LocalAddresses::OfThisNamespace();
  // Forwarding off first: from the moment a ring exists, the simulator owns transit packets.
  Result<KernelForwardingOff> forwarding = KernelForwardingOff::Apply();
  if (!forwarding) return forwarding.error();
  forwarding_ = std::move(*forwarding);
  Result<PacketPort> left = PacketPort::Open(config_.left_interface);
  if (!left) return left.error();
  left_port_ = std::move(*left);
  Result<PacketPort> right = PacketPort::Open(config_.right_interface);
  if (!right) return right.error();
  right_port_ = std::move(*right);

  Result<PcapBuffer> pcap_left = OpenPcap(config_.pcap_left);
  if (!pcap_left) return pcap_left.error();
  pcap_left_ = std::move(*pcap_left);
  Result<PcapBuffer> pcap_right = OpenPcap(config_.pcap_right);
  if (!pcap_right) return pcap_right.error();
  pcap_right_ = std::move(*pcap_right);
  PcapBuffer* left_pcap = pcap_left_.is_open() ? &pcap_left_ : nullptr;
  PcapBuffer* right_pcap = pcap_right_.is_open() ? &pcap_right_ : nullptr;
  to_server_.ingress_pcap = left_pcap;  // client's packets as the client side sees them
  to_server_.egress_pcap = right_pcap;  // ... and as they reach the server side
  to_client_.ingress_pcap = right_pcap;
  to_client_.egress_pcap = left_pcap;

  if (Status s = SetupEventFds(); !s) return s;
  return {};
}

void Simulator::SetRealtime(bool on) {
  if (on == realtime_ || !config_.realtime || realtime_refused_) return;
  // SCHED_RESET_ON_FORK: children (none today) would get normal priority again.
  sched_param param{};
  param.sched_priority = on ? kRealtimePriority : 0;
  if (::sched_setscheduler(0, (on ? SCHED_FIFO : SCHED_OTHER) | SCHED_RESET_ON_FORK, &param) < 0) {
    fmt::print(stderr, "qir sim: no realtime priority ({}), timing may jitter under load\n",
               std::strerror(errno));
    realtime_refused_ = true;
    return;
  }
  realtime_ = on;
}

Status Simulator::SetupEventFds() {
  epoll_ = ScopedFd(::epoll_create1(EPOLL_CLOEXEC));
  if (epoll_.get() < 0) return SysError("epoll_create1");
  timer_ = ScopedFd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (timer_.get() < 0) return SysError("timerfd_create");
  for (int fd : {left_port_.fd(), right_port_.fd(), timer_.get(), signal_.get()}) {
    if (Status s = AddToEpoll(epoll_.get(), fd); !s) return s;
  }
  return {};
}

std::vector<uint8_t> Simulator::TakeBuffer() {
  if (buffers_.empty()) return {};
  std::vector<uint8_t> buffer = std::move(buffers_.back());
  buffers_.pop_back();
  return buffer;
}

Status Simulator::ReadBurst(Path& path) {
  // One clock pair per burst converts the kernel's arrival times (CLOCK_REALTIME) to the
  // link's clock, so time spent waking up is not added to the packets' delay.
  const TimePoint now = SimClock::now();
  const int64_t realtime_now = RealtimeNs();
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    std::optional<ReceivedPacket> received = path.ingress->Next();
    if (!received) break;
    const std::span<const uint8_t> bytes = received->bytes;
    if (!Forwardable(bytes)) {
      ++path.ignored;
      continue;
    }
    if (own_addresses_.IsDestinationOf(bytes)) {
      ++path.local;
      continue;
    }
    if (received->truncated) {
      ++path.truncated;
      Log(fmt::format("drop {} truncated size>{} (longer than the interface MTU)", path.name,
                      bytes.size()));
      continue;
    }
    int64_t age = realtime_now - received->realtime_ns;
    if (age < 0 || age > kMaxTimestampAgeNs) age = 0;
    const TimePoint arrival = std::max(now - std::chrono::nanoseconds(age), path.last_arrival);
    path.last_arrival = arrival;
    Packet packet{.bytes = TakeBuffer(), .index = path.next_index++};
    packet.bytes.assign(bytes.begin(), bytes.end());
    if (received->checksum_partial) (void)CompletePartialChecksum(packet.bytes);
    if (path.ingress_pcap != nullptr) {
      if (Status s = path.ingress_pcap->Append(realtime_now - age, packet.bytes); !s) return s;
    }
    if (!path.link.Enqueue(arrival, std::move(packet))) {
      Log(fmt::format("drop {} #{} queue-full size={}", path.name, path.next_index - 1,
                      bytes.size()));  // `packet` was moved from; the ring frame still holds it
    }
  }
  path.ingress->Release();
  return {};
}

void Simulator::CountRingDrops() {
  for (Path* path : {&to_server_, &to_client_}) {
    if (uint64_t drops = path->ingress->TakeRingDrops(); drops > 0) {
      path->ring_drops += drops;
      Log(fmt::format("drop {} {} packets lost before the simulator (receive ring full)",
                      path->name, drops));
    }
  }
}

Status Simulator::Deliver(Path& path, TimePoint now) {
  path.due.clear();
  path.link.PopDueInto(now, path.due);
  if (path.due.empty()) return {};
  path.queued.clear();
  for (size_t i = 0; i < path.due.size(); ++i) {
    Packet& packet = path.due[i];
    path.lateness.Add(now - packet.due);
    decisions_.clear();
    const bool deliver = impairments_.Process(path.direction, packet, decisions_);
    for (const std::string& line : decisions_) Log(line);
    if (!deliver) {
      ++path.impaired;
      continue;
    }
    path.egress->Queue(packet.bytes);
    path.queued.push_back(i);
  }
  const int64_t sent_at = RealtimeNs();
  path.failures.clear();
  if (Status s = path.egress->Flush(path.failures); !s) return s;
  size_t next_failure = 0;
  for (size_t q = 0; q < path.queued.size(); ++q) {
    const Packet& packet = path.due[path.queued[q]];
    if (next_failure < path.failures.size() && path.failures[next_failure].position == q) {
      // The kernel may refuse a packet (e.g. no route); count it, report the first few.
      if (++path.write_errors <= kMaxWriteErrorLogs) {
        Log(fmt::format("send {} #{} failed: {}", path.name, packet.index,
                        path.failures[next_failure].error));
      }
      ++next_failure;
    } else if (path.egress_pcap != nullptr) {
      if (Status s = path.egress_pcap->Append(sent_at, packet.bytes); !s) return s;
    }
  }
  for (Packet& packet : path.due) {
    if (buffers_.size() < kMaxFreeBuffers) buffers_.push_back(std::move(packet.bytes));
  }
  return {};
}

void Simulator::Log(std::string_view line) {
  log_.append(line);
  log_.push_back('\n');
  if (log_.size() >= kLogFlushBytes) FlushLog();
}

void Simulator::FlushLog() {
  if (log_.empty()) return;
  std::fwrite(log_.data(), 1, log_.size(), stderr);
  std::fflush(stderr);
  log_.clear();
}

void Simulator::LogStart(TimePoint start) {
  const int64_t realtime = RealtimeNs();
  impairments_.Start(start);
  Log(fmt::format("start realtime_ns={} seed={}", realtime, config_.seed));
  if (!config_.scenario.blackhole) return;
  uint32_t n = 0;
  for (const BlackholeWindow& w : BlackholeWindows(*config_.scenario.blackhole)) {
    Log(fmt::format("blackhole window={} from_ns={} to_ns={}", ++n, realtime + w.start.count(),
                    realtime + w.end.count()));
  }
}

std::optional<TimePoint> Simulator::NextDelivery() const {
  std::optional<TimePoint> next = to_server_.link.NextDelivery();
  std::optional<TimePoint> other = to_client_.link.NextDelivery();
  if (!next || (other && *other < *next)) next = other;
  return next;
}

Status Simulator::ArmTimer() {
  std::optional<TimePoint> next = NextDelivery();
  // Armed early by the usual wake-up latency; the loop spins out the rest (AwaitDue).
  TimePoint deadline = next ? *next - timer_advance_ : TimePoint{};
  if (next && deadline == TimePoint{}) deadline += std::chrono::nanoseconds(1);  // epoch = off
  if (deadline == timer_armed_for_) return {};
  // steady_clock is CLOCK_MONOTONIC on Linux, so its epoch offsets are timerfd's absolute times.
  auto ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(deadline.time_since_epoch()).count();
  itimerspec spec{};  // all zero disarms
  spec.it_value.tv_sec = static_cast<time_t>(ns / 1'000'000'000);
  spec.it_value.tv_nsec = static_cast<long>(ns % 1'000'000'000);
  if (::timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &spec, nullptr) < 0) {
    return SysError("timerfd_settime");
  }
  timer_armed_for_ = deadline;
  return {};
}

void Simulator::AwaitDue() {
  const TimePoint woke = SimClock::now();
  if (timer_armed_for_ != TimePoint{} && woke >= timer_armed_for_) {
    // Learn the wake-up latency (EWMA, 1/8 weight), capped so one stall cannot push
    // deliveries into a long spin.
    auto latency = std::min<std::chrono::nanoseconds>(woke - timer_armed_for_, kMaxTimerAdvance);
    timer_advance_ += (latency - timer_advance_) / 8;
  }
  std::optional<TimePoint> next = NextDelivery();
  if (!next || *next <= woke || *next - woke > kMaxTimerAdvance) return;
  while (SimClock::now() < *next) {
    // Spin: at most kMaxTimerAdvance, and usually a few microseconds.
  }
}

Status Simulator::FlushPcaps(bool wait) {
  for (PcapBuffer* pcap : {&pcap_left_, &pcap_right_}) {
    // No-op when not requested or empty; Submit hands over without waiting for the disk.
    if (Status s = wait ? pcap->Flush() : pcap->Submit(); !s) return s;
  }
  return {};
}

Status Simulator::Run() {
  if (!config_.ready_file.empty()) {
    if (Status s = util::WriteFileAtomically(config_.ready_file, "ready\n"); !s.ok()) return s;
  }
  std::array<epoll_event, 8> events;
  last_flush_ = SimClock::now();
  LogStart(last_flush_);
  bool stop = false;
  // A stop signal starts the drain: packets still on the link are delivered first (the
  // endpoints have stopped, so it empties within one queue + delay), then the loop ends.
  std::optional<TimePoint> drain_until;
  while (!stop) {
    // Realtime priority only while a delivery is scheduled: then the timer's wake-up must
    // not wait behind busy endpoints. An idle link sleeps at normal priority, so a stream of
    // packets that leave at once (no delay, no rate limit) is read in batches instead of
    // preempting the sender for every packet; arrival times come from the kernel either way.
    SetRealtime(NextDelivery().has_value());
    int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                         static_cast<int>(kFlushInterval.count()));
    if (n < 0 && errno != EINTR) return SysError("epoll_wait");
    ++wakeups_;
    for (int i = 0; i < n; ++i) {
      int fd = events[static_cast<size_t>(i)].data.fd;
      if (fd == signal_.get()) {
        signalfd_siginfo info;
        while (::read(fd, &info, sizeof(info)) == sizeof(info)) {
        }
        if (drain_until) stop = true;  // a second signal: stop now
        drain_until = SimClock::now() + kMaxDrain;
      }
      if (fd == timer_.get()) {
        uint64_t expirations = 0;
        (void)::read(fd, &expirations, sizeof(expirations));
        AwaitDue();
      }
    }
    // Both rings are read whatever woke the loop (a memory read each), and again while
    // packets keep arriving, so a busy link costs one epoll_wait per round of bursts rather
    // than one per packet. The round limit keeps the signalfd and the flush timer served.
    //
    // A busy fast link (the next delivery closer than a wake-up takes, e.g. every 10 us at
    // 1 Gbit/s) is served by spinning here instead: sleeping would only make the packet late
    // and cost a wake-up each. Slow links (10 Mbit/s: one packet per ms) always sleep.
    const TimePoint woke = SimClock::now();
    TimePoint now = woke;
    for (int round = 0; round < kMaxRoundsPerWake && now - woke < kMaxBusyPerWake; ++round) {
      if (Status s = ReadBurst(to_server_); !s) return s;
      if (Status s = ReadBurst(to_client_); !s) return s;
      now = SimClock::now();
      if (Status s = Deliver(to_server_, now); !s) return s;
      if (Status s = Deliver(to_client_, now); !s) return s;
      if (left_port_.HasFrame() || right_port_.HasFrame()) continue;
      std::optional<TimePoint> next = NextDelivery();
      if (!next || *next - now > timer_advance_) break;
      while (SimClock::now() < *next && !left_port_.HasFrame() && !right_port_.HasFrame()) {
      }
      now = SimClock::now();
    }
    if (Status s = ArmTimer(); !s) return s;
    if (now - last_flush_ >= kFlushInterval) {
      CountRingDrops();
      FlushLog();
      if (Status s = FlushPcaps(/*wait=*/false); !s) return s;
      last_flush_ = now;
    }
    if (drain_until && (!NextDelivery() || SimClock::now() >= *drain_until)) stop = true;
  }
  CountRingDrops();
  Shutdown();
  return {};
}

void Simulator::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  FlushLog();
  if (Status s = FlushPcaps(/*wait=*/true); !s) {
    fmt::print(stderr, "qir sim: flushing pcaps: {}\n", s.error().Text());
  }
  if (Status s = forwarding_.Restore(); !s) {
    fmt::print(stderr, "qir sim: restoring kernel forwarding: {}\n", s.error().Text());
  }
}

std::string Simulator::Summary() const {
  std::string out;
  for (const Path* path : {&to_server_, &to_client_}) {
    const LinkCounters& c = path->link.counters();
    out += fmt::format(
        "{}: received={} dropped={} impaired={} delivered={} bytes={} in_flight={} "
        "send_errors={} ignored={} local={} ring_drops={} truncated={}\n",
        path->name, c.enqueued, c.dropped, path->impaired, c.delivered - path->impaired,
        c.bytes_delivered, path->link.InFlight(), path->write_errors, path->ignored, path->local,
        path->ring_drops, path->truncated);
    out += fmt::format("{}: sent with learned MAC={} through the kernel's ARP/NDP={}\n",
                       path->name, path->egress->sent_direct(), path->egress->sent_raw());
    const LatenessHistogram& late = path->lateness;
    out += fmt::format("{}: lateness p50<={}us p99<={}us max={}us\n", path->name,
                       late.Quantile(0.5).count(), late.Quantile(0.99).count(),
                       std::chrono::duration_cast<std::chrono::microseconds>(late.max()).count());
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  out += fmt::format("cpu: user={:.3f}s sys={:.3f}s wakeups={} pcap_writer_stalls={}\n",
                     CpuSeconds(usage.ru_utime), CpuSeconds(usage.ru_stime), wakeups_,
                     pcap_left_.stalls() + pcap_right_.stalls());
  return out;
}

}  // namespace qir::sim

// The simulator's event loop (simulator.h): epoll over the two TUN fds, a timerfd
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

namespace qir::sim {
namespace {

/// Packets read from one TUN per wake-up, so one busy direction cannot starve the
/// other or the timer (ngtcp2's max_events_ idea); level-triggered epoll resumes it.
constexpr int kMaxReadsPerWake = 256;
/// Largest IP packet a TUN read can return (IPv4/IPv6 total length field maximum).
constexpr size_t kMaxPacketBytes = 65535;
/// Pcaps are flushed at least this often, so a killed run loses little.
constexpr std::chrono::milliseconds kFlushInterval{100};
/// Timer slack for this thread: wake-ups within 1 ns of the deadline as far as the
/// kernel is concerned (the default 50 us would eat the ±0.5 ms delay budget's margin).
constexpr unsigned long kTimerSlackNs = 1;
/// SCHED_FIFO priority: above normal tasks, below kernel threads' usual 50. The loop
/// always blocks in epoll_wait and reads are bounded per wake-up, so it cannot spin.
constexpr int kRealtimePriority = 10;
/// Write-back failures logged per direction; the rest are only counted.
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

/// Writes "ready\n" to `path` atomically (temp file + rename), so a poller never sees it
/// half-written.
Status WriteReadyFile(const std::string& path) {
  std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (f == nullptr) return Fail(Error::kIo, std::string("fopen: ") + std::strerror(errno), tmp);
  bool ok = std::fputs("ready\n", f) >= 0;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    return Fail(Error::kIo, std::string("writing ready file: ") + std::strerror(errno), path);
  }
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

ScopedFd::~ScopedFd() {
  if (fd_ >= 0) ::close(fd_);
}

ScopedFd::ScopedFd(ScopedFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

ScopedFd& ScopedFd::operator=(ScopedFd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

Simulator::Simulator(const SimulatorConfig& config)
    : config_(config),
      to_server_{.name = "to_server",
                 .direction = Direction::kToServer,
                 .tun = &left_tun_,
                 .link = Link(config.scenario.to_server),
                 .ingress_pcap = nullptr,
                 .egress_pcap = nullptr},
      to_client_{.name = "to_client",
                 .direction = Direction::kToClient,
                 .tun = &right_tun_,
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

  Result<TunDevice> left = TunDevice::Open(config_.routing.left_tun);
  if (!left) return left.error();
  left_tun_ = std::move(*left);
  Result<TunDevice> right = TunDevice::Open(config_.routing.right_tun);
  if (!right) return right.error();
  right_tun_ = std::move(*right);

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
  Result<PolicyRouting> routing = PolicyRouting::Install(config_.routing);
  if (!routing) return routing.error();
  routing_ = std::move(*routing);
  if (config_.realtime) RaisePriority();
  return {};
}

void Simulator::RaisePriority() {
  // SCHED_RESET_ON_FORK: the `ip` commands run at shutdown get normal priority again.
  sched_param param{};
  param.sched_priority = kRealtimePriority;
  if (::sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &param) < 0) {
    fmt::print(stderr, "qir sim: no realtime priority ({}), timing may jitter under load\n",
               std::strerror(errno));
  }
}

Status Simulator::SetupEventFds() {
  epoll_ = ScopedFd(::epoll_create1(EPOLL_CLOEXEC));
  if (epoll_.get() < 0) return SysError("epoll_create1");
  timer_ = ScopedFd(::timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
  if (timer_.get() < 0) return SysError("timerfd_create");
  for (int fd : {left_tun_.fd(), right_tun_.fd(), timer_.get(), signal_.get()}) {
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
  static std::array<uint8_t, kMaxPacketBytes> buffer;
  for (int i = 0; i < kMaxReadsPerWake; ++i) {
    Result<size_t> n = path.tun->Read(buffer);
    if (!n) return n.error();
    if (*n == 0) return {};
    std::span<const uint8_t> bytes(buffer.data(), *n);
    if (!Forwardable(bytes)) {
      ++path.ignored;
      continue;
    }
    // Per-packet clocks (vDSO, tens of ns): a burst-wide timestamp would skew the pcaps.
    const TimePoint now = SimClock::now();
    const int64_t realtime = RealtimeNs();
    if (path.ingress_pcap != nullptr) {
      if (Status s = path.ingress_pcap->Append(realtime, bytes); !s) return s;
    }
    Packet packet{.bytes = TakeBuffer(), .index = path.next_index++};
    packet.bytes.assign(bytes.begin(), bytes.end());
    if (!path.link.Enqueue(now, std::move(packet))) {
      Log(fmt::format("drop {} #{} queue-full size={}", path.name, path.next_index - 1, *n));
    }
  }
  return {};
}

Status Simulator::Deliver(Path& path, TimePoint now) {
  path.due.clear();
  path.link.PopDueInto(now, path.due);
  for (Packet& packet : path.due) {
    path.lateness.Add(now - packet.due);
    decisions_.clear();
    const bool deliver = impairments_.Process(path.direction, packet, decisions_);
    for (const std::string& line : decisions_) Log(line);
    if (!deliver) {
      ++path.impaired;
    } else if (Status s = path.tun->Write(packet.bytes); !s) {
      // The kernel may refuse a packet (e.g. no route); count it, report the first few.
      if (++path.write_errors <= kMaxWriteErrorLogs) {
        Log(fmt::format("write-back {} #{} failed: {}", path.name, packet.index, s.error().Text()));
      }
    } else if (path.egress_pcap != nullptr) {
      if (Status s = path.egress_pcap->Append(RealtimeNs(), packet.bytes); !s) return s;
    }
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

Status Simulator::ArmTimer() {
  std::optional<TimePoint> next = to_server_.link.NextDelivery();
  std::optional<TimePoint> other = to_client_.link.NextDelivery();
  if (!next || (other && *other < *next)) next = other;
  TimePoint deadline = next.value_or(TimePoint{});
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

Status Simulator::FlushPcaps() {
  for (PcapBuffer* pcap : {&pcap_left_, &pcap_right_}) {
    if (Status s = pcap->Flush(); !s) return s;  // no-op when not requested or empty
  }
  return {};
}

Status Simulator::Run() {
  if (!config_.ready_file.empty()) {
    if (Status s = WriteReadyFile(config_.ready_file); !s) return s;
  }
  std::array<epoll_event, 8> events;
  last_flush_ = SimClock::now();
  LogStart(last_flush_);
  bool stop = false;
  while (!stop) {
    int n = ::epoll_wait(epoll_.get(), events.data(), static_cast<int>(events.size()),
                         static_cast<int>(kFlushInterval.count()));
    if (n < 0 && errno != EINTR) return SysError("epoll_wait");
    for (int i = 0; i < n; ++i) {
      int fd = events[static_cast<size_t>(i)].data.fd;
      if (fd == signal_.get()) stop = true;
      if (fd == timer_.get()) {
        uint64_t expirations = 0;
        (void)::read(fd, &expirations, sizeof(expirations));
      }
      if (fd == left_tun_.fd()) {
        if (Status s = ReadBurst(to_server_); !s) return s;
      }
      if (fd == right_tun_.fd()) {
        if (Status s = ReadBurst(to_client_); !s) return s;
      }
    }
    TimePoint now = SimClock::now();
    if (Status s = Deliver(to_server_, now); !s) return s;
    if (Status s = Deliver(to_client_, now); !s) return s;
    if (Status s = ArmTimer(); !s) return s;
    if (now - last_flush_ >= kFlushInterval) {
      FlushLog();
      if (Status s = FlushPcaps(); !s) return s;
      last_flush_ = now;
    }
  }
  Shutdown();
  return {};
}

void Simulator::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  FlushLog();
  if (Status s = FlushPcaps(); !s) {
    fmt::print(stderr, "qir sim: flushing pcaps: {}\n", s.error().Text());
  }
  if (Status s = routing_.Uninstall(); !s) {
    fmt::print(stderr, "qir sim: removing routing: {}\n", s.error().Text());
  }
}

std::string Simulator::Summary() const {
  std::string out;
  for (const Path* path : {&to_server_, &to_client_}) {
    const LinkCounters& c = path->link.counters();
    out += fmt::format(
        "{}: received={} dropped={} impaired={} delivered={} bytes={} in_flight={} "
        "write_errors={} ignored={}\n",
        path->name, c.enqueued, c.dropped, path->impaired, c.delivered - path->impaired,
        c.bytes_delivered, path->link.InFlight(), path->write_errors, path->ignored);
    const LatenessHistogram& late = path->lateness;
    out += fmt::format("{}: lateness p50<={}us p99<={}us max={}us\n", path->name,
                       late.Quantile(0.5).count(), late.Quantile(0.99).count(),
                       std::chrono::duration_cast<std::chrono::microseconds>(late.max()).count());
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  out += fmt::format("cpu: user={:.3f}s sys={:.3f}s\n", CpuSeconds(usage.ru_utime),
                     CpuSeconds(usage.ru_stime));
  return out;
}

}  // namespace qir::sim

// PacketPort (packet_port.h). References: packet(7) and the kernel's
// Documentation/networking/packet_mmap.rst (TPACKET_V2 ring: a frame belongs to user space
// while tp_status has TP_STATUS_USER and goes back by writing TP_STATUS_KERNEL), raw(7)
// (IPPROTO_RAW implies IP_HDRINCL; the kernel fills in the IPv4 header checksum and total
// length, and an ID only when the packet may be fragmented and carries ID 0), and
// ipv6(7)/IPV6_HDRINCL (Linux 4.5+). A classic BPF filter keeps ARP, multicast and broadcast
// frames out of the ring, so only candidates for forwarding are copied at all.
#include "sim/packet_port.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include "trace/ip_udp.h"

namespace qir::sim {
namespace {

/// Receive ring size per interface: ~10 000 frames for a 1500-byte MTU, 120 ms at 1 Gbit/s,
/// so a loaded machine's scheduling stalls of tens of ms lose nothing.
constexpr size_t kRingBytes = 16 * 1024 * 1024;
/// Ring block size (a multiple of the page size; frames never straddle blocks).
constexpr size_t kBlockBytes = 64 * 1024;
/// Frame room beyond the MTU: tpacket2_hdr, sockaddr_ll and alignment.
constexpr size_t kFrameOverhead = 128;
/// Socket buffer for the raw senders: a whole ring's worth of packets in flight.
constexpr int kSendBufferBytes = 4 * 1024 * 1024;
/// Messages per sendmmsg(2) call (the kernel caps a call at UIO_MAXIOV = 1024).
constexpr size_t kMaxBatch = 1024;
/// IPV6_HDRINCL from linux/in6.h (glibc's headers do not define it).
constexpr int kIpv6HdrIncl = 36;
/// Learned neighbours kept per interface; a veth has one or a handful.
constexpr size_t kMaxNeighbors = 256;

/// The source (or destination) address of an IPv4/IPv6 packet, zero-padded to 16 bytes.
/// False when `p` is too short to hold one.
bool Address(std::span<const uint8_t> p, bool destination, std::array<uint8_t, 16>& out) {
  out.fill(0);
  if (p.size() >= 20 && p[0] >> 4 == 4) {
    std::memcpy(out.data(), p.data() + (destination ? 16 : 12), 4);
    return true;
  }
  if (p.size() >= 40 && p[0] >> 4 == 6) {
    std::memcpy(out.data(), p.data() + (destination ? 24 : 8), 16);
    return true;
  }
  return false;
}

ErrorInfo SysError(const std::string& call, std::string_view interface) {
  return Fail(Error::kIo, call + ": " + std::strerror(errno), std::string(interface));
}

size_t RoundUp(size_t n, size_t multiple) { return (n + multiple - 1) / multiple * multiple; }

/// Accept IPv4/IPv6 frames addressed to this host's MAC; drop everything else in the kernel.
Status AttachFilter(int fd, std::string_view interface) {
  // BPF_LD|BPF_W|BPF_ABS from SKF_AD_OFF + SKF_AD_* reads skb metadata, not packet bytes.
  std::array<sock_filter, 7> code = {{
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PKTTYPE)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PACKET_HOST, 0, 4),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, static_cast<uint32_t>(SKF_AD_OFF + SKF_AD_PROTOCOL)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IP, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ETH_P_IPV6, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, 0),
      BPF_STMT(BPF_RET | BPF_K, 0xffffffffU),
  }};
  sock_fprog program{.len = static_cast<unsigned short>(code.size()), .filter = code.data()};
  if (::setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof(program)) < 0) {
    return SysError("setsockopt SO_ATTACH_FILTER", interface);
  }
  return {};
}

Result<unsigned> InterfaceMtu(int fd, const std::string& name) {
  ifreq ifr{};
  std::memcpy(ifr.ifr_name, name.data(), name.size());
  if (::ioctl(fd, SIOCGIFMTU, &ifr) < 0) return SysError("ioctl SIOCGIFMTU", name);
  return static_cast<unsigned>(ifr.ifr_mtu);
}

int OpenRawSender(int family, const std::string& interface) {
  int fd = ::socket(family, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
  if (fd < 0) return -1;
  const int one = 1;
  bool ok = ::setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, interface.c_str(),
                         static_cast<socklen_t>(interface.size())) == 0 &&
            (family == AF_INET ||
             ::setsockopt(fd, IPPROTO_IPV6, kIpv6HdrIncl, &one, sizeof(one)) == 0);
  // SO_SNDBUFFORCE ignores wmem_max (we hold CAP_NET_ADMIN); fall back to the capped size.
  if (ok && ::setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &kSendBufferBytes,
                         sizeof(kSendBufferBytes)) < 0) {
    (void)::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &kSendBufferBytes, sizeof(kSendBufferBytes));
  }
  if (!ok) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

}  // namespace

bool CompletePartialChecksum(std::span<uint8_t> p) {
  size_t l4 = 0;
  uint8_t protocol = 0;
  if (p.size() >= 20 && p[0] >> 4 == 4) {
    l4 = static_cast<size_t>(p[0] & 0x0f) * 4;
    protocol = p[9];
  } else if (p.size() >= 40 && p[0] >> 4 == 6) {
    l4 = 40;
    protocol = p[6];
  } else {
    return false;
  }
  const size_t field = protocol == IPPROTO_TCP ? 16 : protocol == IPPROTO_UDP ? 6 : 0;
  if (field == 0 || l4 < 20 || p.size() < l4 + field + 2) return false;
  const uint32_t sum = trace::AddOnesComplement(0, p.subspan(l4));
  uint16_t checksum = static_cast<uint16_t>(~sum & 0xffff);
  if (checksum == 0 && protocol == IPPROTO_UDP) checksum = 0xffff;  // 0 means "none" in UDP
  p[l4 + field] = static_cast<uint8_t>(checksum >> 8);
  p[l4 + field + 1] = static_cast<uint8_t>(checksum & 0xff);
  return true;
}

void RingUnmap::operator()(uint8_t* ring) const { ::munmap(ring, bytes); }

Result<PacketPort> PacketPort::Open(std::string_view interface) {
  if (interface.empty() || interface.size() >= IFNAMSIZ) {
    return Fail(Error::kInvalidArgument, "interface name must be 1-15 characters",
                std::string(interface));
  }
  PacketPort port;
  port.name_ = std::string(interface);
  port.ifindex_ = static_cast<int>(::if_nametoindex(port.name_.c_str()));
  if (port.ifindex_ == 0) {
    return Fail(Error::kNotFound, "no such network interface in this namespace", port.name_);
  }
  // Protocol 0 receives nothing until bind(), so the ring starts empty and filtered.
  port.rx_fd_ = ScopedFd(::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  const int rx = port.rx_fd_.get();
  if (rx < 0) return SysError("socket AF_PACKET", interface);
  Result<unsigned> mtu = InterfaceMtu(rx, port.name_);
  if (!mtu) return mtu.error();
  if (Status s = AttachFilter(rx, interface); !s) return s.error();
  const int one = 1;
  if (::setsockopt(rx, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0) {
    return SysError("setsockopt PACKET_IGNORE_OUTGOING", interface);
  }
  if (::setsockopt(rx, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) < 0) {
    return SysError("setsockopt PACKET_QDISC_BYPASS", interface);
  }
  if (::setsockopt(rx, SOL_SOCKET, SO_SNDBUFFORCE, &kSendBufferBytes,
                   sizeof(kSendBufferBytes)) < 0) {
    (void)::setsockopt(rx, SOL_SOCKET, SO_SNDBUF, &kSendBufferBytes,
                       sizeof(kSendBufferBytes));
  }
  if (Status s = port.SetupRing(*mtu); !s) return s.error();
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_ALL);
  addr.sll_ifindex = port.ifindex_;
  if (::bind(rx, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) < 0) {
    return SysError("bind AF_PACKET", interface);
  }
  if (Status s = port.OpenSenders(); !s) return s.error();

  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) < 0) return SysError("getifaddrs", interface);
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    if (a->ifa_addr->sa_family == AF_INET) {
      port.local4_.push_back(reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr);
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      port.local6_.push_back(reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr);
    }
  }
  ::freeifaddrs(list);
  return port;
}

Status PacketPort::SetupRing(unsigned mtu) {
  const int version = TPACKET_V2;
  if (::setsockopt(rx_fd_.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0) {
    return SysError("setsockopt PACKET_VERSION", name_);
  }
  frame_bytes_ = RoundUp(mtu + kFrameOverhead, TPACKET_ALIGNMENT);
  const size_t block = RoundUp(std::max(kBlockBytes, frame_bytes_), kBlockBytes);
  const size_t blocks = std::max<size_t>(1, kRingBytes / block);
  tpacket_req req{};
  req.tp_block_size = static_cast<unsigned>(block);
  req.tp_block_nr = static_cast<unsigned>(blocks);
  req.tp_frame_size = static_cast<unsigned>(frame_bytes_);
  frames_per_block_ = block / frame_bytes_;  // the block's tail is unused when not a multiple
  block_bytes_ = block;
  req.tp_frame_nr = static_cast<unsigned>(blocks * frames_per_block_);
  if (::setsockopt(rx_fd_.get(), SOL_PACKET, PACKET_RX_RING, &req, sizeof(req)) < 0) {
    return SysError("setsockopt PACKET_RX_RING", name_);
  }
  const size_t ring_bytes = block * blocks;
  void* map = ::mmap(nullptr, ring_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, rx_fd_.get(), 0);
  if (map == MAP_FAILED) return SysError("mmap packet ring", name_);
  ring_ = std::unique_ptr<uint8_t, RingUnmap>(static_cast<uint8_t*>(map), RingUnmap{ring_bytes});
  frame_count_ = req.tp_frame_nr;
  return {};
}

Status PacketPort::OpenSenders() {
  tx4_fd_ = ScopedFd(OpenRawSender(AF_INET, name_));
  if (tx4_fd_.get() < 0) return SysError("raw IPv4 socket", name_);
  tx6_fd_ = ScopedFd(OpenRawSender(AF_INET6, name_));
  if (tx6_fd_.get() < 0) return SysError("raw IPv6 socket", name_);
  return {};
}

bool PacketPort::IsLocal(std::span<const uint8_t> p) const {
  if (p.size() >= 20 && p[0] >> 4 == 4) {
    return std::any_of(local4_.begin(), local4_.end(), [&](const in_addr& a) {
      return std::memcmp(&a, p.data() + 16, 4) == 0;
    });
  }
  if (p.size() >= 40 && p[0] >> 4 == 6) {
    return std::any_of(local6_.begin(), local6_.end(), [&](const in6_addr& a) {
      return std::memcmp(&a, p.data() + 24, 16) == 0;
    });
  }
  return false;
}

std::optional<ReceivedPacket> PacketPort::Next() {
  if (ring_ == nullptr) return std::nullopt;
  if (holding_) Release();
  for (;;) {
    uint8_t* frame = Frame(next_frame_);
    auto* header = reinterpret_cast<tpacket2_hdr*>(frame);
    const uint32_t status = __atomic_load_n(&header->tp_status, __ATOMIC_ACQUIRE);
    if ((status & TP_STATUS_USER) == 0) return std::nullopt;
    holding_ = true;
    ReceivedPacket packet{
        .bytes = std::span<const uint8_t>(frame + header->tp_net, header->tp_snaplen),
        .realtime_ns = static_cast<int64_t>(header->tp_sec) * 1'000'000'000 + header->tp_nsec,
        .truncated = header->tp_snaplen < header->tp_len,
        .checksum_partial = (status & TP_STATUS_CSUMNOTREADY) != 0};
    Learn(packet.bytes, *reinterpret_cast<const sockaddr_ll*>(
                            frame + TPACKET_ALIGN(sizeof(tpacket2_hdr))));
    if (!IsLocal(packet.bytes)) return packet;
    ++ignored_;
    Release();
  }
}

bool PacketPort::HasFrame() const {
  if (ring_ == nullptr) return false;
  size_t index = holding_ ? (next_frame_ + 1) % frame_count_ : next_frame_;
  const auto* header = reinterpret_cast<const tpacket2_hdr*>(Frame(index));
  return (__atomic_load_n(&header->tp_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

void PacketPort::Release() {
  if (!holding_) return;
  auto* header = reinterpret_cast<tpacket2_hdr*>(Frame(next_frame_));
  __atomic_store_n(&header->tp_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
  next_frame_ = (next_frame_ + 1) % frame_count_;
  holding_ = false;
}

uint64_t PacketPort::TakeRingDrops() {
  tpacket_stats stats{};
  socklen_t len = sizeof(stats);
  if (rx_fd_.get() < 0 ||
      ::getsockopt(rx_fd_.get(), SOL_PACKET, PACKET_STATISTICS, &stats, &len) < 0) {
    return 0;
  }
  return stats.tp_drops;
}

void PacketPort::Learn(std::span<const uint8_t> p, const sockaddr_ll& from) {
  if (from.sll_halen != 6) return;
  std::array<uint8_t, 16> ip;
  if (!Address(p, /*destination=*/false, ip)) return;
  for (Neighbor& n : neighbors_) {
    if (n.ip == ip) {
      std::memcpy(n.mac.data(), from.sll_addr, 6);  // a host may move; the last frame wins
      return;
    }
  }
  if (neighbors_.size() >= kMaxNeighbors) return;  // the rest take the raw way
  Neighbor n{.ip = ip, .mac = {}};
  std::memcpy(n.mac.data(), from.sll_addr, 6);
  neighbors_.push_back(n);
}

void PacketPort::Queue(std::span<const uint8_t> p) {
  Queued q{.bytes = p, .to = {}, .to_len = 0, .way = Way::kRaw4};
  const bool v6 = p.size() >= 40 && p[0] >> 4 == 6;
  std::array<uint8_t, 16> destination;
  if (Address(p, /*destination=*/true, destination)) {
    for (const Neighbor& n : neighbors_) {
      if (n.ip != destination) continue;
      auto* to = reinterpret_cast<sockaddr_ll*>(&q.to);
      to->sll_family = AF_PACKET;
      to->sll_protocol = htons(v6 ? ETH_P_IPV6 : ETH_P_IP);
      to->sll_ifindex = ifindex_;
      to->sll_halen = 6;
      std::memcpy(to->sll_addr, n.mac.data(), 6);
      q.to_len = sizeof(sockaddr_ll);
      q.way = Way::kDirect;
      queue_.push_back(q);
      return;
    }
  }
  if (v6) {
    auto* to = reinterpret_cast<sockaddr_in6*>(&q.to);
    to->sin6_family = AF_INET6;
    std::memcpy(&to->sin6_addr, destination.data(), 16);
    q.to_len = sizeof(sockaddr_in6);
    q.way = Way::kRaw6;
  } else {
    auto* to = reinterpret_cast<sockaddr_in*>(&q.to);
    to->sin_family = AF_INET;
    std::memcpy(&to->sin_addr, destination.data(), 4);
    q.to_len = sizeof(sockaddr_in);
  }
  queue_.push_back(q);
}

Status PacketPort::Flush(std::vector<SendFailure>& failures) {
  size_t begin = 0;
  while (begin < queue_.size()) {
    size_t end = begin + 1;
    while (end < queue_.size() && end - begin < kMaxBatch && queue_[end].way == queue_[begin].way) {
      ++end;
    }
    if (Status s = SendRun(begin, end, failures); !s) {
      queue_.clear();
      return s;
    }
    begin = end;
  }
  queue_.clear();
  return {};
}

Status PacketPort::SendRun(size_t begin, size_t end, std::vector<SendFailure>& failures) {
  const size_t count = end - begin;
  headers_.assign(count, mmsghdr{});
  iovecs_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    Queued& q = queue_[begin + i];
    iovecs_[i] = {.iov_base = const_cast<uint8_t*>(q.bytes.data()), .iov_len = q.bytes.size()};
    msghdr& m = headers_[i].msg_hdr;
    m.msg_name = &q.to;
    m.msg_namelen = q.to_len;
    m.msg_iov = &iovecs_[i];
    m.msg_iovlen = 1;
  }
  const Way way = queue_[begin].way;
  const int fd = (way == Way::kDirect ? rx_fd_ : way == Way::kRaw6 ? tx6_fd_ : tx4_fd_).get();
  (way == Way::kDirect ? sent_direct_ : sent_raw_) += count;
  size_t sent = 0;
  while (sent < count) {
    int n = ::sendmmsg(fd, headers_.data() + sent, static_cast<unsigned>(count - sent), 0);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EBADF) return SysError("sendmmsg", name_);
    // The kernel refused the first message of the rest (no route, too big, ...): skip it.
    failures.push_back({.position = begin + sent, .error = std::strerror(errno)});
    ++sent;
  }
  return {};
}

}  // namespace qir::sim

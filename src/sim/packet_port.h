// PacketPort: the simulator's attachment to one veth of its namespace. Packets come in
// through an AF_PACKET socket with a memory-mapped receive ring (packet(7), PACKET_RX_RING,
// TPACKET_V2): the kernel copies each frame into the ring in the sender's context, so the
// simulator reads a burst without a system call per packet and gets the kernel's arrival
// timestamp. Packets go out through the same socket, a whole batch per sendmmsg(2), straight
// to the interface (PACKET_QDISC_BYPASS) with the next hop's MAC learned from received
// frames: a frame from IP address X arrived from the MAC that leads back to X. Until a
// destination's MAC is known (the first packets towards a host that has not sent yet), packets
// go through raw IP sockets bound to the interface (raw(7), IP_HDRINCL / IPV6_HDRINCL), where
// the kernel resolves the MAC with ARP/NDP; the kernel's route lookup for such packets is not
// cached (FLOWI_FLAG_KNOWN_NH), which is why it is only the fallback. Kernel forwarding in the
// namespace must be off (kernel_forwarding.h), or every packet would also be forwarded by the
// kernel.
//
// Compared with the TUN design this replaces (policy routing into a TUN, one read(2) and
// one write(2) per packet, and a second pass through IP input and forwarding on the way
// back out), a packet costs one copy in, one copy out and a share of one system call.
#pragma once

#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/scoped_fd.h"
#include "util/result.h"

namespace qir::sim {

using util::ScopedFd;

/// One packet waiting in the receive ring. `bytes` points into the ring and stays valid
/// until PacketPort::Release().
struct ReceivedPacket {
  std::span<const uint8_t> bytes;  ///< the IP packet (network header onwards)
  int64_t realtime_ns = 0;         ///< kernel arrival time, ns since the Unix epoch; 0 = none
  bool truncated = false;          ///< longer than a ring frame; `bytes` is its start only
  /// The sender left the TCP/UDP checksum to "hardware" (CHECKSUM_PARTIAL, transmit offload
  /// on): the field holds only the pseudo-header sum. See CompletePartialChecksum.
  bool checksum_partial = false;
};

/// Finishes a CHECKSUM_PARTIAL TCP or UDP checksum in place, as the sending NIC would: the
/// one's-complement sum of the segment, whose checksum field already holds the pseudo-header
/// sum. IPv4 and IPv6 without extension headers; returns false (packet unchanged) otherwise.
bool CompletePartialChecksum(std::span<uint8_t> ip_packet);

/// Why a queued packet was not sent.
struct SendFailure {
  size_t position;    ///< index in queue order since the last Flush
  std::string error;  ///< errno text
};

/// munmap(2) of a receive ring, as PacketPort's unique_ptr deleter.
struct RingUnmap {
  size_t bytes = 0;
  void operator()(uint8_t* ring) const;
};

/// One interface's receive ring and send sockets. Move-only (owns fds and the mapping).
class PacketPort {
 public:
  PacketPort() = default;
  PacketPort(PacketPort&& other) noexcept = default;
  PacketPort& operator=(PacketPort&& other) noexcept = default;
  PacketPort(const PacketPort&) = delete;
  PacketPort& operator=(const PacketPort&) = delete;

  /// Attaches to `interface` in the current network namespace. Needs CAP_NET_RAW.
  /// The ring holds 16 MiB of frames sized for the interface's MTU.
  static Result<PacketPort> Open(std::string_view interface);

  /// The next packet a router would forward: IPv4/IPv6 unicast to this interface's MAC,
  /// not addressed to one of the namespace's own addresses (the kernel answers those) and
  /// not sent by this host. Other frames are returned to the kernel and counted in
  /// ignored(). nullopt when the ring holds nothing more.
  std::optional<ReceivedPacket> Next();
  /// Gives the frame returned by the last Next() back to the kernel.
  void Release();
  /// True when the ring holds a frame Next() has not looked at yet (a memory read, no
  /// system call). The frame may still turn out to be one Next() skips.
  bool HasFrame() const;

  /// Queues an IP packet for the next Flush(). The bytes must stay valid until then.
  void Queue(std::span<const uint8_t> ip_packet);
  /// Sends every queued packet, in order, with one sendmmsg(2) per run of packets that take
  /// the same way out (learned MAC, or raw IPv4/IPv6 fallback). Packets the kernel refuses
  /// are reported in `failures`.
  Status Flush(std::vector<SendFailure>& failures);

  /// Frames the kernel dropped because the ring was full, since the last call.
  uint64_t TakeRingDrops();

  int fd() const { return rx_fd_.get(); }  ///< readable (epoll) while the ring holds a frame
  const std::string& name() const { return name_; }
  uint64_t ignored() const { return ignored_; }
  uint64_t sent_direct() const { return sent_direct_; }  ///< sent with a learned MAC
  uint64_t sent_raw() const { return sent_raw_; }        ///< sent through the raw fallback

 private:
  Status SetupRing(unsigned mtu);
  Status OpenSenders();
  /// True when `ip_packet`'s destination is one of the namespace's own addresses.
  bool IsLocal(std::span<const uint8_t> ip_packet) const;
  /// Remembers that `ip_packet`'s source address is reached through `mac`.
  void Learn(std::span<const uint8_t> ip_packet, const sockaddr_ll& from);
  Status SendRun(size_t begin, size_t end, std::vector<SendFailure>& failures);
  /// Start of ring frame `index` (frames are packed per block, blocks back to back).
  uint8_t* Frame(size_t index) const {
    return ring_.get() + (index / frames_per_block_) * block_bytes_ +
           (index % frames_per_block_) * frame_bytes_;
  }

  std::string name_;
  int ifindex_ = 0;
  ScopedFd rx_fd_;   ///< AF_PACKET SOCK_DGRAM socket with the ring
  ScopedFd tx4_fd_;  ///< raw IPv4 socket, IP_HDRINCL, bound to the interface
  ScopedFd tx6_fd_;  ///< raw IPv6 socket, IPV6_HDRINCL, bound to the interface
  std::unique_ptr<uint8_t, RingUnmap> ring_;  ///< mmap'ed receive ring
  size_t frame_bytes_ = 0;
  size_t block_bytes_ = 0;
  size_t frames_per_block_ = 0;
  size_t frame_count_ = 0;
  size_t next_frame_ = 0;         ///< the frame Next() looks at
  bool holding_ = false;          ///< Next() returned a frame not yet released
  uint64_t ignored_ = 0;
  std::vector<in_addr> local4_;   ///< the namespace's own addresses
  std::vector<in6_addr> local6_;
  uint64_t sent_direct_ = 0;
  uint64_t sent_raw_ = 0;

  /// An IP address (4 or 16 bytes, zero-padded) and the MAC its packets came from.
  struct Neighbor {
    std::array<uint8_t, 16> ip;
    std::array<uint8_t, 6> mac;
  };
  std::vector<Neighbor> neighbors_;  ///< few entries (the hosts behind this interface)

  /// How a queued packet leaves: through the packet socket or a raw socket.
  enum class Way { kDirect, kRaw4, kRaw6 };
  /// Send queue, rebuilt every Flush.
  struct Queued {
    std::span<const uint8_t> bytes;
    sockaddr_storage to;
    socklen_t to_len;
    Way way;
  };
  std::vector<Queued> queue_;
  std::vector<mmsghdr> headers_;
  std::vector<iovec> iovecs_;
};

}  // namespace qir::sim

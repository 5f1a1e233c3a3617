// The plain trace model that test-case checks query: every QUIC packet of a
// capture with its time, direction, addresses and plaintext header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "trace/capture.h"
#include "trace/ip_udp.h"
#include "trace/quic_header.h"
#include "util/result.h"

namespace qir::trace {

/// Which way a packet travelled.
enum class Direction {
  kClientToServer,  ///< destination is a server address (or source a client address)
  kServerToClient,  ///< source is a server address (or destination a client address)
  kUnknown,         ///< neither address is known
};

/// "client->server", "server->client", "unknown".
const char* DirectionName(Direction direction);

/// Who is who in a capture.
struct Endpoints {
  std::vector<IpAddress> clients, servers;
  uint16_t quic_port = 443;  ///< UDP datagrams with this port on either side are parsed as QUIC
};

/// qir's own layout: client 198.18.0.100 / fd00:cafe:cafe:0::100, server 198.18.100.100 /
/// fd00:cafe:cafe:100::100.
Endpoints QirEndpoints();

/// Direction of a packet: a server source address decides first (the simulator may NAT client
/// addresses), then a server destination, then client addresses; else kUnknown.
Direction ClassifyDirection(const IpAddress& src, const IpAddress& dst, const Endpoints& endpoints);

/// One QUIC packet as seen in the capture (a datagram with coalesced packets gives several).
struct Packet {
  int64_t time_ns = 0;     ///< capture time, ns since the Unix epoch
  size_t frame_index = 0;  ///< 0-based record index in the capture
  Direction direction = Direction::kUnknown;
  IpAddress src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint8_t ecn = 0;              ///< IP ECN codepoint (2 bits)
  size_t udp_payload_size = 0;  ///< bytes of the whole UDP payload carrying this packet
  QuicPacketHeader header;
};

/// A capture turned into QUIC packets.
struct Trace {
  std::vector<Packet> packets;
  size_t datagrams = 0;  ///< UDP datagrams seen (QUIC or not)
  size_t non_quic_datagrams =
      0;  ///< UDP datagrams not on the QUIC port, or whose QUIC parse failed
  std::vector<std::string>
      warnings;  ///< damaged capture, unparsable datagrams (capped, with a summary)
};

/// At most this many individual warnings are kept in a Trace; the rest are summarized in one line.
inline constexpr size_t kMaxTraceWarnings = 100;

/// Reads a pcap/pcapng file (leniently: a damaged tail becomes a warning) and builds the Trace.
Result<Trace> LoadTrace(const std::string& path, const Endpoints& endpoints = QirEndpoints());

/// Builds the Trace from captured IP packets. Non-UDP packets are ignored; a datagram whose QUIC
/// parse fails is counted and warned about, never fatal. 1-RTT DCIDs are cut with the CID length
/// learned from the peer's long-header SCID in the same capture (0 until one was seen).
Result<Trace> BuildTrace(const std::vector<CapturedPacket>& capture, const Endpoints& endpoints);

}  // namespace qir::trace

// Builds the plain Trace model from a capture: IP/UDP (ip_udp.h), QUIC headers of
// datagrams on the QUIC port (quic_header.h, RFC 9000 §17 and §12.2), direction
// from the known endpoint addresses. Short-header DCID lengths are not on the
// wire (RFC 9000 §17.3.1); they are learned from the long-header SCIDs each side
// chose (§7.2), which the peer then uses as its DCID.
#include "trace/trace.h"

#include <algorithm>
#include <optional>

namespace qir::trace {
namespace {

bool Contains(const std::vector<IpAddress>& list, const IpAddress& address) {
  return std::find(list.begin(), list.end(), address) != list.end();
}

/// Per-direction state while building: CID lengths learned so far, bounded warnings.
struct Builder {
  const Endpoints& endpoints;
  Trace trace;
  std::optional<size_t> client_cid_length;  ///< SCID length the client chose
  std::optional<size_t> server_cid_length;  ///< SCID length the server chose
  size_t dropped_warnings = 0;

  void Warn(std::string text) {
    if (trace.warnings.size() < kMaxTraceWarnings) {
      trace.warnings.push_back(std::move(text));
    } else {
      ++dropped_warnings;
    }
  }

  /// DCID length of 1-RTT packets travelling in `direction` (they carry the receiver's CID).
  size_t ShortDcidLength(Direction direction) const {
    const std::optional<size_t>& learned =
        direction == Direction::kServerToClient ? client_cid_length : server_cid_length;
    return learned.value_or(0);
  }

  void LearnCidLength(Direction direction, const QuicPacketHeader& header) {
    if (header.type == PacketType::kVersionNegotiation || header.type == PacketType::kOneRtt ||
        header.type == PacketType::kUnknownVersion) {
      return;
    }
    if (direction == Direction::kClientToServer) client_cid_length = header.scid.size();
    if (direction == Direction::kServerToClient) server_cid_length = header.scid.size();
  }

  void AddDatagram(const CapturedPacket& captured, const UdpDatagram& udp);
};

void Builder::AddDatagram(const CapturedPacket& captured, const UdpDatagram& udp) {
  const Direction direction = ClassifyDirection(udp.src, udp.dst, endpoints);
  const std::span<const uint8_t> payload =
      std::span(captured.ip).subspan(udp.payload_offset, udp.payload_size);
  Result<std::vector<QuicPacketHeader>> headers =
      ParseQuicDatagram(payload, ShortDcidLength(direction));
  if (!headers.ok()) {
    ++trace.non_quic_datagrams;
    Warn("frame " + std::to_string(captured.frame_index) +
         ": not parsable as QUIC: " + headers.error().Text());
    return;
  }
  for (QuicPacketHeader& header : *headers) {
    LearnCidLength(direction, header);
    trace.packets.push_back(Packet{.time_ns = captured.time_ns,
                                   .frame_index = captured.frame_index,
                                   .direction = direction,
                                   .src = udp.src,
                                   .dst = udp.dst,
                                   .src_port = udp.src_port,
                                   .dst_port = udp.dst_port,
                                   .ecn = udp.ecn,
                                   .udp_payload_size = udp.payload_size,
                                   .header = std::move(header)});
  }
}

}  // namespace

const char* DirectionName(Direction direction) {
  switch (direction) {
    case Direction::kClientToServer:
      return "client->server";
    case Direction::kServerToClient:
      return "server->client";
    case Direction::kUnknown:
      return "unknown";
  }
  return "?";
}

Endpoints QirEndpoints() {
  Endpoints endpoints;
  for (const char* text : {"198.18.0.100", "fd00:cafe:cafe:0::100"}) {
    endpoints.clients.push_back(IpAddress::Parse(text).value());
  }
  for (const char* text : {"198.18.100.100", "fd00:cafe:cafe:100::100"}) {
    endpoints.servers.push_back(IpAddress::Parse(text).value());
  }
  return endpoints;
}

Direction ClassifyDirection(const IpAddress& src, const IpAddress& dst,
                            const Endpoints& endpoints) {
  if (Contains(endpoints.servers, src)) return Direction::kServerToClient;
  if (Contains(endpoints.servers, dst)) return Direction::kClientToServer;
  if (Contains(endpoints.clients, src)) return Direction::kClientToServer;
  if (Contains(endpoints.clients, dst)) return Direction::kServerToClient;
  return Direction::kUnknown;
}

Result<Trace> BuildTrace(const std::vector<CapturedPacket>& capture, const Endpoints& endpoints) {
  Builder builder{.endpoints = endpoints};
  for (const CapturedPacket& captured : capture) {
    Result<UdpDatagram> udp = ParseUdpDatagram(captured.ip);
    if (!udp.ok()) {
      if (udp.error().code != Error::kUnsupported) {
        builder.Warn("frame " + std::to_string(captured.frame_index) + ": " + udp.error().Text());
      }
      continue;  // not a UDP datagram (TCP, ICMP, fragments): not part of the QUIC trace
    }
    ++builder.trace.datagrams;
    if (udp->src_port != endpoints.quic_port && udp->dst_port != endpoints.quic_port) {
      ++builder.trace.non_quic_datagrams;
      continue;
    }
    builder.AddDatagram(captured, *udp);
  }
  if (builder.dropped_warnings > 0) {
    builder.trace.warnings.push_back(std::to_string(builder.dropped_warnings) +
                                     " more warnings not shown");
  }
  return std::move(builder.trace);
}

Result<Trace> LoadTrace(const std::string& path, const Endpoints& endpoints) {
  Result<LenientCapture> capture = ReadCaptureFileLenient(path);
  if (!capture.ok()) return capture.error();
  Result<Trace> trace = BuildTrace(capture->packets, endpoints);
  if (trace.ok() && !capture->warning.empty()) {
    trace->warnings.insert(trace->warnings.begin(), capture->warning);
  }
  return trace;
}

}  // namespace qir::trace

// Builds the plain Trace model from a capture: IP/UDP (ip_udp.h), QUIC headers of
// datagrams on the QUIC port (quic_header.h, RFC 9000 §17 and §12.2), direction
// from the known endpoint addresses. Short-header DCID lengths are not on the
// wire (RFC 9000 §17.3.1); they are learned from the long-header SCIDs each side
// chose (§7.2), which the peer then uses as its DCID.
#include "trace/trace.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <optional>

#include "trace/analyzer.h"

namespace qir::trace {
namespace {

/// A read-only memory map of a whole file (no copy, no zero-fill); falls back to reading
/// the file into memory where mmap does not apply (empty files, pipes).
class FileImage {
 public:
  ~FileImage() {
    if (map_ != nullptr) munmap(map_, size_);
  }
  Status Open(const std::string& path) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat st {};
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* map = mmap(nullptr, static_cast<size_t>(st.st_size), PROT_READ,
                       MAP_PRIVATE | MAP_POPULATE, fd, 0);
      if (map != MAP_FAILED) {
        map_ = map;
        size_ = static_cast<size_t>(st.st_size);
      }
    }
    if (fd >= 0) close(fd);
    if (map_ != nullptr) return {};
    Result<std::vector<uint8_t>> bytes = ReadFileBytes(path);
    if (!bytes.ok()) return bytes.error();
    copy_ = std::move(*bytes);
    return {};
  }
  std::span<const uint8_t> bytes() const {
    if (map_ != nullptr) return {static_cast<const uint8_t*>(map_), size_};
    return copy_;
  }

 private:
  void* map_ = nullptr;
  size_t size_ = 0;
  std::vector<uint8_t> copy_;
};

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

  /// Called after each QUIC datagram with the range of packets it added and its UDP payload.
  std::function<void(size_t first, size_t end, std::span<const uint8_t> payload)> on_datagram;

  void AddIpPacket(int64_t time_ns, size_t frame_index, std::span<const uint8_t> ip);
  void AddDatagram(int64_t time_ns, size_t frame_index, std::span<const uint8_t> ip,
                   const UdpDatagram& udp);
  void Finish() {
    if (dropped_warnings > 0) {
      trace.warnings.push_back(std::to_string(dropped_warnings) + " more warnings not shown");
    }
  }
};

void Builder::AddIpPacket(int64_t time_ns, size_t frame_index, std::span<const uint8_t> ip) {
  Result<UdpDatagram> udp = ParseUdpDatagram(ip);
  if (!udp.ok()) {
    if (udp.error().code != Error::kUnsupported) {
      Warn("frame " + std::to_string(frame_index) + ": " + udp.error().Text());
    }
    return;  // not a UDP datagram (TCP, ICMP, fragments): not part of the QUIC trace
  }
  ++trace.datagrams;
  const bool to_server = Contains(endpoints.servers, udp->src) || Contains(endpoints.servers, udp->dst);
  if (udp->src_port != endpoints.quic_port && udp->dst_port != endpoints.quic_port &&
      !(endpoints.any_port_to_servers && to_server)) {
    ++trace.non_quic_datagrams;
    return;
  }
  AddDatagram(time_ns, frame_index, ip, *udp);
}

void Builder::AddDatagram(int64_t time_ns, size_t frame_index, std::span<const uint8_t> ip,
                          const UdpDatagram& udp) {
  const Direction direction = ClassifyDirection(udp.src, udp.dst, endpoints);
  const std::span<const uint8_t> payload = ip.subspan(udp.payload_offset, udp.payload_size);
  Result<std::vector<QuicPacketHeader>> headers =
      ParseQuicDatagram(payload, ShortDcidLength(direction));
  if (!headers.ok()) {
    ++trace.non_quic_datagrams;
    Warn("frame " + std::to_string(frame_index) +
         ": not parsable as QUIC: " + headers.error().Text());
    return;
  }
  const size_t first = trace.packets.size();
  for (QuicPacketHeader& header : *headers) {
    LearnCidLength(direction, header);
    trace.packets.push_back(Packet{.time_ns = time_ns,
                                   .frame_index = frame_index,
                                   .direction = direction,
                                   .src = udp.src,
                                   .dst = udp.dst,
                                   .src_port = udp.src_port,
                                   .dst_port = udp.dst_port,
                                   .ecn = udp.ecn,
                                   .udp_payload_size = udp.payload_size,
                                   .header = std::move(header)});
  }
  if (on_datagram) on_datagram(first, trace.packets.size(), payload);
}

}  // namespace

const char* DecryptionStatusName(DecryptionStatus status) {
  switch (status) {
    case DecryptionStatus::kNoKeys:
      return "no-keys";
    case DecryptionStatus::kOk:
      return "ok";
    case DecryptionStatus::kFailed:
      return "failed";
    case DecryptionStatus::kNotProtected:
      return "not-protected";
  }
  return "?";
}

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
    builder.AddIpPacket(captured.time_ns, captured.frame_index, captured.ip);
  }
  builder.Finish();
  return std::move(builder.trace);
}

Result<Trace> LoadTrace(const std::string& path, const Endpoints& endpoints) {
  return LoadTrace(path, TraceOptions{.endpoints = endpoints});
}

Result<Trace> LoadTrace(const std::string& path, const Endpoints& endpoints, const KeyLog* keylog) {
  return LoadTrace(path, TraceOptions{.endpoints = endpoints, .keylog = keylog});
}

namespace {

/// The pcapng DSB key log of `bytes`, when decryption should use it (see TraceOptions).
std::optional<KeyLog> CaptureSecrets(std::span<const uint8_t> bytes, const TraceOptions& options,
                                     std::vector<std::string>& warnings) {
  if (!options.decrypt || options.keylog != nullptr || !options.use_capture_secrets) return {};
  // A DSB may follow the packets it decrypts: collect secrets first.
  Result<ScannedCapture> pre = ScanCaptureLenient(bytes, [](int64_t, size_t, auto, uint32_t) {});
  if (!pre.ok() || pre->decryption_secrets.empty()) return {};
  Result<KeyLog> parsed = ParseKeyLog(pre->decryption_secrets);
  if (parsed.ok()) return std::move(*parsed);
  warnings.push_back("Decryption Secrets Block unusable: " + parsed.error().Text());
  return {};
}

/// LoadTrace and StreamTrace: with a `sink`, each datagram's packets go there and are dropped.
Result<Trace> ReadTrace(const std::string& path, const TraceOptions& options,
                        const PacketSink* sink) {
  FileImage image;
  if (Status s = image.Open(path); !s.ok()) return s.error();
  const std::span<const uint8_t> bytes = image.bytes();
  std::vector<std::string> warnings;
  const std::optional<KeyLog> embedded = CaptureSecrets(bytes, options, warnings);
  const KeyLog* keylog = options.keylog != nullptr ? options.keylog
                         : embedded                  ? &*embedded
                                                     : nullptr;
  Builder builder{.endpoints = options.endpoints};
  // Streaming keeps one datagram's packets (at most a few coalesced); else about one per KiB.
  builder.trace.packets.reserve(sink != nullptr ? 8 : bytes.size() / 1024);
  std::optional<TraceAnalyzer> analyzer;
  if (options.decrypt) analyzer.emplace(keylog, builder.trace);
  size_t dropped = 0;  // packets already handed to `sink` and removed
  builder.on_datagram = [&](size_t first, size_t end, std::span<const uint8_t> payload) {
    if (analyzer) analyzer->ProcessDatagram(first, end, payload);
    if (sink == nullptr) return;
    (*sink)(std::span<const Packet>(builder.trace.packets), builder.trace);
    dropped += builder.trace.packets.size();
    builder.trace.packets.clear();  // keeps the capacity: no allocation per datagram
    if (analyzer) analyzer->SetPacketIndexBase(dropped);
  };
  size_t ip_packets = 0;
  Result<ScannedCapture> scan = ScanCaptureLenient(
      bytes, [&](int64_t time_ns, size_t index, std::span<const uint8_t> ip, uint32_t) {
        ++ip_packets;
        builder.AddIpPacket(time_ns, index, ip);
      });
  if (!scan.ok()) {
    return Fail(scan.error().code, scan.error().message, path + ", " + scan.error().arg);
  }
  builder.Finish();
  Trace& trace = builder.trace;
  if (!scan->warning.empty()) {
    trace.warnings.insert(trace.warnings.begin(), path + ": capture damaged, kept the " +
                                                      std::to_string(ip_packets) +
                                                      " packets before it: " + scan->warning);
  }
  trace.warnings.insert(trace.warnings.end(), warnings.begin(), warnings.end());
  return std::move(trace);
}

}  // namespace

Result<Trace> LoadTrace(const std::string& path, const TraceOptions& options) {
  return ReadTrace(path, options, nullptr);
}

Result<Trace> StreamTrace(const std::string& path, const TraceOptions& options,
                          const PacketSink& sink) {
  return ReadTrace(path, options, &sink);
}

}  // namespace qir::trace

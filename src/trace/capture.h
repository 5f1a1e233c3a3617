// Reading packet capture files: classic pcap (both byte orders, µs and ns
// timestamps) and pcapng, with the link-layer header stripped from every frame.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "util/result.h"

namespace qir::trace {

/// Records larger than this are refused (kLimitExceeded): no QUIC-over-IP frame comes near it.
inline constexpr size_t kMaxCaptureRecordBytes = 256 * 1024;
/// Files with more records than this are refused (kLimitExceeded).
inline constexpr size_t kMaxCaptureRecords = 50'000'000;

/// One captured IP packet.
struct CapturedPacket {
  int64_t time_ns = 0;      ///< capture time, ns since the Unix epoch
  std::vector<uint8_t> ip;  ///< from the IPv4/IPv6 header on; link header stripped
  uint32_t original_length =
      0;                   ///< wire length of the frame as recorded (link header included), bytes
  size_t frame_index = 0;  ///< 0-based index of the record in the file (non-IP records count too)
};

/// The IP packets of a pcap or pcapng file image, in file order; non-IP frames are skipped. Errors:
/// kParse for bad headers or a damaged/truncated record (arg names the file offset), kUnsupported
/// for unknown link types, kLimitExceeded for records > kMaxCaptureRecordBytes or >
/// kMaxCaptureRecords.
Result<std::vector<CapturedPacket>> ReadCapture(std::span<const uint8_t> file_bytes);

/// ReadCapture on the contents of `path`; kNotFound / kIo when the file cannot be read.
Result<std::vector<CapturedPacket>> ReadCaptureFile(const std::string& path);

/// What a lenient read recovered.
struct LenientCapture {
  std::vector<CapturedPacket> packets;  ///< every packet before the first damaged record
  std::string warning;  ///< why reading stopped early; empty when the file was clean
  std::string decryption_secrets;  ///< pcapng DSB TLS key log text (all DSBs joined); else empty
};

/// Like ReadCapture, but a damaged or truncated record (e.g. a writer killed mid-write) ends the
/// read with a warning instead of an error. Still an error when the file header itself is unusable.
Result<LenientCapture> ReadCaptureLenient(std::span<const uint8_t> file_bytes);

/// ReadCaptureLenient on the contents of `path`.
Result<LenientCapture> ReadCaptureFileLenient(const std::string& path);

/// Receives each captured IP packet during a scan: time (ns since the epoch), 0-based record
/// index, the IP packet (valid only during the call), the frame's original wire length.
using CaptureSink = std::function<void(int64_t time_ns, size_t frame_index,
                                       std::span<const uint8_t> ip, uint32_t original_length)>;

/// What a scan saw besides the packets.
struct ScannedCapture {
  size_t records = 0;              ///< records read, IP or not
  std::string warning;             ///< the damage that stopped reading early; empty when clean
  std::string decryption_secrets;  ///< pcapng DSB key log text, else empty
};

/// ReadCaptureLenient without copying: each IP packet is handed to `sink` in file order.
Result<ScannedCapture> ScanCaptureLenient(std::span<const uint8_t> file_bytes,
                                          const CaptureSink& sink);

/// Reads a whole file into memory; kNotFound / kIo with strerror on failure.
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path);

}  // namespace qir::trace

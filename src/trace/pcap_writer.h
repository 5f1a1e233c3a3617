// PcapWriter: appends raw IP packets to a classic pcap file with nanosecond
// timestamps (magic 0xa1b23c4d, LINKTYPE_RAW = 101), the format qir's simulator
// writes for trace_node_left.pcap / trace_node_right.pcap. Format:
// https://www.ietf.org/archive/id/draft-ietf-opsawg-pcap-03.html (file header, record header).
#pragma once

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>

#include "util/result.h"

namespace qir::trace {

/// Link type of the packets written: the IP header comes first (LINKTYPE_RAW).
inline constexpr uint32_t kLinkTypeRaw = 101;
/// Classic pcap magic for nanosecond-resolution timestamps.
inline constexpr uint32_t kPcapMagicNanos = 0xa1b23c4d;
/// Snap length announced in headers: larger than any IP packet we handle.
inline constexpr uint32_t kPcapSnapLength = 262144;

/// The classic pcap file header qir writes (pcap-savefile(5): nanosecond magic, version 2.4,
/// LINKTYPE_RAW), in host byte order; readers detect the order from the magic.
struct PcapFileHeader {
  uint32_t magic = kPcapMagicNanos;
  uint16_t version_major = 2;
  uint16_t version_minor = 4;
  int32_t thiszone = 0;
  uint32_t sigfigs = 0;
  uint32_t snaplen = kPcapSnapLength;
  uint32_t linktype = kLinkTypeRaw;
};

/// The header of one classic pcap record holding a whole packet.
struct PcapRecordHeader {
  uint32_t ts_sec;
  uint32_t ts_nsec;
  uint32_t incl_len;
  uint32_t orig_len;

  /// A record of `length` bytes captured at `time_ns` (ns since the Unix epoch).
  static PcapRecordHeader For(int64_t time_ns, size_t length) {
    return {.ts_sec = static_cast<uint32_t>(time_ns / 1'000'000'000),
            .ts_nsec = static_cast<uint32_t>(time_ns % 1'000'000'000),
            .incl_len = static_cast<uint32_t>(length),
            .orig_len = static_cast<uint32_t>(length)};
  }
};

/// Owns an open pcap file. Move-only: two owners of one FILE* would double-close it.
class PcapWriter {
 public:
  PcapWriter() = default;
  ~PcapWriter();
  PcapWriter(PcapWriter&& other) noexcept;
  PcapWriter& operator=(PcapWriter&& other) noexcept;
  PcapWriter(const PcapWriter&) = delete;
  PcapWriter& operator=(const PcapWriter&) = delete;

  /// Creates (truncates) `path` and writes the file header.
  static Result<PcapWriter> Create(const std::string& path);

  /// Appends one packet captured at `time_ns` (ns since the epoch).
  Status Write(int64_t time_ns, std::span<const uint8_t> ip_packet);
  /// Pushes buffered records to the kernel so a reader (or a kill -9) sees them.
  Status Flush();
  /// Number of packets written so far.
  uint64_t packets() const { return packets_; }

 private:
  explicit PcapWriter(std::FILE* file, std::string path) : file_(file), path_(std::move(path)) {}
  void Close();

  std::FILE* file_ = nullptr;
  std::string path_;
  uint64_t packets_ = 0;
};

/// Rewrites the capture `pcap_in` (pcap or pcapng) as pcapng with a Decryption Secrets Block
/// (draft-ietf-opsawg-pcapng §4.7, secrets type TLSK) holding the key log `keylog`, so tshark
/// and qir decrypt it without a key log option (as `editcap --inject-secrets tls,KEYLOG`).
/// Packets are written as raw IP (LINKTYPE_RAW) with nanosecond timestamps. kParse when the key
/// log does not parse; errors of reading/writing otherwise. A damaged capture tail is dropped.
Status WritePcapngWithSecrets(const std::string& pcap_in, const std::string& keylog,
                              const std::string& out);

}  // namespace qir::trace

// PcapBuffer: the simulator's capture writer. Same file format as trace::PcapWriter
// (classic pcap, nanosecond timestamps, LINKTYPE_RAW; tcpdump's pcap-savefile(5)), but
// records are appended to a large in-memory buffer and written with one write(2) per
// flush (the event loop flushes every 100 ms), so capturing costs no syscall per packet.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace qir::sim {

/// An open, buffered pcap file. Move-only (owns the fd). Not thread-safe: one writer.
class PcapBuffer {
 public:
  PcapBuffer() = default;
  ~PcapBuffer();
  PcapBuffer(PcapBuffer&& other) noexcept;
  PcapBuffer& operator=(PcapBuffer&& other) noexcept;
  PcapBuffer(const PcapBuffer&) = delete;
  PcapBuffer& operator=(const PcapBuffer&) = delete;

  /// Creates (truncates) `path` and writes the file header to it immediately, so even a
  /// run killed before its first packet leaves a valid pcap.
  static Result<PcapBuffer> Create(const std::string& path);

  /// Appends one record (`time_ns`: ns since the Unix epoch). Writes the buffer out
  /// first when it holds kAutoFlushBytes or more. Errors only from that write.
  Status Append(int64_t time_ns, std::span<const uint8_t> ip_packet);
  /// Writes every buffered record to the file. No-op when closed or empty.
  Status Flush();

  bool is_open() const { return fd_ >= 0; }
  uint64_t packets() const { return packets_; }       ///< records appended so far
  size_t buffered() const { return buffer_.size(); }  ///< bytes not yet written, bytes

  /// Buffered bytes that trigger a write from Append (about 3 500 1200-byte records).
  static constexpr size_t kAutoFlushBytes = 4 * 1024 * 1024;

 private:
  PcapBuffer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}

  int fd_ = -1;                  ///< -1 when closed / moved from
  std::string path_;             ///< for error messages
  std::vector<uint8_t> buffer_;  ///< records not yet written
  uint64_t packets_ = 0;
};

}  // namespace qir::sim

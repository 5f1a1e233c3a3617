// PcapBuffer: the simulator's capture writer. Same file format as trace::PcapWriter
// (classic pcap, nanosecond timestamps, LINKTYPE_RAW; tcpdump's pcap-savefile(5)), but
// records are appended to a large in-memory buffer that a background thread writes out, so
// capturing costs the event loop one memory copy per packet and never a write(2): at 1 Gbit/s
// two captures are ~250 MB/s of page-cache copies, which on the loop's own thread took more
// than half its time and stalled it for milliseconds per 4 MiB write.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "util/result.h"

namespace qir::sim {

/// An open, buffered pcap file. Move-only (owns the fd and the writer thread). Append,
/// Submit and Flush belong to one thread (the event loop); the writer thread only writes.
class PcapBuffer {
 public:
  PcapBuffer();
  ~PcapBuffer();  ///< Flushes, stops the writer, closes the file
  PcapBuffer(PcapBuffer&& other) noexcept;
  PcapBuffer& operator=(PcapBuffer&& other) noexcept;
  PcapBuffer(const PcapBuffer&) = delete;
  PcapBuffer& operator=(const PcapBuffer&) = delete;

  /// Creates (truncates) `path` and writes the file header to it immediately, so even a
  /// run killed before its first packet leaves a valid pcap.
  static Result<PcapBuffer> Create(const std::string& path);

  /// Appends one record (`time_ns`: ns since the Unix epoch). Hands the buffer to the
  /// writer (Submit) once it holds kAutoFlushBytes or more. Records stay in time order: a
  /// record older than the newest one buffered is inserted before it (the simulator stamps
  /// arrivals with the kernel's time but appends them when it reads them, possibly after a
  /// later send); one older than records already handed over gets their time instead.
  Status Append(int64_t time_ns, std::span<const uint8_t> ip_packet);
  /// Hands the buffered records to the writer thread and returns at once, unless
  /// kMaxPendingBuffers are already waiting: then it waits (records are never dropped).
  /// Returns the writer's first error, if it had one.
  Status Submit();
  /// Submit, then waits until everything appended so far is in the file.
  Status Flush();

  bool is_open() const;
  /// Times Submit had to wait because kMaxPendingBuffers were queued (the disk fell behind).
  uint64_t stalls() const;
  uint64_t packets() const { return packets_; }       ///< records appended so far
  size_t buffered() const { return buffer_.size(); }  ///< bytes not yet handed over

  /// Buffered bytes that make Append hand the buffer over (about 3 500 1200-byte records).
  static constexpr size_t kAutoFlushBytes = 4 * 1024 * 1024;
  /// Buffers waiting for the writer before Submit blocks: 64 MiB, seconds of a slow disk.
  static constexpr size_t kMaxPendingBuffers = 16;

 private:
  class Writer;  ///< the file descriptor, the thread and the queue between them

  std::unique_ptr<Writer> writer_;  ///< null when closed / moved from
  std::vector<uint8_t> buffer_;     ///< records not yet handed over
  /// (time, offset in buffer_) of each record in buffer_, in order.
  std::vector<std::pair<int64_t, size_t>> records_;
  int64_t handed_over_until_ = 0;  ///< newest time already given to the writer
  uint64_t packets_ = 0;
};

}  // namespace qir::sim

// TraceAnalyzer: the decrypting pass of LoadTrace, fed one datagram at a time
// (RFC 9001 packet protection, RFC 9000 frames and connection IDs); see trace.h
// for the model it fills.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "trace/keylog.h"
#include "trace/trace.h"

namespace qir::trace {

/// Decrypts and decodes packets as they are added to a Trace, grouping them into connections.
class TraceAnalyzer {
 public:
  /// `keylog` (may be null) and `trace` must outlive the analyzer.
  TraceAnalyzer(const KeyLog* keylog, Trace& trace);
  ~TraceAnalyzer();
  TraceAnalyzer(const TraceAnalyzer&) = delete;
  TraceAnalyzer& operator=(const TraceAnalyzer&) = delete;

  /// Processes trace.packets[first, end), all coalesced in the UDP payload `payload`.
  void ProcessDatagram(size_t first, size_t end, std::span<const uint8_t> payload);

  /// Packets earlier than trace.packets[0] that were already handed on and removed (streaming);
  /// added to indices the analyzer records (Connection::first_packet). 0 by default.
  void SetPacketIndexBase(size_t base);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace qir::trace

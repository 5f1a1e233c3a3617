// Server readiness: like the reference's wait-for-it-quic, send a datagram with
// an unknown QUIC version to server:443 until a Version Negotiation packet comes
// back; fall back on the server's UDP socket being bound, for servers that stay
// silent.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>

#include "util/result.h"

namespace qir::runner {

/// How the server was found ready.
enum class Readiness {
  kVersionNegotiation,  ///< it answered the probe with Version Negotiation
  kSocketBound,         ///< it never answered, but its UDP port 443 is bound
};

/// Probes `server_ip`:443 from inside `probe_netns` until ready or `timeout`
/// (Error::kTimeout). `server_pid` is a process in the server's namespace (for the
/// bound-socket fallback); `alive` returns false when the server has exited
/// (Error::kNotFound then, immediately).
Result<Readiness> WaitForServer(const std::string& probe_netns, const std::string& server_ip, pid_t server_pid,
                                std::chrono::milliseconds timeout, const std::function<bool()>& alive);

/// The probe datagram: 1200 bytes, long header, reserved version 0x?a?a?a?a, 8-byte CIDs.
std::string BuildVersionProbe();

/// True when /proc/<pid>/net/udp{,6} shows a socket bound to local `port`.
bool UdpPortBound(pid_t pid, int port);

}  // namespace qir::runner

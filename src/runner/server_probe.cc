// Server readiness probe (server_probe.h). The probe is sent from the sim
// namespace straight to the server; it does not cross the simulated link and
// appears in neither pcap. RFC 9000 §6.1: a server answers an unknown version
// in a datagram of ≥ 1200 bytes with Version Negotiation; §15 reserves versions
// of the form 0x?a?a?a?a to force it.
#include "runner/server_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "netns/namespace_ops.h"

namespace qir::runner {
namespace {

constexpr int kQuicPort = 443;
constexpr size_t kProbeSize = 1200;
/// Short, so the cell learns within a few ms that the server answers (a probe is one datagram).
constexpr std::chrono::milliseconds kProbeInterval{5};
/// After the socket is first seen bound, give VN this long before accepting the fallback.
constexpr std::chrono::milliseconds kBoundGrace{1500};

/// A UDP socket opened inside `ns`; the calling thread returns to its own namespace.
Result<int> SocketIn(const std::string& ns, int family) {
  netns::ScopedNetns scoped;
  if (Status s = scoped.Enter(ns); !s.ok()) return s.error();
  int fd = socket(family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return Fail(Error::kIo, std::string("socket: ") + std::strerror(errno), ns);
  return fd;
}

Result<sockaddr_storage> ServerAddress(const std::string& ip, socklen_t* len) {
  sockaddr_storage ss{};
  auto* v4 = reinterpret_cast<sockaddr_in*>(&ss);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(&ss);
  if (inet_pton(AF_INET, ip.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(kQuicPort);
    *len = sizeof(sockaddr_in);
  } else if (inet_pton(AF_INET6, ip.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(kQuicPort);
    *len = sizeof(sockaddr_in6);
  } else {
    return Fail(Error::kInvalidArgument, "not an IP address", ip);
  }
  return ss;
}

/// True when `reply` is a Version Negotiation packet (long header, version 0).
bool IsVersionNegotiation(const uint8_t* reply, ssize_t n) {
  return n >= 7 && (reply[0] & 0x80) != 0 && reply[1] == 0 && reply[2] == 0 && reply[3] == 0 && reply[4] == 0;
}

bool ProbeOnce(int fd, const sockaddr_storage& addr, socklen_t len, const std::string& probe) {
  sendto(fd, probe.data(), probe.size(), 0, reinterpret_cast<const sockaddr*>(&addr), len);
  pollfd pfd{.fd = fd, .events = POLLIN, .revents = 0};
  if (poll(&pfd, 1, static_cast<int>(kProbeInterval.count())) <= 0) return false;
  uint8_t reply[1500];
  ssize_t n;
  while ((n = recv(fd, reply, sizeof(reply), 0)) > 0) {
    if (IsVersionNegotiation(reply, n)) return true;
  }
  return false;
}

}  // namespace

std::string BuildVersionProbe() {
  std::string p(kProbeSize, '\0');
  p[0] = static_cast<char>(0xc0);
  const uint8_t version[4] = {0x1a, 0x2a, 0x3a, 0x4a};
  std::memcpy(&p[1], version, 4);
  p[5] = 8;  // DCID length
  for (int i = 0; i < 8; ++i) p[6 + i] = static_cast<char>(0x51 + i);
  p[14] = 8;  // SCID length
  for (int i = 0; i < 8; ++i) p[15 + i] = static_cast<char>(0x71 + i);
  return p;
}

bool UdpPortBound(pid_t pid, int port) {
  char needle[8];
  std::snprintf(needle, sizeof(needle), ":%04X", port);
  for (const char* file : {"udp", "udp6"}) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/net/" + file);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local;
      fields >> slot >> local;
      if (local.size() > 5 && local.compare(local.size() - 5, 5, needle) == 0) return true;
    }
  }
  return false;
}

Result<Readiness> WaitForServer(const std::string& probe_netns, const std::string& server_ip, pid_t server_pid,
                                std::chrono::milliseconds timeout, const std::function<bool()>& alive) {
  socklen_t len = 0;
  Result<sockaddr_storage> addr = ServerAddress(server_ip, &len);
  if (!addr.ok()) return addr.error();
  Result<int> fd = SocketIn(probe_netns, addr->ss_family);
  if (!fd.ok()) return fd.error();
  const std::string probe = BuildVersionProbe();
  const auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point bound_since{};
  Result<Readiness> result = Fail(Error::kTimeout, "server did not answer on UDP 443", server_ip);
  while (std::chrono::steady_clock::now() - start < timeout) {
    if (!alive()) {
      result = Fail(Error::kNotFound, "server exited before it was ready");
      break;
    }
    if (ProbeOnce(*fd, *addr, len, probe)) {
      result = Readiness::kVersionNegotiation;
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (UdpPortBound(server_pid, kQuicPort)) {
      if (bound_since == std::chrono::steady_clock::time_point{}) bound_since = now;
      if (now - bound_since >= kBoundGrace) {
        result = Readiness::kSocketBound;
        break;
      }
    }
  }
  close(*fd);
  return result;
}

}  // namespace qir::runner

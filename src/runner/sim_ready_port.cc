// The sim:57832 readiness listener (sim_ready_port.h).
#include "runner/sim_ready_port.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "netns/namespace_ops.h"

namespace qir::runner {

Result<util::ScopedFd> ListenInNamespace(const std::string& netns, int port) {
  netns::ScopedNetns scoped;  // the socket belongs to the namespace it was made in
  if (Status s = scoped.Enter(netns); !s.ok()) return s.error();
  util::ScopedFd fd(socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (fd.get() < 0) return Fail(Error::kIo, std::string("socket: ") + std::strerror(errno), netns);
  const int off = 0, on = 1;
  setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  sockaddr_in6 any{};
  any.sin6_family = AF_INET6;
  any.sin6_port = htons(static_cast<uint16_t>(port));
  any.sin6_addr = in6addr_any;
  if (bind(fd.get(), reinterpret_cast<const sockaddr*>(&any), sizeof(any)) != 0) {
    return Fail(Error::kIo, "bind TCP " + std::to_string(port) + ": " + std::strerror(errno), netns);
  }
  if (listen(fd.get(), 128) != 0) return Fail(Error::kIo, std::string("listen: ") + std::strerror(errno), netns);
  return fd;
}

}  // namespace qir::runner

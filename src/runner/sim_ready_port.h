// The reference simulator's "go" signal: clients of the interop images wait
// for a TCP connection to sim:57832 (`/wait-for-it.sh sim:57832`) before they
// start, and the reference opens that port once the simulation runs and the
// server has answered. qir opens it at the same moment, in the cell's sim
// namespace (and in the compliance namespace, where `sim` is loopback). The
// kernel completes the connections; nobody accepts them, as in the reference.
#pragma once

#include <string>

#include "util/result.h"
#include "util/scoped_fd.h"

namespace qir::runner {

/// The port the interop images' clients wait for.
inline constexpr int kSimReadyPort = 57832;

/// A listening TCP socket on [::]:port (IPv4 too) inside the named network
/// namespace; it stops listening when the returned descriptor is closed.
Result<util::ScopedFd> ListenInNamespace(const std::string& netns, int port = kSimReadyPort);

}  // namespace qir::runner

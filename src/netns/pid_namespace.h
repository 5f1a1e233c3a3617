// A PID namespace for an image endpoint, as a container engine gives one: its
// entrypoint is PID 1 and sees only what it started, and everything it started
// dies with it (the kernel kills a PID namespace's processes when its PID 1 ends),
// daemons and double forks included.
#pragma once

#include "util/result.h"

namespace qir::netns {

/// Moves the caller's future children into a new PID namespace and forks.
/// Returns in the child, PID 1 of the new namespace, which dies when the caller
/// dies. The caller never returns: it stays outside as the keeper, passes
/// SIGTERM, SIGINT, SIGHUP and SIGQUIT on to PID 1, and exits as PID 1 did (its
/// exit code, or the same signal), so whoever started it sees the endpoint's own
/// ending. Call single-threaded, after the other namespaces are entered.
Status ForkIntoPidNamespace();

}  // namespace qir::netns

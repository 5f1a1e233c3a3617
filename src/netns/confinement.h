// What an image endpoint may do as root inside its cell: the capabilities a
// container engine grants by default plus NET_ADMIN (the reference's compose
// file adds it; the image's setup.sh runs ethtool, route and ip), no_new_privs
// and the reference's memlock limit. Without CAP_SYS_ADMIN it can neither mount
// nor leave its root; CAP_MKNOD is left out too, because qir has no device
// cgroup to stop a new block device node the way an engine does.
#pragma once

#include <cstdint>
#include <vector>

#include "util/result.h"

namespace qir::netns {

/// Capability numbers (linux/capability.h) an image endpoint keeps.
std::vector<int> ContainerCapabilities();

/// The reference's `ulimits: memlock: 67108864`.
inline constexpr uint64_t kContainerMemlockBytes = 64ull << 20;

/// Drops every other capability from the bounding, ambient, inheritable,
/// permitted and effective sets, sets no_new_privs and the memlock limit. After
/// this the calling process (and what it execs) cannot regain them.
Status ConfineAsContainer();

}  // namespace qir::netns

// CPU time of a live process tree, read from /proc: the process, every
// descendant (by parent links) and every member of its process group, each
// with utime + stime + cutime + cstime (proc(5)), so children they already
// reaped are counted too. The runner samples an endpoint's tree while it runs,
// because a tree killed at the end of a cell takes its children's time with it.
#pragma once

#include <sys/types.h>

namespace qir::util {

/// User + system CPU seconds of `root`'s tree as it is now; 0 when it is gone.
double ProcessTreeCpuSeconds(pid_t root);

}  // namespace qir::util

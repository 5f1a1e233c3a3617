// `qir run --engine podman`: an image endpoint run by rootful podman inside the
// cell's namespace instead of by `qir _exec`. The same binds, /etc/hosts,
// hostname and contract variables as the engine-less path (the image's own Env
// is applied by podman); podman's storage lives under qir's state dir
// ($QIR_STATE_DIR or /var/lib/qir, then podman/). Engine-less stays the default
// and the tested path; this is for users who prefer their engine.
#pragma once

#include <string>
#include <vector>

#include "runner/endpoint_launch.h"
#include "runner/implementations.h"

namespace qir::runner {

/// The container's name for the endpoint in namespace `netns` (unique while it runs).
std::string PodmanContainerName(const std::string& netns);

/// `podman run` argv: `impl.image` as podman takes it (oci:, oci-archive:,
/// docker-archive: or a name), in `netns`, removed when it exits.
std::vector<std::string> PodmanRunArgv(const Implementation& impl, const std::string& netns, const EndpointDirs& dirs,
                                       const EndpointTask& task);

/// What qir spawns: `sh` running PodmanRunArgv in the background, which on
/// SIGTERM removes the container (`podman rm -f -t 0`) and exits 143; otherwise
/// it exits with podman's (the container's) status. SIGTERM to `podman run`
/// alone does not stop a container whose PID 1 ignores SIGTERM (shell
/// entry points do), and a killed `podman run` leaves its container running.
std::vector<std::string> PodmanSpawnArgv(const Implementation& impl, const std::string& netns,
                                         const EndpointDirs& dirs, const EndpointTask& task);

/// True when `impl` is run by podman.
inline bool RunsInPodman(const Implementation& impl) { return impl.IsImage() && impl.engine == Engine::kPodman; }

/// True when a `podman` executable is on PATH.
bool PodmanAvailable();

}  // namespace qir::runner

// Implementations: the QUIC stacks the matrix runs, read from JSON files. Two
// kinds of entry mix freely, and each has exactly one of "image" or "dir":
//   the reference's (implementations_quic.json), an interop image:
//     { "<name>": { "image": "<reference>", "url": "...", "role": "both"|"server"|"client" } }
//   qir's native ones (implementations/implementations.json), a folder on the host:
//     { "<name>": { "role": ..., "url": "...",
//                   "dir": "<folder, relative to the JSON file>",
//                   "build": "<script in dir, optional>",
//                   "run": "<entry point in dir; default run_endpoint.sh>" } }
// Image references: "docker-archive:PATH", "oci-archive:PATH", "oci:DIR[:TAG]",
// or a name an engine or registry knows (src/image).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace qir::runner {

/// Which side(s) of a connection an implementation can play.
enum class Role {
  kBoth,    ///< client and server
  kServer,  ///< server only
  kClient,  ///< client only
};

/// What runs an image implementation: qir itself (`qir _exec`) or podman (`qir run --engine podman`).
enum class Engine {
  kNone,    ///< qir's own sandbox over the unpacked image (default)
  kPodman,  ///< rootful podman in the cell's namespace (podman_launch.h)
};

/// How an image implementation starts, read from its unpacked image (image_endpoints.h).
struct ImageLaunch {
  std::string rootfs;             ///< the unpacked image: the overlay's read-only lower layer
  std::vector<std::string> argv;  ///< Entrypoint + Cmd
  std::vector<std::string> env;   ///< the image's Env ("K=V")
  std::string working_dir;        ///< the image's WorkingDir; "" = /
};

/// One QUIC stack behind the endpoint contract.
struct Implementation {
  std::string name;
  Role role = Role::kBoth;
  std::string url;     ///< project page, shown in reports
  std::string dir;     ///< native: absolute folder; mounted read-only at /impl in the sandbox
  std::string build;   ///< native: absolute path of the build script; empty = nothing to build
  std::string run;     ///< native: entry point relative to dir, e.g. "run_endpoint.sh"
  std::string version;  ///< native: what its build made (dir/bin/VERSION, ReadBuiltVersions); "" = unknown
  std::string image;   ///< image: its reference as written; empty for native ones
  std::optional<ImageLaunch> launch;  ///< image: set once the image is unpacked
  Engine engine = Engine::kNone;      ///< image: what runs it

  bool IsServer() const { return role != Role::kClient; }
  bool IsClient() const { return role != Role::kServer; }
  bool IsImage() const { return !image.empty(); }
};

/// Reads one implementations file. Errors name the file and the offending key.
Result<std::vector<Implementation>> LoadImplementations(const std::string& path);

/// Appends `more` to `into`; a name already present is replaced (a user's file
/// may override a built-in stack).
void MergeImplementations(std::vector<Implementation>* into, std::vector<Implementation> more);

/// Applies the reference's `-r/--replace name=image[,name=image]`: each named
/// implementation becomes that image (a native one stops being native). An
/// unknown name or a malformed pair is an error naming it.
Status ApplyReplacements(std::vector<Implementation>* all, const std::string& replacements);

/// Sets each native implementation's `version` from the first line of its
/// dir/bin/VERSION, which its build script writes (release and toolchain, e.g.
/// "quic-go 0.50.1 (Debian 0.50.1-2), go1.23.5"). Read after the builds ran; a
/// missing file leaves the version empty.
void ReadBuiltVersions(std::vector<Implementation>* all);

/// The implementation named `name`, or nullptr.
const Implementation* FindImplementation(const std::vector<Implementation>& all, const std::string& name);

}  // namespace qir::runner

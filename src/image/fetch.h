// Getting an image given by name onto disk: from a container engine's local
// store (`docker save`, `podman save`) or from a registry with skopeo.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "util/result.h"

namespace qir::image {

/// Which tools to ask and how long to wait; tests point them at fakes.
struct FetchOptions {
  std::vector<std::string> engines = {"docker", "podman"};  ///< asked in this order, when on PATH
  std::string skopeo = "skopeo";                            ///< registry client; "" = none
  /// An engine that does not answer within this is "not in its store": a docker
  /// client without a daemon must not slow every run down.
  std::chrono::milliseconds inspect_timeout{std::chrono::seconds(5)};
  std::chrono::milliseconds save_timeout{std::chrono::minutes(10)};
  std::chrono::seconds registry_timeout{std::chrono::seconds(120)};  ///< skopeo --command-timeout
};

/// The program's path when `program` (a name or a path) is executable, else "".
std::string FindProgram(const std::string& program);

/// The engine's image ID for `name` ("sha256:..."), nullopt when the engine is
/// missing, not running, or does not have the image.
std::optional<std::string> EngineImageId(const std::string& engine, const std::string& name,
                                         const FetchOptions& options);

/// `ENGINE save NAME -o ARCHIVE`: a docker-archive of the engine's image.
Status EngineSave(const std::string& engine, const std::string& name, const std::string& archive,
                  const FetchOptions& options);

/// `skopeo copy docker://NAME oci:LAYOUT_DIR:latest`, with skopeo's temporary
/// files in `scratch_dir` and, when run as root, in a private mount namespace
/// so it writes nothing under /var/lib/containers. The error is one line:
/// the image, skopeo's first error line, and how to give the image as an archive.
Status SkopeoCopy(const std::string& name, const std::string& layout_dir,
                  const std::string& scratch_dir, const FetchOptions& options);

/// The one-line hint for images that cannot be fetched.
std::string ArchiveHint(const std::string& name);

}  // namespace qir::image

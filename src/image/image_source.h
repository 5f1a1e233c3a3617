// Reading an image's manifest on disk: an OCI image layout (image-spec
// image-layout.md, image-index.md, manifest.md) or the manifest.json of a
// `docker save` archive, down to the config blob and the ordered layer blobs.
#pragma once

#include <string>
#include <vector>

#include "image/layer_unpack.h"
#include "util/result.h"

namespace qir::image {

/// The files that make up one image, all verified to lie inside its directory.
struct ImageSource {
  std::string config_path;        ///< the config JSON blob
  std::string config_digest;      ///< its verified "sha256:<hex>"
  std::vector<LayerBlob> layers;  ///< lowest first
};

/// The image tagged `tag` in the OCI layout at `dir` (annotation
/// org.opencontainers.image.ref.name); an empty tag takes the only image.
/// Nested indexes are followed to the linux/amd64 manifest. `what` names the
/// image in errors.
Result<ImageSource> ReadOciLayout(const std::string& dir, const std::string& tag,
                                  const std::string& what);

/// The first image of an unpacked `docker save` archive at `dir`: its
/// manifest.json, or its OCI layout when it has no manifest.json.
Result<ImageSource> ReadDockerArchiveDir(const std::string& dir, const std::string& what);

}  // namespace qir::image

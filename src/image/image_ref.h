// Image references as users write them in implementations files and on the
// command line: an archive, an OCI layout directory, or an engine/registry name.
#pragma once

#include <string>

#include "util/result.h"

namespace qir::image {

/// Where an image comes from.
enum class RefKind {
  kDockerArchive,  ///< "docker-archive:PATH": a `docker save` / `podman save` tar
  kOciArchive,     ///< "oci-archive:PATH": a tar of an OCI image layout
  kOciLayout,      ///< "oci:DIR[:TAG]": an OCI image layout directory
  kName,           ///< anything else: a name for an engine's store or a registry
};

/// A parsed image reference.
struct ImageRef {
  RefKind kind = RefKind::kName;
  std::string path;  ///< archive file or layout dir (absolute) for the first three kinds
  std::string tag;   ///< oci:DIR:TAG (empty = the layout's only image)
  std::string name;  ///< registry/engine name, e.g. martenseemann/quic-go-interop:latest
  std::string text;  ///< as the user wrote it, for messages
};

/// "docker-archive:PATH", "oci-archive:PATH", "oci:DIR[:TAG]", anything else is a
/// name (non-empty, no white space). Relative paths are made absolute against the
/// current directory; the files need not exist yet.
Result<ImageRef> ParseImageRef(const std::string& text);

}  // namespace qir::image

// Unpacking tar archives into a directory without letting any entry write
// outside it: image layers (with OCI whiteouts, image-spec layer.md) and the
// outer docker-archive / oci-archive tars.
#pragma once

#include <string>

#include "util/result.h"

namespace qir::image {

/// One layer blob of an image.
struct LayerBlob {
  std::string path;    ///< the blob file (plain, gzip or zstd tar)
  std::string digest;  ///< expected "sha256:<hex>" of the file's bytes; "" = not checked
  std::string name;    ///< for messages, e.g. "layer 2/3 sha256:0123456789ab"
};

/// What an unpack skipped or did, for logs.
struct UnpackStats {
  int entries = 0;          ///< entries written
  int skipped_special = 0;  ///< device nodes, fifos and sockets, which images do not need
  int whiteouts = 0;        ///< .wh. files and opaque markers applied
};

/// Applies `layer` on top of `root` (an existing directory, absolute and without
/// symlinks in its path) and verifies the blob's digest. Errors name the layer
/// and, for a refused entry, the entry: absolute names, "..", hard links
/// leaving the root, writes through a symlink, truncated or altered blobs.
/// On error `root` may hold part of the layer; the caller throws it away.
Status UnpackLayer(const LayerBlob& layer, const std::string& root, UnpackStats* stats);

/// Extracts the tar (possibly compressed) at `archive_path` into `dest` with
/// the same safety rules, without whiteout handling; `what` names it in errors.
Status ExtractArchive(const std::string& archive_path, const std::string& dest,
                      const std::string& what);

/// Checks an entry name from an archive or manifest and returns it relative and
/// normalized ("./a//b/" → "a/b"; the root itself → ""). Absolute names and ".."
/// components are errors.
Result<std::string> CleanEntryPath(const std::string& name);

/// Fails when a directory between `root` and `root/rel` (the last component
/// excluded) is a symlink or not a directory; a missing one is fine. Used before
/// anything removes or writes a path, so that nothing goes through a symlink.
Status CheckParentsInside(const std::string& root, const std::string& rel);

}  // namespace qir::image

// qir's image cache: each image unpacked once into a directory keyed by its
// config digest, <dir>/sha256-<hex>/{rootfs/,config.json,complete}, shared by
// threads and processes under flock locks (<dir>/locks/).
#pragma once

#include <atomic>
#include <optional>
#include <string>

#include "image/fetch.h"
#include "image/image_config.h"
#include "image/image_ref.h"
#include "image/image_source.h"
#include "util/result.h"

namespace qir::image {

/// One image ready to run.
struct UnpackedImage {
  std::string config_digest;  ///< "sha256:<hex>"
  std::string rootfs;  ///< absolute path of the unpacked, complete root (used read-only as an
                       ///< overlay lower dir)
  ImageConfig config;
};

/// $QIR_STATE_DIR/images, default /var/lib/qir/images.
std::string DefaultCacheDir();

/// The cache in one directory. Thread-safe: every method may run concurrently,
/// also with other processes using the same directory.
class ImageCache {
 public:
  explicit ImageCache(std::string dir);

  /// Makes the image available: imports/unpacks on first use (under a lock),
  /// returns the cached entry afterwards.
  Result<UnpackedImage> Get(const ImageRef& ref);
  /// Only looks: the entry if the image is already unpacked (for `qir list`),
  /// nullopt otherwise, never fetches. A missing archive is a kNotFound error.
  Result<std::optional<UnpackedImage>> Find(const ImageRef& ref);
  /// For names: fetch again even if cached (qir pull). Other kinds: like Get.
  Result<UnpackedImage> Pull(const ImageRef& ref);

  /// How many images this object unpacked; cached Gets leave it unchanged.
  int unpack_count() const { return unpack_count_.load(); }
  /// Replaces the engines and skopeo asked for names (tests use fakes).
  void set_fetch_options(FetchOptions options) { fetch_ = std::move(options); }
  const std::string& dir() const { return dir_; }

 private:
  Status Prepare();
  Result<std::string> IndexKey(const ImageRef& ref) const;
  Result<std::optional<UnpackedImage>> FromIndex(const std::string& key);
  Result<UnpackedImage> Import(const ImageSource& source, const std::string& what);
  Result<UnpackedImage> Unpack(const ImageSource& source, const std::string& what);
  Result<UnpackedImage> ImportArchive(const ImageRef& ref);
  Result<UnpackedImage> ImportName(const ImageRef& ref);
  Result<UnpackedImage> ImportLayout(const ImageRef& ref);
  Result<UnpackedImage> ImportFromEngine(const std::string& engine, const std::string& id,
                                         const ImageRef& ref);
  Result<UnpackedImage> ImportFromRegistry(const ImageRef& ref);
  Result<std::string> ScratchDir();
  void RemoveDeadPartials(const std::string& parent);

  std::string dir_;
  FetchOptions fetch_;
  std::atomic<int> unpack_count_{0};
};

}  // namespace qir::image

// Image implementations before a run (image_endpoints.h).
#include "runner/image_endpoints.h"

#include <chrono>
#include <cstdio>

#include <fmt/format.h>

namespace qir::runner {

std::vector<std::string> ImageCommand(const image::ImageConfig& config) {
  std::vector<std::string> argv = config.entrypoint;
  argv.insert(argv.end(), config.cmd.begin(), config.cmd.end());
  return argv;
}

Status PrepareImages(std::vector<Implementation>* impls, image::ImageCache& cache) {
  for (Implementation& impl : *impls) {
    if (!impl.IsImage() || impl.launch) continue;
    Result<image::ImageRef> ref = image::ParseImageRef(impl.image);
    if (!ref.ok()) return Fail(Error::kInvalidArgument, impl.name + ": " + ref.error().Text());
    const int unpacked_before = cache.unpack_count();
    const auto start = std::chrono::steady_clock::now();
    Result<image::UnpackedImage> unpacked = cache.Get(*ref);
    if (!unpacked.ok()) return Fail(unpacked.error().code, impl.name + ": " + unpacked.error().Text());
    if (Status s = image::CheckRunnable(unpacked->config, impl.image); !s.ok()) {
      return Fail(Error::kInvalidArgument, impl.name + ": " + s.error().Text());
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "qir: %s: %s is %s (%s)\n", impl.name.c_str(), impl.image.c_str(),
                 unpacked->config_digest.substr(0, 19).c_str(),
                 cache.unpack_count() > unpacked_before ? fmt::format("unpacked in {:.1f} s", seconds).c_str()
                                                        : "cached");
    impl.launch = ImageLaunch{.rootfs = unpacked->rootfs, .argv = ImageCommand(unpacked->config),
                              .env = unpacked->config.env, .working_dir = unpacked->config.working_dir};
  }
  return {};
}

}  // namespace qir::runner

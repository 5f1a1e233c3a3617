// Image implementations before a run: each image a run uses is made available
// (unpacked into qir's cache once, src/image) and its Entrypoint, Cmd, Env and
// WorkingDir become the implementation's ImageLaunch.
#pragma once

#include <string>
#include <vector>

#include "image/image_cache.h"
#include "runner/implementations.h"
#include "util/result.h"

namespace qir::runner {

/// Fills `launch` for every image implementation in `impls` that lacks one. The
/// first image that cannot be had or cannot run (neither Entrypoint nor Cmd) is
/// an error naming the implementation and the image.
Status PrepareImages(std::vector<Implementation>* impls, image::ImageCache& cache);

/// Entrypoint followed by Cmd, as an engine starts a container without overrides.
std::vector<std::string> ImageCommand(const image::ImageConfig& config);

}  // namespace qir::runner

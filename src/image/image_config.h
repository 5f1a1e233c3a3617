// The run configuration of an image: what the image config JSON's "config"
// object says about the process to start (OCI image spec, config.md).
#pragma once

#include <string>
#include <vector>

#include "util/result.h"

namespace qir::image {

/// From the image config JSON's "config" object. Missing fields stay empty.
struct ImageConfig {
  std::vector<std::string> entrypoint, cmd, env;  ///< env as "K=V"
  std::string working_dir;                        ///< "" = "/"
  std::string user;                               ///< kept for messages; qir runs as root
};

/// Parses an image config JSON document. Errors: not JSON, not an object, or a
/// field of the wrong type (e.g. "Cmd": "x" instead of a list).
Result<ImageConfig> ParseImageConfig(const std::string& json_text);

/// The image can start a process: it has an Entrypoint or a Cmd. Otherwise an
/// error naming `image_text` and what to do about it.
Status CheckRunnable(const ImageConfig& config, const std::string& image_text);

}  // namespace qir::image

// `qir pull [-i NAMES] [--implementations FILE]... [-r name=image,...]`: makes the
// images of image implementations available ahead of a run, like the
// reference's pull.py: names are fetched again (engine store or registry),
// archives and layouts are unpacked into the cache if they are not yet.
// Exit: 0 all available, 1 some could not be had (one line each), 2 usage.
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "image/image_cache.h"

namespace qir::cli {

int PullCommand(int argc, char** argv) {
  CLI::App app{"Fetch and unpack the images of image implementations ahead of a run", "qir pull"};
  std::string only;
  std::vector<std::string> impl_files;
  std::string replace;
  app.add_option("-i,--implementations-only", only, "only these implementations, comma-separated (default: all images)");
  app.add_option("--implementations", impl_files, "implementations file(s), e.g. the reference's implementations_quic.json");
  app.add_option("-r,--replace", replace, "replace implementations' images: name=image[,name=image]");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  Result<std::vector<runner::Implementation>> all = LoadAllImplementations(impl_files);
  if (!all.ok()) return UsageError("pull", all.error().Text());
  if (Status s = runner::ApplyReplacements(&*all, replace); !s.ok()) return UsageError("pull", s.error().Text());
  std::vector<const runner::Implementation*> chosen;
  for (const std::string& name : SplitList(only)) {
    const runner::Implementation* impl = runner::FindImplementation(*all, name);
    if (impl == nullptr) return UsageError("pull", "unknown implementation (" + name + ")");
    if (!impl->IsImage()) return UsageError("pull", name + " is a native implementation, not an image");
    chosen.push_back(impl);
  }
  if (only.empty()) {
    for (const runner::Implementation& impl : *all) {
      if (impl.IsImage()) chosen.push_back(&impl);
    }
  }
  if (chosen.empty()) return UsageError("pull", "no image implementations (give the reference's file with --implementations)");
  image::ImageCache cache(image::DefaultCacheDir());
  int failed = 0;
  for (const runner::Implementation* impl : chosen) {
    Result<image::ImageRef> ref = image::ParseImageRef(impl->image);
    Result<image::UnpackedImage> got = ref.ok() ? cache.Pull(*ref) : Result<image::UnpackedImage>(ref.error());
    if (!got.ok()) {
      ++failed;
      std::fprintf(stderr, "qir pull: %s: %s\n", impl->name.c_str(), got.error().Text().c_str());
      continue;
    }
    std::printf("%s", fmt::format("{:<12} {} → {}\n", impl->name, impl->image, got->config_digest).c_str());
  }
  return failed > 0 ? 1 : 0;
}

}  // namespace qir::cli

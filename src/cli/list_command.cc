// `qir list`: every test case (abbreviation, TESTCASE per role, scenario,
// timeout, description) and every implementation (role, URL; for images the
// image and whether it is in qir's cache already, so a run will not fetch it).
#include <cstdio>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "image/image_cache.h"
#include "runner/implementations.h"
#include "testcases/registry.h"

namespace qir::cli {
namespace {

const char* RoleName(runner::Role role) {
  switch (role) {
    case runner::Role::kBoth:
      return "both";
    case runner::Role::kServer:
      return "server";
    case runner::Role::kClient:
      return "client";
  }
  return "?";
}

/// "available locally (sha256:…)", "not available locally (a run fetches it)" or why it cannot be.
std::string Availability(image::ImageCache& cache, const std::string& text) {
  Result<image::ImageRef> ref = image::ParseImageRef(text);
  if (!ref.ok()) return ref.error().Text();
  Result<std::optional<image::UnpackedImage>> found = cache.Find(*ref);
  if (!found.ok()) return "not available: " + found.error().Text();
  if (!*found) return ref->kind == image::RefKind::kName ? "not available locally (qir pull fetches it)"
                                                         : "not unpacked yet (the first run unpacks it)";
  return "available locally (" + (*found)->config_digest.substr(0, 19) + ")";
}

}  // namespace

int ListCommand(int argc, char** argv) {
  CLI::App app{"List qir's test cases and implementations", "qir list"};
  std::vector<std::string> impl_files;
  std::string replace;
  app.add_option("--implementations", impl_files, "extra implementations file(s)");
  app.add_option("-r,--replace", replace, "replace implementations' images: name=image[,name=image]");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  std::printf("Test cases:\n");
  for (const testcases::TestCase* t : testcases::AllTestCases()) {
    std::printf("%s", fmt::format("  {:<20} {:<3} {}\n", t->name, t->abbr, t->desc).c_str());
    std::printf("%s", fmt::format("  {:<24} TESTCASE server={} client={}; timeout {} s; {} file(s)\n", "",
                                  t->server_testcase, t->client_testcase, t->timeout.count(), t->files.sizes.size())
                          .c_str());
    std::printf("%s", fmt::format("  {:<24} scenario: {}\n", "", t->scenario).c_str());
  }
  std::printf("\nMeasurements (-t NAME or onlyMeasurements; %s):\n", "repetitions of one transfer, goodput in kbps");
  for (const testcases::Measurement* m : testcases::AllMeasurements()) {
    const testcases::TestCase& t = m->test;
    std::printf("%s", fmt::format("  {:<20} {:<4} {}\n", t.name, t.abbr, t.desc).c_str());
    std::printf("%s", fmt::format("  {:<24} {} repetitions; {} MiB; timeout {} s{}\n", "", m->repetitions,
                                  t.files.sizes.at(0) / testcases::kMiB, t.timeout.count(),
                                  m->cross_traffic ? "; TCP cubic cross traffic" : "").c_str());
    std::printf("%s", fmt::format("  {:<24} scenario: {}\n", "", t.scenario).c_str());
  }
  Result<std::vector<runner::Implementation>> impls = LoadAllImplementations(impl_files);
  if (!impls.ok()) return UsageError("list", impls.error().Text());
  if (Status s = runner::ApplyReplacements(&*impls, replace); !s.ok()) return UsageError("list", s.error().Text());
  std::printf("\nImplementations:\n");
  image::ImageCache cache(image::DefaultCacheDir());
  runner::ReadBuiltVersions(&*impls);
  for (const runner::Implementation& i : *impls) {
    std::printf("%s", fmt::format("  {:<12} {:<7} {}\n", i.name, RoleName(i.role), i.url).c_str());
    if (!i.IsImage()) {
      const std::string built = i.version.empty() ? "unknown (no bin/VERSION: not built yet?)" : i.version;
      std::printf("%s", fmt::format("  {:<20} built: {}\n", "", built).c_str());
    }
    if (i.IsImage()) std::printf("%s", fmt::format("  {:<20} image {}: {}\n", "", i.image, Availability(cache, i.image)).c_str());
  }
  return 0;
}

}  // namespace qir::cli

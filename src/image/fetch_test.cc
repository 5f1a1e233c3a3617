// Tests for fetch.h and the name path of image_cache.h, with fake engine and
// skopeo scripts (no engine runs and no registry is reachable in tests).
#include "image/fetch.h"

#include <sys/stat.h>

#include <chrono>
#include <filesystem>

#include "image/image_cache.h"
#include "image/image_test_util.h"

namespace qir::image {
namespace {

namespace fs = std::filesystem;
using testing::File;
using testing::ScratchDir;
using testing::TestImage;

std::string WriteScript(const std::string& path, const std::string& body) {
  testing::WriteText(path, "#!/bin/sh\n" + body);
  chmod(path.c_str(), 0755);
  return path;
}

class FetchTest : public ::testing::Test {
 protected:
  // A fake `docker` that knows one image and saves it from a fixture archive.
  std::string FakeEngine() {
    TestImage image(scratch_.path());
    image.AddLayer({File("from-engine", "yes")});
    image.WriteDockerArchive(scratch_ / "saved.tar");
    return WriteScript(
        scratch_ / "fake-docker",
        "if [ \"$1\" = image ] && [ \"$5\" = known/image ]; then echo sha256:1234; exit 0; fi\n"
        "if [ \"$1\" = save ]; then echo save >> " +
            (scratch_ / "saves") + "; cp " + (scratch_ / "saved.tar") +
            " \"$3\"; exit 0; fi\n"
            "echo 'Error: No such image' >&2; exit 1\n");
  }
  std::string FakeSkopeo() {
    return WriteScript(
        scratch_ / "fake-skopeo",
        "echo 'time=\"2026\" level=fatal msg=\"initializing source docker://x: lookup "
        "registry-1.docker.io: no such host\"' >&2\nexit 1\n");
  }

  ScratchDir scratch_;
  ImageCache cache_{scratch_ / "cache"};
};

TEST_F(FetchTest, EngineStoreIsUsedAndCachedByName) {
  cache_.set_fetch_options(FetchOptions{.engines = {FakeEngine()}, .skopeo = FakeSkopeo()});
  Result<ImageRef> ref = ParseImageRef("known/image");
  Result<UnpackedImage> got = cache_.Get(*ref);
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_TRUE(fs::exists(got->rootfs + "/from-engine"));
  ASSERT_TRUE(cache_.Get(*ref).ok());
  EXPECT_EQ(cache_.unpack_count(), 1);
  EXPECT_EQ(testing::ReadText(scratch_ / "saves"),
            "save\n");  // the second Get did not ask the engine
  ASSERT_TRUE(cache_.Find(*ref)->has_value());

  // Pull asks again, but the engine's image ID is cached: no second save.
  ASSERT_TRUE(cache_.Pull(*ref).ok());
  EXPECT_EQ(testing::ReadText(scratch_ / "saves"), "save\n");
  EXPECT_EQ(cache_.unpack_count(), 1);
}

TEST_F(FetchTest, UnknownNameGivesOneLineWithTheWayOut) {
  cache_.set_fetch_options(
      FetchOptions{.engines = {FakeEngine(), "/nonexistent/podman"}, .skopeo = FakeSkopeo()});
  Result<ImageRef> ref = ParseImageRef("other/image:latest");
  EXPECT_FALSE(cache_.Find(*ref)->has_value());
  Result<UnpackedImage> got = cache_.Get(*ref);
  ASSERT_FALSE(got.ok());
  const std::string& message = got.error().message;
  EXPECT_EQ(message.find('\n'), std::string::npos);
  EXPECT_NE(message.find("image other/image:latest"), std::string::npos) << message;
  EXPECT_NE(message.find("lookup registry-1.docker.io: no such host"), std::string::npos)
      << message;
  EXPECT_NE(message.find("docker save other/image:latest -o x.tar"), std::string::npos) << message;
  EXPECT_NE(message.find("docker-archive:x.tar"), std::string::npos) << message;
  EXPECT_TRUE(fs::is_empty(scratch_ / "cache/tmp"));
}

TEST_F(FetchTest, NoSkopeo) {
  cache_.set_fetch_options(FetchOptions{.engines = {}, .skopeo = "/nonexistent/skopeo"});
  Result<UnpackedImage> got = cache_.Get(*ParseImageRef("a/b"));
  ASSERT_FALSE(got.ok());
  EXPECT_NE(got.error().message.find("skopeo is not installed"), std::string::npos)
      << got.error().message;
}

// The docker client is installed here but no daemon runs: that is "not in the
// store", and it must be quick.
TEST_F(FetchTest, EngineWithoutDaemonIsQuicklyAbsent) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(EngineImageId("docker", "alpine:latest", FetchOptions{}).has_value());
  EXPECT_FALSE(EngineImageId("/nonexistent/docker", "alpine", FetchOptions{}).has_value());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(6));
}

TEST(FindProgram, PathLookup) {
  EXPECT_FALSE(FindProgram("sh").empty());
  EXPECT_TRUE(FindProgram("qir-no-such-program").empty());
  EXPECT_TRUE(FindProgram("").empty());
}

}  // namespace
}  // namespace qir::image

namespace qir::image {
namespace {

// The real skopeo (when installed) on a name that can never resolve: one line,
// and nothing written under /var/lib/containers.
TEST(SkopeoCopy, RealSkopeoFailsInOneLine) {
  if (FindProgram("skopeo").empty()) GTEST_SKIP() << "skopeo not installed";
  bool had_containers = fs::exists("/var/lib/containers");
  testing::ScratchDir scratch;
  Status status = SkopeoCopy("qir-test.invalid/none:latest", scratch / "layout", scratch.path(),
                             FetchOptions{.registry_timeout = std::chrono::seconds(10)});
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message.find('\n'), std::string::npos);
  EXPECT_NE(status.error().message.find("skopeo could not fetch it ("), std::string::npos)
      << status.error().message;
  EXPECT_EQ(fs::exists("/var/lib/containers"), had_containers);
}

}  // namespace
}  // namespace qir::image

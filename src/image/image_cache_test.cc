// Tests for image_cache.h: the three file sources, the cache's reuse,
// recovery from partial entries, bad inputs, and concurrent imports.
#include "image/image_cache.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "image/image_test_util.h"

namespace qir::image {
namespace {

namespace fs = std::filesystem;
using testing::Compression;
using testing::Dir;
using testing::File;
using testing::ReadText;
using testing::ScratchDir;
using testing::Symlink;
using testing::TestImage;

ImageRef Ref(const std::string& text) {
  Result<ImageRef> ref = ParseImageRef(text);
  EXPECT_TRUE(ref.ok()) << text;
  return *ref;
}

class ImageCacheTest : public ::testing::Test {
 protected:
  // A two-layer image: a file removed by a whiteout, and a run script.
  TestImage TwoLayers(Compression compression = Compression::kNone) {
    TestImage image(scratch_.path());
    image.AddLayer({Dir("etc"), File("etc/old", "1"), File("etc/hostname", "base")}, compression);
    image.AddLayer({File("etc/.wh.old", ""), Entry("run_endpoint.sh", "#!/bin/sh\n")}, compression);
    return image;
  }
  static testing::Entry Entry(std::string name, std::string data) {
    return {std::move(name), 'f', std::move(data), 0755};
  }

  void ExpectTwoLayerRoot(const UnpackedImage& image) {
    EXPECT_EQ(ReadText(image.rootfs + "/etc/hostname"), "base");
    EXPECT_FALSE(fs::exists(image.rootfs + "/etc/old"));
    EXPECT_TRUE(fs::exists(image.rootfs + "/run_endpoint.sh"));
    EXPECT_EQ(image.config.entrypoint, std::vector<std::string>{"/run_endpoint.sh"});
    EXPECT_EQ(image.config.working_dir, "/quic");
  }

  // Nothing but finished entries, locks and the index: no partial or
  // incomplete directories, no leftover scratch files.
  void ExpectCacheClean() {
    for (const fs::directory_entry& entry : fs::directory_iterator(cache_dir_)) {
      std::string name = entry.path().filename().string();
      if (name == "locks" || name == "index.json") continue;
      if (name == "tmp") {
        EXPECT_TRUE(fs::is_empty(entry.path())) << "scratch left in " << entry.path();
        continue;
      }
      EXPECT_EQ(name.find(".partial-"), std::string::npos) << name;
      EXPECT_TRUE(fs::exists(entry.path() / "complete")) << name;
    }
  }

  ScratchDir scratch_;
  std::string cache_dir_ = scratch_ / "cache";
  ImageCache cache_{cache_dir_};
};

TEST_F(ImageCacheTest, OciLayout) {
  TestImage image = TwoLayers();
  image.WriteLayout(scratch_ / "layout");
  Result<UnpackedImage> got = cache_.Get(Ref("oci:" + (scratch_ / "layout")));
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ExpectTwoLayerRoot(*got);
  EXPECT_EQ(got->config_digest, image.ConfigDigest());
  EXPECT_EQ(got->rootfs, cache_dir_ + "/sha256-" + DigestHex(image.ConfigDigest()) + "/rootfs");
  ExpectCacheClean();
}

TEST_F(ImageCacheTest, OciArchiveWithGzipLayers) {
  TestImage image = TwoLayers(Compression::kGzip);
  image.WriteOciArchive(scratch_ / "image.tar");
  Result<UnpackedImage> got = cache_.Get(Ref("oci-archive:" + (scratch_ / "image.tar")));
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ExpectTwoLayerRoot(*got);
  ExpectCacheClean();
}

TEST_F(ImageCacheTest, DockerArchive) {
  TestImage image = TwoLayers();
  image.WriteDockerArchive(scratch_ / "image.tar");
  Result<UnpackedImage> got = cache_.Get(Ref("docker-archive:" + (scratch_ / "image.tar")));
  ASSERT_TRUE(got.ok()) << got.error().Text();
  ExpectTwoLayerRoot(*got);
  EXPECT_EQ(got->config_digest, image.ConfigDigest());
  ExpectCacheClean();
}

TEST_F(ImageCacheTest, LayoutTags) {
  TestImage one(scratch_.path()), two(scratch_.path());
  one.AddLayer({File("which", "one")});
  two.AddLayer({File("which", "two")});
  std::string layout = scratch_ / "layout";
  one.WriteLayout(layout, "v1");
  two.WriteLayout(layout, "v2");
  Result<UnpackedImage> tagged = cache_.Get(Ref("oci:" + layout + ":v2"));
  ASSERT_TRUE(tagged.ok()) << tagged.error().Text();
  EXPECT_EQ(ReadText(tagged->rootfs + "/which"), "two");

  Result<UnpackedImage> untagged = cache_.Get(Ref("oci:" + layout));
  ASSERT_FALSE(untagged.ok());
  EXPECT_NE(untagged.error().message.find("several images"), std::string::npos);
  EXPECT_NE(untagged.error().message.find("v1, v2"), std::string::npos) << untagged.error().message;

  Result<UnpackedImage> unknown = cache_.Get(Ref("oci:" + layout + ":v3"));
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.error().message.find("no image tagged v3"), std::string::npos);
}

TEST_F(ImageCacheTest, NestedIndexChoosesLinuxAmd64) {
  TestImage amd64(scratch_.path()), arm64(scratch_.path());
  amd64.AddLayer({File("arch", "amd64")});
  arm64.AddLayer({File("arch", "arm64")});
  std::string layout = scratch_ / "layout";
  nlohmann::json arm = arm64.WriteBlobs(layout), amd = amd64.WriteBlobs(layout);
  arm["platform"] = {{"os", "linux"}, {"architecture", "arm64"}};
  amd["platform"] = {{"os", "linux"}, {"architecture", "amd64"}};
  nlohmann::json index = {{"schemaVersion", 2},
                          {"mediaType", "application/vnd.oci.image.index.v1+json"},
                          {"manifests", {arm, amd}}};
  std::string text = index.dump();
  TestImage::AddToIndex(layout, {{"mediaType", "application/vnd.oci.image.index.v1+json"},
                                 {"digest", TestImage::WriteBlob(layout, text)},
                                 {"size", text.size()}});
  Result<UnpackedImage> got = cache_.Get(Ref("oci:" + layout));
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(ReadText(got->rootfs + "/arch"), "amd64");
}

TEST_F(ImageCacheTest, SecondGetUsesTheCache) {
  TwoLayers().WriteDockerArchive(scratch_ / "image.tar");
  ImageRef ref = Ref("docker-archive:" + (scratch_ / "image.tar"));
  EXPECT_FALSE(cache_.Find(ref)->has_value());  // not unpacked yet
  ASSERT_TRUE(cache_.Get(ref).ok());
  EXPECT_EQ(cache_.unpack_count(), 1);
  testing::WriteText(cache_.Get(ref)->rootfs + "/marker", "still the first unpack");

  ImageCache other(cache_dir_);  // as another process would see it
  auto start = std::chrono::steady_clock::now();
  Result<UnpackedImage> again = other.Get(ref);
  auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(again.ok()) << again.error().Text();
  EXPECT_EQ(other.unpack_count(), 0);
  EXPECT_EQ(cache_.unpack_count(), 1);
  EXPECT_TRUE(fs::exists(again->rootfs + "/marker"));
  EXPECT_LT(elapsed, std::chrono::milliseconds(10));
  Result<std::optional<UnpackedImage>> found = other.Find(ref);
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->rootfs, again->rootfs);
}

TEST_F(ImageCacheTest, RewrittenArchiveIsImportedAgain) {
  TestImage first(scratch_.path());
  first.AddLayer({File("v", "1")});
  first.WriteDockerArchive(scratch_ / "image.tar");
  ImageRef ref = Ref("docker-archive:" + (scratch_ / "image.tar"));
  ASSERT_TRUE(cache_.Get(ref).ok());
  TestImage second(scratch_.path());
  second.AddLayer({File("v", "2 (longer, so the size differs)")});
  second.WriteDockerArchive(scratch_ / "image.tar");
  Result<UnpackedImage> got = cache_.Get(ref);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(ReadText(got->rootfs + "/v"), "2 (longer, so the size differs)");
  EXPECT_EQ(cache_.unpack_count(), 2);
}

TEST_F(ImageCacheTest, PartialEntriesAreRedone) {
  TestImage image = TwoLayers();
  image.WriteLayout(scratch_ / "layout");
  std::string entry = cache_dir_ + "/sha256-" + DigestHex(image.ConfigDigest());
  // A crash after the rename but before the marker, and a dead process's partial dir.
  testing::WriteText(entry + "/rootfs/junk", "x");
  pid_t dead = fork();
  if (dead == 0) _exit(0);
  waitpid(dead, nullptr, 0);
  std::string partial = entry + ".partial-" + std::to_string(dead);
  testing::WriteText(partial + "/rootfs/junk", "x");

  Result<UnpackedImage> got = cache_.Get(Ref("oci:" + (scratch_ / "layout")));
  ASSERT_TRUE(got.ok()) << got.error().Text();
  EXPECT_EQ(cache_.unpack_count(), 1);
  EXPECT_FALSE(fs::exists(got->rootfs + "/junk"));
  EXPECT_FALSE(fs::exists(partial));
  ExpectTwoLayerRoot(*got);

  // A marker naming another digest is no marker either.
  testing::WriteText(entry + "/complete", "sha256:0\n");
  ImageCache fresh(cache_dir_);
  ASSERT_TRUE(fresh.Get(Ref("oci:" + (scratch_ / "layout"))).ok());
  EXPECT_EQ(fresh.unpack_count(), 1);
}

TEST_F(ImageCacheTest, BadInputsFailCleanly) {
  struct Row {
    const char* name;
    std::function<std::string(TestImage&)> make;  // writes the input, returns its reference
    const char* message;
  };
  const std::string base = scratch_.path();
  const Row rows[] = {
      {"missing archive", [&](TestImage&) { return "docker-archive:" + base + "/nope.tar"; },
       "image archive not found"},
      {"not an archive",
       [&](TestImage&) {
         testing::WriteText(base + "/text.tar", std::string(3000, 'q'));
         return "docker-archive:" + base + "/text.tar";
       },
       "not a tar archive"},
      {"manifest without config",
       [&](TestImage& image) {
         image.DropManifestConfig();
         image.WriteDockerArchive(base + "/a.tar");
         return "docker-archive:" + base + "/a.tar";
       },
       "manifest without config"},
      {"layout manifest without config",
       [&](TestImage& image) {
         image.DropManifestConfig();
         image.WriteLayout(base + "/l1");
         return "oci:" + base + "/l1";
       },
       "manifest without config"},
      {"config not JSON",
       [&](TestImage& image) {
         image.SetConfigText("{not json");
         image.WriteLayout(base + "/l2");
         return "oci:" + base + "/l2";
       },
       "image config is not JSON"},
      {"truncated layer",
       [&](TestImage& image) {
         std::string& bytes = image.LayerBytes(0);
         image.SetLayerDigest(0, testing::DigestOf(bytes));
         bytes.resize(bytes.size() / 2);
         image.WriteLayout(base + "/l3");
         return "oci:" + base + "/l3";
       },
       "layer 1/2"},
      {"dot-dot entry",
       [&](TestImage& image) {
         image.AddLayer({File("../outside", "x")});
         image.WriteOciArchive(base + "/b.tar");
         return "oci-archive:" + base + "/b.tar";
       },
       "entry ../outside: path contains .."},
      {"escaping symlink",
       [&](TestImage& image) {
         image.AddLayer({Symlink("evil", "../../../.."), File("evil/outside", "x")});
         image.WriteDockerArchive(base + "/c.tar");
         return "docker-archive:" + base + "/c.tar";
       },
       "goes through the symlink evil"},
  };
  for (const Row& row : rows) {
    TestImage image = TwoLayers();
    std::string ref = row.make(image);
    Result<UnpackedImage> got = cache_.Get(Ref(ref));
    ASSERT_FALSE(got.ok()) << row.name;
    EXPECT_NE(got.error().message.find(row.message), std::string::npos)
        << row.name << ": " << got.error().message;
    EXPECT_EQ(got.error().message.find('\n'), std::string::npos) << row.name;
    EXPECT_FALSE(fs::exists(base + "/outside")) << row.name;
    if (fs::exists(cache_dir_)) ExpectCacheClean();
  }
  EXPECT_FALSE(fs::exists("/outside"));
}

TEST_F(ImageCacheTest, ConcurrentThreadsUnpackOnce) {
  TwoLayers().WriteOciArchive(scratch_ / "image.tar");
  ImageRef ref = Ref("oci-archive:" + (scratch_ / "image.tar"));
  std::vector<std::unique_ptr<ImageCache>> caches;
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (int i = 0; i < 4; ++i) caches.push_back(std::make_unique<ImageCache>(cache_dir_));
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] { ok += caches[i]->Get(ref).ok() ? 1 : 0; });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(ok, 4);
  int unpacks = 0;
  for (const auto& cache : caches) unpacks += cache->unpack_count();
  EXPECT_EQ(unpacks, 1);
  ExpectCacheClean();
}

TEST_F(ImageCacheTest, ConcurrentProcessesUnpackOnce) {
  TestImage image = TwoLayers(Compression::kZstd);
  image.WriteLayout(scratch_ / "layout");
  ImageRef ref = Ref("oci:" + (scratch_ / "layout"));
  std::vector<pid_t> children;
  for (int i = 0; i < 3; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      ImageCache cache(cache_dir_);
      Result<UnpackedImage> got = cache.Get(ref);
      _exit(!got.ok() ? 99 : cache.unpack_count());
    }
    children.push_back(pid);
  }
  int unpacks = 0;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_NE(WEXITSTATUS(status), 99);
    unpacks += WEXITSTATUS(status);
  }
  EXPECT_EQ(unpacks, 1);
  ExpectCacheClean();
}

TEST(DefaultCacheDir, FollowsStateDir) {
  setenv("QIR_STATE_DIR", "/srv/qir", 1);
  EXPECT_EQ(DefaultCacheDir(), "/srv/qir/images");
  unsetenv("QIR_STATE_DIR");
  EXPECT_EQ(DefaultCacheDir(), "/var/lib/qir/images");
}

}  // namespace
}  // namespace qir::image

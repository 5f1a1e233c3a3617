// Tests for layer_unpack.h: formats, whiteouts, links, special files, and
// entries that try to leave the root.
#include "image/layer_unpack.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "image/image_test_util.h"

namespace qir::image {
namespace {

namespace fs = std::filesystem;
using testing::Compression;
using testing::Dir;
using testing::Entry;
using testing::File;
using testing::Hardlink;
using testing::ReadText;
using testing::ScratchDir;
using testing::Symlink;

class LayerUnpackTest : public ::testing::Test {
 protected:
  void SetUp() override { fs::create_directories(root_); }

  // Writes the entries as a layer and unpacks it into root_.
  Status Apply(const std::vector<Entry>& entries, Compression compression = Compression::kNone) {
    std::string path = scratch_ / ("layer" + std::to_string(count_++));
    testing::WriteTar(path, entries, compression);
    return UnpackLayer(
        LayerBlob{path, testing::DigestOf(ReadText(path)), "layer " + std::to_string(count_)},
        root_, &stats_);
  }
  bool Exists(const std::string& rel) const {
    std::error_code ec;
    return fs::exists(fs::symlink_status(root_ + "/" + rel, ec));
  }

  ScratchDir scratch_;
  std::string root_ = scratch_ / "rootfs";
  UnpackStats stats_;
  int count_ = 0;
};

TEST_F(LayerUnpackTest, PlainGzipAndZstd) {
  for (Compression compression : {Compression::kNone, Compression::kGzip, Compression::kZstd}) {
    std::string name = "f" + std::to_string(static_cast<int>(compression));
    ASSERT_TRUE(Apply({Dir("etc"), File("etc/" + name, "data")}, compression).ok());
    EXPECT_EQ(ReadText(root_ + "/etc/" + name), "data");
  }
}

TEST_F(LayerUnpackTest, KeepsModesAndTimes) {
  ASSERT_TRUE(Apply({Entry{"run.sh", 'f', "#!/bin/sh\n", 0755}}).ok());
  struct stat st;
  ASSERT_EQ(stat((root_ + "/run.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_EQ(st.st_mtime, 1700000000);
}

TEST_F(LayerUnpackTest, WhiteoutRemovesLowerFileOnly) {
  ASSERT_TRUE(Apply({Dir("a"), File("a/x", "1"), File("a/y", "2")}).ok());
  EXPECT_TRUE(Exists("a/x"));  // without a whiteout the lower file is there
  ASSERT_TRUE(Apply({File("a/.wh.x", "")}).ok());
  EXPECT_FALSE(Exists("a/x"));
  EXPECT_FALSE(Exists("a/.wh.x"));
  EXPECT_TRUE(Exists("a/y"));
  EXPECT_EQ(stats_.whiteouts, 1);
}

TEST_F(LayerUnpackTest, WhiteoutKeepsSameLayerFile) {
  ASSERT_TRUE(Apply({File("x", "new"), File(".wh.x", "")}).ok());
  EXPECT_EQ(ReadText(root_ + "/x"), "new");
}

TEST_F(LayerUnpackTest, OpaqueDirectoryHidesLowerContentKeepsOwn) {
  ASSERT_TRUE(Apply({Dir("d"), File("d/old", "1"), Dir("d/sub"), File("d/sub/old2", "2"),
                     File("keep", "k")})
                  .ok());
  ASSERT_TRUE(
      Apply({Dir("d"), File("d/new", "3"), File("d/.wh..wh..opq", ""), File("d/sub/new2", "4")})
          .ok());
  EXPECT_FALSE(Exists("d/old"));
  EXPECT_FALSE(Exists("d/sub/old2"));
  EXPECT_FALSE(Exists("d/.wh..wh..opq"));
  EXPECT_TRUE(Exists("d/new"));
  EXPECT_TRUE(Exists("d/sub/new2"));
  EXPECT_TRUE(Exists("keep"));
}

TEST_F(LayerUnpackTest, FileReplacesLowerDirectory) {
  ASSERT_TRUE(Apply({Dir("p"), File("p/inner", "1")}).ok());
  ASSERT_TRUE(Apply({File("p", "now a file")}).ok());
  EXPECT_EQ(ReadText(root_ + "/p"), "now a file");
}

TEST_F(LayerUnpackTest, HardLinkInsideRoot) {
  ASSERT_TRUE(Apply({File("bin/a", "exe"), Hardlink("bin/b", "bin/a")}).ok());
  struct stat a, b;
  ASSERT_EQ(stat((root_ + "/bin/a").c_str(), &a), 0);
  ASSERT_EQ(stat((root_ + "/bin/b").c_str(), &b), 0);
  EXPECT_EQ(a.st_ino, b.st_ino);
}

TEST_F(LayerUnpackTest, SymlinksAreKeptAsLinks) {
  ASSERT_TRUE(Apply({Symlink("lib", "usr/lib"), Symlink("passwd", "/etc/passwd")}).ok());
  EXPECT_EQ(fs::read_symlink(root_ + "/lib"), "usr/lib");
  EXPECT_EQ(fs::read_symlink(root_ + "/passwd"), "/etc/passwd");
}

TEST_F(LayerUnpackTest, DeviceNodesAndFifosAreSkipped) {
  ASSERT_TRUE(Apply({File("regular", "x"), Entry{"dev/null", 'c'}, Entry{"fifo", 'p'}}).ok());
  EXPECT_TRUE(Exists("regular"));
  EXPECT_FALSE(Exists("dev/null"));
  EXPECT_FALSE(Exists("fifo"));
  EXPECT_EQ(stats_.skipped_special, 2);
}

TEST_F(LayerUnpackTest, RejectsDotDotAndAbsoluteNames) {
  std::string victim = scratch_ / "victim";
  for (const std::string& name :
       {std::string("../victim"), std::string("a/../../victim"), victim}) {
    Status status = Apply({File(name, "x")});
    ASSERT_FALSE(status.ok()) << name;
    EXPECT_NE(status.error().message.find("entry " + name), std::string::npos)
        << status.error().message;
    EXPECT_NE(status.error().message.find("layer"), std::string::npos);
    EXPECT_FALSE(fs::exists(victim)) << name;
  }
}

TEST_F(LayerUnpackTest, RejectsHardLinksLeavingTheRoot) {
  testing::WriteText(scratch_ / "secret", "s");
  for (const std::string& target : {std::string("../secret"), scratch_ / "secret"}) {
    Status status = Apply({Hardlink("h", target)});
    ASSERT_FALSE(status.ok()) << target;
    EXPECT_NE(status.error().message.find("hard link target"), std::string::npos)
        << status.error().message;
    EXPECT_FALSE(Exists("h"));
  }
}

TEST_F(LayerUnpackTest, NeverWritesThroughASymlink) {
  std::string escape = "/tmp/qir-escape-" + std::to_string(getpid());
  std::string victim_dir = scratch_ / "victim";
  fs::create_directories(victim_dir);
  struct Row {
    std::vector<Entry> entries;
  };
  const Row rows[] = {
      {{Symlink("evil", "/"), File("evil" + escape, "x")}},
      {{Symlink("evil", "../../../../../../.."), File("evil" + escape, "x")}},
      {{Symlink("evil", victim_dir), File("evil/planted", "x")}},
      {{Symlink("evil", victim_dir), Dir("evil/sub")}},
  };
  for (const Row& row : rows) {
    Status status = Apply(row.entries);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("symlink evil"), std::string::npos)
        << status.error().message;
    EXPECT_FALSE(fs::exists(escape));
    EXPECT_TRUE(fs::is_empty(victim_dir));
    fs::remove(root_ + "/evil");
  }
}

TEST_F(LayerUnpackTest, HardLinkAndWhiteoutThroughSymlinkAreRejected) {
  std::string victim_dir = scratch_ / "victim";
  fs::create_directories(victim_dir);
  testing::WriteText(victim_dir + "/file", "precious");
  ASSERT_TRUE(Apply({Symlink("evil", victim_dir)}).ok());
  EXPECT_FALSE(Apply({Hardlink("h", "evil/file")}).ok());
  EXPECT_FALSE(Exists("h"));
  EXPECT_FALSE(Apply({File("evil/.wh.file", "")}).ok());
  EXPECT_EQ(ReadText(victim_dir + "/file"), "precious");
}

TEST_F(LayerUnpackTest, TruncatedAndAlteredBlobs) {
  std::string path = scratch_ / "big.tar";
  testing::WriteTar(path, {File("big", std::string(100000, 'x'))}, Compression::kNone);
  std::string bytes = ReadText(path);
  std::string digest = testing::DigestOf(bytes);
  ASSERT_TRUE(UnpackLayer(LayerBlob{path, digest, "layer 1/1"}, root_, &stats_).ok());

  testing::WriteText(path, bytes.substr(0, 50000));
  Status truncated = UnpackLayer(LayerBlob{path, digest, "layer 1/1"}, root_, &stats_);
  ASSERT_FALSE(truncated.ok());
  EXPECT_NE(truncated.error().message.find("layer 1/1"), std::string::npos);

  std::string altered = bytes;
  altered[1000] = 'y';  // inside the file's data: the tar still reads fine
  testing::WriteText(path, altered);
  Status mismatch = UnpackLayer(LayerBlob{path, digest, "layer 1/1"}, root_, &stats_);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.error().message.find("layer 1/1: digest mismatch"), std::string::npos)
      << mismatch.error().message;
}

TEST_F(LayerUnpackTest, NotAnArchive) {
  std::string path = scratch_ / "text";
  testing::WriteText(path, std::string(2000, 'z'));
  Status status = UnpackLayer(LayerBlob{path, "", "layer 1/1"}, root_, &stats_);
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("layer 1/1"), std::string::npos) << status.error().message;
}

TEST(CleanEntryPath, Normalizes) {
  EXPECT_EQ(*CleanEntryPath("./a//b/"), "a/b");
  EXPECT_EQ(*CleanEntryPath("./"), "");
  EXPECT_EQ(*CleanEntryPath("a/.wh..wh..opq"), "a/.wh..wh..opq");
  EXPECT_FALSE(CleanEntryPath("/etc").ok());
  EXPECT_FALSE(CleanEntryPath("a/../b").ok());
  EXPECT_TRUE(CleanEntryPath("a/..b").ok());
}

}  // namespace
}  // namespace qir::image

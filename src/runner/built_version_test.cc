// Tests for ReadBuiltVersions: a native implementation's version is the first
// line of the bin/VERSION its build wrote; nothing else is read.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "runner/implementations.h"

namespace qir::runner {
namespace {

namespace fs = std::filesystem;

class BuiltVersionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("qir-version-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    fs::create_directories(root_ / "a" / "bin");
    fs::create_directories(root_ / "b");
  }
  void TearDown() override { fs::remove_all(root_); }
  void Write(const fs::path& file, const std::string& text) { std::ofstream(file) << text; }
  fs::path root_;
};

TEST_F(BuiltVersionTest, FirstLineOfBinVersion) {
  Write(root_ / "a" / "bin" / "VERSION", "stack 1.2.3 (Debian 1.2.3-1), go1.23.5  \nsecond line\n");
  std::vector<Implementation> all = {{.name = "a", .dir = (root_ / "a").string()},
                                     {.name = "b", .dir = (root_ / "b").string()},
                                     {.name = "img", .image = "oci:/nowhere"}};
  ReadBuiltVersions(&all);
  EXPECT_EQ(all[0].version, "stack 1.2.3 (Debian 1.2.3-1), go1.23.5");
  EXPECT_EQ(all[1].version, "");  // not built: no bin/VERSION
  EXPECT_EQ(all[2].version, "");  // images have no build
}

TEST_F(BuiltVersionTest, LongOrBinaryFileIsCutToOneShortLine) {
  Write(root_ / "a" / "bin" / "VERSION", std::string(5000, 'x'));
  std::vector<Implementation> all = {{.name = "a", .dir = (root_ / "a").string()}};
  ReadBuiltVersions(&all);
  EXPECT_EQ(all[0].version.size(), 200u);
}

}  // namespace
}  // namespace qir::runner

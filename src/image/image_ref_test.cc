// Tests for image_ref.h.
#include "image/image_ref.h"

#include <gtest/gtest.h>

namespace qir::image {
namespace {

TEST(ParseImageRef, Kinds) {
  struct Row {
    const char* text;
    RefKind kind;
    const char* path;
    const char* tag;
    const char* name;
  };
  const Row rows[] = {
      {"docker-archive:/x/quic-go.tar", RefKind::kDockerArchive, "/x/quic-go.tar", "", ""},
      {"oci-archive:/x/a.tar", RefKind::kOciArchive, "/x/a.tar", "", ""},
      {"oci:/x/layout", RefKind::kOciLayout, "/x/layout", "", ""},
      {"oci:/x/layout:v1", RefKind::kOciLayout, "/x/layout", "v1", ""},
      {"martenseemann/quic-go-interop:latest", RefKind::kName, "", "",
       "martenseemann/quic-go-interop:latest"},
  };
  for (const Row& row : rows) {
    Result<ImageRef> ref = ParseImageRef(row.text);
    ASSERT_TRUE(ref.ok()) << row.text;
    EXPECT_EQ(ref->kind, row.kind) << row.text;
    EXPECT_EQ(ref->path, row.path) << row.text;
    EXPECT_EQ(ref->tag, row.tag) << row.text;
    EXPECT_EQ(ref->name, row.name) << row.text;
    EXPECT_EQ(ref->text, row.text);
  }
}

TEST(ParseImageRef, RelativePathBecomesAbsolute) {
  Result<ImageRef> ref = ParseImageRef("docker-archive:images/a.tar");
  ASSERT_TRUE(ref.ok());
  EXPECT_EQ(ref->path.front(), '/');
  EXPECT_NE(ref->path.find("images/a.tar"), std::string::npos);
}

TEST(ParseImageRef, Rejects) {
  for (const char* text : {"", "quic go", "docker-archive:", "oci:", "name\twith-tab"}) {
    EXPECT_FALSE(ParseImageRef(text).ok()) << text;
  }
}

}  // namespace
}  // namespace qir::image

// Parses image references (image_ref.h). The prefixes follow skopeo's
// transport names so a reference can be copied between the two tools.
#include "image/image_ref.h"

#include <cctype>
#include <filesystem>

namespace qir::image {
namespace {

bool StartsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool HasSpace(const std::string& text) {
  for (unsigned char c : text) {
    if (std::isspace(c) || std::iscntrl(c)) return true;
  }
  return false;
}

Result<std::string> AbsolutePath(const std::string& path, const std::string& text) {
  if (path.empty()) return Fail(Error::kInvalidArgument, "image reference has an empty path", text);
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  if (ec) return Fail(Error::kInvalidArgument, "bad image path: " + ec.message(), text);
  return absolute.lexically_normal().string();
}

// "oci:DIR:TAG": the tag is what follows the last ':' when that part has no '/',
// so a directory name containing ':' still works when no tag is given after it.
void SplitLayoutTag(const std::string& rest, std::string* dir, std::string* tag) {
  size_t colon = rest.rfind(':');
  if (colon == std::string::npos || rest.find('/', colon) != std::string::npos) {
    *dir = rest;
    return;
  }
  *dir = rest.substr(0, colon);
  *tag = rest.substr(colon + 1);
}

}  // namespace

Result<ImageRef> ParseImageRef(const std::string& text) {
  ImageRef ref;
  ref.text = text;
  if (text.empty()) return Fail(Error::kInvalidArgument, "empty image reference");
  std::string path;
  if (StartsWith(text, "docker-archive:")) {
    ref.kind = RefKind::kDockerArchive;
    path = text.substr(15);
  } else if (StartsWith(text, "oci-archive:")) {
    ref.kind = RefKind::kOciArchive;
    path = text.substr(12);
  } else if (StartsWith(text, "oci:")) {
    ref.kind = RefKind::kOciLayout;
    SplitLayoutTag(text.substr(4), &path, &ref.tag);
  } else {
    if (HasSpace(text))
      return Fail(Error::kInvalidArgument, "image name contains white space", text);
    ref.kind = RefKind::kName;
    ref.name = text;
    return ref;
  }
  Result<std::string> absolute = AbsolutePath(path, text);
  if (!absolute.ok()) return absolute.error();
  ref.path = *absolute;
  return ref;
}

}  // namespace qir::image

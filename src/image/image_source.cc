// Manifest reading (image_source.h). Every blob a manifest names is resolved
// to a path inside the image directory (no "..", symlinks resolved and
// checked), and every digest the manifest states is verified before use.
#include "image/image_source.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "image/digest.h"
#include "util/temp_file.h"

namespace qir::image {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr char kRefNameAnnotation[] = "org.opencontainers.image.ref.name";
constexpr int kMaxIndexDepth = 4;  // index → index → manifest is the deepest seen in practice

bool IsIndexType(const std::string& media_type) {
  return media_type == "application/vnd.oci.image.index.v1+json" ||
         media_type == "application/vnd.docker.distribution.manifest.list.v2+json";
}

Result<std::string> ReadFile(const std::string& path, const std::string& what) {
  std::optional<std::string> text = util::ReadFileText(path);
  if (!text) return Fail(Error::kNotFound, what + ": missing " + fs::path(path).filename().string(), path);
  return std::move(*text);
}

Result<json> ReadJson(const std::string& path, const std::string& what) {
  Result<std::string> text = ReadFile(path, what);
  if (!text.ok()) return text.error();
  json document = json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (document.is_discarded())
    return Fail(Error::kParse, what + ": " + fs::path(path).filename().string() + " is not JSON",
                path);
  return document;
}

// A member path of the image directory, resolved so that symlinks (newer
// docker saves link <id>/layer.tar to blobs/) cannot lead outside it.
Result<std::string> InsidePath(const std::string& dir, const std::string& member,
                               const std::string& what) {
  Result<std::string> rel = CleanEntryPath(member);
  if (!rel.ok() || rel->empty())
    return Fail(Error::kParse, what + ": bad blob path " + member, member);
  std::error_code ec;
  fs::path root = fs::canonical(dir, ec);
  if (ec) return Fail(Error::kNotFound, what + ": " + dir + ": " + ec.message(), dir);
  fs::path resolved = fs::canonical(root / *rel, ec);
  if (ec) return Fail(Error::kNotFound, what + ": missing blob " + member, member);
  std::string prefix = root.string() + "/";
  if (resolved.string().compare(0, prefix.size(), prefix) != 0) {
    return Fail(Error::kParse, what + ": blob " + member + " points outside the image", member);
  }
  return resolved.string();
}

Result<std::string> BlobPath(const std::string& dir, const std::string& digest,
                             const std::string& what) {
  if (!IsSha256Digest(digest))
    return Fail(Error::kParse, what + ": unsupported digest " + digest, digest);
  return InsidePath(dir, "blobs/sha256/" + DigestHex(digest), what);
}

Status VerifyDigest(const std::string& path, const std::string& digest, const std::string& what) {
  Result<std::string> actual = Sha256OfFile(path);
  if (!actual.ok()) return actual.error();
  if (*actual != digest)
    return Fail(Error::kParse,
                what + ": blob " + ShortDigest(digest) + " does not match its digest", path);
  return {};
}

Result<json> ReadVerifiedBlob(const std::string& dir, const std::string& digest,
                              const std::string& what) {
  Result<std::string> path = BlobPath(dir, digest, what);
  if (!path.ok()) return path.error();
  Status verified = VerifyDigest(*path, digest, what);
  if (!verified.ok()) return verified.error();
  return ReadJson(*path, what);
}

std::string DescriptorDigest(const json& descriptor) {
  return descriptor.is_object() && descriptor.contains("digest") && descriptor["digest"].is_string()
             ? descriptor["digest"].get<std::string>()
             : std::string();
}

std::string MediaType(const json& object) {
  return object.is_object() && object.contains("mediaType") && object["mediaType"].is_string()
             ? object["mediaType"].get<std::string>()
             : std::string();
}

std::string RefName(const json& descriptor) {
  if (!descriptor.contains("annotations") || !descriptor["annotations"].is_object()) return "";
  const json& annotations = descriptor["annotations"];
  if (!annotations.contains(kRefNameAnnotation) || !annotations[kRefNameAnnotation].is_string())
    return "";
  return annotations[kRefNameAnnotation].get<std::string>();
}

bool IsLinuxAmd64(const json& descriptor) {
  if (!descriptor.contains("platform") || !descriptor["platform"].is_object()) return false;
  const json& platform = descriptor["platform"];
  return platform.value("os", "") == "linux" && platform.value("architecture", "") == "amd64";
}

Result<json> ManifestList(const json& index, const std::string& what) {
  if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array() ||
      index["manifests"].empty()) {
    return Fail(Error::kParse, what + ": index has no manifests");
  }
  return index["manifests"];
}

// The descriptor in the layout's index.json that `tag` names.
Result<json> SelectTagged(const json& index, const std::string& tag, const std::string& what) {
  Result<json> manifests = ManifestList(index, what);
  if (!manifests.ok()) return manifests.error();
  if (tag.empty() && manifests->size() == 1) return (*manifests)[0];
  std::string tags;
  for (const json& descriptor : *manifests) {
    std::string name = RefName(descriptor);
    if (!tag.empty() && name == tag) return descriptor;
    tags += (tags.empty() ? "" : ", ") + (name.empty() ? "(untagged)" : name);
  }
  if (tag.empty())
    return Fail(
        Error::kInvalidArgument,
        what + ": the layout holds several images; add a tag (oci:DIR:TAG), one of " + tags);
  return Fail(Error::kNotFound, what + ": no image tagged " + tag + " (tags: " + tags + ")", tag);
}

// In a nested index (multi-platform image), the linux/amd64 entry; a single
// entry without a platform is taken as it is.
Result<json> SelectPlatform(const json& index, const std::string& what) {
  Result<json> manifests = ManifestList(index, what);
  if (!manifests.ok()) return manifests.error();
  for (const json& descriptor : *manifests) {
    if (IsLinuxAmd64(descriptor)) return descriptor;
  }
  if (manifests->size() == 1 && !(*manifests)[0].contains("platform")) return (*manifests)[0];
  return Fail(Error::kNotFound, what + ": the image index has no linux/amd64 manifest");
}

Result<ImageSource> SourceFromManifest(const std::string& dir, const json& manifest,
                                       const std::string& what) {
  if (!manifest.is_object() || !manifest.contains("config"))
    return Fail(Error::kParse, what + ": manifest without config");
  ImageSource source;
  source.config_digest = DescriptorDigest(manifest["config"]);
  Result<std::string> config = BlobPath(dir, source.config_digest, what);
  if (!config.ok()) return config.error();
  Status verified = VerifyDigest(*config, source.config_digest, what);
  if (!verified.ok()) return verified.error();
  source.config_path = *config;
  if (!manifest.contains("layers") || !manifest["layers"].is_array())
    return Fail(Error::kParse, what + ": manifest without layers");
  const json& layers = manifest["layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string digest = DescriptorDigest(layers[i]);
    Result<std::string> path = BlobPath(dir, digest, what);
    if (!path.ok()) return path.error();
    std::string name = what + ": layer " + std::to_string(i + 1) + "/" +
                       std::to_string(layers.size()) + " " + ShortDigest(digest);
    source.layers.push_back(LayerBlob{*path, digest, name});
  }
  return source;
}

// docker-archive layers outside blobs/ are named by their uncompressed digest,
// the config's rootfs.diff_ids (image-spec config.md), as docker saves them plain.
Result<std::vector<std::string>> DiffIds(const std::string& config_path, const std::string& what) {
  Result<json> config = ReadJson(config_path, what);
  if (!config.ok()) return config.error();
  std::vector<std::string> ids;
  if (!config->is_object() || !config->contains("rootfs") || !(*config)["rootfs"].is_object())
    return ids;
  const json& rootfs = (*config)["rootfs"];
  if (!rootfs.contains("diff_ids") || !rootfs["diff_ids"].is_array()) return ids;
  for (const json& id : rootfs["diff_ids"])
    ids.push_back(id.is_string() ? id.get<std::string>() : "");
  return ids;
}

// The digest a docker-archive member path states: blobs/sha256/<hex> or <hex>.json.
std::string DigestFromMember(const std::string& member) {
  std::string base = fs::path(member).filename().string();
  if (base.size() == 69 && base.compare(64, 5, ".json") == 0) base = base.substr(0, 64);
  std::string digest = "sha256:" + base;
  return IsSha256Digest(digest) ? digest : std::string();
}

}  // namespace

Result<ImageSource> ReadOciLayout(const std::string& dir, const std::string& tag,
                                  const std::string& what) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return Fail(Error::kNotFound, what + ": no such OCI layout directory " + dir, dir);
  if (!fs::exists(fs::path(dir) / "oci-layout", ec))
    return Fail(Error::kParse, what + ": " + dir + " is not an OCI layout (no oci-layout file)",
                dir);
  Result<json> index = ReadJson((fs::path(dir) / "index.json").string(), what);
  if (!index.ok()) return index.error();
  Result<json> descriptor = SelectTagged(*index, tag, what);
  if (!descriptor.ok()) return descriptor.error();
  json current = *descriptor;
  for (int depth = 0; depth < kMaxIndexDepth; ++depth) {
    Result<json> blob = ReadVerifiedBlob(dir, DescriptorDigest(current), what);
    if (!blob.ok()) return blob.error();
    std::string type = MediaType(current).empty() ? MediaType(*blob) : MediaType(current);
    if (!IsIndexType(type) && !(blob->is_object() && blob->contains("manifests")))
      return SourceFromManifest(dir, *blob, what);
    Result<json> next = SelectPlatform(*blob, what);
    if (!next.ok()) return next.error();
    current = *next;
  }
  return Fail(Error::kLimitExceeded, what + ": image indexes nested too deeply");
}

Result<ImageSource> ReadDockerArchiveDir(const std::string& dir, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(fs::path(dir) / "manifest.json", ec)) {
    if (fs::exists(fs::path(dir) / "oci-layout", ec)) return ReadOciLayout(dir, "", what);
    return Fail(Error::kParse, what + ": not a docker-archive (no manifest.json)");
  }
  Result<json> manifest = ReadJson((fs::path(dir) / "manifest.json").string(), what);
  if (!manifest.ok()) return manifest.error();
  if (!manifest->is_array() || manifest->empty() || !(*manifest)[0].is_object()) {
    return Fail(Error::kParse, what + ": manifest.json lists no image");
  }
  const json& image = (*manifest)[0];
  if (!image.contains("Config") || !image["Config"].is_string())
    return Fail(Error::kParse, what + ": manifest without config");
  ImageSource source;
  std::string config_member = image["Config"].get<std::string>();
  Result<std::string> config = InsidePath(dir, config_member, what);
  if (!config.ok()) return config.error();
  Result<std::string> digest = Sha256OfFile(*config);
  if (!digest.ok()) return digest.error();
  std::string stated = DigestFromMember(config_member);
  if (!stated.empty() && stated != *digest)
    return Fail(Error::kParse, what + ": config " + config_member + " does not match its digest");
  source.config_path = *config;
  source.config_digest = *digest;
  Result<std::vector<std::string>> diff_ids = DiffIds(*config, what);
  if (!diff_ids.ok()) return diff_ids.error();
  if (!image.contains("Layers") || !image["Layers"].is_array())
    return Fail(Error::kParse, what + ": manifest without layers");
  const json& layers = image["Layers"];
  for (size_t i = 0; i < layers.size(); ++i) {
    std::string member = layers[i].is_string() ? layers[i].get<std::string>() : "";
    Result<std::string> path = InsidePath(dir, member, what);
    if (!path.ok()) return path.error();
    std::string expected =
        member.compare(0, 13, "blobs/sha256/") == 0 ? DigestFromMember(member) : "";
    if (expected.empty() && i < diff_ids->size()) expected = (*diff_ids)[i];
    std::string name = what + ": layer " + std::to_string(i + 1) + "/" +
                       std::to_string(layers.size()) + " " + member;
    source.layers.push_back(LayerBlob{*path, expected, name});
  }
  return source;
}

}  // namespace qir::image

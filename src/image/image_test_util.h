// Test fixtures for the image layer: tar layers written with libarchive, and
// whole images as OCI layouts, oci-archives and docker-archives, with real
// digests, built at test time in a scratch directory.
#pragma once

#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "image/digest.h"
#include "util/subprocess.h"

namespace qir::image::testing {

/// One tar entry; `type` is 'f' file, 'd' dir, 'l' symlink (data = target),
/// 'h' hard link (data = target), 'p' fifo, 'c' character device.
struct Entry {
  std::string name;
  char type = 'f';
  std::string data;
  unsigned mode = 0644;
};

inline Entry File(std::string name, std::string data) {
  return {std::move(name), 'f', std::move(data)};
}
inline Entry Dir(std::string name) { return {std::move(name), 'd', "", 0755}; }
inline Entry Symlink(std::string name, std::string target) {
  return {std::move(name), 'l', std::move(target), 0777};
}
inline Entry Hardlink(std::string name, std::string target) {
  return {std::move(name), 'h', std::move(target)};
}

enum class Compression { kNone, kGzip, kZstd };

inline void WriteTar(const std::string& path, const std::vector<Entry>& entries,
                     Compression compression) {
  archive* writer = archive_write_new();
  archive_write_set_format_pax_restricted(writer);
  if (compression == Compression::kGzip) archive_write_add_filter_gzip(writer);
  if (compression == Compression::kZstd) archive_write_add_filter_zstd(writer);
  ASSERT_EQ(archive_write_open_filename(writer, path.c_str()), ARCHIVE_OK)
      << archive_error_string(writer);
  for (const Entry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.name.c_str());
    archive_entry_set_perm(entry, e.mode);
    archive_entry_set_mtime(entry, 1700000000, 0);
    switch (e.type) {
      case 'd':
        archive_entry_set_filetype(entry, AE_IFDIR);
        break;
      case 'l':
        archive_entry_set_filetype(entry, AE_IFLNK);
        archive_entry_set_symlink(entry, e.data.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_hardlink(entry, e.data.c_str());
        break;
      case 'p':
        archive_entry_set_filetype(entry, AE_IFIFO);
        break;
      case 'c':
        archive_entry_set_filetype(entry, AE_IFCHR);
        archive_entry_set_rdev(entry, makedev(1, 3));
        break;
      default:
        archive_entry_set_filetype(entry, AE_IFREG);
        archive_entry_set_size(entry, static_cast<la_int64_t>(e.data.size()));
    }
    ASSERT_EQ(archive_write_header(writer, entry), ARCHIVE_OK) << archive_error_string(writer);
    if (e.type == 'f' && !e.data.empty()) archive_write_data(writer, e.data.data(), e.data.size());
    archive_entry_free(entry);
  }
  archive_write_close(writer);
  archive_write_free(writer);
}

inline std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

inline std::string DigestOf(const std::string& bytes) {
  Sha256 hash;
  hash.Update(bytes.data(), bytes.size());
  return hash.Finish();
}

/// A scratch directory removed at the end of the test.
class ScratchDir {
 public:
  ScratchDir() {
    char pattern[] = "/tmp/qir-image-test-XXXXXX";
    path_ = mkdtemp(pattern);
    // Canonical, so layer roots below it have no symlink in their path.
    path_ = std::filesystem::canonical(path_).string();
  }
  ~ScratchDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& sub) const { return path_ + "/" + sub; }

 private:
  std::string path_;
};

/// An image under construction: layers and a config, written out in the
/// formats qir reads.
class TestImage {
 public:
  explicit TestImage(std::string scratch) : scratch_(std::move(scratch)) {}

  /// Adds a layer on top; returns its blob digest.
  std::string AddLayer(const std::vector<Entry>& entries,
                       Compression compression = Compression::kNone) {
    std::string path = scratch_ + "/layer-" + std::to_string(layers_.size()) + ".tar";
    WriteTar(path, entries, compression);
    layers_.push_back(ReadText(path));
    std::filesystem::remove(path);
    return DigestOf(layers_.back());
  }
  /// Replaces the generated config JSON (e.g. with something that is not JSON).
  void SetConfigText(std::string text) { config_override_ = std::move(text); }
  /// Replaces a layer's bytes after its digest was taken (truncated, altered).
  std::string& LayerBytes(size_t i) { return layers_[i]; }
  void SetLayerDigest(size_t i, std::string digest) { digest_overrides_[i] = std::move(digest); }

  std::string ConfigText() const {
    if (!config_override_.empty()) return config_override_;
    nlohmann::json diff_ids = nlohmann::json::array();
    for (const std::string& layer : layers_) diff_ids.push_back(DigestOf(layer));
    nlohmann::json config = {{"architecture", "amd64"},
                             {"os", "linux"},
                             {"config",
                              {{"Entrypoint", {"/run_endpoint.sh"}},
                               {"Env", {"PATH=/usr/bin", "ROLE=x"}},
                               {"WorkingDir", "/quic"}}},
                             {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
    return config.dump();
  }
  std::string ConfigDigest() const { return DigestOf(ConfigText()); }

  /// Writes config, layers and manifest blobs into `layout`; returns the manifest descriptor.
  nlohmann::json WriteBlobs(const std::string& layout) const {
    WriteBlob(layout, ConfigText());
    nlohmann::json layers = nlohmann::json::array();
    for (size_t i = 0; i < layers_.size(); ++i) {
      std::string digest =
          digest_overrides_.count(i) ? digest_overrides_.at(i) : DigestOf(layers_[i]);
      WriteText(layout + "/blobs/sha256/" + DigestHex(digest), layers_[i]);
      layers.push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar"},
                        {"digest", digest},
                        {"size", layers_[i].size()}});
    }
    nlohmann::json manifest = {{"schemaVersion", 2},
                               {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                               {"config",
                                {{"mediaType", "application/vnd.oci.image.config.v1+json"},
                                 {"digest", ConfigDigest()},
                                 {"size", ConfigText().size()}}},
                               {"layers", layers}};
    if (drop_manifest_config_) manifest.erase("config");
    std::string text = manifest.dump();
    return {{"mediaType", "application/vnd.oci.image.manifest.v1+json"},
            {"digest", WriteBlob(layout, text)},
            {"size", text.size()}};
  }
  void DropManifestConfig() { drop_manifest_config_ = true; }

  /// Adds this image to the OCI layout at `dir` under `tag` ("" = untagged).
  void WriteLayout(const std::string& dir, const std::string& tag = "latest") const {
    nlohmann::json descriptor = WriteBlobs(dir);
    if (!tag.empty()) descriptor["annotations"] = {{"org.opencontainers.image.ref.name", tag}};
    AddToIndex(dir, descriptor);
  }

  static void AddToIndex(const std::string& dir, const nlohmann::json& descriptor) {
    WriteText(dir + "/oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    nlohmann::json index = {{"schemaVersion", 2}, {"manifests", nlohmann::json::array()}};
    if (std::filesystem::exists(dir + "/index.json"))
      index = nlohmann::json::parse(ReadText(dir + "/index.json"));
    index["manifests"].push_back(descriptor);
    WriteText(dir + "/index.json", index.dump());
  }

  static std::string WriteBlob(const std::string& layout, const std::string& bytes) {
    std::string digest = DigestOf(bytes);
    WriteText(layout + "/blobs/sha256/" + DigestHex(digest), bytes);
    return digest;
  }

  /// A tar of an OCI layout.
  void WriteOciArchive(const std::string& path) const {
    std::string dir = scratch_ + "/oci-archive-staging";
    std::filesystem::remove_all(dir);
    WriteLayout(dir);
    TarDirectory(dir, path);
  }

  /// The classic `docker save` layout: manifest.json, <hex>.json, <n>/layer.tar.
  void WriteDockerArchive(const std::string& path) const {
    std::string dir = scratch_ + "/docker-archive-staging";
    std::filesystem::remove_all(dir);
    std::string config_name = DigestHex(ConfigDigest()) + ".json";
    WriteText(dir + "/" + config_name, ConfigText());
    nlohmann::json layers = nlohmann::json::array();
    for (size_t i = 0; i < layers_.size(); ++i) {
      std::string member = "layer" + std::to_string(i) + "/layer.tar";
      WriteText(dir + "/" + member, layers_[i]);
      layers.push_back(member);
    }
    nlohmann::json manifest = nlohmann::json::array();
    manifest.push_back(
        {{"Config", config_name}, {"RepoTags", {"test/image:latest"}}, {"Layers", layers}});
    if (drop_manifest_config_) manifest[0].erase("Config");
    WriteText(dir + "/manifest.json", manifest.dump());
    TarDirectory(dir, path);
  }

  static void TarDirectory(const std::string& dir, const std::string& path) {
    Result<util::CommandResult> run = util::RunCommand({"tar", "-C", dir, "-cf", path, "."});
    ASSERT_TRUE(run.ok() && run->exit.Succeeded()) << (run.ok() ? run->output : run.error().Text());
  }

 private:
  std::string scratch_;
  std::vector<std::string> layers_;
  std::map<size_t, std::string> digest_overrides_;
  std::string config_override_;
  bool drop_manifest_config_ = false;
};

}  // namespace qir::image::testing

// The image cache (image_cache.h). An entry becomes visible in two steps: the
// image is unpacked into <digest>.partial-<pid>, synced and renamed to its
// final name, and only then is the `complete` marker written and synced. A
// directory without a valid marker, or a partial one of a dead process, is
// left over from a crash and gets redone by the next import of that digest.
#include "image/image_cache.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "image/cache_index.h"
#include "image/digest.h"
#include "image/file_lock.h"
#include "image/layer_unpack.h"
#include "util/temp_file.h"

namespace qir::image {
namespace {

namespace fs = std::filesystem;

constexpr char kPartialInfix[] = ".partial-";

// Process-wide, so that several ImageCache objects (one per cell) never share a scratch dir.
std::atomic<int> scratch_counter{0};

// Removes a scratch directory when its import ends, on success or error.
class ScopedDir {
 public:
  explicit ScopedDir(std::string path) : path_(std::move(path)) {}
  ~ScopedDir() {
    if (!path_.empty()) (void)util::RemoveTree(path_);
  }
  ScopedDir(const ScopedDir&) = delete;
  ScopedDir& operator=(const ScopedDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::string EntryName(const std::string& digest) { return "sha256-" + DigestHex(digest); }

Result<std::string> ReadSmallFile(const std::string& path) {
  std::optional<std::string> text = util::ReadFileText(path);
  if (!text) return Fail(Error::kNotFound, "cannot read " + path, path);
  return std::move(*text);
}

Status WriteSynced(const std::string& path, const std::string& text) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(Error::kIo, "create " + path + ": " + std::strerror(errno), path);
  bool ok =
      write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && fsync(fd) == 0;
  int saved = errno;
  close(fd);
  if (!ok) return Fail(Error::kIo, "write " + path + ": " + std::strerror(saved), path);
  return {};
}

// Flushes the whole file system holding `path` (one call instead of an fsync per file).
Status SyncFileSystem(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Fail(Error::kIo, "open " + path + ": " + std::strerror(errno), path);
  int rc = syncfs(fd);
  int saved = errno;
  close(fd);
  if (rc != 0) return Fail(Error::kIo, "syncfs " + path + ": " + std::strerror(saved), path);
  return {};
}

bool ProcessAlive(pid_t pid) { return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM); }

// The entry for `digest` when its complete marker is valid.
Result<std::optional<UnpackedImage>> LoadEntry(const std::string& dir, const std::string& digest) {
  std::string entry = dir + "/" + EntryName(digest);
  Result<std::string> marker = ReadSmallFile(entry + "/complete");
  if (!marker.ok() || *marker != digest + "\n") return std::optional<UnpackedImage>();
  Result<std::string> config_text = ReadSmallFile(entry + "/config.json");
  if (!config_text.ok()) return std::optional<UnpackedImage>();
  Result<ImageConfig> config = ParseImageConfig(*config_text);
  if (!config.ok()) return config.error();
  return std::optional<UnpackedImage>(UnpackedImage{digest, entry + "/rootfs", std::move(*config)});
}

std::string StatKey(const std::string& path, const struct stat& st) {
  return path + ":" + std::to_string(st.st_size) + ":" + std::to_string(st.st_mtim.tv_sec) + "." +
         std::to_string(st.st_mtim.tv_nsec);
}

}  // namespace

std::string DefaultCacheDir() {
  const char* state = std::getenv("QIR_STATE_DIR");
  return std::string(state != nullptr && *state != '\0' ? state : "/var/lib/qir") + "/images";
}

ImageCache::ImageCache(std::string dir) {
  std::error_code ec;
  fs::path absolute = fs::absolute(dir, ec);
  dir_ = (ec ? fs::path(dir) : absolute).lexically_normal().string();
  while (dir_.size() > 1 && dir_.back() == '/') dir_.pop_back();
}

Status ImageCache::Prepare() {
  std::error_code ec;
  for (const char* sub : {"locks", "tmp"}) {
    fs::create_directories(fs::path(dir_) / sub, ec);
    if (ec)
      return Fail(Error::kIo, "cannot create the image cache " + dir_ + ": " + ec.message(), dir_);
  }
  return {};
}

// Archives are known by real path, size and mtime (a rewritten archive is
// imported again), layouts by their index.json, names by the name.
Result<std::string> ImageCache::IndexKey(const ImageRef& ref) const {
  if (ref.kind == RefKind::kName) return "name:" + ref.name;
  std::string file = ref.kind == RefKind::kOciLayout ? ref.path + "/index.json" : ref.path;
  char real[PATH_MAX];
  struct stat st;
  if (realpath(file.c_str(), real) == nullptr || stat(real, &st) != 0) {
    const char* what =
        ref.kind == RefKind::kOciLayout ? "OCI layout not found: " : "image archive not found: ";
    return Fail(Error::kNotFound, std::string(what) + ref.path + " (image " + ref.text + ")",
                ref.path);
  }
  if (ref.kind == RefKind::kOciLayout) return "oci:" + StatKey(real, st) + ":" + ref.tag;
  if (!S_ISREG(st.st_mode))
    return Fail(Error::kInvalidArgument, "image archive is not a file: " + ref.path, ref.path);
  return std::string(ref.kind == RefKind::kDockerArchive ? "docker-archive:" : "oci-archive:") +
         StatKey(real, st);
}

Result<std::optional<UnpackedImage>> ImageCache::FromIndex(const std::string& key) {
  Result<std::optional<std::string>> digest = CacheIndex(dir_).Lookup(key);
  if (!digest.ok()) return digest.error();
  if (!digest->has_value() || !IsSha256Digest(**digest)) return std::optional<UnpackedImage>();
  return LoadEntry(dir_, **digest);
}

Result<UnpackedImage> ImageCache::Get(const ImageRef& ref) {
  Result<std::string> key = IndexKey(ref);
  if (!key.ok()) return key.error();
  Result<std::optional<UnpackedImage>> cached = FromIndex(*key);
  if (!cached.ok()) return cached.error();
  if (cached->has_value()) return std::move(**cached);
  Status prepared = Prepare();
  if (!prepared.ok()) return prepared.error();
  Result<UnpackedImage> image = ref.kind == RefKind::kName        ? ImportName(ref)
                                : ref.kind == RefKind::kOciLayout ? ImportLayout(ref)
                                                                  : ImportArchive(ref);
  if (!image.ok()) return image;
  Status stored = CacheIndex(dir_).Store({*key}, image->config_digest);
  if (!stored.ok()) return stored.error();
  return image;
}

Result<std::optional<UnpackedImage>> ImageCache::Find(const ImageRef& ref) {
  Result<std::string> key = IndexKey(ref);
  if (!key.ok()) return key.error();
  return FromIndex(*key);
}

Result<UnpackedImage> ImageCache::Pull(const ImageRef& ref) {
  if (ref.kind != RefKind::kName) return Get(ref);
  Status prepared = Prepare();
  if (!prepared.ok()) return prepared.error();
  Result<UnpackedImage> image = ImportName(ref);
  if (!image.ok()) return image;
  Status stored = CacheIndex(dir_).Store({"name:" + ref.name}, image->config_digest);
  if (!stored.ok()) return stored.error();
  return image;
}

Result<UnpackedImage> ImageCache::ImportLayout(const ImageRef& ref) {
  Result<ImageSource> source = ReadOciLayout(ref.path, ref.tag, ref.text);
  if (!source.ok()) return source.error();
  return Import(*source, ref.text);
}

Result<UnpackedImage> ImageCache::ImportArchive(const ImageRef& ref) {
  Result<std::string> scratch = ScratchDir();
  if (!scratch.ok()) return scratch.error();
  ScopedDir cleanup(*scratch);
  Status extracted = ExtractArchive(ref.path, *scratch, ref.text);
  if (!extracted.ok()) return extracted.error();
  Result<ImageSource> source = ref.kind == RefKind::kDockerArchive
                                   ? ReadDockerArchiveDir(*scratch, ref.text)
                                   : ReadOciLayout(*scratch, ref.tag, ref.text);
  if (!source.ok()) return source.error();
  return Import(*source, ref.text);
}

// Names: an engine's local store first (no network, the image the user built),
// then a registry through skopeo.
Result<UnpackedImage> ImageCache::ImportName(const ImageRef& ref) {
  for (const std::string& engine : fetch_.engines) {
    std::optional<std::string> id = EngineImageId(engine, ref.name, fetch_);
    if (id) return ImportFromEngine(engine, *id, ref);
  }
  return ImportFromRegistry(ref);
}

Result<UnpackedImage> ImageCache::ImportFromEngine(const std::string& engine, const std::string& id,
                                                   const ImageRef& ref) {
  std::string id_key = "engine:" + engine + ":" + id;
  Result<std::optional<UnpackedImage>> cached = FromIndex(id_key);
  if (!cached.ok()) return cached.error();
  if (cached->has_value()) return std::move(**cached);
  Result<std::string> scratch = ScratchDir();
  if (!scratch.ok()) return scratch.error();
  ScopedDir cleanup(*scratch);
  std::string archive = *scratch + "/image.tar";
  Status saved = EngineSave(engine, ref.name, archive, fetch_);
  if (!saved.ok()) return saved.error();
  std::string unpacked = *scratch + "/archive";
  fs::create_directory(unpacked);
  Status extracted = ExtractArchive(archive, unpacked, ref.text);
  if (!extracted.ok()) return extracted.error();
  Result<ImageSource> source = ReadDockerArchiveDir(unpacked, ref.text);
  if (!source.ok()) return source.error();
  Result<UnpackedImage> image = Import(*source, ref.text);
  if (!image.ok()) return image;
  Status stored = CacheIndex(dir_).Store({id_key}, image->config_digest);
  if (!stored.ok()) return stored.error();
  return image;
}

Result<UnpackedImage> ImageCache::ImportFromRegistry(const ImageRef& ref) {
  Result<std::string> scratch = ScratchDir();
  if (!scratch.ok()) return scratch.error();
  ScopedDir cleanup(*scratch);
  std::string layout = *scratch + "/layout";
  Status copied = SkopeoCopy(ref.name, layout, *scratch, fetch_);
  if (!copied.ok()) return copied.error();
  Result<ImageSource> source = ReadOciLayout(layout, "latest", ref.text);
  if (!source.ok()) return source.error();
  return Import(*source, ref.text);
}

// A fresh <dir>/tmp/import-N.partial-PID, after sweeping those of dead processes.
Result<std::string> ImageCache::ScratchDir() {
  std::string tmp = dir_ + "/tmp";
  RemoveDeadPartials(tmp);
  std::string path = tmp + "/import-" + std::to_string(scratch_counter++) + kPartialInfix +
                     std::to_string(getpid());
  (void)util::RemoveTree(path);
  if (mkdir(path.c_str(), 0700) != 0)
    return Fail(Error::kIo, "mkdir " + path + ": " + std::strerror(errno), path);
  return path;
}

void ImageCache::RemoveDeadPartials(const std::string& parent) {
  std::error_code ec;
  for (const fs::directory_entry& child : fs::directory_iterator(parent, ec)) {
    std::string name = child.path().filename().string();
    size_t infix = name.rfind(kPartialInfix);
    if (infix == std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::atoi(name.c_str() + infix + std::strlen(kPartialInfix)));
    if (pid != getpid() && !ProcessAlive(pid)) (void)util::RemoveTree(child.path().string());
  }
}

// Under the digest's lock: another thread or process may have finished the
// same image meanwhile, in which case its entry is used as it is.
Result<UnpackedImage> ImageCache::Import(const ImageSource& source, const std::string& what) {
  if (!IsSha256Digest(source.config_digest))
    return Fail(Error::kParse, what + ": bad config digest", source.config_digest);
  Result<FileLock> lock = FileLock::Acquire(
      dir_ + "/locks/" + EntryName(source.config_digest) + ".lock", FileLock::Mode::kExclusive);
  if (!lock.ok()) return lock.error();
  Result<std::optional<UnpackedImage>> existing = LoadEntry(dir_, source.config_digest);
  if (!existing.ok()) return existing.error();
  if (existing->has_value()) return std::move(**existing);
  return Unpack(source, what);
}

Result<UnpackedImage> ImageCache::Unpack(const ImageSource& source, const std::string& what) {
  Result<std::string> config = ReadSmallFile(source.config_path);
  if (!config.ok()) return config.error();
  Result<ImageConfig> parsed = ParseImageConfig(*config);
  if (!parsed.ok())
    return Fail(parsed.error().code, what + ": " + parsed.error().message, source.config_path);
  std::string final_path = dir_ + "/" + EntryName(source.config_digest);
  // Whatever is there has no valid marker: a crash's leftovers.
  RemoveDeadPartials(dir_);
  (void)util::RemoveTree(final_path);
  std::string partial = final_path + kPartialInfix + std::to_string(getpid());
  (void)util::RemoveTree(partial);
  ScopedDir cleanup(partial);
  if (mkdir(partial.c_str(), 0755) != 0 || mkdir((partial + "/rootfs").c_str(), 0755) != 0) {
    return Fail(Error::kIo, "mkdir " + partial + ": " + std::strerror(errno), partial);
  }
  char real[PATH_MAX];
  if (realpath((partial + "/rootfs").c_str(), real) == nullptr)
    return Fail(Error::kIo, "realpath " + partial, partial);
  UnpackStats stats;
  for (const LayerBlob& layer : source.layers) {
    Status unpacked = UnpackLayer(layer, real, &stats);
    if (!unpacked.ok()) return unpacked.error();
  }
  for (Status status : {WriteSynced(partial + "/config.json", *config), SyncFileSystem(partial)}) {
    if (!status.ok()) return status.error();
  }
  if (rename(partial.c_str(), final_path.c_str()) != 0) {
    return Fail(Error::kIo, "rename " + partial + ": " + std::strerror(errno), partial);
  }
  Status marked = WriteSynced(final_path + "/complete", source.config_digest + "\n");
  if (!marked.ok()) {
    (void)util::RemoveTree(final_path);
    return marked.error();
  }
  ++unpack_count_;
  // The same path LoadEntry gives, so every Get of one image names one root.
  return UnpackedImage{source.config_digest, final_path + "/rootfs", std::move(*parsed)};
}

}  // namespace qir::image

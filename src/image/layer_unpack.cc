// Safe tar unpacking (layer_unpack.h) with libarchive: it reads plain, gzip
// and zstd tars and writes files with their modes, owners and times. Every
// entry name is checked here before libarchive sees it, and libarchive's own
// ARCHIVE_EXTRACT_SECURE_SYMLINKS / SECURE_NODOTDOT guard the write as well.
// Whiteouts follow the OCI image spec, layer.md "Whiteouts": ".wh.NAME" hides
// NAME of lower layers, ".wh..wh..opq" hides all lower content of its directory;
// both apply to lower layers only, so this layer's own entries are kept.
#include "image/layer_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <set>
#include <vector>

#include "image/digest.h"

namespace qir::image {
namespace {

namespace fs = std::filesystem;

constexpr char kWhiteoutPrefix[] = ".wh.";
constexpr char kOpaqueMarker[] = ".wh..wh..opq";

struct ReaderFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriterFree {
  void operator()(archive* a) const { archive_write_free(a); }
};

// Feeds libarchive from a file descriptor and hashes every byte on the way,
// so a layer is read once for both unpacking and verification.
struct HashingSource {
  int fd = -1;
  Sha256 hash;
  std::vector<char> buffer = std::vector<char>(1 << 20);
  int read_errno = 0;

  ~HashingSource() {
    if (fd >= 0) close(fd);
  }
  static la_ssize_t Read(archive*, void* self, const void** out) {
    auto* source = static_cast<HashingSource*>(self);
    for (;;) {
      ssize_t n = read(source->fd, source->buffer.data(), source->buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        source->read_errno = errno;
        return -1;
      }
      source->hash.Update(source->buffer.data(), static_cast<size_t>(n));
      *out = source->buffer.data();
      return n;
    }
  }
  // Hashes what libarchive did not need (padding after the end-of-archive blocks).
  Status DrainRest() {
    for (;;) {
      ssize_t n = read(fd, buffer.data(), buffer.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Fail(Error::kIo, std::string("read: ") + std::strerror(errno));
      if (n == 0) return {};
      hash.Update(buffer.data(), static_cast<size_t>(n));
    }
  }
};

std::string Parent(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? std::string() : rel.substr(0, slash);
}

std::string Base(const std::string& rel) {
  size_t slash = rel.rfind('/');
  return slash == std::string::npos ? rel : rel.substr(slash + 1);
}

std::string Join(const std::string& root, const std::string& rel) {
  return rel.empty() ? root : root + "/" + rel;
}

int DiskFlags() {
  int flags = ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_UNLINK |
              ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT;
  // Owners need CAP_CHOWN; unprivileged (unit tests) everything belongs to the caller.
  if (geteuid() == 0) flags |= ARCHIVE_EXTRACT_OWNER;
  return flags;
}

// Writes the entries of one archive below a root; one instance per archive.
class Unpacker {
 public:
  Unpacker(std::string root, std::string what, bool whiteouts, UnpackStats* stats)
      : root_(std::move(root)), what_(std::move(what)), whiteouts_(whiteouts), stats_(stats) {}

  Status Run(const std::string& path, const std::string& expected_digest);

 private:
  Status Entry(archive* reader, archive_entry* entry);
  Status Write(archive* reader, archive_entry* entry, const std::string& rel);
  Status ClearConflict(const std::string& rel, bool new_is_dir);
  Status Whiteout(const std::string& rel);
  Status MakeOpaque(const std::string& dir_rel);
  Status RemoveLowerChildren(const std::string& dir_rel);
  ErrorInfo EntryError(const std::string& entry, const std::string& why) const {
    return Fail(Error::kParse, what_ + ": entry " + entry + ": " + why, entry);
  }

  std::string root_;
  std::string what_;
  bool whiteouts_;
  UnpackStats* stats_;
  std::unique_ptr<archive, WriterFree> disk_;
  std::set<std::string> written_;  // this layer's own paths, which its whiteouts must keep
};

Status Unpacker::Run(const std::string& path, const std::string& expected_digest) {
  auto source = std::make_unique<HashingSource>();
  source->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (source->fd < 0)
    return Fail(Error::kNotFound, what_ + ": cannot open " + path + ": " + std::strerror(errno),
                path);
  std::unique_ptr<archive, ReaderFree> reader(archive_read_new());
  archive_read_support_filter_all(reader.get());
  archive_read_support_format_tar(reader.get());
  archive_read_support_format_gnutar(reader.get());
  if (archive_read_open(reader.get(), source.get(), nullptr, &HashingSource::Read, nullptr) !=
      ARCHIVE_OK) {
    return Fail(Error::kParse, what_ + ": not a tar archive: " + archive_error_string(reader.get()),
                path);
  }
  disk_.reset(archive_write_disk_new());
  archive_write_disk_set_options(disk_.get(), DiskFlags());
  for (;;) {
    archive_entry* entry = nullptr;
    int rc = archive_read_next_header(reader.get(), &entry);
    if (rc == ARCHIVE_EOF) break;
    if (rc < ARCHIVE_WARN) {
      const char* why = archive_error_string(reader.get());
      return Fail(Error::kParse, what_ + ": unreadable or truncated: " + (why ? why : "read error"),
                  path);
    }
    Status status = Entry(reader.get(), entry);
    if (!status.ok()) return status;
  }
  // Directory modes and times are applied at close, after their contents.
  if (archive_write_close(disk_.get()) != ARCHIVE_OK) {
    return Fail(Error::kIo, what_ + ": finishing unpack: " + archive_error_string(disk_.get()),
                root_);
  }
  Status drained = source->DrainRest();
  if (!drained.ok()) return Fail(Error::kIo, what_ + ": " + drained.error().message, path);
  if (expected_digest.empty()) return {};
  std::string actual = source->hash.Finish();
  if (actual != expected_digest) {
    return Fail(Error::kParse,
                what_ + ": digest mismatch (blob altered or truncated): got " + ShortDigest(actual),
                path);
  }
  return {};
}

Status Unpacker::Entry(archive* reader, archive_entry* entry) {
  const char* raw_name = archive_entry_pathname(entry);
  std::string name = raw_name ? raw_name : "";
  Result<std::string> rel = CleanEntryPath(name);
  if (!rel.ok()) return EntryError(name, rel.error().message);
  if (rel->empty()) return {};  // the root directory itself: it exists already
  Status parents = CheckParentsInside(root_, *rel);
  if (!parents.ok()) return EntryError(name, parents.error().message);
  if (whiteouts_ && Base(*rel).compare(0, 4, kWhiteoutPrefix) == 0) return Whiteout(*rel);
  mode_t type = archive_entry_filetype(entry);
  if (type == AE_IFCHR || type == AE_IFBLK || type == AE_IFIFO || type == AE_IFSOCK) {
    ++stats_->skipped_special;
    return {};
  }
  return Write(reader, entry, *rel);
}

Status Unpacker::Write(archive* reader, archive_entry* entry, const std::string& rel) {
  const std::string name = archive_entry_pathname(entry);
  const char* hardlink = archive_entry_hardlink(entry);
  if (hardlink != nullptr) {
    Result<std::string> target = CleanEntryPath(hardlink);
    if (!target.ok() || target->empty())
      return EntryError(name, "hard link target " + std::string(hardlink) + " leaves the root");
    Status parents = CheckParentsInside(root_, *target);
    if (!parents.ok()) return EntryError(name, "hard link target: " + parents.error().message);
    archive_entry_set_hardlink(entry, Join(root_, *target).c_str());
  }
  Status cleared =
      ClearConflict(rel, archive_entry_filetype(entry) == AE_IFDIR && hardlink == nullptr);
  if (!cleared.ok()) return EntryError(name, cleared.error().message);
  archive_entry_set_pathname(entry, Join(root_, rel).c_str());
  if (archive_write_header(disk_.get(), entry) < ARCHIVE_WARN) {
    return EntryError(name, archive_error_string(disk_.get()));
  }
  if (archive_entry_size(entry) > 0 && hardlink == nullptr) {
    const void* block = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    for (;;) {
      int rc = archive_read_data_block(reader, &block, &size, &offset);
      if (rc == ARCHIVE_EOF) break;
      if (rc < ARCHIVE_WARN)
        return EntryError(name, std::string("truncated: ") + archive_error_string(reader));
      if (archive_write_data_block(disk_.get(), block, size, offset) < ARCHIVE_WARN) {
        return EntryError(name, archive_error_string(disk_.get()));
      }
    }
  }
  if (archive_write_finish_entry(disk_.get()) < ARCHIVE_WARN)
    return EntryError(name, archive_error_string(disk_.get()));
  written_.insert(rel);
  ++stats_->entries;
  return {};
}

// A later layer may put a file where a lower one had a directory, or the other
// way round; the old object goes first (libarchive only removes empty dirs).
Status Unpacker::ClearConflict(const std::string& rel, bool new_is_dir) {
  struct stat st;
  std::string path = Join(root_, rel);
  if (lstat(path.c_str(), &st) != 0) return {};
  bool old_is_dir = S_ISDIR(st.st_mode);
  if (old_is_dir == new_is_dir) return {};
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) return Fail(Error::kIo, "replacing " + rel + ": " + ec.message());
  return {};
}

Status Unpacker::Whiteout(const std::string& rel) {
  ++stats_->whiteouts;
  std::string base = Base(rel);
  if (base == kOpaqueMarker) return MakeOpaque(Parent(rel));
  std::string hidden = Parent(rel).empty() ? base.substr(4) : Parent(rel) + "/" + base.substr(4);
  if (base.size() <= 4 || written_.count(hidden)) return {};
  std::error_code ec;
  fs::remove_all(Join(root_, hidden), ec);  // does not follow symlinks; parents were checked
  if (ec) return EntryError(rel, "whiteout: " + ec.message());
  return {};
}

Status Unpacker::MakeOpaque(const std::string& dir_rel) {
  struct stat st;
  std::string dir = Join(root_, dir_rel);
  if (lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return {};
  return RemoveLowerChildren(dir_rel);
}

// Removes what lower layers put below `dir_rel`, descending only into
// directories this layer wrote itself (their lower content is hidden too).
Status Unpacker::RemoveLowerChildren(const std::string& dir_rel) {
  std::error_code ec;
  std::vector<fs::path> children;
  for (const fs::directory_entry& child : fs::directory_iterator(Join(root_, dir_rel), ec)) {
    children.push_back(child.path());
  }
  if (ec) return EntryError(dir_rel, "opaque directory: " + ec.message());
  for (const fs::path& child : children) {
    std::string rel =
        dir_rel.empty() ? child.filename().string() : dir_rel + "/" + child.filename().string();
    if (!written_.count(rel)) {
      fs::remove_all(child, ec);
      if (ec) return EntryError(rel, "opaque directory: " + ec.message());
    } else if (fs::is_directory(fs::symlink_status(child))) {
      Status status = RemoveLowerChildren(rel);
      if (!status.ok()) return status;
    }
  }
  return {};
}

}  // namespace

Result<std::string> CleanEntryPath(const std::string& name) {
  // "/" alone is the root directory itself (umoci writes it, like "./"); any
  // other absolute name would be aimed outside the layer's root.
  if (!name.empty() && name.find_first_not_of('/') == std::string::npos) return std::string();
  if (!name.empty() && name[0] == '/') return Fail(Error::kParse, "absolute path", name);
  std::string clean;
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string::npos) end = name.size();
    std::string part = name.substr(start, end - start);
    start = end + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return Fail(Error::kParse, "path contains ..", name);
    clean += clean.empty() ? part : "/" + part;
  }
  return clean;
}

Status CheckParentsInside(const std::string& root, const std::string& rel) {
  std::string path = root;
  size_t start = 0;
  for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', start)) {
    path += "/" + rel.substr(start, slash - start);
    start = slash + 1;
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) return {};  // missing: it will be created as a directory
    if (S_ISLNK(st.st_mode))
      return Fail(Error::kParse, "goes through the symlink " + rel.substr(0, slash), rel);
    if (!S_ISDIR(st.st_mode))
      return Fail(Error::kParse, rel.substr(0, slash) + " is not a directory", rel);
  }
  return {};
}

Status UnpackLayer(const LayerBlob& layer, const std::string& root, UnpackStats* stats) {
  return Unpacker(root, layer.name, /*whiteouts=*/true, stats).Run(layer.path, layer.digest);
}

Status ExtractArchive(const std::string& archive_path, const std::string& dest,
                      const std::string& what) {
  UnpackStats stats;
  return Unpacker(dest, what, /*whiteouts=*/false, &stats).Run(archive_path, "");
}

}  // namespace qir::image

// Finding a cell's log files on disk (log_links.h).
#include "report/log_links.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

namespace qir::report {
namespace {

namespace fs = std::filesystem;

/// Files a reader of a cell wants: the runner's and endpoints' logs, captures, key logs, qlogs.
bool Linkable(const fs::path& path) {
  const std::string ext = path.extension().string();
  return path.filename() == "output.txt" || ext == ".pcap" || ext == ".pcapng" || ext == ".log" ||
         ext == ".qlog" || ext == ".sqlog";
}

bool Skipped(const fs::path& dir) {
  const std::string name = dir.filename().string();
  return name == "server_www" || name == "client_downloads";
}

bool IsDir(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

}  // namespace

std::string FindLogRoot(const std::string& result_path, const results::RunResults& run) {
  const fs::path beside = fs::path(result_path).parent_path();
  if (!run.log_dir.empty()) {
    const fs::path dir(run.log_dir);
    if (dir.is_absolute() && IsDir(dir)) return dir.string();
    if (dir.is_relative() && IsDir(beside / dir)) return (beside / dir).string();
  }
  // A copied or moved log folder: its result.json sits beside the cells' folders.
  for (const results::CellResult& cell : run.cells) {
    if (cell.log_dir.empty()) continue;
    return IsDir(beside / cell.log_dir) ? (beside.empty() ? fs::path(".") : beside).string() : "";
  }
  return "";
}

std::vector<LogLink> CellLogLinks(const std::string& log_root, const results::CellResult& cell,
                                  const std::string& report_dir) {
  std::vector<LogLink> links;
  if (log_root.empty() || cell.log_dir.empty()) return links;
  const fs::path dir = fs::path(log_root) / cell.log_dir;
  if (!IsDir(dir)) return links;
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && Skipped(it->path())) {
      it.disable_recursion_pending();
    } else if (it->is_regular_file(ec) && Linkable(it->path())) {
      files.push_back(fs::relative(it->path(), dir, ec));
    }
  }
  std::sort(files.begin(), files.end(), [](const fs::path& a, const fs::path& b) {
    const bool a_first = a == "output.txt", b_first = b == "output.txt";
    return a_first != b_first ? a_first : a < b;
  });
  if (files.size() > kMaxLinksPerCell) files.resize(kMaxLinksPerCell);
  const fs::path from = fs::weakly_canonical(fs::absolute(report_dir), ec);
  for (const fs::path& file : files) {
    const fs::path target = fs::weakly_canonical(fs::absolute(dir / file), ec);
    links.push_back({.label = file.generic_string(),
                     .href = UrlEncodePath(fs::relative(target, from, ec).generic_string())});
  }
  return links;
}

std::string UrlEncodePath(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    }
  }
  return out;
}

}  // namespace qir::report

// Reads and validates implementations files (implementations.h). Strict on
// purpose: a typo in a key is an error, not a silently ignored field.
#include "runner/implementations.h"

#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "util/temp_file.h"

namespace qir::runner {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

Result<Role> ParseRole(const std::string& text) {
  if (text == "both") return Role::kBoth;
  if (text == "server") return Role::kServer;
  if (text == "client") return Role::kClient;
  return Fail(Error::kInvalidArgument, "role must be both, server or client", text);
}

Result<std::string> OptionalString(const json& entry, const char* key, const std::string& where) {
  if (!entry.contains(key)) return std::string();
  if (!entry[key].is_string()) return Fail(Error::kInvalidArgument, std::string(key) + " must be a string", where);
  return entry[key].get<std::string>();
}

/// Archive and layout paths in a file are relative to the file, like "dir".
std::string ResolveImagePath(const std::string& ref, const fs::path& base) {
  for (const char* prefix : {"docker-archive:", "oci-archive:", "oci:"}) {
    const size_t n = std::char_traits<char>::length(prefix);
    if (ref.compare(0, n, prefix) == 0 && ref.size() > n && ref[n] != '/') {
      return prefix + (base / ref.substr(n)).lexically_normal().string();
    }
  }
  return ref;
}

Result<Implementation> ParseEntry(const std::string& name, const json& entry, const fs::path& base,
                                  const std::string& file) {
  const std::string where = file + ": " + name;
  if (!entry.is_object()) return Fail(Error::kInvalidArgument, "entry must be an object", where);
  static const std::set<std::string> kKeys = {"role", "url", "dir", "build", "run", "image"};
  for (const auto& item : entry.items()) {
    if (!kKeys.count(item.key())) return Fail(Error::kInvalidArgument, "unknown key '" + item.key() + "'", where);
  }
  Implementation impl;
  impl.name = name;
  Result<std::string> role = OptionalString(entry, "role", where);
  if (!role.ok()) return role.error();
  if (role->empty()) return Fail(Error::kInvalidArgument, "missing key 'role'", where);
  Result<Role> parsed = ParseRole(*role);
  if (!parsed.ok()) return Fail(Error::kInvalidArgument, parsed.error().message, where + ".role=" + *role);
  impl.role = *parsed;
  Result<std::string> url = OptionalString(entry, "url", where);
  Result<std::string> dir = OptionalString(entry, "dir", where);
  Result<std::string> build = OptionalString(entry, "build", where);
  Result<std::string> run = OptionalString(entry, "run", where);
  Result<std::string> image = OptionalString(entry, "image", where);
  for (const auto* r : {&url, &dir, &build, &run, &image}) {
    if (!r->ok()) return r->error();
  }
  impl.url = *url;
  if (image->empty() == dir->empty()) {
    return Fail(Error::kInvalidArgument, "needs exactly one of 'image' (an interop image) or 'dir' (a native endpoint)",
                where);
  }
  if (!image->empty()) {
    if (!build->empty() || !run->empty()) {
      return Fail(Error::kInvalidArgument, "'build' and 'run' belong to native entries; an image says how it runs", where);
    }
    impl.image = ResolveImagePath(*image, base);
    return impl;
  }
  impl.dir = (base / *dir).lexically_normal().string();
  impl.build = build->empty() ? "" : (fs::path(impl.dir) / *build).string();
  impl.run = run->empty() ? "run_endpoint.sh" : *run;
  if (!fs::is_directory(impl.dir)) return Fail(Error::kNotFound, "folder does not exist: " + impl.dir, where);
  return impl;
}

}  // namespace

Result<std::vector<Implementation>> LoadImplementations(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Fail(Error::kNotFound, "cannot open implementations file", path);
  json doc = json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Fail(Error::kParse, "implementations file is not valid JSON", path);
  if (!doc.is_object()) return Fail(Error::kInvalidArgument, "implementations file must be a JSON object", path);
  fs::path base = fs::absolute(path).parent_path();
  std::vector<Implementation> out;
  for (const auto& item : doc.items()) {
    if (item.key().empty() || item.key().find_first_of("/_ \t") != std::string::npos) {
      return Fail(Error::kInvalidArgument, "implementation names may not be empty or contain '/', '_' or spaces",
                  path + ": " + item.key());
    }
    Result<Implementation> impl = ParseEntry(item.key(), item.value(), base, path);
    if (!impl.ok()) return impl.error();
    out.push_back(std::move(*impl));
  }
  if (out.empty()) return Fail(Error::kInvalidArgument, "implementations file lists no implementation", path);
  return out;
}

void MergeImplementations(std::vector<Implementation>* into, std::vector<Implementation> more) {
  for (Implementation& impl : more) {
    bool replaced = false;
    for (Implementation& existing : *into) {
      if (existing.name == impl.name) {
        existing = impl;
        replaced = true;
      }
    }
    if (!replaced) into->push_back(std::move(impl));
  }
}

Status ApplyReplacements(std::vector<Implementation>* all, const std::string& replacements) {
  size_t start = 0;
  while (start < replacements.size()) {
    size_t comma = replacements.find(',', start);
    const std::string pair = replacements.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    start = comma == std::string::npos ? replacements.size() : comma + 1;
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      return Fail(Error::kInvalidArgument, "-r wants name=image[,name=image]", pair);
    }
    const std::string name = pair.substr(0, eq);
    Implementation* impl = nullptr;
    for (Implementation& i : *all) {
      if (i.name == name) impl = &i;
    }
    if (impl == nullptr) return Fail(Error::kNotFound, "-r names an unknown implementation", name);
    impl->image = ResolveImagePath(pair.substr(eq + 1), fs::current_path());
    impl->dir.clear();
    impl->build.clear();
    impl->run.clear();
    impl->launch.reset();
  }
  return {};
}

void ReadBuiltVersions(std::vector<Implementation>* all) {
  constexpr size_t kMaxLength = 200;  // one line for a table cell, not a file dump
  for (Implementation& impl : *all) {
    if (impl.IsImage() || impl.dir.empty()) continue;
    std::optional<std::string> text = util::ReadFileText((fs::path(impl.dir) / "bin" / "VERSION").string());
    if (!text) continue;
    std::string line = text->substr(0, std::min(text->find('\n'), kMaxLength));
    while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t')) line.pop_back();
    impl.version = line;
  }
}

const Implementation* FindImplementation(const std::vector<Implementation>& all, const std::string& name) {
  for (const Implementation& impl : all) {
    if (impl.name == name) return &impl;
  }
  return nullptr;
}

}  // namespace qir::runner

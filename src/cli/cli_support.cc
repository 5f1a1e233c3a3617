// Shared CLI helpers (cli_support.h).
#include "cli/cli_support.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>

namespace qir::cli {

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!item.empty()) out.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string SelfPath() {
  std::error_code ec;
  std::filesystem::path p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("qir") : p.string();
}

std::string DefaultImplementationsFile() {
  if (const char* env = std::getenv("QIR_IMPLEMENTATIONS"); env != nullptr && *env != '\0') return env;
  std::filesystem::path beside = std::filesystem::path(SelfPath()).parent_path().parent_path() /
                                 "implementations" / "implementations.json";
  if (std::filesystem::exists(beside)) return beside.string();
  return std::string(QIR_SOURCE_DIR) + "/implementations/implementations.json";
}

Result<std::vector<runner::Implementation>> LoadAllImplementations(const std::vector<std::string>& extra_files) {
  Result<std::vector<runner::Implementation>> all = runner::LoadImplementations(DefaultImplementationsFile());
  if (!all.ok()) return all.error();
  for (const std::string& file : extra_files) {
    Result<std::vector<runner::Implementation>> more = runner::LoadImplementations(file);
    if (!more.ok()) return more.error();
    runner::MergeImplementations(&*all, std::move(*more));
  }
  return all;
}

bool ParseArgs(CLI::App& app, int argc, char** argv, int* exit_code) {
  try {
    app.parse(argc, argv);
    return true;
  } catch (const CLI::ParseError& e) {
    *exit_code = app.exit(e) == 0 ? 0 : 2;
    return false;
  }
}

int UsageError(const std::string& command, const std::string& message) {
  std::fprintf(stderr, "qir %s: %s\n", command.c_str(), message.c_str());
  return 2;
}

}  // namespace qir::cli

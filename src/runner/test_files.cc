// Random test files (test_files.h).
#include "runner/test_files.h"

#include <fstream>
#include <set>

namespace qir::runner {
namespace {

std::string RandomLetters(std::mt19937_64& rng, size_t n) {
  std::string s;
  for (size_t i = 0; i < n; ++i) s += static_cast<char>('a' + rng() % 26);
  return s;
}

Status WriteRandomFile(const std::string& path, uint64_t size, std::mt19937_64& rng) {
  std::ofstream out(path, std::ios::binary);
  std::vector<uint64_t> block(8192);
  uint64_t left = size;
  while (left > 0 && out) {
    for (uint64_t& word : block) word = rng();
    uint64_t n = std::min<uint64_t>(left, block.size() * sizeof(uint64_t));
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
    left -= n;
  }
  if (!out) return Fail(Error::kIo, "cannot write test file", path);
  return {};
}

}  // namespace

std::string RandomSlug(std::mt19937_64& rng) {
  static constexpr char kConsonants[] = "bdfgklmnprstvz";
  static constexpr char kVowels[] = "aeiou";
  std::string slug;
  for (int word = 0; word < 2; ++word) {
    if (word > 0) slug += '-';
    for (int syllable = 0; syllable < 3; ++syllable) {
      slug += kConsonants[rng() % (sizeof(kConsonants) - 1)];
      slug += kVowels[rng() % (sizeof(kVowels) - 1)];
    }
  }
  return slug;
}

Result<std::vector<std::string>> GenerateFiles(const std::string& dir, const testcases::FileSet& files,
                                               std::mt19937_64& rng) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (uint64_t size : files.sizes) {
    std::string name;
    do {
      name = files.name_length == 0 ? RandomSlug(rng) : RandomLetters(rng, files.name_length);
    } while (!used.insert(name).second);
    if (Status s = WriteRandomFile(dir + "/" + name, size, rng); !s.ok()) return s.error();
    names.push_back(name);
  }
  return names;
}

}  // namespace qir::runner

// Tests for LoadResultFile and writing reports through util::WriteFileAtomically: a good file, and each kind of bad input giving one
// line that names the file.
#include "report/result_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "report/reference_json.h"
#include "report/report_test_util.h"
#include "util/temp_file.h"

namespace qir::report {
namespace {

namespace fs = std::filesystem;

std::string Scratch(const std::string& name) {
  return (fs::temp_directory_path() /
          ("qir_result_file_test_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

std::string Write(const std::string& name, const std::string& text) {
  const std::string path = Scratch(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

TEST(ResultFileTest, WrittenFileLoadsBack) {
  const std::string path = Scratch("good.json");
  ASSERT_TRUE(util::WriteFileAtomically(path, ToReferenceJson(SampleRun()).dump(2)).ok());
  EXPECT_FALSE(fs::exists(path + ".tmp"));
  Result<results::RunResults> run = LoadResultFile(path);
  ASSERT_TRUE(run.ok()) << run.error().Text();
  EXPECT_EQ(run->cells.size(), 8u);
  fs::remove(path);
}

TEST(ResultFileTest, BadInputIsOneLineNamingTheFile) {
  const std::string full = ToReferenceJson(SampleRun()).dump(2);
  nlohmann::json newer = nlohmann::json::parse(full);
  newer["qir"]["format"] = 99;
  struct Row {
    const char* name;
    std::string path;
    std::string want;  // start of the message after the path
  };
  const Row rows[] = {
      {"missing", Scratch("missing.json"), "cannot read "},
      {"folder", fs::temp_directory_path().string(), "cannot read "},
      {"not json", Write("text.json", "hello\n"), " is not JSON: parse error at line 1"},
      {"empty", Write("empty.json", ""), " is not JSON: "},
      {"truncated", Write("cut.json", full.substr(0, full.size() / 2)), " is not JSON: "},
      {"other json", Write("other.json", "{\"name\": \"x\"}"),
       " is not a result.json: missing key \"start_time\""},
      {"newer format", Write("newer.json", newer.dump()),
       " is not a result.json: written by a newer qir (format 99)"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    Result<results::RunResults> run = LoadResultFile(row.path);
    ASSERT_FALSE(run.ok());
    const std::string text = run.error().Text();
    EXPECT_NE(text.find(row.path), std::string::npos) << text;
    EXPECT_NE(text.find(row.want), std::string::npos) << text;
    EXPECT_EQ(text.find('\n'), std::string::npos) << text;
    if (row.path != fs::temp_directory_path().string()) fs::remove(row.path);
  }
}

TEST(ResultFileTest, UnwritablePathIsAnError) {
  Status s = util::WriteFileAtomically("/nonexistent-dir/x.xml", "x");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, Error::kIo);
  EXPECT_NE(s.error().Text().find("/nonexistent-dir/x.xml"), std::string::npos);
}

}  // namespace
}  // namespace qir::report

// plan.json round trip and its refusals (a missing file, not JSON, a missing key, a newer format).
#include "plan/plan_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace qir::plan {
namespace {

PlanFile Sample() {
  PlanFile p;
  p.fingerprint = "0123456789abcdef";
  p.qir_version = "0.1.0";
  p.spec = {.servers = {"quic-go", "ngtcp2"}, .clients = {"quinn"}, .tests = {"handshake", "retry"},
            .must_include = "quinn", .measurements = {"goodput"}};
  p.seed = 18446744073709551615ull;
  p.shard = {2, 3};
  p.scenario = "simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25";
  p.check_compliance = false;
  p.save_files = true;
  p.no_auto_unsupported = {"quinn"};
  p.implementation_files = {"/x/impls.json"};
  p.replace = "quic-go=oci:/img";
  return p;
}

class PlanFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/plan_file_test_" + testing::UnitTest::GetInstance()->current_test_info()->name();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void Write(const std::string& text) { std::ofstream(dir_ + "/plan.json") << text; }
  std::string dir_;
};

TEST_F(PlanFileTest, RoundTrips) {
  ASSERT_TRUE(WritePlanFile(dir_, Sample()).ok());
  Result<PlanFile> back = LoadPlanFile(dir_);
  ASSERT_TRUE(back.ok()) << back.error().Text();
  EXPECT_EQ(ToJson(*back), ToJson(Sample()));
  EXPECT_EQ(back->seed, Sample().seed);
  EXPECT_EQ(back->shard, (Shard{2, 3}));
  EXPECT_EQ(back->spec.measurements, std::vector<std::string>{"goodput"});
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/plan.json.tmp"));
}

TEST_F(PlanFileTest, MissingFileNamesTheFolder) {
  Result<PlanFile> p = LoadPlanFile(dir_);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, Error::kNotFound);
  EXPECT_NE(p.error().message.find(dir_ + " has no plan.json"), std::string::npos);
}

TEST_F(PlanFileTest, RejectsBadFiles) {
  nlohmann::json newer = ToJson(Sample());
  newer["format"] = kPlanFileFormat + 1;
  nlohmann::json no_seed = ToJson(Sample());
  no_seed.erase("seed");
  nlohmann::json bad_type = ToJson(Sample());
  bad_type["servers"] = "quic-go";
  nlohmann::json bad_shard = ToJson(Sample());
  bad_shard["shard"] = "4/3";
  for (const std::string& text : {std::string("{\"format\": 1, "), newer.dump(), no_seed.dump(), bad_type.dump(),
                                  bad_shard.dump(), std::string("[]")}) {
    Write(text);
    Result<PlanFile> p = LoadPlanFile(dir_);
    ASSERT_FALSE(p.ok()) << text;
    EXPECT_EQ(p.error().code, Error::kParse);
    EXPECT_EQ(p.error().Text().find('\n'), std::string::npos);
  }
}

}  // namespace
}  // namespace qir::plan

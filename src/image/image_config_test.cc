// Tests for image_config.h.
#include "image/image_config.h"

#include <gtest/gtest.h>

namespace qir::image {
namespace {

TEST(ParseImageConfig, ReadsRunFields) {
  Result<ImageConfig> config = ParseImageConfig(R"({"config":{"Entrypoint":["./run_endpoint.sh"],
      "Cmd":["a"],"Env":["RUST_LOG=debug"],"WorkingDir":"/quic-go","User":"1000"}})");
  ASSERT_TRUE(config.ok()) << config.error().Text();
  EXPECT_EQ(config->entrypoint, std::vector<std::string>{"./run_endpoint.sh"});
  EXPECT_EQ(config->cmd, std::vector<std::string>{"a"});
  EXPECT_EQ(config->env, std::vector<std::string>{"RUST_LOG=debug"});
  EXPECT_EQ(config->working_dir, "/quic-go");
  EXPECT_EQ(config->user, "1000");
}

TEST(ParseImageConfig, MissingAndNullFieldsAreEmpty) {
  Result<ImageConfig> config = ParseImageConfig(R"({"config":{"Cmd":null}})");
  ASSERT_TRUE(config.ok());
  EXPECT_TRUE(config->cmd.empty());
  EXPECT_TRUE(ParseImageConfig("{}").ok());
}

TEST(ParseImageConfig, Errors) {
  struct Row {
    const char* json;
    const char* message;
  };
  const Row rows[] = {
      {"not json", "not JSON"},
      {"[1]", "not a JSON object"},
      {R"({"config":"x"})", "config must be an object"},
      {R"({"config":{"Cmd":"run"}})", "Cmd must be a list"},
      {R"({"config":{"Env":[1]}})", "Env must be a list"},
      {R"({"config":{"WorkingDir":3}})", "WorkingDir must be a string"},
  };
  for (const Row& row : rows) {
    Result<ImageConfig> config = ParseImageConfig(row.json);
    ASSERT_FALSE(config.ok()) << row.json;
    EXPECT_NE(config.error().message.find(row.message), std::string::npos)
        << config.error().message;
  }
}

TEST(CheckRunnable, NeedsEntrypointOrCmd) {
  EXPECT_TRUE(CheckRunnable(ImageConfig{.entrypoint = {"/run_endpoint.sh"}}, "x").ok());
  EXPECT_TRUE(CheckRunnable(ImageConfig{.cmd = {"/bin/sh"}}, "x").ok());
  Status status = CheckRunnable(ImageConfig{}, "docker-archive:/x.tar");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("docker-archive:/x.tar has neither Entrypoint nor Cmd"),
            std::string::npos);
}

}  // namespace
}  // namespace qir::image

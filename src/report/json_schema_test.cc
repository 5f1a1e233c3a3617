// qir's result.json against the published schema (docs/result.schema.json), and the small
// validator itself: each keyword where it must fail as well as where it passes.
#include "report/json_schema.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "report/reference_json.h"
#include "report/report_test_util.h"

namespace qir::report {
namespace {

using nlohmann::json;

json LoadSchema() {
  std::ifstream in(std::string(QIR_FIXTURES_DIR) + "/../../docs/result.schema.json");
  EXPECT_TRUE(in.good()) << "docs/result.schema.json missing";
  return json::parse(in, nullptr, /*allow_exceptions=*/false);
}

/// A run that uses every field qir writes: all outcomes, an auto-unsupported cell, a
/// measurement, a non-compliant endpoint.
results::RunResults FullRun() {
  results::RunResults run = WithGoodput(SampleRunWithAutoUnsupported());
  run.noncompliant["picoquic (server)"] = "exit 0 for TESTCASE=x";
  run.versions["quic-go"] = "quic-go 0.50.1 (Debian 0.50.1-2), go1.23.5";
  run.plan = results::PlanRecord{.fingerprint = "0123456789abcdef", .qir_version = "0.1.0",
                                 .no_auto_unsupported = {"quic-go"}, .planned_cells = 16,
                                 .shard = {2, 3}, .shard_cells = {{"quic-go", "quic-go", "handshake"}},
                                 .missing_shards = {1}, .missing_cells = 3};
  return run;
}

TEST(ResultSchemaTest, QirOutputIsValid) {
  const json schema = LoadSchema();
  ASSERT_TRUE(schema.is_object());
  for (const results::RunResults& run : {results::RunResults{}, SampleRun(), FullRun()}) {
    const std::vector<std::string> errors = ValidateJsonSchema(schema, ToReferenceJson(run));
    EXPECT_TRUE(errors.empty()) << errors.front();
  }
}

TEST(ResultSchemaTest, WrongDocumentsAreRejected) {
  const json schema = LoadSchema();
  const json good = ToReferenceJson(FullRun());
  struct Row {
    const char* name;
    const char* pointer;
    json value;
    const char* want;  // start of the first error
  };
  const Row rows[] = {
      {"outcome unknown", "/results/0/0/outcome", "great", "/results/0/0/outcome: \"great\""},
      {"result wrong type", "/results/0/1/result", 3, "/results/0/1/result: 3 is not one of"},
      {"duration negative", "/results/0/0/duration_s", -1, "/results/0/0/duration_s: -1 is below"},
      {"extra cell key", "/results/0/0/colour", "red", "/results/0/0/colour: key is not allowed"},
      {"extra top-level key", "/extra", 1, "/extra: key is not allowed"},
      {"desc missing type", "/tests/H/desc", json::array(), "/tests/H/desc: [] is not of type"},
      {"format newer", "/qir/format", 2, "/qir/format: 2 is not one of [1]"},
      {"seed negative", "/qir/seed", -5, "/qir/seed: -5 is below the minimum 0"},
      {"measurement details", "/measurements/1/0/details", 5, "/measurements/1/0/details: 5"},
      {"auto false", "/results/0/3/auto_unsupported", false, "/results/0/3/auto_unsupported"},
      {"version", "/quic_version", "0x2", "/quic_version: \"0x2\" is not one of"},
      {"stack version", "/qir/versions/quic-go", 1, "/qir/versions/quic-go: 1 is not of type"},
  };
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    json doc = good;
    doc[json::json_pointer(row.pointer)] = row.value;
    const std::vector<std::string> errors = ValidateJsonSchema(schema, doc);
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors[0].rfind(row.want, 0), 0u) << errors[0];
  }
  json missing = good;
  missing.erase("servers");
  const std::vector<std::string> errors = ValidateJsonSchema(schema, missing);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "/: missing required key \"servers\"");
}

TEST(JsonSchemaTest, KeywordsPassAndFail) {
  const json schema = json::parse(R"({
    "type": "object", "required": ["a"], "additionalProperties": {"type": "integer"},
    "properties": {"a": {"$ref": "#/$defs/small"}, "b": {"type": ["string", "null"]}},
    "$defs": {"small": {"type": "number", "minimum": 1, "enum": [1, 2]}}})");
  EXPECT_TRUE(ValidateJsonSchema(schema, json::parse(R"({"a": 2, "b": null, "c": 7})")).empty());
  EXPECT_EQ(ValidateJsonSchema(schema, json::parse(R"({"a": 0, "c": "x"})")),
            (std::vector<std::string>{"/a: 0 is not one of [1,2]", "/a: 0 is below the minimum 1",
                                      "/c: \"x\" is not of type \"integer\""}));
  EXPECT_EQ(ValidateJsonSchema(schema, json::array()),
            (std::vector<std::string>{"/: [] is not of type \"object\""}));
}

TEST(JsonSchemaTest, UnsupportedKeywordsAndBrokenSchemasAreReported) {
  EXPECT_EQ(ValidateJsonSchema(json::parse(R"({"pattern": "^a"})"), "b"),
            (std::vector<std::string>{
                "/: schema keyword \"pattern\" is not supported by this validator"}));
  EXPECT_EQ(ValidateJsonSchema(json::parse(R"({"$ref": "#/$defs/none"})"), 1),
            (std::vector<std::string>{"/: unresolved $ref #/$defs/none"}));
  EXPECT_FALSE(ValidateJsonSchema(json::parse(R"({"minimum": "x"})"), 1).empty());
}

}  // namespace
}  // namespace qir::report

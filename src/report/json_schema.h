// A validator for the subset of JSON Schema (draft 2020-12) that docs/result.schema.json uses:
// type, enum, minimum, required, properties, additionalProperties, items, $ref to "#/$defs/...";
// annotations (title, description, $schema, $id, $defs) are skipped. Any other keyword is
// reported as unsupported rather than ignored, so the schema cannot say more than is checked.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace qir::report {

/// The violations of `doc` against `schema`, each "JSON-pointer: what is wrong", in document
/// order; empty when it is valid.
std::vector<std::string> ValidateJsonSchema(const nlohmann::json& schema,
                                            const nlohmann::json& doc);

}  // namespace qir::report

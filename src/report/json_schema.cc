// JSON Schema subset validator (json_schema.h).
#include "report/json_schema.h"

#include <set>

namespace qir::report {
namespace {

using nlohmann::json;

const std::set<std::string>& Annotations() {
  static const std::set<std::string> kSkipped = {"title", "description", "$schema", "$id", "$defs"};
  return kSkipped;
}

bool HasType(const json& value, const std::string& type) {
  if (type == "null") return value.is_null();
  if (type == "boolean") return value.is_boolean();
  if (type == "integer") return value.is_number_integer();
  if (type == "number") return value.is_number();
  if (type == "string") return value.is_string();
  if (type == "array") return value.is_array();
  if (type == "object") return value.is_object();
  return false;
}

std::string Child(const std::string& path, const std::string& key) {
  std::string out = path + "/";
  for (char c : key) out += c == '~' ? "~0" : c == '/' ? "~1" : std::string(1, c);
  return out;
}

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void Check(const json& schema, const json& value, const std::string& path) {
    if (!schema.is_object()) return Error(path, "schema is not an object");
    for (const auto& [keyword, arg] : schema.items()) {
      if (Annotations().count(keyword) == 0) Apply(keyword, arg, schema, value, path);
    }
  }

  std::vector<std::string> errors;

 private:
  void Error(const std::string& path, const std::string& what) {
    errors.push_back((path.empty() ? "/" : path) + ": " + what);
  }

  void Apply(const std::string& keyword, const json& arg, const json& schema, const json& value,
             const std::string& path) {
    if (keyword == "type") return CheckType(arg, value, path);
    if (keyword == "enum") return CheckEnum(arg, value, path);
    if (keyword == "minimum") {
      if (value.is_number() && value.get<double>() < arg.get<double>()) {
        Error(path, value.dump() + " is below the minimum " + arg.dump());
      }
      return;
    }
    if (keyword == "required") return CheckRequired(arg, value, path);
    if (keyword == "properties" || keyword == "additionalProperties") {
      if (keyword == "properties" || !schema.contains("properties")) {
        CheckProperties(schema, value, path);
      }
      return;
    }
    if (keyword == "items") {
      if (!value.is_array()) return;
      for (size_t i = 0; i < value.size(); ++i)
        Check(arg, value[i], path + "/" + std::to_string(i));
      return;
    }
    if (keyword == "$ref") return CheckRef(arg, value, path);
    Error(path, "schema keyword \"" + keyword + "\" is not supported by this validator");
  }

  void CheckType(const json& arg, const json& value, const std::string& path) {
    const std::vector<std::string> types =
        arg.is_array() ? arg.get<std::vector<std::string>>() : std::vector{arg.get<std::string>()};
    for (const std::string& type : types) {
      if (HasType(value, type)) return;
    }
    Error(path, value.dump() + " is not of type " + arg.dump());
  }

  void CheckEnum(const json& arg, const json& value, const std::string& path) {
    for (const json& allowed : arg) {
      if (allowed == value) return;
    }
    Error(path, value.dump() + " is not one of " + arg.dump());
  }

  void CheckRequired(const json& arg, const json& value, const std::string& path) {
    if (!value.is_object()) return;
    for (const json& key : arg) {
      if (!value.contains(key.get<std::string>())) {
        Error(path, "missing required key " + key.dump());
      }
    }
  }

  /// properties and additionalProperties together, once per object.
  void CheckProperties(const json& schema, const json& value, const std::string& path) {
    if (!value.is_object()) return;
    const json* properties = schema.contains("properties") ? &schema["properties"] : nullptr;
    const json* additional =
        schema.contains("additionalProperties") ? &schema["additionalProperties"] : nullptr;
    for (const auto& [key, member] : value.items()) {
      const std::string child = Child(path, key);
      if (properties != nullptr && properties->contains(key)) {
        Check((*properties)[key], member, child);
      } else if (additional != nullptr && additional->is_boolean()) {
        if (!additional->get<bool>()) Error(child, "key is not allowed here");
      } else if (additional != nullptr) {
        Check(*additional, member, child);
      }
    }
  }

  void CheckRef(const json& arg, const json& value, const std::string& path) {
    const std::string ref = arg.get<std::string>();
    if (ref.rfind("#/", 0) != 0) return Error(path, "unsupported $ref " + ref);
    const json::json_pointer pointer(ref.substr(1));
    if (!root_.contains(pointer)) return Error(path, "unresolved $ref " + ref);
    Check(root_[pointer], value, path);
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> ValidateJsonSchema(const json& schema, const json& doc) {
  Validator validator(schema);
  try {
    validator.Check(schema, doc, "");
  } catch (const json::exception& e) {
    // A keyword with an argument of the wrong type: the schema is broken, not the document.
    validator.errors.push_back(std::string("/: malformed schema: ") + e.what());
  }
  return validator.errors;
}

}  // namespace qir::report

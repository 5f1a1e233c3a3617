// Writes and reads the reference's result.json layout (interop-runner-facts.md §3 "JSON (-j) /
// result.json for the website"): results[i * len(servers) + j] holds client i × server j.
// qir's extra keys ride along unnoticed by the reference's website and aggregate.py.
#include "report/reference_json.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace qir::report {
namespace {

using nlohmann::json;
using results::CellResult;
using results::Outcome;
using results::RunResults;
using results::TestInfo;

constexpr const char* kQuicVersion = "0x1";  // RFC 9000 §15; the reference's "quic_version"

using ojson = nlohmann::ordered_json;
using results::MeasurementResult;

constexpr const char* kAutoUnsupportedPrefix = "auto-unsupported: ";  // runner/auto_unsupported.cc

ojson CellJson(const TestInfo& test, const CellResult& cell) {
  ojson out = ojson::object();
  out["abbr"] = test.abbr;
  out["name"] = test.name;
  out["result"] = results::ReferenceStatus(cell.outcome);
  out["reason"] = cell.reason;
  out["outcome"] = results::OutcomeName(cell.outcome);
  out["duration_s"] = cell.duration_s;
  out["log_dir"] = cell.log_dir;
  if (cell.original_outcome) {
    out["auto_unsupported"] = true;
    out["original_outcome"] = results::OutcomeName(*cell.original_outcome);
  }
  if (cell.attempts > 1) {
    out["attempts"] = cell.attempts;
    out["earlier_attempts"] = cell.earlier_attempts;
    out["flaky"] = cell.Flaky();
  }
  return out;
}

/// The results list of one (client, server) pair, in test order.
ojson PairJson(const RunResults& run, const std::string& server, const std::string& client) {
  ojson list = ojson::array();
  for (const TestInfo& test : run.tests) {
    const CellResult* cell = run.Find(server, client, test.name);
    if (cell != nullptr) list.push_back(CellJson(test, *cell));
  }
  return list;
}

/// qir's figures of each repetition: outcome, reason, goodput, CPU seconds per MiB, log folder.
ojson RepetitionsJson(const MeasurementResult& m) {
  ojson reps = ojson::array();
  for (const results::MeasurementRepetition& rep : m.repetitions) {
    ojson r = {{"outcome", results::OutcomeName(rep.outcome)}};
    if (!rep.reason.empty()) r["reason"] = rep.reason;
    if (rep.outcome == Outcome::kSucceeded) {
      r["goodput_kbps"] = rep.goodput_kbps;
      r["server_cpu_s_per_mib"] = rep.server_cpu_s_per_mib;
      r["client_cpu_s_per_mib"] = rep.client_cpu_s_per_mib;
    }
    r["log_dir"] = rep.log_dir;
    reps.push_back(std::move(r));
  }
  return reps;
}

/// The measurements list of one pair: the reference's {name, abbr, result, details} + qir's
/// outcome, reason, mean/stddev and repetitions.
ojson MeasurementPairJson(const RunResults& run, const std::string& server,
                          const std::string& client) {
  ojson list = ojson::array();
  for (const TestInfo& test : run.measurement_tests) {
    for (const MeasurementResult& m : run.measurements) {
      if (m.server != server || m.client != client || m.test != test.name) continue;
      ojson entry = {{"name", test.name},
                     {"abbr", test.abbr},
                     {"result", results::ReferenceStatus(m.outcome)},
                     {"details", m.details},
                     {"outcome", results::OutcomeName(m.outcome)}};
      if (!m.reason.empty()) entry["reason"] = m.reason;
      if (m.outcome == Outcome::kSucceeded) {
        entry["mean_kbps"] = m.mean_kbps;
        entry["stddev_kbps"] = m.stddev_kbps;
      }
      if (m.link_kbps > 0) entry["link_kbps"] = m.link_kbps;
      entry["repetitions"] = RepetitionsJson(m);
      list.push_back(std::move(entry));
      break;
    }
  }
  return list;
}

/// The outcome an auto-unsupported reason records ("...; was failed: why"), for files written
/// before "original_outcome" existed.
std::optional<Outcome> OutcomeInReason(const std::string& reason) {
  if (reason.rfind(kAutoUnsupportedPrefix, 0) != 0) return std::nullopt;
  const size_t was = reason.find("; was ");
  if (was == std::string::npos) return std::nullopt;
  const size_t start = was + 6;
  const size_t end = reason.find(':', start);
  return results::ParseOutcome(reason.substr(start, end == std::string::npos ? end : end - start));
}

/// "qir"/"plan" and "qir"/"shard" (results::PlanRecord).
void AddPlanJson(const results::PlanRecord& plan, ojson& qir) {
  ojson record = {{"fingerprint", plan.fingerprint},
                  {"qir_version", plan.qir_version},
                  {"must_include", plan.must_include},
                  {"no_auto_unsupported", plan.no_auto_unsupported},
                  {"cells", plan.planned_cells}};
  if (!plan.missing_shards.empty()) record["missing_shards"] = plan.missing_shards;
  if (plan.missing_cells > 0) record["missing_cells"] = plan.missing_cells;
  qir["plan"] = std::move(record);
  ojson cells = ojson::array();
  for (const plan::CellKey& c : plan.shard_cells) cells.push_back({c.server, c.client, c.test});
  qir["shard"] = {{"index", plan.shard.index}, {"count", plan.shard.count}, {"cells", std::move(cells)}};
}

// ---- reading -------------------------------------------------------------------------------

ErrorInfo Bad(const std::string& what, const std::string& path) {
  return Fail(Error::kParse, "result JSON: " + what, path.empty() ? "/" : path);
}

/// RFC 6901 JSON pointer token for `key` (~ → ~0, / → ~1).
std::string Child(const std::string& path, const std::string& key) {
  std::string out = path + "/";
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}
std::string Child(const std::string& path, size_t index) {
  return path + "/" + std::to_string(index);
}

/// Member `key` of object `obj` at `path`; nullptr when absent.
const json* Member(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

/// An optional object of strings (urls, noncompliant, versions) at `path` into `out`;
/// `what` names the object in the error when it is something else.
Status ReadStringMap(const json* value, const std::string& path, const char* what,
                     std::map<std::string, std::string>* out) {
  if (value == nullptr) return {};
  if (!value->is_object()) return Bad(what, path);
  for (const auto& [key, text] : value->items()) {
    if (!text.is_string()) return Bad("expected a string", Child(path, key));
    (*out)[key] = text.get<std::string>();
  }
  return {};
}

Result<const json*> Need(const json& obj, const std::string& path, const char* key,
                         json::value_t type, const char* type_name) {
  const json* v = Member(obj, key);
  if (v == nullptr) return Bad(std::string("missing key \"") + key + "\"", Child(path, key));
  const bool ok = type == json::value_t::number_float ? v->is_number() : v->type() == type;
  if (!ok) return Bad(std::string("expected ") + type_name, Child(path, key));
  return v;
}

Result<std::string> NeedString(const json& obj, const std::string& path, const char* key) {
  Result<const json*> v = Need(obj, path, key, json::value_t::string, "a string");
  if (!v) return v.error();
  return (*v)->get<std::string>();
}

Result<double> NeedNumber(const json& obj, const std::string& path, const char* key) {
  Result<const json*> v = Need(obj, path, key, json::value_t::number_float, "a number");
  if (!v) return v.error();
  return (*v)->get<double>();
}

/// An optional string member: `fallback` when absent, an error when not a string.
Result<std::string> OptString(const json& obj, const std::string& path, const char* key,
                              const std::string& fallback) {
  if (Member(obj, key) == nullptr) return fallback;
  return NeedString(obj, path, key);
}

Result<std::vector<std::string>> NeedStrings(const json& obj, const char* key) {
  Result<const json*> v = Need(obj, "", key, json::value_t::array, "an array of names");
  if (!v) return v.error();
  std::vector<std::string> out;
  for (size_t i = 0; i < (*v)->size(); ++i) {
    const json& name = (**v)[i];
    if (!name.is_string()) return Bad("expected a string", Child(Child("", key), i));
    out.push_back(name.get<std::string>());
  }
  return out;
}

/// Merges `list` (a subsequence of the run's test order) into `order`: a name not seen yet is
/// inserted after the previous name of the same list.
void MergeOrder(const std::vector<std::string>& list, std::vector<std::string>& order) {
  size_t pos = 0;
  for (const std::string& name : list) {
    auto it = std::find(order.begin(), order.end(), name);
    if (it == order.end()) {
      order.insert(order.begin() + static_cast<std::ptrdiff_t>(pos), name);
      ++pos;
    } else {
      pos = static_cast<size_t>(it - order.begin()) + 1;
    }
  }
}

/// Reads one document; methods fill run_ step by step and stop at the first error.
class Reader {
 public:
  explicit Reader(const json& root) : root_(root) {}

  Result<RunResults> Read() {
    if (!root_.is_object()) return Bad("expected an object", "/");
    // In order: results need servers, clients and tests.
    for (Status (Reader::*step)() :
         {&Reader::ReadHeader, &Reader::ReadUrls, &Reader::ReadTests, &Reader::ReadQir,
          &Reader::ReadResults, &Reader::ReadMeasurements}) {
      if (Status s = (this->*step)(); !s) return s.error();
    }
    OrderTests();
    return std::move(run_);
  }

 private:
  Status ReadHeader() {
    Result<double> start = NeedNumber(root_, "", "start_time");
    if (!start) return start.error();
    Result<double> end = NeedNumber(root_, "", "end_time");
    if (!end) return end.error();
    Result<std::string> log_dir = NeedString(root_, "", "log_dir");
    if (!log_dir) return log_dir.error();
    Result<std::vector<std::string>> servers = NeedStrings(root_, "servers");
    if (!servers) return servers.error();
    Result<std::vector<std::string>> clients = NeedStrings(root_, "clients");
    if (!clients) return clients.error();
    run_.start_time = *start;
    run_.end_time = *end;
    run_.log_dir = std::move(*log_dir);
    run_.servers = std::move(*servers);
    run_.clients = std::move(*clients);
    return {};
  }

  Status ReadUrls() { return ReadStringMap(Member(root_, "urls"), "/urls", "expected an object", &run_.urls); }

  Status ReadTests() {
    Result<const json*> tests = Need(root_, "", "tests", json::value_t::object, "an object");
    if (!tests) return tests.error();
    for (const auto& [abbr, info] : (*tests)->items()) {
      const std::string path = Child("/tests", abbr);
      if (!info.is_object()) return Bad("expected an object", path);
      Result<std::string> name = NeedString(info, path, "name");
      if (!name) return name.error();
      Result<std::string> desc = OptString(info, path, "desc", "");
      if (!desc) return desc.error();
      tests_by_name_[*name] = TestInfo{.name = *name, .abbr = abbr, .desc = *desc};
    }
    CollectMeasurementNames();
    return {};
  }

  /// Names in "measurements": those tests are not results (read fully by ReadMeasurements).
  void CollectMeasurementNames() {
    const json* lists = Member(root_, "measurements");
    if (lists == nullptr || !lists->is_array()) return;
    for (const json& list : *lists) {
      if (!list.is_array()) continue;
      for (const json& entry : list) {
        const json* name = entry.is_object() ? Member(entry, "name") : nullptr;
        if (name != nullptr && name->is_string()) measurements_.insert(name->get<std::string>());
      }
    }
  }

  /// "measurements": one list per pair like "results" (or none at all), of {name, result,
  /// details}.
  Status ReadMeasurements() {
    const json* lists = Member(root_, "measurements");
    if (lists == nullptr) return {};
    if (!lists->is_array()) return Bad("expected an array", "/measurements");
    const size_t want = run_.servers.size() * run_.clients.size();
    if (!lists->empty() && lists->size() != want) {
      return Bad("expected " + std::to_string(want) + " lists (clients × servers), got " +
                     std::to_string(lists->size()),
                 "/measurements");
    }
    for (size_t k = 0; k < lists->size(); ++k) {
      const std::string path = Child("/measurements", k);
      const json& list = (*lists)[k];
      if (!list.is_array()) return Bad("expected an array", path);
      for (size_t i = 0; i < list.size(); ++i) {
        Status s = ReadMeasurement(list[i], Child(path, i), run_.servers[k % run_.servers.size()],
                                   run_.clients[k / run_.servers.size()]);
        if (!s) return s;
      }
    }
    return {};
  }

  Status ReadMeasurement(const json& entry, const std::string& path, const std::string& server,
                         const std::string& client) {
    if (!entry.is_object()) return Bad("expected an object", path);
    Result<std::string> name = NeedString(entry, path, "name");
    if (!name) return name.error();
    auto test = tests_by_name_.find(*name);
    if (test == tests_by_name_.end()) {
      return Bad("measurement \"" + *name + "\" is not listed in \"tests\"", Child(path, "name"));
    }
    const json* result = Member(entry, "result");
    if (result != nullptr && result->is_null()) return {};
    Result<Outcome> outcome = ReadOutcome(entry, path);
    if (!outcome) return outcome.error();
    Result<std::string> details = OptString(entry, path, "details", "");
    if (!details) return details.error();
    auto listed = [&](const TestInfo& t) { return t.name == *name; };
    if (std::none_of(run_.measurement_tests.begin(), run_.measurement_tests.end(), listed)) {
      run_.measurement_tests.push_back(test->second);
    }
    Result<std::string> reason = OptString(entry, path, "reason", "");
    if (!reason) return reason.error();
    results::MeasurementResult m{.server = server, .client = client, .test = *name, .outcome = *outcome,
                                 .details = *details, .reason = *reason};
    auto figure = [&](const json& object, const char* key) {
      const json* v = Member(object, key);
      return v != nullptr && v->is_number() && v->get<double>() >= 0 ? v->get<double>() : 0.0;
    };
    m.mean_kbps = figure(entry, "mean_kbps");
    m.stddev_kbps = figure(entry, "stddev_kbps");
    m.link_kbps = figure(entry, "link_kbps");
    if (const json* reps = Member(entry, "repetitions"); reps != nullptr && reps->is_array()) {
      for (const json& r : *reps) {
        if (!r.is_object()) continue;
        results::MeasurementRepetition rep;
        if (const json* o = Member(r, "outcome"); o != nullptr && o->is_string()) {
          rep.outcome = results::ParseOutcome(o->get<std::string>()).value_or(Outcome::kError);
        }
        auto number = [&](const char* key) {
          const json* v = Member(r, key);
          return v != nullptr && v->is_number() ? v->get<double>() : 0.0;
        };
        rep.goodput_kbps = number("goodput_kbps");
        rep.server_cpu_s_per_mib = number("server_cpu_s_per_mib");
        rep.client_cpu_s_per_mib = number("client_cpu_s_per_mib");
        m.repetitions.push_back(rep);
      }
    }
    run_.measurements.push_back(std::move(m));
    return {};
  }

  Status ReadQir() {
    const json* qir = Member(root_, "qir");
    if (qir == nullptr) return {};
    if (!qir->is_object()) return Bad("expected an object", "/qir");
    if (const json* format = Member(*qir, "format"); format != nullptr) {
      if (!format->is_number_integer()) return Bad("expected an integer", "/qir/format");
      if (format->get<int64_t>() > kQirJsonFormat) {
        return Bad("written by a newer qir (format " + format->dump() + ")", "/qir/format");
      }
    }
    if (const json* seed = Member(*qir, "seed"); seed != nullptr) {
      if (!seed->is_number_unsigned()) return Bad("expected an unsigned integer", "/qir/seed");
      run_.seed = seed->get<uint64_t>();
    }
    if (Status s = ReadStringMap(Member(*qir, "noncompliant"), "/qir/noncompliant", "expected an object of reasons",
                                 &run_.noncompliant);
        !s) {
      return s;
    }
    if (Status s = ReadStringMap(Member(*qir, "versions"), "/qir/versions", "expected an object of versions",
                                 &run_.versions);
        !s) {
      return s;
    }
    if (Status s = ReadPlan(*qir); !s) return s;
    if (const json* order = Member(*qir, "test_order"); order != nullptr) return ReadOrder(*order);
    return {};
  }

  /// "qir"/"plan" with "qir"/"shard": both or neither.
  Status ReadPlan(const json& qir) {
    const json* record = Member(qir, "plan");
    const json* shard = Member(qir, "shard");
    if (record == nullptr && shard == nullptr) return {};
    if (record == nullptr || !record->is_object()) return Bad("expected an object", "/qir/plan");
    if (shard == nullptr || !shard->is_object()) return Bad("expected an object", "/qir/shard");
    results::PlanRecord plan;
    for (auto [key, field] : {std::pair{"fingerprint", &plan.fingerprint}, std::pair{"qir_version", &plan.qir_version},
                              std::pair{"must_include", &plan.must_include}}) {
      Result<std::string> v = NeedString(*record, "/qir/plan", key);
      if (!v) return v.error();
      *field = std::move(*v);
    }
    if (Status s = ReadNames(*record, "/qir/plan", "no_auto_unsupported", plan.no_auto_unsupported); !s) return s;
    Result<uint64_t> cells = NeedCount(*record, "/qir/plan", "cells");
    if (!cells) return cells.error();
    plan.planned_cells = *cells;
    if (Member(*record, "missing_cells") != nullptr) {
      Result<uint64_t> missing = NeedCount(*record, "/qir/plan", "missing_cells");
      if (!missing) return missing.error();
      plan.missing_cells = *missing;
    }
    if (const json* missing = Member(*record, "missing_shards"); missing != nullptr) {
      if (!missing->is_array()) return Bad("expected an array of shard numbers", "/qir/plan/missing_shards");
      for (size_t i = 0; i < missing->size(); ++i) {
        if (!(*missing)[i].is_number_integer()) return Bad("expected an integer", Child("/qir/plan/missing_shards", i));
        plan.missing_shards.push_back((*missing)[i].get<int>());
      }
    }
    if (Status s = ReadShard(*shard, plan); !s) return s;
    run_.plan = std::move(plan);
    return {};
  }

  Status ReadShard(const json& shard, results::PlanRecord& plan) {
    const std::string path = "/qir/shard";
    Result<uint64_t> index = NeedCount(shard, path, "index");
    if (!index) return index.error();
    Result<uint64_t> count = NeedCount(shard, path, "count");
    if (!count) return count.error();
    if (*index < 1 || *index > *count || *count > static_cast<uint64_t>(plan::kMaxShards)) {
      return Bad("expected 1 ≤ index ≤ count ≤ " + std::to_string(plan::kMaxShards), Child(path, "index"));
    }
    plan.shard = {static_cast<int>(*index), static_cast<int>(*count)};
    Result<const json*> cells = Need(shard, path, "cells", json::value_t::array, "an array");
    if (!cells) return cells.error();
    for (size_t i = 0; i < (*cells)->size(); ++i) {
      const json& c = (**cells)[i];
      const bool ok = c.is_array() && c.size() == 3 && c[0].is_string() && c[1].is_string() && c[2].is_string();
      if (!ok) return Bad("expected [server, client, test]", Child(Child(path, "cells"), i));
      plan.shard_cells.push_back({c[0].get<std::string>(), c[1].get<std::string>(), c[2].get<std::string>()});
    }
    return {};
  }

  Status ReadNames(const json& obj, const std::string& path, const char* key, std::vector<std::string>& out) {
    Result<const json*> v = Need(obj, path, key, json::value_t::array, "an array of names");
    if (!v) return v.error();
    for (size_t i = 0; i < (*v)->size(); ++i) {
      if (!(**v)[i].is_string()) return Bad("expected a string", Child(Child(path, key), i));
      out.push_back((**v)[i].get<std::string>());
    }
    return {};
  }

  Result<uint64_t> NeedCount(const json& obj, const std::string& path, const char* key) {
    const json* v = Member(obj, key);
    if (v == nullptr) return Bad(std::string("missing key \"") + key + "\"", Child(path, key));
    if (!v->is_number_unsigned() && !(v->is_number_integer() && v->get<int64_t>() >= 0)) {
      return Bad("expected a non-negative integer", Child(path, key));
    }
    return v->get<uint64_t>();
  }

  /// "qir"/"test_order": test names in run order ("tests" is an object, so it cannot carry it).
  Status ReadOrder(const json& order) {
    const std::string path = "/qir/test_order";
    if (!order.is_array()) return Bad("expected an array of test names", path);
    for (size_t i = 0; i < order.size(); ++i) {
      const std::string name = order[i].is_string() ? order[i].get<std::string>() : "";
      if (tests_by_name_.count(name) == 0) {
        return Bad("expected a test name listed in \"tests\"", Child(path, i));
      }
      if (std::find(qir_order_.begin(), qir_order_.end(), name) != qir_order_.end()) {
        return Bad("test \"" + name + "\" listed twice", Child(path, i));
      }
      qir_order_.push_back(name);
    }
    return {};
  }

  Status ReadResults() {
    Result<const json*> lists = Need(root_, "", "results", json::value_t::array, "an array");
    if (!lists) return lists.error();
    const size_t want = run_.servers.size() * run_.clients.size();
    if ((*lists)->size() != want) {
      return Bad("expected " + std::to_string(want) + " lists (clients × servers), got " +
                     std::to_string((*lists)->size()),
                 "/results");
    }
    for (size_t k = 0; k < want; ++k) {
      const std::string& client = run_.clients[k / run_.servers.size()];
      const std::string& server = run_.servers[k % run_.servers.size()];
      if (Status s = ReadPair((**lists)[k], Child("/results", k), server, client); !s) return s;
    }
    return {};
  }

  Status ReadPair(const json& list, const std::string& path, const std::string& server,
                  const std::string& client) {
    if (!list.is_array()) return Bad("expected an array", path);
    std::vector<std::string> names;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string entry_path = Child(path, i);
      if (!list[i].is_object()) return Bad("expected an object", entry_path);
      if (Status s = ReadCell(list[i], entry_path, server, client, names); !s) return s;
    }
    MergeOrder(names, order_);
    return {};
  }

  /// Reads one {abbr, name, result, ...} entry; appends its test name to `names`.
  Status ReadCell(const json& entry, const std::string& path, const std::string& server,
                  const std::string& client, std::vector<std::string>& names) {
    Result<std::string> name = NeedString(entry, path, "name");
    if (!name) return name.error();
    if (tests_by_name_.count(*name) == 0) {
      return Bad("test \"" + *name + "\" is not listed in \"tests\"", Child(path, "name"));
    }
    names.push_back(*name);
    const json* result = Member(entry, "result");
    if (result != nullptr && result->is_null()) return {};  // pair skipped by the reference
    Result<Outcome> outcome = ReadOutcome(entry, path);
    if (!outcome) return outcome.error();
    CellResult cell{.server = server, .client = client, .test = *name, .outcome = *outcome};
    return ReadCellExtras(entry, path, cell);
  }

  /// qir's "outcome" when present, else the reference's "result".
  Result<Outcome> ReadOutcome(const json& entry, const std::string& path) {
    const char* key = Member(entry, "outcome") != nullptr ? "outcome" : "result";
    Result<std::string> text = NeedString(entry, path, key);
    if (!text) return text.error();
    std::optional<Outcome> outcome = results::ParseOutcome(*text);
    if (!outcome) return Bad("unknown status \"" + *text + "\"", Child(path, key));
    return *outcome;
  }

  Status ReadCellExtras(const json& entry, const std::string& path, CellResult& cell) {
    Result<std::string> reason = OptString(entry, path, "reason", "");
    if (!reason) return reason.error();
    const bool has_logs = cell.outcome == Outcome::kSucceeded || cell.outcome == Outcome::kFailed;
    const std::string default_log_dir =
        has_logs ? cell.server + "_" + cell.client + "/" + cell.test : "";
    Result<std::string> log_dir = OptString(entry, path, "log_dir", default_log_dir);
    if (!log_dir) return log_dir.error();
    if (Member(entry, "duration_s") != nullptr) {
      Result<double> duration = NeedNumber(entry, path, "duration_s");
      if (!duration) return duration.error();
      cell.duration_s = *duration;
    }
    cell.reason = std::move(*reason);
    cell.log_dir = std::move(*log_dir);
    Result<std::optional<Outcome>> original = ReadOriginalOutcome(entry, path, cell);
    if (!original) return original.error();
    cell.original_outcome = *original;
    if (Status s = ReadAttempts(entry, path, cell); !s.ok()) return s;
    run_.cells.push_back(std::move(cell));
    return {};
  }

  /// qir's "attempts" and "earlier_attempts" of a cell run with --retries.
  Status ReadAttempts(const json& entry, const std::string& path, CellResult& cell) {
    if (Member(entry, "attempts") != nullptr) {
      Result<double> attempts = NeedNumber(entry, path, "attempts");
      if (!attempts) return attempts.error();
      if (*attempts < 1 || *attempts > 1000) return Bad("attempts must be 1 to 1000", Child(path, "attempts"));
      cell.attempts = static_cast<int>(*attempts);
    }
    const json* earlier = Member(entry, "earlier_attempts");
    if (earlier == nullptr) return {};
    if (!earlier->is_array()) return Bad("earlier_attempts must be a list", Child(path, "earlier_attempts"));
    for (const json& e : *earlier) {
      if (!e.is_string()) return Bad("earlier_attempts must hold strings", Child(path, "earlier_attempts"));
      cell.earlier_attempts.push_back(e.get<std::string>());
    }
    return {};
  }

  /// qir's "original_outcome" of an auto-unsupported cell; for older files, the outcome its
  /// reason records. Only unsupported cells can have one.
  Result<std::optional<Outcome>> ReadOriginalOutcome(const json& entry, const std::string& path,
                                                     const CellResult& cell) {
    if (cell.outcome != Outcome::kUnsupported) return std::optional<Outcome>();
    if (Member(entry, "original_outcome") == nullptr) {
      return OutcomeInReason(cell.reason);
    }
    Result<std::string> text = NeedString(entry, path, "original_outcome");
    if (!text) return text.error();
    std::optional<Outcome> outcome = results::ParseOutcome(*text);
    if (!outcome || *outcome == Outcome::kUnsupported) {
      return Bad("unknown original outcome \"" + *text + "\"", Child(path, "original_outcome"));
    }
    return outcome;
  }

  /// Tests in qir's recorded order, else in the order the result lists show them; then listed
  /// tests no cell used (except measurements), in "tests" key order.
  void OrderTests() {
    std::vector<std::string> order = qir_order_;
    MergeOrder(order_, order);
    for (const auto& [name, info] : tests_by_name_) {
      if (std::find(order.begin(), order.end(), name) == order.end() &&
          measurements_.count(name) == 0) {
        order.push_back(name);
      }
    }
    for (const std::string& name : order) run_.tests.push_back(tests_by_name_.at(name));
  }

  const json& root_;
  RunResults run_;
  std::map<std::string, TestInfo> tests_by_name_;  ///< from "tests", keyed by test name
  std::set<std::string> measurements_;             ///< names found in "measurements"
  std::vector<std::string> order_;                 ///< test names in result-list order
  std::vector<std::string> qir_order_;             ///< "qir"/"test_order"; empty when absent
};

}  // namespace

ojson ToReferenceJson(const RunResults& run) {
  // Ordered: the public viewer's test buttons follow the key order of "tests".
  ojson out = ojson::object();
  out["start_time"] = run.start_time;
  out["end_time"] = run.end_time;
  out["log_dir"] = run.log_dir;
  out["servers"] = run.servers;
  out["clients"] = run.clients;
  out["urls"] = run.urls;
  ojson tests = ojson::object();
  for (const std::vector<TestInfo>* list : {&run.tests, &run.measurement_tests}) {
    for (const TestInfo& test : *list) {
      tests[test.abbr] = {{"name", test.name}, {"desc", test.desc}};
    }
  }
  out["tests"] = std::move(tests);
  out["quic_version"] = kQuicVersion;
  ojson lists = ojson::array();
  ojson measurements = ojson::array();
  for (const std::string& client : run.clients) {
    for (const std::string& server : run.servers) {
      lists.push_back(PairJson(run, server, client));
      measurements.push_back(MeasurementPairJson(run, server, client));
    }
  }
  out["results"] = std::move(lists);
  out["measurements"] = std::move(measurements);
  ojson order = ojson::array();
  for (const TestInfo& test : run.tests) order.push_back(test.name);
  out["qir"] = {{"seed", run.seed},
                {"format", kQirJsonFormat},
                {"test_order", std::move(order)},
                {"noncompliant", run.noncompliant}};
  if (!run.versions.empty()) out["qir"]["versions"] = run.versions;
  if (run.plan) AddPlanJson(*run.plan, out["qir"]);
  return out;
}

Result<RunResults> FromReferenceJson(const json& doc) {
  try {
    return Reader(doc).Read();
  } catch (const nlohmann::json::exception& e) {
    // Every access above is type-checked first; this is the boundary's safety net.
    return Fail(Error::kParse, std::string("result JSON: ") + e.what(), "/");
  }
}

}  // namespace qir::report

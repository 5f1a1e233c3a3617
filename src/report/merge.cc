// Merging shard results (merge.h). A shard records its plan in result.json's "qir" section:
// the run's fingerprint, K/N, the cells it planned (plan/plan.h's split) and the run's cell
// count; the merge checks those, then concatenates the cells and writes them out in the
// unsharded layout (results[client × servers + server], every planned pair present).
#include "report/merge.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

namespace qir::report {
namespace {

namespace fs = std::filesystem;
using plan::CellKey;
using results::RunResults;

ErrorInfo Refuse(std::string why) { return Fail(Error::kInvalidArgument, std::move(why)); }

std::string Describe(const CellKey& c) { return c.server + " × " + c.client + " " + c.test; }

std::string ShardName(const ShardResult& s) {
  return fmt::format("{} (shard {}/{})", s.path, s.run.plan->shard.index, s.run.plan->shard.count);
}

/// Same run, same shard count, every file a shard.
Status CheckSameRun(const std::vector<ShardResult>& shards) {
  for (const ShardResult& s : shards) {
    if (!s.run.plan) {
      return Refuse(s.path + " holds no plan (\"qir\"/\"plan\"): not written by qir run, or by a qir before --shard");
    }
  }
  const ShardResult& first = shards.front();
  for (const ShardResult& s : shards) {
    if (s.run.plan->fingerprint != first.run.plan->fingerprint) {
      return Refuse(fmt::format("{} and {} are shards of different runs (plan fingerprints {} and {}: the seed, "
                                "selection, implementations or qir version differ)",
                                first.path, s.path, first.run.plan->fingerprint, s.run.plan->fingerprint));
    }
    if (s.run.plan->shard.count != first.run.plan->shard.count) {
      return Refuse(fmt::format("{} and {} split the run differently (into {} and {} shards)", ShardName(first),
                                ShardName(s), first.run.plan->shard.count, s.run.plan->shard.count));
    }
  }
  return {};
}

/// No shard twice, no cell in two shards, no result outside its shard's plan.
Status CheckDisjoint(const std::vector<ShardResult>& shards) {
  std::map<int, const ShardResult*> by_index;
  std::map<CellKey, const ShardResult*> owner;
  for (const ShardResult& s : shards) {
    auto [it, fresh] = by_index.emplace(s.run.plan->shard.index, &s);
    if (!fresh) return Refuse("overlapping shards: " + it->second->path + " and " + ShardName(s) + " are the same shard");
    for (const CellKey& c : s.run.plan->shard_cells) {
      auto [cell, new_cell] = owner.emplace(c, &s);
      if (!new_cell) {
        return Refuse("overlapping shards: " + ShardName(*cell->second) + " and " + ShardName(s) + " both plan " +
                      Describe(c));
      }
    }
  }
  for (const ShardResult& s : shards) {
    std::vector<CellKey> results;
    for (const results::CellResult& c : s.run.cells) results.push_back({c.server, c.client, c.test});
    for (const results::MeasurementResult& m : s.run.measurements) results.push_back({m.server, m.client, m.test});
    for (const CellKey& c : results) {
      auto it = owner.find(c);
      if (it == owner.end() || it->second != &s) {
        return Refuse(ShardName(s) + " has a result for " + Describe(c) + ", which its shard does not plan");
      }
    }
  }
  return {};
}

/// True when the pair was skipped because an endpoint failed the compliance check.
bool SkippedPair(const RunResults& run, const CellKey& c) {
  return run.noncompliant.count(c.server + " (server)") > 0 || run.noncompliant.count(c.client + " (client)") > 0;
}

plan::PlanSpec SpecOf(const RunResults& run) {
  plan::PlanSpec spec{.servers = run.servers, .clients = run.clients, .must_include = run.plan->must_include};
  for (const results::TestInfo& t : run.tests) spec.tests.push_back(t.name);
  for (const results::TestInfo& m : run.measurement_tests) spec.measurements.push_back(m.name);
  return spec;
}

/// The shards' cells and bookkeeping joined; `planned` is the whole run's plan.
RunResults Join(const std::vector<ShardResult>& shards, const std::vector<CellKey>& planned) {
  std::vector<const ShardResult*> ordered;
  for (const ShardResult& s : shards) ordered.push_back(&s);
  std::sort(ordered.begin(), ordered.end(), [](const ShardResult* a, const ShardResult* b) {
    return a->run.plan->shard.index < b->run.plan->shard.index;
  });
  RunResults out = ordered.front()->run;
  out.cells.clear();
  out.measurements.clear();
  out.noncompliant.clear();
  for (const ShardResult* s : ordered) {
    out.start_time = std::min(out.start_time, s->run.start_time);
    out.end_time = std::max(out.end_time, s->run.end_time);
    out.cells.insert(out.cells.end(), s->run.cells.begin(), s->run.cells.end());
    out.measurements.insert(out.measurements.end(), s->run.measurements.begin(), s->run.measurements.end());
    for (const auto& [name, why] : s->run.noncompliant) out.noncompliant.emplace(name, why);
    for (const auto& [name, url] : s->run.urls) out.urls.emplace(name, url);
    for (const auto& [name, version] : s->run.versions) out.versions.emplace(name, version);
  }
  out.plan->shard = {1, 1};
  out.plan->shard_cells = planned;
  out.plan->missing_shards.clear();
  out.plan->missing_cells = 0;
  return out;
}

}  // namespace

Result<RunResults> MergeShards(const std::vector<ShardResult>& shards, const MergeOptions& options) {
  if (shards.empty()) return Refuse("no shard results given");
  if (Status s = CheckSameRun(shards); !s) return s.error();
  if (Status s = CheckDisjoint(shards); !s) return s.error();
  const ShardResult& first = shards.front();
  const std::vector<CellKey> planned = plan::PlannedCells(SpecOf(first.run));
  if (planned.size() != first.run.plan->planned_cells) {
    return Refuse(fmt::format("{} records a plan of {} cells, but its servers, clients and tests give {}",
                              first.path, first.run.plan->planned_cells, planned.size()));
  }
  RunResults merged = Join(shards, planned);
  std::set<int> given;
  for (const ShardResult& s : shards) given.insert(s.run.plan->shard.index);
  for (int k = 1; k <= first.run.plan->shard.count; ++k) {
    if (given.count(k) == 0) merged.plan->missing_shards.push_back(k);
  }
  std::vector<CellKey> missing;
  for (const CellKey& c : planned) {
    if (!merged.Has(c.server, c.client, c.test) && !SkippedPair(merged, c)) missing.push_back(c);
  }
  merged.plan->missing_cells = missing.size();
  if (!options.allow_missing && !merged.plan->missing_shards.empty()) {
    std::string list;
    for (int k : merged.plan->missing_shards) list += (list.empty() ? "" : ", ") + std::to_string(k);
    return Refuse(fmt::format("missing shard(s) {} of {}: give every shard's result.json, or --allow-missing", list,
                              first.run.plan->shard.count));
  }
  if (!options.allow_missing && !missing.empty()) {
    return Refuse(fmt::format("{} planned cell(s) have no result (e.g. {}): an interrupted shard? finish it with "
                              "qir run --resume, or --allow-missing",
                              missing.size(), Describe(missing.front())));
  }
  return merged;
}

namespace {

/// `dest` ← `src`, hard-linked where possible, else copied.
Status CopyTree(const fs::path& src, const fs::path& dest) {
  std::error_code ec;
  fs::create_directories(dest.parent_path(), ec);
  fs::copy(src, dest, fs::copy_options::recursive | fs::copy_options::create_hard_links, ec);
  if (!ec) return {};
  fs::remove_all(dest, ec);
  fs::copy(src, dest, fs::copy_options::recursive, ec);
  if (ec) return Fail(Error::kIo, "cannot copy " + src.string() + " to " + dest.string() + ": " + ec.message());
  return {};
}

bool Escapes(const std::string& relative) {
  const fs::path p(relative);
  if (p.is_absolute()) return true;
  return std::any_of(p.begin(), p.end(), [](const fs::path& part) { return part == ".."; });
}

/// A shard's folder `relative`: beside its result.json, else under the log_dir it records.
std::optional<fs::path> FindLogFolder(const fs::path& root, const std::string& recorded, const std::string& relative) {
  std::error_code ec;
  for (const fs::path& candidate : {root / relative, fs::path(recorded) / relative}) {
    if (fs::is_directory(candidate, ec)) return candidate;
  }
  return std::nullopt;
}

}  // namespace

Status CopyShardLogs(const std::vector<ShardResult>& shards, const std::string& dest) {
  for (const ShardResult& s : shards) {
    const fs::path root = fs::absolute(s.path).parent_path();
    for (const results::CellResult& c : s.run.cells) {
      if (c.log_dir.empty()) continue;
      if (Escapes(c.log_dir)) {
        return Fail(Error::kInvalidArgument, s.path + ": cell log_dir leaves the log folder", c.log_dir);
      }
      const std::optional<fs::path> src = FindLogFolder(root, s.run.log_dir, c.log_dir);
      if (!src) {
        return Fail(Error::kNotFound, s.path + ": no log folder for " + Describe({c.server, c.client, c.test}) +
                                          " (looked in " + (root / c.log_dir).string() + ")");
      }
      if (Status st = CopyTree(*src, fs::path(dest) / c.log_dir); !st) return st;
    }
    for (const results::MeasurementResult& m : s.run.measurements) {  // <pair>/<measurement>/<1..5>
      const std::string rel = m.server + "_" + m.client + "/" + m.test;
      const std::optional<fs::path> src = FindLogFolder(root, s.run.log_dir, rel);
      if (!src) continue;  // a series that never started has no folder
      if (Status st = CopyTree(*src, fs::path(dest) / rel); !st) return st;
    }
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(root / "compliance", ec)) {
      const fs::path to = fs::path(dest) / "compliance" / entry.path().filename();
      if (fs::exists(to, ec)) continue;  // the same endpoint probed by two shards: one log is enough
      if (Status st = CopyTree(entry.path(), to); !st) return st;
    }
  }
  return {};
}

}  // namespace qir::report

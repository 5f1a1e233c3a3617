// `qir merge A.json B.json ... -o result.json [--logs-to DIR] [--allow-missing]`: the shards of
// one run (qir run --shard K/N) as the result.json of the whole run (report/merge.h), the
// auto-unsupported rule applied over all of it, and with --logs-to one log tree with an
// index.html. Exit: 0 merged, 2 refused or bad input (one line: which files, why).
#include <cstdio>
#include <filesystem>
#include <set>

#include <CLI/CLI.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "report/html_report.h"
#include "report/merge.h"
#include "report/reference_json.h"
#include "report/result_file.h"
#include "runner/auto_unsupported.h"
#include "util/temp_file.h"

namespace qir::cli {
namespace {

namespace fs = std::filesystem;

/// --logs-to must be new or empty, so no cell folder lands on an older one.
Status CheckLogDest(const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return {};
  if (!fs::is_directory(dir, ec)) return Fail(Error::kInvalidArgument, "--logs-to " + dir + " is not a folder");
  if (!fs::is_empty(dir, ec)) return Fail(Error::kInvalidArgument, "--logs-to " + dir + " is not empty");
  return {};
}

}  // namespace

int MergeCommand(int argc, char** argv) {
  CLI::App app{"Join the result.json files of a run's shards (qir run --shard K/N) into one", "qir merge"};
  std::vector<std::string> inputs;
  std::string output, logs_to;
  report::MergeOptions options;
  app.add_option("shards", inputs, "result.json of every shard")->required();
  app.add_option("-o,--output", output, "write the merged result.json here")->required();
  app.add_option("--logs-to", logs_to, "also join the shards' log trees into this new or empty folder");
  app.add_flag("--allow-missing", options.allow_missing,
               "merge even when shards or cells are missing (their pairs get empty lists)");
  if (int code = 0; !ParseArgs(app, argc, argv, &code)) return code;
  if (!logs_to.empty()) {
    if (Status s = CheckLogDest(logs_to); !s.ok()) return UsageError("merge", s.error().Text());
  }
  std::vector<report::ShardResult> shards;
  for (const std::string& path : inputs) {
    Result<results::RunResults> run = report::LoadResultFile(path);
    if (!run.ok()) return UsageError("merge", run.error().Text());
    shards.push_back({path, std::move(*run)});
  }
  Result<results::RunResults> merged = report::MergeShards(shards, options);
  if (!merged.ok()) return UsageError("merge", merged.error().Text());
  const std::vector<std::string>& exempt = merged->plan->no_auto_unsupported;
  const int changed = runner::ApplyAutoUnsupported(&*merged, {exempt.begin(), exempt.end()});
  const fs::path out_dir = fs::absolute(output).parent_path();
  merged->log_dir = logs_to.empty() ? out_dir.string() : fs::absolute(logs_to).string();
  if (!logs_to.empty()) {
    if (Status s = report::CopyShardLogs(shards, logs_to); !s.ok()) return UsageError("merge", s.error().Text());
  }
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (Status s = util::WriteFileAtomically(output, report::ToReferenceJson(*merged).dump(2) + "\n"); !s.ok()) {
    return UsageError("merge", s.error().Text());
  }
  if (!logs_to.empty()) {
    if (Result<std::string> page = report::WriteHtmlReport(*merged, merged->log_dir, logs_to); !page.ok()) {
      std::fprintf(stderr, "qir merge: %s\n", page.error().Text().c_str());
    }
  }
  std::fprintf(stderr, "qir merge: %zu shard(s), %zu cell(s), %d marked unsupported by the auto-unsupported rule",
               shards.size(), merged->cells.size(), changed);
  if (merged->plan->missing_cells > 0) std::fprintf(stderr, ", %zu cell(s) missing", merged->plan->missing_cells);
  std::fprintf(stderr, " → %s\n", output.c_str());
  return 0;
}

}  // namespace qir::cli

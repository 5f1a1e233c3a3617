// `qir merge`: the result.json files of a run's shards (`qir run --shard K/N`) joined into the
// result.json the unsharded run would have written (the reference's layout, servers and clients
// in the run's order), and their log trees into one. Refuses shards of different runs (plan
// fingerprints differ), overlapping shards and missing ones; with allow_missing, missing cells
// are left out, so a pair nobody ran gets an empty list, as the reference's aggregator gives a
// pair whose job timed out.
#pragma once

#include <string>
#include <vector>

#include "results/results.h"
#include "util/result.h"

namespace qir::report {

/// One shard's result.json as read from disk.
struct ShardResult {
  std::string path;  ///< the file, as given; its folder is where its log tree is looked for first
  results::RunResults run;
};

/// Options of a merge; defaults in the comments.
struct MergeOptions {
  bool allow_missing = false;  ///< accept missing shards and cells without a result
};

/// The merged run: cells of every shard, start/end the earliest/latest, the plan record of a
/// whole run (shard 1/1, every planned cell) with missing_shards / missing_cells filled in. Its
/// log_dir is left to the caller. The auto-unsupported rule is not applied here (runner layer).
/// Errors (kInvalidArgument, one line naming the files): no input; a file without a plan
/// record; different fingerprints or shard counts; the same shard twice or a cell planned or
/// run by two shards; a result the shard did not plan; missing shards or cells without
/// allow_missing.
Result<results::RunResults> MergeShards(const std::vector<ShardResult>& shards, const MergeOptions& options);

/// Copies (hard links where the file system allows) every cell folder of every shard into
/// `dest`/<cell log_dir>, and the shards' compliance/ logs into `dest`/compliance. A shard's
/// cell folders are looked for beside its result.json, then under the log_dir it records.
/// Errors: kNotFound naming a cell whose folder is in neither place; kInvalidArgument for a
/// log_dir that leaves the log folder (absolute, ".."); kIo.
Status CopyShardLogs(const std::vector<ShardResult>& shards, const std::string& dest);

}  // namespace qir::report

// The plan of a run: which cells (server × client × test) it has, in which order, how they
// split into shards (`qir run --shard K/N`), and the fingerprint that tells whether two shard
// results belong to the same run. Names only: the runner maps them back to implementations and
// test cases, `qir merge` and `qir run --resume` reconstruct the plan from what a result.json
// or plan.json records. Deterministic: no clock, no thread timing, no -P.
#pragma once

#include <compare>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "util/result.h"

namespace qir::plan {

/// One cell's coordinates.
struct CellKey {
  std::string server;
  std::string client;
  std::string test;  ///< matrix test name

  auto operator<=>(const CellKey&) const = default;
};

/// What decides the planned cells.
struct PlanSpec {
  std::vector<std::string> servers;  ///< in matrix order
  std::vector<std::string> clients;  ///< in matrix order
  std::vector<std::string> tests;    ///< in run order
  std::string must_include;          ///< only pairs with this implementation (-i); empty = all
  /// Measurements (goodput, ...), planned as cells after each pair's tests: a shard measures
  /// the pairs it runs, a resumed run what has no figures yet.
  std::vector<std::string> measurements;
};

/// The cells of `spec` in run order: client-major, then server, then test (the reference's
/// loop), then measurement; pairs without `must_include` left out.
std::vector<CellKey> PlannedCells(const PlanSpec& spec);

/// Shard K of N, 1-based.
struct Shard {
  int index = 1;  ///< K, 1 ≤ K ≤ N
  int count = 1;  ///< N ≥ 1; 1 = the whole run

  bool operator==(const Shard&) const = default;
};

/// "K/N" → Shard. Errors (kInvalidArgument, one line, the text in arg): not two positive
/// integers, K > N, N above kMaxShards.
Result<Shard> ParseShard(const std::string& text);
inline constexpr int kMaxShards = 10000;

/// The cells of `shard` out of `planned` (as PlannedCells returns them), in plan order.
/// Every cell is in exactly one shard. Pairs (consecutive cells of one server × client) stay
/// whole when there are at least N pairs: shard K gets pairs [(K-1)·P/N, K·P/N), so each
/// implementation is probed for compliance on as few shards as possible. With fewer pairs
/// than shards, pairs must be split anyway: shard K gets cells [(K-1)·C/N, K·C/N) (a shard
/// may be empty when there are fewer cells than shards).
std::vector<CellKey> ShardCells(const std::vector<CellKey>& planned, Shard shard);

/// Everything that makes two runs (or two shards) the same run, besides the cells' order.
struct Identity {
  uint64_t seed = 0;
  PlanSpec spec;
  std::string scenario;                          ///< --scenario; empty = the tests' own
  bool check_compliance = true;
  std::vector<std::string> no_auto_unsupported;  ///< -n
  std::vector<std::string> implementations;      ///< one line per selected implementation
  std::string qir_version;
};

/// A 16-hex-digit hash (FNV-1a, 64 bit) of `identity`, stable across machines and builds of
/// the same version.
std::string Fingerprint(const Identity& identity);

}  // namespace qir::plan

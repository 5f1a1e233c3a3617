// Planned cells, shards and the plan fingerprint (plan.h). The cell order is the reference's
// (interop.py: for each client, for each server, for each test); a shard is a run of whole
// pairs in that order, so the split needs nothing but the plan itself.
#include "plan/plan.h"

#include <charconv>
#include <system_error>

namespace qir::plan {
namespace {

/// Half-open ranges [begin, end) of cells that share one server × client pair, in order.
std::vector<std::pair<size_t, size_t>> PairRanges(const std::vector<CellKey>& cells) {
  std::vector<std::pair<size_t, size_t>> out;
  for (size_t i = 0; i < cells.size(); ++i) {
    const bool same_pair = !out.empty() && cells[i - 1].server == cells[i].server &&
                           cells[i - 1].client == cells[i].client;
    if (same_pair) {
      out.back().second = i + 1;
    } else {
      out.emplace_back(i, i + 1);
    }
  }
  return out;
}

/// floor(a · b / c) without overflow for the sizes a plan can have.
size_t Scale(size_t a, size_t b, size_t c) { return static_cast<size_t>((static_cast<unsigned __int128>(a) * b) / c); }

bool ParsePositive(std::string_view text, int* out) {
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, *out);
  return ec == std::errc() && ptr == end && *out > 0;
}

/// FNV-1a, 64 bit.
class Hasher {
 public:
  void Add(std::string_view field) {
    for (char c : field) Byte(static_cast<uint8_t>(c));
    Byte(0xff);  // field separator: ("ab","c") and ("a","bc") differ
  }
  void AddList(const char* name, const std::vector<std::string>& items) {
    Add(name);
    Add(std::to_string(items.size()));
    for (const std::string& item : items) Add(item);
  }
  uint64_t value() const { return h_; }

 private:
  void Byte(uint8_t b) { h_ = (h_ ^ b) * 1099511628211ull; }
  uint64_t h_ = 1469598103934665603ull;
};

}  // namespace

std::vector<CellKey> PlannedCells(const PlanSpec& spec) {
  std::vector<CellKey> cells;
  for (const std::string& client : spec.clients) {
    for (const std::string& server : spec.servers) {
      if (!spec.must_include.empty() && server != spec.must_include && client != spec.must_include) continue;
      for (const std::string& test : spec.tests) cells.push_back({server, client, test});
      for (const std::string& m : spec.measurements) cells.push_back({server, client, m});
    }
  }
  return cells;
}

Result<Shard> ParseShard(const std::string& text) {
  const size_t slash = text.find('/');
  Shard shard;
  if (slash == std::string::npos || !ParsePositive(std::string_view(text).substr(0, slash), &shard.index) ||
      !ParsePositive(std::string_view(text).substr(slash + 1), &shard.count)) {
    return Fail(Error::kInvalidArgument, "--shard takes K/N with 1 ≤ K ≤ N, e.g. 2/4", text);
  }
  if (shard.index > shard.count) return Fail(Error::kInvalidArgument, "--shard K/N: K is above N", text);
  if (shard.count > kMaxShards) {
    return Fail(Error::kInvalidArgument, "--shard K/N: N is above " + std::to_string(kMaxShards), text);
  }
  return shard;
}

std::vector<CellKey> ShardCells(const std::vector<CellKey>& planned, Shard shard) {
  const auto pairs = PairRanges(planned);
  const size_t p = pairs.size();
  const size_t n = static_cast<size_t>(shard.count);
  const size_t k = static_cast<size_t>(shard.index - 1);
  if (p == 0 || shard.index < 1 || shard.index > shard.count) return {};
  size_t begin = 0;
  size_t end = 0;
  if (p >= n) {  // whole pairs
    begin = pairs[Scale(k, p, n)].first;
    end = pairs[Scale(k + 1, p, n) - 1].second;
  } else {  // fewer pairs than shards: pairs must split anyway, so split the cells evenly
    begin = Scale(k, planned.size(), n);
    end = Scale(k + 1, planned.size(), n);
  }
  return {planned.begin() + static_cast<std::ptrdiff_t>(begin), planned.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::string Fingerprint(const Identity& id) {
  Hasher h;
  h.Add("qir-plan-1");
  h.Add(std::to_string(id.seed));
  h.AddList("servers", id.spec.servers);
  h.AddList("clients", id.spec.clients);
  h.AddList("tests", id.spec.tests);
  h.Add(id.spec.must_include);
  if (!id.spec.measurements.empty()) h.AddList("measurements", id.spec.measurements);  // older plans unchanged
  h.Add(id.scenario);
  h.Add(id.check_compliance ? "compliance" : "no-compliance");
  h.AddList("no-auto-unsupported", id.no_auto_unsupported);
  h.AddList("implementations", id.implementations);
  h.Add(id.qir_version);
  char buf[17];
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t v = h.value();
  for (int i = 15; i >= 0; --i, v >>= 4) buf[i] = kHex[v & 0xf];
  buf[16] = '\0';
  return buf;
}

}  // namespace qir::plan

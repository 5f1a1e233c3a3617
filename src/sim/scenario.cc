// Parses the reference simulator's scenario strings into typed config (scenario.h).
// Semantics follow quic-network-simulator's sim/scenarios/*/ (ns-3 CommandLine flags,
// ns-3 Time and DataRate unit strings); see interop-runner-facts.md §4. Each scenario
// is one row of kScenarios (name → parser), so new scenarios add a parser, not a branch.
#include "sim/scenario.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <utility>
#include <vector>

namespace qir::sim {
namespace {

/// Upper bound on --queue: far beyond any test, small enough to bound memory.
constexpr uint64_t kMaxQueuePackets = 1'000'000;
/// At most this many fraction digits are meaningful (ns resolution).
constexpr int kMaxFractionDigits = 9;

/// Flag names compare equal when they differ only in '-' versus '_'.
bool SameKey(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] == '_' ? '-' : a[i];
    char y = b[i] == '_' ? '-' : b[i];
    if (x != y) return false;
  }
  return true;
}

/// One "--key[=value]" occurrence in a scenario string.
struct Flag {
  std::string key;                   ///< without the leading "--"
  std::optional<std::string> value;  ///< nullopt for a bare flag ("--rebind-addr")
  bool used = false;                 ///< consumed by a parser; unused flags are errors
};

/// The flags of one scenario string. Each parser takes the flags it knows; whatever
/// is left over afterwards is an unknown flag.
class FlagSet {
 public:
  /// Splits whitespace-separated tokens into flags ("--k=v", "--k v", "--k").
  static Result<FlagSet> Parse(const std::vector<std::string_view>& tokens);

  /// The flag named `key`, marked used; nullptr when absent. '-' and '_' in keys are
  /// interchangeable (the reference spells them both ways: --first-rebind, --rate_to_client).
  Flag* Take(std::string_view key) {
    for (Flag& flag : flags_) {
      if (SameKey(flag.key, key)) {
        flag.used = true;
        return &flag;
      }
    }
    return nullptr;
  }

  /// The value of a required "--key=value" flag.
  Result<std::string> Required(std::string_view key, std::string_view scenario) {
    Flag* flag = Take(key);
    if (flag == nullptr) {
      return Fail(Error::kInvalidArgument,
                  "scenario " + std::string(scenario) + " requires --" + std::string(key),
                  "--" + std::string(key));
    }
    if (!flag->value) return Fail(Error::kInvalidArgument, "flag needs a value", "--" + flag->key);
    return *flag->value;
  }

  /// Fails on the first flag no parser took.
  Status CheckAllUsed(std::string_view scenario) const {
    for (const Flag& flag : flags_) {
      if (!flag.used) {
        return Fail(Error::kInvalidArgument, "unknown flag for scenario " + std::string(scenario),
                    "--" + flag.key);
      }
    }
    return {};
  }

 private:
  std::vector<Flag> flags_;
};

Result<FlagSet> FlagSet::Parse(const std::vector<std::string_view>& tokens) {
  FlagSet set;
  for (size_t i = 0; i < tokens.size(); ++i) {
    std::string_view token = tokens[i];
    if (!token.starts_with("--") || token.size() == 2) {
      return Fail(Error::kInvalidArgument, "expected a --flag in scenario", std::string(token));
    }
    token.remove_prefix(2);
    Flag flag;
    size_t eq = token.find('=');
    if (eq != std::string_view::npos) {
      flag.key = std::string(token.substr(0, eq));
      flag.value = std::string(token.substr(eq + 1));
    } else {
      flag.key = std::string(token);
      if (i + 1 < tokens.size() && !tokens[i + 1].starts_with("--"))
        flag.value = std::string(tokens[++i]);
    }
    if (set.Take(flag.key) != nullptr) {
      return Fail(Error::kInvalidArgument, "flag given twice in scenario", "--" + flag.key);
    }
    set.flags_.push_back(std::move(flag));
  }
  for (Flag& flag : set.flags_) flag.used = false;  // Take() above marked them
  return set;
}

std::vector<std::string_view> SplitWhitespace(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  return tokens;
}

/// "12.5ms" split into its number and its unit.
struct Decimal {
  uint64_t integer = 0;     ///< digits before the point
  uint64_t fraction = 0;    ///< digits after the point, as an integer
  int fraction_digits = 0;  ///< how many digits `fraction` has
  std::string_view unit;    ///< everything after the number; may be empty
};

Result<Decimal> SplitNumber(std::string_view text, const char* what) {
  Decimal d;
  size_t i = 0;
  auto bad = [&] {
    return Fail(Error::kInvalidArgument, std::string("bad ") + what, std::string(text));
  };
  for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    if (d.integer > (UINT64_MAX - 9) / 10) return bad();
    d.integer = d.integer * 10 + static_cast<uint64_t>(text[i] - '0');
  }
  if (i == 0) return bad();  // no leading digit: empty, negative, garbage
  if (i < text.size() && text[i] == '.') {
    for (++i; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
      if (++d.fraction_digits > kMaxFractionDigits) return bad();
      d.fraction = d.fraction * 10 + static_cast<uint64_t>(text[i] - '0');
    }
    if (d.fraction_digits == 0) return bad();
  }
  d.unit = text.substr(i);
  return d;
}

/// integer * multiplier + fraction * multiplier / 10^digits, or nullopt on overflow.
std::optional<uint64_t> Scale(const Decimal& d, uint64_t multiplier) {
  unsigned __int128 value = static_cast<unsigned __int128>(d.integer) * multiplier;
  unsigned __int128 pow10 = 1;
  for (int i = 0; i < d.fraction_digits; ++i) pow10 *= 10;
  value += static_cast<unsigned __int128>(d.fraction) * multiplier / pow10;
  if (value > INT64_MAX) return std::nullopt;
  return static_cast<uint64_t>(value);
}

/// A unit suffix and its multiplier.
struct Unit {
  std::string_view suffix;
  uint64_t multiplier;
};

constexpr std::array<Unit, 6> kTimeUnits = {{
    {"ns", 1},
    {"us", 1'000},
    {"ms", 1'000'000},
    {"s", 1'000'000'000},
    {"min", 60'000'000'000},
    {"h", 3'600'000'000'000},
}};

/// ns-3 DataRate prefixes: decimal (k and K both mean 1000, as in ns-3) and binary.
constexpr std::array<Unit, 9> kRatePrefixes = {{
    {"", 1},
    {"k", 1'000},
    {"K", 1'000},
    {"M", 1'000'000},
    {"G", 1'000'000'000},
    {"ki", 1024},
    {"Ki", 1024},
    {"Mi", 1024 * 1024},
    {"Gi", 1024 * 1024 * 1024},
}};

/// ns-3 DataRate base units: bits or bytes per second.
constexpr std::array<Unit, 4> kRateBases = {{{"bps", 1}, {"b/s", 1}, {"Bps", 8}, {"B/s", 8}}};

std::optional<uint64_t> RateMultiplier(std::string_view unit) {
  for (const Unit& base : kRateBases) {
    if (!unit.ends_with(base.suffix)) continue;
    std::string_view prefix = unit.substr(0, unit.size() - base.suffix.size());
    for (const Unit& p : kRatePrefixes) {
      if (p.suffix == prefix) return p.multiplier * base.multiplier;
    }
  }
  return std::nullopt;
}

// ---- Scenario parsers: one function per reference scenario -----------------

/// Applies a value parser to a required flag, so every error names the flag's value.
template <typename T>
Result<T> RequiredValue(FlagSet& flags, std::string_view key, std::string_view scenario,
                        Result<T> (*parse)(std::string_view)) {
  Result<std::string> text = flags.Required(key, scenario);
  if (!text) return text.error();
  return parse(*text);
}

/// --delay, --bandwidth, --queue: the bottleneck every reference scenario requires.
/// The reference applies the same link to both directions.
Status ParseBottleneck(FlagSet& flags, Scenario& scenario) {
  auto delay =
      RequiredValue<std::chrono::nanoseconds>(flags, "delay", scenario.name, ParseDuration);
  if (!delay) return delay.error();
  auto rate = RequiredValue<uint64_t>(flags, "bandwidth", scenario.name, ParseBandwidth);
  if (!rate) return rate.error();
  auto queue = RequiredValue<size_t>(flags, "queue", scenario.name, ParseQueuePackets);
  if (!queue) return queue.error();
  LinkConfig link{.delay = *delay, .rate_bps = *rate, .queue_packets = *queue};
  scenario.to_client = link;
  scenario.to_server = link;
  return {};
}

/// simple-p2p: the plain bottleneck, nothing else.
Status ParseSimpleP2p(FlagSet& flags, Scenario& scenario) {
  return ParseBottleneck(flags, scenario);
}

/// An optional "--key=value" flag parsed by `parse`; nullopt when absent.
template <typename T>
Result<std::optional<T>> OptionalValue(FlagSet& flags, std::string_view key,
                                       Result<T> (*parse)(std::string_view)) {
  Flag* flag = flags.Take(key);
  if (flag == nullptr) return std::optional<T>();
  if (!flag->value) return Fail(Error::kInvalidArgument, "flag needs a value", "--" + flag->key);
  Result<T> value = parse(*flag->value);
  if (!value) return value.error();
  return std::optional<T>(*value);
}

/// A non-negative integer count ("3").
Result<uint32_t> ParseCount(std::string_view text) {
  Result<Decimal> d = SplitNumber(text, "count");
  if (!d || !d->unit.empty() || d->fraction_digits > 0 || d->integer > UINT32_MAX) {
    return Fail(Error::kInvalidArgument, "bad count (want a non-negative integer)",
                std::string(text));
  }
  return static_cast<uint32_t>(d->integer);
}

/// A boolean flag value: bare flag, or true/false/1/0.
Result<bool> FlagBool(FlagSet& flags, std::string_view key) {
  Flag* flag = flags.Take(key);
  if (flag == nullptr) return false;
  if (!flag->value || *flag->value == "true" || *flag->value == "1") return true;
  if (*flag->value == "false" || *flag->value == "0") return false;
  return Fail(Error::kInvalidArgument, "bad boolean (want true or false)", "--" + flag->key);
}

/// --rate_to_<dir> (required) and --burst_to_<dir> (optional) of drop-rate / corrupt-rate.
Result<RateImpairment> ParseRateFlags(FlagSet& flags, std::string_view dir,
                                      std::string_view scenario) {
  std::string suffix = "_to_" + std::string(dir);
  auto rate = RequiredValue<uint32_t>(flags, "rate" + suffix, scenario, ParsePercent);
  if (!rate) return rate.error();
  auto burst = OptionalValue<uint32_t>(flags, "burst" + suffix, ParseCount);
  if (!burst) return burst.error();
  return RateImpairment{.rate_percent = *rate, .max_burst = burst->value_or(UINT32_MAX)};
}

/// drop-rate: random UDP drops per direction, bounded bursts.
Status ParseDropRate(FlagSet& flags, Scenario& scenario) {
  if (Status s = ParseBottleneck(flags, scenario); !s) return s;
  auto to_client = ParseRateFlags(flags, "client", scenario.name);
  if (!to_client) return to_client.error();
  auto to_server = ParseRateFlags(flags, "server", scenario.name);
  if (!to_server) return to_server.error();
  scenario.impair_to_client.drop = *to_client;
  scenario.impair_to_server.drop = *to_server;
  return {};
}

/// corrupt-rate: like drop-rate, but chosen packets get one payload byte changed.
Status ParseCorruptRate(FlagSet& flags, Scenario& scenario) {
  if (Status s = ParseBottleneck(flags, scenario); !s) return s;
  auto to_client = ParseRateFlags(flags, "client", scenario.name);
  if (!to_client) return to_client.error();
  auto to_server = ParseRateFlags(flags, "server", scenario.name);
  if (!to_server) return to_server.error();
  scenario.impair_to_client.corrupt = *to_client;
  scenario.impair_to_server.corrupt = *to_server;
  return {};
}

/// droplist: --drops_to_client / --drops_to_server index lists (each optional, default empty).
Status ParseDroplist(FlagSet& flags, Scenario& scenario) {
  if (Status s = ParseBottleneck(flags, scenario); !s) return s;
  auto to_client = OptionalValue<std::vector<uint64_t>>(flags, "drops_to_client", ParseIndexList);
  if (!to_client) return to_client.error();
  auto to_server = OptionalValue<std::vector<uint64_t>>(flags, "drops_to_server", ParseIndexList);
  if (!to_server) return to_server.error();
  scenario.impair_to_client.droplist = to_client->value_or(std::vector<uint64_t>{});
  scenario.impair_to_server.droplist = to_server->value_or(std::vector<uint64_t>{});
  return {};
}

Result<BlackholeDirection> ParseBlackholeDirection(std::string_view text) {
  if (text == "both") return BlackholeDirection::kBoth;
  if (text == "toclient") return BlackholeDirection::kToClient;
  if (text == "toserver") return BlackholeDirection::kToServer;
  return Fail(Error::kInvalidArgument, "bad --direction (want both, toclient or toserver)",
              std::string(text));
}

/// A duration that must be > 0 (blackhole periods).
Result<std::chrono::nanoseconds> ParsePositiveDuration(std::string_view text) {
  Result<std::chrono::nanoseconds> d = ParseDuration(text);
  if (d && d->count() == 0)
    return Fail(Error::kInvalidArgument, "duration must be > 0", std::string(text));
  return d;
}

/// blackhole: --on, --off (required), --repeat (default 1), --direction (default both).
Status ParseBlackhole(FlagSet& flags, Scenario& scenario) {
  if (Status s = ParseBottleneck(flags, scenario); !s) return s;
  BlackholeConfig config;
  auto on =
      RequiredValue<std::chrono::nanoseconds>(flags, "on", scenario.name, ParsePositiveDuration);
  if (!on) return on.error();
  auto off =
      RequiredValue<std::chrono::nanoseconds>(flags, "off", scenario.name, ParsePositiveDuration);
  if (!off) return off.error();
  auto repeat = OptionalValue<uint32_t>(flags, "repeat", ParseCount);
  if (!repeat) return repeat.error();
  if (repeat->value_or(1) == 0) return Fail(Error::kInvalidArgument, "--repeat must be >= 1", "0");
  auto direction = OptionalValue<BlackholeDirection>(flags, "direction", ParseBlackholeDirection);
  if (!direction) return direction.error();
  scenario.blackhole = BlackholeConfig{.on = *on,
                                       .off = *off,
                                       .repeat = repeat->value_or(1),
                                       .direction = direction->value_or(BlackholeDirection::kBoth)};
  return {};
}

/// rebind: --first-rebind (required), --rebind-freq (optional), --rebind-addr (bare flag).
Status ParseRebind(FlagSet& flags, Scenario& scenario) {
  if (Status s = ParseBottleneck(flags, scenario); !s) return s;
  auto first =
      RequiredValue<std::chrono::nanoseconds>(flags, "first-rebind", scenario.name, ParseDuration);
  if (!first) return first.error();
  auto freq = OptionalValue<std::chrono::nanoseconds>(flags, "rebind-freq", ParseDuration);
  if (!freq) return freq.error();
  Result<bool> addr = FlagBool(flags, "rebind-addr");
  if (!addr) return addr.error();
  scenario.rebind = RebindConfig{.first_rebind = *first,
                                 .rebind_freq = freq->value_or(std::chrono::nanoseconds(0)),
                                 .rebind_addr = *addr};
  return {};
}

/// One supported scenario (ninja's kTools[] pattern).
struct ScenarioEntry {
  std::string_view name;
  Status (*parse)(FlagSet& flags, Scenario& scenario);  ///< takes its flags, fills the scenario
};

constexpr ScenarioEntry kScenarios[] = {
    {"simple-p2p", ParseSimpleP2p},     {"drop-rate", ParseDropRate},
    {"corrupt-rate", ParseCorruptRate}, {"droplist", ParseDroplist},
    {"blackhole", ParseBlackhole},      {"rebind", ParseRebind},
};

}  // namespace

Result<std::chrono::nanoseconds> ParseDuration(std::string_view text) {
  Result<Decimal> d = SplitNumber(text, "duration");
  if (!d) return d.error();
  if (d->unit.empty())
    return Fail(Error::kInvalidArgument, "duration needs a unit (ns, us, ms, s)",
                std::string(text));
  for (const Unit& unit : kTimeUnits) {
    if (unit.suffix != d->unit) continue;
    std::optional<uint64_t> ns = Scale(*d, unit.multiplier);
    if (!ns) return Fail(Error::kInvalidArgument, "duration too large", std::string(text));
    return std::chrono::nanoseconds(static_cast<int64_t>(*ns));
  }
  return Fail(Error::kInvalidArgument, "bad duration unit (want ns, us, ms, s)", std::string(text));
}

Result<uint64_t> ParseDataRate(std::string_view text) {
  Result<Decimal> d = SplitNumber(text, "data rate");
  if (!d) return d.error();
  std::optional<uint64_t> multiplier = RateMultiplier(d->unit);
  if (!multiplier)
    return Fail(Error::kInvalidArgument, "bad data rate unit (want e.g. 10Mbps)",
                std::string(text));
  std::optional<uint64_t> bps = Scale(*d, *multiplier);
  if (!bps) return Fail(Error::kInvalidArgument, "data rate too large", std::string(text));
  if (*bps == 0) return Fail(Error::kInvalidArgument, "data rate must be > 0", std::string(text));
  return *bps;
}

Result<uint64_t> ParseBandwidth(std::string_view text) {
  if (text == "unlimited") return uint64_t{0};
  return ParseDataRate(text);
}

Result<uint32_t> ParsePercent(std::string_view text) {
  Result<Decimal> d = SplitNumber(text, "percentage");
  if (!d || !d->unit.empty() || d->fraction_digits > 0 || d->integer > 100) {
    return Fail(Error::kInvalidArgument, "bad rate (want an integer percentage 0..100)",
                std::string(text));
  }
  return static_cast<uint32_t>(d->integer);
}

Result<std::vector<uint64_t>> ParseIndexList(std::string_view text) {
  std::vector<uint64_t> indices;
  if (text.empty()) return indices;  // "--drops_to_client=": nothing to drop
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    Result<Decimal> d = SplitNumber(item, "packet index");
    if (!d || !d->unit.empty() || d->fraction_digits > 0 || d->integer == 0) {
      return Fail(Error::kInvalidArgument, "bad packet index (want 1-based integers, e.g. 1,2,5)",
                  std::string(item));
    }
    indices.push_back(d->integer);
    start = comma + 1;
  }
  std::sort(indices.begin(), indices.end());
  indices.erase(std::unique(indices.begin(), indices.end()), indices.end());
  return indices;
}

Result<size_t> ParseQueuePackets(std::string_view text) {
  std::string_view digits = text.ends_with('p') ? text.substr(0, text.size() - 1) : text;
  Result<Decimal> d = SplitNumber(digits, "queue size");
  if (!d || !d->unit.empty() || d->fraction_digits > 0) {
    return Fail(Error::kInvalidArgument, "bad queue size (want packets, e.g. 25)",
                std::string(text));
  }
  if (d->integer == 0 || d->integer > kMaxQueuePackets) {
    return Fail(Error::kInvalidArgument,
                "queue size must be 1.." + std::to_string(kMaxQueuePackets), std::string(text));
  }
  return static_cast<size_t>(d->integer);
}

Result<Scenario> ParseScenario(std::string_view text) {
  std::vector<std::string_view> tokens = SplitWhitespace(text);
  if (tokens.empty()) return Fail(Error::kInvalidArgument, "empty scenario");
  Scenario scenario;
  scenario.name = std::string(tokens.front());
  const ScenarioEntry* entry = nullptr;
  for (const ScenarioEntry& e : kScenarios) {
    if (e.name == scenario.name) entry = &e;
  }
  if (entry == nullptr) return Fail(Error::kInvalidArgument, "unknown scenario", scenario.name);
  Result<FlagSet> flags = FlagSet::Parse({tokens.begin() + 1, tokens.end()});
  if (!flags) return flags.error();
  if (Status s = entry->parse(*flags, scenario); !s) return s.error();
  if (Status s = flags->CheckAllUsed(scenario.name); !s) return s.error();
  return scenario;
}

}  // namespace qir::sim

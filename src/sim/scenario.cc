// Parses the reference simulator's scenario strings into typed config (scenario.h).
// Semantics follow quic-network-simulator's sim/scenarios/*/ (ns-3 CommandLine flags,
// ns-3 Time and DataRate unit strings); see interop-runner-facts.md §4. Each scenario
// is one row of kScenarios (name → parser), so new scenarios add a parser, not a branch.
#include "sim/scenario.h"

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

  /// The flag named `key`, marked used; nullptr when absent.
  Flag* Take(std::string_view key) {
    for (Flag& flag : flags_) {
      if (flag.key == key) {
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
  auto rate = RequiredValue<uint64_t>(flags, "bandwidth", scenario.name, ParseDataRate);
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

/// One supported scenario (ninja's kTools[] pattern).
struct ScenarioEntry {
  std::string_view name;
  Status (*parse)(FlagSet& flags, Scenario& scenario);  ///< takes its flags, fills the scenario
};

constexpr ScenarioEntry kScenarios[] = {
    {"simple-p2p", ParseSimpleP2p},
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

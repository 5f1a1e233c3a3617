// `qir sim`: the user-space link emulator the runner starts inside a cell's sim
// namespace (ARCHITECTURE.md, src/sim). Parses flags and the reference scenario
// string (interop-runner-facts.md §4), prints the seed, runs the simulator until
// SIGTERM/SIGINT and prints per-direction counters. Every impairment decision is one
// line of stderr ("drop to_server #12 drop-rate udp=10 size=1252", "corrupt ...",
// "rebind ...", "blackhole window=..."), so a failing test is explained by the log. Exit: 0 ok, 1
// runtime failure, 2 bad flags or scenario (checked before anything needs root).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cli/commands.h"
#include "sim/scenario.h"
#include "sim/simulator.h"
#include "util/temp_file.h"

namespace qir::cli {
namespace {

/// The flags of `qir sim`, with the runner's defaults.
struct SimFlags {
  std::string scenario;         ///< reference scenario string, e.g. "simple-p2p --delay=15ms ..."
  std::string left = "left";    ///< veth facing the client
  std::string right = "right";  ///< veth facing the server
  std::string pcap_left;        ///< empty = no client-side capture
  std::string pcap_right;       ///< empty = no server-side capture
  std::string ready_file;       ///< empty = none
  std::string done_file;        ///< empty = none
  uint64_t seed = 0;            ///< only meaningful when seed_given
  bool seed_given = false;
  bool no_realtime = false;  ///< skip SCHED_FIFO
};

/// Fills `flags` from argv; returns the exit code when the command should stop (help: 0, error: 2).
std::optional<int> ParseFlags(int argc, char** argv, SimFlags& flags) {
  CLI::App app{"Run the network simulator between two interfaces of the current namespace.",
               "qir sim"};
  app.add_option(
         "--scenario", flags.scenario,
         "reference scenario, e.g. \"simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25\"")
      ->required();
  app.add_option("--left", flags.left, "interface facing the client")->capture_default_str();
  app.add_option("--right", flags.right, "interface facing the server")->capture_default_str();
  app.add_option("--pcap-left", flags.pcap_left, "client-side capture (trace_node_left.pcap)");
  app.add_option("--pcap-right", flags.pcap_right, "server-side capture (trace_node_right.pcap)");
  app.add_option("--ready-file", flags.ready_file,
                 "file written with \"ready\" once forwarding is in place");
  app.add_option("--done-file", flags.done_file,
                 "file written with \"done\" once a stop signal's drain is over and both pcaps and the log are "
                 "complete (before the sockets are closed, which takes the kernel tens of ms)");
  app.add_flag("--no-realtime", flags.no_realtime,
               "do not try SCHED_FIFO (timing may jitter on a busy host)");
  CLI::Option* seed = app.add_option("--seed", flags.seed,
                                     "seed for random impairments (default: random, printed)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help
    std::fprintf(stderr, "qir sim: %s\n", e.what());
    return 2;
  }
  flags.seed_given = seed->count() > 0;
  return std::nullopt;
}

uint64_t RandomSeed() {
  std::random_device device;
  return (static_cast<uint64_t>(device()) << 32) | device();
}

void PrintLink(const char* direction, const sim::LinkConfig& link) {
  fmt::print(stderr, "qir sim: {} delay={}us rate={}bps{} queue={}p\n", direction,
             std::chrono::duration_cast<std::chrono::microseconds>(link.delay).count(),
             link.rate_bps, link.rate_bps == 0 ? " (unlimited)" : "", link.queue_packets);
}

std::string RateText(const sim::RateImpairment& rate) {
  if (rate.max_burst == UINT32_MAX) return fmt::format("{}%", rate.rate_percent);
  return fmt::format("{}% burst<={}", rate.rate_percent, rate.max_burst);
}

std::string IndexList(const std::vector<uint64_t>& indices) {
  std::string out;
  for (uint64_t i : indices) out += (out.empty() ? "" : ",") + std::to_string(i);
  return out.empty() ? "-" : out;
}

/// One line per configured impairment, so the log states what the decisions follow.
void PrintImpairments(const sim::Scenario& s) {
  for (auto [name, impair] :
       {std::pair{"to_server", &s.impair_to_server}, std::pair{"to_client", &s.impair_to_client}}) {
    if (impair->drop.rate_percent > 0)
      fmt::print(stderr, "qir sim: {} drop-rate {}\n", name, RateText(impair->drop));
    if (impair->corrupt.rate_percent > 0)
      fmt::print(stderr, "qir sim: {} corrupt-rate {}\n", name, RateText(impair->corrupt));
    if (!impair->droplist.empty())
      fmt::print(stderr, "qir sim: {} droplist {}\n", name, IndexList(impair->droplist));
  }
  if (s.blackhole) {
    static constexpr const char* kDirections[] = {"both", "toclient", "toserver"};
    fmt::print(stderr, "qir sim: blackhole on={}us off={}us repeat={} direction={}\n",
               s.blackhole->on.count() / 1000, s.blackhole->off.count() / 1000, s.blackhole->repeat,
               kDirections[static_cast<int>(s.blackhole->direction)]);
  }
  if (s.rebind) {
    fmt::print(stderr, "qir sim: rebind first={}us freq={}us addr={}\n",
               s.rebind->first_rebind.count() / 1000, s.rebind->rebind_freq.count() / 1000,
               s.rebind->rebind_addr);
  }
}

}  // namespace

int SimCommand(int argc, char** argv) {
  SimFlags flags;
  if (std::optional<int> code = ParseFlags(argc, argv, flags)) return *code;
  Result<sim::Scenario> scenario = sim::ParseScenario(flags.scenario);
  if (!scenario) {
    fmt::print(stderr, "qir sim: bad --scenario: {}\n", scenario.error().Text());
    return 2;
  }
  sim::SimulatorConfig config{.scenario = *scenario,
                              .left_interface = flags.left,
                              .right_interface = flags.right,
                              .pcap_left = flags.pcap_left,
                              .pcap_right = flags.pcap_right,
                              .ready_file = flags.ready_file,
                              .seed = flags.seed_given ? flags.seed : RandomSeed(),
                              .realtime = !flags.no_realtime};
  fmt::print(stderr, "qir sim: seed {}\n", config.seed);
  fmt::print(stderr, "qir sim: scenario {}\n", scenario->name);
  PrintLink("to_server", scenario->to_server);
  PrintLink("to_client", scenario->to_client);
  PrintImpairments(*scenario);
  Result<std::unique_ptr<sim::Simulator>> simulator = sim::Simulator::Create(config);
  if (!simulator) {
    fmt::print(stderr, "qir sim: {}\n", simulator.error().Text());
    return 1;
  }
  Status run = (*simulator)->Run();
  fmt::print(stderr, "{}", (*simulator)->Summary());
  if (!run) {
    fmt::print(stderr, "qir sim: {}\n", run.error().Text());
    return 1;
  }
  std::fflush(stderr);
  if (!flags.done_file.empty()) {
    if (Status s = util::WriteFileAtomically(flags.done_file, "done\n"); !s.ok()) {
      fmt::print(stderr, "qir sim: {}\n", s.error().Text());
      return 1;
    }
  }
  return 0;
}

}  // namespace qir::cli

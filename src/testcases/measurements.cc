// goodput (G), crosstraffic (C) as the reference defines them (testcases_quic.py,
// MEASUREMENTS), and qir's goodput-100m / goodput-1g: the same 15 ms delay with
// the queue scaled to the bandwidth-delay product (25 packets at 10 Mbit/s is
// ~1 BDP of 1500-byte packets over the 30 ms RTT) and a file that takes ≥ 5 s.
#include "testcases/registry.h"

#include "testcases/checks.h"

namespace qir::testcases {

namespace {

/// What varies between the measurements; every one transfers one file checked like goodput's.
struct Shape {
  const char* name;
  const char* abbr;
  const char* desc;
  const char* scenario;
  int timeout_s;
  uint64_t mib;       ///< file size, MiB
  uint64_t link_bps;  ///< the scenario's bandwidth
  bool cross_traffic = false;
  bool needs_sim_headroom = false;
};

Measurement Make(const Shape& s) {
  return {.test = {.name = s.name, .abbr = s.abbr, .desc = s.desc, .server_testcase = "transfer",
                   .client_testcase = "transfer", .scenario = s.scenario, .timeout = std::chrono::seconds(s.timeout_s),
                   .files = {.sizes = {s.mib * kMiB}}, .check = CheckTransferLike},
          .cross_traffic = s.cross_traffic,
          .link_bps = s.link_bps,
          .needs_sim_headroom = s.needs_sim_headroom};
}

}  // namespace

const Measurement kGoodput = Make({.name = "goodput", .abbr = "G",
                                   .desc = "Measures connection goodput over a 10Mbps link.",
                                   .scenario = kDefaultScenario, .timeout_s = 60, .mib = 10, .link_bps = 10'000'000});

const Measurement kCrossTraffic = Make(
    {.name = "crosstraffic", .abbr = "C",
     .desc = "Measures goodput over a 10Mbps link when competing with a TCP (cubic) connection.",
     .scenario = kDefaultScenario, .timeout_s = 180, .mib = 25, .link_bps = 10'000'000, .cross_traffic = true});

// 100 Mbit/s × 30 ms = 375 kB ≈ 250 packets of 1500 bytes; 100 MiB ≈ 8.4 s at line rate.
const Measurement kGoodput100m = Make(
    {.name = "goodput-100m", .abbr = "G100",
     .desc = "qir extension: goodput over a 100Mbps link (15 ms delay, queue of one bandwidth-delay product).",
     .scenario = "simple-p2p --delay=15ms --bandwidth=100Mbps --queue=250", .timeout_s = 120, .mib = 100,
     .link_bps = 100'000'000, .needs_sim_headroom = true});

// 1 Gbit/s × 30 ms = 3.75 MB ≈ 2500 packets; 640 MiB ≈ 5.4 s at line rate (captures of both
// sides stay ~1.4 GB per repetition).
const Measurement kGoodput1g = Make(
    {.name = "goodput-1g", .abbr = "G1G",
     .desc = "qir extension: goodput over a 1Gbps link (15 ms delay, queue of one bandwidth-delay product).",
     .scenario = "simple-p2p --delay=15ms --bandwidth=1Gbps --queue=2500", .timeout_s = 180, .mib = 640,
     .link_bps = 1'000'000'000, .needs_sim_headroom = true});

const std::vector<const Measurement*>& AllMeasurements() {
  static const std::vector<const Measurement*> kAll = {&kGoodput, &kCrossTraffic, &kGoodput100m, &kGoodput1g};
  return kAll;
}

const Measurement* FindMeasurement(const std::string& name) {
  for (const Measurement* m : AllMeasurements()) {
    if (name == m->test.name) return m;
  }
  return nullptr;
}

}  // namespace qir::testcases

// goodput (G), crosstraffic (C) as the reference defines them (testcases_quic.py,
// MEASUREMENTS), and qir's goodput-100m / goodput-1g: the same 15 ms delay with
// the queue scaled to the bandwidth-delay product (25 packets at 10 Mbit/s is
// ~1 BDP of 1500-byte packets over the 30 ms RTT) and a file that takes ≥ 5 s.
#include "testcases/registry.h"

#include "testcases/checks.h"

namespace qir::testcases {

const Measurement kGoodput = {
    .test = {.name = "goodput",
             .abbr = "G",
             .desc = "Measures connection goodput over a 10Mbps link.",
             .server_testcase = "transfer",
             .client_testcase = "transfer",
             .scenario = kDefaultScenario,
             .timeout = kDefaultTimeout,
             .files = {.sizes = {10 * kMiB}},
             .check = CheckTransferLike},
    .link_bps = 10'000'000,
};

const Measurement kCrossTraffic = {
    .test = {.name = "crosstraffic",
             .abbr = "C",
             .desc = "Measures goodput over a 10Mbps link when competing with a TCP (cubic) connection.",
             .server_testcase = "transfer",
             .client_testcase = "transfer",
             .scenario = kDefaultScenario,
             .timeout = std::chrono::seconds(180),
             .files = {.sizes = {25 * kMiB}},
             .check = CheckTransferLike},
    .cross_traffic = true,
    .link_bps = 10'000'000,
};

namespace {

/// qir's goodput at a faster link: a transfer of `mib` MiB, checked like goodput's.
Measurement FastGoodput(const char* name, const char* abbr, const char* desc, const char* scenario, int timeout_s,
                        uint64_t mib, uint64_t link_bps) {
  return {.test = {.name = name, .abbr = abbr, .desc = desc, .server_testcase = "transfer",
                   .client_testcase = "transfer", .scenario = scenario, .timeout = std::chrono::seconds(timeout_s),
                   .files = {.sizes = {mib * kMiB}}, .check = CheckTransferLike},
          .link_bps = link_bps,
          .needs_sim_headroom = true};
}

}  // namespace

// 100 Mbit/s × 30 ms = 375 kB ≈ 250 packets of 1500 bytes; 100 MiB ≈ 8.4 s at line rate.
const Measurement kGoodput100m = FastGoodput(
    "goodput-100m", "G100",
    "qir extension: goodput over a 100Mbps link (15 ms delay, queue of one bandwidth-delay product).",
    "simple-p2p --delay=15ms --bandwidth=100Mbps --queue=250", 120, 100, 100'000'000);

// 1 Gbit/s × 30 ms = 3.75 MB ≈ 2500 packets; 640 MiB ≈ 5.4 s at line rate (captures of both
// sides stay ~1.4 GB per repetition).
const Measurement kGoodput1g = FastGoodput(
    "goodput-1g", "G1G",
    "qir extension: goodput over a 1Gbps link (15 ms delay, queue of one bandwidth-delay product).",
    "simple-p2p --delay=15ms --bandwidth=1Gbps --queue=2500", 180, 640, 1'000'000'000);

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

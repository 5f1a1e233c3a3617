// The measurements (interop-runner-facts.md §2): a test case run several times
// as complete cells, each repetition checked like a transfer, whose figure is the
// goodput seen in the client-side trace. goodput and crosstraffic are the
// reference's; goodput-100m and goodput-1g are qir's extensions past the
// reference's 10 Mbit/s ceiling.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "testcases/test_case.h"

namespace qir::testcases {

/// One measurement: the cell each repetition runs and how many there are.
struct Measurement {
  TestCase test;              ///< name, abbreviation, TESTCASE values, scenario, timeout, file, check
  int repetitions = 5;        ///< the reference's 5; the first one not succeeding ends the series
  bool cross_traffic = false; ///< a TCP Cubic bulk flow server side → client side for the whole repetition
  uint64_t link_bps = 0;      ///< bottleneck rate of the scenario, bits/s (for link utilisation)
  /// qir extension past the reference's 10 Mbit/s: reported only when the simulator kept up
  /// (its CPU share and drop counters are checked per repetition).
  bool needs_sim_headroom = false;
};

/// The measurements themselves are listed in registry.h, beside the test cases.

}  // namespace qir::testcases

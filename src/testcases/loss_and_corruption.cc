// The loss and corruption family: handshakeloss (L1), transferloss (L2),
// handshakecorruption (C1), transfercorruption (C2). One check per shape,
// four links. The handshake variants open one connection per file (50) and
// count only handshakes the client continued (CountCompletedHandshakes), so a
// server connection born from a corrupted Initial is not miscounted.
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

constexpr int kConnections = 50;

Verdict CheckManyHandshakes(const CheckInput& in) {
  if (int got = CountCompletedHandshakes(*in.server_side, *in.client_side); got != kConnections) {
    return Verdict::Failed(fmt::format("expected {} completed handshakes, saw {} ({} server Initial SCIDs in all)",
                                       kConnections, got, CountHandshakes(*in.server_side)));
  }
  return CheckVersionAndFiles(in);
}

constexpr std::chrono::seconds kLongTimeout{300};

}  // namespace

const TestCase kHandshakeLoss = {
    .name = "handshakeloss",
    .abbr = "L1",
    .desc = "Handshake completes under extreme packet loss.",
    .server_testcase = "multiconnect",
    .client_testcase = "multiconnect",
    .scenario = "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=30 --rate_to_client=30 "
                "--burst_to_server=3 --burst_to_client=3",
    .timeout = kLongTimeout,
    .files = {.sizes = std::vector<uint64_t>(kConnections, 1 * kKiB)},
    .check = CheckManyHandshakes,
};

const TestCase kTransferLoss = {
    .name = "transferloss",
    .abbr = "L2",
    .desc = "Transfer completes under moderate packet loss.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = "drop-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=2 --rate_to_client=2 "
                "--burst_to_server=3 --burst_to_client=3",
    .timeout = kDefaultTimeout,
    .files = {.sizes = {2 * kMiB}},
    .check = CheckTransferLike,
};

const TestCase kHandshakeCorruption = {
    .name = "handshakecorruption",
    .abbr = "C1",
    .desc = "Handshake completes under extreme packet corruption.",
    .server_testcase = "multiconnect",
    .client_testcase = "multiconnect",
    .scenario = "corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=30 --rate_to_client=30 "
                "--burst_to_server=3 --burst_to_client=3",
    .timeout = kLongTimeout,
    .files = {.sizes = std::vector<uint64_t>(kConnections, 1 * kKiB)},
    .check = CheckManyHandshakes,
};

const TestCase kTransferCorruption = {
    .name = "transfercorruption",
    .abbr = "C2",
    .desc = "Transfer completes under moderate packet corruption.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = "corrupt-rate --delay=15ms --bandwidth=10Mbps --queue=25 --rate_to_server=2 --rate_to_client=2 "
                "--burst_to_server=3 --burst_to_client=3",
    .timeout = kDefaultTimeout,
    .files = {.sizes = {2 * kMiB}},
    .check = CheckTransferLike,
};

}  // namespace qir::testcases

// blackhole (B): the link drops everything for 2 s after 5 s of a 10 MiB
// transfer; the connection must survive.
#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {

const TestCase kBlackhole = {
    .name = "blackhole",
    .abbr = "B",
    .desc = "Transfer succeeds despite underlying network blacking out for a few seconds.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = "blackhole --delay=15ms --bandwidth=10Mbps --queue=25 --on=5s --off=2s",
    .timeout = kDefaultTimeout,
    .files = {.sizes = {10 * kMiB}},
    .check = CheckTransferLike,
};

}  // namespace qir::testcases

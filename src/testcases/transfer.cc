// transfer (DC): 2, 3 and 5 MiB over one connection; flow control and stream
// multiplexing must work.
#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

}  // namespace

const TestCase kTransfer = {
    .name = "transfer",
    .abbr = "DC",
    .desc = "Stream data is being sent and received correctly. Connection close completes with a zero error code.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {2 * kMiB, 3 * kMiB, 5 * kMiB}},
    .check = CheckTransferLike,
};

}  // namespace qir::testcases

// http3 (3): three files over HTTP/3 on one connection.
#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {

const TestCase kHttp3 = {
    .name = "http3",
    .abbr = "3",
    .desc = "An H3 transaction succeeded.",
    .server_testcase = "http3",
    .client_testcase = "http3",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {5 * kKiB, 10 * kKiB, 500 * kKiB}},
    .check = CheckTransferLike,
};

}  // namespace qir::testcases

// rebind-port (BP) and rebind-addr (BA): a NAT in the simulator gives the
// client's flow a new port (and address) after 1 s, then every 5 s; the
// server must validate each new path and the transfer must complete.
#include "testcases/checks.h"
#include "testcases/path_checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

Verdict CheckRebindPort(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckTransferLike(in); !v.passed()) return v;
  return CheckPathValidation(in);
}

Verdict CheckRebindAddr(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckTransferLike(in); !v.passed()) return v;
  if (Verdict v = CheckSeveralClientAddresses(in); !v.passed()) return v;
  return CheckPathValidation(in);
}

}  // namespace

const TestCase kRebindPort = {
    .name = "rebind-port",
    .abbr = "BP",
    .desc = "Transfer completes under frequent port rebindings on the client side.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s",
    .timeout = kDefaultTimeout,
    .files = {.sizes = {10 * kMiB}},
    .check = CheckRebindPort,
};

const TestCase kRebindAddr = {
    .name = "rebind-addr",
    .abbr = "BA",
    .desc = "Transfer completes under frequent IP address and port rebindings on the client side.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = "rebind --delay=15ms --bandwidth=10Mbps --queue=25 --first-rebind=1s --rebind-freq=5s --rebind-addr",
    .timeout = kDefaultTimeout,
    .files = {.sizes = {10 * kMiB}},
    .check = CheckRebindAddr,
};

}  // namespace qir::testcases

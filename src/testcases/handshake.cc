// handshake (H): a 1 KiB download over one connection, without Retry.
#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

Verdict CheckHandshake(const CheckInput& in) {
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  if (RetrySeen(*in.client_side)) return Verdict::Failed("server sent a Retry, the handshake test forbids it");
  return CheckHandshakeCount(in, 1);
}

}  // namespace

const TestCase kHandshake = {
    .name = "handshake",
    .abbr = "H",
    .desc = "Handshake completes successfully.",
    .server_testcase = "handshake",
    .client_testcase = "handshake",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {1 * kKiB}},
    .check = CheckHandshake,
};

}  // namespace qir::testcases

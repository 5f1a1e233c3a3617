// ipv6 (6): the transfer test over IPv6 only.
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

Verdict CheckIpv6(const CheckInput& in) {
  if (Verdict v = CheckTransferLike(in); !v.passed()) return v;
  size_t v4 = 0;
  for (const trace::Packet& p : in.server_side->packets) {
    if (p.direction == trace::Direction::kServerToClient && p.src.family == 4) ++v4;
  }
  if (v4 > 0) return Verdict::Failed(fmt::format("the server sent {} QUIC packet(s) over IPv4", v4));
  return Verdict::Passed();
}

}  // namespace

const TestCase kIpv6 = {
    .name = "ipv6",
    .abbr = "6",
    .desc = "A transfer across an IPv6-only network succeeded.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {5 * kKiB, 10 * kKiB}},
    .url_prefix = "https://server6:443/",
    .check = CheckIpv6,
};

}  // namespace qir::testcases

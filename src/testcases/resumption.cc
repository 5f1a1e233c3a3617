// resumption (R): a second connection resumes the first one's TLS session, so
// the server sends its Certificate only on the first.
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

Verdict CheckResumption(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckHandshakeCount(in, 2); !v.passed()) return v;
  std::vector<const trace::Connection*> served;
  for (const trace::Connection& c : in.server_side->connections) {
    if (c.server_hello) served.push_back(&c);
  }
  if (served.size() != 2) {
    return Verdict::Failed(fmt::format("expected 2 connections with a ServerHello, saw {}", served.size()));
  }
  if (!served.front()->certificate) return Verdict::Failed("the first connection carries no server Certificate");
  if (served.back()->certificate) {
    return Verdict::Failed("the second connection sent a Certificate again: the session was not resumed");
  }
  return CheckVersionAndFiles(in);
}

}  // namespace

const TestCase kResumption = {
    .name = "resumption",
    .abbr = "R",
    .desc = "Connection is established using TLS Session Resumption.",
    .server_testcase = "resumption",
    .client_testcase = "resumption",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {5 * kKiB, 10 * kKiB}},
    .check = CheckResumption,
};

}  // namespace qir::testcases

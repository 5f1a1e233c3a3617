// ecn (E): both endpoints mark their packets ECT(0) or ECT(1) (never CE) and
// report ECN counts in ACK frames (RFC 9000 §13.4). Unmarked packets are
// allowed, as in the reference since its PR #394.
#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

/// IP ECN codepoints (RFC 3168 §5).
constexpr uint8_t kEct1 = 0x01, kEct0 = 0x02, kCe = 0x03;

Verdict CheckSide(const trace::Trace& t, trace::Direction d, const std::string& who) {
  bool marked = false, acked_with_counts = false;
  for (const trace::Packet& p : t.packets) {
    if (p.direction != d) continue;
    if (p.ecn == kCe) return Verdict::Failed("the " + who + " sent a packet marked CE");
    marked = marked || p.ecn == kEct0 || p.ecn == kEct1;
    for (const trace::Frame& f : p.frames) acked_with_counts = acked_with_counts || f.has_ecn_counts;
  }
  if (!marked) return Verdict::Failed("the " + who + " marked none of its packets ECT(0) or ECT(1)");
  if (!acked_with_counts) return Verdict::Failed("the " + who + " sent no ACK frame with ECN counts");
  return Verdict::Passed();
}

Verdict CheckEcn(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  if (RetrySeen(*in.client_side)) return Verdict::Failed("server sent a Retry, the ecn test forbids it");
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  if (Verdict v = CheckSide(*in.client_side, trace::Direction::kClientToServer, "client"); !v.passed()) return v;
  return CheckSide(*in.server_side, trace::Direction::kServerToClient, "server");
}

}  // namespace

const TestCase kEcn = {
    .name = "ecn",
    .abbr = "E",
    .desc = "Explicit Congestion Notification is used by both endpoints.",
    .server_testcase = "ecn",
    .client_testcase = "ecn",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {100 * kKiB}},
    .check = CheckEcn,
};

}  // namespace qir::testcases

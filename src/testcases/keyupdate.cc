// keyupdate (U): the client updates its 1-RTT keys early and the server
// follows (RFC 9001 §6); both sides must be seen sending with key phase 1.
#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

bool SentWithKeyPhase1(const trace::Trace& t, trace::Direction d) {
  for (const trace::Packet* p : SentBy(t, d, trace::PacketType::kOneRtt)) {
    if (p->key_phase == 1) return true;
  }
  return false;
}

Verdict CheckKeyUpdate(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  if (!SentWithKeyPhase1(*in.client_side, trace::Direction::kClientToServer)) {
    return Verdict::Failed("the client never sent a 1-RTT packet with key phase 1 (no key update)");
  }
  if (!SentWithKeyPhase1(*in.server_side, trace::Direction::kServerToClient)) {
    return Verdict::Failed("the server never sent a 1-RTT packet with key phase 1 (it did not follow the key update)");
  }
  return Verdict::Passed();
}

}  // namespace

const TestCase kKeyUpdate = {
    .name = "keyupdate",
    .abbr = "U",
    .desc = "One of the two endpoints updates keys and the peer responds correctly.",
    .server_testcase = "transfer",
    .client_testcase = "keyupdate",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {3 * kMiB}},
    .check = CheckKeyUpdate,
};

}  // namespace qir::testcases

// retry (S): the server sends a Retry, the client repeats its Initial with the
// token and keeps counting packet numbers (RFC 9000 §8.1.2, §17.2.5.3).
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

Verdict CheckRetryExchange(const trace::Trace& client_side) {
  std::set<std::vector<uint8_t>> tokens;
  for (const trace::Packet* p : SentBy(client_side, trace::Direction::kServerToClient, trace::PacketType::kRetry)) {
    if (p->header.token.empty()) return Verdict::Failed("the server's Retry carries no token");
    tokens.insert(p->header.token);
  }
  if (tokens.empty()) return Verdict::Failed("no Retry packet from the server in the client-side trace");
  int64_t highest_without_token = -1;
  const trace::Packet* with_token = nullptr;
  for (const trace::Packet* p : SentBy(client_side, trace::Direction::kClientToServer, trace::PacketType::kInitial)) {
    if (p->header.token.empty()) {
      highest_without_token = std::max(highest_without_token, p->packet_number);
    } else if (tokens.count(p->header.token) && with_token == nullptr) {
      with_token = p;
    }
  }
  if (with_token == nullptr) return Verdict::Failed("no client Initial carries the Retry token");
  if (with_token->packet_number <= highest_without_token) {
    return Verdict::Failed(fmt::format("the Initial with the token has packet number {}, not above {} used before the "
                                       "Retry (the client reset its packet numbers)",
                                       with_token->packet_number, highest_without_token));
  }
  return Verdict::Passed();
}

Verdict CheckRetry(const CheckInput& in) {
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  return CheckRetryExchange(*in.client_side);
}

}  // namespace

const TestCase kRetry = {
    .name = "retry",
    .abbr = "S",
    .desc = "Server sends a Retry, and a subsequent connection using the Retry token completes successfully.",
    .server_testcase = "retry",
    .client_testcase = "retry",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {10 * kKiB}},
    .check = CheckRetry,
};

}  // namespace qir::testcases

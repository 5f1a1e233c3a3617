// zerortt (Z): the second connection sends its requests in 0-RTT. Works
// without keys: it compares the encrypted payload sizes (AEAD tag included, as
// the reference counts them with tshark) of the client's 0-RTT and 1-RTT packets.
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

constexpr size_t kFiles = 40;
constexpr size_t kNameLength = 250;

size_t PayloadBytes(const trace::Trace& t, trace::PacketType type) {
  size_t bytes = 0;
  for (const trace::Packet* p : SentBy(t, trace::Direction::kClientToServer, type)) {
    bytes += p->protected_payload_length;
  }
  return bytes;
}

Verdict CheckZeroRtt(const CheckInput& in) {
  if (Verdict v = CheckHandshakeCount(in, 2); !v.passed()) return v;
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  const size_t zero_rtt = PayloadBytes(*in.client_side, trace::PacketType::kZeroRtt);
  const size_t one_rtt = PayloadBytes(*in.client_side, trace::PacketType::kOneRtt);
  if (zero_rtt == 0) return Verdict::Failed("the client sent no 0-RTT data");
  const size_t limit = kFiles * kNameLength / 2;
  if (one_rtt > limit) {
    return Verdict::Failed(fmt::format("the client sent {} bytes in 1-RTT (limit {}): the requests did not go in 0-RTT",
                                       one_rtt, limit));
  }
  return Verdict::Passed();
}

}  // namespace

const TestCase kZeroRtt = {
    .name = "zerortt",
    .abbr = "Z",
    .desc = "0-RTT data is being sent and acted upon.",
    .server_testcase = "zerortt",
    .client_testcase = "zerortt",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = std::vector<uint64_t>(kFiles, 32), .name_length = kNameLength},
    .check = CheckZeroRtt,
};

}  // namespace qir::testcases

// v2 (V2): the client starts with QUIC v1 and the server switches the
// connection to QUIC v2 (RFC 9368 compatible version negotiation, RFC 9369).
#include "testcases/checks.h"
#include "trace/rfc9369.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

std::set<uint32_t> Versions(const trace::Trace& t, trace::Direction d, trace::PacketType type) {
  std::set<uint32_t> out;
  for (const trace::Packet* p : SentBy(t, d, type)) out.insert(p->header.version);
  return out;
}

Verdict CheckV2(const CheckInput& in) {
  using trace::Direction;
  using trace::PacketType;
  if (!Versions(*in.client_side, Direction::kClientToServer, PacketType::kInitial).count(trace::kVersion1)) {
    return Verdict::Failed("the client's Initials do not start with QUIC v1");
  }
  if (!Versions(*in.server_side, Direction::kServerToClient, PacketType::kInitial).count(trace::kVersion2)) {
    return Verdict::Failed("the server sent no Initial in QUIC v2 (0x6b3343cf)");
  }
  const std::set<uint32_t> only_v2 = {trace::kVersion2};
  if (Versions(*in.client_side, Direction::kClientToServer, PacketType::kHandshake) != only_v2) {
    return Verdict::Failed("the client's Handshake packets are not all QUIC v2");
  }
  if (Versions(*in.server_side, Direction::kServerToClient, PacketType::kHandshake) != only_v2) {
    return Verdict::Failed("the server's Handshake packets are not all QUIC v2");
  }
  return CheckFiles(in.www_dir, in.downloads_dir, in.files);
}

}  // namespace

const TestCase kV2 = {
    .name = "v2",
    .abbr = "V2",
    .desc = "Server should select QUIC v2 in compatible version negotiation.",
    .server_testcase = "v2",
    .client_testcase = "v2",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {1 * kKiB}},
    .check = CheckV2,
};

}  // namespace qir::testcases

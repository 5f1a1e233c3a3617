// longrtt (LR): the handshake over a 1.5 s round trip; the client must
// retransmit its first Initial (RFC 9002 §6.2: its PTO fires before any answer).
#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

/// Client Initials in the client-side trace that (re)start the ClientHello: a CRYPTO frame at offset 0.
int ClientHelloSends(const trace::Trace& client_side) {
  int n = 0;
  for (const trace::Packet* p : SentBy(client_side, trace::Direction::kClientToServer, trace::PacketType::kInitial)) {
    for (const trace::Frame& f : p->frames) {
      if (f.type == static_cast<uint64_t>(trace::FrameType::kCrypto) && f.offset == 0) {
        ++n;
        break;
      }
    }
  }
  return n;
}

Verdict CheckLongRtt(const CheckInput& in) {
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  if (int sends = ClientHelloSends(*in.client_side); sends < 2) {
    return Verdict::Failed("expected the ClientHello to be sent at least twice (retransmission), saw " +
                           std::to_string(sends));
  }
  return Verdict::Passed();
}

}  // namespace

const TestCase kLongRtt = {
    .name = "longrtt",
    .abbr = "LR",
    .desc = "Connection is established over a high-RTT path; the client retransmits its Initial.",
    .server_testcase = "handshake",
    .client_testcase = "handshake",
    .scenario = "simple-p2p --delay=750ms --bandwidth=10Mbps --queue=25",
    .timeout = kDefaultTimeout,
    .files = {.sizes = {1 * kKiB}},
    .check = CheckLongRtt,
};

}  // namespace qir::testcases

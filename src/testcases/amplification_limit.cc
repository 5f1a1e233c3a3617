// amplificationlimit (A): with the client's datagrams 2–7 dropped and a
// certificate chain of ~9 certificates, the server must not send more than 3×
// what it received before the client's address is validated (RFC 9000 §8.1).
// The walk follows the reference: each client Initial datagram adds 3× its
// size (4× tolerated), each server datagram spends its size, the first client
// Handshake packet validates the address.
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

/// The certificate chain must be big enough to need several flights.
constexpr uint64_t kMinServerHandshakeCrypto = 7500;

Verdict WalkBudget(const trace::Trace& server_side) {
  int64_t budget = 0, tolerance = 0;
  size_t last_datagram = static_cast<size_t>(-1);
  for (const trace::Packet& p : server_side.packets) {
    if (p.header.type == trace::PacketType::kVersionNegotiation) return Verdict::Failed("unexpected Version Negotiation");
    if (p.header.type == trace::PacketType::kUnknownVersion) return Verdict::Failed("packet of an unknown QUIC version");
    if (p.direction == trace::Direction::kClientToServer && p.header.type == trace::PacketType::kHandshake) {
      return Verdict::Passed();  // the client's address is validated from here on
    }
    if (p.frame_index == last_datagram) continue;  // one budget step per datagram
    last_datagram = p.frame_index;
    const auto size = static_cast<int64_t>(p.udp_payload_size);
    if (p.direction == trace::Direction::kClientToServer && p.header.type == trace::PacketType::kInitial) {
      budget += 3 * size;
      tolerance += 4 * size;
    } else if (p.direction == trace::Direction::kServerToClient) {
      if (size > tolerance) {
        return Verdict::Failed(fmt::format("server sent a {}-byte datagram with {} bytes of 4× budget left before "
                                           "the client's address was validated", size, tolerance));
      }
      budget -= size;
      tolerance -= size;
    }
  }
  return Verdict::Failed("the client never sent a Handshake packet (address never validated)");
}

Verdict CheckAmplificationLimit(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  uint64_t crypto = 0;
  for (const trace::Connection& c : in.server_side->connections) crypto = std::max(crypto, c.server_handshake_crypto_max_end);
  if (crypto < kMinServerHandshakeCrypto) {
    return Verdict::Failed(fmt::format("server Handshake CRYPTO data ends at {} bytes, expected ≥ {} (large chain)", crypto,
                                       kMinServerHandshakeCrypto));
  }
  return WalkBudget(*in.server_side);
}

}  // namespace

const TestCase kAmplificationLimit = {
    .name = "amplificationlimit",
    .abbr = "A",
    .desc = "The server obeys the 3x amplification limit.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = "droplist --delay=15ms --bandwidth=10Mbps --queue=25 --drops_to_server=2,3,4,5,6,7",
    .timeout = kDefaultTimeout,
    .files = {.sizes = {5 * kKiB}},
    .cert_chain_length = 9,
    .check = CheckAmplificationLimit,
};

}  // namespace qir::testcases

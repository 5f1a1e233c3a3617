// chacha20 (C20): the client offers only TLS_CHACHA20_POLY1305_SHA256, and the
// transfer works with it.
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

/// TLS cipher suite code point (RFC 8446 §B.4).
constexpr uint16_t kTlsChaCha20Poly1305Sha256 = 0x1303;

/// Values in the cipher-suite list that signal rather than offer a cipher:
/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746 §3.3, rustls sends it),
/// TLS_FALLBACK_SCSV (RFC 7507) and GREASE (RFC 8701, 0x?a?a). The reference
/// counts them as offered suites and so fails rustls-based clients; qir does not.
bool IsSignalingValue(uint16_t suite) {
  return suite == 0x00ff || suite == 0x5600 || ((suite & 0x0f0f) == 0x0a0a && (suite >> 12) == ((suite >> 4) & 0xf));
}
Verdict CheckChaCha20(const CheckInput& in) {
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  std::set<uint16_t> offered;
  for (const trace::Connection& c : in.client_side->connections) {
    if (!c.client_hello) continue;
    for (uint16_t suite : c.client_hello->cipher_suites) {
      if (!IsSignalingValue(suite)) offered.insert(suite);
    }
  }
  if (offered.empty()) return Verdict::Failed("no ClientHello found in the client's Initial packets");
  if (offered != std::set<uint16_t>{kTlsChaCha20Poly1305Sha256}) {
    std::string list;
    for (uint16_t s : offered) list += fmt::format("{}{:#06x}", list.empty() ? "" : ", ", s);
    return Verdict::Failed("expected the client to offer only TLS_CHACHA20_POLY1305_SHA256 (0x1303), it offered " + list);
  }
  return CheckVersionAndFiles(in);
}

}  // namespace

const TestCase kChaCha20 = {
    .name = "chacha20",
    .abbr = "C20",
    .desc = "Handshake completes using ChaCha20-Poly1305 as the only cipher suite offered.",
    .server_testcase = "chacha20",
    .client_testcase = "chacha20",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {3 * kMiB}},
    .check = CheckChaCha20,
};

}  // namespace qir::testcases

// multiplexing (M): 1999 small files over one connection while the server
// limits concurrent bidirectional streams (initial_max_streams_bidi ≤ 1000).
#include <fmt/format.h>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

/// RFC 9000 §18.2 initial_max_streams_bidi.
constexpr uint64_t kInitialMaxStreamsBidi = 0x08;
constexpr uint64_t kMaxAllowedStreams = 1000;

Verdict CheckMultiplexing(const CheckInput& in) {
  if (Verdict v = NeedKeys(in); !v.passed()) return v;
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  if (Verdict v = CheckVersionAndFiles(in); !v.passed()) return v;
  for (const trace::Connection& c : in.client_side->connections) {
    if (!c.encrypted_extensions || !c.encrypted_extensions->transport_parameters) continue;
    std::optional<uint64_t> limit = c.encrypted_extensions->transport_parameters->Integer(kInitialMaxStreamsBidi);
    if (!limit) return Verdict::Failed("server did not send initial_max_streams_bidi");
    if (*limit > kMaxAllowedStreams) {
      return Verdict::Failed(fmt::format("server allowed {} bidirectional streams, the test needs at most {}", *limit,
                                         kMaxAllowedStreams));
    }
    return Verdict::Passed();
  }
  return Verdict::Failed("no server transport parameters (EncryptedExtensions) in the client-side trace");
}

}  // namespace

const TestCase kMultiplexing = {
    .name = "multiplexing",
    .abbr = "M",
    .desc = "Thousands of files are transferred over a single connection, and server increased stream limits to accommodate client requests.",
    .server_testcase = "transfer",
    .client_testcase = "transfer",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = std::vector<uint64_t>(1999, 32)},
    .check = CheckMultiplexing,
};

}  // namespace qir::testcases

// versionnegotiation (V): the client starts with a version the server does not
// speak; the server answers with Version Negotiation echoing the client's
// connection IDs (RFC 9000 §17.2.1), and the client either retries with a
// version from that list and completes, or gives up cleanly. Disabled in the
// reference since 2020; qir runs it.
#include <algorithm>

#include "testcases/checks.h"
#include "testcases/registry.h"

namespace qir::testcases {
namespace {

Verdict CheckVersionNegotiation(const CheckInput& in) {
  using trace::Direction;
  using trace::PacketType;
  auto initials = SentBy(*in.client_side, Direction::kClientToServer, PacketType::kInitial);
  auto unknown = SentBy(*in.client_side, Direction::kClientToServer, PacketType::kUnknownVersion);
  auto vns = SentBy(*in.client_side, Direction::kServerToClient, PacketType::kVersionNegotiation);
  if (unknown.empty()) return Verdict::Failed("the client never tried an unknown version first");
  if (vns.empty()) return Verdict::Failed("the server sent no Version Negotiation packet");
  const trace::Packet& first = *unknown.front();
  const trace::Packet& vn = *vns.front();
  if (vn.header.scid != first.header.dcid || vn.header.dcid != first.header.scid) {
    return Verdict::Failed("the Version Negotiation packet does not echo the client's connection IDs");
  }
  std::vector<const trace::Packet*> after;
  for (const trace::Packet* p : initials) {
    if (p->time_ns >= vn.time_ns) after.push_back(p);
  }
  if (after.empty()) {  // the client gave up: that is fine if it saved nothing half-done
    Verdict files = CheckFiles(in.www_dir, in.downloads_dir, {});
    return files.passed() ? Verdict::Passed() : Verdict::Failed("the client gave up but left files: " + files.reason);
  }
  const auto& offered = vn.header.supported_versions;
  if (std::find(offered.begin(), offered.end(), after.front()->header.version) == offered.end()) {
    return Verdict::Failed("the client retried with version " + VersionString(after.front()->header.version) +
                           ", which the server did not offer");
  }
  return CheckFiles(in.www_dir, in.downloads_dir, in.files);
}

}  // namespace

const TestCase kVersionNegotiation = {
    .name = "versionnegotiation",
    .abbr = "V",
    .desc = "A version negotiation packet is elicited and acted on.",
    .server_testcase = "versionnegotiation",
    .client_testcase = "versionnegotiation",
    .scenario = kDefaultScenario,
    .timeout = kDefaultTimeout,
    .files = {.sizes = {1 * kKiB}},
    .check = CheckVersionNegotiation,
};

}  // namespace qir::testcases

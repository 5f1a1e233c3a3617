// Path-validation checks (path_checks.h), as the reference's rebind and
// migration tests define them.
#include "testcases/path_checks.h"

#include <fmt/format.h>

#include <map>
#include <set>
#include <tuple>

#include "testcases/checks.h"

namespace qir::testcases {
namespace {

using Path = std::tuple<std::string, uint16_t, std::string, uint16_t>;
using PathData = std::array<uint8_t, 8>;

Path PathOf(const trace::Packet& p) { return {p.src.ToString(), p.src_port, p.dst.ToString(), p.dst_port}; }

bool Has(const trace::Packet& p, trace::FrameType type, PathData* data = nullptr) {
  for (const trace::Frame& f : p.frames) {
    if (f.type == static_cast<uint64_t>(type)) {
      if (data != nullptr) *data = f.path_data;
      return true;
    }
  }
  return false;
}

std::string Hex(const PathData& d) {
  std::string s;
  for (uint8_t b : d) s += fmt::format("{:02x}", b);
  return s;
}

}  // namespace

Verdict CheckPathValidation(const CheckInput& in) {
  std::set<Path> paths;
  std::map<Path, std::vector<PathData>> challenges;  // new path → challenges the server sent on it
  Path first_path;
  for (const trace::Packet& p : in.server_side->packets) {
    if (p.direction != trace::Direction::kServerToClient) continue;
    if (paths.empty()) first_path = PathOf(p);
    PathData data{};
    if (Has(p, trace::FrameType::kPathChallenge, &data) && PathOf(p) != first_path) {
      challenges[PathOf(p)].push_back(data);
    }
    if (!paths.insert(PathOf(p)).second || paths.size() == 1) continue;
    if (!Has(p, trace::FrameType::kPathChallenge)) {
      return Verdict::Failed(fmt::format("the server's first packet to new path {}:{} carries no PATH_CHALLENGE",
                                         p.dst.ToString(), p.dst_port));
    }
  }
  if (paths.size() < 2) {
    return Verdict::Failed("the server used only one path; the rebinding or migration never took effect");
  }
  std::set<PathData> responses;
  for (const trace::Packet& p : in.client_side->packets) {
    PathData data{};
    if (p.direction == trace::Direction::kClientToServer && Has(p, trace::FrameType::kPathResponse, &data)) {
      responses.insert(data);
    }
  }
  // Each new path must be validated: one of its challenges answered. A challenge sent to
  // a path the NAT has already abandoned cannot arrive, so it is not required (the
  // reference requires every challenge answered and so fails servers that also probe
  // the old path, as RFC 9000 §9.3.3 allows; quinn does).
  for (const auto& [path, sent] : challenges) {
    bool answered = false;
    for (const PathData& c : sent) answered = answered || responses.count(c) > 0;
    if (!answered) {
      return Verdict::Failed(fmt::format("the client never answered PATH_CHALLENGE {} on path {}:{}", Hex(sent.front()),
                                         std::get<2>(path), std::get<3>(path)));
    }
  }
  return Verdict::Passed();
}

Verdict CheckSeveralClientAddresses(const CheckInput& in) {
  std::set<std::string> addresses;
  for (const trace::Packet& p : in.server_side->packets) {
    if (p.direction == trace::Direction::kServerToClient) addresses.insert(p.dst.ToString());
  }
  if (addresses.size() < 2) {
    return Verdict::Failed(fmt::format("the server sent to {} client address(es), expected at least 2", addresses.size()));
  }
  return Verdict::Passed();
}

Verdict CheckNewDcidPerPath(const CheckInput& in) {
  std::set<Path> paths;
  std::set<std::vector<uint8_t>> used;
  for (const trace::Packet& p : in.client_side->packets) {
    if (p.direction != trace::Direction::kClientToServer || p.header.type != trace::PacketType::kOneRtt) continue;
    const bool new_path = paths.insert(PathOf(p)).second && paths.size() > 1;
    if (new_path && used.count(p.header.dcid)) {
      return Verdict::Failed(fmt::format("the client reused a connection ID on its new path from {}:{}",
                                         p.src.ToString(), p.src_port));
    }
    used.insert(p.header.dcid);
  }
  return Verdict::Passed();
}

}  // namespace qir::testcases

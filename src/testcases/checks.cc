// Shared predicates for test-case checks (checks.h). Semantics follow the
// reference runner's testcases (shared/reference/interop-runner-facts.md §1).
#include "testcases/checks.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "trace/rfc9000.h"

namespace qir::testcases {
namespace {

namespace fs = std::filesystem;

bool IsServerInitial(const trace::Packet& p) {
  return p.direction == trace::Direction::kServerToClient &&
         p.header.type == trace::PacketType::kInitial;
}

/// Offset of the first differing byte of two files, or -1 when equal.
int64_t FirstDifference(const std::string& a, const std::string& b) {
  std::ifstream fa(a, std::ios::binary), fb(b, std::ios::binary);
  std::vector<char> ba(1 << 16), bb(1 << 16);
  int64_t offset = 0;
  while (fa && fb) {
    fa.read(ba.data(), static_cast<std::streamsize>(ba.size()));
    fb.read(bb.data(), static_cast<std::streamsize>(bb.size()));
    std::streamsize na = fa.gcount(), nb = fb.gcount();
    std::streamsize n = std::min(na, nb);
    for (std::streamsize i = 0; i < n; ++i) {
      if (ba[i] != bb[i]) return offset + i;
    }
    if (na != nb) return offset + n;
    offset += n;
    if (n == 0) break;
  }
  return -1;
}

}  // namespace

std::string VersionString(uint32_t version) { return fmt::format("{:#010x}", version); }

int CountHandshakes(const trace::Trace& server_side) {
  std::set<std::vector<uint8_t>> scids;
  for (const trace::Packet& p : server_side.packets) {
    if (IsServerInitial(p)) scids.insert(p.header.scid);
  }
  return static_cast<int>(scids.size());
}

std::set<uint32_t> ServerInitialVersions(const trace::Trace& server_side) {
  std::set<uint32_t> versions;
  for (const trace::Packet& p : server_side.packets) {
    if (IsServerInitial(p)) versions.insert(p.header.version);
  }
  return versions;
}

bool RetrySeen(const trace::Trace& trace) {
  return std::any_of(trace.packets.begin(), trace.packets.end(), [](const trace::Packet& p) {
    return p.header.type == trace::PacketType::kRetry;
  });
}

Verdict CheckFiles(const std::string& www_dir, const std::string& downloads_dir,
                   const std::vector<std::string>& files) {
  std::error_code ec;
  if (!fs::is_directory(downloads_dir, ec)) return Verdict::Failed("no downloads folder");
  std::set<std::string> expected(files.begin(), files.end());
  std::set<std::string> present;
  for (const auto& entry : fs::recursive_directory_iterator(downloads_dir, ec)) {
    if (!entry.is_directory()) present.insert(fs::relative(entry.path(), downloads_dir).string());
  }
  for (const std::string& name : files) {
    if (!present.count(name)) {
      return Verdict::Failed(fmt::format("file {} was not downloaded ({} of {} files present)", name,
                                         present.size(), files.size()));
    }
  }
  for (const std::string& name : present) {
    if (!expected.count(name)) return Verdict::Failed("unexpected file in downloads: " + name);
  }
  for (const std::string& name : files) {
    std::string served = www_dir + "/" + name, got = downloads_dir + "/" + name;
    uintmax_t want_size = fs::file_size(served, ec), got_size = fs::file_size(got, ec);
    if (want_size != got_size) {
      return Verdict::Failed(fmt::format("file {} has {} bytes, expected {}", name, got_size, want_size));
    }
    if (int64_t at = FirstDifference(served, got); at >= 0) {
      return Verdict::Failed(fmt::format("file {} differs at byte {}", name, at));
    }
  }
  return Verdict::Passed();
}

Verdict CheckVersionAndFiles(const CheckInput& in) {
  std::set<uint32_t> versions = ServerInitialVersions(*in.server_side);
  if (versions.empty()) return Verdict::Failed("no server Initial packet in the server-side trace");
  if (versions != std::set<uint32_t>{trace::kVersion1}) {
    std::string seen;
    for (uint32_t v : versions) seen += (seen.empty() ? "" : ", ") + VersionString(v);
    return Verdict::Failed("expected only QUIC version 0x00000001 in server Initials, saw " + seen);
  }
  return CheckFiles(in.www_dir, in.downloads_dir, in.files);
}

Verdict NeedKeys(const CheckInput& in) {
  if (in.have_keys) return Verdict::Passed();
  return Verdict::Unsupported(
      "no usable key log: neither endpoint logged a SERVER_HANDSHAKE_TRAFFIC_SECRET, and this test reads encrypted frames");
}

namespace {

/// "198.18.0.100:443": one side of a UDP flow, for clients whose CIDs are empty.
std::string Endpoint(const trace::IpAddress& address, uint16_t port) {
  return address.ToString() + ":" + std::to_string(port);
}

/// The CIDs each server connection (by its long-header SCID) issued in NEW_CONNECTION_ID
/// frames (decrypted packets only). A 1-RTT packet has no SCID: it belongs to the server
/// connection that last sent a long-header packet to the same client CID, or, for clients with
/// zero-length CIDs, to the same client address and port (one connection at a time there).
std::map<std::vector<uint8_t>, std::set<std::vector<uint8_t>>> IssuedCids(const trace::Trace& t) {
  auto client_of = [](const trace::Packet& p) {
    return p.header.dcid.empty() ? "addr " + Endpoint(p.dst, p.dst_port)
                                 : "cid " + std::string(p.header.dcid.begin(), p.header.dcid.end());
  };
  std::map<std::string, std::vector<uint8_t>> current;  // client → server SCID last seen towards it
  std::map<std::vector<uint8_t>, std::set<std::vector<uint8_t>>> out;
  for (const trace::Packet& p : t.packets) {
    if (p.direction != trace::Direction::kServerToClient) continue;
    const std::string client = client_of(p);
    if (p.header.type != trace::PacketType::kOneRtt) current[client] = p.header.scid;
    auto conn = current.find(client);
    if (conn == current.end()) continue;
    for (const trace::Frame& f : p.frames) {
      if (f.type == static_cast<uint64_t>(trace::FrameType::kNewConnectionId)) out[conn->second].insert(f.connection_id);
    }
  }
  return out;
}

}  // namespace

int CountCompletedHandshakes(const trace::Trace& server_side, const trace::Trace& client_side) {
  // What the client's Handshake packets name: the server CID they go to, the client CID and
  // address:port they come from, and when.
  std::set<std::vector<uint8_t>> to_server_cid, from_client_cid;
  std::vector<std::pair<std::string, int64_t>> client_handshakes;  // from address:port, at
  for (const trace::Trace* t : {&server_side, &client_side}) {
    for (const trace::Packet& p : t->packets) {
      if (p.direction == trace::Direction::kClientToServer && p.header.type == trace::PacketType::kHandshake) {
        to_server_cid.insert(p.header.dcid);
        if (!p.header.scid.empty()) from_client_cid.insert(p.header.scid);
        client_handshakes.emplace_back(Endpoint(p.src, p.src_port), p.time_ns);
      }
    }
  }
  // A client may address its Handshake packets to a CID the server issued in its first flight
  // instead of the server's Initial SCID (quic-go 0.50 switches at once).
  std::map<std::vector<uint8_t>, std::set<std::vector<uint8_t>>> issued = IssuedCids(server_side);
  for (const auto& [scid, cids] : IssuedCids(client_side)) issued[scid].insert(cids.begin(), cids.end());
  auto addressed = [&](const std::vector<uint8_t>& server_cid) {
    if (to_server_cid.count(server_cid) > 0) return true;
    auto it = issued.find(server_cid);
    if (it == issued.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(),
                       [&](const std::vector<uint8_t>& cid) { return to_server_cid.count(cid) > 0; });
  };
  // A server connection none of whose packets could be decrypted (its client Initial was
  // corrupted on the way, say) shows no NEW_CONNECTION_ID frames. For a client with
  // zero-length CIDs it counts when the client sent a Handshake packet from the address and
  // port the server answered, before the server answered there with another SCID (ports are
  // reused by later connections).
  std::set<std::vector<uint8_t>> readable;
  for (const trace::Trace* t : {&server_side, &client_side}) {
    for (const trace::Packet& p : t->packets) {
      if (p.direction == trace::Direction::kServerToClient && p.header.type != trace::PacketType::kOneRtt &&
          p.decryption == trace::DecryptionStatus::kOk) {
        readable.insert(p.header.scid);
      }
    }
  }
  std::vector<const trace::Packet*> first_initials;  // each server SCID's first Initial, in capture order
  std::set<std::vector<uint8_t>> seen;
  for (const trace::Packet& p : server_side.packets) {
    if (IsServerInitial(p) && seen.insert(p.header.scid).second) first_initials.push_back(&p);
  }
  auto continued_from_port = [&](size_t i) {
    const trace::Packet& p = *first_initials[i];
    const std::string at = Endpoint(p.dst, p.dst_port);
    int64_t until = INT64_MAX;
    for (size_t j = i + 1; j < first_initials.size(); ++j) {
      if (Endpoint(first_initials[j]->dst, first_initials[j]->dst_port) == at) {
        until = first_initials[j]->time_ns;
        break;
      }
    }
    return std::any_of(client_handshakes.begin(), client_handshakes.end(), [&](const auto& h) {
      return h.first == at && h.second >= p.time_ns && h.second < until;
    });
  };
  // One count per client connection (its CID; the server's SCID for clients with zero-length
  // CIDs), so that two server connections answering one client connection (one from a
  // corrupted copy of its Initial) count once.
  std::set<std::vector<uint8_t>> counted;
  for (size_t i = 0; i < first_initials.size(); ++i) {
    const trace::Packet& p = *first_initials[i];
    const std::vector<uint8_t>& client_cid = p.header.dcid;
    bool continued = addressed(p.header.scid) || (!client_cid.empty() && from_client_cid.count(client_cid) > 0);
    if (!continued && client_cid.empty() && readable.count(p.header.scid) == 0) continued = continued_from_port(i);
    if (continued) counted.insert(client_cid.empty() ? p.header.scid : client_cid);
  }
  return static_cast<int>(counted.size());
}

Verdict CheckTransferLike(const CheckInput& in) {
  if (Verdict v = CheckHandshakeCount(in, 1); !v.passed()) return v;
  return CheckVersionAndFiles(in);
}

std::vector<const trace::Packet*> SentBy(const trace::Trace& t, trace::Direction d, trace::PacketType type) {
  std::vector<const trace::Packet*> out;
  for (const trace::Packet& p : t.packets) {
    if (p.direction == d && p.header.type == type) out.push_back(&p);
  }
  return out;
}

Verdict CheckHandshakeCount(const CheckInput& in, int want) {
  int got = CountHandshakes(*in.server_side);
  if (got != want) return Verdict::Failed(fmt::format("expected {} handshake(s), saw {}", want, got));
  return Verdict::Passed();
}

}  // namespace qir::testcases

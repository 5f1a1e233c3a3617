// The analyzer pass over a built Trace: connections grouped by connection IDs
// (RFC 9000 §5.1, §7.2, §17.2.5 Retry SCID, §19.15 NEW_CONNECTION_ID), Initial
// keys from the client's first DCID (RFC 9001 §5.2, re-derived after Retry),
// Handshake/0-RTT/1-RTT keys from the key log matched by ClientHello.random
// (RFC 9850 §2), header protection and AEAD (§5.3-§5.4), packet number decoding
// per space (RFC 9000 §12.3, §A.3), key updates (RFC 9001 §6), Retry integrity
// (§5.8), frames (RFC 9000 §19) and TLS messages from CRYPTO (RFC 9001 §4).
#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "trace/analyzer.h"
#include "trace/initial_keys.h"
#include "trace/ip_udp.h"
#include "trace/packet_protection.h"
#include "trace/rfc9000.h"
#include "trace/trace.h"

namespace qir::trace {
namespace {

enum Space { kSpaceInitial = 0, kSpaceHandshake = 1, kSpaceApp = 2 };
enum Side { kClient = 0, kServer = 1 };  // the sender of a packet

/// Keys and receive state of one sender within one connection.
struct SenderState {
  std::map<uint32_t, PacketOpener> initial;  ///< Initial keys by version
  std::optional<PacketOpener> handshake, zero_rtt;
  std::optional<PacketOpener> app_current, app_next, app_previous;
  int app_generation = 0;        ///< key phase generation of app_current
  uint64_t app_phase_first_pn = 0;  ///< first PN decrypted with app_current
  bool app_failed = false;       ///< deriving 1-RTT keys failed; do not retry
  int64_t largest_pn[3] = {-1, -1, -1};
  CryptoStream crypto[3];
};

/// Analyzer-side state of one connection (Trace::connections holds the public part).
struct ConnState {
  SenderState sender[2];
  std::vector<uint8_t> initial_dcid;  ///< DCID Initial keys derive from (the Retry SCID after one)
  const ConnectionSecrets* secrets = nullptr;
  uint32_t app_version = 0;  ///< version for Handshake/1-RTT labels
};

/// Key log suite choices when the ServerHello is not known (0-RTT before it).
constexpr CipherSuite kAllSuites[] = {CipherSuite::kAes128GcmSha256,
                                      CipherSuite::kChaCha20Poly1305Sha256,
                                      CipherSuite::kAes256GcmSha384};

Space SpaceOf(PacketType type) {
  if (type == PacketType::kInitial) return kSpaceInitial;
  if (type == PacketType::kHandshake) return kSpaceHandshake;
  return kSpaceApp;
}

/// A CID as a map key view (no copy: lookups use std::less<> heterogeneous find).
std::string_view CidKey(std::span<const uint8_t> cid) {
  return {reinterpret_cast<const char*>(cid.data()), cid.size()};
}

}  // namespace

class TraceAnalyzer::Impl {
 public:
  Impl(const KeyLog* keylog, Trace& trace) : keylog_(keylog), trace_(trace) {}
  /// Processes trace.packets[index], carried in `udp_payload`.
  void ProcessPacket(size_t index, std::span<const uint8_t> udp_payload);
  Trace& trace() { return trace_; }
  void set_packet_index_base(size_t base) { packet_index_base_ = base; }
  size_t FindOrCreateConnection(Packet& p, std::span<const uint8_t> udp_payload);
  size_t LookupShortHeader(Packet& p, std::span<const uint8_t> udp_payload);

 private:
  void Register(std::span<const uint8_t> cid, size_t conn);
  void HandleRetry(Packet& p, Side side, std::span<const uint8_t> udp_payload);
  PacketOpener* InitialOpener(size_t conn, Side side, uint32_t version);
  PacketOpener* LevelOpener(size_t conn, Side side, PacketType type);
  void Decrypt(Packet& p, Side side, std::span<const uint8_t> packet);
  bool OpenWith(PacketOpener& opener, uint64_t pn, std::span<const uint8_t> ciphertext);
  bool OpenApp(Packet& p, Side side, std::span<const uint8_t> packet, uint64_t pn);
  void AfterDecrypt(Packet& p, Side side);
  void HandleTls(size_t conn, Side side, Space space);
  void EnsureSecrets(size_t conn);

  const KeyLog* keylog_;
  Trace& trace_;
  std::vector<ConnState> conns_;
  std::map<std::string, size_t, std::less<>> cid_to_conn_;
  std::vector<size_t> cid_lengths_;  ///< distinct registered CID lengths, longest first
  std::vector<uint8_t> header_, buffer_;  ///< scratch buffers reused per packet
  std::span<const uint8_t> plain_;        ///< the current packet's plaintext, inside buffer_
  size_t packet_index_base_ = 0;          ///< packets already removed from trace_.packets
  /// The last short-header DCID match (most 1-RTT packets repeat it): its length (0 when
  /// unset; only the longest registered length is cached), bytes and connection. Cleared by
  /// Register, the only place where matches can change.
  size_t last_short_length_ = 0;
  std::array<uint8_t, kMaxConnectionIdLength> last_short_cid_{};
  size_t last_short_conn_ = kNoConnection;
};

void TraceAnalyzer::Impl::Register(std::span<const uint8_t> cid, size_t conn) {
  last_short_length_ = 0;
  auto [it, inserted] = cid_to_conn_.try_emplace(std::string(CidKey(cid)), conn);
  if (!inserted) {
    if (it->second == conn) return;
    it->second = conn;  // a reused CID (e.g. zero-length) now means the newer connection
  }
  Connection& c = trace_.connections[conn];
  c.cids.emplace_back(cid.begin(), cid.end());
  if (std::find(cid_lengths_.begin(), cid_lengths_.end(), cid.size()) == cid_lengths_.end()) {
    cid_lengths_.push_back(cid.size());
    std::sort(cid_lengths_.rbegin(), cid_lengths_.rend());  // longest first: 0 matches anything
  }
}

size_t TraceAnalyzer::Impl::LookupShortHeader(Packet& p, std::span<const uint8_t> udp_payload) {
  const size_t available = udp_payload.size() - p.header.offset;
  const std::span<const uint8_t> after_first = udp_payload.subspan(p.header.offset + 1);
  size_t conn = kNoConnection, length = last_short_length_;
  if (length > 0 && length + 1 <= available &&
      std::equal(last_short_cid_.begin(), last_short_cid_.begin() + length, after_first.begin())) {
    conn = last_short_conn_;
  } else {
    for (size_t candidate : cid_lengths_) {
      if (candidate + 1 > available) continue;
      auto it = cid_to_conn_.find(CidKey(after_first.first(candidate)));
      if (it == cid_to_conn_.end()) continue;
      conn = it->second;
      length = candidate;
      break;
    }
    if (conn == kNoConnection) return kNoConnection;
    // Only the longest registered length may be cached: a longer CID would otherwise be
    // shadowed by a shorter one that is its prefix.
    if (length > 0 && length == cid_lengths_.front() && length <= last_short_cid_.size()) {
      std::copy_n(after_first.begin(), length, last_short_cid_.begin());
      last_short_length_ = length;
      last_short_conn_ = conn;
    }
  }
  p.header.dcid.assign(after_first.begin(), after_first.begin() + length);
  p.header.pn_offset = 1 + length;
  return conn;
}

size_t TraceAnalyzer::Impl::FindOrCreateConnection(Packet& p, std::span<const uint8_t> udp_payload) {
  if (p.header.type == PacketType::kOneRtt) return LookupShortHeader(p, udp_payload);
  auto it = cid_to_conn_.find(CidKey(p.header.dcid));
  if (it != cid_to_conn_.end()) return it->second;
  if (p.header.type != PacketType::kInitial || p.direction == Direction::kServerToClient) {
    return kNoConnection;
  }
  const size_t conn = trace_.connections.size();
  trace_.connections.push_back(Connection{.version = p.header.version,
                                          .original_dcid = p.header.dcid,
                                          .client_address = p.src,
                                          .client_port = p.src_port,
                                          .first_packet = packet_index_base_ + static_cast<size_t>(
                                                            &p - trace_.packets.data())});
  conns_.emplace_back();
  conns_.back().initial_dcid = p.header.dcid;
  conns_.back().app_version = p.header.version;
  Register(p.header.dcid, conn);
  return conn;
}

PacketOpener* TraceAnalyzer::Impl::InitialOpener(size_t conn, Side side, uint32_t version) {
  ConnState& cs = conns_[conn];
  auto it = cs.sender[side].initial.find(version);
  if (it != cs.sender[side].initial.end()) return &it->second;
  Result<InitialKeys> keys = DeriveInitialKeys(version, cs.initial_dcid);
  if (!keys.ok()) return nullptr;
  for (Side s : {kClient, kServer}) {
    Result<PacketOpener> opener = PacketOpener::Create(
        FromInitialKeys(version, s == kClient ? keys->client : keys->server));
    if (opener.ok()) cs.sender[s].initial.insert_or_assign(version, std::move(*opener));
  }
  it = cs.sender[side].initial.find(version);
  return it == cs.sender[side].initial.end() ? nullptr : &it->second;
}

void TraceAnalyzer::Impl::EnsureSecrets(size_t conn) {
  ConnState& cs = conns_[conn];
  if (cs.secrets != nullptr || keylog_ == nullptr) return;
  const Connection& c = trace_.connections[conn];
  if (!c.client_hello) return;
  cs.secrets = keylog_->Find(c.client_hello->random);
  trace_.connections[conn].keys_found = cs.secrets != nullptr;
}

static std::optional<PacketOpener> MakeOpener(uint32_t version, CipherSuite suite,
                                       const std::vector<uint8_t>& secret) {
  if (secret.empty()) return std::nullopt;
  Result<TrafficKeys> keys = DeriveTrafficKeys(version, suite, secret);
  if (!keys.ok()) return std::nullopt;
  Result<PacketOpener> opener = PacketOpener::Create(*keys);
  if (!opener.ok()) return std::nullopt;
  return std::move(*opener);
}

PacketOpener* TraceAnalyzer::Impl::LevelOpener(size_t conn, Side side, PacketType type) {
  ConnState& cs = conns_[conn];
  EnsureSecrets(conn);
  if (cs.secrets == nullptr) return nullptr;
  const uint16_t suite_id = trace_.connections[conn].cipher_suite;
  SenderState& s = cs.sender[side];
  if (type == PacketType::kZeroRtt) return s.zero_rtt ? &*s.zero_rtt : nullptr;  // see Decrypt
  if (!IsQuicCipherSuite(suite_id)) return nullptr;
  const auto suite = static_cast<CipherSuite>(suite_id);
  if (type == PacketType::kHandshake) {
    if (!s.handshake) {
      s.handshake = MakeOpener(cs.app_version, suite,
                               side == kClient ? cs.secrets->client_handshake
                                               : cs.secrets->server_handshake);
    }
    return s.handshake ? &*s.handshake : nullptr;
  }
  if (!s.app_current && !s.app_failed) {
    s.app_current = MakeOpener(cs.app_version, suite,
                               side == kClient ? cs.secrets->client_traffic_0
                                               : cs.secrets->server_traffic_0);
    s.app_failed = !s.app_current;
  }
  return s.app_current ? &*s.app_current : nullptr;
}

void TraceAnalyzer::Impl::HandleRetry(Packet& p, Side side, std::span<const uint8_t> udp_payload) {
  p.decryption = DecryptionStatus::kNotProtected;
  if (p.connection == kNoConnection) return;
  if (side == kClient) {
    // Only servers send Retry (RFC 9000 §17.2.5): this is a client packet whose
    // unprotected type bits were corrupted.
    p.decryption = DecryptionStatus::kFailed;
    p.decryption_error = "a Retry from the client: a corrupted packet";
    return;
  }
  Connection& c = trace_.connections[p.connection];
  Result<bool> valid = RetryIntegrityValid(
      p.header.version, c.original_dcid, udp_payload.subspan(p.header.offset, p.header.size));
  p.retry_integrity = valid.ok() ? (*valid ? 1 : 0) : -1;
  if (p.retry_integrity == 0) {
    // A client discards a Retry whose tag does not verify (RFC 9001 §5.8), so
    // the connection goes on with its original Initial keys.
    p.decryption = DecryptionStatus::kFailed;
    p.decryption_error = "Retry integrity tag invalid";
    return;
  }
  ++c.retries;
  c.retry_token = p.header.token;
  ConnState& cs = conns_[p.connection];
  cs.initial_dcid = p.header.scid;  // RFC 9001 §5.2: new Initial keys from the Retry SCID
  for (SenderState& s : cs.sender) {
    s.initial.clear();
    s.largest_pn[kSpaceInitial] = std::max<int64_t>(s.largest_pn[kSpaceInitial], -1);
  }
  Register(p.header.scid, p.connection);
}

bool TraceAnalyzer::Impl::OpenWith(PacketOpener& opener, uint64_t pn,
                                   std::span<const uint8_t> ciphertext) {
  Result<std::span<const uint8_t>> plain = opener.OpenInto(pn, header_, ciphertext, buffer_);
  if (!plain.ok()) return false;
  plain_ = *plain;
  return true;
}

bool TraceAnalyzer::Impl::OpenApp(Packet& p, Side side, std::span<const uint8_t> packet, uint64_t pn) {
  SenderState& s = conns_[p.connection].sender[side];
  const std::span<const uint8_t> ciphertext = packet.subspan(header_.size());
  if (p.header.type == PacketType::kZeroRtt || p.key_phase == (s.app_generation & 1)) {
    return OpenWith(*s.app_current, pn, ciphertext);
  }
  if (s.app_previous && pn < s.app_phase_first_pn) {
    return OpenWith(*s.app_previous, pn, ciphertext);
  }
  if (!s.app_next) {
    Result<TrafficKeys> next = NextKeyPhase(s.app_current->keys());
    if (!next.ok()) return false;
    Result<PacketOpener> opener = PacketOpener::Create(*next);
    if (!opener.ok()) return false;
    s.app_next = std::move(*opener);
  }
  if (!OpenWith(*s.app_next, pn, ciphertext)) return false;
  s.app_previous = std::move(s.app_current);
  s.app_current = std::move(s.app_next);
  s.app_next.reset();
  ++s.app_generation;
  s.app_phase_first_pn = pn;
  return true;
}

/// Tries each suite for 0-RTT until one authenticates; remembers it.
static std::optional<PacketOpener> FindZeroRttOpener(uint32_t version, const std::vector<uint8_t>& secret,
                                              std::span<const uint8_t> packet, size_t pn_offset,
                                              int64_t largest_pn) {
  for (CipherSuite suite : kAllSuites) {
    std::optional<PacketOpener> opener = MakeOpener(version, suite, secret);
    if (!opener) continue;
    std::vector<uint8_t> header, plain;
    Result<UnprotectedHeader> hp = RemoveHeaderProtectionWith(*opener, packet, pn_offset, header);
    if (!hp.ok()) continue;
    const uint64_t pn = largest_pn < 0 ? hp->truncated_pn
                                       : DecodePacketNumber(static_cast<uint64_t>(largest_pn),
                                                            hp->truncated_pn, hp->pn_length);
    if (opener->Open(pn, header, packet.subspan(header.size()), plain).ok()) return opener;
  }
  return std::nullopt;
}

void TraceAnalyzer::Impl::Decrypt(Packet& p, Side side, std::span<const uint8_t> packet) {
  const Space space = SpaceOf(p.header.type);
  ConnState& cs = conns_[p.connection];
  SenderState& s = cs.sender[side];
  PacketOpener* opener = nullptr;
  if (p.header.type == PacketType::kInitial) {
    opener = InitialOpener(p.connection, side, p.header.version);
  } else {
    opener = LevelOpener(p.connection, side, p.header.type);
    if (opener == nullptr && p.header.type == PacketType::kZeroRtt && side == kClient &&
        cs.secrets != nullptr) {
      s.zero_rtt = FindZeroRttOpener(cs.app_version, cs.secrets->client_early, packet,
                                     p.header.pn_offset, s.largest_pn[space]);
      opener = s.zero_rtt ? &*s.zero_rtt : nullptr;
    }
  }
  if (opener == nullptr) return;  // kNoKeys
  Result<UnprotectedHeader> hp =
      RemoveHeaderProtectionWith(*opener, packet, p.header.pn_offset, header_);
  p.decryption = DecryptionStatus::kFailed;
  if (!hp.ok()) {
    p.decryption_error = hp.error().Text();
    return;
  }
  const uint64_t pn = s.largest_pn[space] < 0
                          ? hp->truncated_pn
                          : DecodePacketNumber(static_cast<uint64_t>(s.largest_pn[space]),
                                               hp->truncated_pn, hp->pn_length);
  if (p.header.type == PacketType::kOneRtt) p.key_phase = (hp->first_byte & kShortKeyPhaseBit) ? 1 : 0;
  p.protected_payload_length = packet.size() - header_.size();
  const bool opened = p.header.type == PacketType::kOneRtt
                          ? OpenApp(p, side, packet, pn)
                          : OpenWith(*opener, pn, packet.subspan(header_.size()));
  if (!opened) {
    p.decryption_error = "AEAD authentication failed";
    return;
  }
  p.decryption = DecryptionStatus::kOk;
  p.packet_number = static_cast<int64_t>(pn);
  s.largest_pn[space] = std::max(s.largest_pn[space], static_cast<int64_t>(pn));
  AfterDecrypt(p, side);
}

void TraceAnalyzer::Impl::AfterDecrypt(Packet& p, Side side) {
  p.payload_length = plain_.size();
  Result<std::vector<Frame>> frames = ParseFrames(plain_);
  if (!frames.ok()) {
    p.decryption_error = "frames: " + frames.error().Text();
    return;
  }
  p.frames = std::move(*frames);
  const Space space = SpaceOf(p.header.type);
  bool crypto = false;
  for (const Frame& f : p.frames) {
    if (f.type == static_cast<uint64_t>(FrameType::kCrypto)) {
      conns_[p.connection].sender[side].crypto[space].Add(
          f.offset, plain_.subspan(f.data_offset, static_cast<size_t>(f.length)));
      crypto = true;
    } else if (f.type == static_cast<uint64_t>(FrameType::kNewConnectionId)) {
      Register(f.connection_id, p.connection);
    }
  }
  if (crypto) HandleTls(p.connection, side, space);
}

void TraceAnalyzer::Impl::HandleTls(size_t conn, Side side, Space space) {
  Connection& c = trace_.connections[conn];
  CryptoStream& stream = conns_[conn].sender[side].crypto[space];
  if (side == kClient && space == kSpaceInitial) c.client_initial_crypto_max_end = stream.max_end();
  if (side == kServer && space == kSpaceHandshake) c.server_handshake_crypto_max_end = stream.max_end();
  for (TlsMessage& m : stream.TakeMessages()) {
    (side == kClient ? c.client_tls_messages : c.server_tls_messages).push_back(m.type);
    if (m.type == kTlsClientHello && side == kClient && !c.client_hello) {
      if (Result<ClientHello> ch = ParseClientHello(m.body); ch.ok()) c.client_hello = std::move(*ch);
      EnsureSecrets(conn);
    } else if (m.type == kTlsServerHello && side == kServer && !c.server_hello) {
      if (Result<ServerHello> sh = ParseServerHello(m.body); sh.ok()) {
        c.server_hello = *sh;
        c.cipher_suite = sh->cipher_suite;
      }
    } else if (m.type == kTlsEncryptedExtensions && side == kServer) {
      if (Result<EncryptedExtensions> ee = ParseEncryptedExtensions(m.body); ee.ok()) {
        c.encrypted_extensions = std::move(*ee);
      }
    } else if (m.type == kTlsCertificate && side == kServer) {
      if (Result<CertificateInfo> cert = ParseCertificate(m.body); cert.ok()) c.certificate = *cert;
    }
  }
}

void TraceAnalyzer::Impl::ProcessPacket(size_t index, std::span<const uint8_t> udp_payload) {
  Packet& p = trace_.packets[index];
  const QuicPacketHeader& h = p.header;
  if (h.offset > udp_payload.size() || h.size > udp_payload.size() - h.offset) return;
  p.payload_length = h.size > h.pn_offset ? h.size - h.pn_offset : 0;
  p.protected_payload_length = p.payload_length;
  if (h.type == PacketType::kVersionNegotiation || h.type == PacketType::kUnknownVersion) {
    p.decryption = DecryptionStatus::kNotProtected;
    auto it = cid_to_conn_.find(CidKey(h.dcid));
    if (it != cid_to_conn_.end()) p.connection = it->second;
    return;
  }
  p.connection = FindOrCreateConnection(p, udp_payload);
  if (p.connection == kNoConnection) return;
  Connection& c = trace_.connections[p.connection];
  ++c.packets;
  if (p.direction == Direction::kUnknown) {
    p.direction = (p.src == c.client_address && p.src_port == c.client_port)
                      ? Direction::kClientToServer
                      : Direction::kServerToClient;
  }
  const Side side = p.direction == Direction::kClientToServer ? kClient : kServer;
  if (h.type == PacketType::kRetry) return HandleRetry(p, side, udp_payload);
  if (side == kServer && h.type == PacketType::kInitial && c.version != h.version) {
    c.version = h.version;  // compatible version negotiation (RFC 9368): the server's choice
  }
  if (side == kServer && h.type != PacketType::kOneRtt) conns_[p.connection].app_version = h.version;
  Decrypt(p, side, udp_payload.subspan(h.offset, h.size));
  // A packet that fails authentication was corrupted on the way, its SCID too:
  // registering it would hand the peer's later packets to whatever connection
  // the packet landed in.
  if (h.type != PacketType::kOneRtt && p.decryption != DecryptionStatus::kFailed) Register(h.scid, p.connection);
}

TraceAnalyzer::TraceAnalyzer(const KeyLog* keylog, Trace& trace)
    : impl_(std::make_unique<Impl>(keylog, trace)) {}

TraceAnalyzer::~TraceAnalyzer() = default;

void TraceAnalyzer::ProcessDatagram(size_t first, size_t end, std::span<const uint8_t> payload) {
  for (size_t i = first; i < end; ++i) impl_->ProcessPacket(i, payload);
  Trace& trace = impl_->trace();
  for (size_t i = first; i < end; ++i) {
    const DecryptionStatus status = trace.packets[i].decryption;
    if (status == DecryptionStatus::kOk) ++trace.decrypted;
    if (status == DecryptionStatus::kNoKeys || status == DecryptionStatus::kFailed) {
      ++trace.undecrypted;
    }
  }
}

void TraceAnalyzer::SetPacketIndexBase(size_t base) { impl_->set_packet_index_base(base); }

void AnalyzeTrace(const std::vector<CapturedPacket>& capture, const KeyLog* keylog, Trace& trace) {
  TraceAnalyzer analyzer(keylog, trace);
  size_t next = 0;  // index into capture, advanced with the packets (both are in file order)
  size_t i = 0;
  while (i < trace.packets.size()) {
    const size_t frame = trace.packets[i].frame_index;
    size_t end = i;
    while (end < trace.packets.size() && trace.packets[end].frame_index == frame) ++end;
    while (next < capture.size() && capture[next].frame_index < frame) ++next;
    if (next < capture.size() && capture[next].frame_index == frame) {
      Result<UdpDatagram> udp = ParseUdpDatagram(capture[next].ip);
      if (udp.ok()) {
        analyzer.ProcessDatagram(
            i, end, std::span(capture[next].ip).subspan(udp->payload_offset, udp->payload_size));
      }
    }
    i = end;
  }
}

}  // namespace qir::trace

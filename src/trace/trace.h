// The plain trace model that test-case checks query: every QUIC packet of a
// capture with its time, direction, addresses and plaintext header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "trace/capture.h"
#include "trace/frames.h"
#include "trace/ip_udp.h"
#include "trace/keylog.h"
#include "trace/quic_header.h"
#include "trace/tls.h"
#include "util/result.h"

namespace qir::trace {

/// Which way a packet travelled.
enum class Direction {
  kClientToServer,  ///< destination is a server address (or source a client address)
  kServerToClient,  ///< source is a server address (or destination a client address)
  kUnknown,         ///< neither address is known
};

/// "client->server", "server->client", "unknown".
const char* DirectionName(Direction direction);

/// Who is who in a capture.
struct Endpoints {
  std::vector<IpAddress> clients, servers;
  uint16_t quic_port = 443;  ///< UDP datagrams with this port on either side are parsed as QUIC
  /// Also parse datagrams on other ports when a server address is on either side, as
  /// Wireshark's QUIC heuristic does: a server's preferred address (connectionmigration) may
  /// use another port (ngtcp2's uses 4433). For captures that carry only the test's traffic.
  bool any_port_to_servers = false;
};

/// qir's own layout: client 198.18.0.100 / fd00:cafe:cafe:0::100, server 198.18.100.100 /
/// fd00:cafe:cafe:100::100.
Endpoints QirEndpoints();

/// Direction of a packet: a server source address decides first (the simulator may NAT client
/// addresses), then a server destination, then client addresses; else kUnknown.
Direction ClassifyDirection(const IpAddress& src, const IpAddress& dst, const Endpoints& endpoints);

/// Whether a packet's payload could be read.
enum class DecryptionStatus {
  kNoKeys,        ///< no keys for its encryption level (no key log, or not derived yet)
  kOk,            ///< header protection removed, payload authenticated, frames decoded
  kFailed,        ///< keys were there but header protection or the AEAD failed
  kNotProtected,  ///< Retry, Version Negotiation, unknown versions: nothing to decrypt
};

/// "no-keys", "ok", "failed", "not-protected".
const char* DecryptionStatusName(DecryptionStatus status);

/// Packet::connection when the packet belongs to no known connection.
inline constexpr size_t kNoConnection = static_cast<size_t>(-1);

/// One QUIC packet as seen in the capture (a datagram with coalesced packets gives several).
struct Packet {
  int64_t time_ns = 0;     ///< capture time, ns since the Unix epoch
  size_t frame_index = 0;  ///< 0-based record index in the capture
  Direction direction = Direction::kUnknown;
  IpAddress src, dst;
  uint16_t src_port = 0, dst_port = 0;
  uint8_t ecn = 0;              ///< IP ECN codepoint (2 bits)
  size_t udp_payload_size = 0;  ///< bytes of the whole UDP payload carrying this packet
  QuicPacketHeader header;
  // Filled by the analyzer (LoadTrace/AnalyzeCapture): header protection and decryption.
  int64_t packet_number = -1;  ///< full packet number; -1 when unknown (not decrypted, Retry, VN)
  int key_phase = -1;          ///< 1-RTT key phase bit (0/1) once unprotected; -1 otherwise
  DecryptionStatus decryption = DecryptionStatus::kNoKeys;
  std::string decryption_error;  ///< why decryption failed; empty otherwise
  std::vector<Frame> frames;     ///< decoded frames when decryption is kOk (PADDING runs collapsed)
  size_t payload_length = 0;     ///< plaintext bytes when kOk, else protected bytes from the PN on
  /// Encrypted bytes after the packet number (AEAD tag included), tshark's protected
  /// payload; from the PN on while header protection is on (no keys).
  size_t protected_payload_length = 0;
  size_t connection = kNoConnection;  ///< index into Trace::connections
  int retry_integrity = -1;  ///< Retry: 1 tag valid, 0 invalid, -1 not checked (no ODCID known)
};

/// One QUIC connection, grouped by the connection IDs its packets carry.
struct Connection {
  uint32_t version = 0;  ///< version of the client's first Initial, then of the server's Initials
  std::vector<uint8_t> original_dcid;  ///< DCID of the client's first Initial
  std::vector<std::vector<uint8_t>> cids;  ///< every CID seen for this connection (both sides)
  IpAddress client_address;
  uint16_t client_port = 0;
  size_t first_packet = 0;  ///< index into Trace::packets
  size_t packets = 0;       ///< packets of this connection
  bool keys_found = false;  ///< the key log had secrets for this connection's ClientHello random
  std::optional<ClientHello> client_hello;  ///< first ClientHello (from client Initial CRYPTO)
  std::optional<ServerHello> server_hello;
  std::optional<EncryptedExtensions> encrypted_extensions;  ///< server transport parameters
  std::optional<CertificateInfo> certificate;  ///< set when the server sent a Certificate
  std::vector<uint8_t> client_tls_messages, server_tls_messages;  ///< TLS message types, in order
  uint64_t client_initial_crypto_max_end = 0;   ///< highest offset+length of client Initial CRYPTO
  uint64_t server_handshake_crypto_max_end = 0;  ///< highest offset+length of server Handshake CRYPTO
  size_t retries = 0;                       ///< Retry packets received for this connection
  std::vector<uint8_t> retry_token;         ///< token of the last Retry
  uint16_t cipher_suite = 0;                ///< from the ServerHello; 0 until seen
};

/// A capture turned into QUIC packets.
struct Trace {
  std::vector<Packet> packets;
  size_t datagrams = 0;  ///< UDP datagrams seen (QUIC or not)
  size_t non_quic_datagrams =
      0;  ///< UDP datagrams not on the QUIC port, or whose QUIC parse failed
  std::vector<std::string>
      warnings;  ///< damaged capture, unparsable datagrams (capped, with a summary)
  std::vector<Connection> connections;  ///< in order of their first client Initial
  size_t decrypted = 0;   ///< packets with DecryptionStatus::kOk
  size_t undecrypted = 0;  ///< packets with kNoKeys or kFailed
};

/// How to load and analyze a capture.
struct TraceOptions {
  Endpoints endpoints = QirEndpoints();
  const KeyLog* keylog = nullptr;    ///< secrets for Handshake/0-RTT/1-RTT; nullptr: none
  bool use_capture_secrets = true;   ///< also use a pcapng Decryption Secrets Block, if any
  bool decrypt = true;               ///< false: plaintext headers only (the old LoadTrace)
};

/// At most this many individual warnings are kept in a Trace; the rest are summarized in one line.
inline constexpr size_t kMaxTraceWarnings = 100;

/// Reads a pcap/pcapng file (leniently: a damaged tail becomes a warning) and builds the Trace,
/// decrypting Initials (and everything else when the file carries a DSB).
Result<Trace> LoadTrace(const std::string& path, const Endpoints& endpoints = QirEndpoints());

/// LoadTrace with a key log: every packet whose keys can be derived is decrypted and decoded.
Result<Trace> LoadTrace(const std::string& path, const Endpoints& endpoints, const KeyLog* keylog);

/// LoadTrace with all options.
Result<Trace> LoadTrace(const std::string& path, const TraceOptions& options);

/// Receives the packets of one UDP datagram once they are analyzed, in capture order. `packets`
/// is valid only during the call; `trace` is the Trace being built (connections, counters).
using PacketSink = std::function<void(std::span<const Packet> packets, const Trace& trace)>;

/// LoadTrace that hands every datagram's packets to `sink` and then drops them, so memory stays
/// flat however long the capture is (what `qir analyze` prints from). The returned Trace has no
/// packets but everything else (connections, counters, warnings); Connection::first_packet is
/// the index the packet would have in LoadTrace's Trace::packets.
Result<Trace> StreamTrace(const std::string& path, const TraceOptions& options,
                          const PacketSink& sink);

/// Decrypts and decodes the packets of `trace` (built by BuildTrace from `capture`) in place:
/// groups connections, removes protection, decodes frames and TLS messages.
void AnalyzeTrace(const std::vector<CapturedPacket>& capture, const KeyLog* keylog,
                  Trace& trace);

/// Builds the Trace from captured IP packets. Non-UDP packets are ignored; a datagram whose QUIC
/// parse fails is counted and warned about, never fatal. 1-RTT DCIDs are cut with the CID length
/// learned from the peer's long-header SCID in the same capture (0 until one was seen).
Result<Trace> BuildTrace(const std::vector<CapturedPacket>& capture, const Endpoints& endpoints);

}  // namespace qir::trace

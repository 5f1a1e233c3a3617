// TLS 1.3 handshake messages carried in QUIC CRYPTO frames (RFC 9001 §4, RFC
// 8446 §4): reassembly of a CRYPTO stream by offset, and the fields of
// ClientHello, ServerHello, EncryptedExtensions and Certificate that test checks
// use, including QUIC transport parameters (RFC 9000 §18, RFC 9368 §3).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "trace/keylog.h"
#include "util/result.h"

namespace qir::trace {

/// RFC 8446 §4: handshake message types.
inline constexpr uint8_t kTlsClientHello = 1;
inline constexpr uint8_t kTlsServerHello = 2;
inline constexpr uint8_t kTlsNewSessionTicket = 4;
inline constexpr uint8_t kTlsEncryptedExtensions = 8;
inline constexpr uint8_t kTlsCertificate = 11;
inline constexpr uint8_t kTlsCertificateVerify = 15;
inline constexpr uint8_t kTlsFinished = 20;

/// RFC 9000 §18.2 transport parameter ids used by checks.
inline constexpr uint64_t kTpInitialMaxData = 0x04;
inline constexpr uint64_t kTpInitialMaxStreamsBidi = 0x08;
inline constexpr uint64_t kTpInitialMaxStreamsUni = 0x09;
inline constexpr uint64_t kTpVersionInformation = 0x11;  ///< RFC 9368 §3

/// "ClientHello", "ServerHello", ... ; "unknown" for other types.
const char* TlsMessageName(uint8_t type);

/// Decoded QUIC transport parameters.
struct TransportParameters {
  std::map<uint64_t, std::vector<uint8_t>> raw;  ///< id -> value bytes, as sent
  bool has_version_information = false;          ///< RFC 9368 version_information present
  uint32_t chosen_version = 0;                   ///< version_information Chosen Version
  std::vector<uint32_t> available_versions;      ///< version_information Available Versions

  /// The varint value of an integer parameter, or nullopt when absent or malformed.
  std::optional<uint64_t> Integer(uint64_t id) const;
};

/// Parses the quic_transport_parameters extension body. kParse when malformed.
Result<TransportParameters> ParseTransportParameters(std::span<const uint8_t> data);

/// Fields of a ClientHello (RFC 8446 §4.1.2).
struct ClientHello {
  ClientRandom random{};
  std::vector<uint16_t> cipher_suites;
  std::vector<std::string> alpn;  ///< application_layer_protocol_negotiation, in order
  std::string server_name;        ///< SNI host_name; empty when absent
  bool pre_shared_key = false;    ///< the pre_shared_key extension is present (resumption)
  bool early_data = false;        ///< the early_data extension is present (0-RTT offered)
  std::optional<TransportParameters> transport_parameters;
};

/// Fields of a ServerHello (RFC 8446 §4.1.3).
struct ServerHello {
  uint16_t cipher_suite = 0;
  bool pre_shared_key = false;  ///< the server accepted a PSK
};

/// Fields of EncryptedExtensions (RFC 8446 §4.3.1).
struct EncryptedExtensions {
  std::vector<std::string> alpn;
  bool early_data = false;  ///< the server accepted 0-RTT
  std::optional<TransportParameters> transport_parameters;
};

/// Certificate message summary (RFC 8446 §4.4.2).
struct CertificateInfo {
  size_t count = 0;        ///< certificates in the chain
  size_t total_bytes = 0;  ///< sum of cert_data lengths, bytes
};

/// Body parsers (the message without its 4-byte type/length header). kParse when malformed.
Result<ClientHello> ParseClientHello(std::span<const uint8_t> body);
Result<ServerHello> ParseServerHello(std::span<const uint8_t> body);
Result<EncryptedExtensions> ParseEncryptedExtensions(std::span<const uint8_t> body);
Result<CertificateInfo> ParseCertificate(std::span<const uint8_t> body);

/// One complete handshake message taken from a CRYPTO stream.
struct TlsMessage {
  uint8_t type = 0;
  std::vector<uint8_t> body;  ///< without the 4-byte header
};

/// The bytes of one CRYPTO stream (one encryption level, one direction), reassembled by offset.
class CryptoStream {
 public:
  /// Streams longer than this are not reassembled further (hostile offsets), bytes.
  static constexpr uint64_t kMaxStreamBytes = 1 << 20;

  /// Adds CRYPTO data at `offset`; duplicates and overlaps are fine. False when beyond the limit.
  bool Add(uint64_t offset, std::span<const uint8_t> data);
  /// The contiguous bytes from offset 0.
  std::span<const uint8_t> Contiguous() const { return contiguous_; }
  /// Complete handshake messages not returned before.
  std::vector<TlsMessage> TakeMessages();
  /// Highest offset + length seen in any frame (data beyond the limit included), bytes.
  uint64_t max_end() const { return max_end_; }

 private:
  std::vector<uint8_t> contiguous_;
  std::map<uint64_t, std::vector<uint8_t>> pending_;  ///< out-of-order chunks by offset
  size_t consumed_ = 0;                               ///< bytes of contiguous_ already returned
  uint64_t max_end_ = 0;
};

}  // namespace qir::trace

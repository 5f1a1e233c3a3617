// NSS key log files (SSLKEYLOGFILE, RFC 9850 §2): the TLS 1.3 traffic secrets a
// QUIC endpoint logged, indexed by the ClientHello random of their connection.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "util/result.h"

namespace qir::trace {

/// 32-byte ClientHello.random that keys a key log entry.
using ClientRandom = std::array<uint8_t, 32>;

/// The secrets logged for one connection; empty vectors where a label was absent.
struct ConnectionSecrets {
  std::vector<uint8_t> client_early;      ///< CLIENT_EARLY_TRAFFIC_SECRET (0-RTT)
  std::vector<uint8_t> client_handshake;  ///< CLIENT_HANDSHAKE_TRAFFIC_SECRET
  std::vector<uint8_t> server_handshake;  ///< SERVER_HANDSHAKE_TRAFFIC_SECRET
  std::vector<uint8_t> client_traffic_0;  ///< CLIENT_TRAFFIC_SECRET_0 (1-RTT, key phase 0)
  std::vector<uint8_t> server_traffic_0;  ///< SERVER_TRAFFIC_SECRET_0
};

/// A parsed key log.
struct KeyLog {
  std::map<ClientRandom, ConnectionSecrets> connections;
  size_t lines = 0;          ///< lines read (comments and blanks included)
  size_t ignored_lines = 0;  ///< unknown labels (EXPORTER_SECRET, CLIENT_RANDOM, ...)

  /// The secrets for `random`, or nullptr.
  const ConnectionSecrets* Find(const ClientRandom& random) const;
  /// True when some connection has a SERVER_HANDSHAKE_TRAFFIC_SECRET.
  bool HasServerHandshakeSecret() const;
};

/// Parses key log text: `LABEL <64 hex client random> <hex secret>` lines, `#` comments,
/// LF/CRLF/CR line ends, either hex case, legacy `QUIC_` prefixed labels. kParse (arg: line
/// number) for a known label with bad hex or a secret of other than 32 or 48 bytes.
Result<KeyLog> ParseKeyLog(std::string_view text);

/// ParseKeyLog on a file's contents; kNotFound / kIo when unreadable.
Result<KeyLog> LoadKeyLog(const std::string& path);

/// The key log a test check should use, as the reference picks it: the client's when it has a
/// SERVER_HANDSHAKE_TRAFFIC_SECRET line, else the server's when it has one, else "" (none).
/// Missing or unreadable files count as having no such line.
std::string SelectKeyLogFile(const std::string& client_keylog, const std::string& server_keylog);

/// Key log text (NSS format) for all secrets of `log`, e.g. for a pcapng DSB.
std::string FormatKeyLog(const KeyLog& log);

}  // namespace qir::trace

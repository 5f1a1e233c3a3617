// NSS key log parsing (RFC 9850 §2 line format, §2.1 TLS 1.3 labels) and the
// reference runner's choice of key log (client's if it holds the server's
// handshake secret, else the server's).
#include "trace/keylog.h"

#include <string>

#include "trace/capture.h"

namespace qir::trace {
namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool DecodeHex(std::string_view text, std::vector<uint8_t>& out) {
  if (text.size() % 2 != 0) return false;
  out.clear();
  out.reserve(text.size() / 2);
  for (size_t i = 0; i < text.size(); i += 2) {
    const int high = HexDigit(text[i]), low = HexDigit(text[i + 1]);
    if (high < 0 || low < 0) return false;
    out.push_back(static_cast<uint8_t>(high << 4 | low));
  }
  return true;
}

/// The slot of `secrets` for `label` (without a QUIC_ prefix), or nullptr for other labels.
std::vector<uint8_t>* Slot(ConnectionSecrets& secrets, std::string_view label) {
  if (label.starts_with("QUIC_")) label.remove_prefix(5);
  if (label == "CLIENT_EARLY_TRAFFIC_SECRET") return &secrets.client_early;
  if (label == "CLIENT_HANDSHAKE_TRAFFIC_SECRET") return &secrets.client_handshake;
  if (label == "SERVER_HANDSHAKE_TRAFFIC_SECRET") return &secrets.server_handshake;
  if (label == "CLIENT_TRAFFIC_SECRET_0") return &secrets.client_traffic_0;
  if (label == "SERVER_TRAFFIC_SECRET_0") return &secrets.server_traffic_0;
  return nullptr;
}

/// Splits on spaces/tabs into at most `max` fields.
std::vector<std::string_view> Fields(std::string_view line, size_t max) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size() && out.size() < max) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ' && line[j] != '\t') ++j;
    if (j > i) out.push_back(line.substr(i, j - i));
    i = j;
  }
  return out;
}

Status ParseLine(std::string_view line, size_t number, KeyLog& log) {
  const std::vector<std::string_view> f = Fields(line, 4);
  if (f.empty() || f[0].starts_with("#")) return {};
  ConnectionSecrets probe;
  if (Slot(probe, f[0]) == nullptr) {
    ++log.ignored_lines;
    return {};
  }
  std::vector<uint8_t> random, secret;
  if (f.size() != 3 || !DecodeHex(f[1], random) || random.size() != 32 ||
      !DecodeHex(f[2], secret) || (secret.size() != 32 && secret.size() != 48)) {
    return Fail(Error::kParse, "malformed key log line", "line " + std::to_string(number));
  }
  ClientRandom key{};
  std::copy(random.begin(), random.end(), key.begin());
  *Slot(log.connections[key], f[0]) = std::move(secret);
  return {};
}

}  // namespace

const ConnectionSecrets* KeyLog::Find(const ClientRandom& random) const {
  auto it = connections.find(random);
  return it == connections.end() ? nullptr : &it->second;
}

bool KeyLog::HasServerHandshakeSecret() const {
  for (const auto& [random, secrets] : connections) {
    if (!secrets.server_handshake.empty()) return true;
  }
  return false;
}

Result<KeyLog> ParseKeyLog(std::string_view text) {
  KeyLog log;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of("\r\n", start);
    if (end == std::string_view::npos) end = text.size();
    ++log.lines;
    if (Status s = ParseLine(text.substr(start, end - start), log.lines, log); !s.ok()) {
      return s.error();
    }
    start = end + 1;
    if (end < text.size() && text[end] == '\r' && start < text.size() && text[start] == '\n') {
      ++start;
    }
  }
  return log;
}

Result<KeyLog> LoadKeyLog(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.error();
  return ParseKeyLog(std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()));
}

std::string SelectKeyLogFile(const std::string& client_keylog, const std::string& server_keylog) {
  for (const std::string* path : {&client_keylog, &server_keylog}) {
    if (path->empty()) continue;
    Result<KeyLog> log = LoadKeyLog(*path);
    if (log.ok() && log->HasServerHandshakeSecret()) return *path;
  }
  return "";
}

std::string FormatKeyLog(const KeyLog& log) {
  static const char kDigits[] = "0123456789abcdef";
  auto hex = [](std::span<const uint8_t> bytes) {
    std::string out;
    for (uint8_t b : bytes) {
      out += kDigits[b >> 4];
      out += kDigits[b & 15];
    }
    return out;
  };
  std::string out;
  for (const auto& [random, s] : log.connections) {
    const std::pair<const char*, const std::vector<uint8_t>*> rows[] = {
        {"CLIENT_EARLY_TRAFFIC_SECRET", &s.client_early},
        {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", &s.client_handshake},
        {"SERVER_HANDSHAKE_TRAFFIC_SECRET", &s.server_handshake},
        {"CLIENT_TRAFFIC_SECRET_0", &s.client_traffic_0},
        {"SERVER_TRAFFIC_SECRET_0", &s.server_traffic_0}};
    for (const auto& [label, secret] : rows) {
      if (!secret->empty()) out += std::string(label) + " " + hex(random) + " " + hex(*secret) + "\n";
    }
  }
  return out;
}

}  // namespace qir::trace

// TLS 1.3 handshake message parsing for QUIC analysis: RFC 8446 §4 (message
// framing), §4.1.2 ClientHello, §4.1.3 ServerHello, §4.3.1 EncryptedExtensions,
// §4.4.2 Certificate, §4.2 extensions (RFC 6066 §3 SNI, RFC 7301 ALPN); RFC 9001
// §8.2 and RFC 9000 §18 transport parameters; RFC 9368 §3 version_information.
#include "trace/tls.h"

#include <algorithm>

#include "trace/byte_reader.h"
#include "trace/varint.h"

namespace qir::trace {
namespace {

constexpr uint16_t kExtServerName = 0;
constexpr uint16_t kExtAlpn = 16;
constexpr uint16_t kExtPreSharedKey = 41;
constexpr uint16_t kExtEarlyData = 42;
constexpr uint16_t kExtQuicTransportParameters = 57;
constexpr uint16_t kExtQuicTransportParametersDraft = 0xffa5;

ErrorInfo Malformed(const char* what) { return Fail(Error::kParse, std::string("malformed ") + what); }

/// Reads a vector with an n-byte length prefix (n = 1, 2 or 3).
bool ReadVector(ByteReader& r, size_t n, std::span<const uint8_t>& out) {
  uint32_t length = 0;
  for (size_t i = 0; i < n; ++i) {
    uint8_t b = 0;
    if (!r.ReadU8(b)) return false;
    length = length << 8 | b;
  }
  return r.ReadBytes(length, out);
}

Result<std::vector<std::string>> ParseAlpn(std::span<const uint8_t> data) {
  ByteReader r(data);
  std::span<const uint8_t> list;
  if (!ReadVector(r, 2, list)) return Malformed("ALPN");
  std::vector<std::string> out;
  ByteReader lr(list);
  while (lr.remaining() > 0) {
    std::span<const uint8_t> name;
    if (!ReadVector(lr, 1, name)) return Malformed("ALPN");
    out.emplace_back(name.begin(), name.end());
  }
  return out;
}

std::string ParseServerName(std::span<const uint8_t> data) {
  ByteReader r(data);
  std::span<const uint8_t> list, name;
  uint8_t type = 0;
  if (!ReadVector(r, 2, list)) return "";
  ByteReader lr(list);
  while (lr.ReadU8(type) && ReadVector(lr, 2, name)) {
    if (type == 0) return std::string(name.begin(), name.end());  // host_name
  }
  return "";
}

/// Calls visit(type, data) for each extension of an extensions block.
template <typename Visit>
Status ForEachExtension(ByteReader& r, Visit visit) {
  std::span<const uint8_t> block;  // TLS 1.3 hellos always carry extensions (RFC 8446 §4.1.2)
  if (!ReadVector(r, 2, block)) return Malformed("extensions");
  ByteReader er(block);
  while (er.remaining() > 0) {
    uint16_t type = 0;
    std::span<const uint8_t> data;
    if (!er.ReadU16(type) || !ReadVector(er, 2, data)) return Malformed("extension");
    if (Status s = visit(type, data); !s.ok()) return s;
  }
  return {};
}

void ParseVersionInformation(std::span<const uint8_t> value, TransportParameters& tp) {
  if (value.size() < 4 || value.size() % 4 != 0) return;
  ByteReader r(value);
  tp.has_version_information = true;
  (void)r.ReadU32(tp.chosen_version);
  uint32_t v = 0;
  while (r.ReadU32(v)) tp.available_versions.push_back(v);
}

}  // namespace

const char* TlsMessageName(uint8_t type) {
  switch (type) {
    case kTlsClientHello: return "ClientHello";
    case kTlsServerHello: return "ServerHello";
    case kTlsNewSessionTicket: return "NewSessionTicket";
    case kTlsEncryptedExtensions: return "EncryptedExtensions";
    case kTlsCertificate: return "Certificate";
    case kTlsCertificateVerify: return "CertificateVerify";
    case kTlsFinished: return "Finished";
    default: return "unknown";
  }
}

std::optional<uint64_t> TransportParameters::Integer(uint64_t id) const {
  auto it = raw.find(id);
  if (it == raw.end()) return std::nullopt;
  Result<Varint> v = DecodeVarint(it->second);
  if (!v.ok() || v->length != it->second.size()) return std::nullopt;
  return v->value;
}

Result<TransportParameters> ParseTransportParameters(std::span<const uint8_t> data) {
  TransportParameters tp;
  size_t at = 0;
  while (at < data.size()) {
    Result<Varint> id = DecodeVarint(data.subspan(at));
    if (!id.ok()) return Malformed("transport parameter id");
    at += id->length;
    Result<Varint> length = DecodeVarint(data.subspan(at));
    if (!length.ok()) return Malformed("transport parameter length");
    at += length->length;
    if (length->value > data.size() - at) return Malformed("transport parameter value");
    const auto value = data.subspan(at, static_cast<size_t>(length->value));
    at += value.size();
    tp.raw[id->value].assign(value.begin(), value.end());
    if (id->value == kTpVersionInformation) ParseVersionInformation(value, tp);
  }
  return tp;
}

Result<ClientHello> ParseClientHello(std::span<const uint8_t> body) {
  ByteReader r(body);
  ClientHello hello;
  std::span<const uint8_t> random, session_id, suites, compression;
  if (!r.Skip(2) || !r.ReadBytes(32, random) || !ReadVector(r, 1, session_id) ||
      !ReadVector(r, 2, suites) || suites.size() % 2 != 0 || !ReadVector(r, 1, compression)) {
    return Malformed("ClientHello");
  }
  std::copy(random.begin(), random.end(), hello.random.begin());
  for (size_t i = 0; i + 1 < suites.size(); i += 2) {
    hello.cipher_suites.push_back(static_cast<uint16_t>(suites[i] << 8 | suites[i + 1]));
  }
  Status s = ForEachExtension(r, [&](uint16_t type, std::span<const uint8_t> data) -> Status {
    if (type == kExtServerName) hello.server_name = ParseServerName(data);
    if (type == kExtPreSharedKey) hello.pre_shared_key = true;
    if (type == kExtEarlyData) hello.early_data = true;
    if (type == kExtAlpn) {
      Result<std::vector<std::string>> alpn = ParseAlpn(data);
      if (!alpn.ok()) return alpn.error();
      hello.alpn = std::move(*alpn);
    }
    if (type == kExtQuicTransportParameters || type == kExtQuicTransportParametersDraft) {
      Result<TransportParameters> tp = ParseTransportParameters(data);
      if (!tp.ok()) return tp.error();
      hello.transport_parameters = std::move(*tp);
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return hello;
}

Result<ServerHello> ParseServerHello(std::span<const uint8_t> body) {
  ByteReader r(body);
  ServerHello hello;
  std::span<const uint8_t> random, session_id;
  if (!r.Skip(2) || !r.ReadBytes(32, random) || !ReadVector(r, 1, session_id) ||
      !r.ReadU16(hello.cipher_suite) || !r.Skip(1)) {
    return Malformed("ServerHello");
  }
  Status s = ForEachExtension(r, [&](uint16_t type, std::span<const uint8_t>) -> Status {
    if (type == kExtPreSharedKey) hello.pre_shared_key = true;
    return {};
  });
  if (!s.ok()) return s.error();
  return hello;
}

Result<EncryptedExtensions> ParseEncryptedExtensions(std::span<const uint8_t> body) {
  ByteReader r(body);
  EncryptedExtensions ee;
  if (r.remaining() < 2) return Malformed("EncryptedExtensions");
  Status s = ForEachExtension(r, [&](uint16_t type, std::span<const uint8_t> data) -> Status {
    if (type == kExtEarlyData) ee.early_data = true;
    if (type == kExtAlpn) {
      Result<std::vector<std::string>> alpn = ParseAlpn(data);
      if (!alpn.ok()) return alpn.error();
      ee.alpn = std::move(*alpn);
    }
    if (type == kExtQuicTransportParameters || type == kExtQuicTransportParametersDraft) {
      Result<TransportParameters> tp = ParseTransportParameters(data);
      if (!tp.ok()) return tp.error();
      ee.transport_parameters = std::move(*tp);
    }
    return {};
  });
  if (!s.ok()) return s.error();
  return ee;
}

Result<CertificateInfo> ParseCertificate(std::span<const uint8_t> body) {
  ByteReader r(body);
  std::span<const uint8_t> context, list;
  if (!ReadVector(r, 1, context) || !ReadVector(r, 3, list)) return Malformed("Certificate");
  CertificateInfo info;
  ByteReader lr(list);
  while (lr.remaining() > 0) {
    std::span<const uint8_t> cert, extensions;
    if (!ReadVector(lr, 3, cert) || !ReadVector(lr, 2, extensions)) {
      return Malformed("Certificate entry");
    }
    ++info.count;
    info.total_bytes += cert.size();
  }
  return info;
}

bool CryptoStream::Add(uint64_t offset, std::span<const uint8_t> data) {
  max_end_ = std::max(max_end_, offset + data.size());
  if (offset > kMaxStreamBytes || data.size() > kMaxStreamBytes - offset) return false;
  const uint64_t have = contiguous_.size();
  if (offset + data.size() <= have) return true;  // duplicate
  if (offset > have) {
    std::vector<uint8_t>& slot = pending_[offset];
    if (data.size() > slot.size()) slot.assign(data.begin(), data.end());
    return true;
  }
  contiguous_.insert(contiguous_.end(), data.begin() + static_cast<std::ptrdiff_t>(have - offset),
                     data.end());
  // Pull in pending chunks that now touch the contiguous prefix.
  for (auto it = pending_.begin(); it != pending_.end() && it->first <= contiguous_.size();) {
    const uint64_t end = it->first + it->second.size();
    if (end > contiguous_.size()) {
      contiguous_.insert(contiguous_.end(),
                         it->second.begin() +
                             static_cast<std::ptrdiff_t>(contiguous_.size() - it->first),
                         it->second.end());
    }
    it = pending_.erase(it);
  }
  return true;
}

std::vector<TlsMessage> CryptoStream::TakeMessages() {
  std::vector<TlsMessage> out;
  while (contiguous_.size() - consumed_ >= 4) {
    const uint8_t* p = contiguous_.data() + consumed_;
    const size_t length = static_cast<size_t>(p[1]) << 16 | static_cast<size_t>(p[2]) << 8 | p[3];
    if (contiguous_.size() - consumed_ - 4 < length) break;
    out.push_back(TlsMessage{.type = p[0], .body = std::vector<uint8_t>(p + 4, p + 4 + length)});
    consumed_ += 4 + length;
  }
  return out;
}

}  // namespace qir::trace

// `qir analyze FILE [--keylog FILE] [--json]`: decodes the QUIC packets of a
// pcap/pcapng capture like tshark does for QUIC (RFC 9000 packets and frames,
// RFC 9001 decryption with an NSS key log or the file's own DSB), one line per
// packet (streamed: memory stays flat), or JSON. Bad input is a one-line error and
// exit status 1.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli/cli_support.h"
#include "cli/commands.h"
#include "trace/packet_protection.h"
#include "trace/pcap_writer.h"
#include "trace/trace.h"

namespace qir::cli {
namespace {

std::string HexString(std::span<const uint8_t> bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

/// The text output: one buffer that is appended to and written to stdout in large chunks, with
/// just the few conversions a packet line needs (no format-string parsing per field).
class TextOut {
 public:
  TextOut() : buf_(kFlushBytes + kSlackBytes) {}
  ~TextOut() { Flush(); }
  TextOut(const TextOut&) = delete;  // owns pending output
  TextOut& operator=(const TextOut&) = delete;

  TextOut& Str(std::string_view text) {
    std::memcpy(Room(text.size()), text.data(), text.size());
    used_ += text.size();
    return *this;
  }
  TextOut& Char(char c) {
    *Room(1) = c;
    ++used_;
    return *this;
  }
  /// `n` copies of `c`.
  TextOut& Fill(char c, size_t n) {
    std::memset(Room(n), c, n);
    used_ += n;
    return *this;
  }
  /// Decimal, right-aligned in `width` (at most 20) columns.
  TextOut& Uint(uint64_t value, size_t width = 0) {
    char digits[20];
    size_t n = 0;
    do {
      digits[19 - n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    char* out = Room(20 + width);
    if (width > n) out = std::fill_n(out, width - n, ' ');
    std::memcpy(out, digits + 20 - n, n);
    used_ = static_cast<size_t>(out + n - buf_.data());
    return *this;
  }
  /// Lowercase hex with a "0x" prefix, at least `digits` (at most 16) digits, zero-padded.
  TextOut& HexUint(uint64_t value, size_t digits = 1) {
    char out[16];
    size_t n = 0;
    do {
      out[15 - n++] = kHexDigits[value & 15];
      value >>= 4;
    } while (value != 0);
    Str("0x");
    if (digits > n) Fill('0', digits - n);
    return Str(std::string_view(out + 16 - n, n));
  }
  /// Bytes as lowercase hex, no prefix.
  TextOut& Hex(std::span<const uint8_t> bytes) {
    char* out = Room(2 * bytes.size());
    for (uint8_t b : bytes) {
      *out++ = kHexDigits[b >> 4];
      *out++ = kHexDigits[b & 15];
    }
    used_ += 2 * bytes.size();
    return *this;
  }
  /// `ns` as seconds with 6 decimals, right-aligned in 10 columns, as printf's "%10.6f" of
  /// ns / 1e9 would print it (that rounds the binary double, which matters only at exact ties).
  TextOut& Seconds(int64_t ns) {
    if (ns % 1000 == 500 || ns % 1000 == -500) {
      char text[40];
      const int n = std::snprintf(text, sizeof(text), "%10.6f", static_cast<double>(ns) / 1e9);
      return Str(std::string_view(text, static_cast<size_t>(std::max(n, 0))));
    }
    const uint64_t magnitude = ns < 0 ? 0 - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
    const uint64_t us = (magnitude + 500) / 1000;
    char text[32];
    char* end = text + sizeof(text);
    char* p = end;
    for (int i = 0; i < 6; ++i) *--p = static_cast<char>('0' + us / kPow10[i] % 10);
    *--p = '.';
    uint64_t whole = us / 1000000;
    do {
      *--p = static_cast<char>('0' + whole % 10);
      whole /= 10;
    } while (whole != 0);
    if (ns < 0) *--p = '-';
    const size_t n = static_cast<size_t>(end - p);
    if (n < 10) Fill(' ', 10 - n);
    return Str(std::string_view(p, n));
  }
  /// Writes what is pending once it is large (`force`: always).
  void Flush(bool force = true) {
    if (used_ == 0 || (!force && used_ < kFlushBytes)) return;
    std::fwrite(buf_.data(), 1, used_, stdout);
    used_ = 0;
  }

 private:
  static constexpr size_t kFlushBytes = 1 << 16;
  static constexpr size_t kSlackBytes = 1 << 12;
  static constexpr char kHexDigits[] = "0123456789abcdef";
  static constexpr uint64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000};

  /// Where `n` more bytes can be written (the buffer grows when a line is very long). Kept
  /// tiny so that it inlines into every append; growing is the rare out-of-line case.
  char* Room(size_t n) {
    if (used_ + n > buf_.size()) [[unlikely]] Grow(n);
    return buf_.data() + used_;
  }
  [[gnu::noinline]] void Grow(size_t n) { buf_.resize(std::max(2 * buf_.size(), used_ + n)); }

  std::vector<char> buf_;
  size_t used_ = 0;  ///< bytes of buf_ pending output
};

/// Frame summary as a person reads it: "ACK(12)", "STREAM(id=0,off=0,len=1024,fin)", ...
void AppendFrame(TextOut& out, const trace::Frame& f) {
  const std::string_view name = trace::FrameTypeName(f.type);
  using trace::FrameType;
  if (trace::IsStreamFrame(f.type)) {
    out.Str("STREAM(id=").Uint(f.stream_id).Str(",off=").Uint(f.offset).Str(",len=").Uint(f.length);
    out.Str(f.fin ? ",fin)" : ")");
    return;
  }
  switch (static_cast<FrameType>(f.type)) {
    case FrameType::kPadding:
      out.Str("PADDING(").Uint(f.padding_length).Char(')');
      return;
    case FrameType::kAck:
    case FrameType::kAckEcn:
      if (!f.has_ecn_counts) {
        out.Str("ACK(").Uint(f.largest_acknowledged).Char(')');
        return;
      }
      out.Str("ACK_ECN(").Uint(f.largest_acknowledged).Str(",ect0=").Uint(f.ect0_count);
      out.Str(",ect1=").Uint(f.ect1_count).Str(",ce=").Uint(f.ce_count).Char(')');
      return;
    case FrameType::kCrypto:
      out.Str("CRYPTO(off=").Uint(f.offset).Str(",len=").Uint(f.length).Char(')');
      return;
    case FrameType::kPathChallenge:
    case FrameType::kPathResponse:
      out.Str(name).Char('(').Hex(f.path_data).Char(')');
      return;
    case FrameType::kConnectionCloseTransport:
    case FrameType::kConnectionCloseApplication:
      out.Str(name).Str("(code=").HexUint(f.error_code).Char(')');
      return;
    case FrameType::kNewConnectionId:
      out.Str("NEW_CONNECTION_ID(seq=").Uint(f.sequence_number).Str(",cid=");
      out.Hex(f.connection_id).Char(')');
      return;
    default:
      out.Str(name);
  }
}

/// One packet line: frame number, time since `start_ns`, direction, type, version, PN, CIDs,
/// key phase, Retry tag, decryption status when not ok, frames.
void AppendPacket(TextOut& out, const trace::Packet& p, int64_t start_ns) {
  out.Uint(p.frame_index + 1, 6).Char(' ').Seconds(p.time_ns - start_ns).Char(' ');
  out.Str(p.direction == trace::Direction::kClientToServer   ? "C->S "
          : p.direction == trace::Direction::kServerToClient ? "S->C "
                                                             : "?->? ");
  const std::string_view type = trace::PacketTypeName(p.header.type);
  out.Str(type).Fill(' ', 9 - std::min<size_t>(9, type.size()));  // "{:9}": left-aligned
  if (p.header.type == trace::PacketType::kOneRtt) {
    out.Str(" -");
  } else {
    out.Char(' ').HexUint(p.header.version, 8);
  }
  out.Str(" pn=");
  p.packet_number < 0 ? out.Char('?') : out.Uint(static_cast<uint64_t>(p.packet_number));
  out.Str(" dcid=").Hex(p.header.dcid).Str(" scid=").Hex(p.header.scid);
  if (p.key_phase >= 0) out.Str(" kp=").Uint(static_cast<uint64_t>(p.key_phase));
  if (p.retry_integrity >= 0) out.Str(p.retry_integrity == 1 ? " tag=valid" : " tag=INVALID");
  if (p.decryption != trace::DecryptionStatus::kOk) {
    out.Str(" [").Str(trace::DecryptionStatusName(p.decryption)).Char(']');
  }
  for (const trace::Frame& f : p.frames) AppendFrame(out.Char(' '), f);
  out.Char('\n');
}

/// Streams the capture and prints one line per packet, then a summary and the warnings.
Status PrintText(const std::string& file, const trace::TraceOptions& options) {
  TextOut out;
  std::optional<int64_t> start_ns;  // time of the first packet
  size_t packets = 0;
  Result<trace::Trace> t = trace::StreamTrace(
      file, options, [&](std::span<const trace::Packet> datagram, const trace::Trace&) {
        for (const trace::Packet& p : datagram) {
          if (!start_ns) start_ns = p.time_ns;
          AppendPacket(out, p, *start_ns);
        }
        packets += datagram.size();
        out.Flush(/*force=*/false);
      });
  if (!t.ok()) return t.error();
  out.Str("# ").Uint(packets).Str(" packets, ").Uint(t->decrypted).Str(" decrypted, ");
  out.Uint(t->undecrypted).Str(" not decrypted, ");
  out.Uint(t->connections.size()).Str(" connections\n");
  for (const std::string& w : t->warnings) out.Str("# warning: ").Str(w).Char('\n');
  return {};
}

nlohmann::json FrameJson(const trace::Frame& f) {
  nlohmann::json j = {{"type", trace::FrameTypeName(f.type)}, {"type_id", f.type}};
  if (f.type == 0) j["length"] = f.padding_length;
  if (f.type == 0x02 || f.type == 0x03) {
    j["largest_acknowledged"] = f.largest_acknowledged;
    j["ack_ranges"] = f.ack_ranges.size();
    if (f.has_ecn_counts) j["ecn"] = {f.ect0_count, f.ect1_count, f.ce_count};
  }
  if (f.type == 0x06 || trace::IsStreamFrame(f.type)) {
    j["offset"] = f.offset;
    j["length"] = f.length;
  }
  if (trace::IsStreamFrame(f.type)) {
    j["stream_id"] = f.stream_id;
    j["fin"] = f.fin;
  }
  if (f.type == 0x1a || f.type == 0x1b) j["data"] = HexString(f.path_data);
  if (f.type == 0x1c || f.type == 0x1d) {
    j["error_code"] = f.error_code;
    j["reason"] = HexString(std::span(reinterpret_cast<const uint8_t*>(f.reason.data()),
                                      f.reason.size()));
  }
  return j;
}

void PrintJson(const trace::Trace& t) {
  nlohmann::json packets = nlohmann::json::array();
  for (const trace::Packet& p : t.packets) {
    nlohmann::json frames = nlohmann::json::array();
    for (const trace::Frame& f : p.frames) frames.push_back(FrameJson(f));
    packets.push_back({{"frame", p.frame_index + 1},
                       {"time_ns", p.time_ns},
                       {"direction", trace::DirectionName(p.direction)},
                       {"type", trace::PacketTypeName(p.header.type)},
                       {"version", p.header.version},
                       {"packet_number", p.packet_number},
                       {"key_phase", p.key_phase},
                       {"dcid", HexString(p.header.dcid)},
                       {"scid", HexString(p.header.scid)},
                       {"udp_payload_size", p.udp_payload_size},
                       {"decryption", trace::DecryptionStatusName(p.decryption)},
                       {"retry_integrity", p.retry_integrity},
                       {"connection", p.connection == trace::kNoConnection
                                          ? -1
                                          : static_cast<int64_t>(p.connection)},
                       {"frames", std::move(frames)}});
  }
  nlohmann::json conns = nlohmann::json::array();
  for (const trace::Connection& c : t.connections) {
    nlohmann::json j = {{"version", c.version},
                        {"original_dcid", HexString(c.original_dcid)},
                        {"packets", c.packets},
                        {"keys_found", c.keys_found},
                        {"cipher_suite", trace::CipherSuiteName(c.cipher_suite)},
                        {"retries", c.retries},
                        {"certificate", c.certificate.has_value()},
                        {"server_handshake_crypto_max_end", c.server_handshake_crypto_max_end}};
    if (c.client_hello) j["client_cipher_suites"] = c.client_hello->cipher_suites;
    if (c.client_hello) j["alpn"] = c.client_hello->alpn;
    conns.push_back(std::move(j));
  }
  nlohmann::json out = {{"packets", std::move(packets)},
                        {"connections", std::move(conns)},
                        {"warnings", t.warnings}};
  std::printf("%s\n", out.dump(1).c_str());
}

}  // namespace

int AnalyzeCommand(int argc, char** argv) {
  CLI::App app{"Decode the QUIC packets of a pcap/pcapng file", "qir analyze"};
  std::string file, keylog_path, pcapng_out;
  bool json = false;
  app.add_option("file", file, "pcap or pcapng capture")->required();
  app.add_option("--keylog", keylog_path, "NSS key log (SSLKEYLOGFILE) for decryption");
  app.add_flag("--json", json, "print JSON instead of one line per packet");
  app.add_option("--write-pcapng", pcapng_out,
                 "write FILE as pcapng with the key log in a Decryption Secrets Block, then exit");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!pcapng_out.empty()) {
    if (keylog_path.empty()) return UsageError("analyze", "--write-pcapng needs --keylog");
    Status written = trace::WritePcapngWithSecrets(file, keylog_path, pcapng_out);
    if (!written.ok()) {
      std::fprintf(stderr, "qir analyze: %s\n", written.error().Text().c_str());
      return 1;
    }
    return 0;
  }
  std::optional<trace::KeyLog> keylog;
  if (!keylog_path.empty()) {
    Result<trace::KeyLog> loaded = trace::LoadKeyLog(keylog_path);
    if (!loaded.ok()) {
      std::fprintf(stderr, "qir analyze: %s: %s\n", keylog_path.c_str(),
                   loaded.error().Text().c_str());
      return 1;
    }
    keylog = std::move(*loaded);
  }
  const trace::TraceOptions options{.keylog = keylog ? &*keylog : nullptr};
  if (!json) {
    if (Status printed = PrintText(file, options); !printed.ok()) {
      std::fflush(stdout);
      std::fprintf(stderr, "qir analyze: %s: %s\n", file.c_str(), printed.error().Text().c_str());
      return 1;
    }
    return 0;
  }
  Result<trace::Trace> t = trace::LoadTrace(file, options);
  if (!t.ok()) {
    std::fprintf(stderr, "qir analyze: %s: %s\n", file.c_str(), t.error().Text().c_str());
    return 1;
  }
  PrintJson(*t);
  return 0;
}

}  // namespace qir::cli

// `qir analyze FILE [--keylog FILE] [--json]`: decodes the QUIC packets of a
// pcap/pcapng capture like tshark does for QUIC (RFC 9000 packets and frames,
// RFC 9001 decryption with an NSS key log or the file's own DSB), one line per
// packet, or JSON. Bad input is a one-line error and exit status 1.
#include <cstdio>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
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

std::string VersionText(const trace::Packet& p) {
  if (p.header.type == trace::PacketType::kOneRtt) return "-";
  return fmt::format("{:#010x}", p.header.version);
}

/// Frame summary as a person reads it: "ACK(12)", "STREAM(id=0,off=0,len=1024,fin)", ...
std::string FrameText(const trace::Frame& f) {
  const std::string name = trace::FrameTypeName(f.type);
  using trace::FrameType;
  switch (static_cast<FrameType>(f.type)) {
    case FrameType::kPadding:
      return fmt::format("PADDING({})", f.padding_length);
    case FrameType::kAck:
    case FrameType::kAckEcn:
      return f.has_ecn_counts ? fmt::format("ACK_ECN({},ect0={},ect1={},ce={})",
                                            f.largest_acknowledged, f.ect0_count, f.ect1_count,
                                            f.ce_count)
                              : fmt::format("ACK({})", f.largest_acknowledged);
    case FrameType::kCrypto:
      return fmt::format("CRYPTO(off={},len={})", f.offset, f.length);
    case FrameType::kPathChallenge:
    case FrameType::kPathResponse:
      return fmt::format("{}({})", name, HexString(f.path_data));
    case FrameType::kConnectionCloseTransport:
    case FrameType::kConnectionCloseApplication:
      return fmt::format("{}(code={:#x})", name, f.error_code);
    case FrameType::kNewConnectionId:
      return fmt::format("NEW_CONNECTION_ID(seq={},cid={})", f.sequence_number,
                         HexString(f.connection_id));
    default:
      break;
  }
  if (trace::IsStreamFrame(f.type)) {
    return fmt::format("STREAM(id={},off={},len={}{})", f.stream_id, f.offset, f.length,
                       f.fin ? ",fin" : "");
  }
  return name;
}

void PrintText(const trace::Trace& t) {
  const int64_t start = t.packets.empty() ? 0 : t.packets.front().time_ns;
  std::string out;
  for (const trace::Packet& p : t.packets) {
    out += fmt::format("{:6} {:10.6f} {} {:9} {} pn={} dcid={} scid={}", p.frame_index + 1,
                       static_cast<double>(p.time_ns - start) / 1e9,
                       p.direction == trace::Direction::kClientToServer   ? "C->S"
                       : p.direction == trace::Direction::kServerToClient ? "S->C"
                                                                          : "?->?",
                       trace::PacketTypeName(p.header.type), VersionText(p),
                       p.packet_number < 0 ? std::string("?") : std::to_string(p.packet_number),
                       HexString(p.header.dcid), HexString(p.header.scid));
    if (p.key_phase >= 0) out += fmt::format(" kp={}", p.key_phase);
    if (p.retry_integrity >= 0) out += p.retry_integrity == 1 ? " tag=valid" : " tag=INVALID";
    if (p.decryption != trace::DecryptionStatus::kOk) {
      out += fmt::format(" [{}]", trace::DecryptionStatusName(p.decryption));
    }
    for (const trace::Frame& f : p.frames) out += " " + FrameText(f);
    out += '\n';
    if (out.size() > (1 << 16)) {
      std::fwrite(out.data(), 1, out.size(), stdout);
      out.clear();
    }
  }
  out += fmt::format("# {} packets, {} decrypted, {} not decrypted, {} connections\n",
                     t.packets.size(), t.decrypted, t.undecrypted, t.connections.size());
  for (const std::string& w : t.warnings) out += "# warning: " + w + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
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
  Result<trace::Trace> t = trace::LoadTrace(
      file, trace::TraceOptions{.keylog = keylog ? &*keylog : nullptr});
  if (!t.ok()) {
    std::fprintf(stderr, "qir analyze: %s: %s\n", file.c_str(), t.error().Text().c_str());
    return 1;
  }
  json ? PrintJson(*t) : PrintText(*t);
  return 0;
}

}  // namespace qir::cli

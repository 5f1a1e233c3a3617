// Writes classic pcap files of raw IP packets (see pcap_writer.h). Records are
// little-endian as written by this host; readers detect order from the magic.
// Also rewrites captures as pcapng with a Decryption Secrets Block
// (draft-ietf-opsawg-pcapng §4.1 SHB, §4.2 IDB, §4.3 EPB, §4.7 DSB).
#include "trace/pcap_writer.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "trace/capture.h"
#include "trace/keylog.h"

namespace qir::trace {
namespace {

ErrorInfo IoError(const char* call, const std::string& path) {
  return Fail(Error::kIo, std::string(call) + ": " + std::strerror(errno), path);
}

// pcapng (draft-ietf-opsawg-pcapng): block types, the TLS key log secrets type, options.
constexpr uint32_t kPcapngSectionHeader = 0x0a0d0d0a;
constexpr uint32_t kPcapngByteOrderMagic = 0x1a2b3c4d;
constexpr uint32_t kPcapngInterfaceDescription = 0x00000001;
constexpr uint32_t kPcapngEnhancedPacket = 0x00000006;
constexpr uint32_t kPcapngDecryptionSecrets = 0x0000000a;
constexpr uint32_t kSecretsTypeTls = 0x544c534b;  // "TLSK"
constexpr uint16_t kOptionIfTsresol = 9;

void Put32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void Put16(std::vector<uint8_t>& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v));
  out.push_back(static_cast<uint8_t>(v >> 8));
}

/// Appends one block: type, total length, body padded to 32 bits, total length.
void PutBlock(std::vector<uint8_t>& out, uint32_t type, const std::vector<uint8_t>& body) {
  const size_t padded = (body.size() + 3) & ~size_t{3};
  const auto total = static_cast<uint32_t>(12 + padded);
  Put32(out, type);
  Put32(out, total);
  out.insert(out.end(), body.begin(), body.end());
  out.resize(out.size() + padded - body.size(), 0);
  Put32(out, total);
}

std::vector<uint8_t> PcapngHeaderBlocks(const std::string& secrets) {
  std::vector<uint8_t> out, body;
  Put32(body, kPcapngByteOrderMagic);
  Put16(body, 1);  // major version
  Put16(body, 0);  // minor version
  Put32(body, 0xffffffff);  // section length: unknown (-1)
  Put32(body, 0xffffffff);
  PutBlock(out, kPcapngSectionHeader, body);
  body.clear();
  Put32(body, kSecretsTypeTls);
  Put32(body, static_cast<uint32_t>(secrets.size()));
  body.insert(body.end(), secrets.begin(), secrets.end());
  PutBlock(out, kPcapngDecryptionSecrets, body);
  body.clear();
  Put16(body, static_cast<uint16_t>(kLinkTypeRaw));
  Put16(body, 0);  // reserved
  Put32(body, kPcapSnapLength);
  Put16(body, kOptionIfTsresol);
  Put16(body, 1);
  body.insert(body.end(), {9, 0, 0, 0});  // 10^-9 s, padded
  Put32(body, 0);                         // opt_endofopt
  PutBlock(out, kPcapngInterfaceDescription, body);
  return out;
}

void PutPacket(std::vector<uint8_t>& out, const CapturedPacket& packet) {
  std::vector<uint8_t> body;
  const auto ts = static_cast<uint64_t>(packet.time_ns);
  Put32(body, 0);  // interface 0
  Put32(body, static_cast<uint32_t>(ts >> 32));
  Put32(body, static_cast<uint32_t>(ts));
  Put32(body, static_cast<uint32_t>(packet.ip.size()));
  Put32(body, static_cast<uint32_t>(packet.ip.size()));
  body.insert(body.end(), packet.ip.begin(), packet.ip.end());
  PutBlock(out, kPcapngEnhancedPacket, body);
}

}  // namespace

Status WritePcapngWithSecrets(const std::string& pcap_in, const std::string& keylog,
                              const std::string& out) {
  Result<LenientCapture> capture = ReadCaptureFileLenient(pcap_in);
  if (!capture.ok()) return capture.error();
  Result<std::vector<uint8_t>> keylog_bytes = ReadFileBytes(keylog);
  if (!keylog_bytes.ok()) return keylog_bytes.error();
  std::string secrets(keylog_bytes->begin(), keylog_bytes->end());
  if (Result<KeyLog> parsed = ParseKeyLog(secrets); !parsed.ok()) {
    return Fail(parsed.error().code, parsed.error().message, keylog + ", " + parsed.error().arg);
  }
  std::vector<uint8_t> bytes = PcapngHeaderBlocks(secrets);
  for (const CapturedPacket& packet : capture->packets) PutPacket(bytes, packet);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(out.c_str(), "wb"),
                                                       &std::fclose);
  if (!file) return IoError("fopen", out);
  if (std::fwrite(bytes.data(), 1, bytes.size(), file.get()) != bytes.size()) {
    return IoError("fwrite", out);
  }
  if (std::fclose(file.release()) != 0) return IoError("fclose", out);
  return {};
}

PcapWriter::~PcapWriter() { Close(); }

PcapWriter::PcapWriter(PcapWriter&& other) noexcept
    : file_(std::exchange(other.file_, nullptr)),
      path_(std::move(other.path_)),
      packets_(other.packets_) {}

PcapWriter& PcapWriter::operator=(PcapWriter&& other) noexcept {
  if (this != &other) {
    Close();
    file_ = std::exchange(other.file_, nullptr);
    path_ = std::move(other.path_);
    packets_ = other.packets_;
  }
  return *this;
}

void PcapWriter::Close() {
  if (file_ != nullptr) std::fclose(file_);
  file_ = nullptr;
}

Result<PcapWriter> PcapWriter::Create(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (file == nullptr) return IoError("fopen", path);
  PcapWriter writer(file, path);
  PcapFileHeader header;
  if (std::fwrite(&header, sizeof(header), 1, file) != 1) return IoError("fwrite", path);
  return writer;
}

Status PcapWriter::Write(int64_t time_ns, std::span<const uint8_t> ip_packet) {
  if (file_ == nullptr) return Fail(Error::kInternal, "pcap writer is not open");
  const PcapRecordHeader record = PcapRecordHeader::For(time_ns, ip_packet.size());
  if (std::fwrite(&record, sizeof(record), 1, file_) != 1 ||
      std::fwrite(ip_packet.data(), 1, ip_packet.size(), file_) != ip_packet.size()) {
    return IoError("fwrite", path_);
  }
  ++packets_;
  return {};
}

Status PcapWriter::Flush() {
  if (file_ != nullptr && std::fflush(file_) != 0) return IoError("fflush", path_);
  return {};
}

}  // namespace qir::trace

// Writes classic pcap files of raw IP packets (see pcap_writer.h). Records are
// little-endian as written by this host; readers detect order from the magic.
#include "trace/pcap_writer.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace qir::trace {
namespace {

/// Snap length announced in the header: larger than any IP packet we handle.
constexpr uint32_t kSnapLength = 262144;

struct FileHeader {
  uint32_t magic = kPcapMagicNanos;
  uint16_t version_major = 2;
  uint16_t version_minor = 4;
  int32_t thiszone = 0;
  uint32_t sigfigs = 0;
  uint32_t snaplen = kSnapLength;
  uint32_t linktype = kLinkTypeRaw;
};

struct RecordHeader {
  uint32_t ts_sec;
  uint32_t ts_nsec;
  uint32_t incl_len;
  uint32_t orig_len;
};

ErrorInfo IoError(const char* call, const std::string& path) {
  return Fail(Error::kIo, std::string(call) + ": " + std::strerror(errno), path);
}

}  // namespace

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
  FileHeader header;
  if (std::fwrite(&header, sizeof(header), 1, file) != 1) return IoError("fwrite", path);
  return writer;
}

Status PcapWriter::Write(int64_t time_ns, std::span<const uint8_t> ip_packet) {
  if (file_ == nullptr) return Fail(Error::kInternal, "pcap writer is not open");
  RecordHeader record{
      .ts_sec = static_cast<uint32_t>(time_ns / 1000000000),
      .ts_nsec = static_cast<uint32_t>(time_ns % 1000000000),
      .incl_len = static_cast<uint32_t>(ip_packet.size()),
      .orig_len = static_cast<uint32_t>(ip_packet.size()),
  };
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

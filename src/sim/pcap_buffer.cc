// Buffered classic-pcap writer for the simulator (pcap_buffer.h). Format per tcpdump's
// pcap-savefile(5): 24-byte file header (magic 0xa1b23c4d = nanosecond timestamps,
// version 2.4, LINKTYPE_RAW = 101), then 16-byte record headers, host byte order, as
// trace::PcapWriter writes them.
#include "sim/pcap_buffer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "trace/pcap_writer.h"

namespace qir::sim {
namespace {

/// Snap length announced in the header: larger than any IP packet (as trace::PcapWriter).
constexpr uint32_t kSnapLength = 262144;
/// Buffer capacity reserved up front: auto-flush threshold plus one maximum-size record.
constexpr size_t kReserveBytes = PcapBuffer::kAutoFlushBytes + 65536 + 16;

template <typename T>
void Put(std::vector<uint8_t>& out, T value) {
  const auto* p = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), p, p + sizeof(value));
}

ErrorInfo IoError(const char* call, const std::string& path) {
  return Fail(Error::kIo, std::string(call) + ": " + std::strerror(errno), path);
}

}  // namespace

PcapBuffer::~PcapBuffer() {
  (void)Flush();
  if (fd_ >= 0) ::close(fd_);
}

PcapBuffer::PcapBuffer(PcapBuffer&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      path_(std::move(other.path_)),
      buffer_(std::move(other.buffer_)),
      packets_(other.packets_) {}

PcapBuffer& PcapBuffer::operator=(PcapBuffer&& other) noexcept {
  if (this != &other) {
    (void)Flush();
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    path_ = std::move(other.path_);
    buffer_ = std::move(other.buffer_);
    packets_ = other.packets_;
  }
  return *this;
}

Result<PcapBuffer> PcapBuffer::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return IoError("open", path);
  PcapBuffer pcap(fd, path);
  pcap.buffer_.reserve(kReserveBytes);
  Put<uint32_t>(pcap.buffer_, trace::kPcapMagicNanos);
  Put<uint16_t>(pcap.buffer_, 2);  // version 2.4
  Put<uint16_t>(pcap.buffer_, 4);
  Put<int32_t>(pcap.buffer_, 0);   // thiszone
  Put<uint32_t>(pcap.buffer_, 0);  // sigfigs
  Put<uint32_t>(pcap.buffer_, kSnapLength);
  Put<uint32_t>(pcap.buffer_, trace::kLinkTypeRaw);
  if (Status s = pcap.Flush(); !s) return s.error();
  return pcap;
}

Status PcapBuffer::Append(int64_t time_ns, std::span<const uint8_t> ip_packet) {
  if (fd_ < 0) return Fail(Error::kInternal, "pcap buffer is not open");
  if (buffer_.size() >= kAutoFlushBytes) {
    if (Status s = Flush(); !s) return s;
  }
  const auto length = static_cast<uint32_t>(ip_packet.size());
  Put<uint32_t>(buffer_, static_cast<uint32_t>(time_ns / 1'000'000'000));
  Put<uint32_t>(buffer_, static_cast<uint32_t>(time_ns % 1'000'000'000));
  Put<uint32_t>(buffer_, length);  // incl_len
  Put<uint32_t>(buffer_, length);  // orig_len
  buffer_.insert(buffer_.end(), ip_packet.begin(), ip_packet.end());
  ++packets_;
  return {};
}

Status PcapBuffer::Flush() {
  size_t done = 0;
  while (fd_ >= 0 && done < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return IoError("write", path_);
    done += static_cast<size_t>(n);
  }
  buffer_.clear();
  return {};
}

}  // namespace qir::sim

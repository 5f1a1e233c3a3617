// Buffered classic-pcap writer for the simulator (pcap_buffer.h). Format per tcpdump's
// pcap-savefile(5): 24-byte file header (magic 0xa1b23c4d = nanosecond timestamps,
// version 2.4, LINKTYPE_RAW = 101), then 16-byte record headers, host byte order, as
// trace::PcapWriter writes them. Full buffers go to a writer thread through a bounded queue;
// emptied buffers come back for reuse, so steady-state capture allocates nothing.
#include "sim/pcap_buffer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>
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

Status WriteAll(int fd, const std::vector<uint8_t>& bytes, const std::string& path) {
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Fail(Error::kIo, std::string("write: ") + std::strerror(errno), path);
    done += static_cast<size_t>(n);
  }
  return {};
}

}  // namespace

class PcapBuffer::Writer {
 public:
  Writer(int fd, std::string path) : fd_(fd), path_(std::move(path)) {
    thread_ = std::thread([this] { Loop(); });
  }

  ~Writer() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_writer_.notify_one();
    thread_.join();
    ::close(fd_);
  }

  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// Queues `buffer` (left empty, with capacity, for the caller's next records).
  Status Submit(std::vector<uint8_t>& buffer) {
    std::unique_lock lock(mutex_);
    wake_loop_.wait(lock, [this] { return pending_.size() < kMaxPendingBuffers; });
    pending_.push_back(std::move(buffer));
    if (free_.empty()) {
      buffer = std::vector<uint8_t>();
      buffer.reserve(kReserveBytes);
    } else {
      buffer = std::move(free_.back());
      free_.pop_back();
    }
    lock.unlock();
    wake_writer_.notify_one();
    return error_copy();
  }

  /// Waits until every queued buffer is written.
  Status Drain() {
    std::unique_lock lock(mutex_);
    wake_loop_.wait(lock, [this] { return pending_.empty() && !writing_; });
    return error_;
  }

 private:
  Status error_copy() {
    std::lock_guard lock(mutex_);
    return error_;
  }

  void Loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_writer_.wait(lock, [this] { return stop_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stop_ with nothing left to write
      std::vector<uint8_t> buffer = std::move(pending_.front());
      pending_.pop_front();
      writing_ = true;
      lock.unlock();
      Status s = WriteAll(fd_, buffer, path_);
      buffer.clear();
      lock.lock();
      writing_ = false;
      if (!s && error_.ok()) error_ = s;
      if (free_.size() < 2) free_.push_back(std::move(buffer));
      wake_loop_.notify_all();
    }
  }

  const int fd_;
  const std::string path_;
  std::mutex mutex_;
  std::condition_variable wake_writer_;  ///< a buffer was queued, or stop
  std::condition_variable wake_loop_;    ///< a buffer was written
  std::deque<std::vector<uint8_t>> pending_;
  std::vector<std::vector<uint8_t>> free_;  ///< written buffers, capacity kept
  bool writing_ = false;
  bool stop_ = false;
  Status error_;  ///< the first write failure
  std::thread thread_;
};

PcapBuffer::PcapBuffer() = default;

PcapBuffer::~PcapBuffer() { (void)Flush(); }

PcapBuffer::PcapBuffer(PcapBuffer&& other) noexcept
    : writer_(std::move(other.writer_)),
      buffer_(std::move(other.buffer_)),
      packets_(other.packets_) {}

PcapBuffer& PcapBuffer::operator=(PcapBuffer&& other) noexcept {
  if (this != &other) {
    (void)Flush();
    writer_ = std::move(other.writer_);
    buffer_ = std::move(other.buffer_);
    packets_ = other.packets_;
  }
  return *this;
}

bool PcapBuffer::is_open() const { return writer_ != nullptr; }

Result<PcapBuffer> PcapBuffer::Create(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Fail(Error::kIo, std::string("open: ") + std::strerror(errno), path);
  std::vector<uint8_t> header;
  Put<uint32_t>(header, trace::kPcapMagicNanos);
  Put<uint16_t>(header, 2);  // version 2.4
  Put<uint16_t>(header, 4);
  Put<int32_t>(header, 0);   // thiszone
  Put<uint32_t>(header, 0);  // sigfigs
  Put<uint32_t>(header, kSnapLength);
  Put<uint32_t>(header, trace::kLinkTypeRaw);
  if (Status s = WriteAll(fd, header, path); !s) {
    ::close(fd);
    return s.error();
  }
  PcapBuffer pcap;
  pcap.writer_ = std::make_unique<Writer>(fd, path);
  pcap.buffer_.reserve(kReserveBytes);
  return pcap;
}

Status PcapBuffer::Append(int64_t time_ns, std::span<const uint8_t> ip_packet) {
  if (!writer_) return Fail(Error::kInternal, "pcap buffer is not open");
  const auto length = static_cast<uint32_t>(ip_packet.size());
  Put<uint32_t>(buffer_, static_cast<uint32_t>(time_ns / 1'000'000'000));
  Put<uint32_t>(buffer_, static_cast<uint32_t>(time_ns % 1'000'000'000));
  Put<uint32_t>(buffer_, length);  // incl_len
  Put<uint32_t>(buffer_, length);  // orig_len
  buffer_.insert(buffer_.end(), ip_packet.begin(), ip_packet.end());
  ++packets_;
  if (buffer_.size() >= kAutoFlushBytes) return Submit();
  return {};
}

Status PcapBuffer::Submit() {
  if (!writer_ || buffer_.empty()) return {};
  return writer_->Submit(buffer_);
}

Status PcapBuffer::Flush() {
  if (!writer_) return {};
  Status submitted = Submit();
  Status drained = writer_->Drain();
  return submitted.ok() ? drained : submitted;
}

}  // namespace qir::sim

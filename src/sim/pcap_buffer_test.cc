// Tests for PcapBuffer (pcap_buffer.h): files it writes read back through the trace
// module's capture reader with the same timestamps and bytes, before and after flushes.
#include "sim/pcap_buffer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "trace/capture.h"

namespace qir::sim {
namespace {

/// A unique path in `dir` (default /tmp), removed when the test ends.
class TempPath {
 public:
  explicit TempPath(const std::string& dir = "/tmp") {
    std::string pattern = dir + "/qir-pcap-buffer-XXXXXX";
    std::vector<char> name(pattern.begin(), pattern.end());
    name.push_back('\0');
    int fd = ::mkstemp(name.data());
    if (fd >= 0) ::close(fd);
    path_ = name.data();
  }
  ~TempPath() { ::unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(PcapBufferTest, HeaderOnlyFileIsAValidEmptyCapture) {
  TempPath tmp;
  Result<PcapBuffer> pcap = PcapBuffer::Create(tmp.path());
  ASSERT_TRUE(pcap);
  Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
  ASSERT_TRUE(read) << read.error().Text();
  EXPECT_TRUE(read->empty());
}

TEST(PcapBufferTest, RecordsAppearOnlyAfterFlushAndReadBack) {
  TempPath tmp;
  Result<PcapBuffer> pcap = PcapBuffer::Create(tmp.path());
  ASSERT_TRUE(pcap);
  std::vector<uint8_t> a(20, 0x45), b(1200, 0x45);
  a[1] = 1;
  b[1] = 2;
  ASSERT_TRUE(pcap->Append(1'700'000'000'123'456'789, a));
  ASSERT_TRUE(pcap->Append(1'700'000'001'000'000'001, b));
  EXPECT_EQ(pcap->packets(), 2u);
  EXPECT_TRUE(trace::ReadCaptureFile(tmp.path())->empty());  // still buffered
  ASSERT_TRUE(pcap->Flush());
  EXPECT_EQ(pcap->buffered(), 0u);
  Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
  ASSERT_TRUE(read) << read.error().Text();
  ASSERT_EQ(read->size(), 2u);
  EXPECT_EQ((*read)[0].time_ns, 1'700'000'000'123'456'789);
  EXPECT_EQ((*read)[0].ip, a);
  EXPECT_EQ((*read)[1].time_ns, 1'700'000'001'000'000'001);
  EXPECT_EQ((*read)[1].ip, b);
}

TEST(PcapBufferTest, AppendWritesOutOnceTheThresholdIsReached) {
  TempPath tmp;
  Result<PcapBuffer> pcap = PcapBuffer::Create(tmp.path());
  ASSERT_TRUE(pcap);
  std::vector<uint8_t> packet(1400, 0x45);
  size_t appended = 0;
  while (pcap->buffered() + packet.size() + 16 < PcapBuffer::kAutoFlushBytes) {
    ASSERT_TRUE(pcap->Append(1'000'000'000, packet));
    ++appended;
  }
  ASSERT_TRUE(pcap->Append(1'000'000'000, packet));  // hands everything to the writer
  EXPECT_EQ(pcap->buffered(), 0u);
  ASSERT_TRUE(pcap->Flush());
  Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
  ASSERT_TRUE(read) << read.error().Text();
  EXPECT_EQ(read->size(), appended + 1);
}

TEST(PcapBufferTest, ManyBuffersInFlightKeepEveryRecordInOrder) {
  // More full buffers than the writer queue holds: Submit waits instead of dropping.
  TempPath tmp;
  Result<PcapBuffer> pcap = PcapBuffer::Create(tmp.path());
  ASSERT_TRUE(pcap);
  std::vector<uint8_t> packet(1400, 0x45);
  const size_t per_buffer = PcapBuffer::kAutoFlushBytes / (packet.size() + 16) + 1;
  const size_t total = per_buffer * (PcapBuffer::kMaxPendingBuffers + 4);
  for (size_t i = 0; i < total; ++i) {
    ASSERT_TRUE(pcap->Append(static_cast<int64_t>(i), packet));
    if (i % 1000 == 0) {
      ASSERT_TRUE(pcap->Submit());
    }
  }
  ASSERT_TRUE(pcap->Flush());
  Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
  ASSERT_TRUE(read) << read.error().Text();
  ASSERT_EQ(read->size(), total);
  for (size_t i = 0; i < total; i += 997) EXPECT_EQ((*read)[i].time_ns, static_cast<int64_t>(i));
}

TEST(PcapBufferTest, DestructorFlushes) {
  TempPath tmp;
  {
    Result<PcapBuffer> pcap = PcapBuffer::Create(tmp.path());
    ASSERT_TRUE(pcap);
    ASSERT_TRUE(pcap->Append(5, std::vector<uint8_t>(40, 0x60)));
  }
  Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
  ASSERT_TRUE(read) << read.error().Text();
  EXPECT_EQ(read->size(), 1u);
}

TEST(PcapBufferTest, EveryFileSystemAndRecordSizeReadsBack) {
  // /tmp takes direct I/O on the usual file systems; /dev/shm (tmpfs) may refuse it, and
  // then the writer goes through the page cache. Sizes straddle the 4 KiB alignment.
  for (const char* dir : {"/tmp", "/dev/shm"}) {
    if (::access(dir, W_OK) != 0) continue;
    SCOPED_TRACE(dir);
    TempPath tmp(dir);
    Result<PcapBuffer> pcap = PcapBuffer::Create(tmp.path());
    ASSERT_TRUE(pcap);
    size_t count = 0;
    for (size_t size = 20; size < 9000; size += 37, ++count) {
      ASSERT_TRUE(pcap->Append(static_cast<int64_t>(size), std::vector<uint8_t>(size, 0x45)));
      if (count % 50 == 0) {
        ASSERT_TRUE(pcap->Flush());  // the file must end on a record after every flush
        Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
        ASSERT_TRUE(read) << read.error().Text();
        EXPECT_EQ(read->size(), count + 1);
      }
    }
    ASSERT_TRUE(pcap->Flush());
    Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
    ASSERT_TRUE(read) << read.error().Text();
    ASSERT_EQ(read->size(), count);
    EXPECT_EQ(read->back().ip.size(), read->back().time_ns);
  }
}

TEST(PcapBufferTest, RecordsAreWrittenInTimeOrder) {
  // Arrivals are stamped by the kernel but appended when read, possibly after a later send.
  TempPath tmp;
  Result<PcapBuffer> pcap = PcapBuffer::Create(tmp.path());
  ASSERT_TRUE(pcap);
  // IPv4-looking bytes of distinct lengths, so each record is recognisable when read back.
  const std::vector<uint8_t> a(40, 0x45), b(61, 0x45), c(20, 0x45), d(33, 0x45), e(25, 0x45);
  ASSERT_TRUE(pcap->Append(100, a));
  ASSERT_TRUE(pcap->Append(300, b));
  ASSERT_TRUE(pcap->Append(200, c));  // goes between a and b
  ASSERT_TRUE(pcap->Append(50, d));   // goes first
  ASSERT_TRUE(pcap->Submit());        // handed over: nothing may go before 300 any more
  ASSERT_TRUE(pcap->Append(250, e));  // too late to reorder: stamped 300
  ASSERT_TRUE(pcap->Flush());
  Result<std::vector<trace::CapturedPacket>> read = trace::ReadCaptureFile(tmp.path());
  ASSERT_TRUE(read) << read.error().Text();
  ASSERT_EQ(read->size(), 5u);
  const std::vector<std::pair<int64_t, std::vector<uint8_t>>> want = {
      {50, d}, {100, a}, {200, c}, {300, b}, {300, e}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ((*read)[i].time_ns, want[i].first) << i;
    EXPECT_EQ((*read)[i].ip, want[i].second) << i;
  }
}

TEST(PcapBufferTest, Errors) {
  EXPECT_FALSE(PcapBuffer::Create("/nonexistent-dir/x.pcap"));
  EXPECT_FALSE(PcapBuffer::Create("/dev/full"));  // the header write fails: ENOSPC
  PcapBuffer closed;
  EXPECT_FALSE(closed.is_open());
  EXPECT_FALSE(closed.Append(0, std::vector<uint8_t>(20, 0x45)));
  EXPECT_TRUE(closed.Flush());  // nothing to write
}

}  // namespace
}  // namespace qir::sim

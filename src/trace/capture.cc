// Reads capture files into IP packets: classic pcap (pcap-savefile(5), the
// draft-ietf-opsawg-pcap file format: magic 0xa1b2c3d4 µs / 0xa1b23c4d ns, either
// byte order) and pcapng (draft-ietf-opsawg-pcapng: SHB with its byte-order magic,
// IDB with if_tsresol/if_tsoffset, EPB, SPB; DSB key logs are kept, other blocks skipped).
// Each frame's link header is removed by ExtractIpPacket (link_layer.h).
#include "trace/capture.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "trace/byte_reader.h"
#include "trace/link_layer.h"

namespace qir::trace {
namespace {

constexpr uint32_t kPcapMagicMicroseconds = 0xa1b2c3d4;
constexpr uint32_t kPcapMagicNanoseconds = 0xa1b23c4d;
constexpr size_t kPcapFileHeaderLength = 24;
constexpr size_t kPcapRecordHeaderLength = 16;

constexpr uint32_t kBlockSectionHeader = 0x0a0d0d0a;  // SHB (palindromic: same in both orders)
constexpr uint32_t kBlockInterfaceDescription = 0x00000001;
constexpr uint32_t kBlockSimplePacket = 0x00000003;
constexpr uint32_t kBlockEnhancedPacket = 0x00000006;
constexpr uint32_t kBlockDecryptionSecrets = 0x0000000a;
constexpr uint32_t kSecretsTypeTlsKeyLog = 0x544c534b;  // "TLSK"
constexpr uint32_t kByteOrderMagic = 0x1a2b3c4d;
constexpr size_t kBlockFramingLength = 12;  // type + total length + trailing total length
constexpr size_t kEpbFixedLength = 20;      // interface, ts high, ts low, captured, original
constexpr size_t kMaxOtherBlockBytes = 16 * 1024 * 1024;  // SHB/IDB/DSB/NRB/... sanity cap
constexpr uint16_t kOptionEnd = 0;
constexpr uint16_t kOptionIfTsresol = 9;
constexpr uint16_t kOptionIfTsoffset = 14;
constexpr int64_t kNanosPerSecond = 1'000'000'000;

/// How far a read got: the packets so far and the error that stopped it.
struct ReadState {
  std::vector<CapturedPacket> packets;
  size_t records = 0;      ///< records seen, IP or not
  bool header_ok = false;  ///< the file header was valid; later errors are record damage
  Status status;           ///< first error; reading stops there
  std::string secrets;     ///< pcapng DSB key log text
  const CaptureSink* sink = nullptr;  ///< when set, packets go here instead of into `packets`
};

/// A pcapng interface (IDB): link type and timestamp units.
struct Interface {
  uint16_t link_type = 0;
  uint32_t snap_length = 0;        ///< bytes; 0 = unlimited
  bool binary_resolution = false;  ///< if_tsresol MSB: units are 2^-exponent s, else 10^-exponent s
  uint8_t exponent = 6;            ///< default: microseconds
  int64_t offset_seconds = 0;      ///< if_tsoffset
};

std::string At(size_t offset) { return "file offset " + std::to_string(offset); }

uint32_t Load32(std::span<const uint8_t> p, size_t at, bool little_endian) {
  uint32_t value = 0;
  ByteReader(p.subspan(at, 4), little_endian).ReadU32(value);
  return value;
}

/// Strips the link header and stores the packet; counts every record against the cap.
Status AddFrame(ReadState& st, uint32_t link_type, int64_t time_ns, std::span<const uint8_t> frame,
                uint32_t original_length, size_t offset) {
  if (++st.records > kMaxCaptureRecords) {
    return Fail(Error::kLimitExceeded, "more than 50M records in capture", At(offset));
  }
  Result<std::optional<std::span<const uint8_t>>> ip = ExtractIpPacket(link_type, frame);
  if (!ip.ok())
    return Fail(ip.error().code, ip.error().message, At(offset) + ", " + ip.error().arg);
  if (!ip->has_value()) return {};  // not IP: skipped
  if (st.sink != nullptr) {
    (*st.sink)(time_ns, st.records - 1, **ip, original_length);
    return {};
  }
  st.packets.push_back(CapturedPacket{.time_ns = time_ns,
                                      .ip = std::vector<uint8_t>((*ip)->begin(), (*ip)->end()),
                                      .original_length = original_length,
                                      .frame_index = st.records - 1});
  return {};
}

ErrorInfo TruncatedRecord(size_t offset, size_t need, size_t have) {
  return Fail(Error::kParse, "truncated record",
              At(offset) + ": " + std::to_string(need) + " bytes needed, " + std::to_string(have) +
                  " left");
}

// ---- classic pcap ----

/// One pcap record at the reader's position.
Status ReadPcapRecord(ByteReader& r, ReadState& st, uint32_t link_type, bool nanoseconds) {
  const size_t offset = r.offset();
  uint32_t seconds = 0, fraction = 0, captured = 0, original = 0;
  if (r.remaining() < kPcapRecordHeaderLength)
    return TruncatedRecord(offset, kPcapRecordHeaderLength, r.remaining());
  (void)(r.ReadU32(seconds) && r.ReadU32(fraction) && r.ReadU32(captured) && r.ReadU32(original));
  if (captured > kMaxCaptureRecordBytes) {
    return Fail(Error::kLimitExceeded, "record larger than 256 KiB",
                At(offset) + ", " + std::to_string(captured));
  }
  std::span<const uint8_t> frame;
  if (!r.ReadBytes(captured, frame))
    return TruncatedRecord(offset, kPcapRecordHeaderLength + captured,
                           r.remaining() + kPcapRecordHeaderLength);
  const int64_t time_ns =
      int64_t{seconds} * kNanosPerSecond + int64_t{fraction} * (nanoseconds ? 1 : 1000);
  return AddFrame(st, link_type, time_ns, frame, original, offset);
}

void ReadPcap(std::span<const uint8_t> data, bool little_endian, bool nanoseconds, ReadState& st) {
  ByteReader r(data, little_endian);
  uint32_t link_type = 0;
  if (!r.Skip(20) || !r.ReadU32(link_type)) {
    st.status = Fail(Error::kParse, "truncated pcap file header", At(0));
    return;
  }
  link_type &= 0xffff;  // upper bits: FCS length information
  if (!IsSupportedLinkType(link_type)) {
    st.status = Fail(Error::kUnsupported, "unsupported link type", std::to_string(link_type));
    return;
  }
  st.header_ok = true;
  while (r.remaining() > 0 && st.status.ok())
    st.status = ReadPcapRecord(r, st, link_type, nanoseconds);
}

// ---- pcapng ----

/// Units of `ts` per the interface's if_tsresol/if_tsoffset, converted to ns since the epoch.
int64_t ToNanoseconds(uint64_t ts, const Interface& in) {
  __int128 ns = 0;
  if (in.binary_resolution) {
    ns = (static_cast<__int128>(ts) * kNanosPerSecond) >> in.exponent;
  } else {
    __int128 scale = 1;
    for (int i = 0; i < std::abs(9 - in.exponent); ++i) scale *= 10;
    ns = in.exponent <= 9 ? static_cast<__int128>(ts) * scale : static_cast<__int128>(ts) / scale;
  }
  return static_cast<int64_t>(ns + static_cast<__int128>(in.offset_seconds) * kNanosPerSecond);
}

/// IDB options (code, length, value padded to 4 bytes); only the timestamp ones matter here.
Status ReadInterfaceOptions(ByteReader r, bool le, Interface& in, size_t offset) {
  uint16_t code = 0, length = 0;
  while (r.ReadU16(code) && r.ReadU16(length) && code != kOptionEnd) {
    std::span<const uint8_t> value;
    if (!r.ReadBytes(length, value) || !r.Skip((4 - length % 4) % 4)) {
      return Fail(Error::kParse, "truncated IDB option", At(offset));
    }
    if (code == kOptionIfTsresol && length == 1) {
      in.binary_resolution = (value[0] & 0x80) != 0;
      in.exponent = value[0] & 0x7f;
      if (in.exponent > (in.binary_resolution ? 63 : 18)) {
        return Fail(Error::kUnsupported, "if_tsresol out of range", At(offset));
      }
    } else if (code == kOptionIfTsoffset && length == 8) {
      uint64_t seconds = 0;
      ByteReader(value, le).ReadU64(seconds);
      in.offset_seconds = static_cast<int64_t>(seconds);
    }
  }
  return {};
}

Status ReadInterfaceBlock(std::span<const uint8_t> body, bool le,
                          std::vector<Interface>& interfaces, size_t offset) {
  ByteReader r(body, le);
  Interface in;
  if (!r.ReadU16(in.link_type) || !r.Skip(2) || !r.ReadU32(in.snap_length)) {
    return Fail(Error::kParse, "truncated IDB", At(offset));
  }
  if (!IsSupportedLinkType(in.link_type)) {
    return Fail(Error::kUnsupported, "unsupported link type",
                At(offset) + ", " + std::to_string(in.link_type));
  }
  if (Status s = ReadInterfaceOptions(ByteReader(r.Rest(), le), le, in, offset); !s.ok()) return s;
  interfaces.push_back(in);
  return {};
}

Status ReadEnhancedPacket(std::span<const uint8_t> body, bool le,
                          const std::vector<Interface>& interfaces, size_t offset, ReadState& st) {
  ByteReader r(body, le);
  uint32_t interface_id = 0, ts_high = 0, ts_low = 0, captured = 0, original = 0;
  if (!(r.ReadU32(interface_id) && r.ReadU32(ts_high) && r.ReadU32(ts_low) && r.ReadU32(captured) &&
        r.ReadU32(original))) {
    return Fail(Error::kParse, "truncated EPB", At(offset));
  }
  if (interface_id >= interfaces.size()) {
    return Fail(Error::kParse, "EPB names an undeclared interface",
                At(offset) + ", interface " + std::to_string(interface_id));
  }
  if (captured > kMaxCaptureRecordBytes) {
    return Fail(Error::kLimitExceeded, "record larger than 256 KiB",
                At(offset) + ", " + std::to_string(captured));
  }
  std::span<const uint8_t> frame;
  if (!r.ReadBytes(captured, frame))
    return Fail(Error::kParse, "EPB captured length exceeds its block", At(offset));
  const Interface& in = interfaces[interface_id];
  const int64_t time_ns = ToNanoseconds(uint64_t{ts_high} << 32 | ts_low, in);
  return AddFrame(st, in.link_type, time_ns, frame, original, offset);
}

/// SPB: no timestamp (it gets the previous packet's time) and interface 0.
Status ReadSimplePacket(std::span<const uint8_t> body, bool le,
                        const std::vector<Interface>& interfaces, size_t offset, ReadState& st) {
  if (interfaces.empty()) return Fail(Error::kParse, "SPB before any IDB", At(offset));
  if (body.size() < 4) return Fail(Error::kParse, "truncated SPB", At(offset));
  const uint32_t original = Load32(body, 0, le);
  size_t captured = std::min<size_t>(original, body.size() - 4);
  if (interfaces[0].snap_length != 0)
    captured = std::min<size_t>(captured, interfaces[0].snap_length);
  if (captured > kMaxCaptureRecordBytes) {
    return Fail(Error::kLimitExceeded, "record larger than 256 KiB",
                At(offset) + ", " + std::to_string(captured));
  }
  const int64_t time_ns = st.packets.empty() ? 0 : st.packets.back().time_ns;
  return AddFrame(st, interfaces[0].link_type, time_ns, body.subspan(4, captured), original,
                  offset);
}

/// Checks a block's framing at `offset` and returns its total length.
Result<size_t> BlockLength(std::span<const uint8_t> data, size_t offset, bool le, uint32_t type) {
  const size_t left = data.size() - offset;
  if (left < kBlockFramingLength) return TruncatedRecord(offset, kBlockFramingLength, left);
  const uint32_t length = Load32(data, offset + 4, le);
  if (length < kBlockFramingLength || length % 4 != 0) {
    return Fail(Error::kParse, "bad pcapng block length",
                At(offset) + ", " + std::to_string(length));
  }
  const size_t cap =
      type == kBlockEnhancedPacket || type == kBlockSimplePacket
          ? kMaxCaptureRecordBytes + kBlockFramingLength + kEpbFixedLength + 64 * 1024
          : kMaxOtherBlockBytes;
  if (length > cap)
    return Fail(Error::kLimitExceeded, "pcapng block too large",
                At(offset) + ", " + std::to_string(length));
  if (length > left) return TruncatedRecord(offset, length, left);
  if (Load32(data, offset + length - 4, le) != length) {
    return Fail(Error::kParse, "pcapng block trailing length mismatch", At(offset));
  }
  return size_t{length};
}

/// SHB: byte order from its magic; returns false in `le` for big-endian sections.
Status ReadSectionHeader(std::span<const uint8_t> data, size_t offset, bool& le) {
  if (data.size() - offset < kBlockFramingLength + 4)
    return TruncatedRecord(offset, kBlockFramingLength + 4, data.size() - offset);
  if (Load32(data, offset + 8, true) == kByteOrderMagic) {
    le = true;
  } else if (Load32(data, offset + 8, false) == kByteOrderMagic) {
    le = false;
  } else {
    return Fail(Error::kParse, "bad pcapng byte-order magic", At(offset + 8));
  }
  return {};
}

/// pcapng DSB (draft-ietf-opsawg-pcapng §4.7): secrets type, length, key log text.
void ReadDecryptionSecrets(std::span<const uint8_t> body, bool le, ReadState& st) {
  if (body.size() < 8 || Load32(body, 0, le) != kSecretsTypeTlsKeyLog) return;
  const uint32_t length = Load32(body, 4, le);
  if (length > body.size() - 8) return;
  st.secrets.append(reinterpret_cast<const char*>(body.data() + 8), length);
  if (!st.secrets.empty() && st.secrets.back() != '\n') st.secrets += '\n';
}

/// One block at `offset`; updates the section state. Returns the block length.
Result<size_t> ReadBlock(std::span<const uint8_t> data, size_t offset, bool& le,
                         std::vector<Interface>& interfaces, ReadState& st) {
  if (data.size() - offset < 4)
    return TruncatedRecord(offset, kBlockFramingLength, data.size() - offset);
  const bool section_start = Load32(data, offset, le) == kBlockSectionHeader;
  if (section_start) {
    if (Status s = ReadSectionHeader(data, offset, le); !s.ok()) return s.error();
    interfaces.clear();
  }
  const uint32_t type = Load32(data, offset, le);
  Result<size_t> length = BlockLength(data, offset, le, type);
  if (!length.ok()) return length;
  std::span<const uint8_t> body = data.subspan(offset + 8, *length - kBlockFramingLength);
  Status status;
  if (type == kBlockInterfaceDescription) status = ReadInterfaceBlock(body, le, interfaces, offset);
  if (type == kBlockEnhancedPacket) status = ReadEnhancedPacket(body, le, interfaces, offset, st);
  if (type == kBlockSimplePacket) status = ReadSimplePacket(body, le, interfaces, offset, st);
  if (type == kBlockDecryptionSecrets) ReadDecryptionSecrets(body, le, st);
  if (!status.ok()) return status.error();
  return length;
}

void ReadPcapng(std::span<const uint8_t> data, ReadState& st) {
  bool le = true;
  std::vector<Interface> interfaces;
  size_t offset = 0;
  while (offset < data.size()) {
    Result<size_t> length = ReadBlock(data, offset, le, interfaces, st);
    if (!length.ok()) {
      st.status = length.error();
      return;
    }
    st.header_ok = true;  // the first SHB was good
    offset += *length;
  }
}

ReadState ReadAny(std::span<const uint8_t> data, const CaptureSink* sink = nullptr) {
  ReadState st;
  st.sink = sink;
  if (data.size() < 4) {
    st.status = Fail(Error::kParse, "not a pcap or pcapng file: too short",
                     std::to_string(data.size()) + " bytes");
    return st;
  }
  const uint32_t le_magic = Load32(data, 0, true), be_magic = Load32(data, 0, false);
  if (le_magic == kPcapMagicMicroseconds || le_magic == kPcapMagicNanoseconds) {
    ReadPcap(data, true, le_magic == kPcapMagicNanoseconds, st);
  } else if (be_magic == kPcapMagicMicroseconds || be_magic == kPcapMagicNanoseconds) {
    ReadPcap(data, false, be_magic == kPcapMagicNanoseconds, st);
  } else if (le_magic == kBlockSectionHeader) {
    ReadPcapng(data, st);
  } else {
    st.status = Fail(Error::kParse, "not a pcap or pcapng file: unknown magic", At(0));
  }
  return st;
}

}  // namespace

Result<std::vector<CapturedPacket>> ReadCapture(std::span<const uint8_t> file_bytes) {
  ReadState st = ReadAny(file_bytes);
  if (!st.status.ok()) return st.status.error();
  return std::move(st.packets);
}

Result<LenientCapture> ReadCaptureLenient(std::span<const uint8_t> file_bytes) {
  ReadState st = ReadAny(file_bytes);
  if (!st.status.ok() && !st.header_ok) return st.status.error();
  LenientCapture out{.packets = std::move(st.packets), .decryption_secrets = std::move(st.secrets)};
  if (!st.status.ok()) {
    out.warning = "capture damaged, kept the " + std::to_string(out.packets.size()) +
                  " packets before it: " + st.status.error().Text();
  }
  return out;
}

Result<ScannedCapture> ScanCaptureLenient(std::span<const uint8_t> file_bytes,
                                          const CaptureSink& sink) {
  ReadState st = ReadAny(file_bytes, &sink);
  if (!st.status.ok() && !st.header_ok) return st.status.error();
  ScannedCapture out{.records = st.records, .decryption_secrets = std::move(st.secrets)};
  if (!st.status.ok()) {
    out.warning = st.status.error().Text();
  }
  return out;
}

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) {
    const int error = errno;
    return Fail(error == ENOENT ? Error::kNotFound : Error::kIo,
                std::string("fopen: ") + std::strerror(error), path);
  }
  std::vector<uint8_t> bytes;
  // Size the buffer once (regular files); pipes and the like grow it chunk by chunk.
  if (std::fseek(file.get(), 0, SEEK_END) == 0) {
    const long size = std::ftell(file.get());
    if (size > 0) bytes.reserve(static_cast<size_t>(size));
    std::rewind(file.get());
  }
  size_t n = 0;
  for (;;) {
    const size_t old_size = bytes.size();
    const size_t chunk = std::max<size_t>(bytes.capacity() - old_size, 1 << 16);
    bytes.resize(old_size + chunk);
    n = std::fread(bytes.data() + old_size, 1, chunk, file.get());
    bytes.resize(old_size + n);
    if (n == 0) break;
  }
  if (std::ferror(file.get()))
    return Fail(Error::kIo, std::string("fread: ") + std::strerror(errno), path);
  return bytes;
}

Result<std::vector<CapturedPacket>> ReadCaptureFile(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.error();
  Result<std::vector<CapturedPacket>> packets = ReadCapture(*bytes);
  if (!packets.ok())
    return Fail(packets.error().code, packets.error().message, path + ", " + packets.error().arg);
  return packets;
}

Result<LenientCapture> ReadCaptureFileLenient(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path);
  if (!bytes.ok()) return bytes.error();
  Result<LenientCapture> capture = ReadCaptureLenient(*bytes);
  if (!capture.ok())
    return Fail(capture.error().code, capture.error().message, path + ", " + capture.error().arg);
  if (!capture->warning.empty()) capture->warning = path + ": " + capture->warning;
  return capture;
}

}  // namespace qir::trace

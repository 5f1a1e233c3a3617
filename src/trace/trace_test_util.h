// Test helpers for the trace module: hex decoding, RFC vector fixtures, and
// builders for IP/UDP packets and pcap/pcapng files in either byte order.
#pragma once

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "trace/ip_udp.h"

namespace qir::trace::testing {

using Bytes = std::vector<uint8_t>;

/// Decodes hex, ignoring whitespace and '#' comment lines. Asserts on bad digits (test inputs
/// only).
inline Bytes Hex(std::string_view text) {
  Bytes out;
  int high = -1;
  bool comment = false;
  for (char c : text) {
    if (c == '#') comment = true;
    if (c == '\n') comment = false;
    if (comment || c == ' ' || c == '\n' || c == '\t' || c == '\r') continue;
    const int v = (c >= '0' && c <= '9')   ? c - '0'
                  : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                           : -1;
    if (v < 0) return {};  // makes the calling test fail loudly on size checks
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  return out;
}

/// Reads tests/fixtures/trace/<name> as hex.
inline Bytes HexFixture(const std::string& name) {
  std::ifstream in(std::string(QIR_FIXTURES_DIR) + "/trace/" + name);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return Hex(buffer.str());
}

/// Appends big-endian (default) or little-endian integers.
struct Writer {
  Bytes bytes;
  bool little_endian = false;

  Writer& U8(uint8_t v) {
    bytes.push_back(v);
    return *this;
  }
  Writer& Uint(uint64_t v, int n) {
    for (int i = 0; i < n; ++i) {
      const int shift = little_endian ? 8 * i : 8 * (n - 1 - i);
      bytes.push_back(static_cast<uint8_t>(v >> shift));
    }
    return *this;
  }
  Writer& U16(uint16_t v) { return Uint(v, 2); }
  Writer& U32(uint32_t v) { return Uint(v, 4); }
  Writer& Append(const Bytes& b) {
    bytes.insert(bytes.end(), b.begin(), b.end());
    return *this;
  }
  Writer& Pad4() {
    while (bytes.size() % 4 != 0) bytes.push_back(0);
    return *this;
  }
};

/// An IPv4 (or IPv6 when the addresses are v6) packet carrying one UDP datagram, checksum filled
/// in.
inline Bytes UdpPacket(const IpAddress& src, const IpAddress& dst, uint16_t sport, uint16_t dport,
                       const Bytes& payload, uint8_t ecn = 0) {
  Writer udp;
  udp.U16(sport).U16(dport).U16(static_cast<uint16_t>(8 + payload.size())).U16(0).Append(payload);
  Writer ip;
  if (src.family == 4) {
    ip.U8(0x45).U8(ecn).U16(static_cast<uint16_t>(20 + udp.bytes.size())).U16(0x1234).U16(0x4000);
    ip.U8(64).U8(17).U16(0);
    ip.Append(Bytes(src.bytes.begin(), src.bytes.begin() + 4))
        .Append(Bytes(dst.bytes.begin(), dst.bytes.begin() + 4));
  } else {
    ip.U32(0x60000000u | uint32_t{ecn} << 20)
        .U16(static_cast<uint16_t>(udp.bytes.size()))
        .U8(17)
        .U8(64);
    ip.Append(Bytes(src.bytes.begin(), src.bytes.end()))
        .Append(Bytes(dst.bytes.begin(), dst.bytes.end()));
  }
  ip.Append(udp.bytes);
  (void)FixUdpChecksum(ip.bytes);
  return ip.bytes;
}

/// One record for the capture builders.
struct Frame {
  int64_t time_ns = 0;
  Bytes data;                 ///< link-layer frame
  uint32_t interface_id = 0;  ///< pcapng only
};

/// A classic pcap file image.
inline Bytes PcapFile(const std::vector<Frame>& frames, uint32_t link_type, bool nanoseconds,
                      bool little_endian = true) {
  Writer w{.little_endian = little_endian};
  w.U32(nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4)
      .U16(2)
      .U16(4)
      .U32(0)
      .U32(0)
      .U32(262144)
      .U32(link_type);
  for (const Frame& f : frames) {
    const int64_t fraction = f.time_ns % 1'000'000'000;
    w.U32(static_cast<uint32_t>(f.time_ns / 1'000'000'000))
        .U32(static_cast<uint32_t>(nanoseconds ? fraction : fraction / 1000));
    w.U32(static_cast<uint32_t>(f.data.size()))
        .U32(static_cast<uint32_t>(f.data.size()))
        .Append(f.data);
  }
  return w.bytes;
}

/// pcapng block builder: type, body (padded), lengths.
inline void PcapngBlock(Writer& w, uint32_t type, const Bytes& body) {
  Writer padded{.bytes = body};
  padded.Pad4();
  const uint32_t total = static_cast<uint32_t>(12 + padded.bytes.size());
  w.U32(type).U32(total).Append(padded.bytes).U32(total);
}

/// pcapng Section Header Block.
inline void PcapngSection(Writer& w) {
  Writer body{.little_endian = w.little_endian};
  body.U32(0x1a2b3c4d).U16(1).U16(0).Uint(~uint64_t{0}, 8);
  PcapngBlock(w, 0x0a0d0d0a, body.bytes);
}

/// pcapng Interface Description Block; `tsresol` < 0 means no if_tsresol option.
inline void PcapngInterface(Writer& w, uint16_t link_type, int tsresol = -1) {
  Writer body{.little_endian = w.little_endian};
  body.U16(link_type).U16(0).U32(0);
  if (tsresol >= 0) body.U16(9).U16(1).U8(static_cast<uint8_t>(tsresol)).Pad4();
  body.U16(0).U16(0);
  PcapngBlock(w, 1, body.bytes);
}

/// pcapng Enhanced Packet Block with the timestamp already in interface units.
inline void PcapngPacket(Writer& w, uint32_t interface_id, uint64_t ts_units, const Bytes& frame) {
  Writer body{.little_endian = w.little_endian};
  body.U32(interface_id)
      .U32(static_cast<uint32_t>(ts_units >> 32))
      .U32(static_cast<uint32_t>(ts_units));
  body.U32(static_cast<uint32_t>(frame.size()))
      .U32(static_cast<uint32_t>(frame.size()))
      .Append(frame)
      .Pad4();
  PcapngBlock(w, 6, body.bytes);
}

/// Ethernet II header (optionally with one 802.1Q tag) in front of `ip`.
inline Bytes EthernetFrame(const Bytes& ip, bool vlan) {
  Writer w;
  w.Append(Bytes{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2});
  if (vlan) w.U16(0x8100).U16(42);
  w.U16((ip[0] >> 4) == 6 ? 0x86dd : 0x0800).Append(ip);
  return w.bytes;
}

}  // namespace qir::trace::testing

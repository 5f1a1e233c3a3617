#!/usr/bin/env python3
"""Pcap figures for bench/sim.sh: reads the simulator's own captures (classic pcap, ns
timestamps, LINKTYPE_RAW) and prints one JSON object.

  sim_pcap.py rate  <egress.pcap> <dst-port>          delivered IP-level rate of UDP to dst-port
  sim_pcap.py delay <ingress.pcap> <egress.pcap> <dst-port>
                                                       per-packet time through the simulator
                                                       (same bytes in both captures), percentiles
"""
import json
import struct
import sys


def records(path):
    """Yields (time_ns, packet bytes) of every record."""
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    nanos = magic == 0xA1B23C4D
    if magic not in (0xA1B23C4D, 0xA1B2C3D4):
        raise SystemExit(f"{path}: not a little-endian classic pcap")
    off = 24
    while off + 16 <= len(data):
        sec, frac, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        yield sec * 1_000_000_000 + (frac if nanos else frac * 1000), pkt


def udp_dst_port(pkt):
    """Destination port of a UDP packet (IPv4 or IPv6 without extension headers), else None."""
    if not pkt:
        return None
    if pkt[0] >> 4 == 4 and len(pkt) >= 20 and pkt[9] == 17:
        ihl = (pkt[0] & 0x0F) * 4
        return struct.unpack("!H", pkt[ihl + 2:ihl + 4])[0] if len(pkt) >= ihl + 4 else None
    if pkt[0] >> 4 == 6 and len(pkt) >= 48 and pkt[6] == 17:
        return struct.unpack("!H", pkt[42:44])[0]
    return None


def rate(path, port):
    times, sizes = [], []
    for t, pkt in records(path):
        if udp_dst_port(pkt) == port:
            times.append(t)
            sizes.append(len(pkt))
    if len(times) < 2:
        return {"packets": len(times), "rate_bps": 0}
    # Bytes after the first packet over the time from the first to the last delivery.
    span = (times[-1] - times[0]) / 1e9
    return {"packets": len(times), "seconds": span,
            "rate_bps": sum(sizes[1:]) * 8 / span, "pps": (len(times) - 1) / span}


def percentile(sorted_values, q):
    i = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[i]


def delay(ingress, egress, port):
    seen = {}
    for t, pkt in records(ingress):
        if udp_dst_port(pkt) == port:
            seen.setdefault(pkt, t)
    delays = []
    for t, pkt in records(egress):
        if udp_dst_port(pkt) == port and pkt in seen:
            delays.append((t - seen.pop(pkt)) / 1e6)
    delays.sort()
    if not delays:
        return {"matched": 0}
    return {"matched": len(delays), "p1_ms": percentile(delays, 0.01),
            "p50_ms": percentile(delays, 0.5), "p99_ms": percentile(delays, 0.99),
            "max_ms": delays[-1]}


def main():
    cmd = sys.argv[1]
    if cmd == "rate":
        print(json.dumps(rate(sys.argv[2], int(sys.argv[3]))))
    elif cmd == "delay":
        print(json.dumps(delay(sys.argv[2], sys.argv[3], int(sys.argv[4]))))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# Integration test for the simulator's impairments (src/sim/impairments.h) with real QUIC
# transfers: `qir run` quic-go × quic-go `transfer` (10 MiB) through drop-rate, corrupt-rate,
# blackhole, rebind and rebind --rebind-addr, each with a fixed --seed. Checks the verdict
# (and so the files) and every logged decision against the simulator's two pcaps:
#  - drop-rate: every logged drop is in the sender-side pcap (at its index and size) and not
#    in the receiver-side one; everything else crossed; counts add up.
#  - corrupt-rate: each logged corruption differs from its original in exactly the logged
#    payload byte (outside the UDP checksum field), with valid UDP checksums on both sides;
#    every other packet crossed unchanged.
#  - blackhole: no packet leaves the simulator inside a logged window; drops were logged.
#  - rebind: the server side sees only the logged external endpoints (new ports, and with
#    --rebind-addr new addresses in the client's /24), the client side only its real
#    endpoint; all checksums valid; replies to stale bindings were logged as drops. quic-go
#    0.29 does not migrate (it keeps answering the old address), so the rebind verdicts are
#    printed, not required.
# Needs root and the built quic-go stack. QIRT_KEEP=1 keeps the logs. Usage: <qir> <repo root>
set -euo pipefail
QIR=$(realpath "${1:?usage: sim_impairments.sh <qir binary> [repo root]}")
if [[ $(id -u) -ne 0 ]]; then echo "SKIP sim_impairments: needs root"; exit 77; fi
WORK=$(mktemp -d /tmp/qirt-simimp.XXXXXX)
trap '[[ -n ${QIRT_KEEP:-} ]] && echo "kept $WORK" || rm -rf "$WORK"' EXIT
BOTTLENECK="--delay=15ms --bandwidth=10Mbps --queue=25"
FAILED=0

cat >"$WORK/check.py" <<'PYEOF'
import re, struct, sys

CLIENT = {b"\xc6\x12\x00\x64", bytes.fromhex("fd00cafecafe00000000000000000100")}
SERVER = {b"\xc6\x12\x64\x64", bytes.fromhex("fd00cafecafe01000000000000000100")}

def records(path):
    """(time_ns, packet) of a classic pcap (ns magic) or of a pcapng (the runner may rewrite
    the simulator's pcaps into pcapng with a decryption-secrets block)."""
    data = open(path, "rb").read()
    magic = struct.unpack("<I", data[:4])[0]
    if magic == 0xA1B23C4D:
        off = 24
        while off + 16 <= len(data):
            sec, ns, incl, _ = struct.unpack("<IIII", data[off:off + 16])
            yield sec * 10**9 + ns, data[off + 16:off + 16 + incl]
            off += 16 + incl
        return
    assert magic == 0x0A0D0D0A, f"{path}: neither pcap nor pcapng"
    off, tsresol = 0, []
    while off + 12 <= len(data):
        btype, blen = struct.unpack("<II", data[off:off + 8])
        body = data[off + 8:off + blen - 4]
        if btype == 1:  # Interface Description Block: find if_tsresol (option 9)
            res, o = 6, 8
            while o + 4 <= len(body):
                code, olen = struct.unpack("<HH", body[o:o + 4])
                if code == 0: break
                if code == 9: res = body[o + 4]
                o += 4 + (olen + 3) // 4 * 4
            tsresol.append(10 ** (9 - res) if res < 128 else 1)
        elif btype == 6:  # Enhanced Packet Block
            ifid, hi, lo, cap = struct.unpack("<IIII", body[:16])
            yield ((hi << 32) | lo) * tsresol[ifid], body[20:20 + cap]
        off += blen

def parse(pkt):
    """(src, dst, proto, l4 offset) of an IPv4/IPv6 packet."""
    if pkt[0] >> 4 == 4:
        return pkt[12:16], pkt[16:20], pkt[9], (pkt[0] & 15) * 4
    return pkt[8:24], pkt[24:40], pkt[6], 40

def endpoint(pkt, source):
    src, dst, proto, l4 = parse(pkt)
    port = struct.unpack("!H", pkt[l4 + (0 if source else 2):l4 + (2 if source else 4)])[0]
    return (src if source else dst, port)

def ones(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16: s = (s & 0xFFFF) + (s >> 16)
    return s

def udp_ok(pkt):
    src, dst, proto, l4 = parse(pkt)
    if proto != 17: return True
    udp = pkt[l4:]
    if len(src) == 4 and udp[6:8] == b"\0\0": return True
    pseudo = src + dst + (struct.pack("!BBH", 0, 17, len(udp)) if len(src) == 4 else struct.pack("!IxxxB", len(udp), 17))
    ip_ok = len(src) == 16 or ones(pkt[:l4]) == 0xFFFF
    return ip_ok and ones(pseudo + udp) == 0xFFFF

def main():
    kind, log_path, left_path, right_path = sys.argv[1:5]
    left, right = list(records(left_path)), list(records(right_path))
    # Directions: ingress = captured before the link, egress = after (interop-runner-facts §4).
    ing = {"to_server": [p for t, p in left if parse(p)[0] not in SERVER],
           "to_client": [p for t, p in right if parse(p)[0] in SERVER]}
    egr = {"to_server": [(t, p) for t, p in right if parse(p)[0] not in SERVER],
           "to_client": [(t, p) for t, p in left if parse(p)[0] in SERVER]}
    log = open(log_path).read().splitlines()
    errors, notes = [], []
    drops = {d: {} for d in ing}
    for line in log:
        m = re.match(r"drop (to_\w+) #(\d+) ([\w-]+)", line)
        if m: drops[m[1]][int(m[2])] = m[3]
    corrupt = {d: {} for d in ing}
    for line in log:
        m = re.match(r"corrupt (to_\w+) #(\d+) udp=\d+ offset=(\d+) 0x(..)->0x(..) size=(\d+)", line)
        if m: corrupt[m[1]][int(m[2])] = (int(m[3]), int(m[4], 16), int(m[5], 16), int(m[6]))
    for d in ing:
        out = [p for t, p in egr[d]]
        notes.append(f"{d}: {len(ing[d])} in, {len(out)} out, drops {len(drops[d])}, corrupted {len(corrupt[d])}")
        for t, p in egr[d]:
            if not udp_ok(p): errors.append(f"{d}: delivered packet with a bad checksum")
        if kind == "rebind": continue  # bytes change on every packet there
        out_set = set(out)
        for k, why in drops[d].items():
            if k > len(ing[d]): errors.append(f"{d} #{k} {why}: not in the ingress pcap"); continue
            if ing[d][k - 1] in out_set: errors.append(f"{d} #{k} {why}: dropped but delivered")
        kept = [p for k, p in enumerate(ing[d], 1) if k not in drops[d]]
        if len(kept) != len(out): errors.append(f"{d}: {len(kept)} not dropped but {len(out)} delivered")
        for k, (a, b) in enumerate(zip([k for k in range(1, len(ing[d]) + 1) if k not in drops[d]], out)):
            p = ing[d][a - 1]
            if a in corrupt[d]:
                off, before, after, size = corrupt[d][a]
                l4 = parse(p)[3]
                diff = [i for i in range(len(p)) if p[i] != b[i] and i not in (l4 + 6, l4 + 7)]
                if len(p) != size or diff != [l4 + 8 + off] or p[diff[0]] != before or b[diff[0]] != after:
                    errors.append(f"{d} #{a}: corruption not as logged (diff at {diff})")
                if not udp_ok(p) or not udp_ok(b): errors.append(f"{d} #{a}: bad checksum")
            elif p != b:
                errors.append(f"{d} #{a}: changed in transit without a logged decision")
    if kind == "corrupt" and not any(corrupt.values()): errors.append("no corruption logged")
    if kind == "drop" and not any(v == "drop-rate" for d in drops for v in drops[d].values()):
        errors.append("no drop-rate decision logged")
    if kind == "blackhole":
        windows = [tuple(map(int, m.groups())) for m in
                   (re.match(r"blackhole window=\d+ from_ns=(\d+) to_ns=(\d+)", l) for l in log) if m]
        if not windows: errors.append("no blackhole window logged")
        slack = 2_000_000  # a packet due just before a window may be written up to 2 ms late
        for d in egr:
            inside = [t for t, _ in egr[d] for a, b in windows if a + slack <= t < b]
            if inside: errors.append(f"{d}: {len(inside)} packets delivered inside a blackhole window")
        if not any(v == "blackhole" for d in drops for v in drops[d].values()):
            errors.append("no blackhole drop logged")
        notes.append(f"{len(windows)} window(s), none with deliveries")
    if kind == "rebind":
        external = set()
        for line in log:
            m = re.match(r"(?:bind flow|rebind \d+ flow) \S+:? .*-> (\S+)$", line)
            if m:
                host, port = m[1].rsplit(":", 1)
                import ipaddress
                external.add((ipaddress.ip_address(host.strip("[]")).packed, int(port)))
        seen = {endpoint(p, True) for t, p in egr["to_server"] if parse(p)[2] == 17}
        if not seen - {e for e in seen if e[0] in CLIENT} and "--rebind-addr" in open(log_path).read():
            errors.append("server side never saw a new client address")
        unknown = seen - external
        if unknown: errors.append(f"server side saw unlogged client endpoints {sorted(unknown)[:3]}")
        rebound = [e for e in external if e in seen]
        if len(rebound) < 2: errors.append("server side did not see the client under a new binding")
        for t, p in egr["to_client"]:
            if parse(p)[2] == 17 and endpoint(p, False)[0] not in CLIENT:
                errors.append("a reply reached the client side without being rewritten back"); break
        stale = sum(1 for d in drops for v in drops[d].values() if v == "rebind-unknown")
        notes.append(f"{len(seen)} client endpoints seen by the server, {len(external)} logged; {stale} stale-binding drops")
    for n in notes: print("    " + n)
    for e in errors[:10]: print("    ERROR " + e)
    sys.exit(1 if errors else 0)

main()
PYEOF

verdict() {
  python3 -c 'import json,sys
for pair in json.load(open(sys.argv[1]))["results"]:
    for c in pair:
        if c["name"] == "transfer": print(c["result"]); sys.exit()
print("absent")' "$1"
}

run_case() {  # $1 = name, $2 = check kind, $3 = verdict required (yes/no), $4 = scenario
  local dir="$WORK/$1"
  echo "== $1: $4"
  set +e
  "$QIR" run -s quic-go -c quic-go -t transfer -P 1 --seed 20260101 --no-build --skip-compliance \
    --scenario "$4" -l "$dir" -j "$WORK/$1.json" >"$WORK/$1.out" 2>&1
  set -e
  local v
  v=$(verdict "$WORK/$1.json" 2>/dev/null || echo "no result.json")
  local cell="$dir/quic-go_quic-go/transfer"
  echo "   verdict: $v"
  if [[ $3 == yes && $v != succeeded ]]; then
    echo "   FAIL: transfer did not succeed"; tail -5 "$cell/output.txt" 2>/dev/null; FAILED=1
  fi
  if [[ ! -s $cell/sim/trace_node_left.pcap ]]; then echo "   FAIL: no pcaps"; FAILED=1; return; fi
  if python3 "$WORK/check.py" "$2" "$cell/sim/sim.log" "$cell/sim/trace_node_left.pcap" \
      "$cell/sim/trace_node_right.pcap"; then
    echo "   ok: logged decisions match the pcaps"
  else
    echo "   FAIL: decisions and pcaps disagree"; FAILED=1
  fi
}

# Bad scenario strings: one line on stderr, exit 2, before anything needs the network.
for bad in "warp-drive $BOTTLENECK" "drop-rate $BOTTLENECK --rate_to_client=2" \
    "drop-rate $BOTTLENECK --rate_to_client=101 --rate_to_server=2" \
    "corrupt-rate --delay=-1ms --bandwidth=10Mbps --queue=25 --rate_to_client=1 --rate_to_server=1" \
    "droplist $BOTTLENECK --drops_to_client=0" "blackhole $BOTTLENECK --on=5s" \
    "blackhole $BOTTLENECK --on=5s --off=2s --direction=up" "rebind $BOTTLENECK"; do
  set +e; err=$("$QIR" sim --scenario "$bad" 2>&1); rc=$?; set -e
  if [[ $rc -ne 2 || $(echo "$err" | wc -l) -ne 1 ]]; then
    echo "   FAIL: '$bad' gave exit $rc: $err"; FAILED=1
  fi
done
[[ $FAILED -eq 0 ]] && echo "== bad scenario strings: exit 2 with one line each"

run_case drop-rate drop yes "drop-rate $BOTTLENECK --rate_to_client=2 --rate_to_server=2"
run_case corrupt-rate corrupt yes "corrupt-rate $BOTTLENECK --rate_to_client=2 --rate_to_server=2"
run_case blackhole blackhole yes "blackhole $BOTTLENECK --on=3s --off=2s --repeat=2"
run_case rebind-port rebind no "rebind $BOTTLENECK --first-rebind=1s --rebind-freq=5s"
run_case rebind-addr rebind no "rebind $BOTTLENECK --first-rebind=1s --rebind-freq=5s --rebind-addr"

if [[ $FAILED -eq 0 ]]; then echo "PASS sim_impairments"; else echo "FAIL sim_impairments"; exit 1; fi

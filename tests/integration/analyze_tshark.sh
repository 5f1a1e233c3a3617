#!/usr/bin/env bash
# Cross-check of `qir analyze` against tshark on the committed fixture captures
# (tests/fixtures/analyze: quic-go, ngtcp2, quinn, quiche; tests/fixtures/handshake-quic-go),
# with their key logs:
# every QUIC packet must agree on type, version, packet number and frame types.
# Also checks that a pcapng written by `qir analyze --write-pcapng` (DSB) is
# decrypted by tshark without a key log option.
# Usage: bash analyze_tshark.sh QIR_BINARY REPO_ROOT. Prints SKIP (exit 0) when
# tshark or python3 is missing.
set -euo pipefail
qir=${1:?usage: analyze_tshark.sh QIR_BINARY REPO_ROOT}
root=${2:?usage: analyze_tshark.sh QIR_BINARY REPO_ROOT}
for tool in tshark python3; do
  if ! command -v "$tool" >/dev/null; then echo "SKIP: $tool not installed"; exit 0; fi
done
work=$(mktemp -d /tmp/qir-analyze-tshark.XXXXXX)
trap 'rm -rf "$work"' EXIT
fx=$root/tests/fixtures
# Not here: analyze/handshake_quiche-quic-go.pcapng, where tshark (4.0) takes the quiche
# server's coalesced Initial+Handshake datagram to a zero-length client CID for a 1-RTT packet
# and so decrypts none of the server's packets; qir authenticates every one of them (unit tests).
pairs=(
  "$fx/handshake-quic-go/trace_node_left.pcap $fx/handshake-quic-go/keys.log"
  "$fx/handshake-quic-go/trace_node_right.pcap $fx/handshake-quic-go/keys.log"
  "$fx/analyze/chacha20_quic-go.pcap $fx/analyze/chacha20_quic-go.keys.log"
  "$fx/analyze/retry_quic-go.pcap $fx/analyze/retry_quic-go.keys.log"
  "$fx/analyze/keyupdate_quic-go.pcap $fx/analyze/keyupdate_quic-go.keys.log"
  "$fx/analyze/handshake_ngtcp2-quinn.pcapng $fx/analyze/handshake_ngtcp2-quinn.keys.log"
  "$fx/analyze/handshake_quinn-ngtcp2.pcapng $fx/analyze/handshake_quinn-ngtcp2.keys.log"
  "$fx/analyze/handshake_quic-go-quiche.pcapng $fx/analyze/handshake_quic-go-quiche.keys.log"
  "$fx/analyze/chacha20_ngtcp2-quinn.pcapng $fx/analyze/chacha20_ngtcp2-quinn.keys.log"
  "$fx/analyze/keyupdate_quinn-ngtcp2.pcapng $fx/analyze/keyupdate_quinn-ngtcp2.keys.log"
)

compare() {  # compare QIR_JSON TSHARK_JSON LABEL
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
qir = json.load(open(sys.argv[1]))["packets"]
ts_frames = json.load(open(sys.argv[2]))
V2 = 0x6b3343cf
V1_TYPES = {0: "Initial", 1: "0-RTT", 2: "Handshake", 3: "Retry"}
V2_TYPES = {1: "Initial", 2: "0-RTT", 3: "Handshake", 0: "Retry"}

def as_list(x):
    return x if isinstance(x, list) else [x]

ts = []
for frame in ts_frames:
    layers = frame["_source"]["layers"]
    number = int(layers["frame"]["frame.number"])
    # QUIC quoted inside ICMP errors is not a captured QUIC datagram: qir skips ICMP.
    if "icmp" in layers["frame"]["frame.protocols"].split(":"):
        continue
    for q in as_list(layers.get("quic", [])):
        # Padding after the last packet of a datagram shows up as a QUIC entry holding only
        # an expert note (no header): it is not a packet, and qir ends the walk there too.
        if not isinstance(q, dict) or ("quic.header_form" not in q and "quic.short" not in q):
            continue
        if "quic.short" in q:  # short header: its fields are nested
            q = dict(q, **q["quic.short"])
        version = int(q.get("quic.version", "0x0"), 16) if q.get("quic.header_form") == "1" else None
        if q.get("quic.header_form") == "0":
            kind = "1-RTT"
        elif version == 0:
            kind = "VersionNegotiation"
        else:
            bits = int(q.get("quic.long.packet_type_v2" if version == V2 else "quic.long.packet_type", "-1"))
            kind = (V2_TYPES if version == V2 else V1_TYPES).get(bits, "?")
        pn = int(q["quic.packet_number"]) if "quic.packet_number" in q else -1
        if kind == "Retry":
            pn = -1
        frames = [int(f["quic.frame_type"], 0) for f in as_list(q.get("quic.frame", [])) if isinstance(f, dict) and "quic.frame_type" in f]
        ts.append((number, kind, version, pn, frames))

errors = 0
if len(ts) != len(qir):
    print(f"{sys.argv[3]}: packet count differs: qir {len(qir)}, tshark {len(ts)}")
    errors += 1
for q, t in zip(qir, ts):
    mine = (q["frame"], q["type"], None if q["type"] == "1-RTT" else q["version"], q["packet_number"],
            [f["type_id"] for f in q["frames"]])
    if mine != t:
        errors += 1
        if errors <= 10:
            print(f"{sys.argv[3]}: mismatch\n  qir    {mine}\n  tshark {t}")
print(f"{sys.argv[3]}: {len(qir)} packets, {errors} mismatches")
sys.exit(1 if errors else 0)
PY
}

failed=0 checked=0
for pair in "${pairs[@]}"; do
  read -r pcap keylog <<<"$pair"
  label=$(basename "$(dirname "$pcap")")/$(basename "$pcap")
  "$qir" analyze "$pcap" --keylog "$keylog" --json >"$work/qir.json"
  tshark -n -r "$pcap" -o "tls.keylog_file:$keylog" --disable-protocol http3 -Y quic \
    -T json -J "frame quic" --no-duplicate-keys >"$work/tshark.json" 2>/dev/null
  if compare "$work/qir.json" "$work/tshark.json" "$label"; then
    checked=$((checked + 1))
  else
    failed=$((failed + 1))
  fi
done

# DSB: tshark must decrypt qir's self-decrypting pcapng without -o tls.keylog_file.
read -r pcap keylog <<<"${pairs[3]}"
"$qir" analyze "$pcap" --keylog "$keylog" --write-pcapng "$work/dsb.pcapng"
"$qir" analyze "$work/dsb.pcapng" --json >"$work/qir.json"
tshark -n -r "$work/dsb.pcapng" --disable-protocol http3 -Y quic -T json -J "frame quic" \
  --no-duplicate-keys >"$work/tshark.json" 2>/dev/null
if compare "$work/qir.json" "$work/tshark.json" "dsb.pcapng (no key log option)" &&
  [[ $(tshark -n -r "$work/dsb.pcapng" -Y 'quic.frame_type == 0x1e' 2>/dev/null | wc -l) -ge 1 ]]; then
  checked=$((checked + 1))
else
  echo "dsb.pcapng: tshark did not decrypt the 1-RTT packets"
  failed=$((failed + 1))
fi
echo "$checked passed, $failed failed"
[[ $failed -eq 0 ]]

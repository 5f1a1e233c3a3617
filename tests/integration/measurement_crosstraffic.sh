#!/bin/bash
# The crosstraffic measurement on a real pair (quic-go × quic-go, 5 × 25 MiB
# against iperf3's TCP cubic flow, ~5 min): it must succeed, and each
# repetition's client-side capture must show the TCP flow crossing the same
# bottleneck during the QUIC transfer: TCP bytes from the server-side iperf3
# host (198.18.100.110) while the server sent 1-RTT packets, with QUIC and TCP
# together at most the link's 10 Mbit/s (and most of it). The iperf3 logs are
# kept, and the cross-traffic namespaces are gone afterwards.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT

run_ok "$work" run -s quic-go -c quic-go -t crosstraffic -P 1 -l "$work/logs"
python3 - "$work/logs" <<'PY' || fail "the TCP flow did not share the bottleneck with the QUIC transfer"
import json, re, sys
logs = sys.argv[1]
[[m]] = json.load(open(logs + "/result.json"))["measurements"]
assert m["name"] == "crosstraffic" and m["result"] == "succeeded", m
for r in m["repetitions"]:
    text = open(f"{logs}/{r['log_dir']}/output.txt").read()
    tcp = int(re.search(r"cross traffic: (\d+) bytes of TCP from 198\.18\.100\.110 .*\((\d+) kbps\)", text).group(2))
    quic = r["goodput_kbps"]
    print(f"{r['log_dir']}: QUIC {quic:.0f} kbps + TCP {tcp} kbps = {quic + tcp:.0f} kbps")
    assert tcp > 500, "no real TCP flow during the transfer"
    # TCP is counted with IP headers, QUIC as file bytes: the sum stays under the link's rate.
    assert 7000 <= quic + tcp <= 10500, "the two flows did not share one 10 Mbit/s bottleneck"
PY
for k in 1 2 3 4 5; do
  grep -q "bytes_received\|receiver\|Server listening" "$work/logs/quic-go_quic-go/crosstraffic/$k/cross/iperf3-receiver.log" ||
    fail "repetition $k kept no iperf3 receiver log"
done
run_pid=$(grep -o 'namespaces qir-[0-9]*' "$work/logs/quic-go_quic-go/crosstraffic/1/output.txt" | head -1 | grep -o '[0-9]*$')
if ip netns list | grep -q "^qir-$run_pid-"; then fail "namespaces left: $(ip netns list | grep "^qir-$run_pid-")"; fi
pass "quic-go × quic-go crosstraffic: $(grep -Eo '[0-9]+ \(± [0-9]+\) kbps' "$work/stdout" | head -1)"

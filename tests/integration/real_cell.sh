#!/bin/bash
# A real matrix through real namespaces and qir's simulator: quic-go × quic-go
# for handshake and transfer. Both must succeed, both pcaps must exist, the
# 10 MiB transfer must take ≥ 8 s (the 10 Mbit/s link is enforced), and no
# namespace may be left behind.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT

set +e
"$qir" run -s quic-go -c quic-go -t handshake,transfer -P 1 -l "$work/logs" -j "$work/result.json" > "$work/stdout" 2> "$work/stderr"
rc=$?
set -e
cat "$work/stdout" "$work/stderr"
[[ $rc -eq 0 ]] || fail "qir run exited $rc"
for t in handshake transfer; do
  [[ "$(json_result "$work/result.json" $t)" == succeeded ]] || fail "$t did not succeed"
  for side in left right; do
    pcap="$work/logs/quic-go_quic-go/$t/sim/trace_node_$side.pcap"
    [[ -s "$pcap" ]] || fail "missing $pcap"
  done
  [[ -s "$work/logs/quic-go_quic-go/$t/output.txt" ]] || fail "missing output.txt for $t"
  [[ -s "$work/logs/quic-go_quic-go/$t/client/keys.log" ]] || fail "client wrote no key log in $t"
done
grep -q "✓(H,DC)" "$work/stdout" || fail "matrix does not show ✓(H,DC)"
# Transfer time from the cell log: client start to client end.
secs=$(python3 - "$work/logs/quic-go_quic-go/transfer/output.txt" <<'PY'
import re, sys
t = {}
for line in open(sys.argv[1]):
    m = re.match(r"\[\s*([0-9.]+) s\] (client started|client ended)", line)
    if m: t[m.group(2)] = float(m.group(1))
print("%.1f" % (t["client ended"] - t["client started"]))
PY
)
python3 -c "import sys; sys.exit(0 if float('$secs') >= 8.0 else 1)" || fail "10 MiB in $secs s: faster than 10 Mbit/s allows"
# Namespaces of this run (qir-<pid>-...; other qir runs may be live on the machine).
run_pid=$(grep -o 'namespaces qir-[0-9]*' "$work/logs/quic-go_quic-go/handshake/output.txt" | head -1 | grep -o '[0-9]*$')
[[ -n "$run_pid" ]] || fail "output.txt does not name the cell's namespaces"
if ip netns list | grep -q "^qir-$run_pid-"; then fail "namespaces left: $(ip netns list | grep "^qir-$run_pid-")"; fi
pass "quic-go × quic-go H and DC succeeded; transfer took $secs s"

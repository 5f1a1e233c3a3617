#!/usr/bin/env bash
# Benchmark: `qir analyze` vs tshark on the same ~10 MiB-transfer capture, both
# decrypting with the key log, in one run. Prints both times, the packet counts
# (which must match) and the speed ratio (target: qir >= 20x faster).
# Usage: bench/analyze.sh QIR_BINARY [PCAP KEYLOG]
# Without PCAP/KEYLOG it captures one with `qir run -t transfer` (needs root).
set -euo pipefail
qir=$(realpath "${1:?usage: analyze.sh QIR_BINARY [PCAP KEYLOG]}")
runs=${BENCH_RUNS:-5}
if ! command -v tshark >/dev/null; then echo "SKIP: tshark not installed"; exit 0; fi
work=$(mktemp -d /tmp/qir-bench-analyze.XXXXXX)
trap 'rm -rf "$work"' EXIT
if [[ $# -ge 3 ]]; then
  pcap=$2 keylog=$3
else
  "$qir" run -s quic-go -c quic-go -t transfer -l "$work/logs" -P 1 >"$work/run.log" 2>&1 ||
    { echo "bench: capture run failed, see below"; tail -5 "$work/run.log"; exit 1; }
  cell=$work/logs/quic-go_quic-go/transfer
  pcap=$cell/sim/trace_node_left.pcap keylog=$cell/client/keys.log
fi
echo "capture: $pcap ($(stat -c %s "$pcap") bytes)"

# Best of N wall-clock seconds for a command with its stdout to /dev/null. The clock is bash's
# $EPOCHREALTIME (no `date` processes inside the timed span); the command's output for the
# packet counts comes from one more, untimed run into $work/out.
best_of() {
  local best=999 start end t
  for _ in $(seq "$runs"); do
    start=$EPOCHREALTIME
    "$@" >/dev/null 2>&1
    end=$EPOCHREALTIME
    t=$(echo "$end - $start" | bc -l)
    if (($(echo "$t < $best" | bc -l))); then best=$t; fi
  done
  "$@" >"$work/out" 2>/dev/null
  echo "$best"
}

qir_s=$(best_of "$qir" analyze "$pcap" --keylog "$keylog")
qir_packets=$(grep -c '^ *[0-9]' "$work/out")
qir_failed=$(grep -c '\[no-keys\]\|\[failed\]' "$work/out" || true)
ts_s=$(best_of tshark -n -r "$pcap" -o "tls.keylog_file:$keylog" --disable-protocol http3 -Y "quic && !icmp" \
  -T fields -e quic.packet_number)
# tshark prints one line per frame with comma-joined values for coalesced packets; QUIC
# quoted in ICMP errors is excluded (qir reads only UDP datagrams).
ts_packets=$(tr ',' '\n' <"$work/out" | grep -c .)
ratio=$(echo "$ts_s / $qir_s" | bc -l)
printf 'qir analyze: %.3f s, %d QUIC packets (%d not decrypted)\n' "$qir_s" "$qir_packets" "$qir_failed"
printf 'tshark:      %.3f s, %d QUIC packets\n' "$ts_s" "$ts_packets"
printf 'ratio: qir is %.1fx faster (target >= 20x)\n' "$ratio"
if [[ $qir_packets -ne $ts_packets ]]; then echo "FAIL: packet counts differ"; exit 1; fi

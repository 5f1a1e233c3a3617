#!/bin/bash
# The goodput measurement on a real pair: quic-go × quic-go, five repetitions of
# a 10 MiB transfer over the 10 Mbit/s link. The series must succeed, its figure
# must be plausible (50–100 % of the link), every repetition must have its own
# log folder, its goodput and both endpoints' CPU time in result.json, and the
# terminal must print the measurement after the matrix.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT

run_ok "$work" run -s quic-go -c quic-go -t goodput -P 2 -l "$work/logs"
python3 - "$work/logs/result.json" <<'PY' || fail "result.json does not hold a plausible goodput measurement"
import json, re, sys
d = json.load(open(sys.argv[1]))
assert d["results"] == [[]], d["results"]
[[m]] = d["measurements"]
assert m["name"] == "goodput" and m["abbr"] == "G" and m["result"] == "succeeded", m
mean, sd = map(int, re.fullmatch(r"(\d+) \(± (\d+)\) kbps", m["details"]).groups())
assert 5000 <= mean <= 10000, f"goodput {mean} kbps is not 50-100 % of 10 Mbit/s"
assert len(m["repetitions"]) == 5, m["repetitions"]
for k, r in enumerate(m["repetitions"], 1):
    assert r["outcome"] == "succeeded" and r["log_dir"] == f"quic-go_quic-go/goodput/{k}", r
    assert 5000 <= r["goodput_kbps"] <= 10000, r
    assert r["server_cpu_s_per_mib"] > 0 and r["client_cpu_s_per_mib"] > 0, r
print(f"goodput {m['details']}")
PY
for k in 1 2 3 4 5; do
  [[ -s "$work/logs/quic-go_quic-go/goodput/$k/output.txt" ]] || fail "no output.txt for repetition $k"
  [[ -s "$work/logs/quic-go_quic-go/goodput/$k/sim/trace_node_left.pcap" ]] || fail "no client-side pcap for repetition $k"
  grep -q "measurement: goodput" "$work/logs/quic-go_quic-go/goodput/$k/output.txt" || fail "repetition $k logged no goodput"
done
grep -q "^Measurements:" "$work/stdout" || fail "the terminal shows no measurements"
grep -Eq "G \(goodput\) +[0-9]+ \(± [0-9]+\) kbps" "$work/stdout" || fail "the terminal shows no goodput figure"
pass "quic-go × quic-go goodput: $(grep -Eo '[0-9]+ \(± [0-9]+\) kbps' "$work/stdout" | head -1)"

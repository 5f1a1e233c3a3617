#!/usr/bin/env bash
# Benchmark: qir's own cost per cell — namespaces, simulator start and drain, server
# readiness, stop, analysis — i.e. a cell's duration minus the time its client ran
# (client started → client ended in output.txt). Handshake cells of quic-go and ngtcp2
# in both roles, -P 1, no compliance probe, BENCH_ROUNDS rounds. Target: median < 100 ms.
# Also prints the median of each phase, from output.txt's timestamps.
# Usage: bench/cell_overhead.sh QIR_BINARY   (root; built stacks)
set -euo pipefail
qir=$(realpath "${1:?usage: cell_overhead.sh QIR_BINARY}")
rounds=${BENCH_ROUNDS:-5}
work=$(mktemp -d /tmp/qir-bench-overhead.XXXXXX)
trap 'rm -rf "$work"' EXIT
for r in $(seq "$rounds"); do
  "$qir" run --no-build --skip-compliance -P 1 -s quic-go,ngtcp2 -c quic-go,ngtcp2 -t handshake \
    -l "$work/run-$r" > /dev/null 2>&1 || true
done
python3 - "$work" <<'PY'
import glob, json, re, statistics, sys
# In time order: the simulator starts while the server does, and is awaited after it.
phases = [("namespaces", "namespaces .* ready"), ("server ready", "server ready"), ("simulator", "simulator ready"),
          ("client", "client ended"), ("stop + drain", "simulator (stopped|done)"), ("analysis", "traces:"), ("teardown", "verdict:")]
rows, per_phase = [], {p: [] for p, _ in phases}
for out in glob.glob(sys.argv[1] + "/run-*/*/handshake/output.txt"):
    t = {}
    for line in open(out):
        m = re.match(r"\[\s*([0-9.]+) s\] (.*)", line)
        if not m: continue
        for name, pat in phases:
            if name not in t and re.match(pat, m.group(2)): t[name] = float(m.group(1))
        if m.group(2) == "client started": t["start"] = float(m.group(1))
    if len(t) < len(phases) + 1: continue
    total = t["teardown"]
    client = t["client"] - t["start"]
    rows.append((total - client) * 1000)
    prev = 0.0
    for name, _ in phases:
        end = t[name]
        per_phase[name].append((end - (t["start"] if name == "client" else prev)) * 1000)
        prev = end
if not rows: sys.exit("no complete cells")
p90 = statistics.quantiles(rows, n=10)[-1] if len(rows) >= 2 else rows[0]
print(f"{len(rows)} handshake cells: overhead median {statistics.median(rows):.0f} ms, p90 {p90:.0f}, "
      f"min {min(rows):.0f}, max {max(rows):.0f} (target median < 100 ms)")
for name, _ in phases:
    print(f"  {name:<13} median {statistics.median(per_phase[name]):6.1f} ms")
PY

#!/usr/bin/env bash
# Benchmark: one fixed matrix at -P 1, -P 2 and the default (automatic: one cell per CPU,
# more while CPUs are idle), one after the other on the same machine; prints each run's
# wall time, the most cells it ran at once, its ratio to -P 1, and whether its verdicts
# equal those of -P 1 cell for cell (a cell that differs is listed with both reasons).
# Every run uses the same seed, so the simulator's losses and the files are the same. A cell
# whose verdict differs is run again BENCH_RECHECK times (default 3) alone at -P 1 with that
# seed: if -P 1 gives both verdicts too, the cell is flaky whatever the parallelism. Verdicts
# are compared before the auto-unsupported rule (its "was failed" counts as failed). The logs
# are kept when some verdict differs.
# BENCH_STACKS (default quic-go,ngtcp2) as servers and clients, BENCH_TESTS (default: every
# test case), BENCH_MODES (default "1 2 0"; 0 = automatic).
# Usage: bench/parallelism.sh QIR_BINARY   (root; built stacks)
set -euo pipefail
qir=$(realpath "${1:?usage: parallelism.sh QIR_BINARY}")
stacks=${BENCH_STACKS:-quic-go,ngtcp2}
tests=${BENCH_TESTS:-$("$qir" list | awk '/^Test cases:/{t=1; next} /^[A-Z]/{t=0} t && /^  [a-z0-9-]+ /{print $1}' | paste -sd,)}
modes=${BENCH_MODES:-1 2 0}
seed=${BENCH_SEED:-4242}
recheck=${BENCH_RECHECK:-3}
work=$(mktemp -d /tmp/qir-bench-parallel.XXXXXX)
trap '[[ -f "$work/keep" ]] || rm -rf "$work"' EXIT
echo "matrix: $stacks × $stacks × {$tests}, seed $seed, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in $modes; do
  start=$(date +%s.%N)
  "$qir" run --no-build -P "$p" --seed "$seed" -s "$stacks" -c "$stacks" -t "$tests" -l "$work/p$p" \
    -j "$work/p$p.json" > "$work/p$p.out" 2> "$work/p$p.err" || true
  end=$(date +%s.%N)
  peak=$(grep -o 'up to [0-9]* at once' "$work/p$p.err" | grep -o '[0-9]*' || echo '?')
  echo "$p $start $end $peak" >> "$work/times"
done
python3 - "$work" "$qir" "$seed" "$recheck" <<'PY'
import json, os, subprocess, sys
work, qir, seed, recheck = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def verdicts(path):
    r = json.load(open(path))
    cells = {}
    for i, client in enumerate(r["clients"]):  # the reference's layout: client i × server j
        for j, server in enumerate(r["servers"]):
            for cell in r["results"][i * len(r["servers"]) + j]:
                outcome = cell.get("original_outcome", cell.get("outcome", cell["result"]))
                cells[(server, client, cell["name"])] = (outcome, cell.get("reason", ""))
    return cells

runs = []
for line in open(work + "/times"):
    p, start, end, peak = line.split()
    try:
        cells = verdicts(f"{work}/p{p}.json")
    except (OSError, ValueError, KeyError):
        sys.exit(f"-P {p}: no readable result.json (see {work}/p{p}.err)")
    runs.append((p, float(end) - float(start), peak, cells))
base_p, base_t, _, base = runs[0]
print(f"{'mode':<12} {'cells':>5} {'wall':>8} {'at once':>8} {'vs -P ' + base_p:>8}  verdicts vs -P {base_p}")
for p, t, peak, cells in runs:
    diff = [k for k in sorted(set(base) | set(cells)) if base.get(k, ("-",))[0] != cells.get(k, ("-",))[0]]
    name = "automatic" if p == "0" else f"-P {p}"
    agree = "same" if not diff else f"{len(diff)} differ"
    print(f"{name:<12} {len(cells):>5} {t:>7.0f}s {peak:>8} {base_t / t:>7.2f}x  {agree}")
    for k in diff:
        open(work + "/keep", "w").close()
        a, b = base.get(k, ("-", "")), cells.get(k, ("-", ""))
        print(f"    {' × '.join(k)}: -P {base_p} {a[0]} ({a[1][:80]}) / {name} {b[0]} ({b[1][:80]})")
        seen = []
        for n in range(recheck):
            out = f"{work}/recheck-{'-'.join(k)}-{name.replace(' ', '')}-{n}"
            subprocess.run([qir, "run", "--no-build", "-P", "1", "--seed", seed, "-s", k[0], "-c", k[1], "-t", k[2],
                            "-n", f"{k[0]},{k[1]}", "-l", out, "-j", out + ".json"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                seen.append(verdicts(out + ".json").get(k, ("-",))[0])
            except (OSError, ValueError, KeyError):
                seen.append("-")
        kind = "flaky at -P 1 too" if a[0] in seen and b[0] in seen else "not seen at -P 1 alone"
        print(f"      alone at -P 1, {recheck} times: {', '.join(seen)}: {kind}")
if os.path.exists(work + "/keep"):
    print(f"logs kept in {work}")
PY

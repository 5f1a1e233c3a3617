#!/bin/bash
# Two shards of one run as separate processes at the same time (quic-go × quic-go, handshake
# and retry: one cell each), merged; the merge must equal the unsharded run with the same seed
# cell for cell (apart from times), with one log tree. Then merge's refusals: a missing shard
# (and --allow-missing), the same shard twice, a shard of another run, a non-empty --logs-to.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
sel=(-s quic-go -c quic-go -t handshake,retry --seed 7 -P 1 --no-build)

for k in 1 2; do
  "$qir" run "${sel[@]}" --shard $k/2 -l "$work/s$k" > "$work/s$k.out" 2> "$work/s$k.err" &
  pids[$k]=$!
done
for k in 1 2; do
  rc=0; wait ${pids[$k]} || rc=$?
  cat "$work/s$k.err"
  [[ $rc -le 1 ]] || fail "shard $k/2 exited $rc"
done
grep -q "shard 1/2 of 2" "$work/s1.err" || fail "shard 1/2 did not announce itself"
"$qir" run "${sel[@]}" -l "$work/whole" > /dev/null 2> "$work/whole.err" || [[ $? -eq 1 ]] || fail "unsharded run failed"

python3 - "$work" <<'PY' || fail "shard result files are not as planned"
import json, sys
w = sys.argv[1]
for k, test in ((1, "handshake"), (2, "retry")):
    q = json.load(open(f"{w}/s{k}/result.json"))["qir"]
    assert q["shard"]["index"] == k and q["shard"]["count"] == 2, q["shard"]
    assert q["shard"]["cells"] == [["quic-go", "quic-go", test]], q["shard"]["cells"]
    assert q["plan"]["cells"] == 2
    assert json.load(open(f"{w}/s{k}/plan.json"))["shard"] == f"{k}/2"
PY

"$qir" merge "$work/s1/result.json" "$work/s2/result.json" -o "$work/m/result.json" --logs-to "$work/m" \
  || fail "qir merge refused two good shards"
for t in handshake retry; do
  [[ -s "$work/m/quic-go_quic-go/$t/output.txt" ]] || fail "merged log tree lacks $t"
done
[[ -s "$work/m/index.html" ]] || fail "no merged index.html"
python3 - "$work" <<'PY' || fail "merged result differs from the unsharded run"
import json, sys
w = sys.argv[1]
m, u = json.load(open(f"{w}/m/result.json")), json.load(open(f"{w}/whole/result.json"))
strip = lambda d: [[{k: v for k, v in c.items() if k != "duration_s"} for c in pair] for pair in d["results"]]
assert strip(m) == strip(u), (strip(m), strip(u))
for key in ("servers", "clients", "tests"):
    assert m[key] == u[key], key
assert m["qir"]["plan"]["fingerprint"] == u["qir"]["plan"]["fingerprint"]
assert m["log_dir"] == w + "/m", m["log_dir"]
PY

# refusals: exit 2, one line
refuse() {  # refuse WHAT EXPECTED ARGS...
  local what=$1 want=$2; shift 2
  local rc=0; "$qir" merge "$@" > "$work/out" 2> "$work/err" || rc=$?
  [[ $rc -eq 2 ]] || fail "$what: exit $rc, expected 2"
  [[ $(wc -l < "$work/err") -eq 1 ]] || fail "$what: not one line: $(cat "$work/err")"
  grep -q -- "$want" "$work/err" || fail "$what: expected '$want', got: $(cat "$work/err")"
}
refuse "missing shard" "missing shard(s) 2 of 2" "$work/s1/result.json" -o "$work/x.json"
refuse "same shard twice" "overlapping shards" "$work/s1/result.json" "$work/s1/result.json" -o "$work/x.json"
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
d = json.load(open(f"{w}/s2/result.json")); d["qir"]["plan"]["fingerprint"] = "0000000000000000"
json.dump(d, open(f"{w}/other.json", "w"))
PY
refuse "other run" "shards of different runs" "$work/s1/result.json" "$work/other.json" -o "$work/x.json"
refuse "non-empty --logs-to" "is not empty" "$work/s1/result.json" "$work/s2/result.json" -o "$work/x.json" --logs-to "$work/m"
refuse "no such file" "cannot read" "$work/nope.json" -o "$work/x.json"

"$qir" merge "$work/s1/result.json" -o "$work/partial.json" --allow-missing 2> "$work/err" || fail "--allow-missing refused"
python3 - "$work/partial.json" <<'PY' || fail "--allow-missing did not mark the missing shard"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["qir"]["plan"]["missing_shards"] == [2] and d["qir"]["plan"]["missing_cells"] == 1
assert [c["name"] for c in d["results"][0]] == ["handshake"]
PY
pass "2 concurrent shards merged = the unsharded run; 5 refusals and --allow-missing as specified"

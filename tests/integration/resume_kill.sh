#!/bin/bash
# kill -9 in the middle of a run, then qir run --resume: every planned cell ends with exactly
# one result, the cell finished before the kill is untouched (same result entry, same
# output.txt), the cell that was running is run again from scratch (its partial folder
# replaced). Then --resume's refusals: plan flags given again, no plan.json, a changed plan.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
logs="$work/logs"

# handshake takes about a second, transfer (10 MiB at 10 Mbit/s) about nine: kill during transfer.
"$qir" run -s quic-go -c quic-go -t handshake,transfer,retry --seed 11 -P 1 --no-build -l "$logs" \
  > /dev/null 2> "$work/first.err" &
pid=$!
for _ in $(seq 1 300); do
  [[ -s "$logs/result.json" ]] && break
  sleep 0.1
done
[[ -s "$logs/result.json" ]] || { kill -9 $pid; fail "no cell finished within 30 s"; }
sleep 1
kill -9 $pid
wait $pid 2>/dev/null || true
[[ -s "$logs/plan.json" ]] || fail "no plan.json in the log folder"
python3 - "$logs/result.json" > "$work/before.json" <<'PY'
import json, sys
cells = [c for pair in json.load(open(sys.argv[1]))["results"] for c in pair]
assert [c["name"] for c in cells] == ["handshake"], [c["name"] for c in cells]
print(json.dumps(cells[0], sort_keys=True))
PY
sum_before=$(sha256sum < "$logs/quic-go_quic-go/handshake/output.txt")
[[ -d "$logs/quic-go_quic-go/transfer" ]] || fail "transfer was not running when killed"
touch "$logs/quic-go_quic-go/transfer/partial-marker"

# refusals, one line each, exit 2, nothing run
refuse() {  # refuse WHAT EXPECTED ARGS...
  local what=$1 want=$2; shift 2
  local rc=0; "$qir" run "$@" > /dev/null 2> "$work/err" || rc=$?
  [[ $rc -eq 2 ]] || fail "$what: exit $rc, expected 2"
  [[ $(wc -l < "$work/err") -eq 1 ]] || fail "$what: not one line: $(cat "$work/err")"
  grep -q -- "$want" "$work/err" || fail "$what: expected '$want', got: $(cat "$work/err")"
}
refuse "plan flag with --resume" "drop --seed" --resume "$logs" --seed 3
refuse "no plan.json" "has no plan.json" --resume "$work"
cp "$logs/plan.json" "$work/plan.json.orig"
python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); p["fingerprint"]="0"*16; json.dump(p,open(sys.argv[1],"w"))' "$logs/plan.json"
refuse "changed plan" "cannot resume" --resume "$logs" --no-build
cp "$work/plan.json.orig" "$logs/plan.json"

rc=0; "$qir" run --resume "$logs" --no-build > /dev/null 2> "$work/resume.err" || rc=$?
cat "$work/resume.err"
[[ $rc -le 1 ]] || fail "qir run --resume exited $rc"
grep -q "1 cell(s) already finished, 2 to run" "$work/resume.err" || fail "resume did not keep the finished cell"
python3 - "$logs/result.json" "$work/before.json" <<'PY' || fail "results after resume are wrong"
import json, sys
cells = [c for pair in json.load(open(sys.argv[1]))["results"] for c in pair]
names = [c["name"] for c in cells]
assert sorted(names) == ["handshake", "retry", "transfer"], names   # each exactly once
before = json.load(open(sys.argv[2]))
assert json.dumps(cells[0], sort_keys=True) == json.dumps(before, sort_keys=True), (cells[0], before)
PY
[[ "$(sha256sum < "$logs/quic-go_quic-go/handshake/output.txt")" == "$sum_before" ]] || fail "the finished cell ran again"
[[ ! -e "$logs/quic-go_quic-go/transfer/partial-marker" ]] || fail "the interrupted cell's folder was not replaced"
[[ -s "$logs/quic-go_quic-go/transfer/output.txt" ]] || fail "transfer has no output.txt after resume"
pass "killed after 1 of 3 cells, resumed: 3 results, the finished one untouched, the running one redone"

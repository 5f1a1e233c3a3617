#!/bin/bash
# Replay: every output.txt ends with the command that reruns exactly that cell, and
# `qir run --replay CELL_LOG_DIR` runs it: same test, endpoints and run seed, so the
# same files and the same seeded simulator decisions (which UDP packet of each
# direction a drop-rate scenario drops). A cell of another seed must decide otherwise.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
cell=quic-go_quic-go/transferloss
"$qir" run --no-build --skip-compliance -P 1 -s quic-go -c quic-go -t transferloss --seed 777 -l "$work/first" \
  > "$work/first.out" 2>&1 || true
line=$(tail -1 "$work/first/$cell/output.txt")
[[ "$line" == *"replay: qir run -s quic-go -c quic-go -t transferloss --seed 777"* ]] || fail "output.txt does not end with the replay command: $line"
"$qir" run --replay "$work/first/$cell" --no-build --skip-compliance -P 1 -l "$work/again" > "$work/again.out" 2>&1 || true
"$qir" run --no-build --skip-compliance -P 1 -s quic-go -c quic-go -t transferloss --seed 778 -l "$work/other" \
  > "$work/other.out" 2>&1 || true
received() {  # UDP packets the simulator received in direction $2 of run $1
  grep -o "^$2: received=[0-9]*" "$1/$cell/sim/sim.log" | cut -d= -f2
}
# Drop-rate decisions of run $1 per direction, in order (the directions interleave by timing),
# for the first packets of each direction that both runs $1 and $2 saw: the decision for
# packet k is a function of the seed and k, but how many packets there are depends on the
# endpoints' timing (one more retransmission on a busy machine).
decisions() {
  local dir limit
  for dir in to_client to_server; do
    limit=$(( $(received "$1" $dir) < $(received "$2" $dir) ? $(received "$1" $dir) : $(received "$2" $dir) ))
    grep -o "^drop $dir #[0-9]* drop-rate udp=[0-9]*" "$1/$cell/sim/sim.log" | sed 's/ #[0-9]*//' |
      awk -v limit="$limit" -F'udp=' '$2 < limit'
  done
}
[[ -n "$(decisions "$work/first" "$work/again")" ]] || fail "no drop-rate decisions in the first run"
[[ "$(decisions "$work/first" "$work/again")" == "$(decisions "$work/again" "$work/first")" ]] ||
  fail "the replay made other drop decisions"
[[ "$(decisions "$work/first" "$work/other")" != "$(decisions "$work/other" "$work/first")" ]] ||
  fail "another seed made the same decisions (the check cannot fail)"
[[ "$(tail -1 "$work/again/$cell/output.txt")" == *"--seed 777"* ]] || fail "the replay's own replay line lost the seed"
grep -q "seed $(grep -o 'seed [0-9]*' "$work/first/$cell/output.txt" | head -1 | cut -d' ' -f2)" "$work/again/$cell/output.txt" \
  || fail "the replayed cell has another cell seed (files would differ)"
"$qir" run --replay "$work/nowhere" > "$work/bad.out" 2>&1 && fail "--replay of a missing folder succeeded"
grep -q "no replay.json" "$work/bad.out" || fail "--replay of a missing folder: $(cat "$work/bad.out")"
pass "replay reproduces the cell seed and the simulator's seeded decisions"

#!/bin/bash
# Usage and configuration errors: one line on stderr, exit 2, nothing run.
set -uo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT

expect_usage_error() {  # description, then the qir arguments
  local what="$1"; shift
  "$qir" "$@" > "$work/out" 2> "$work/err"
  local rc=$?
  [[ $rc -eq 2 ]] || fail "$what: exit $rc, expected 2"
  [[ $(wc -l < "$work/err") -eq 1 ]] || { cat "$work/err"; fail "$what: expected one line on stderr"; }
  echo "ok: $what → $(cat "$work/err")"
}

expect_usage_error "unknown test" run -t nosuchtest -l "$work/l1"
printf '{ "x": { "role": "sideways" } }' > "$work/bad-role.json"
expect_usage_error "bad role" run --implementations "$work/bad-role.json" -l "$work/l2"
printf '{ "x": ' > "$work/truncated.json"
expect_usage_error "truncated JSON" run --implementations "$work/truncated.json" -l "$work/l3"
printf '[1, 2]' > "$work/array.json"
expect_usage_error "JSON array" run --implementations "$work/array.json" -l "$work/l4"
expect_usage_error "missing implementations file" run --implementations "$work/none.json" -l "$work/l5"
expect_usage_error "unknown server" run -s nosuchstack -l "$work/l6"
expect_usage_error "unknown command" frobnicate
expect_usage_error "bad scenario" sim --scenario "simple-p2p --delay=-5ms --bandwidth=10Mbps --queue=25"
for shard in 0/2 3/2 2 x/y; do
  expect_usage_error "bad --shard $shard" run --shard "$shard" -l "$work/l7"
done
printf 'quic-go quic-go handshake\n' > "$work/expected.txt"
expect_usage_error "--expect with --shard" run --shard 1/2 --expect "$work/expected.txt" -l "$work/l7"
expect_usage_error "--resume with a plan flag" run --resume "$work" -s quic-go
expect_usage_error "--resume without plan.json" run --resume "$work"
"$qir" merge "$work/array.json" > /dev/null 2>&1; [[ $? -eq 2 ]] || fail "merge without -o: exit is not 2"
expect_usage_error "merge of a non-result" merge "$work/array.json" -o "$work/m.json"
[[ ! -e "$work/l7" && ! -e "$work/m.json" ]] || fail "a usage error wrote output"
[[ ! -e "$work/l1" ]] || fail "a log folder was created for a usage error"
pass "usage errors exit 2 with one line"

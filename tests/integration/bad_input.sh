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
[[ ! -e "$work/l1" ]] || fail "a log folder was created for a usage error"
pass "usage errors exit 2 with one line"

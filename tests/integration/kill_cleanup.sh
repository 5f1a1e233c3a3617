#!/bin/bash
# kill -9 of qir in the middle of a cell: the next run must leave no namespace,
# mount, process or scratch folder of the killed run.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT

"$qir" run -s quic-go -c quic-go -t transfer -P 1 -l "$work/first" > /dev/null 2>&1 &
pid=$!
# Wait until the client runs, so server, client and simulator all exist.
for _ in $(seq 1 200); do
  grep -qs "client started" "$work/first/quic-go_quic-go/transfer/output.txt" && break
  sleep 0.1
done
grep -qs "client started" "$work/first/quic-go_quic-go/transfer/output.txt" || fail "cell never started its client"
ip netns list | grep -q "^qir-$pid-" || fail "no namespaces of the running qir"
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
sleep 0.5

"$qir" run -s quic-go -c quic-go -t handshake -P 1 -l "$work/second" > "$work/out" 2>&1 || { cat "$work/out"; fail "second run failed"; }
grep -q "cleaned up after an earlier run" "$work/out" || fail "second run did not report the clean-up"
if ip netns list | grep -q "^qir-$pid-"; then fail "namespaces of the killed run remain"; fi
if grep -q "qir-$pid-" /proc/mounts; then fail "mounts of the killed run remain"; fi
[[ ! -e "/tmp/qir-run-$pid" ]] || fail "scratch folder of the killed run remains"
for p in /proc/[0-9]*; do
  cmd="$(tr '\0' ' ' < "$p/cmdline" 2>/dev/null || true)"
  case "$cmd" in *"qir-$pid-"*|*"qir-run-$pid/"*) fail "process of the killed run remains: $cmd";; esac
done
pass "killed run $pid left nothing behind after the next run"

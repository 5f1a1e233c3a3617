#!/bin/bash
# --retries on real cells. A client built on quic-go's that fails on purpose when its
# first URL is the one of attempt 1 (same --seed → same file names; a retry gets a new
# seed, so new names): with --retries 1 the cell must end succeeded, flaky, with two
# attempts, the first attempt's reason and its logs kept. A client that always fails
# must end failed after 1 + 2 attempts. Without --retries the same cell fails.
set -euo pipefail
qir="$1"; src="$2"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
bin="$src/implementations/quic-go/bin"
[[ -x "$bin/client" ]] || fail "quic-go not built (make stacks)"
for name in picky broken; do
  mkdir -p "$work/$name"; cp "$bin/client" "$work/$name/client"
done
cat > "$work/picky/run_endpoint.sh" <<'SH'
#!/bin/sh
first=${REQUESTS%% *}
echo "first URL: $first"
if [ -f /impl/fail-for ] && [ "$first" = "$(cat /impl/fail-for)" ]; then echo "failing on purpose"; exit 1; fi
mkdir -p /logs/qlog; exec env QLOGDIR=/logs/qlog /impl/client $REQUESTS
SH
printf '#!/bin/sh\necho "always failing"; exit 3\n' > "$work/broken/run_endpoint.sh"
chmod +x "$work"/*/run_endpoint.sh
echo '{"picky": {"role": "client", "url": "-", "dir": "picky"}, "broken": {"role": "client", "url": "-", "dir": "broken"}}' \
  > "$work/impls.json"
run() {  # run NAME ARGS...
  local name=$1; shift
  "$qir" run --implementations "$work/impls.json" --no-build --skip-compliance -P 1 -s quic-go -t handshake \
    --seed 4242 -l "$work/$name" "$@" > "$work/$name.out" 2>&1 || true
}
field() { python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["results"][0][0]; print(c.get(sys.argv[2], ""))' "$@"; }

run first -c picky
grep -o 'first URL: .*' "$work/first/quic-go_picky/handshake/client/output.log" | cut -d' ' -f3 > "$work/picky/fail-for"
[[ -s "$work/picky/fail-for" ]] || fail "no URL seen in the first run"
run once -c picky
[[ "$(field "$work/once/result.json" outcome)" == failed ]] || fail "without --retries the picky client should fail"
run retried -c picky --retries 1
r="$work/retried/result.json"
[[ "$(field "$r" outcome)" == succeeded && "$(field "$r" attempts)" == 2 && "$(field "$r" flaky)" == True ]] \
  || { cat "$work/retried.out"; fail "picky client with --retries 1: $(field "$r" outcome), attempts $(field "$r" attempts)"; }
[[ "$(field "$r" earlier_attempts)" == *"failed: client failed (exit 1)"* ]] || fail "the first attempt's reason is lost"
[[ -s "$work/retried/quic-go_picky/handshake.attempt-1/output.txt" ]] || fail "the first attempt's logs are lost"
grep -q "~(H)" "$work/retried.out" || fail "the matrix does not mark the flaky cell with ~"
pass "a cell that fails once and then succeeds is flaky, with both attempts kept"

run always -c broken --retries 2
r="$work/always/result.json"
[[ "$(field "$r" outcome)" == failed && "$(field "$r" attempts)" == 3 ]] || fail "broken client: $(field "$r" outcome), attempts $(field "$r" attempts)"
[[ -d "$work/always/quic-go_broken/handshake.attempt-2" ]] || fail "attempt 2's logs are missing"
pass "a cell that always fails ends failed after 1 + 2 attempts"

#!/bin/bash
# The HTML report in a real browser: a real run (quic-go's and ngtcp2's servers against
# quic-go's and ngtcp2's clients, plus two clients that give up at once, handshake with exit 1,
# transfer with 127: one exempt from the auto-unsupported rule, so its handshakes stay ✕ and
# its transfers are ?, and one that is not, so its handshakes become ‽), `qir report` of it, then html_report_chromium.mjs loads the page
# from file:// in Debian's headless Chromium driven by playwright-core and checks it against
# result.json: the number of cells, every verdict in the matrix and the cells table, one
# failure's details with its reason, one output.txt link followed, a filter kept in the
# URL. A screenshot goes to $QIR_HTML_SCREENSHOT (default: html-report.png beside the qir
# binary). Self-check: the same checks against a copy of result.json with a cell removed, and
# one with a verdict changed, must fail.
# playwright-core is installed once into ${QIR_NODE_CACHE:-/var/cache/qir/node} (npm) and
# reused (the first run needs the npm registry). Fails when Chromium, node or npm is missing.
set -euo pipefail
qir="$1"; src="$2"; source "$(dirname "$0")/lib.sh"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
bin="$src/implementations/quic-go/bin"
[[ -x "$bin/client" ]] || fail "quic-go not built (make stacks)"
chromium="${QIR_CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$chromium" ]] || ! command -v node > /dev/null || ! command -v npm > /dev/null; then
  fail "needs $chromium, node and npm (scripts/install-deps installs them)"
fi
shot="${QIR_HTML_SCREENSHOT:-$(cd "$(dirname "$qir")" && pwd)/html-report.png}"

# playwright-core, once per machine (npm's own client; no browser download: Debian's Chromium).
cache="${QIR_NODE_CACHE:-/var/cache/qir/node}"
if [[ ! -f "$cache/node_modules/playwright-core/package.json" ]]; then
  mkdir -p "$cache"
  npm install --prefix "$cache" --no-audit --no-fund --loglevel=error playwright-core@1 > "$work/npm.log" 2>&1 \
    || { cat "$work/npm.log"; fail "npm install playwright-core@1 into $cache"; }
fi

# Two clients that fail at once: handshake exits 1, anything else 127 (unsupported).
for name in broken-exempt broken-auto; do
  mkdir -p "$work/$name"
  printf '#!/bin/sh\necho "giving up on $TESTCASE on purpose"\n[ "$TESTCASE" = handshake ] && exit 1\nexit 127\n' \
    > "$work/$name/run_endpoint.sh"
  chmod +x "$work/$name/run_endpoint.sh"
done
echo '{"broken-exempt": {"role": "client", "url": "-", "dir": "broken-exempt"},
       "broken-auto": {"role": "client", "url": "-", "dir": "broken-auto"}}' > "$work/impls.json"
start=$SECONDS
set +e
"$qir" run --implementations "$work/impls.json" --no-build --skip-compliance -P 2 -s quic-go,ngtcp2 \
  -c quic-go,ngtcp2,broken-exempt,broken-auto -n broken-exempt -t handshake,transfer \
  -l "$work/logs" > "$work/run.out" 2>&1
rc=$?
set -e
echo "run: exit $rc after $((SECONDS - start)) s"
[[ $rc -eq 1 ]] || { cat "$work/run.out"; fail "qir run should exit 1 (some cells fail), gave $rc"; }
result="$work/logs/result.json"
[[ -f "$work/logs/index.html" ]] || fail "qir run wrote no index.html"
# What the browser checks rely on: some ✓, broken-exempt's handshakes ✕ and transfers ?,
# broken-auto's handshakes ‽ (the real pairs' verdicts are whatever the run gave).
python3 - "$result" <<'PY' || { cat "$work/run.out"; fail "the run did not give the verdicts the page test needs"; }
import json, sys
d = json.load(open(sys.argv[1]))
got = {}
for i, pair in enumerate(d["results"]):
    server, client = d["servers"][i % len(d["servers"])], d["clients"][i // len(d["servers"])]
    for c in pair:
        got[(server, client, c["name"])] = ("auto-" if c.get("auto_unsupported") else "") + c["outcome"]
want = {}
for s in d["servers"]:
    want[(s, "broken-exempt", "handshake")] = "failed"
    want[(s, "broken-exempt", "transfer")] = "unsupported"
    want[(s, "broken-auto", "handshake")] = "auto-unsupported"
bad = {k: got.get(k) for k, v in want.items() if got.get(k) != v}
if bad or "succeeded" not in got.values() or len(got) != 16:
    print("unexpected:", bad, "cells:", len(got), "succeeded:", list(got.values()).count("succeeded"))
    sys.exit(1)
PY

# The page of `qir report` (its own folder, so the log links are relative paths into logs/).
"$qir" report "$result" -o "$work/report" > "$work/report.out" 2>&1 || { cat "$work/report.out"; fail "qir report"; }
page="$work/report/index.html"
[[ -f "$page" ]] || fail "qir report wrote no $page"

browse() {  # browse RESULT_JSON SCREENSHOT|'' LOG: the browser checks of one page against RESULT_JSON
  QIR_NODE_MODULES="$cache/node_modules" QIR_CHROMIUM="$chromium" timeout 120 \
    node "$here/html_report_chromium.mjs" "$page" "$1" "$2" > "$3" 2>&1
}
start=$SECONDS
browse "$result" "$shot" "$work/browser.out" || { cat "$work/browser.out"; fail "the page does not match result.json"; }
cat "$work/browser.out"
echo "browser checks: $((SECONDS - start)) s"
[[ -s "$shot" ]] || fail "no screenshot at $shot"
# The page qir run wrote into its log folder passes the same checks.
page="$work/logs/index.html"
browse "$result" "" "$work/browser-run.out" || { cat "$work/browser-run.out"; fail "qir run's index.html does not match result.json"; }
page="$work/report/index.html"

# Self-check: the same page against a tampered result.json must be caught.
python3 - "$result" "$work/fewer.json" "$work/changed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
fewer = json.loads(json.dumps(d))
for pair in fewer["results"]:
    if pair:
        pair.pop()
        break
json.dump(fewer, open(sys.argv[2], "w"))
for pair in d["results"]:
    for c in pair:
        if c["outcome"] == "succeeded":
            c["outcome"] = "failed"; c["result"] = "failed"; c["reason"] = "tampered"
            json.dump(d, open(sys.argv[3], "w"))
            sys.exit(0)
sys.exit("no succeeded cell to tamper with")
PY
for tampered in fewer changed; do
  if browse "$work/$tampered.json" "" "$work/$tampered.out"; then
    cat "$work/$tampered.out"; fail "self-check: a page checked against $tampered.json passed"
  fi
  grep -q "^MISMATCH" "$work/$tampered.out" || { cat "$work/$tampered.out"; fail "self-check: $tampered.json failed, but not by a mismatch"; }
  echo "self-check ($tampered.json): $(grep -m1 '^MISMATCH' "$work/$tampered.out")"
done
pass "HTML report in Chromium: cells, verdicts, details reason, log link, URL filter match result.json; screenshot $shot"

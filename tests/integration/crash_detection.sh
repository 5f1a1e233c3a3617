#!/bin/bash
# Crash detection on real cells: quic-go's server against three clients built on
# quic-go's own client — one that works (must succeed), one that downloads the file
# and then reports a Rust-style panic (must say crashed although the checks pass),
# and one that dies of SIGSEGV (must say crashed, not just failed).
set -euo pipefail
qir="$1"; src="$2"; source "$(dirname "$0")/lib.sh"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
bin="$src/implementations/quic-go/bin"
[[ -x "$bin/client" ]] || fail "quic-go not built (make stacks)"

mk_client() {  # mk_client NAME AFTER: quic-go's client, then the shell line AFTER
  mkdir -p "$work/$1"
  cp "$bin/client" "$work/$1/client"
  cat > "$work/$1/run_endpoint.sh" <<SH
#!/bin/sh
mkdir -p /logs/qlog
QLOGDIR=/logs/qlog /impl/client \$REQUESTS || exit \$?
$2
SH
  chmod +x "$work/$1/run_endpoint.sh"
}
mk_client fine-client 'exit 0'
mk_client panicking-client "echo \"thread 'main' panicked at src/main.rs:7:5:\" >&2; echo 'stack backtrace:' >&2; exit 0"
mk_client segv-client 'kill -SEGV $$'
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
json.dump({n: {"role": "client", "url": "-", "dir": n, "run": "run_endpoint.sh"}
           for n in ("fine-client", "panicking-client", "segv-client")}, open(w + "/impls.json", "w"))
PY
set +e
"$qir" run --implementations "$work/impls.json" --no-build --skip-compliance -P 2 -s quic-go \
  -c fine-client,panicking-client,segv-client -t handshake -l "$work/logs" -j "$work/result.json" \
  > "$work/out" 2> "$work/err"
set -e
cat "$work/out" "$work/err"
outcome() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
c=d["clients"].index(sys.argv[2]); cell=d["results"][c][0]; print(cell["outcome"], "|", cell.get("reason", ""))' \
    "$work/result.json" "$1"
}
[[ "$(outcome fine-client)" == "succeeded |"* ]] || fail "fine-client: $(outcome fine-client)"
[[ "$(outcome panicking-client)" == "crashed | client: thread 'main' panicked at src/main.rs:7:5:"* ]] \
  || fail "panicking-client: $(outcome panicking-client)"
[[ "$(outcome segv-client)" == "crashed | client killed by SIGSEGV"* ]] || fail "segv-client: $(outcome segv-client)"
grep -q "crash detected: .* (verdict before: succeeded" "$work/logs/quic-go_panicking-client/handshake/output.txt" \
  || { cat "$work/logs/quic-go_panicking-client/handshake/output.txt"; fail "output.txt does not keep the verdict the crash overrode"; }
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); r=[c[0]["result"] for c in d["results"]]; sys.exit(r != ["succeeded","failed","failed"])' \
  "$work/result.json" || fail "the reference's result is not 'failed' for crashed cells"
pass "crashes detected: panic with passing checks, SIGSEGV; a clean client still succeeds"

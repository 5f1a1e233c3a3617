#!/bin/bash
# `qir run --engine podman`: the test image (OCI layout, docker-archive and
# oci-archive) run by rootful podman in the cells' namespaces, against the
# built-in quic-go in both roles and against itself, for handshake, transfer
# and blackhole; afterwards no container of the run is left in podman's store
# under $QIR_STATE_DIR/podman. Podman is optional for users and
# scripts/install-deps does NOT install it, so CI prints SKIP here; run it on a
# machine with `apt-get install podman runc` (README, "With a container engine
# instead"). Engine-less image endpoints: image_endpoints.sh.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
if ! command -v podman >/dev/null; then echo "SKIP: podman not installed"; exit 0; fi
if ! command -v runc >/dev/null; then echo "SKIP: runc not installed (qir runs podman with --runtime runc)"; exit 0; fi
images="${QIR_TEST_IMAGES:-/var/cache/qir/test-images}/current"
[[ -d "$images/quic-go.oci" ]] || fail "test images missing: run tests/images/build.sh (make test-images)"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"
export QIR_STATE_DIR="$work/state"   # podman's storage of its own, removed afterwards
podman_() { podman --root "$QIR_STATE_DIR/podman/root" --runroot "$QIR_STATE_DIR/podman/run" --runtime runc "$@"; }
cleanup() { podman_ rm -af -t 0 >/dev/null 2>&1 || true; podman_ system reset -f >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

cat > "$work/impls.json" <<JSON
{
  "img": { "image": "oci:$images/quic-go.oci:latest", "url": "https://example.org/qir-test", "role": "both" },
  "img-docker": { "image": "docker-archive:$images/quic-go.docker.tar", "url": "https://example.org/qir-test", "role": "server" },
  "img-ociarchive": { "image": "oci-archive:$images/quic-go.oci.tar", "url": "https://example.org/qir-test", "role": "client" }
}
JSON

tests=handshake,transfer,blackhole
set +e
"$qir" run --engine podman --implementations "$work/impls.json" --no-build -P 2 -l "$work/run" -j "$work/run.json" \
  -s img,img-docker,quic-go -c img,img-ociarchive,quic-go -t $tests > "$work/run.out" 2>&1
rc=$?
set -e
cat "$work/run.out"
[[ $rc -eq 0 ]] || fail "qir run --engine podman exited $rc"
python3 - "$work/run.json" <<'PY' || fail "a cell with an image endpoint did not succeed"
import json, sys
d = json.load(open(sys.argv[1]))
bad = []
for c, client in enumerate(d["clients"]):
    for s, server in enumerate(d["servers"]):
        for x in d["results"][c * len(d["servers"]) + s]:
            if x["result"] != "succeeded":
                bad.append(f"{server} × {client} {x['name']}: {x['result']}")
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
pass "podman: image × image, image × native, native × image (layout, docker-archive, oci-archive): $tests"

log="$work/run/quic-go_img/handshake/client/output.log"
grep -q "sim:57832 is available" "$log" || fail "the podman client did not find sim:57832 open ($log)"
[[ -s "$work/run/quic-go_img/handshake/client/keys.log" ]] || fail "the podman client's key log is not in the cell's /logs"
[[ -s "$work/run/img_quic-go/transfer/server/log.txt" ]] || fail "the podman server's /logs/log.txt is not in the cell's log folder"
pass "podman endpoints see sim:57832 and write into the cell's /logs"

left="$(podman_ ps -aq)"
[[ -z $left ]] || fail "containers left after the run: $left"
pass "no container left in podman's store"

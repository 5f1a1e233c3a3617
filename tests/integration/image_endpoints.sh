#!/bin/bash
# Interop images as endpoints, unchanged and without a container engine: the
# test image built by tests/images/build.sh (Debian minbase + an endpoint base
# layer with setup.sh / wait-for-it.sh + quic-go, relative Entrypoint and a
# WorkingDir) against the built-in quic-go in both roles and against itself,
# for handshake, transfer, retry and an impaired test (blackhole); then the
# same image as a docker-archive and an oci-archive; then a second run that
# must reuse the unpacked cache. Bad images and confinement:
# image_bad_input.sh and image_confinement.sh.
set -euo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
images="${QIR_TEST_IMAGES:-/var/cache/qir/test-images}/current"
[[ -d "$images/quic-go.oci" ]] || fail "test images missing: run tests/images/build.sh (make test-images)"
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
export QIR_STATE_DIR="$work/state"   # a cache of its own: the first run must unpack

cat > "$work/impls.json" <<JSON
{
  "img": { "image": "oci:$images/quic-go.oci:latest", "url": "https://example.org/qir-test", "role": "both" },
  "img-docker": { "image": "docker-archive:$images/quic-go.docker.tar", "url": "https://example.org/qir-test", "role": "server" },
  "img-ociarchive": { "image": "oci-archive:$images/quic-go.oci.tar", "url": "https://example.org/qir-test", "role": "client" }
}
JSON

run() {  # run NAME ARGS...: qir run into $work/NAME, its output kept
  local name=$1; shift
  set +e
  "$qir" run --implementations "$work/impls.json" --no-build -l "$work/$name" -j "$work/$name.json" "$@" \
    > "$work/$name.out" 2> "$work/$name.err"
  local rc=$?
  set -e
  cat "$work/$name.out" "$work/$name.err"
  [[ $rc -eq 0 ]] || fail "$name: qir run exited $rc"
}
cell() {  # cell RESULT.json SERVER CLIENT TEST: the cell's result
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
s=d["servers"].index(sys.argv[2]); c=d["clients"].index(sys.argv[3])
for x in d["results"][c*len(d["servers"])+s]:
    if x["name"]==sys.argv[4]: print(x["result"]); sys.exit(0)
print("absent")' "$@"
}

tests=handshake,transfer,retry,blackhole
run matrix -P 2 -s img,quic-go -c img,quic-go -t $tests
grep -q "img: oci:.* is sha256:[0-9a-f]* (unpacked in" "$work/matrix.err" || fail "first run did not unpack the image"
for pair in "img img" "img quic-go" "quic-go img"; do
  set -- $pair
  for t in ${tests//,/ }; do
    [[ "$(cell "$work/matrix.json" "$1" "$2" "$t")" == succeeded ]] || fail "$1 × $2 $t did not succeed"
  done
done
pass "image × image, image × native, native × image: $tests"

# What the unmodified image saw: its own hostname, sim:57832 open, the contract's variables.
log="$work/matrix/quic-go_img/handshake/client/output.log"
grep -q "sim:57832 is available" "$log" || fail "the image client did not find sim:57832 open ($log)"
grep -q "IPv4 '198.18.0.100', IPv6 'fd00:cafe:cafe::100'" "$log" || fail "setup.sh did not see exactly one IPv4 and one IPv6 address"
[[ -s "$work/matrix/quic-go_img/handshake/client/keys.log" ]] || fail "the image client's key log is not in the cell's /logs"
[[ -s "$work/matrix/img_quic-go/transfer/server/log.txt" ]] || fail "the image server's /logs/log.txt is not in the cell's log folder"
# Packets to the simulator's own address (the TCP connection to 57832) are not link traffic.
for side in left right; do
  n=$(tshark -r "$work/matrix/quic-go_img/handshake/sim/trace_node_$side.pcap" -Y tcp 2>/dev/null | wc -l)
  [[ $n -eq 0 ]] || fail "the sim:57832 connection is in the $side capture ($n TCP packets)"
done
pass "setup.sh, wait-for-it.sh and the endpoint's logs work as in the reference"

run archives -P 2 -s img-docker -c img-ociarchive,quic-go -t handshake,transfer
for c in img-ociarchive quic-go; do
  for t in handshake transfer; do
    [[ "$(cell "$work/archives.json" img-docker $c $t)" == succeeded ]] || fail "img-docker × $c $t did not succeed"
  done
done
pass "docker-archive server and oci-archive client"

run again -P 1 -s img -c img -t handshake
grep -q "img: oci:.* (cached)" "$work/again.err" || fail "the second run unpacked the image again"
[[ "$(cell "$work/again.json" img img handshake)" == succeeded ]] || fail "cached image × image handshake did not succeed"
pass "a second run reuses the unpacked image"

run_pid=$(grep -o 'namespaces qir-[0-9]*' "$work/again/img_img/handshake/output.txt" | head -1 | grep -o '[0-9]*$')
if ip netns list | grep -q "^qir-$run_pid-"; then fail "namespaces left: $(ip netns list | grep "^qir-$run_pid-")"; fi
pass "image endpoints"

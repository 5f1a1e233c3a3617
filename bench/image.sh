#!/usr/bin/env bash
# Benchmark: image endpoints against native ones, in one run.
#  1. Sandbox start-up: `qir _exec` of /bin/true in a fresh network namespace, native
#     skeleton root vs overlay of the cached test image (own UTS/PID/IPC namespaces,
#     pivot_root, /dev, /proc, capabilities), best and median of N. Goal: the image
#     adds at most 50 ms per endpoint.
#  2. Whole cells: handshake quic-go × quic-go native vs the same quic-go in the test
#     image on both sides (cells interleaved, -P 1, no compliance probe), median cell
#     duration from result.json; the difference / 2 is the cost per image endpoint
#     (it includes the image's own setup.sh and wait-for-it.sh).
#  3. First unpack of the test image (~150 MB unpacked) from the OCI layout (gzip
#     layers) and from the docker-archive (plain layers) into an empty cache, and a
#     cached lookup.
# Usage: bench/image.sh QIR_BINARY   (root; test images from tests/images/build.sh)
set -euo pipefail
qir=$(realpath "${1:?usage: image.sh QIR_BINARY}")
runs=${BENCH_RUNS:-15}
cells=${BENCH_CELLS:-7}
images="${QIR_TEST_IMAGES:-/var/cache/qir/test-images}/current"
[[ -d "$images/quic-go.oci" ]] || { echo "bench: no test images; run tests/images/build.sh"; exit 1; }
work=$(mktemp -d /tmp/qir-bench-image.XXXXXX)
ns=qir-bench-image-$$
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export QIR_STATE_DIR="$work/state"

stats() {  # stats: "best median" of the numbers on stdin (ms)
  sort -n | awk '{a[NR]=$1} END {printf "%.1f %.1f\n", a[1], a[int((NR+1)/2)]}'
}

echo "== 3. first unpack (empty cache) and cached lookup"
cat > "$work/impls.json" <<JSON
{ "img": { "image": "oci:$images/quic-go.oci:latest", "url": "-", "role": "both" },
  "imgdocker": { "image": "docker-archive:$images/quic-go.docker.tar", "url": "-", "role": "both" } }
JSON
for name in img imgdocker; do
  export QIR_STATE_DIR="$work/state-$name"  # each into an empty cache (they are the same image)
  t0=$EPOCHREALTIME; "$qir" pull --implementations "$work/impls.json" -i $name > /dev/null; t1=$EPOCHREALTIME
  t2=$EPOCHREALTIME; "$qir" list --implementations "$work/impls.json" > /dev/null; t3=$EPOCHREALTIME
  printf "%-10s first unpack %6.2f s   qir list with it cached %5.1f ms\n" "$name" \
    "$(echo "$t1 - $t0" | bc)" "$(echo "($t3 - $t2) * 1000" | bc)"
done
rootfs=$(find "$QIR_STATE_DIR/images" -maxdepth 2 -name rootfs -type d | head -1)
echo "unpacked root: $(du -sh "$rootfs" | cut -f1)"

echo "== 1. sandbox start-up, /bin/true, $runs runs each (ms)"
ip netns add "$ns"
mkdir -p "$work"/{www,downloads,certs,logs,tmp}
: > "$work/hosts"
common=(--netns "$ns" --hosts "$work/hosts" --bind "$work/www:/www:ro" --bind "$work/downloads:/downloads"
        --bind "$work/certs:/certs:ro" --bind "$work/logs:/logs")
: > "$work/native.ms"; : > "$work/image.ms"
for i in $(seq "$runs"); do
  t0=$EPOCHREALTIME
  "$qir" _exec "${common[@]}" --root "$work/root-n$i" --tmp "$work/tmp" -- /bin/true
  t1=$EPOCHREALTIME
  "$qir" _exec "${common[@]}" --root "$work/root-i$i" --image "$rootfs" --upper "$work/layer-$i" \
    --hostname server -- /bin/true 2>/dev/null
  t2=$EPOCHREALTIME
  echo "($t1 - $t0) * 1000" | bc >> "$work/native.ms"
  echo "($t2 - $t1) * 1000" | bc >> "$work/image.ms"
done
read -r nb nm < <(stats < "$work/native.ms")
read -r ib im < <(stats < "$work/image.ms")
printf "native  best %6.1f  median %6.1f\nimage   best %6.1f  median %6.1f\nimage − native: median %+.1f ms per endpoint (goal ≤ 50)\n" \
  "$nb" "$nm" "$ib" "$im" "$(echo "$im - $nm" | bc)"

echo "== 2. handshake cells, $cells each, interleaved (s)"
: > "$work/cells-native"; : > "$work/cells-image"
cat > "$work/cell-impls.json" <<JSON
{ "img": { "image": "oci:$images/quic-go.oci:latest", "url": "-", "role": "both" } }
JSON
duration() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0][0]["duration_s"])' "$1"; }
for i in $(seq "$cells"); do
  for kind in native image; do
    if [[ $kind == native ]]; then pair=(-s quic-go -c quic-go); else pair=(-s img -c img); fi
    "$qir" run --implementations "$work/cell-impls.json" --no-build --skip-compliance -P 1 "${pair[@]}" \
      -t handshake -l "$work/run-$kind-$i" > /dev/null 2>&1 || true
    duration "$work/run-$kind-$i/result.json" >> "$work/cells-$kind"
  done
done
read -r cnb cnm < <(awk '{print $1*1000}' "$work/cells-native" | stats)
read -r cib cim < <(awk '{print $1*1000}' "$work/cells-image" | stats)
printf "native × native  median %6.0f ms\nimage × image    median %6.0f ms\nper image endpoint: %+.0f ms (includes the image's setup.sh and wait-for-it.sh)\n" \
  "$cnm" "$cim" "$(echo "($cim - $cnm) / 2" | bc -l)"

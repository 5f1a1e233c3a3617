#!/bin/bash
# Builds the OCI images qir's tests run, from Debian packages only: no registry,
# no container engine.
#
#   tests/images/build.sh [OUTDIR]     (default ${QIR_TEST_IMAGES:-/var/cache/qir/test-images})
#
# OUTDIR/current (a symlink to the build of the current inputs) holds:
#   base-rootfs/          debootstrap --variant=minbase of the machine's own suite
#                         from its own mirror, plus iproute2 ethtool net-tools
#                         iputils-ping (symlink into OUTDIR/rootfs-<key>)
#   quic-go.oci/          OCI layout, tag latest, three layers as the public
#                         images are built: Debian root; endpoint base (/setup.sh,
#                         /wait-for-it.sh, /run_endpoint.sh); quic-go's interop
#                         binaries and run_endpoint.sh in /quic-go
#   quic-go.oci.tar       the same image as an oci-archive
#   quic-go.docker.tar    the same image as a docker-archive (qir-test/quic-go:latest)
#   quic-go-zstd.oci/     the same image with zstd-compressed layers
#   <bad>.oci/, truncated.docker.tar
#                         broken and hostile images (see hostile.py)
#   BUILD-INFO            inputs and sizes
#
# Cached: the root file system is keyed by suite, mirror and package list; the
# images by that plus everything packed (this folder's files, the quic-go
# binaries). With unchanged inputs the script only checks and returns. The
# mirror comes from /etc/apt (read, never changed). QUIC_GO_BIN overrides the
# folder of quic-go's server and client (default implementations/quic-go/bin,
# built with implementations/quic-go/build.sh when missing).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-${QIR_TEST_IMAGES:-/var/cache/qir/test-images}}"
packages=(iproute2 ethtool net-tools iputils-ping)
# Bump when the root file system recipe (debootstrap call, clean-up) changes.
rootfs_recipe=1
started=$SECONDS

log() { echo "test-images: $*"; }
die() { echo "test-images: $*" >&2; exit 1; }

need_tools() {
  local t missing=()
  for t in debootstrap umoci skopeo python3 unshare sha256sum openssl; do
    command -v "$t" > /dev/null || missing+=("$t")
  done
  ((${#missing[@]} == 0)) || die "missing ${missing[*]}; run scripts/install-deps"
  [[ $(id -u) -eq 0 ]] || die "needs root (debootstrap, umoci unpack, a private mount namespace for skopeo)"
}

# Prints "URI KEYRING" of the machine's first apt source for suite $1: deb822
# .sources stanzas first, then one-line sources.list entries.
derive_mirror() {
  local suite="$1" f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk -v suite="$suite" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " suite " ") && uri != "") {
          print uri, (key != "" ? key : "-"); found = 1; exit
        }
        types = suites = uri = key = ""
      }
      /^[[:space:]]*$/ { flush(); next }
      /^Types:/ { sub(/^Types:[[:space:]]*/, ""); types = $0 }
      /^Suites:/ { sub(/^Suites:[[:space:]]*/, ""); suites = $0 }
      /^URIs:/ { uri = $2 }
      /^Signed-By:/ { if ($2 ~ /^\//) key = $2 }
      END { if (!found) flush() }' "$f" | head -n1 | grep . && return 0
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    sed -nE 's/^[[:space:]]*deb[[:space:]]+(\[([^]]*)\][[:space:]]+)?([^[:space:]]+)[[:space:]]+([^[:space:]]+).*/\3 \4 \2/p' "$f" |
      awk -v suite="$suite" '$2 == suite {
        key = "-"; if (match($0, /signed-by=[^ ]+/)) key = substr($0, RSTART + 10, RLENGTH - 10)
        print $1, key; exit }' | grep . && return 0
  done
  return 1
}

# Hash of files and strings given as arguments (files by content).
hash_of() {
  local a
  for a in "$@"; do
    if [[ -f "$a" ]]; then sha256sum < "$a"; else echo "$a"; fi
  done | sha256sum | cut -c1-16
}

# debootstrap into OUTDIR/rootfs-<key> once; a crashed run leaves only a .tmp.
build_rootfs() {
  local dir="$1" uri="$2" keyring="$3" suite="$4" tmp="$1.tmp" t0=$SECONDS
  if [[ -f "$dir/.qir-rootfs-done" ]]; then
    log "base-rootfs cached ($dir)"
    return 0
  fi
  rm -rf "$tmp"
  mkdir -p "$tmp" "$out/debs"
  local args=(--variant=minbase "--include=$(IFS=,; echo "${packages[*]}")" --components=main
    "--cache-dir=$out/debs")
  [[ "$keyring" != "-" ]] && args+=("--keyring=$keyring")
  log "debootstrap $suite from $uri (first build: 1-2 minutes)"
  if ! debootstrap "${args[@]}" "$suite" "$tmp/rootfs" "$uri" > "$out/debootstrap.log" 2>&1; then
    tail -n 20 "$out/debootstrap.log" >&2
    die "debootstrap failed; full log in $out/debootstrap.log"
  fi
  # What an image does not carry: package caches, apt lists, device nodes (the
  # runtime provides /dev), logs of the bootstrap itself.
  rm -rf "$tmp"/rootfs/var/cache/apt/archives/*.deb "$tmp"/rootfs/var/lib/apt/lists/* \
    "$tmp"/rootfs/dev/* "$tmp"/rootfs/var/log/bootstrap.log "$tmp"/rootfs/debootstrap
  local p
  for p in "${packages[@]}" bash hostname mount perl-base; do
    chroot "$tmp/rootfs" dpkg-query -W "$p" > /dev/null || die "base-rootfs lacks $p"
  done
  touch "$tmp/.qir-rootfs-done"
  rm -rf "$dir" && mv "$tmp" "$dir"
  log "base-rootfs built in $((SECONDS - t0))s ($(du -sh "$dir/rootfs" | cut -f1))"
}

# add_layer LAYOUT DIR CREATED_BY [ENTRY]: DIR's contents (or DIR's child ENTRY,
# kept under its name) as a new layer. GNU tar writes the archive: umoci 0.4.7's
# own `insert` leaves out the last entry's padding and the end-of-archive
# blocks, which libarchive (and GNU tar) rightly call truncated.
add_layer() {
  local layout="$1" dir="$2" created_by="$3" entry="${4:-.}" tarball
  tarball="$(mktemp "${TMPDIR:-/tmp}/qir-layer.XXXXXX.tar")"
  tar --numeric-owner --sort=name -C "$dir" -cf "$tarball" "$entry"
  umoci raw add-layer --image "$layout:latest" --history.created_by "$created_by" "$tarball"
  rm -f "$tarball"
}

# The three-layer quic-go image as an OCI layout in $1.
build_quic_go_oci() {
  local layout="$1" rootfs="$2" stage="$3" t0=$SECONDS
  umoci init --layout "$layout"
  umoci new --image "$layout:latest"
  # (a) the Debian root, (b) the endpoint base, (c) quic-go.
  add_layer "$layout" "$rootfs" "debootstrap --variant=minbase"
  mkdir -p "$stage/base" "$stage/quic-go"
  install -m 0755 "$here"/endpoint-base/{setup.sh,wait-for-it.sh,run_endpoint.sh} "$stage/base/"
  chmod 0755 "$stage/base"
  add_layer "$layout" "$stage/base" "qir endpoint base"
  install -m 0755 "$qgo_bin/server" "$qgo_bin/client" "$here/quic-go/run_endpoint.sh" "$stage/quic-go/"
  echo "$qgo_version" > "$stage/quic-go/version.txt"
  chmod 0755 "$stage/quic-go"
  add_layer "$layout" "$stage" "qir quic-go interop endpoint" quic-go
  umoci config --image "$layout:latest" --no-history \
    --config.workingdir /quic-go --config.entrypoint ./run_endpoint.sh \
    --config.env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --config.env QIR_TEST_IMAGE=1 \
    --config.label org.opencontainers.image.title=qir-test/quic-go \
    --config.label "org.opencontainers.image.version=$qgo_version"
  umoci gc --layout "$layout"
  log "quic-go.oci packed in $((SECONDS - t0))s"
}

# Runs skopeo with its root-only state (/var/lib/containers) on a tmpfs in a
# private mount namespace, its temporary files under $work: nothing stays on
# the host.
skopeo_private() {
  local over=/var/lib/containers made=""
  if [[ ! -d "$over" ]]; then
    if [[ "$work/" != /var/lib/* ]]; then over=/var/lib; else mkdir "$over"; made=1; fi
  fi
  mkdir -p "$work/tmp"
  # shellcheck disable=SC2016 # "$0" and "$@" are the inner bash's
  TMPDIR="$work/tmp" unshare -m --propagation private \
    bash -c 'mount -t tmpfs qir-skopeo "$0" && exec skopeo --insecure-policy "$@"' "$over" "$@"
  [[ -z "$made" ]] || rmdir "$over"
  rm -rf "$work/tmp"
}

# The archives and the zstd variant of quic-go.oci, all through skopeo.
build_archives() {
  local t0=$SECONDS
  skopeo_private copy -q "oci:$work/quic-go.oci:latest" "docker-archive:$work/quic-go.docker.tar:qir-test/quic-go:latest"
  skopeo_private copy -q "oci:$work/quic-go.oci:latest" "oci-archive:$work/quic-go.oci.tar:latest"
  skopeo_private copy -q --dest-compress-format zstd \
    "oci:$work/quic-go.oci:latest" "oci:$work/quic-go-zstd.oci:latest"
  log "archives written in $((SECONDS - t0))s"
}

# Checks what the tests rely on, without running anything but the server.
verify() {
  local d="$1" check
  skopeo_private inspect --config "oci:$d/quic-go.oci:latest" > "$work/tmp-config.json"
  python3 - "$work/tmp-config.json" << 'EOF'
import json, sys
c = json.load(open(sys.argv[1]))["config"]
assert c["WorkingDir"] == "/quic-go", c
assert c["Entrypoint"] == ["./run_endpoint.sh"], c
assert any(e.startswith("PATH=") for e in c["Env"]) and "QIR_TEST_IMAGE=1" in c["Env"], c
EOF
  rm -f "$work/tmp-config.json"
  skopeo_private inspect "docker-archive:$d/quic-go.docker.tar" > /dev/null
  skopeo_private inspect "oci-archive:$d/quic-go.oci.tar:latest" > /dev/null
  check="$work/unpacked"
  umoci unpack --image "$d/quic-go.oci:latest" "$check" > /dev/null
  mkdir -p "$check/rootfs/logs" "$check/rootfs/certs"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=server \
    -keyout "$check/rootfs/certs/priv.key" -out "$check/rootfs/certs/cert.pem" 2> /dev/null
  local role rc
  for role in server client; do
    rc=0
    chroot "$check/rootfs" /bin/sh -c "cd /quic-go && TESTCASE=qir-unknown-testcase QLOGDIR=/logs/qlog ./$role" \
      > /dev/null 2>&1 || rc=$?
    ((rc == 127)) || { rm -rf "$check"; die "quic-go.oci: ./$role answered $rc to an unknown TESTCASE, want 127"; }
  done
  rm -rf "$check"
  log "verified: config, archives, server and client answer 127 to an unknown test case"
}

write_info() {
  local d="$1" f
  {
    echo "inputs $key (rootfs $rootfs_key)"
    echo "suite $suite"
    echo "mirror $uri"
    echo "packages ${packages[*]}"
    echo "quic-go $qgo_version from $qgo_bin"
    echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    for f in "$d"/*; do
      [[ -L "$f" ]] || echo "size $(du -sh "$f" | cut -f1) ${f##*/}"
    done
    echo "size $(du -sh "$d" | cut -f1) all (blobs shared by hard links counted once)"
  } > "$d/BUILD-INFO"
}

need_tools
# shellcheck disable=SC1091
suite="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
[[ -n "$suite" ]] || die "no VERSION_CODENAME in /etc/os-release"
read -r uri keyring < <(derive_mirror "$suite") || die "no deb source for $suite in /etc/apt"

qgo_bin="${QUIC_GO_BIN:-$repo/implementations/quic-go/bin}"
if [[ -z "${QUIC_GO_BIN:-}" && ! -x "$qgo_bin/server" ]]; then
  "$repo/implementations/quic-go/build.sh"
fi
[[ -x "$qgo_bin/server" && -x "$qgo_bin/client" ]] || die "no quic-go server/client in $qgo_bin"
qgo_version="$(cat "$qgo_bin/.built-from" 2> /dev/null || echo unknown)"

mkdir -p "$out"
exec 9> "$out/.lock"
flock 9

rootfs_key="$(hash_of "$rootfs_recipe" "$suite" "$uri" "${packages[@]}" \
  "$(dpkg-query -W -f='${Version}' debootstrap)")"
key="$(hash_of "$rootfs_key" "$here/build.sh" "$here"/endpoint-base/* "$here"/quic-go/* "$here/hostile.py" "$here"/hostile/* \
  "$qgo_bin/server" "$qgo_bin/client" "$qgo_version")"
final="$out/build-$key"

if [[ -f "$final/BUILD-INFO" && -f "$out/rootfs-$rootfs_key/.qir-rootfs-done" ]]; then
  ln -sfn "build-$key" "$out/current.new" && mv -T "$out/current.new" "$out/current"
  log "up to date: $out/current -> build-$key (checked in $((SECONDS - started))s)"
  exit 0
fi

build_rootfs "$out/rootfs-$rootfs_key" "$uri" "$keyring" "$suite"
work="$final.tmp"
rm -rf "$work"
mkdir -p "$work"
build_quic_go_oci "$work/quic-go.oci" "$out/rootfs-$rootfs_key/rootfs" "$work/stage"
rm -rf "$work/stage"
build_archives
python3 "$here/hostile.py" "$work/quic-go.oci" "$work"
verify "$work"
ln -s "../rootfs-$rootfs_key/rootfs" "$work/base-rootfs"
write_info "$work"
rm -rf "$final" && mv "$work" "$final"
ln -sfn "build-$key" "$out/current.new" && mv -T "$out/current.new" "$out/current"

# Older builds and root file systems that current no longer uses.
for old in "$out"/build-* "$out"/rootfs-*; do
  [[ "$old" == "$final" || "$old" == "$out/rootfs-$rootfs_key" ]] || rm -rf "$old"
done
log "built $out/current -> build-$key in $((SECONDS - started))s"
sed -n 's/^size /  /p' "$final/BUILD-INFO"

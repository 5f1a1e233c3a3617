#!/bin/bash
# Builds quic-go's own interop client and server (upstream's interop/ folder)
# into bin/, offline, from Debian packages that hold sources, without
# installing anything into the system:
# - quic-go 0.50 and the Go packages its interop programs import, as trixie's
#   architecture-all golang-*-dev packages (Go sources under /usr/share/gocode);
# - Go 1.23 from bookworm-backports (golang-1.23-go, golang-1.23-src).
# They are downloaded with a private apt state whose entries are derived from
# this machine's own apt sources (implementations/lib/apt-private.sh; /etc/apt
# is never touched), unpacked into .build/root, and the programs are built in
# GOPATH mode over that tree alone, with GOPROXY=off: nothing else is fetched.
# Skips everything when bin/ was built by this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/apt-private.sh"
mkdir -p "$here/.build"
exec 9> "$here/.build/lock"
flock 9
build="$here/.build"
stamp="$here/bin/.built-from"
codename="$(apt_private_codename)"
go_suite="$codename-backports"
go_packages=(golang-1.23-go golang-1.23-src)
src_suite=trixie
# quic-go and what `go list -deps` of interop/{client,server} needs beyond the
# standard library (qpack: Debian's package name is still marten-seemann's).
src_packages=(golang-github-lucas-clemente-quic-go-dev golang-github-marten-seemann-qpack-dev
  golang-github-francoispqt-gojay-dev golang-golang-x-crypto-dev golang-golang-x-exp-dev
  golang-golang-x-net-dev golang-golang-x-sync-dev golang-golang-x-sys-dev golang-golang-x-text-dev)
pkg=github.com/quic-go/quic-go/interop

want="$(cat "$0" "$here/../lib/apt-private.sh" | sha256sum | cut -c1-16)"
if [[ -x "$here/bin/server" && -x "$here/bin/client" && -f "$stamp" && "$(cut -d' ' -f2 "$stamp")" == "$want" ]]; then
  echo "quic-go: up to date ($(cut -d' ' -f1 "$stamp"))"
  exit 0
fi
command -v dpkg-deb > /dev/null || { echo "quic-go: dpkg-deb missing" >&2; exit 1; }
apt_private_init "$build/apt" "$go_suite" "$src_suite"
specs=()
for p in "${go_packages[@]}"; do specs+=("$p/$go_suite"); done
for p in "${src_packages[@]}"; do specs+=("$p/$src_suite"); done
apt_private_fetch_root "$build/debs" "$build/root" "${specs[@]}"
rm -rf "$build/apt/state/lists"  # the indexes are only needed for these downloads
version="$(dpkg-deb -f "$build"/debs/golang-github-lucas-clemente-quic-go-dev_*.deb Version)"

goroot="$build/root/usr/lib/go-1.23"
export GOROOT="$goroot" PATH="$goroot/bin:$PATH" GOPATH="$build/root/usr/share/gocode"
export GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-trimpath GOCACHE="$build/gocache"
mkdir -p "$build/bin.new"
for role in server client; do
  go build -o "$build/bin.new/$role" "$pkg/$role"
done
rm -rf "$build/bin.old"
if [[ -d "$here/bin" ]]; then mv "$here/bin" "$build/bin.old"; fi
mv "$build/bin.new" "$here/bin"  # running endpoints keep their old inodes
rm -rf "$build/bin.old"
echo "quic-go ${version%-*} (Debian $version, upstream's interop programs), $(go version | cut -d' ' -f3)" > "$here/bin/VERSION"
echo "$version $want" > "$stamp"
echo "quic-go: built $version with $(go version | cut -d' ' -f3)"

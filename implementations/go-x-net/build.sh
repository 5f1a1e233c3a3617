#!/bin/bash
# Builds qir's go-x-net endpoint (the *.go files here, on golang.org/x/net/quic)
# into bin/qir-go-x-net, offline, from Debian packages that hold sources,
# without installing anything into the system:
# - golang.org/x/net 0.27 and what its quic package imports (x/crypto, x/sys),
#   as trixie's architecture-all golang-*-dev packages (Go sources under
#   /usr/share/gocode);
# - Go 1.23 from bookworm-backports (golang-1.23-go, golang-1.23-src).
# They are downloaded with a private apt state whose entries are derived from
# this machine's own apt sources (implementations/lib/apt-private.sh; /etc/apt
# is never touched), unpacked into .build/root, and the program is built in
# GOPATH mode over that tree alone, with GOPROXY=off: nothing else is fetched.
# Skips everything when bin/ was built from the same sources and script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/apt-private.sh"
mkdir -p "$here/.build"
# One build at a time: qir and build-all may start this script concurrently.
exec 9> "$here/.build/lock"
flock 9
build="$here/.build"
stamp="$here/bin/.built-from"
codename="$(apt_private_codename)"
go_suite="$codename-backports"
go_packages=(golang-1.23-go golang-1.23-src)
src_suite=trixie
# x/net and what `go list -deps` of this program needs beyond the standard library.
src_packages=(golang-golang-x-net-dev golang-golang-x-crypto-dev golang-golang-x-sys-dev)

sources="$(cd "$here" && cat build.sh ../lib/apt-private.sh ./*.go | sha256sum | cut -c1-16)"
if [[ -x "$here/bin/qir-go-x-net" && -f "$stamp" && "$(cut -d' ' -f2 "$stamp")" == "$sources" ]]; then
  echo "go-x-net: up to date ($(cut -d' ' -f1 "$stamp"))"
  exit 0
fi
command -v dpkg-deb > /dev/null || { echo "go-x-net: dpkg-deb missing" >&2; exit 1; }

# The packages are fetched again only when this script or the apt state changes.
fetch_key="$(cat "$0" "$here/../lib/apt-private.sh" | sha256sum | cut -c1-16)"
if [[ ! -f "$build/fetched" || "$(cat "$build/fetched")" != "$fetch_key" ]]; then
  apt_private_init "$build/apt" "$go_suite" "$src_suite"
  specs=()
  for p in "${go_packages[@]}"; do specs+=("$p/$go_suite"); done
  for p in "${src_packages[@]}"; do specs+=("$p/$src_suite"); done
  apt_private_fetch_root "$build/debs" "$build/root" "${specs[@]}"
  rm -rf "$build/apt/state/lists"  # the indexes are only needed for these downloads
  echo "$fetch_key" > "$build/fetched"
fi
version="$(dpkg-deb -f "$build"/debs/golang-golang-x-net-dev_*.deb Version)"

goroot="$build/root/usr/lib/go-1.23"
export GOROOT="$goroot" PATH="$goroot/bin:$PATH" GOPATH="$build/root/usr/share/gocode"
export GO111MODULE=off GOPROXY=off GOTOOLCHAIN=local GOFLAGS=-trimpath GOCACHE="$build/gocache"
mkdir -p "$here/bin"
(cd "$here" && go vet . && go build -o "$here/bin/qir-go-x-net.new" .)
mv "$here/bin/qir-go-x-net.new" "$here/bin/qir-go-x-net"  # running endpoints keep their old inode
x_version="${version#*:}"
echo "golang.org/x/net ${x_version%-*} (Debian $version), $(go version | cut -d' ' -f3)" > "$here/bin/VERSION"
echo "$version $sources" > "$stamp"
echo "go-x-net: built golang.org/x/net $version with $(go version | cut -d' ' -f3)"

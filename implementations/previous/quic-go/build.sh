#!/bin/bash
# Builds quic-go's own interop client and server (upstream's interop/ folder,
# shipped by Debian's golang-github-lucas-clemente-quic-go-dev) offline into
# bin/. Skips the build when bin/ is newer than the package's sources.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
src=/usr/share/gocode/src/github.com/lucas-clemente/quic-go
pkg=github.com/lucas-clemente/quic-go/interop
if [[ ! -d "$src/interop" ]]; then
  echo "quic-go: $src/interop missing; run scripts/install-deps" >&2
  exit 1
fi
stamp="$here/bin/.built-from"
version="$(dpkg-query -W -f='${Version}' golang-github-lucas-clemente-quic-go-dev 2>/dev/null || echo unknown)"
if [[ -x "$here/bin/server" && -x "$here/bin/client" && -f "$here/bin/VERSION" && -f "$stamp" &&
  "$(cat "$stamp")" == "$version" ]]; then
  echo "quic-go: up to date ($version)"
  exit 0
fi
mkdir -p "$here/bin" "$here/.build/gocache"
# GOPATH mode over Debian's Go sources: no module download, nothing fetched.
export GOPATH=/usr/share/gocode GO111MODULE=off GOPROXY=off GOCACHE="$here/.build/gocache"
for role in server client; do
  go build -o "$here/bin/$role" "$pkg/$role"
done
echo "quic-go ${version%-*} (Debian $version, upstream's interop programs), $(go version | cut -d' ' -f3)" > "$here/bin/VERSION"
echo "$version" > "$stamp"
echo "quic-go: built $version"

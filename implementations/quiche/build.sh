#!/bin/bash
# Installs @matrixai/quic (Cloudflare quiche 0.18, prebuilt native module for
# linux-x64 inside the package) with npm into bin/node_modules for
# endpoint.mjs. npm's cache lives in .build/. Skips the install when bin/ was
# made from the same package.json, node and npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# One build at a time: qir and build-all may start this script concurrently.
mkdir -p "$here/.build"
exec 9> "$here/.build/lock"
flock 9
stamp="$here/bin/.built-from"
for tool in node npm; do
  if ! command -v "$tool" > /dev/null; then
    echo "quiche: $tool missing; run scripts/install-deps" >&2
    exit 1
  fi
done
want="node $(node --version) npm $(npm --version) $(cat "$here/build.sh" "$here/package.json" | sha256sum | cut -c1-16)"
if [[ -f "$here/bin/node_modules/@matrixai/quic/package.json" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "quiche: up to date"
  exit 0
fi
rm -rf "$here/bin" && mkdir -p "$here/bin" "$here/.build/npm-cache"
cp "$here/package.json" "$here/bin/package.json"
npm install --prefix "$here/bin" --cache "$here/.build/npm-cache" --omit=dev --no-audit --no-fund \
  --no-package-lock --loglevel=error > "$here/.build/npm.log" 2>&1 || { cat "$here/.build/npm.log" >&2; exit 1; }
# The endpoint loads the native module directly; make sure it loads here.
(cd "$here/bin" && node --input-type=module -e \
  "const q = (await import('@matrixai/quic/native/quiche.js')).default; if (q.PROTOCOL_VERSION !== 1) process.exit(1);")
quic_dir="$here/bin/node_modules/@matrixai/quic"
quiche_version="$(awk '$0 == "name = \"quiche\"" {getline; gsub(/[^0-9.]/, ""); print; exit}' "$quic_dir/Cargo.lock")"
echo "quiche ${quiche_version:-?} through @matrixai/quic $(node -p "require('$quic_dir/package.json').version"), node $(node --version)" > "$here/bin/VERSION"
echo "$want" > "$stamp"
echo "quiche: installed @matrixai/quic $(node -p "require('$here/bin/node_modules/@matrixai/quic/package.json').version") for node $(node --version)"

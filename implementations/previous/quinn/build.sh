#!/bin/bash
# Builds qir's previous quinn endpoint (src/, quinn 0.9 / rustls 0.20, the release
# Debian 12 ships; implementations/previous.json) into bin/qir-quinn
# with Debian's own cargo and rustc, offline, from the crates Debian installs
# under /usr/share/cargo/registry (.cargo/config.toml). A rustup toolchain on
# PATH is deliberately not used: a fresh Debian 12 has only the apt packages.
# Skips the build when bin/ was built from the same sources and packages.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# One build at a time: qir and build-all may start this script concurrently.
mkdir -p "$here/.build"
exec 9> "$here/.build/lock"
flock 9
stamp="$here/bin/.built-from"
for tool in /usr/bin/cargo /usr/bin/rustc; do
  if [[ ! -x "$tool" ]]; then
    echo "quinn: $tool missing; run scripts/install-deps" >&2
    exit 1
  fi
done
if [[ ! -d /usr/share/cargo/registry/quinn-0.9.3 && -z "$(ls -d /usr/share/cargo/registry/quinn-0.9.* 2>/dev/null)" ]]; then
  echo "quinn: Debian's quinn 0.9 crates missing; run scripts/install-deps" >&2
  exit 1
fi
packages="$(dpkg-query -W -f='${Package}=${Version} ' cargo rustc librust-quinn-dev librust-tokio-dev librust-rustls-dev librust-rustls-pemfile-dev 2>/dev/null || true)"
sources="$(cd "$here" && cat build.sh Cargo.toml .cargo/config.toml src/*.rs | sha256sum | cut -c1-16)"
want="$packages$sources"
if [[ -x "$here/bin/qir-quinn" && -f "$here/bin/VERSION" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "quinn: up to date"
  exit 0
fi
mkdir -p "$here/bin" "$here/.build/cargo-home"
# Debian's toolchain only; CARGO_HOME keeps cargo away from any ~/.cargo config.
export PATH=/usr/bin:/bin RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc CARGO_HOME="$here/.build/cargo-home"
cd "$here"
/usr/bin/cargo build --release --quiet --target-dir "$here/.build/target"
cp "$here/.build/target/release/qir-quinn" "$here/bin/qir-quinn.new"
strip "$here/bin/qir-quinn.new"
mv "$here/bin/qir-quinn.new" "$here/bin/qir-quinn"
echo "quinn $(dpkg-query -W -f='${Version}' librust-quinn-dev | sed -E 's/-[^-]*$//; s/\+.*$//'), rustls $(dpkg-query -W -f='${Version}' librust-rustls-dev | sed -E 's/-[^-]*$//; s/\+.*$//'), $(/usr/bin/rustc --version | cut -d' ' -f1-2)" > "$here/bin/VERSION"
echo "$want" > "$stamp"
echo "quinn: built with $(/usr/bin/cargo --version) / $(/usr/bin/rustc --version)"

#!/bin/bash
# Builds qir's quinn endpoint (src/, quinn 0.11 / rustls 0.23) into
# bin/qir-quinn, offline, from Debian packages, without installing anything
# into the system:
# - the crates: trixie's librust-*-dev packages (crate sources, whatever their
#   architecture says) for quinn 0.11, rustls 0.23, tokio, rustls-pemfile,
#   socket2, h3 0.0.6 and h3-quinn 0.0.7 (HTTP/3) and everything they depend
#   on, unpacked into .build/root; their /usr/share/cargo/registry is the
#   only crate source cargo sees (.cargo/config.toml);
# - the toolchain: Debian 12's rustc-web/cargo-web (Rust 1.85, built for
#   bookworm; Debian 12's own rustc 1.63 is older than the crates' MSRV,
#   quinn 0.11 and rustls 0.23 need 1.71), unpacked into .build/toolchain with
#   the LLVM library it links (libllvm19).
# Both are downloaded with a private apt state whose entries are derived from
# this machine's own apt sources (implementations/lib/apt-private.sh; /etc/apt
# is never touched). A rustup toolchain on PATH is deliberately not used.
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
crate_suite=trixie
crates=(librust-h3-dev librust-h3-quinn-dev librust-quinn-dev librust-rustls-dev librust-rustls-pemfile-dev librust-socket2-dev librust-tokio-dev)
# Rust 1.85 as Debian 12 ships it for its browsers (bookworm main).
toolchain_suite="$codename"
toolchain=(rustc-web cargo-web libstd-rust-web-1.85 libstd-rust-web-dev libllvm19)

sources="$(cd "$here" && cat build.sh ../lib/apt-private.sh Cargo.toml .cargo/config.toml src/*.rs | sha256sum | cut -c1-16)"
if [[ -x "$here/bin/qir-quinn" && -f "$stamp" && "$(cut -d' ' -f2 "$stamp")" == "$sources" ]]; then
  echo "quinn: up to date ($(cut -d' ' -f1 "$stamp"))"
  exit 0
fi
command -v dpkg-deb > /dev/null || { echo "quinn: dpkg-deb missing" >&2; exit 1; }
command -v cc > /dev/null || { echo "quinn: no C compiler (ring builds C); run scripts/install-deps" >&2; exit 1; }

# The packages are fetched again only when this script or the apt state changes.
fetch_key="$(cat "$0" "$here/../lib/apt-private.sh" | sha256sum | cut -c1-16)"
if [[ ! -f "$build/fetched" || "$(cat "$build/fetched")" != "$fetch_key" ]]; then
  apt_private_init "$build/apt" "$toolchain_suite" "$crate_suite"
  # The crates' closure: what installing them would pull in from trixie, of
  # which only the crate packages (librust-*) are used.
  apt_private apt-get -s --no-install-recommends -t "$crate_suite" install \
    "${crates[@]/%//$crate_suite}" > "$build/resolve.log" 2>&1 || { cat "$build/resolve.log" >&2; exit 1; }
  mapfile -t specs < <(sed -nE 's/^Inst (librust-[^ ]+) \(([^ ]+) .*/\1=\2/p' "$build/resolve.log")
  ((${#specs[@]} > 0)) || { echo "quinn: no crates resolved" >&2; cat "$build/resolve.log" >&2; exit 1; }
  tool_specs=()
  for p in "${toolchain[@]}"; do tool_specs+=("$p/$toolchain_suite"); done
  apt_private_fetch_root "$build/toolchain-debs" "$build/toolchain" "${tool_specs[@]}"
  apt_private_fetch_root "$build/debs" "$build/root" "${specs[@]}"
  rm -rf "$build/apt/state/lists"  # the indexes are only needed for these downloads
  echo "$fetch_key" > "$build/fetched"
fi
version="$(dpkg-deb -f "$build"/debs/librust-quinn-dev_*.deb Version)"

tc="$build/toolchain/usr"
rustc="$tc/bin/rustc"
cargo="$tc/bin/cargo"
[[ -x "$rustc" && -x "$cargo" ]] || { echo "quinn: no rustc/cargo in $tc" >&2; exit 1; }
mkdir -p "$here/bin" "$build/cargo-home"
# This toolchain only; CARGO_HOME keeps cargo away from any ~/.cargo config.
export PATH=/usr/bin:/bin RUSTC="$rustc" CARGO_HOME="$build/cargo-home"
export LD_LIBRARY_PATH="$tc/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
unset RUSTFLAGS RUSTUP_TOOLCHAIN
cd "$here"
rm -f Cargo.lock  # resolved afresh from the unpacked crates
"$cargo" build --release --quiet --target-dir "$build/target"
cp "$build/target/release/qir-quinn" "$here/bin/qir-quinn.new"
strip "$here/bin/qir-quinn.new"
mv "$here/bin/qir-quinn.new" "$here/bin/qir-quinn"  # running endpoints keep their old inode
crate_version() { dpkg-deb -f "$build"/debs/"$1"_*.deb Version | sed -E 's/-[^-]*$//; s/\+.*$//'; }
echo "quinn $(crate_version librust-quinn-dev), quinn-proto $(crate_version librust-quinn-proto-dev), rustls $(crate_version librust-rustls-dev), $("$rustc" --version | cut -d' ' -f1-2)" > "$here/bin/VERSION"
echo "$version $sources" > "$stamp"
echo "quinn: built quinn $version with $("$rustc" --version)"

#!/bin/bash
# Builds ngtcp2's hq-interop examples (h09client, h09server) into bin/ from
# Debian's ngtcp2 source package — the same version as the installed
# libngtcp2-dev — with our own patches/*.patch, linked against Debian's
# libngtcp2, libngtcp2_crypto_gnutls, libnghttp3, GnuTLS and libev. HTTP/3 uses
# Debian's gtlsclient/gtlsserver as they are. The deb-src entries are derived
# from this machine's own apt sources and used with a private apt state under
# .build/apt, so /etc/apt is never touched. Skips everything when bin/ was
# built from the same package version, patches and script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# One build at a time: qir and build-all may start this script concurrently.
mkdir -p "$here/.build"
exec 9> "$here/.build/lock"
flock 9
build="$here/.build"
stamp="$here/bin/.built-from"

need_tools() {
  local missing=()
  [[ -x /usr/bin/gtlsclient ]] || missing+=(ngtcp2-client)
  [[ -x /usr/sbin/gtlsserver ]] || missing+=(ngtcp2-server)
  pkg-config --exists libngtcp2 libngtcp2_crypto_gnutls libnghttp3 gnutls || missing+=(-dev libraries)
  [[ -f /usr/include/ev.h ]] || missing+=(libev-dev)
  command -v dpkg-source > /dev/null || missing+=(dpkg-dev)
  if ((${#missing[@]})); then
    echo "ngtcp2: missing ${missing[*]}; run scripts/install-deps" >&2
    exit 1
  fi
}

# Writes deb-src versions of the machine's apt sources into $1 (a private
# Dir::Etc): deb822 .sources files and one-line sources.list entries alike.
derive_sources() {
  local etc="$1" f
  mkdir -p "$etc/sources.list.d"
  : > "$etc/sources.list"
  for f in /etc/apt/sources.list.d/*.sources; do
    if [[ -f "$f" ]]; then sed -E 's/^Types:.*/Types: deb-src/' "$f" > "$etc/sources.list.d/${f##*/}"; fi
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    if [[ -f "$f" ]]; then sed -nE 's/^[[:space:]]*deb([[:space:]])/deb-src\1/p' "$f" >> "$etc/sources.list"; fi
  done
}

# Downloads the source package of version $1 into .build/src (once). When the
# index no longer has that exact version (a newer point release replaced it),
# the index's current one is taken: the examples use only the public API.
fetch_source() {
  local version="$1" apt="$build/apt"
  [[ -f "$build/src/.requested" && "$(cat "$build/src/.requested")" == "$version" ]] && return 0
  rm -rf "$apt" "$build/src"
  mkdir -p "$apt/state/lists/partial" "$apt/cache/archives/partial" "$build/src"
  derive_sources "$apt/etc"
  local opts=(-q -o "Dir::State=$apt/state" -o "Dir::Cache=$apt/cache"
    -o "Dir::Etc::SourceList=$apt/etc/sources.list"
    -o "Dir::Etc::SourceParts=$apt/etc/sources.list.d" -o APT::Sandbox::User=root)
  apt-get "${opts[@]}" update > "$build/apt.log" 2>&1 || { cat "$build/apt.log" >&2; exit 1; }
  if ! (cd "$build/src" && apt-get "${opts[@]}" source --download-only "ngtcp2=$version") >> "$build/apt.log" 2>&1; then
    echo "ngtcp2: source $version not in the index; taking the index's current ngtcp2 source" >&2
    (cd "$build/src" && apt-get "${opts[@]}" source --download-only ngtcp2) \
      >> "$build/apt.log" 2>&1 || { cat "$build/apt.log" >&2; exit 1; }
  fi
  rm -rf "$apt/state/lists"  # the indexes are only needed for this one download
  echo "$version" > "$build/src/.requested"
  echo "ngtcp2: fetched $(basename "$build"/src/ngtcp2_*.dsc .dsc)"
}

# Unpacks a fresh tree into .build/tree and applies patches/*.patch. apt-get source
# already verified the files against the signed index, hence --no-check.
prepare_tree() {
  local p dsc=("$build"/src/ngtcp2_*.dsc)
  rm -rf "$build/tree"
  dpkg-source -q --no-check -x "${dsc[0]}" "$build/tree" > /dev/null
  for p in "$here"/patches/*.patch; do
    patch -s -p1 -d "$build/tree" < "$p"
  done
}

# Compiles the example sources that h09client and h09server need and links them.
compile() {
  local ex="$build/tree/examples" obj="$build/obj"
  rm -rf "$obj" && mkdir -p "$obj" "$here/bin"
  local common=(debug util shared util_gnutls tls_session_base_gnutls)
  local client=(h09client client_base tls_client_context_gnutls tls_client_session_gnutls)
  local server=(h09server server_base http tls_server_context_gnutls tls_server_session_gnutls)
  local cxxflags=(-std=c++20 -O2 -g0 -DWITH_EXAMPLE_GNUTLS -DENABLE_EXAMPLE_GNUTLS -DHAVE_ARPA_INET_H
    -DHAVE_ASM_TYPES_H -DHAVE_LINUX_NETLINK_H -DHAVE_LINUX_RTNETLINK_H -DHAVE_NETINET_IN_H -DHAVE_SYS_SOCKET_H
    -I"$build/tree/third-party" $(pkg-config --cflags libngtcp2 libngtcp2_crypto_gnutls libnghttp3 gnutls))
  gcc -O2 -c "$build/tree/third-party/http-parser/http_parser.c" -o "$obj/http_parser.o"
  printf '%s\n' "${common[@]}" "${client[@]}" "${server[@]}" |
    xargs -P "$(nproc)" -I{} g++ "${cxxflags[@]}" -c "$ex/{}.cc" -o "$obj/{}.o"
  local libs=($(pkg-config --libs libngtcp2 libngtcp2_crypto_gnutls libnghttp3 gnutls) -lev)
  local c=() s=() n
  for n in "${common[@]}" "${client[@]}"; do c+=("$obj/$n.o"); done
  for n in "${common[@]}" "${server[@]}"; do s+=("$obj/$n.o"); done
  g++ -o "$obj/h09client" "${c[@]}" "$obj/http_parser.o" "${libs[@]}"
  g++ -o "$obj/h09server" "${s[@]}" "$obj/http_parser.o" "${libs[@]}"
  mv "$obj/h09client" "$obj/h09server" "$here/bin/"  # running endpoints keep their old inode
}

need_tools
version="$(dpkg-query -W -f='${Version}' libngtcp2-dev)"
want="$version $(cat "$0" "$here"/patches/*.patch | sha256sum | cut -c1-16)"
if [[ -x "$here/bin/h09client" && -x "$here/bin/h09server" && -f "$here/bin/VERSION" && -f "$stamp" &&
  "$(cat "$stamp")" == "$want" ]]; then
  echo "ngtcp2: up to date ($version)"
  exit 0
fi
mkdir -p "$build"
fetch_source "$version"
prepare_tree
compile
echo "ngtcp2 ${version%%-*} (Debian $version), GnuTLS $(pkg-config --modversion gnutls)" > "$here/bin/VERSION"
echo "$want" > "$stamp"
echo "ngtcp2: built h09client/h09server from $version with $(ls "$here"/patches/*.patch | wc -l) patches"

#!/bin/bash
# Builds ngtcp2 1.11 for qir from Debian's bookworm-backports, leaving the
# system's own ngtcp2 (0.12, implementations/previous/ngtcp2) alone:
# - the backports' libngtcp2, libngtcp2_crypto_gnutls and libnghttp3 (-dev and
#   library packages) and its ngtcp2-client/-server (gtlsclient/gtlsserver,
#   HTTP/3) are downloaded and unpacked into .build/root; the shared libraries
#   are copied to bin/lib, which run_endpoint.sh puts on LD_LIBRARY_PATH;
# - upstream's hq-interop examples h09client/h09server are compiled from the
#   backports' upstream source (ngtcp2_<version>.orig.tar.xz, checked against
#   the signed Sources index) with patches/*.patch, against those headers and
#   libraries and the system's GnuTLS and libev; their rpath is $ORIGIN/lib.
# The apt entries come from this machine's own apt sources with the suite
# replaced (implementations/lib/apt-private.sh); /etc/apt is never touched.
# Skips everything when bin/ was built by this script with these patches.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
source "$here/../lib/apt-private.sh"
# One build at a time: qir and build-all may start this script concurrently.
mkdir -p "$here/.build"
exec 9> "$here/.build/lock"
flock 9
build="$here/.build"
stamp="$here/bin/.built-from"
suite="$(apt_private_codename)-backports"
# The backports packages used, all at the version of the source package.
packages=(libngtcp2-16 libngtcp2-dev libngtcp2-crypto-gnutls8 libngtcp2-crypto-gnutls-dev
  ngtcp2-client ngtcp2-server)
http3_packages=(libnghttp3-9 libnghttp3-dev)

need_tools() {
  local missing=()
  pkg-config --exists gnutls || missing+=(libgnutls28-dev)
  [[ -f /usr/include/ev.h ]] || missing+=(libev-dev)
  command -v dpkg-deb > /dev/null || missing+=(dpkg)
  if ((${#missing[@]})); then
    echo "ngtcp2: missing ${missing[*]}; run scripts/install-deps" >&2
    exit 1
  fi
}

# The version of package $1 in $suite's index.
index_version() {
  apt_private apt-cache show "$1/$suite" 2> /dev/null | sed -n 's/^Version: //p' | head -1
}

# Downloads the upstream tarball of source package ngtcp2 into .build/src and
# checks it against the Sources index. (The mirror may lack the .dsc, so
# apt-get source can fail after fetching the tarball; the hash check decides.)
fetch_source() {
  local tarball sha
  rm -rf "$build/src" && mkdir -p "$build/src"
  (cd "$build/src" && apt_private apt-get source --download-only "ngtcp2/$suite") > "$build/src.log" 2>&1 || true
  tarball="$(cd "$build/src" && ls ngtcp2_*.orig.tar.* 2> /dev/null | grep -v '\.asc$' | head -1)"
  [[ -n "$tarball" ]] || { cat "$build/src.log" >&2; echo "ngtcp2: no source tarball in $suite" >&2; exit 1; }
  # The private state has $suite alone, so showsrc lists its ngtcp2 only.
  sha="$(apt_private apt-cache showsrc ngtcp2 | awk '/^Checksums-Sha256:/{c=1; next} /^[^ ]/{c=0} c' |
    awk -v f="$tarball" '$3 == f {print $1}' | head -1)"
  echo "$sha  $build/src/$tarball" | sha256sum -c --quiet - ||
    { echo "ngtcp2: $tarball does not match the index" >&2; exit 1; }
  rm -rf "$build/tree" && mkdir -p "$build/tree"
  tar -xf "$build/src/$tarball" -C "$build/tree" --strip-components=1
  local p
  for p in "$here"/patches/*.patch; do
    patch -s -p1 -d "$build/tree" < "$p"
  done
}

# Downloads and unpacks the binary packages into .build/root.
fetch_binaries() {
  local version="$1" h3version="$2" specs=() p
  for p in "${packages[@]}"; do specs+=("$p=$version"); done
  for p in "${http3_packages[@]}"; do specs+=("$p=$h3version"); done
  apt_private_fetch_root "$build/debs" "$build/root" "${specs[@]}"
}

# Compiles the example sources that h09client and h09server need and links
# them against the unpacked libraries.
compile() {
  local ex="$build/tree/examples" obj="$build/obj" root="$build/root"
  local libdir="$root/usr/lib/$(gcc -print-multiarch)"
  rm -rf "$obj" && mkdir -p "$obj"
  local common=(debug util shared util_gnutls tls_session_base_gnutls)
  local client=(h09client client_base tls_client_context_gnutls tls_client_session_gnutls)
  local server=(h09server server_base http siphash tls_server_context_gnutls tls_server_session_gnutls)
  # The unpacked headers come before /usr/include, which has the system's 0.12 ones.
  local cxxflags=(-std=c++20 -O2 -g0 -DWITH_EXAMPLE_GNUTLS -DENABLE_EXAMPLE_GNUTLS -DHAVE_ARPA_INET_H
    -DHAVE_ASM_TYPES_H -DHAVE_LINUX_NETLINK_H -DHAVE_LINUX_RTNETLINK_H -DHAVE_NETINET_IN_H -DHAVE_SYS_SOCKET_H
    -DHAVE_NETINET_IP_H -DHAVE_NETINET_UDP_H -DHAVE_UNISTD_H -DHAVE_ENDIAN_H -DHAVE_EXPLICIT_BZERO -DHAVE_BYTESWAP_H -DHAVE_DECL_BE64TOH=1 -DHAVE_DECL_BSWAP_64=1
    -I"$root/usr/include" -I"$build/tree/third-party" -I"$build/tree/third-party/urlparse"
    $(pkg-config --cflags gnutls))
  gcc -O2 -c "$build/tree/third-party/http-parser/http_parser.c" -o "$obj/http_parser.o"
  gcc -O2 -c "$build/tree/third-party/urlparse/urlparse.c" -o "$obj/urlparse.o"
  printf '%s\n' "${common[@]}" "${client[@]}" "${server[@]}" |
    xargs -P "$(nproc)" -I{} g++ "${cxxflags[@]}" -c "$ex/{}.cc" -o "$obj/{}.o"
  local libs=(-L"$libdir" -lngtcp2_crypto_gnutls -lngtcp2 -lnghttp3 $(pkg-config --libs gnutls) -lev
    -Wl,-rpath,'$ORIGIN/lib')
  local c=() s=() n
  for n in "${common[@]}" "${client[@]}"; do c+=("$obj/$n.o"); done
  for n in "${common[@]}" "${server[@]}"; do s+=("$obj/$n.o"); done
  g++ -o "$obj/h09client" "${c[@]}" "$obj/http_parser.o" "$obj/urlparse.o" "${libs[@]}"
  g++ -o "$obj/h09server" "${s[@]}" "$obj/http_parser.o" "$obj/urlparse.o" "${libs[@]}"
}

# Puts the programs and the shared libraries they need into bin/ (by rename,
# so that running endpoints keep their old inodes).
install_bin() {
  local root="$build/root" libdir="$build/root/usr/lib/$(gcc -print-multiarch)"
  rm -rf "$build/bin.new" && mkdir -p "$build/bin.new/lib"
  cp "$build/obj/h09client" "$build/obj/h09server" "$root/usr/bin/gtlsclient" "$root/usr/sbin/gtlsserver" \
    "$build/bin.new/"
  cp -a "$libdir"/libngtcp2.so.* "$libdir"/libngtcp2_crypto_gnutls.so.* "$libdir"/libnghttp3.so.* \
    "$build/bin.new/lib/"
  rm -rf "$here/bin.old"
  if [[ -d "$here/bin" ]]; then mv "$here/bin" "$build/bin.old"; fi
  mv "$build/bin.new" "$here/bin"
  rm -rf "$build/bin.old"
}

need_tools
want="$(cat "$0" "$here/../lib/apt-private.sh" "$here"/patches/*.patch | sha256sum | cut -c1-16)"
if [[ -x "$here/bin/h09client" && -x "$here/bin/h09server" && -f "$stamp" &&
  "$(cut -d' ' -f2 "$stamp")" == "$want" ]]; then
  echo "ngtcp2: up to date ($(cut -d' ' -f1 "$stamp"))"
  exit 0
fi
apt_private_init "$build/apt" "$suite"
version="$(index_version libngtcp2-dev)"
h3version="$(index_version libnghttp3-dev)"
[[ -n "$version" && -n "$h3version" ]] || { echo "ngtcp2: libngtcp2-dev/libnghttp3-dev not in $suite" >&2; exit 1; }
fetch_source
fetch_binaries "$version" "$h3version"
compile
install_bin
rm -rf "$build/apt/state/lists"  # the indexes are only needed for these downloads
echo "ngtcp2 ${version%%-*} (Debian $version), nghttp3 ${h3version%%-*}, GnuTLS $(pkg-config --modversion gnutls)" > "$here/bin/VERSION"
echo "$version $want" > "$stamp"
echo "ngtcp2: built h09client/h09server from $version (nghttp3 $h3version) with $(ls "$here"/patches/*.patch | wc -l) patch(es)"

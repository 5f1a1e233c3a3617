#!/bin/bash
# ngtcp2 1.11 behind qir's endpoint contract (this folder is /impl). HTTP/0.9
# test cases use upstream's h09client/h09server, HTTP/3 Debian's (backports)
# gtlsclient/gtlsserver, all in bin/ with their libraries in bin/lib (built
# by build.sh). Mapping after upstream's interop script: retry → server -V;
# resumption/zerortt → client fetches the first URL on one connection, waits
# for the ticket, then the rest on a resumed (0-RTT) one via session and
# transport-parameter files; keyupdate → client updates keys early; chacha20
# → a GnuTLS priority with CHACHA20-POLY1305 alone; multiconnect → one
# connection per URL; v2 → the client starts in v1 and offers v2 (compatible
# version negotiation), the server prefers v2; connectionmigration → the
# server offers a preferred address (server4/server6, port 4433) and the
# client moves there; versionnegotiation → the client starts with a reserved
# version and takes v1 from the Version Negotiation; ecn and rebind-* as
# transfer. Anything unknown exits 127. A client is
# only successful when every requested file exists.
# Debug output is off (-q: it costs several lines per packet); qlog has it all.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
: "${QLOGDIR:=/logs/qlog}"
export LD_LIBRARY_PATH="$here/bin/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
chacha20='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305'

case "${TESTCASE:-}" in
  handshake|transfer|retry|resumption|zerortt|keyupdate|chacha20|multiconnect|ecn|http3|v2) ;;
  # The client side of connectionmigration is "transfer": a client follows a
  # preferred address by itself.
  connectionmigration) [[ "${ROLE:-}" == server ]] || { echo "ngtcp2: unsupported TESTCASE '$TESTCASE' for a client" >&2; exit 127; } ;;
  rebind-port|rebind-addr) ;;
  # A server answers an unknown version by itself; the client starts with a
  # reserved version and, after the server's Version Negotiation, goes on in v1.
  versionnegotiation) ;;
  *) echo "ngtcp2: unsupported TESTCASE '${TESTCASE:-}'" >&2; exit 127 ;;
esac
mkdir -p "$QLOGDIR"
common=(-q --qlog-dir "$QLOGDIR" --cc bbr --initial-rtt 100ms)
[[ "$TESTCASE" == ecn ]] && common+=(--no-pmtud)
[[ "$TESTCASE" == chacha20 ]] && common+=("--ciphers=$chacha20")

run_server() {
  local bin="$here/bin/h09server" args=("${common[@]}" -d /www)
  [[ "$TESTCASE" == http3 ]] && bin="$here/bin/gtlsserver"
  case "$TESTCASE" in
    retry) args+=(-V) ;;
    v2) args+=(--preferred-versions v2) ;;
    connectionmigration) args+=(--preferred-ipv4-addr=server4:4433 --preferred-ipv6-addr=server6:4433) ;;
    multiconnect) args+=(--timeout=180s --handshake-timeout=180s) ;;
  esac
  echo "ngtcp2 server: $bin ${args[*]}" >&2
  exec "$bin" '*' 443 /certs/priv.key /certs/cert.pem "${args[@]}"
}

# fetch URL...: one client connection downloading the URLs into /downloads.
fetch() {
  echo "ngtcp2 client: $bin $host $port ${args[*]} $*" >&2
  "$bin" "$host" "$port" "${args[@]}" "$@"
}

# Exit 1 unless every requested file was saved (gtlsclient exits 0 even when
# its handshake timed out).
check_downloads() {
  local url path missing=0
  for url in $REQUESTS; do
    path="${url#https://*/}"
    [[ "$path" == "$url" || -z "$path" ]] && continue
    if [[ ! -f "/downloads/$path" ]]; then
      echo "ngtcp2 client: /downloads/$path missing" >&2
      missing=1
    fi
  done
  return "$missing"
}

run_client() {
  local urls=($REQUESTS) rc=0
  ((${#urls[@]})) || { echo "ngtcp2 client: REQUESTS is empty" >&2; exit 1; }
  local authority="${urls[0]#https://}"
  authority="${authority%%/*}"
  if [[ "$authority" == \[* ]]; then  # [IPv6 literal]:port
    host="${authority#[}" && host="${host%%]*}" && port="${authority##*]}"
  else
    host="${authority%%:*}" && port="${authority#"$host"}"
  fi
  port="${port#:}" && port="${port:-443}"
  bin="$here/bin/h09client"
  [[ "$TESTCASE" == http3 ]] && bin="$here/bin/gtlsclient"
  args=("${common[@]}" --download /downloads --no-quic-dump --no-http-dump --exit-on-all-streams-close)
  args+=(-v 0x1)
  case "$TESTCASE" in
    keyupdate) args+=(--delay-stream=10ms --key-update=1ms) ;;
    v2) args+=(--available-versions v2,v1) ;;
    versionnegotiation) args+=(-v 0x1a2a3a4a --preferred-versions 0x1) ;;
    multiconnect) args+=(--timeout=180s --handshake-timeout=180s) ;;
    resumption|zerortt)
      args+=(--session-file /tmp/session.txt --tp-file /tmp/tp.txt --wait-for-ticket)
      # No PMTU probes: padded 1-RTT PINGs would count against the zerortt
      # test's limit on the client's 1-RTT bytes.
      [[ "$TESTCASE" == resumption ]] && args+=(--disable-early-data) || args+=(--no-pmtud) ;;
  esac
  case "$TESTCASE" in
    resumption|zerortt)
      fetch "${urls[0]}" || rc=1
      if ((${#urls[@]} > 1)); then fetch "${urls[@]:1}" || rc=1; fi ;;
    multiconnect)
      for url in "${urls[@]}"; do fetch "$url" || rc=1; done ;;
    *) fetch "${urls[@]}" || rc=1 ;;
  esac
  check_downloads || rc=1
  ((rc == 0)) || echo "ngtcp2 client: failed" >&2
  exit "$rc"
}

case "${ROLE:-}" in
  server) run_server ;;
  client) run_client ;;
  *) echo "ngtcp2: unknown ROLE '${ROLE:-}'" >&2; exit 1 ;;
esac

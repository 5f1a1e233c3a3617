#!/bin/sh
# quic-go behind qir's endpoint contract. Runs inside the cell's sandbox, where
# this folder is /impl. quic-go's interop binaries read TESTCASE, SSLKEYLOGFILE
# and QLOGDIR themselves (QLOGDIR is mandatory for them) and exit 127 for test
# cases they do not know; the client takes its URLs as arguments.
set -e
: "${QLOGDIR:=/logs/qlog}"
export QLOGDIR
mkdir -p "$QLOGDIR"
case "$ROLE" in
  server) exec /impl/bin/server ;;
  client)
    # shellcheck disable=SC2086 # REQUESTS is a space-separated list of URLs
    exec /impl/bin/client $REQUESTS ;;
  *) echo "unknown ROLE '$ROLE'" >&2; exit 1 ;;
esac

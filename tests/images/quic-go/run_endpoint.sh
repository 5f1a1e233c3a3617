#!/bin/bash
# qir test image: quic-go's interop entrypoint, run from the working directory
# /quic-go (the image's Entrypoint is the relative ./run_endpoint.sh). As in
# quic-go's own interop image: `set -e`, network set-up by /setup.sh, the client
# waits at most 10 s for the simulator's TCP port 57832 (and fails with 124
# without it), then the binaries run. They read TESTCASE, SSLKEYLOGFILE and
# QLOGDIR (mandatory for them) themselves, write their log to /logs/log.txt and
# exit 127 for test cases they do not know; the client takes $REQUESTS as argv.
set -e
/setup.sh
echo "quic-go $(cat version.txt 2> /dev/null || echo unknown) (qir test image)"
: "${QLOGDIR:=/logs/qlog}"
export QLOGDIR
mkdir -p "$QLOGDIR"

case "${ROLE:-}" in
  client)
    /wait-for-it.sh sim:57832 -s -t 10
    echo "Starting quic-go client: TESTCASE '${TESTCASE:-}', CLIENT_PARAMS '${CLIENT_PARAMS:-}'"
    # shellcheck disable=SC2086 # REQUESTS is a space-separated list of URLs
    ./client $CLIENT_PARAMS $REQUESTS
    ;;
  server)
    echo "Starting quic-go server: TESTCASE '${TESTCASE:-}', SERVER_PARAMS '${SERVER_PARAMS:-}'"
    # shellcheck disable=SC2086
    ./server $SERVER_PARAMS "$@"
    ;;
  *)
    echo "unknown ROLE '${ROLE:-}'" >&2
    exit 1
    ;;
esac

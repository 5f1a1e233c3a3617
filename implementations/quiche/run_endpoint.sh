#!/bin/sh
# quiche 0.18 (via @matrixai/quic's native bindings) behind qir's endpoint
# contract (this folder is /impl). endpoint.mjs reads ROLE, TESTCASE, REQUESTS
# and SSLKEYLOGFILE and exits 127 for test cases it does not implement. The
# bindings expose no qlog, so none is written.
exec node "$(dirname "$0")/endpoint.mjs"

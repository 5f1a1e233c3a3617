#!/bin/sh
# quinn 0.9 behind qir's endpoint contract (this folder is /impl). bin/qir-quinn
# (built from src/ by build.sh) reads ROLE, TESTCASE, REQUESTS and
# SSLKEYLOGFILE itself and exits 127 for test cases it does not implement.
# quinn 0.9 writes no qlog.
exec "$(dirname "$0")/bin/qir-quinn"

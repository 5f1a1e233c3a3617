#!/bin/sh
# golang.org/x/net/quic 0.27 behind qir's endpoint contract (this folder is
# /impl). bin/qir-go-x-net (built from *.go by build.sh) reads ROLE, TESTCASE,
# REQUESTS, SSLKEYLOGFILE and QLOGDIR itself and exits 127 for test cases the
# library cannot do (mode.go says why for each).
exec "$(dirname "$0")/bin/qir-go-x-net"

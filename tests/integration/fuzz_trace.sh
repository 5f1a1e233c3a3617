#!/usr/bin/env bash
# Builds the trace libFuzzer target (fuzz/trace_fuzzer.cc: capture -> datagram ->
# packets -> decryption -> frames -> TLS, and the key log parser) with clang,
# ASan and UBSan in its own build folder, then runs it for FUZZ_SECONDS (60) on
# the committed corpus fuzz/corpus/. Fails on any crash or sanitizer report.
# Usage: bash fuzz_trace.sh QIR_BINARY REPO_ROOT (the fuzz build goes beside the binary).
set -euo pipefail
root=${2:?usage: fuzz_trace.sh QIR_BINARY REPO_ROOT}
seconds=${FUZZ_SECONDS:-60}
cxx=$(command -v clang++-14 || command -v clang++ || true)
if [[ -z $cxx ]]; then echo "SKIP: clang++ not installed"; exit 0; fi
build=${FUZZ_BUILD_DIR:-$(dirname "$(readlink -f "$1")")/fuzz-build}
cmake -S "$root" -B "$build" -DQIR_FUZZ=ON -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build.cmake.log" 2>&1 ||
  { tail -20 "$build.cmake.log"; exit 1; }
cmake --build "$build" --target qir_trace_fuzzer -j"$(nproc)" >"$build.build.log" 2>&1 ||
  { tail -30 "$build.build.log"; exit 1; }
work=$(mktemp -d /tmp/qir-fuzz-run.XXXXXX)
trap 'rm -rf "$work"' EXIT
# New inputs go to $work/new; the committed corpus is only read.
mkdir -p "$work/new"
cd "$work"
if "$build/fuzz/qir_trace_fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -print_final_stats=1 "$work/new" "$root/fuzz/corpus" >"$work/fuzz.log" 2>&1; then
  grep -E "stat::number_of_executed_units|Done" "$work/fuzz.log" | tail -2
  echo "1 passed, 0 failed"
else
  tail -40 "$work/fuzz.log"
  ls "$work"/crash-* "$work"/leak-* "$work"/timeout-* 2>/dev/null || true
  echo "0 passed, 1 failed"
  exit 1
fi

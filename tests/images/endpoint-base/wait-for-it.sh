#!/bin/bash
# qir test image: waits until a TCP port accepts connections.
#   wait-for-it.sh HOST:PORT [-t SECONDS] [-s] [-q] [-- COMMAND ARGS...]
# Tries a TCP connect once a second (bash's /dev/tcp, each try bounded to 1 s).
# -t N: give up after N seconds with exit status 124 (N=0: wait forever;
# default 15). -s (strict): run COMMAND only when the port answered. Without a
# COMMAND the exit status is 0 (port open) or 124 (timed out).
host="" port="" timeout=15 strict=0 quiet=0 command=()

usage() { echo "usage: wait-for-it.sh HOST:PORT [-t SECONDS] [-s] [-q] [-- COMMAND ARGS...]" >&2; exit 2; }
say() { ((quiet)) || echo "wait-for-it.sh: $*" >&2; }

while (($#)); do
  case "$1" in
    *:*) host="${1%:*}"; port="${1##*:}" ;;
    -h) host="$2"; shift ;;
    --host=*) host="${1#*=}" ;;
    -p) port="$2"; shift ;;
    --port=*) port="${1#*=}" ;;
    -t) timeout="$2"; shift ;;
    --timeout=*) timeout="${1#*=}" ;;
    -s | --strict) strict=1 ;;
    -q | --quiet) quiet=1 ;;
    --) shift; command=("$@"); break ;;
    *) usage ;;
  esac
  shift
done
[[ -n "$host" && "$port" =~ ^[0-9]+$ && "$timeout" =~ ^[0-9]+$ ]] || usage

# One connection attempt, at most one second long.
try_connect() { timeout 1 bash -c "exec 3<>'/dev/tcp/$host/$port'" 2> /dev/null; }

status=124
start=$SECONDS
say "waiting ${timeout}s for $host:$port"
while :; do
  if try_connect; then
    say "$host:$port is available after $((SECONDS - start))s"
    status=0
    break
  fi
  if ((timeout > 0 && SECONDS - start >= timeout)); then
    say "timeout after ${timeout}s waiting for $host:$port"
    break
  fi
  sleep 1
done

if ((${#command[@]})); then
  if ((status != 0 && strict)); then
    say "strict mode, refusing to run ${command[*]}"
    exit "$status"
  fi
  exec "${command[@]}"
fi
exit "$status"

# Shared helpers for the integration tests (sourced; CMakeLists.txt skips this file).
fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "PASS: $*"; }
# json_result FILE TEST: the "result" of the first cell named TEST in a result.json.
json_result() {
  python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for pair in d["results"]:
    for c in pair:
        if c["name"] == sys.argv[2]: print(c["result"]); sys.exit(0)
print("absent")' "$1" "$2"
}

# sim_topology C S V: the runner's client — sim — server layout (198.18.0.0/15 and
# fd00:cafe:cafe::/48, veths "left"/"right" in V, "eth0" in C and S, segmentation offloads
# off) in three fresh namespaces, for tests and benchmarks that start `qir sim` themselves.
sim_topology() {
  local C=$1 S=$2 V=$3 ns pair
  for ns in "$C" "$S" "$V"; do
    ip netns add "$ns"
    ip netns exec "$ns" sh -c 'echo 0 > /proc/sys/net/ipv6/conf/all/accept_dad; echo 0 > /proc/sys/net/ipv6/conf/default/accept_dad'
    ip -n "$ns" link set lo up
  done
  ip link add name left netns "$V" type veth peer name eth0 netns "$C"
  ip link add name right netns "$V" type veth peer name eth0 netns "$S"
  ip -n "$C" addr add 198.18.0.100/24 dev eth0
  ip -n "$C" addr add fd00:cafe:cafe:0::100/64 dev eth0 nodad
  ip -n "$V" addr add 198.18.0.2/24 dev left
  ip -n "$V" addr add fd00:cafe:cafe:0::2/64 dev left nodad
  ip -n "$V" addr add 198.18.100.2/24 dev right
  ip -n "$V" addr add fd00:cafe:cafe:100::2/64 dev right nodad
  ip -n "$S" addr add 198.18.100.100/24 dev eth0
  ip -n "$S" addr add fd00:cafe:cafe:100::100/64 dev eth0 nodad
  for pair in "$C eth0" "$S eth0" "$V left" "$V right"; do
    set -- $pair
    ip -n "$1" link set "$2" up
    if command -v ethtool >/dev/null; then
      ip netns exec "$1" ethtool -K "$2" gso off tso off gro off tx-udp-segmentation off >/dev/null 2>&1 || true
    fi
  done
  ip -n "$C" route add 198.18.0.0/15 via 198.18.0.2
  ip -n "$C" -6 route add fd00:cafe:cafe::/48 via fd00:cafe:cafe:0::2
  ip -n "$S" route add 198.18.0.0/15 via 198.18.100.2
  ip -n "$S" -6 route add fd00:cafe:cafe::/48 via fd00:cafe:cafe:100::2
}

# run_ok WORK ARGS...: runs "$qir" ARGS with stdout and stderr in WORK/stdout and WORK/stderr,
# prints both, and fails the test unless it exited 0.
run_ok() {
  local work=$1 rc=0; shift
  "$qir" "$@" > "$work/stdout" 2> "$work/stderr" || rc=$?
  cat "$work/stdout" "$work/stderr"
  [[ $rc -eq 0 ]] || fail "qir $1 exited $rc"
}

#!/usr/bin/env bash
# Integration test for `qir sim` (src/sim): builds a client — sim — server trio of
# network namespaces (qirt-<pid>-c / -v / -s, addresses as the runner's, see
# native-stacks.md "Network namespaces"), starts the simulator in the sim namespace
# and checks: ICMP RTT over IPv4 and IPv6 with --delay=15ms is 30–33 ms; a UDP flow
# sent faster than --bandwidth=10Mbps arrives at ≈10 Mbit/s with drop-tail drops
# logged; both pcaps hold the expected packets, in time order; kernel forwarding is off
# while the simulator runs and restored after SIGTERM, which exits 0; then, under "rebind --rebind-addr" (1 s rebinds), a UDP echo over IPv4 and
# IPv6 keeps working: the server sees several fake client endpoints in the client's /24 and
# /64, and every echo reaches the real client (replies rewritten back). Needs root. QIRT_KEEP=1 keeps the temp dir (pcaps, sim log). Usage: bash sim_forwarding.sh <qir binary> <repo root>
set -euo pipefail

QIR=${1:?usage: sim_forwarding.sh <qir binary> <repo root>}
QIR=$(realpath "$QIR")
if [[ $(id -u) -ne 0 ]]; then echo "SKIP sim_forwarding: needs root"; exit 77; fi

NS=qirt-$$
C=$NS-c; S=$NS-s; V=$NS-v
TMP=$(mktemp -d /tmp/qirt-sim.XXXXXX)
SIM_PID=""
PY=$(python3 -c 'import sys; print(sys.executable)')
SCENARIO="simple-p2p --delay=15ms --bandwidth=10Mbps --queue=25"
FAILED=0

cleanup() {
  if [[ -n $SIM_PID ]] && kill -0 "$SIM_PID" 2>/dev/null; then
    kill -TERM "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
  fi
  for ns in "$C" "$S" "$V"; do ip netns del "$ns" 2>/dev/null || true; done
  if [[ -n ${QIRT_KEEP:-} ]]; then echo "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT

source "$(dirname "$0")/lib.sh"  # sim_topology; the fail/ok below replace its fail
fail() { echo "  FAIL: $*"; FAILED=1; }
ok() { echo "  ok: $*"; }


# Python helpers: ICMP echo (raw sockets, no ping binary needed), a paced UDP sender,
# a UDP receiver, and a pcap counter. One file, subcommand in argv[1].
write_helpers() {
  cat > "$TMP/helper.py" <<'PYEOF'
import json, os, socket, struct, sys, time

def checksum(data):
    if len(data) % 2: data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16: s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def ping(addr, count):
    v6 = ":" in addr
    sock = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                         socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
    sock.settimeout(1.0)
    ident, rtts = os.getpid() & 0xffff, []
    for seq in range(count):
        kind = 128 if v6 else 8
        body = struct.pack("!HH", ident, seq) + b"qir-sim-test" * 4
        hdr = struct.pack("!BBH", kind, 0, 0)
        pkt = hdr + body if v6 else struct.pack("!BBH", kind, 0, checksum(hdr + body)) + body
        start = time.monotonic()
        sock.sendto(pkt, (addr, 0))
        while True:
            try:
                data = sock.recv(2048)
            except socket.timeout:
                break
            icmp = data if v6 else data[(data[0] & 0x0f) * 4:]
            rtype, rid, rseq = icmp[0], *struct.unpack("!HH", icmp[4:8])
            if rtype == (129 if v6 else 0) and rid == ident and rseq == seq:
                rtts.append((time.monotonic() - start) * 1000)
                break
        time.sleep(0.05)
    print(json.dumps(rtts))

def send(addr, port, count, size, rate_bps):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    interval = (size + 28) * 8 / rate_bps
    start = time.perf_counter()
    for i in range(count):
        while time.perf_counter() < start + i * interval: pass
        sock.sendto(struct.pack("!I", i) + b"x" * (size - 4), (addr, port))
    print(json.dumps({"sent": count, "seconds": time.perf_counter() - start}))

def receive(addr, port, idle):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((addr, port))
    open(sys.argv[5], "w").close()  # bound: the sender may start
    sock.settimeout(30)
    times, nbytes, last_seq, reordered = [], 0, -1, 0
    while True:
        try:
            data = sock.recv(65536)
        except socket.timeout:
            break
        times.append(time.monotonic()); nbytes += len(data) + 28
        seq = struct.unpack("!I", data[:4])[0]
        reordered += seq < last_seq; last_seq = seq
        sock.settimeout(idle)
    span = times[-1] - times[0] if len(times) > 1 else 0
    rate = (nbytes - (nbytes / len(times))) * 8 / span if span else 0
    print(json.dumps({"received": len(times), "ip_bytes": nbytes, "rate_bps": rate, "reordered": reordered}))

def pcap_count(path, port):
    with open(path, "rb") as f: data = f.read()
    magic = struct.unpack("<I", data[:4])[0]
    assert magic == 0xa1b23c4d, hex(magic)
    off, total, udp, backwards, last = 24, 0, 0, 0, 0
    while off + 16 <= len(data):
        sec, nsec, incl, _ = struct.unpack("<IIII", data[off:off + 16])
        backwards += sec * 10**9 + nsec < last; last = max(last, sec * 10**9 + nsec)
        pkt = data[off + 16: off + 16 + incl]; off += 16 + incl; total += 1
        if pkt and pkt[0] >> 4 == 4 and pkt[9] == 17:
            ihl = (pkt[0] & 0x0f) * 4
            if struct.unpack("!H", pkt[ihl + 2: ihl + 4])[0] == port: udp += 1
    print(json.dumps({"packets": total, "udp_to_port": udp, "backwards": backwards}))

cmd = sys.argv[1]
if cmd == "ping": ping(sys.argv[2], int(sys.argv[3]))
elif cmd == "send": send(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]))
elif cmd == "receive": receive(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
elif cmd == "pcap": pcap_count(sys.argv[2], int(sys.argv[3]))
PYEOF
}

json() { "$PY" -c "import json,sys; print(json.load(sys.stdin)$1)"; }

forwarding() { ip netns exec "$V" cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv6/conf/all/forwarding | tr '\n' ' '; }

start_sim() {
  # Kernel forwarding on beforehand: the sim must switch it off (or every packet would also be
  # forwarded by the kernel, duplicated past the link) and switch it back on when it exits.
  ip netns exec "$V" sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward; echo 1 > /proc/sys/net/ipv6/conf/all/forwarding'
  ip netns exec "$V" "$QIR" sim --scenario "$SCENARIO" --left left --right right \
    --pcap-left "$TMP/trace_node_left.pcap" --pcap-right "$TMP/trace_node_right.pcap" \
    --seed 1 --ready-file "$TMP/ready" 2>"$TMP/sim.log" &
  SIM_PID=$!
  for _ in $(seq 100); do
    if [[ -f $TMP/ready ]]; then
      if [[ $(forwarding) == "0 0 " ]]; then ok "kernel forwarding off while the sim runs"
      else fail "kernel forwarding is '$(forwarding)' while the sim runs"; fi
      return 0
    fi
    kill -0 "$SIM_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "FAIL sim_forwarding: simulator not ready"; cat "$TMP/sim.log"; exit 1
}

check_ping() {  # $1 = target address
  local rtts
  rtts=$(ip netns exec "$C" "$PY" "$TMP/helper.py" ping "$1" 20)
  local stats
  stats=$(echo "$rtts" | "$PY" -c '
import json, sys
r = sorted(json.load(sys.stdin))
if not r: print("0 0 0 0"); sys.exit()
print(len(r), "%.2f %.2f %.2f" % (r[0], r[len(r) // 2], r[-1]))')
  read -r n min med max <<<"$stats"
  echo "  ping $1: $n/20 replies, rtt min/median/max = $min/$med/$max ms"
  if [[ $n -lt 18 ]]; then fail "ping $1: only $n replies"; return; fi
  if "$PY" -c "import sys; sys.exit(0 if 30 <= $min and $med <= 33 else 1)"; then
    ok "ping $1 rtt within 30-33 ms"
  else
    fail "ping $1 rtt outside 30-33 ms"
  fi
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SIM_PID/stat"; }

check_udp_rate() {
  local count=3000 size=1200
  rm -f "$TMP/bound"
  ip netns exec "$S" "$PY" "$TMP/helper.py" receive 198.18.100.100 5000 1.0 "$TMP/bound" >"$TMP/recv.json" &
  local recv_pid=$!
  for _ in $(seq 50); do [[ -f $TMP/bound ]] && break; sleep 0.1; done
  local ticks0 t0
  ticks0=$(cpu_ticks); t0=$(date +%s.%N)
  # 15 Mbit/s offered into a 10 Mbit/s bottleneck: the queue fills and drop-tail drops.
  ip netns exec "$C" "$PY" "$TMP/helper.py" send 198.18.100.100 5000 $count $size 15e6 >"$TMP/send.json"
  wait "$recv_pid"
  local ticks1 t1
  ticks1=$(cpu_ticks); t1=$(date +%s.%N)
  local received rate reordered
  received=$(json '["received"]' <"$TMP/recv.json")
  rate=$(json '["rate_bps"]' <"$TMP/recv.json")
  reordered=$(json '["reordered"]' <"$TMP/recv.json")
  local cpu
  cpu=$("$PY" -c "print('%.1f' % (100.0 * ($ticks1 - $ticks0) / $(getconf CLK_TCK) / ($t1 - $t0)))")
  echo "  udp: sent $count x ${size} B at 15 Mbit/s, received $received at $(printf '%.3f' "$("$PY" -c "print($rate/1e6)")") Mbit/s (IP level), sim cpu ${cpu}% during transfer"
  if "$PY" -c "import sys; sys.exit(0 if 9.7e6 <= $rate <= 10.2e6 else 1)"; then ok "delivered rate ~10 Mbit/s"; else fail "delivered rate $rate not ~10 Mbit/s"; fi
  if [[ $reordered -ne 0 ]]; then fail "$reordered datagrams reordered"; fi
  local drops
  drops=$(grep -c '^drop to_server #[0-9]* queue-full size=1228$' "$TMP/sim.log" || true)
  if [[ $drops -eq $((count - received)) && $drops -gt 0 ]]; then ok "$drops queue-full drops logged = sent - received"
  else fail "drops logged $drops, sent-received $((count - received))"; fi
  UDP_RECEIVED=$received
}

check_pcaps() {  # after the simulator stopped (pcaps flushed)
  local left right
  left=$(ip netns exec "$V" "$PY" "$TMP/helper.py" pcap "$TMP/trace_node_left.pcap" 5000 | json '["udp_to_port"]')
  right=$(ip netns exec "$V" "$PY" "$TMP/helper.py" pcap "$TMP/trace_node_right.pcap" 5000 | json '["udp_to_port"]')
  echo "  pcaps: left has $left UDP datagrams to :5000, right has $right"
  local backwards
  for side in left right; do
    backwards=$(ip netns exec "$V" "$PY" "$TMP/helper.py" pcap "$TMP/trace_node_$side.pcap" 5000 | json '["backwards"]')
    if [[ $backwards -eq 0 ]]; then ok "$side pcap records in time order"
    else fail "$side pcap has $backwards records older than the one before"; fi
  done
  if [[ $left -eq 3000 ]]; then ok "left pcap has every client datagram (before the link)"; else fail "left pcap has $left, want 3000"; fi
  if [[ $right -eq $UDP_RECEIVED ]]; then ok "right pcap has exactly the delivered datagrams"; else fail "right pcap has $right, want $UDP_RECEIVED"; fi
}

stop_sim_and_check_cleanup() {
  kill -TERM "$SIM_PID"
  local rc=0
  wait "$SIM_PID" || rc=$?
  SIM_PID=""
  if [[ $rc -eq 0 ]]; then ok "sim exited 0 on SIGTERM"; else fail "sim exited $rc on SIGTERM"; fi
  if [[ $(forwarding) == "1 1 " ]]; then ok "kernel forwarding restored"
  else fail "kernel forwarding is '$(forwarding)' after the sim, want '1 1'"; fi
  sed -n '/^to_server:/,$p' "$TMP/sim.log" | sed 's/^/  sim: /'
}

# UDP echo across NAT rebinding: the server echoes the source endpoint it saw; the client
# counts replies and distinct endpoints. One file, subcommand in argv[1].
write_echo_helper() {
  cat > "$TMP/echo.py" <<'PYEOF'
import json, socket, sys, time
if sys.argv[1] == "server":
    socks = []
    for fam, addr in ((socket.AF_INET, "198.18.100.100"), (socket.AF_INET6, "fd00:cafe:cafe:100::100")):
        s = socket.socket(fam, socket.SOCK_DGRAM); s.bind((addr, 6000)); socks.append(s)
    open(sys.argv[2], "w").close()
    import select
    while True:
        for s in select.select(socks, [], [], 10)[0]:
            data, peer = s.recvfrom(2048)
            s.sendto(json.dumps([peer[0], peer[1]]).encode(), peer)
else:
    addr, fam = sys.argv[2], socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM); s.settimeout(0.2)
    sent = got = 0; seen = set()
    end = time.monotonic() + float(sys.argv[3])
    while time.monotonic() < end:
        s.sendto(b"ping", (addr, 6000)); sent += 1
        try:
            data, peer = s.recvfrom(2048); got += 1; seen.add(tuple(json.loads(data)))
        except socket.timeout:
            pass
        time.sleep(0.05)
    print(json.dumps({"sent": sent, "got": got, "seen": sorted(seen)}))
PYEOF
}

check_rebind_echo() {
  SCENARIO="rebind --delay=1ms --bandwidth=100Mbps --queue=25 --first-rebind=1s --rebind-freq=1s --rebind-addr"
  rm -f "$TMP/ready" "$TMP/echo-bound"
  start_sim
  ip netns exec "$S" "$PY" "$TMP/echo.py" server "$TMP/echo-bound" &
  local echo_pid=$!
  for _ in $(seq 50); do [[ -f $TMP/echo-bound ]] && break; sleep 0.1; done
  for target in 198.18.100.100 fd00:cafe:cafe:100::100; do
    local out
    out=$(ip netns exec "$C" "$PY" "$TMP/echo.py" client "$target" 3.5)
    if "$PY" - "$out" "$target" <<'PYEOF'
import ipaddress, json, sys
r = json.loads(sys.argv[1]); v6 = ":" in sys.argv[2]
client = ipaddress.ip_address("fd00:cafe:cafe::100" if v6 else "198.18.0.100")
net = ipaddress.ip_network("fd00:cafe:cafe::/64" if v6 else "198.18.0.0/24")
addrs = {ipaddress.ip_address(a) for a, p in r["seen"]}
print("  rebind echo %s: %d/%d replies, server saw %d endpoints, %d addresses" %
      (sys.argv[2], r["got"], r["sent"], len(r["seen"]), len(addrs)))
ok = r["got"] >= 0.8 * r["sent"] and len(r["seen"]) >= 3 and len(addrs - {client}) >= 2 \
     and all(a in net for a in addrs)
sys.exit(0 if ok else 1)
PYEOF
    then ok "rebind echo via $target: replies rewritten back, fresh endpoints in the client's subnet"
    else fail "rebind echo via $target"; fi
  done
  kill "$echo_pid" 2>/dev/null || true
  wait "$echo_pid" 2>/dev/null || true
  kill -TERM "$SIM_PID"; wait "$SIM_PID" || true; SIM_PID=""
  local stale
  stale=$(grep -c ' rebind-unknown ' "$TMP/sim.log" || true)
  echo "  rebind log: $(grep -c '^rebind [0-9]* flow' "$TMP/sim.log") flow rebinds, $stale stale-binding drops"
}

echo "sim_forwarding: namespaces $C $V $S, scenario '$SCENARIO'"
sim_topology "$C" "$S" "$V"
write_helpers
start_sim
check_ping 198.18.100.100
check_ping fd00:cafe:cafe:100::100
check_udp_rate
stop_sim_and_check_cleanup
check_pcaps
write_echo_helper
check_rebind_echo

if [[ $FAILED -eq 0 ]]; then echo "PASS sim_forwarding"; else echo "FAIL sim_forwarding"; cat "$TMP/sim.log" | grep -v '^drop ' | head -20; exit 1; fi

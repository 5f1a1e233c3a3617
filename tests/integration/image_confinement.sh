#!/bin/bash
# Image endpoints in real cells, against the built-in quic-go: they are confined
# as by a container engine, and whatever they do, the host stays as it was.
#   - quic-go.oci interoperates; its /logs files land in the cell's log folder.
#   - hang.oci (ignores SIGTERM, leaves `sleep 1000` and a setsid'd `sleep 1001`)
#     as the server, looked at from the host while it runs: hostname "server",
#     PID 1 of its own PID namespace that shows only its own processes, the
#     cell's folders and nothing of the host's, no CAP_SYS_ADMIN, no_new_privs.
#     Stopped by the runner (the server never answers); as the client it runs
#     into the test's timeout. Either way no process of it is left on the host.
#   - escape.oci (mount, unshare, chroot breakout, /proc/1/root, sysctls, sysfs,
#     signals to PIDs outside, mknod + read of the root disk) as server and client:
#     every attempt in its escape.log (and in the compliance probe's output) is
#     "blocked", and the host's hostname, domainname, the sysfs knobs it writes,
#     its mount table, its / and a sentinel process are unchanged.
# Needs root, the built-in quic-go and the test images (make test-images).
set -uo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
images="${QIR_TEST_IMAGES:-/var/cache/qir/test-images}/current"
for f in quic-go.oci hang.oci escape.oci; do
  [[ -e "$images/$f" ]] || fail "test image $images/$f missing: run make test-images"
done
work="$(mktemp -d /tmp/qir-it-XXXXXX)"
sentinel=""
cleanup() {
  [[ -z "$sentinel" ]] || kill "$sentinel" 2> /dev/null
  rm -rf "$work"
}
trap cleanup EXIT
export QIR_STATE_DIR="$work/state"
started=$SECONDS
cat > "$work/impls.json" << EOF
{
  "qgo-image": { "image": "oci:$images/quic-go.oci:latest", "url": "https://example.org/qgo", "role": "both" },
  "hang": { "image": "oci:$images/hang.oci:latest", "url": "https://example.org/hang", "role": "both" },
  "escape": { "image": "oci:$images/escape.oci:latest", "url": "https://example.org/escape", "role": "both" }
}
EOF

daemons='^sleep 100[01]$'
if pgrep -f "$daemons" > /dev/null; then
  pgrep -af "$daemons" >&2
  fail "processes like hang.oci's daemons already run on the host; cannot tell a leftover from them"
fi

# The host's state an endpoint could change: names, the sysfs knobs escape.sh
# writes, the mount table (without network namespaces, which cells add and
# remove, and container engines' mounts, which a shared machine's other users
# add), the entries of / and of /tmp that escape.sh would create.
host_state() {
  echo "hostname $(hostname)"
  echo "domainname $(cat /proc/sys/kernel/domainname)"
  local f
  for f in /sys/kernel/mm/ksm/run /sys/kernel/mm/transparent_hugepage/khugepaged/defrag \
    /sys/kernel/mm/transparent_hugepage/use_zero_page /proc/sys/vm/swappiness /proc/sys/kernel/pid_max; do
    [[ -r "$f" ]] && echo "$f $(cat "$f")"
  done
  echo "== mounts"
  awk '$5 !~ "^/run/netns/|/podman/|/containers/|/docker/" { print $5, $9, $10 }' /proc/self/mountinfo | sort
  grep -c qir-escape /proc/self/mountinfo
  echo "== /"
  ls -A /
  echo "== /tmp"
  ls -d /tmp/qir-breakout /tmp/qir-escape-blk 2> /dev/null
}
host_state > "$work/host-before"

# run_qir NAME ARGS...: qir run in the background (its PID in $qir_pid), output in $work/NAME.out.
run_qir() {
  local name="$1"; shift
  "$qir" run --no-build --implementations "$work/impls.json" -l "$work/$name" "$@" > "$work/$name.out" 2>&1 &
  qir_pid=$!
}

# finished NAME PID: nothing of that run is left: processes, namespaces, scratch folder.
check_left_behind() {
  local name="$1" pid="$2"
  if pgrep -f "$daemons" > /dev/null; then
    pgrep -af "$daemons" >&2
    fail "$name: hang.oci's daemons survived the cell"
  fi
  if ip netns list | grep -q "^qir-$pid-"; then fail "$name: namespaces of qir $pid remain"; fi
  if grep -q "qir-run-$pid/" /proc/mounts; then fail "$name: mounts of qir $pid remain"; fi
  [[ ! -e "/tmp/qir-run-$pid" ]] || fail "$name: scratch folder /tmp/qir-run-$pid remains"
  local p cmd
  for p in /proc/[0-9]*; do
    cmd="$({ tr '\0' ' ' < "$p/cmdline"; } 2> /dev/null)"
    case "$cmd" in *"qir-$pid-"* | *"qir-run-$pid/"* | /hang.sh*) fail "$name: process left: ${p#/proc/} $cmd" ;; esac
  done
}

# verdict RUN CELL: the outcome word of output.txt's verdict line.
verdict() { sed -n 's/.*verdict: \([a-z]*\).*/\1/p' "$work/$1/$2/output.txt" 2> /dev/null; }

# ---- 1. quic-go.oci interoperates, its /logs is the cell's ----------------------------------
t0=$SECONDS
run_qir good -P 2 -s qgo-image,quic-go -c quic-go,qgo-image -i qgo-image -t handshake
wait "$qir_pid" || { cat "$work/good.out"; fail "quic-go.oci: some cell failed"; }
for cell in qgo-image_quic-go quic-go_qgo-image qgo-image_qgo-image; do
  [[ "$(verdict good "$cell/handshake")" == succeeded ]] || { cat "$work/good/$cell/handshake/output.txt"; fail "$cell did not succeed"; }
done
for side in qgo-image_quic-go/handshake/server quic-go_qgo-image/handshake/client; do
  d="$work/good/$side"
  [[ -s "$d/log.txt" ]] || fail "$side: the image's /logs/log.txt is not in the cell's log folder"
  [[ -s "$d/keys.log" ]] || fail "$side: no keys.log (SSLKEYLOGFILE=/logs/keys.log) in the cell's log folder"
  compgen -G "$d/qlog/*qlog*" > /dev/null || fail "$side: no qlog in the cell's log folder"
  grep -q "^setup.sh: configuring eth0" "$d/output.log" || fail "$side: output.log lacks the image's /setup.sh"
done
check_left_behind good "$qir_pid"
echo "ok: quic-go.oci as server, client and both: succeeded, /logs in the cell's folder ($((SECONDS - t0)) s)"

# ---- 2. hang.oci as the server: inspected while it runs, then stopped by the runner ---------
t0=$SECONDS
run_qir hang-server -P 1 --skip-compliance -s hang -c quic-go -t handshake
cell="$work/hang-server/hang_quic-go/handshake"
init=""
for _ in $(seq 1 100); do
  keeper="$(pgrep -f -- "--bind $cell/server:/logs .*--hostname server" | head -n1)"
  [[ -n "$keeper" ]] && init="$(pgrep -P "$keeper" | head -n1)"
  [[ -n "$init" ]] && pgrep -f "$daemons" > /dev/null && break
  init=""
  sleep 0.1
done
[[ -n "$init" ]] || { cat "$work/hang-server.out"; fail "hang.oci server: no endpoint process with its daemons found"; }
sleep 0.5
in_root="/proc/$init/root"
[[ "$(nsenter -t "$init" -u hostname)" == server ]] || fail "hang.oci server: UTS hostname is '$(nsenter -t "$init" -u hostname)', not server"
[[ "$(cat "$in_root/etc/hostname")" == server ]] || fail "hang.oci server: /etc/hostname is not server"
[[ "$(hostname)" != server ]] || fail "the host itself is called server; the hostname check proves nothing"
nspid="$(awk '/^NSpid:/ { print $NF }' "/proc/$init/status")"
[[ "$nspid" == 1 ]] || fail "hang.oci server: the entrypoint is PID $nspid inside, not 1"
[[ "$(readlink "/proc/$init/ns/pid")" != "$(readlink /proc/self/ns/pid)" ]] || fail "hang.oci server: shares the host's PID namespace"
[[ "$(readlink "/proc/$init/ns/mnt")" != "$(readlink /proc/self/ns/mnt)" ]] || fail "hang.oci server: shares the host's mount namespace"
for p in $(pgrep -f "$daemons"); do
  [[ "$(readlink "/proc/$p/ns/pid")" == "$(readlink "/proc/$init/ns/pid")" ]] || fail "hang.oci server: daemon $p outside its PID namespace"
done
# Its /proc shows its own PID namespace: the entrypoint, two daemons, maybe a shell on its way out.
inside_pids="$(find "$in_root/proc/" -maxdepth 1 -name '[0-9]*' | wc -l)"
((inside_pids >= 3 && inside_pids <= 5)) || fail "hang.oci server: its /proc shows $inside_pids processes, expected its own 3"
# The cell's folders, by identity; nothing of the host's.
same_file() { [[ "$(stat -L -c %d:%i "$1")" == "$(stat -L -c %d:%i "$2")" ]]; }
same_file "$in_root/logs" "$cell/server" || fail "hang.oci server: /logs is not the cell's server log folder"
grep -q "^hang: ROLE 'server'" "$cell/server/output.log" || fail "hang.oci server: its output is not in the cell's output.log"
[[ -f "$in_root/certs/cert.pem" && -f "$in_root/certs/priv.key" ]] || fail "hang.oci server: /certs lacks cert.pem/priv.key"
[[ -d "$in_root/www" && -d "$in_root/downloads" ]] || fail "hang.oci server: /www or /downloads missing"
[[ -f "$in_root/hang.sh" ]] || fail "hang.oci server: its root is not the image's"
for host_path in "$work" "$QIR_STATE_DIR" /work /var/cache/qir /var/lib/qir "/tmp/qir-run-$qir_pid"; do
  [[ ! -e "$in_root$host_path" ]] || fail "hang.oci server: sees the host's $host_path"
done
if ls -d "$in_root"/.qir-old-root-* > /dev/null 2>&1; then fail "hang.oci server: the old root's mount point is still there"; fi
cat "/proc/$init/mountinfo" > "$work/inside-mounts"
if grep -q -- "$work\|/var/cache/qir\|/tmp/qir-run-" <(awk '{ print $5 }' "$work/inside-mounts"); then
  cat "$work/inside-mounts" >&2
  fail "hang.oci server: a host path is a mount point inside"
fi
grep -Eq '(^|[[:space:]])server([[:space:]]|$)' "$in_root/etc/hosts" ||
  fail "hang.oci server: /etc/hosts does not resolve server"
# Confined as a container: no CAP_SYS_ADMIN (bit 21) in any set, no_new_privs.
for set in CapEff CapPrm CapBnd; do
  mask="$(awk -v s="$set:" '$1 == s { print $2 }' "/proc/$init/status")"
  (((16#$mask >> 21) & 1)) && fail "hang.oci server: $set $mask has CAP_SYS_ADMIN"
done
[[ "$(awk '/^NoNewPrivs:/ { print $2 }' "/proc/$init/status")" == 1 ]] || fail "hang.oci server: no_new_privs is off"
echo "ok: hang.oci server inside: hostname server, PID 1 of its own namespace ($inside_pids processes), the cell's folders only, no CAP_SYS_ADMIN"
wait "$qir_pid"
rc=$?
((rc == 1)) || { cat "$work/hang-server.out"; fail "hang.oci server: qir exited $rc, expected 1 (a failed cell)"; }
[[ "$(verdict hang-server hang_quic-go/handshake)" == failed ]] || { cat "$cell/output.txt"; fail "hang.oci server: cell not failed"; }
grep -q "server stopped: killed by SIGKILL" "$cell/output.txt" || { cat "$cell/output.txt"; fail "hang.oci server: not stopped by SIGKILL"; }
check_left_behind hang-server "$qir_pid"
echo "ok: hang.oci server stopped by the runner after $((SECONDS - t0)) s, nothing of it left"

# ---- 3. hang.oci as the client: runs into the test's timeout -------------------------------
t0=$SECONDS
run_qir hang-client -P 1 --skip-compliance -s quic-go -c hang -t handshake
cell="$work/hang-client/quic-go_hang/handshake"
for _ in $(seq 1 100); do
  pgrep -f "$daemons" > /dev/null && break
  sleep 0.1
done
pgrep -f "$daemons" > /dev/null || { cat "$work/hang-client.out"; fail "hang.oci client: its daemons never ran"; }
wait "$qir_pid"
rc=$?
((rc == 1)) || { cat "$work/hang-client.out"; fail "hang.oci client: qir exited $rc, expected 1"; }
[[ "$(verdict hang-client quic-go_hang/handshake)" == timeout ]] || { cat "$cell/output.txt"; fail "hang.oci client: not a timeout"; }
check_left_behind hang-client "$qir_pid"
echo "ok: hang.oci client ended by the timeout after $((SECONDS - t0)) s, nothing of it left"

# ---- 4. escape.oci as server and client: every attempt blocked, the host unchanged ----------
t0=$SECONDS
sleep 3007 &
sentinel=$!
attempts=(mount-tmpfs unshare-mount chroot-breakout proc1-root sysctl-drop-caches sysctl-domainname sysfs-write
  kill-pid1 kill-target kill-foreign mknod-block open-block)
# check_attempts FILE WHAT: every attempt there, each "blocked".
check_attempts() {
  local file="$1" what="$2" a
  [[ -s "$file" ]] || fail "$what: no escape log $file"
  if grep -q "SUCCEEDED" "$file"; then
    grep "SUCCEEDED" "$file" >&2
    fail "$what: an escape attempt succeeded"
  fi
  for a in "${attempts[@]}"; do
    grep -qx "ATTEMPT $a: blocked" "$file" || { cat "$file" >&2; fail "$what: attempt $a not reported as blocked"; }
  done
}
run_qir escape -P 1 -s escape,quic-go -c quic-go,escape -i escape -t handshake
wait "$qir_pid"
rc=$?
((rc == 0)) || { cat "$work/escape.out"; fail "escape.oci: qir exited $rc, expected 0 (unsupported cells)"; }
# (escape × escape: the server's 127 ends the cell before its client starts.)
for side in escape_quic-go/handshake/server quic-go_escape/handshake/client escape_escape/handshake/server; do
  check_attempts "$work/escape/$side/escape.log" "escape.oci $side"
done
for cell in escape_quic-go quic-go_escape escape_escape; do
  [[ "$(verdict escape "$cell/handshake")" == unsupported ]] || { cat "$work/escape/$cell/handshake/output.txt"; fail "escape.oci $cell: not unsupported"; }
done
# The compliance probes ran it too (their /logs is thrown away; their output is kept).
probes=0
while IFS= read -r -d '' f; do
  grep -q "^ATTEMPT " "$f" || continue
  probes=$((probes + 1))
  check_attempts "$f" "escape.oci compliance probe ${f#"$work/escape/"}"
done < <(find "$work/escape/compliance" -type f -print0 2> /dev/null)
((probes >= 2)) || { ls -R "$work/escape/compliance" >&2; fail "escape.oci: expected the compliance output of both roles, found $probes"; }
kill -0 "$sentinel" 2> /dev/null || fail "escape.oci: the host's sentinel process $sentinel is gone"
check_left_behind escape "$qir_pid"
echo "ok: escape.oci as server, client and both (and its $probes compliance probes): all ${#attempts[@]} attempts blocked ($((SECONDS - t0)) s)"

host_state > "$work/host-after"
diff "$work/host-before" "$work/host-after" >&2 || fail "the host changed (hostname, sysctls, sysfs, mounts, / or /tmp)"
pass "image endpoints confined; hang.oci and escape.oci left the host as it was ($((SECONDS - started)) s)"

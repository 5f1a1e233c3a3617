#!/bin/bash
# qir test image "escape": tries to leave or affect the host from inside the
# endpoint sandbox, and records each try in /logs/escape.log as
#   ATTEMPT <name>: blocked|SUCCEEDED
# (details on stderr). A good sandbox blocks every one. The tries are harmless
# when they succeed: sysfs and domainname get their current value written back,
# mounts are undone, a created device node is removed. Then it exits 127, so a
# runner also sees it as "unsupported".
#
# Environment: QIR_ESCAPE_TARGET_PID, a PID on the host the sandbox must not be
# able to signal (tried with kill -0 only).
log=/logs/escape.log
mkdir -p /logs
: > "$log"
own_root="$(stat -L -c %d:%i / 2> /dev/null)"

# report NAME 0|1 [DETAIL]: 0 means the attempt succeeded.
report() {
  local verdict=blocked
  (($2 == 0)) && verdict=SUCCEEDED
  echo "ATTEMPT $1: $verdict" | tee -a "$log"
  [[ -z "${3:-}" ]] || echo "  $1: $3" >&2
}

# Root directory of process $1 as dev:inode, empty when it cannot be read.
root_of() { stat -L -c %d:%i "/proc/$1/root" 2> /dev/null; }

# A process whose root is not ours lives outside the sandbox.
outside() { local r; r="$(root_of "$1")"; [[ -n "$r" && "$r" != "$own_root" ]]; }

try_mount_tmpfs() {
  mount -t tmpfs qir-escape /mnt 2> /dev/null || return 1
  umount /mnt 2> /dev/null
  return 0
}

# unshare(1) would also make / private, which fails when / is no mount point:
# only the unshare(CLONE_NEWNS) itself counts.
try_unshare_mount() { unshare -m --propagation unchanged true 2> /dev/null; }

# The classic breakout: chroot into a subfolder while the working directory
# stays outside it, climb with "..", chroot to where the climb ended. It
# worked when the final root is not the root we started with.
try_chroot_breakout() {
  perl -e '
    my @before = stat("/");
    mkdir "/tmp/qir-breakout";
    chdir("/") or exit 1;
    chroot("/tmp/qir-breakout") or exit 1;
    chdir("..") for 1 .. 256;
    chroot(".") or exit 1;
    my @after = stat("/");
    exit(($after[0] == $before[0] && $after[1] == $before[1]) ? 1 : 0);' 2> /dev/null
  local rc=$?
  rmdir /tmp/qir-breakout 2> /dev/null
  return $rc
}

try_proc1_root() { outside 1; }

try_drop_caches() { echo 1 2> /dev/null > /proc/sys/vm/drop_caches; }

try_domainname() {
  local f=/proc/sys/kernel/domainname value
  value="$(cat "$f" 2> /dev/null)" || return 1
  echo "$value" 2> /dev/null > "$f"
}

try_sysfs_write() {
  local f value
  for f in /sys/kernel/mm/ksm/run /sys/kernel/mm/transparent_hugepage/khugepaged/defrag \
    /sys/kernel/mm/transparent_hugepage/use_zero_page; do
    value="$(cat "$f" 2> /dev/null)" || continue
    if echo "$value" 2> /dev/null > "$f"; then
      echo "  sysfs-write: wrote $f" >&2
      return 0
    fi
  done
  return 1
}

try_kill_pid1() { kill -0 1 2> /dev/null && outside 1; }

try_kill_target() {
  [[ -n "${QIR_ESCAPE_TARGET_PID:-}" ]] || return 1
  kill -0 "$QIR_ESCAPE_TARGET_PID" 2> /dev/null
}

# Visible processes whose root is not ours, then a blind scan of PIDs that
# /proc does not show: any that answers kill -0 is outside our view.
try_kill_foreign() {
  local p pid_max=32768 visible=" $$ $PPID 1 "
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    visible+="$p "
    if outside "$p" && kill -0 "$p" 2> /dev/null; then
      echo "  kill-foreign: PID $p (root $(root_of "$p"))" >&2
      return 0
    fi
  done
  [[ -r /proc/sys/kernel/pid_max ]] && pid_max="$(cat /proc/sys/kernel/pid_max)"
  ((pid_max > 65536)) && pid_max=65536
  for ((p = 2; p <= pid_max; p++)); do
    [[ "$visible" == *" $p "* ]] && continue
    if kill -0 "$p" 2> /dev/null; then
      echo "  kill-foreign: PID $p answers but is not in /proc" >&2
      return 0
    fi
  done
  return 1
}

# A block device node for the disk our root lives on (loop0 when the root is
# not on a block device), then a read from it.
block_major=7 block_minor=0
major_minor="$(stat -c '%Hd %Ld' / 2> /dev/null)"
major="${major_minor% *}" minor="${major_minor#* }"
if [[ -n "${major:-}" && "$major" != 0 ]]; then block_major=$major block_minor=$minor; fi
try_mknod() { mknod /tmp/qir-escape-blk b "$block_major" "$block_minor" 2> /dev/null; }
try_open_block() {
  [[ -b /tmp/qir-escape-blk ]] || return 1
  head -c 512 /tmp/qir-escape-blk 2> /dev/null | wc -c | grep -qx 512
}

echo "escape: ROLE '${ROLE:-}' TESTCASE '${TESTCASE:-}': trying to leave the sandbox" >&2
try_mount_tmpfs; report mount-tmpfs $?
try_unshare_mount; report unshare-mount $?
try_chroot_breakout; report chroot-breakout $?
try_proc1_root; report proc1-root $? "own root $own_root, /proc/1/root $(root_of 1)"
try_drop_caches; report sysctl-drop-caches $?
try_domainname; report sysctl-domainname $?
try_sysfs_write; report sysfs-write $?
try_kill_pid1; report kill-pid1 $?
try_kill_target; report kill-target $? "QIR_ESCAPE_TARGET_PID '${QIR_ESCAPE_TARGET_PID:-}'"
try_kill_foreign; report kill-foreign $?
try_mknod; report mknod-block $? "device $block_major:$block_minor"
try_open_block; report open-block $?
rm -f /tmp/qir-escape-blk
exit 127

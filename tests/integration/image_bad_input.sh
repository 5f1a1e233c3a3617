#!/bin/bash
# Broken and hostile images, and bad image entries: `qir run` stops with one line
# on stderr that names the problem, exits 2, and leaves nothing behind — no
# namespace, no log folder, no partial entry in the image cache, no file outside
# the cache (a layer's ../.. entry and escaping symlinks write nowhere). Then
# `qir list` says whether each image is available locally and `qir pull` makes
# it so. Needs root and the test images (make test-images).
set -uo pipefail
qir="$1"; source "$(dirname "$0")/lib.sh"
images="${QIR_TEST_IMAGES:-/var/cache/qir/test-images}/current"
for f in quic-go.oci quic-go.docker.tar truncated.docker.tar no-config.oci no-entrypoint.oci dotdot.oci \
  symlink-escape.oci; do
  [[ -e "$images/$f" ]] || fail "test image $images/$f missing: run make test-images"
done
work="$(mktemp -d /tmp/qir-it-XXXXXX)"; trap 'rm -rf "$work"' EXIT
export QIR_STATE_DIR="$work/state"
cache="$QIR_STATE_DIR/images"
started=$SECONDS

# What a hostile layer would write outside the cache if unpacking followed it.
escapes=(/tmp/qir-escape-symlink /tmp/qir-escape-symlink2)
rm -f "${escapes[@]}"
# Top-level folders whose entries must not change (no qir state, no skopeo state).
snapshot() { for d in / /var/lib /var/lib/qir; do echo "== $d"; ls -A "$d" 2> /dev/null; done; }
snapshot > "$work/before"

# image_file NAME IMAGE: an implementations file with one entry NAME of IMAGE.
image_file() {
  printf '{ "%s": { "image": "%s", "url": "https://example.org/%s", "role": "both" } }\n' "$1" "$2" "$1" \
    > "$work/$1.json"
  echo "$work/$1.json"
}

# The cache holds only complete entries: no *.partial-*, nothing in tmp/, a
# `complete` marker in every sha256-* entry.
check_cache_clean() {
  local what="$1" entry
  [[ -d "$cache" ]] || return 0
  if find "$cache" -name '*.partial-*' | grep -q .; then
    find "$cache" -name '*.partial-*' >&2
    fail "$what: partial entries left in the image cache"
  fi
  if [[ -d "$cache/tmp" ]] && [[ -n "$(ls -A "$cache/tmp")" ]]; then
    ls -A "$cache/tmp" >&2
    fail "$what: scratch files left in $cache/tmp"
  fi
  for entry in "$cache"/sha256-*; do
    [[ -e "$entry" ]] || continue
    [[ -f "$entry/complete" ]] || fail "$what: incomplete cache entry $entry"
  done
}

check_nothing_left() {  # WHAT PID
  local what="$1" pid="$2"
  if ip netns list | grep -q "^qir-$pid-"; then fail "$what: namespaces of qir $pid remain"; fi
  if grep -q "$work" /proc/mounts; then fail "$what: mounts under $work remain"; fi
  [[ ! -e "/tmp/qir-run-$pid" ]] || fail "$what: scratch folder /tmp/qir-run-$pid remains"
  check_cache_clean "$what"
  snapshot > "$work/after"
  diff "$work/before" "$work/after" >&2 || fail "$what: new entries in /, /var/lib or /var/lib/qir"
}

n=0
# expect_error WHAT REGEX QIR-ARGS...: exit 2, one line `qir <cmd>: ...` matching REGEX (grep -E).
expect_error() {
  local what="$1" regex="$2"; shift 2
  n=$((n + 1))
  local t0=$SECONDS
  "$qir" "$@" > "$work/out" 2> "$work/err" &
  local pid=$!
  wait "$pid"
  local rc=$?
  [[ $rc -eq 2 ]] || { cat "$work/err" "$work/out"; fail "$what: exit $rc, expected 2"; }
  [[ $(wc -l < "$work/err") -eq 1 ]] || { cat "$work/err"; fail "$what: expected one line on stderr"; }
  grep -Eq "^qir [a-z]+: " "$work/err" || { cat "$work/err"; fail "$what: the line does not start with 'qir <command>: '"; }
  grep -Eq -- "$regex" "$work/err" || { cat "$work/err"; fail "$what: the line does not match /$regex/"; }
  check_nothing_left "$what" "$pid"
  echo "ok: $what ($((SECONDS - t0)) s) → $(cat "$work/err")"
}

# run_image NAME IMAGE: qir run of image NAME as the server against the built-in quic-go client.
run_args() { echo run -P 1 --no-build --implementations "$(image_file "$1" "$2")" -s "$1" -c quic-go -t handshake -l "$work/logs-$1"; }

# shellcheck disable=SC2046 # run_args prints words without spaces on purpose
{
expect_error "missing archive" "archive not found: $work/no-such\.tar" \
  $(run_args missing "docker-archive:$work/no-such.tar")
expect_error "truncated layer" "truncated\.docker\.tar: layer 1/1 .*[Tt]runcated" \
  $(run_args truncated "docker-archive:$images/truncated.docker.tar")
expect_error "manifest without config" "no-config\.oci:latest: manifest without config" \
  $(run_args noconfig "oci:$images/no-config.oci:latest")
expect_error "neither Entrypoint nor Cmd" "no-entrypoint\.oci:latest has neither Entrypoint nor Cmd" \
  $(run_args noentry "oci:$images/no-entrypoint.oci:latest")
expect_error "layer entry with .." "dotdot\.oci:latest: layer 2/2 .*entry \.\./\.\./escape-dotdot: path contains \.\." \
  $(run_args dotdot "oci:$images/dotdot.oci:latest")
expect_error "symlink escape" "symlink-escape\.oci:latest: layer 2/2 .*goes through the symlink evil" \
  $(run_args symlink "oci:$images/symlink-escape.oci:latest")
}
# Nothing written through ../.. (relative to any folder the layer could have
# been unpacked in) or through the symlinks.
for d in "$cache" "$QIR_STATE_DIR" "$work" /var/lib/qir/images /var/lib/qir /var/lib / /tmp \
  "$images" "$(dirname "$images")"; do
  [[ ! -e "$d/escape-dotdot" ]] || fail "dotdot.oci wrote $d/escape-dotdot"
done
if find "$work" -name escape-dotdot | grep -q .; then fail "dotdot.oci wrote under $work"; fi
for f in "${escapes[@]}"; do [[ ! -e "$f" ]] || fail "symlink-escape.oci wrote $f"; done
for f in qir-escape-symlink qir-escape-symlink2; do
  if find "$cache" -name "$f" -not -path '*/rootfs/*' | grep -q .; then fail "symlink-escape.oci wrote $f outside a root"; fi
done
[[ ! -e "$work/logs-symlink" ]] || fail "a log folder was created for an image error"

# A name with no engine store and no registry: image, what failed, how to give it as an archive, soon;
# skopeo's state (/var/lib/containers) stays untouched.
touch "$work/before-registry"
t0=$SECONDS
# shellcheck disable=SC2046
expect_error "unreachable registry" \
  "qir-test/not-there:latest.*(not in a local|could not fetch).*docker save qir-test/not-there:latest.*docker-archive:" \
  $(run_args registry "qir-test/not-there:latest")
((SECONDS - t0 <= 60)) || fail "unreachable registry: took $((SECONDS - t0)) s, expected at most 60"
# Where podman is installed, asking its local store (`podman image inspect`) may initialize
# that store (/var/lib/containers/storage): the user's engine doing its own bookkeeping.
# Anything else there would be skopeo's, which must run in its private mount namespace.
engine_store=()
command -v podman > /dev/null && engine_store=(-not -path "/var/lib/containers/storage*" -not -path /var/lib/containers)
if [[ -d /var/lib/containers ]] && find /var/lib/containers -newer "$work/before-registry" "${engine_store[@]}" | grep -q .; then
  find /var/lib/containers -newer "$work/before-registry" "${engine_store[@]}" | head >&2
  fail "unreachable registry: something wrote under /var/lib/containers"
fi

expect_error "-r with an unknown implementation" "-r names an unknown implementation \(no-such-impl\)" \
  run -P 1 --no-build -r "no-such-impl=oci:$images/quic-go.oci:latest" -s quic-go -c quic-go -t handshake \
  -l "$work/logs-r"
printf '{ "x": { "image": "oci:%s/quic-go.oci:latest", "dir": "%s", "url": "u", "role": "both" } }\n' \
  "$images" "$work" > "$work/both.json"
expect_error "entry with image and dir" "needs exactly one of 'image' .* or 'dir'.*both\.json: x" \
  run --no-build --implementations "$work/both.json" -l "$work/logs-both"
printf '{ "x": { "url": "u", "role": "both" } }\n' > "$work/neither.json"
expect_error "entry with neither image nor dir" "needs exactly one of 'image' .* or 'dir'.*neither\.json: x" \
  run --no-build --implementations "$work/neither.json" -l "$work/logs-neither"

# qir list: each image and whether it is available locally; qir pull unpacks; list again.
printf '{ "img-oci": { "image": "oci:%s/quic-go.oci:latest", "url": "u", "role": "both" },
  "img-docker": { "image": "docker-archive:%s/quic-go.docker.tar", "url": "u", "role": "both" },
  "img-gone": { "image": "docker-archive:%s/gone.tar", "url": "u", "role": "both" } }\n' \
  "$images" "$images" "$work" > "$work/list.json"
printf '{ "img-oci": { "image": "oci:%s/quic-go.oci:latest", "url": "u", "role": "both" },
  "img-docker": { "image": "docker-archive:%s/quic-go.docker.tar", "url": "u", "role": "both" } }\n' \
  "$images" "$images" > "$work/pull.json"
rm -rf "$cache"
# list_line NAME: the image line under implementation NAME in `qir list`.
list_line() { grep -A1 -E "^  $1 " "$work/list" | tail -n1; }
"$qir" list --implementations "$work/list.json" > "$work/list" 2> "$work/list.err" || { cat "$work/list.err"; fail "qir list failed"; }
list_line img-oci | grep -q "image oci:$images/quic-go.oci:latest: not unpacked yet" ||
  { cat "$work/list"; fail "qir list: img-oci not shown as not unpacked"; }
list_line img-docker | grep -q "image docker-archive:$images/quic-go.docker.tar: not unpacked yet" ||
  { cat "$work/list"; fail "qir list: img-docker not shown as not unpacked"; }
list_line img-gone | grep -q "image docker-archive:$work/gone.tar: not available: image archive not found" ||
  { cat "$work/list"; fail "qir list: img-gone not shown as not available"; }
[[ ! -d "$cache" ]] || [[ -z "$(find "$cache" -name 'sha256-*')" ]] || fail "qir list unpacked an image"
t0=$SECONDS
"$qir" pull --implementations "$work/pull.json" > "$work/pull" 2>&1 || { cat "$work/pull"; fail "qir pull failed"; }
pull_s=$((SECONDS - t0))
grep -Eq "^img-oci .* → sha256:[0-9a-f]{64}" "$work/pull" || { cat "$work/pull"; fail "qir pull: no digest for img-oci"; }
grep -Eq "^img-docker .* → sha256:[0-9a-f]{64}" "$work/pull" || { cat "$work/pull"; fail "qir pull: no digest for img-docker"; }
check_cache_clean "qir pull"
ls "$cache"/sha256-*/rootfs/quic-go/server > /dev/null 2>&1 || fail "qir pull: no unpacked quic-go image in $cache"
"$qir" list --implementations "$work/pull.json" > "$work/list" 2> "$work/list.err" || { cat "$work/list.err"; fail "qir list failed"; }
for name in img-oci img-docker; do
  list_line "$name" | grep -Eq "available locally \(sha256:[0-9a-f]{12}\)" ||
    { cat "$work/list"; fail "qir list after pull: $name not available locally"; }
done
echo "ok: qir list / pull (pull ${pull_s} s)"
for f in "${escapes[@]}"; do [[ ! -e "$f" ]] || fail "$f exists"; done
pass "image errors: $n one-line exit-2 errors leaving nothing behind; list and pull ($((SECONDS - started)) s)"

# Sourced by the build scripts: a private apt state for other Debian suites of
# the machine's own mirror, so /etc/apt and the system's packages are never
# touched. The entries are derived from the machine's apt sources: every entry
# for the machine's release (e.g. "bookworm", not "bookworm-security") is
# copied with its URIs and keyring, and only its suites are replaced.
#
#   apt_private_init DIR SUITE...   # writes DIR/etc, runs apt-get update
#   apt_private CMD ARGS...         # apt-get/apt-cache with that state
#   apt_private_fetch DEST PKG=VER...  # downloads binary packages into DEST
#   apt_private_unpack DEST ROOT    # dpkg -x every DEST/*.deb into ROOT
#   apt_private_fetch_root DEST ROOT PKG=VER...  # both, afresh; apt's log in DEST.log
#
# Packages are always named with an exact version (pkg=version) or suite
# (pkg/suite), so which suite a file comes from is never left to pinning.

apt_private_opts=()

# The machine's release codename (bookworm on Debian 12).
apt_private_codename() {
  . /etc/os-release && echo "${VERSION_CODENAME:?no VERSION_CODENAME in /etc/os-release}"
}

# Writes the derived entries for SUITE... into $1/etc. deb822 .sources
# paragraphs and one-line .list entries alike; deb and deb-src both.
apt_private_sources() {
  local etc="$1" codename f
  shift
  codename="$(apt_private_codename)"
  mkdir -p "$etc/sources.list.d" "$etc/preferences.d"
  : > "$etc/sources.list"
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] || continue
    awk -v codename="$codename" -v suites="$*" '
      BEGIN { RS = ""; FS = "\n" }
      {
        keep = 0
        for (i = 1; i <= NF; i++)
          if ($i ~ /^Suites:/) { n = split(substr($i, 8), s, /[ \t]+/); for (j = 1; j <= n; j++) if (s[j] == codename) keep = 1 }
        if (!keep) next
        for (i = 1; i <= NF; i++) {
          if ($i ~ /^Types:/) $i = "Types: deb deb-src"
          else if ($i ~ /^Suites:/) $i = "Suites: " suites
          if ($i !~ /^#/) print $i
        }
        print ""
      }' "$f" > "$etc/sources.list.d/${f##*/}"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] || continue
    local suite
    for suite in "$@"; do
      # deb [options] URI SUITE COMPONENTS...: only the machine's release's lines.
      sed -nE "s/^[[:space:]]*deb(-src)?([[:space:]]+(\[[^]]*\][[:space:]]+)?[^[:space:]]+[[:space:]]+)$codename([[:space:]].*)$/deb\2$suite\4\ndeb-src\2$suite\4/p" \
        "$f" >> "$etc/sources.list"
    done
  done
  # One line per derived entry, so duplicates (deb and deb-src lines) collapse.
  sort -u -o "$etc/sources.list" "$etc/sources.list"
}

apt_private_init() {
  local dir="$1"
  shift
  rm -rf "$dir"
  mkdir -p "$dir/state/lists/partial" "$dir/cache/archives/partial"
  : > "$dir/state/status"
  apt_private_sources "$dir/etc" "$@"
  apt_private_opts=(-q -o "Dir::State=$dir/state" -o "Dir::State::status=$dir/state/status"
    -o "Dir::Cache=$dir/cache" -o "Dir::Etc::SourceList=$dir/etc/sources.list"
    -o "Dir::Etc::SourceParts=$dir/etc/sources.list.d" -o "Dir::Etc::Preferences=$dir/etc/preferences"
    -o "Dir::Etc::PreferencesParts=$dir/etc/preferences.d" -o APT::Sandbox::User=root)
  if ! apt-get "${apt_private_opts[@]}" update > "$dir/update.log" 2>&1; then
    cat "$dir/update.log" >&2
    return 1
  fi
}

apt_private() {
  local cmd="$1"
  shift
  "$cmd" "${apt_private_opts[@]}" "$@"
}

apt_private_fetch() {
  local dest="$1"
  shift
  mkdir -p "$dest"
  (cd "$dest" && apt-get "${apt_private_opts[@]}" download "$@")
}

apt_private_unpack() {
  local dest="$1" root="$2" deb
  mkdir -p "$root"
  for deb in "$dest"/*.deb; do
    dpkg-deb -x "$deb" "$root"
  done
}

# Downloads the packages into DEST and unpacks them into ROOT, both made afresh;
# apt's output goes to DEST.log and is shown only on failure.
apt_private_fetch_root() {
  local dest="$1" root="$2"
  shift 2
  rm -rf "$dest" "$root"
  if ! apt_private_fetch "$dest" "$@" > "$dest.log" 2>&1; then
    cat "$dest.log" >&2
    return 1
  fi
  apt_private_unpack "$dest" "$root"
}

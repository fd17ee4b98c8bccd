# Sourced by bench/run.sh and bench/browser/run.sh: the bundle sizes and
# their generation, so both benchmarks measure the same files. The caller
# defines die().

# users_of SIZE: users of the S, M, L or XL bundle. XL is for the browser
# benchmark only (bench/browser/run.sh): the largest bundle a 4 GiB tab
# holds. XL_USERS sets its size (default 2,000,000 users, about 9.4 GiB of
# CSV); a bundle generated with another XL_USERS is generated again.
users_of() {
  case "$1" in
    S) echo 1000 ;;
    M) echo 100000 ;;
    L) echo 1000000 ;;
    XL) echo "${XL_USERS:-2000000}" ;;
    *) die "unknown size '$1' (expected S, M, L or XL)" ;;
  esac
}

# ensure_bundle BIN SIZE DIR [--dump]: generates SIZE's bundle into DIR with
# BIN's demo-data, once (DIR/.done marks a complete bundle), and prints how
# long the generator took and how much it wrote (the demo generator's
# speed: M is its 100,000-user figure).
ensure_bundle() {
  local bin=$1 size=$2 dir=$3; shift 3
  [ -f "$dir/.done" ] && [ "$(cat "$dir/.done")" = "$(users_of "$size")" ] && return 0
  # Bundles marked before the user count was written are S, M or L.
  [ -f "$dir/.done" ] && [ ! -s "$dir/.done" ] && [ "$size" != XL ] && return 0
  echo "bench: generating $size ($(users_of "$size") users) into $dir" >&2
  rm -rf "$dir"
  local t0 t1
  t0=$(date +%s.%N)
  "$bin" demo-data --out "$dir" --users "$(users_of "$size")" "$@" >/dev/null || die "demo-data failed"
  t1=$(date +%s.%N)
  local bytes
  bytes=$(du -sb "$dir" | cut -f1)
  awk -v s="$t0" -v e="$t1" -v b="$bytes" -v n="$size" \
    'BEGIN { d = e - s; printf "bench: demo-data %s: %.2f s, %.1f MB, %.1f MB/s\n", n, d, b / 1e6, b / 1e6 / d }' >&2
  users_of "$size" > "$dir/.done"
}

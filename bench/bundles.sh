# Sourced by bench/run.sh and bench/browser/run.sh: the bundle sizes and
# their generation, so both benchmarks measure the same files. The caller
# defines die().

# users_of SIZE: users of the S, M or L bundle.
users_of() {
  case "$1" in
    S) echo 1000 ;;
    M) echo 100000 ;;
    L) echo 1000000 ;;
    *) die "unknown size '$1' (expected S, M or L)" ;;
  esac
}

# ensure_bundle BIN SIZE DIR [--dump]: generates SIZE's bundle into DIR with
# BIN's demo-data, once (DIR/.done marks a complete bundle).
ensure_bundle() {
  local bin=$1 size=$2 dir=$3; shift 3
  [ -f "$dir/.done" ] && return 0
  echo "bench: generating $size ($(users_of "$size") users) into $dir" >&2
  rm -rf "$dir"
  "$bin" demo-data --out "$dir" --users "$(users_of "$size")" "$@" >/dev/null || die "demo-data failed"
  touch "$dir/.done"
}

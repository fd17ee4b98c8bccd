#!/usr/bin/env bash
# Runs the cargo-fuzz targets of the engine's input side, one at a time.
#
#   scripts/fuzz.sh                  # every target, 600 s each
#   scripts/fuzz.sh csv_table 60     # one target for 60 s
#   scripts/fuzz.sh all 1800         # every target, 30 min each
#
# Targets: csv_table (the CSV table loader), dumpdata (the dumpdata JSON
# loader), zip_input (Bundle::add_zip), timestamp (the timestamp parser).
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz builds with
# nightly flags (-Zsanitizer=address); on a stable toolchain this script
# sets RUSTC_BOOTSTRAP=1 so stable rustc accepts them.
#
# Seeds come from fuzz/seeds/<target>; the growing corpus lives in
# fuzz/corpus/<target> (not committed). A crash leaves its input in
# fuzz/artifacts/<target>/ and makes this script exit non-zero: copy the
# input into tests/corpus/fuzz-regressions/<target>/ (the engine's test
# `fuzz_regressions` replays every file there), fix the bug, run again.
set -euo pipefail

cd "$(dirname "$0")/../fuzz"

ALL=(csv_table dumpdata zip_input timestamp)
target="${1:-all}"
seconds="${2:-600}"
jobs="${FUZZ_JOBS:-1}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "error: cargo-fuzz is not installed; run: cargo install cargo-fuzz" >&2
    exit 2
fi
if ! rustc --version | grep -q nightly; then
    export RUSTC_BOOTSTRAP=1
fi

if [ "$target" = all ]; then
    targets=("${ALL[@]}")
else
    case " ${ALL[*]} " in
        *" $target "*) targets=("$target") ;;
        *) echo "error: unknown target $target; expected one of: all ${ALL[*]}" >&2; exit 2 ;;
    esac
fi

if [ "${#targets[@]}" = 1 ]; then
    cargo fuzz build -O "${targets[0]}"
else
    cargo fuzz build -O
fi

for t in "${targets[@]}"; do
    mkdir -p "corpus/$t"
    # Seeds plus the crash inputs already fixed (they stay interesting).
    cp -n seeds/"$t"/* "corpus/$t/" 2>/dev/null || true
    if [ -d "../tests/corpus/fuzz-regressions/$t" ]; then
        cp -n ../tests/corpus/fuzz-regressions/"$t"/* "corpus/$t/" 2>/dev/null || true
    fi
    echo "== fuzzing $t for ${seconds}s (jobs=$jobs)" >&2
    parallel=()
    if [ "$jobs" -gt 1 ]; then
        # libFuzzer then writes each job's log to fuzz-<n>.log.
        parallel=(-jobs="$jobs" -workers="$jobs")
    fi
    cargo fuzz run -O "$t" "corpus/$t" -- \
        -max_total_time="$seconds" "${parallel[@]}" \
        -rss_limit_mb=4096 -max_len=65536 -timeout=30 -print_final_stats=1
done

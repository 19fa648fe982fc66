#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for a bounded time.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# SECONDS per target (default 60); TARGETs default to all of them. Needs
# cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz passes nightly-only
# flags to rustc (the sanitizer and coverage instrumentation); on a stable
# toolchain RUSTC_BOOTSTRAP=1 lets rustc accept them, so no nightly is
# needed. The first run builds dxlint with instrumentation (several
# minutes); later runs reuse the build.
#
# Each target starts from its seeds (fuzz/seeds/<target>, plus the fixtures
# that fit it) and keeps what it learns in fuzz/corpus/<target> (not
# committed). A crash stops that target and leaves the input in
# fuzz/artifacts/<target>/; after fixing it, copy the input to
# fuzz/regressions/<target>/ so that `cargo test` replays it
# (tests/fuzz_regressions.rs). The script ends with a table of executions
# and crashes per target, and exits 1 if any target crashed.
set -uo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "error: cargo-fuzz is not installed: cargo install cargo-fuzz" >&2
    exit 2
fi
export RUSTC_BOOTSTRAP=1

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

# Fixtures that make good starting points, by target.
extra_seeds() {
    case "$1" in
        order_file | tabular_xml) echo fixtures/codesets ;;
        rule_pack) echo rules ;;
        *) ;;
    esac
}

# Inputs the targets need no more of than this: claim files of a few
# kilobytes already reach every reader state; the code-set importers get
# more room for whole chapters.
max_len() {
    case "$1" in
        code_lookup) echo 64 ;;
        order_file | tabular_xml) echo 65536 ;;
        *) echo 16384 ;;
    esac
}

echo "building the fuzz targets..."
if ! cargo fuzz build --fuzz-dir fuzz >fuzz/build.log 2>&1; then
    cat fuzz/build.log >&2
    exit 2
fi

mkdir -p fuzz/logs
status=0
summary=()
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    log="fuzz/logs/$t.log"
    echo "fuzzing $t for ${seconds}s..."
    # shellcheck disable=SC2046
    cargo fuzz run --fuzz-dir fuzz "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" $(extra_seeds "$t") -- \
        -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1
    code=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    crashed=$(ls "fuzz/artifacts/$t" 2>/dev/null | grep -c -E '^(crash|oom|timeout|leak)-' || true)
    if [ "$code" -ne 0 ]; then
        status=1
        echo "  $t FAILED (exit $code); see $log and fuzz/artifacts/$t/"
    fi
    summary+=("$(printf '%-16s %12s executions  %s artifacts  exit %s' "$t" "${execs:-?}" "$crashed" "$code")")
done

echo
echo "target           executions            artifacts"
printf '%s\n' "${summary[@]}"
exit "$status"

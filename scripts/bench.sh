#!/usr/bin/env bash
# Throughput benchmark: dxlint against the floor and a peer, on the same
# generated files.
#
#   scripts/bench.sh [ROWS...]          default: 100000 1000000 5000000
#
# For each size, one wide claims file is generated (gen-claims, seed 7) into
# a temporary folder that is removed at the end, and measured with:
#   (a) floor: examples/csv-floor, the csv crate reading every record as
#       ByteRecords and touching every field;
#   (a2) claims floor: examples/claims-floor, the same reading plus what
#       any checker does before its first rule (each row's claim id looked
#       up among the claims seen, the service date read, each diagnosis
#       cell numbered through a table of distinct cells);
#   (a3) the claims floor reading with dxlint's own record reader
#       (claims-floor --dxlint-reader) instead of the csv crate's;
#   (b) dxlint check --format jsonl -o FILE --quiet with the default rules,
#       with --threads 1 and with every core (--threads $(nproc));
#   (c) peer: scripts/bench/peer.py, Python's csv module and the PyPI
#       package simple-icd-10-cm checking validity and billability of each
#       diagnosis cell (in a virtualenv this script creates).
# The 1M-row file is also split into 100 files of 10,000 rows, checked in
# one run with 1 thread and with every core (a run of many files). At 1M
# rows, a long-layout file (gen-claims --layout long: one row per
# diagnosis, grouped into claims by claim id) is checked the same way; its
# ratios are left out, the floor and the peer having read another file.
# Also at 1M rows, every report format on every core, to show that output
# is never the bottleneck: wall and CPU time, peak RSS and bytes written,
# against jsonl's (BENCH_FORMATS=0 skips it).
# Then start-up: dxlint on a 10-row file (hyperfine when installed).
#
# Environment:
#   BENCH_RUNS=3          runs per measurement; the fastest wall time is kept
#   PEER_MAX_ROWS=5000000 skip the peer above this many rows
#   BENCH_VENV=DIR        virtualenv for the peer (default ~/.cache/dxlint-bench/venv)
#   BENCH_KEEP=1          keep the temporary folder
#   BENCH_FORMATS=0       skip the report formats at 1M rows
#
# Wall times come from bash's EPOCHREALTIME, peak RSS from /usr/bin/time.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${BENCH_RUNS:-3}
RUNS0=$RUNS
PEER_MAX_ROWS=${PEER_MAX_ROWS:-5000000}
VENV=${BENCH_VENV:-$HOME/.cache/dxlint-bench/venv}
SIZES=("$@")
if [ ${#SIZES[@]} -eq 0 ]; then
    SIZES=(100000 1000000 5000000)
fi
NPROC=$(nproc)

if [ ! -x /usr/bin/time ]; then
    echo "error: /usr/bin/time is missing (apt-get install time)" >&2
    exit 2
fi

echo "building (release)..." >&2
cargo build --release --quiet --bin dxlint --example gen-claims --example csv-floor --example claims-floor
TARGET=${CARGO_TARGET_DIR:-target}/release
DXLINT=$TARGET/dxlint
GEN=$TARGET/examples/gen-claims
FLOOR=$TARGET/examples/csv-floor
CLAIMS_FLOOR=$TARGET/examples/claims-floor

if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c "import simple_icd_10_cm" 2>/dev/null; then
    echo "creating the peer's virtualenv in $VENV..." >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet simple-icd-10-cm
fi
PEER_VERSION=$("$VENV/bin/python" -c "import importlib.metadata as m; print(m.version('simple-icd-10-cm'))")

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dxlint-bench.XXXXXX")
if [ -z "${BENCH_KEEP:-}" ]; then
    trap 'rm -rf "$TMP"' EXIT
else
    echo "keeping $TMP" >&2
fi

HAS_THREADS=0
if "$DXLINT" check --help | grep -q -- '--threads'; then
    HAS_THREADS=1
fi

# measure NAME CMD...: runs CMD $RUNS times; sets BEST (seconds), CPU
# (user + system seconds of that run) and RSS (KB, largest of the runs).
measure() {
    local name=$1
    shift
    BEST=""
    CPU=""
    RSS=0
    local i t0 t1 dt r c
    for ((i = 0; i < RUNS; i++)); do
        t0=$EPOCHREALTIME
        /usr/bin/time -f '%M %U %S' -o "$TMP/rss" "$@" >/dev/null 2>"$TMP/stderr" || true
        t1=$EPOCHREALTIME
        dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
        read -r r u sy < <(tail -n 1 "$TMP/rss")
        c=$(awk -v u="$u" -v s="$sy" 'BEGIN { printf "%.2f", u + s }')
        if [ -z "$BEST" ] || awk -v a="$dt" -v b="$BEST" 'BEGIN { exit !(a < b) }'; then
            BEST=$dt
            CPU=$c
        fi
        if [ "$r" -gt "$RSS" ]; then
            RSS=$r
        fi
    done
    echo "  $name: ${BEST}s (cpu ${CPU}s), ${RSS} KB" >&2
}

rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
mbs() { awk -v b="$1" -v t="$2" 'BEGIN { printf "%.1f", b / 1e6 / t }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b == 0) print "-"; else printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

ROWS_OUT=()
FORMATS_OUT=()
row() {
    # size, tool, seconds, rss, rows, bytes, floor_rate, peer_rate, cpu seconds, (a3) rate
    local r
    r=$(rate "$5" "$3")
    ROWS_OUT+=("| $1 | $2 | $3 | $9 | $r | $(mbs "$6" "$3") | $(mb "$4") | $(ratio "$r" "$7") | $(ratio "$r" "${10}") | $(ratio "$r" "$8") |")
}

for n in "${SIZES[@]}"; do
    file="$TMP/claims-$n.csv"
    echo "generating $n rows..." >&2
    "$GEN" --rows "$n" --seed 7 >"$file" 2>/dev/null
    bytes=$(stat -c %s "$file")
    size_label="$n rows, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }')"

    measure floor "$FLOOR" "$file"
    floor_t=$BEST floor_rss=$RSS floor_cpu=$CPU
    floor_rate=$(rate "$n" "$floor_t")
    measure "claims floor" "$CLAIMS_FLOOR" "$file"
    cfloor_t=$BEST cfloor_rss=$RSS cfloor_cpu=$CPU
    measure "claims floor, dxlint's reader" "$CLAIMS_FLOOR" --dxlint-reader "$file"
    dfloor_t=$BEST dfloor_rss=$RSS dfloor_cpu=$CPU
    dfloor_rate=$(rate "$n" "$dfloor_t")

    peer_t="" peer_rss=0 peer_rate=0
    if [ "$n" -le "$PEER_MAX_ROWS" ]; then
        RUNS_SAVED=$RUNS
        RUNS=1
        measure peer "$VENV/bin/python" scripts/bench/peer.py "$file" "$TMP/peer.out"
        RUNS=$RUNS_SAVED
        peer_t=$BEST peer_rss=$RSS peer_cpu=$CPU
        peer_rate=$(rate "$n" "$peer_t")
    fi

    if [ "$HAS_THREADS" = 1 ]; then
        measure "dxlint 1 thread" "$DXLINT" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet --threads 1 "$file"
        one_t=$BEST one_rss=$RSS one_cpu=$CPU
        measure "dxlint $NPROC threads" "$DXLINT" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet --threads "$NPROC" "$file"
        all_t=$BEST all_rss=$RSS all_cpu=$CPU
    else
        measure "dxlint" "$DXLINT" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet "$file"
        one_t=$BEST one_rss=$RSS one_cpu=$CPU
        all_t=""
    fi
    findings=$(wc -l <"$TMP/out.jsonl")
    echo "  dxlint findings: $findings" >&2

    row "$size_label" "(a) floor: csv ByteRecord" "$floor_t" "$floor_rss" "$n" "$bytes" "$floor_rate" "$peer_rate" "$floor_cpu" "$dfloor_rate"
    row "$size_label" "(a2) claims floor: + claim ids, dates, code cells numbered" "$cfloor_t" "$cfloor_rss" "$n" "$bytes" "$floor_rate" "$peer_rate" "$cfloor_cpu" "$dfloor_rate"
    row "$size_label" "(a3) claims floor on dxlint's record reader" "$dfloor_t" "$dfloor_rss" "$n" "$bytes" "$floor_rate" "$peer_rate" "$dfloor_cpu" "$dfloor_rate"
    row "$size_label" "(b) dxlint, 1 thread" "$one_t" "$one_rss" "$n" "$bytes" "$floor_rate" "$peer_rate" "$one_cpu" "$dfloor_rate"
    if [ -n "$all_t" ]; then
        row "$size_label" "(b) dxlint, $NPROC threads" "$all_t" "$all_rss" "$n" "$bytes" "$floor_rate" "$peer_rate" "$all_cpu" "$dfloor_rate"
        ROWS_OUT+=("| $size_label | speed-up, $NPROC threads over 1 | | | | | | $(ratio "$one_t" "$all_t")x | | |")
    fi
    if [ -n "$peer_t" ]; then
        row "$size_label" "(c) peer: Python + simple-icd-10-cm $PEER_VERSION" "$peer_t" "$peer_rss" "$n" "$bytes" "$floor_rate" "$peer_rate" "$peer_cpu" "$dfloor_rate"
    else
        ROWS_OUT+=("| $size_label | (c) peer | skipped (PEER_MAX_ROWS=$PEER_MAX_ROWS) | | | | | | | |")
    fi
    if [ "$n" = 1000000 ] && [ "$HAS_THREADS" = 1 ]; then
        mkdir -p "$TMP/many"
        tail -n +2 "$file" | split -l 10000 -d -a 3 - "$TMP/many/part"
        for part in "$TMP"/many/part???; do
            { head -n 1 "$file"; cat "$part"; } >"$part.csv"
            rm "$part"
        done
        many_label="$n rows in 100 files, $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }')"
        measure "dxlint 1 thread, 100 files" "$DXLINT" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet --threads 1 "$TMP"/many/*.csv
        many_one_t=$BEST
        row "$many_label" "(b) dxlint, 1 thread" "$BEST" "$RSS" "$n" "$bytes" "$floor_rate" "$peer_rate" "$CPU" "$dfloor_rate"
        measure "dxlint $NPROC threads, 100 files" "$DXLINT" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet --threads "$NPROC" "$TMP"/many/*.csv
        row "$many_label" "(b) dxlint, $NPROC threads" "$BEST" "$RSS" "$n" "$bytes" "$floor_rate" "$peer_rate" "$CPU" "$dfloor_rate"
        ROWS_OUT+=("| $many_label | speed-up, $NPROC threads over 1 | | | | | | $(ratio "$many_one_t" "$BEST")x | | |")
        rm -rf "$TMP/many"

        long="$TMP/long-$n.csv"
        "$GEN" --rows "$n" --seed 7 --layout long >"$long" 2>/dev/null
        long_bytes=$(stat -c %s "$long")
        long_label="$n rows, long layout, $(awk -v b="$long_bytes" 'BEGIN { printf "%.0f MB", b / 1e6 }')"
        measure "dxlint 1 thread, long layout" "$DXLINT" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet --threads 1 "$long"
        long_one_t=$BEST
        row "$long_label" "(b) dxlint, 1 thread" "$BEST" "$RSS" "$n" "$long_bytes" 0 0 "$CPU" 0
        measure "dxlint $NPROC threads, long layout" "$DXLINT" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet --threads "$NPROC" "$long"
        row "$long_label" "(b) dxlint, $NPROC threads" "$BEST" "$RSS" "$n" "$long_bytes" 0 0 "$CPU" 0
        ROWS_OUT+=("| $long_label | speed-up, $NPROC threads over 1 | | | | | | $(ratio "$long_one_t" "$BEST")x | | |")
        rm -f "$long"

        if [ "${BENCH_FORMATS:-1}" != 0 ]; then
            jsonl_t=""
            for format in jsonl short json sarif github html human; do
                measure "dxlint $NPROC threads, --format $format" "$DXLINT" check --isolated --format "$format" -o "$TMP/out.$format" --quiet --threads "$NPROC" "$file"
                [ "$format" = jsonl ] && jsonl_t=$BEST
                written=$(stat -c %s "$TMP/out.$format")
                FORMATS_OUT+=("| \`$format\` | $BEST | $CPU | $(mb "$RSS") | $(awk -v b="$written" 'BEGIN { printf "%.1f", b / 1e6 }') | $(ratio "$BEST" "$jsonl_t") |")
                rm -f "$TMP/out.$format"
            done
            formats_label="$size_label, $findings findings, $NPROC threads"
        fi
    fi
    rm -f "$file"
done

# Start-up: a 10-row file.
"$GEN" --rows 10 --seed 7 >"$TMP/small.csv" 2>/dev/null
small_cmd=("$DXLINT" check --isolated --format jsonl -o "$TMP/small.jsonl" --quiet "$TMP/small.csv")
startup=""
if command -v hyperfine >/dev/null 2>&1; then
    hyperfine -N --warmup 5 --runs 50 -i --export-json "$TMP/hf.json" "${small_cmd[*]}" >&2
    startup=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][0]; print('mean %.1f ms, median %.1f ms, min %.1f ms (hyperfine, 50 runs)' % (r['mean']*1e3, r['median']*1e3, r['min']*1e3))" "$TMP/hf.json")
else
    RUNS=20
    measure startup "${small_cmd[@]}"
    startup="min $(awk -v t="$BEST" 'BEGIN { printf "%.1f", t * 1000 }') ms of 20 runs"
fi
measure "startup rss" "${small_cmd[@]}"
startup_rss=$RSS

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
echo
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (uncommitted changes)')"
echo "Machine: $NPROC cores ($cpu), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo) RAM, load average before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Runs: best of $RUNS0 wall times (peer: 1 run), with that run's user + system CPU time; RSS is the largest peak of the runs."
echo "Other processes' load shares the cores: with every core busy, a second thread cannot speed a run up (compare wall and CPU time)."
echo
echo "| file | tool | wall s | cpu s | rows/s | MB/s | peak RSS MB | vs floor | vs (a3) | vs peer |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${ROWS_OUT[@]}"
echo
echo "Start-up + 10-row file: $startup; peak RSS $(mb "$startup_rss") MB"
if [ ${#FORMATS_OUT[@]} -gt 0 ]; then
    echo
    echo "Report formats ($formats_label):"
    echo
    echo "| format | wall s | cpu s | peak RSS MB | written MB | wall vs jsonl |"
    echo "|---|---:|---:|---:|---:|---:|"
    printf '%s\n' "${FORMATS_OUT[@]}"
fi

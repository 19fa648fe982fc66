#!/usr/bin/env bash
# Paired rounds: is revision B faster than revision A, and is its output
# the same?
#
#   scripts/compare.sh A B [ROWS] [ROUNDS]
#       A, B    git revisions (commits, branches, tags); B may be `.` for
#               the working tree as it is
#       ROWS    rows of the generated file (default 1000000, seed 7)
#       ROUNDS  rounds (default 6)
#
# Wall time on a shared machine moves by 10-20% from minute to minute, more
# than most single changes move it, so two binaries are only compared in
# runs made side by side: each round runs A on one thread and straight
# after on every core, then B the same way (the order alternates from round
# to round). The table gives each binary's median wall and CPU time, the
# range, and in how many rounds B was faster. Before timing, the two
# binaries' jsonl output is compared on the file, on 1 thread and on every
# core.
#
# Each revision is built in a git worktree under a temporary folder, into
# a target folder there that both builds share (removed at the end), so
# the checkout and its target folder are left alone; `.` is built in the
# checkout as usual.
#
# Environment:
#   COMPARE_FILE=PATH   time this claims file instead of a generated one
#   COMPARE_LAYOUT=long generate the file in the long layout (one row per
#                       diagnosis; gen-claims --layout), default wide
#   COMPARE_KEEP=1      keep the temporary folder
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 2 ]; then
    sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
REV_A=$1
REV_B=$2
ROWS=${3:-1000000}
ROUNDS=${4:-6}
NPROC=$(nproc)

if [ ! -x /usr/bin/time ]; then
    echo "error: /usr/bin/time is missing (apt-get install time)" >&2
    exit 2
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/dxlint-compare.XXXXXX")
cleanup() {
    git worktree remove --force "$TMP/tree" >/dev/null 2>&1 || true
    if [ -z "${COMPARE_KEEP:-}" ]; then
        rm -rf "$TMP"
    fi
}
trap cleanup EXIT

# build REV NAME: the release binary of REV, copied to $TMP/NAME.
build() {
    local rev=$1 name=$2 dir
    if [ "$rev" = . ]; then
        echo "building the working tree..." >&2
        env -u CARGO_TARGET_DIR cargo build --release --quiet --bin dxlint
        cp target/release/dxlint "$TMP/$name"
        return
    fi
    echo "building $rev..." >&2
    dir="$TMP/tree"
    git worktree add --quiet --detach "$dir" "$rev"
    (cd "$dir" && CARGO_TARGET_DIR="$TMP/target" cargo build --release --quiet --bin dxlint)
    cp "$TMP/target/release/dxlint" "$TMP/$name"
    git worktree remove --force "$dir"
}

label() {
    if [ "$1" = . ]; then
        echo "working tree"
    else
        git rev-parse --short "$1"
    fi
}

build "$REV_A" a
build "$REV_B" b

if [ -n "${COMPARE_FILE:-}" ]; then
    FILE=$COMPARE_FILE
    ROWS=$(($(wc -l <"$FILE") - 1))
    WHAT=$(basename "$FILE")
else
    LAYOUT=${COMPARE_LAYOUT:-wide}
    echo "generating $ROWS rows ($LAYOUT layout)..." >&2
    env -u CARGO_TARGET_DIR cargo build --release --quiet --example gen-claims
    FILE="$TMP/claims.csv"
    target/release/examples/gen-claims --rows "$ROWS" --seed 7 --layout "$LAYOUT" >"$FILE" 2>/dev/null
    WHAT="generated, $LAYOUT layout"
fi

run() { # BIN THREADS OUT
    "$TMP/$1" check --isolated --format jsonl -o "$3" --quiet --threads "$2" "$FILE" || true
}

same=yes
for t in 1 "$NPROC"; do
    run a "$t" "$TMP/a.jsonl"
    run b "$t" "$TMP/b.jsonl"
    if ! cmp -s "$TMP/a.jsonl" "$TMP/b.jsonl"; then
        same="no: the output differs on $t thread(s)"
        echo "warning: $(label "$REV_A") and $(label "$REV_B") write different findings on $t thread(s)" >&2
    fi
done

# One line per run: binary threads wall user+system.
: >"$TMP/times"
for ((r = 1; r <= ROUNDS; r++)); do
    echo "round $r of $ROUNDS..." >&2
    order=(a b)
    if ((r % 2 == 0)); then
        order=(b a)
    fi
    for bin in "${order[@]}"; do
        for t in 1 "$NPROC"; do
            /usr/bin/time -f "$bin $t %e %U %S" -o "$TMP/one" \
                "$TMP/$bin" check --isolated --format jsonl -o "$TMP/out.jsonl" --quiet --threads "$t" "$FILE" || true
            tail -n 1 "$TMP/one" >>"$TMP/times"
        done
    done
done

echo
echo "Date: $(date -u '+%Y-%m-%d %H:%M UTC'); $ROWS rows ($(awk -v b="$(stat -c %s "$FILE")" 'BEGIN { printf "%.0f MB", b / 1e6 }'), $WHAT), $ROUNDS rounds"
echo "Machine: $NPROC cores, load average before the rounds: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "A = $(label "$REV_A"), B = $(label "$REV_B"); same output: $same"
echo
awk -v rounds="$ROUNDS" -v nproc="$NPROC" -v la="$(label "$REV_A")" -v lb="$(label "$REV_B")" '
function median(list, n,    i, j, x, v) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) {
        x = v[i] + 0
        for (j = i - 1; j >= 1 && v[j] + 0 > x; j--) v[j + 1] = v[j]
        v[j + 1] = x
    }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function range(list,    n, i, v, lo, hi) {
    n = split(list, v, " ")
    lo = hi = v[1] + 0
    for (i = 2; i <= n; i++) {
        if (v[i] + 0 < lo) lo = v[i] + 0
        if (v[i] + 0 > hi) hi = v[i] + 0
    }
    return sprintf("%.2f-%.2f", lo, hi)
}
{
    key = $1 " " $2
    wall[key] = wall[key] " " $3
    cpu[key] = cpu[key] " " ($4 + $5)
    n[key]++
    seq[key, n[key]] = $3
}
END {
    print "| binary | threads | wall s, median (range) | cpu s, median |"
    print "|---|---:|---:|---:|"
    for (b = 0; b < 2; b++) {
        bin = b ? "b" : "a"
        name = b ? "B " lb : "A " la
        for (k = 0; k < 2; k++) {
            t = k ? nproc : 1
            key = bin " " t
            printf "| %s | %d | %.3f (%s) | %.3f |\n", name, t, median(wall[key]), range(wall[key]), median(cpu[key])
        }
    }
    print ""
    for (k = 0; k < 2; k++) {
        t = k ? nproc : 1
        faster = 0
        for (i = 1; i <= rounds; i++) if (seq["b " t, i] < seq["a " t, i]) faster++
        ma = median(wall["a " t]); mb = median(wall["b " t])
        printf "%d thread(s): B %+.1f%% wall (median), faster in %d of %d rounds\n", t, (mb - ma) / ma * 100, faster, rounds
    }
    printf "speed-up on %d threads over 1 (medians): A %.2fx, B %.2fx\n", nproc, median(wall["a 1"]) / median(wall["a " nproc]), median(wall["b 1"]) / median(wall["b " nproc])
}' "$TMP/times"

#!/bin/sh
# Benchmark: `omrade rates` against DuckDB (npm @duckdb/node-api) running the
# equivalent SQL (bench/rates_duckdb.mjs) on the same CSV files, same number
# of threads, measured in one run.  Prints wall time and peak resident memory
# of both and the ratios.  Not a test.
#
# usage: [RUNS=n] sh bench/rates.sh BUILD_DIR [PERSONS] [EVENTS] [THREADS]
#   RUNS (default 1): each tool runs RUNS times, interleaved (omrade, DuckDB
#   one query, DuckDB tables first, then again), and the fastest run of each
#   is reported with its peak memory: interleaving gives every tool the same
#   machine state, the minimum discards runs hit by outside load.
#   defaults: 1000000 persons, 10000000 events, 2 threads (development scale);
#   the target (issue 13) at 1/10 scale (1050000 10000000) and at full scale
#   (10500000 100000000): omrade >= 10x faster than the better of DuckDB's two
#   variants (one query over the files; tables loaded first with the events
#   filtered before DISTINCT), and <= 1/4 of its peak memory.  Report the
#   load average (printed) with the figures: a ratio taken under load is off.
# Inputs are generated into a temporary directory (deleted afterwards) by
# bench_rates_gen (person-major residence, events sorted by date).  DuckDB is
# installed into a temporary node_modules unless OMRADE_DUCKDB_DIR points to
# a directory that already has node_modules/@duckdb/node-api.
set -eu
BUILD=${1:-build}
PERSONS=${2:-1000000}
EVENTS=${3:-10000000}
THREADS=${4:-2}
here=$(cd "$(dirname "$0")" && pwd)
OMRADE=$(cd "$BUILD" && pwd)/omrade
GEN=$(cd "$BUILD" && pwd)/bench_rates_gen
tmp=$(mktemp -d "${TMPDIR:-/tmp}/omrade-bench-rates.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

duck=${OMRADE_DUCKDB_DIR:-$tmp/duck}
if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
    mkdir -p "$duck"
    (cd "$duck" && npm init -y >/dev/null 2>&1 && npm install --silent @duckdb/node-api >/dev/null 2>&1)
fi
cp "$here/rates_duckdb.mjs" "$duck/rates_duckdb.$$.mjs"

echo "generating $PERSONS persons, $EVENTS events in $tmp"
"$GEN" "$PERSONS" "$EVENTS" "$tmp" 1
ls -l "$tmp" | awk 'NR > 1 { printf "  %-16s %8.1f MB\n", $9, $5 / 1e6 }'
sync
# The files are read once before any tool runs, and the machine is given a
# few seconds after the generator: otherwise whichever tool runs first pays
# for the generator's writeback and freed memory.
cat "$tmp"/*.csv >/dev/null
sleep 5

measure() { # label, command...: prints "seconds kilobytes"
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$tmp/time.$label" "$@" >"$tmp/stdout.$label" 2>"$tmp/stderr.$label" || {
        echo "$label failed:"; cat "$tmp/stderr.$label"; exit 1; }
    cat "$tmp/time.$label"
}

export OMRADE_NO_PROGRESS=1
RUNS=${RUNS:-1}
best() { # previous "s kb" (or empty), new "s kb": the faster of the two
    if [ -z "$1" ]; then echo "$2"; else
        echo "$1 $2" | awk '{ if ($3 < $1) print $3, $4; else print $1, $2 }'; fi
}
om= dk= dt2= run=0
while [ "$run" -lt "$RUNS" ]; do
    run=$((run + 1))
    m=$(measure omrade "$OMRADE" rates --persons "$tmp/persons.csv" --residence "$tmp/residence.csv" \
        --types "$tmp/types.csv" --events "$tmp/events.csv" --outcome ami=I21,I22 --outcome cancer=C \
        --by type,year,sex --type-fallback nearest --threads "$THREADS" --out "$tmp/omrade.csv")
    om=$(best "$om" "$m")
    m=$(measure duckdb node "$duck/rates_duckdb.$$.mjs" "$tmp" "$THREADS" "$tmp/duckdb.csv" scan)
    dk=$(best "$dk" "$m")
    m=$(measure duckdb2 node "$duck/rates_duckdb.$$.mjs" "$tmp" "$THREADS" "$tmp/duckdb2.csv" tables)
    dt2=$(best "$dt2" "$m")
done
rm -f "$duck/rates_duckdb.$$.mjs"

# Same answer?  Totals of events and population over all cells.
# (omrade's leading '#' provenance lines are skipped, docs/provenance.md)
ot=$(awk -F, '/^#/ { next } ++r > 1 { e += $9; p += $11; n++ } END { printf "events %d pop %d cells %d", e, p, n }' "$tmp/omrade.csv")
dt=$(awk -F, 'NR > 1 { e += $5; p += $7; n++ } END { printf "events %d pop %d cells %d", e, p, n }' "$tmp/duckdb.csv")
dt2t=$(awk -F, 'NR > 1 { e += $5; p += $7; n++ } END { printf "events %d pop %d cells %d", e, p, n }' "$tmp/duckdb2.csv")
echo "omrade: $ot"
echo "duckdb (one query over the files): $dt"
echo "duckdb (tables loaded first):      $dt2t"
[ "$ot" = "$dt" ] && [ "$ot" = "$dt2t" ] || echo "WARNING: totals differ"
echo "load: $(uptime | sed 's/.*load average: //')"

set -- $om
ot_s=$1 om_kb=$2
set -- $dk
dk_s=$1 dk_kb=$2
set -- $dt2
d2_s=$1 d2_kb=$2
awk -v a="$ot_s" -v b="$dk_s" -v c="$d2_s" -v ma="$om_kb" -v mb="$dk_kb" -v mc="$d2_kb" -v t="$THREADS" -v runs="$RUNS" 'BEGIN {
    printf "threads %d, fastest of %d interleaved runs each\n", t, runs
    printf "omrade rates        : %8.2f s  %8.1f MB peak\n", a, ma / 1024
    printf "duckdb, one query   : %8.2f s  %8.1f MB peak\n", b, mb / 1024
    printf "duckdb, tables first: %8.2f s  %8.1f MB peak\n", c, mc / 1024
    best = b < c ? b : c; bm = b < c ? mb : mc
    printf "speed-up over the faster DuckDB %.2fx (target >= 10)   memory ratio %.2f (target <= 0.25)\n", best / a, ma / bm
}'

#!/bin/sh
# Benchmark: `omrade flows` (person flows between area types) against DuckDB
# (npm @duckdb/node-api) doing the same full outer self-join of residence on
# person and year (bench/flows_duckdb.mjs), same CSV files, same number of
# threads, measured in one run.  Prints wall time and peak resident memory of
# both, their ratios, and whether the two tables are identical.  Not a test.
#
# usage: sh bench/flows.sh BUILD_DIR [SCALE] [THREADS] [DATA_DIR]
#   SCALE of `omrade synth` (default 0.05; 1 = full scale, ~12 M persons
#   over 14 years); DATA_DIR: an existing synth output with counts.csv made
#   by `omrade indicators` (skips the generation, e.g. to rerun).
# Measured (full scale, 2 threads, DuckDB capped with OMRADE_DUCKDB_MEMORY=8GB,
# load average ~12 on 2 cores shared): omrade 44.7 s / 1.1 GB peak, DuckDB
# 1883 s / 8.5 GB peak, tables identical (132,440,543 person-years, 7,128 cells).
# Generated inputs go to a temporary directory deleted afterwards.  DuckDB is
# installed into a temporary node_modules unless OMRADE_DUCKDB_DIR points to
# a directory that already has node_modules/@duckdb/node-api.
set -eu
BUILD=${1:-build}
SCALE=${2:-0.05}
THREADS=${3:-2}
here=$(cd "$(dirname "$0")" && pwd)
OMRADE=$(cd "$BUILD" && pwd)/omrade
tmp=$(mktemp -d "${TMPDIR:-/tmp}/omrade-bench-flows.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

duck=${OMRADE_DUCKDB_DIR:-$tmp/duck}
if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
    mkdir -p "$duck"
    (cd "$duck" && npm init -y >/dev/null 2>&1 && npm install --silent @duckdb/node-api >/dev/null 2>&1)
fi
cp "$here/flows_duckdb.mjs" "$duck/flows_duckdb.$$.mjs"

export OMRADE_NO_PROGRESS=1
if [ $# -ge 4 ]; then
    data=$(cd "$4" && pwd)
else
    data=$tmp/syn
    echo "generating synthetic Sweden at scale $SCALE in $tmp"
    "$OMRADE" synth --scale "$SCALE" --seed 2023 --out "$data" 2>/dev/null
    "$OMRADE" indicators "$data" --out "$data/counts.csv"
fi
mkdir -p "$tmp/in"
ln -s "$data/persons.csv" "$tmp/in/persons.csv"
ln -s "$data/residence.csv" "$tmp/in/residence.csv"
[ -f "$data/counts.csv" ] || { echo "no $data/counts.csv: run omrade indicators DIR --out DIR/counts.csv"; exit 2; }
"$OMRADE" sei "$data/counts.csv" --out "$tmp/in/types.csv" 2>"$tmp/sei.err" || { cat "$tmp/sei.err"; exit 2; }
"$OMRADE" geo list --level deso --out "$tmp/in/deso.csv"
ls -lL "$tmp/in" | awk 'NR > 1 { printf "  %-16s %8.1f MB\n", $9, $5 / 1e6 }'
sync

measure() { # label, command...: prints "seconds kilobytes"
    label=$1
    shift
    /usr/bin/time -f "%e %M" -o "$tmp/time.$label" "$@" >"$tmp/stdout.$label" 2>"$tmp/stderr.$label" || {
        echo "$label failed:"; cat "$tmp/stderr.$label"; exit 1; }
    cat "$tmp/time.$label"
}

om=$(measure omrade "$OMRADE" flows --persons "$tmp/in/persons.csv" --residence "$tmp/in/residence.csv" \
    --types "$tmp/in/types.csv" --threads "$THREADS" --out "$tmp/omrade.csv")
dk=$(measure duckdb node "$duck/flows_duckdb.$$.mjs" "$tmp/in" "$THREADS" "$tmp/duckdb.csv")
rm -f "$duck/flows_duckdb.$$.mjs"

# Same table?  Both sorted, without omrade's '#' provenance lines and headers.
grep -v '^#' "$tmp/omrade.csv" | sed 1d | LC_ALL=C sort >"$tmp/o.sorted"
sed 1d "$tmp/duckdb.csv" | LC_ALL=C sort >"$tmp/d.sorted"
ot=$(awk -F, '{ p += $8; n++ } END { printf "persons %d cells %d", p, n }' "$tmp/o.sorted")
echo "omrade: $ot"
cat "$tmp/stdout.duckdb"
if cmp -s "$tmp/o.sorted" "$tmp/d.sorted"; then echo "tables identical"; else echo "WARNING: tables differ"; diff "$tmp/o.sorted" "$tmp/d.sorted" | head -5; fi

set -- $om
ot_s=$1 om_kb=$2
set -- $dk
dk_s=$1 dk_kb=$2
awk -v a="$ot_s" -v b="$dk_s" -v ma="$om_kb" -v mb="$dk_kb" -v t="$THREADS" 'BEGIN {
    printf "threads %d\n", t
    printf "omrade flows: %8.2f s  %8.1f MB peak\n", a, ma / 1024
    printf "duckdb      : %8.2f s  %8.1f MB peak\n", b, mb / 1024
    printf "speed-up %.2fx   memory ratio %.2f\n", b / a, ma / mb
}'
uptime

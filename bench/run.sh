#!/bin/sh
# Run every benchmark at development scale (`make bench`).  Each one measures
# omrade and a peer (DuckDB via npm @duckdb/node-api, awk, GSL, a naive
# method) in the same run and prints the ratio; none is a timed test.
# Full-scale runs take arguments, shown after each line; inputs always go to
# temporary directories that are deleted afterwards.
# usage: sh bench/run.sh BUILD_DIR
set -u
B=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
run() { echo; echo "=== $*"; "$@" || echo "(benchmark exited with $?)"; }
run sh "$here/csv.sh" "$B" 400                       # CSV reader MB/s vs DuckDB
run "$B/bench_scb" 5                                 # SCB export reader
run "$B/bench_sei" "$B/omrade" --reps 20             # omrade sei vs awk and DuckDB
run "$B/bench_seg"                                   # 290 kommuner x 14 years x 1,000 bootstrap replicates
run sh "$here/seg_duckdb.sh" "$B" 50                 # the same with DuckDB as peer
run "$B/bench_protect" 3 1                           # RegSO x sex x 18 ages, protected + audited (add "lp" for the LP-only comparison)
run "$B/bench_synth" 0.05 2                         # full scale: 1.0 2
run env RUNS=3 sh "$here/rates.sh" "$B" 1050000 10000000 2   # 1/10 scale, fastest of 3 each; full scale: 10500000 100000000 2
run sh "$here/barometer.sh" "$B" 500 60              # API p99 at 500 req/s (wrk, loopback), flat memory, first map render

#!/bin/sh
# Optional DuckDB peer for the seg benchmark, measured in the same run:
#   sh bench/seg_duckdb.sh BUILD_DIR [REPLICATES_FOR_DUCKDB]
# Installs @duckdb/node-api into a temporary directory (npm registry; never
# committed), generates the benchmark input with bench_seg --csv-out, times
# omrade (1,000 replicates, 2 threads) and DuckDB (default 50 replicates,
# 2 threads, scaled to 1,000), prints both and the ratio.
set -eu
build=$(cd "${1:-build}" && pwd)
dreps=${2:-50}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null 2>&1 && npm install --silent @duckdb/node-api >/dev/null 2>&1)
cp "$here/seg_duckdb.mjs" "$tmp/"
mkdir "$tmp/data"
"$build/bench_seg" --threads 2 --reps 1000 --peer-reps 5 --csv-out "$tmp/data" | tee "$tmp/omrade.txt"
ours=$(sed -n 's/.*threads: \([0-9.]*\) s wall.*/\1/p' "$tmp/omrade.txt")
duck=$(cd "$tmp" && node seg_duckdb.mjs "$tmp/data/quintiles.csv" "$dreps" 2)
echo "duckdb ($dreps replicates, 2 threads): $duck"
echo "$duck" | awk -v ours="$ours" -v r="$dreps" -F'"run_s":' '{ split($2, a, "}"); s = a[1] * 1000 / r;
  printf "duckdb scaled to 1000 replicates: %.1f s wall; ratio duckdb / omrade (wall): %.1f\n", s, s / ours }'

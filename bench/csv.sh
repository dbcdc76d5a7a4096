#!/bin/sh
# CSV reader benchmark: omrade's reader vs DuckDB on the same numeric file,
# 1 thread each (the target is >= 500 MB/s per core), then 2 threads.
# Usage: bench/csv.sh BUILD_DIR [MEGABYTES]
# The input goes to a temporary directory that is deleted at the end.
set -eu
build=${1:-build}
mb=${2:-400}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
sh "$here/node-peer.sh" "$tmp/node"
# person-year style numeric rows: lopnr,year,deso index,income,months,days
awk -v target=$((mb * 1000000)) 'BEGIN { srand(42); print "lopnr,year,area,income,months,share";
  bytes = 0; i = 0;
  while (bytes < target) { i++;
    line = sprintf("%d,%d,%d,%d,%d,%.2f", 1000000000 + i * 7, 2011 + i % 14, int(rand() * 5984), int(rand() * 900000), int(rand() * 13), rand() * 100);
    print line; bytes += length(line) + 1 } }' > "$tmp/num.csv"
size=$(wc -c < "$tmp/num.csv")
cat "$tmp/num.csv" > /dev/null  # warm the page cache for both tools
for t in 1 2; do
    o=$("$build/bench_csv" "$tmp/num.csv" $t)
    d=$(cd "$tmp/node" && node "$here/csv_duckdb.mjs" "$tmp/num.csv" $t)
    os=$(echo "$o" | sed 's/.*"seconds":\([0-9.]*\).*/\1/')
    ds=$(echo "$d" | sed 's/.*"seconds":\([0-9.]*\).*/\1/')
    echo "$o"
    echo "$d"
    awk -v s=$size -v o=$os -v d=$ds -v t=$t 'BEGIN { printf "threads=%d  omrade %.0f MB/s (%.0f MB/s per core)  duckdb %.0f MB/s  ratio omrade/duckdb speed = %.2fx\n", t, s/1e6/o, s/1e6/o/t, s/1e6/d, d/o }'
done

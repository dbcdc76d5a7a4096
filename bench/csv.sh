#!/bin/sh
# CSV reader benchmark: omrade's reader vs DuckDB on the same numeric file,
# 1 thread each, then 2.  Target (issue 13): >= 1 GB/s per core.
# Usage: [RUNS=n] bench/csv.sh BUILD_DIR [MEGABYTES]
# Prints, per thread count, GB/s and GB/s per core (= per thread) of:
#   reader   om_csv alone: validation (UTF-8, control bytes), records cut
#            into fields (bench_csv ... scan), the input checked as it is
#            read (om_csv_options.check_as_read; 2 threads: each slice
#            checks its own bytes on its thread);
#   reader, check at open   the same with the default check at open;
#   +numbers the reader plus every field parsed as a number (bench_csv ...
#            parse), which is what DuckDB's query (sum of every column) does.
# Wall-clock figures: report the load average (printed) with them.
# The input goes to a temporary directory that is deleted at the end.
set -eu
build=${1:-build}
mb=${2:-400}
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# DuckDB from OMRADE_DUCKDB_DIR when it has it (as bench/rates.sh), else installed into $tmp
node_dir=${OMRADE_DUCKDB_DIR:-$tmp/node}
sh "$here/node-peer.sh" "$node_dir"
# person-year style numeric rows: lopnr,year,deso index,income,months,days
awk -v target=$((mb * 1000000)) 'BEGIN { srand(42); print "lopnr,year,area,income,months,share";
  bytes = 0; i = 0;
  while (bytes < target) { i++;
    line = sprintf("%d,%d,%d,%d,%d,%.2f", 1000000000 + i * 7, 2011 + i % 14, int(rand() * 5984), int(rand() * 900000), int(rand() * 13), rand() * 100);
    print line; bytes += length(line) + 1 } }' > "$tmp/num.csv"
size=$(wc -c < "$tmp/num.csv")
cat "$tmp/num.csv" > /dev/null  # warm the page cache for both tools
secs() { echo "$1" | sed 's/.*"seconds":\([0-9.]*\).*/\1/'; }
cpus() { echo "$1" | sed 's/.*"cpu_seconds":\([0-9.]*\).*/\1/'; }
# RUNS (default 3): each tool runs that many times, interleaved, and its
# fastest run is reported (as bench/rates.sh): on this 2-vCPU machine one
# run of the same binary varies by up to 40 % (0.27-0.41 s on one thread).
runs=${RUNS:-3}
faster() { # the JSON line with the smaller "seconds" of $1 (may be empty) and $2
    if [ -z "$1" ] || awk -v a="$(secs "$2")" -v b="$(secs "$1")" 'BEGIN { exit !(a < b) }'; then
        echo "$2"; else echo "$1"; fi
}
for t in 1 2; do
    sc= so= pa= d=
    r=0
    while [ $r -lt "$runs" ]; do
        r=$((r + 1))
        sc=$(faster "$sc" "$("$build/bench_csv" "$tmp/num.csv" $t scan read)")
        so=$(faster "$so" "$("$build/bench_csv" "$tmp/num.csv" $t scan open)")
        pa=$(faster "$pa" "$("$build/bench_csv" "$tmp/num.csv" $t parse)")
        d=$(faster "$d" "$(cd "$node_dir" && node "$here/csv_duckdb.mjs" "$tmp/num.csv" $t)")
    done
    echo "threads=$t  fastest of $runs interleaved runs each"
    echo "$sc"
    echo "$so"
    echo "$pa"
    echo "$d"
    awk -v s="$size" -v a="$(secs "$sc")" -v b="$(secs "$pa")" -v d="$(secs "$d")" -v t=$t \
        -v o="$(secs "$so")" -v co="$(cpus "$so")" \
        -v ca="$(cpus "$sc")" -v cb="$(cpus "$pa")" 'BEGIN {
        printf "threads=%d  reader %.2f GB/s = %.2f GB/s per core (target >= 1)   +numbers %.2f GB/s = %.2f GB/s per core   duckdb %.2f GB/s   omrade +numbers / duckdb speed = %.2fx\n",
            t, s/1e9/a, s/1e9/a/t, s/1e9/b, s/1e9/b/t, s/1e9/d, d/b
        printf "threads=%d  reader, check at open %.2f GB/s = %.2f GB/s per core\n", t, s/1e9/o, s/1e9/o/t
        printf "threads=%d  per CPU second: reader %.2f GB/s   reader, check at open %.2f GB/s   +numbers %.2f GB/s\n", t, s/1e9/ca, s/1e9/co, s/1e9/cb }'
done
echo "load: $(uptime | sed 's/.*load average: //')"

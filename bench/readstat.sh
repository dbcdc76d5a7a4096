#!/bin/sh
# The SAS/Stata/SPSS path against the CSV path on the same data (not a
# test; docs/health.md): N rows of aggregated counts (group,age_band,events,
# pop; default 1,000,000) are written as CSV, converted by Debian's readstat
# CLI to .dta, .sav and .sas7bdat, and `omrade dsr` reads each; the script
# prints the wall time and peak memory of each and the time ratio to the
# CSV run.  Big files go
# to a temporary directory that is removed at the end.
# Usage: bench/readstat.sh [BUILD] [N]
set -eu
BUILD=${1:-build}
N=${2:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
OMRADE=$(cd "$BUILD" && pwd)/omrade
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
awk -v n="$N" 'BEGIN { print "group,age_band,events,pop"
  split("0-4 5-9 10-14 15-19 20-24 25-29 30-34 35-39 40-44 45-49 50-54 55-59 60-64 65-69 70-74 75-79 80-84 85-89 90+", b, " ")
  for (i = 0; i < n; i++) printf "g%d,%s,%d,%d\n", int(i / 19), b[i % 19 + 1], (i * 7) % 50, 1000 + (i * 13) % 9000 }' > "$tmp/a.csv"
sed 's/"STATA"/"SPSS"/' "$root/tests/data/readstat/meta-aggregated.json" > "$tmp/spss.json"
readstat "$tmp/a.csv" "$root/tests/data/readstat/meta-aggregated.json" "$tmp/a.dta" >/dev/null 2>&1
readstat "$tmp/a.csv" "$tmp/spss.json" "$tmp/a.sav" >/dev/null 2>&1
readstat "$tmp/a.dta" "$tmp/a.sas7bdat" >/dev/null 2>&1
# wall time and peak resident memory of each run (GNU time)
t_csv=0
for f in a.csv a.dta a.sav a.sas7bdat; do
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$OMRADE" dsr "$tmp/$f" --out "$tmp/out-$f.csv"
    t=$(cut -d' ' -f1 "$tmp/time")
    rss=$(cut -d' ' -f2 "$tmp/time")
    [ "$f" = a.csv ] && t_csv=$t
    cmp -s "$tmp/out-a.csv.csv" "$tmp/out-$f.csv" || { echo "$f: output differs from the CSV path" >&2; exit 1; }
    printf '%-12s %8s s  %6s x CSV  peak %7s KB  (%s bytes)\n' "$f" "$t" \
        "$(echo "scale=2; $t / $t_csv" | bc)" "$rss" "$(wc -c < "$tmp/$f")"
done

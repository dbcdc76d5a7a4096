#!/bin/sh
# Example: segregation indices of a small table, the ojämlikhetsindex from
# person-level data, and a bootstrap ranking from counts.  Checks the
# hand-computed values (docs/seg.md shows the arithmetic).
set -eu
OMRADE=${1:-omrade}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMRADE_NO_PROGRESS=1

# D = 2/3, isolation 3/4 (two_groups.csv)
"$OMRADE" seg two_groups.csv --decompose-by super.csv >"$tmp/idx.csv"
grep -qx 'dissimilarity,0.6666666666666667' "$tmp/idx.csv"
grep -qx 'isolation,0.75' "$tmp/idx.csv"
# between + within = total
awk -F, '{ v[$1] = $2 } END { d = v["mutual_m"] - v["mutual_m_between"] - v["mutual_m_within"];
  if (d < 0) d = -d; exit !(d < 1e-12) }' "$tmp/idx.csv"

# ojämlikhetsindex 50 (2022) and 75 (2023) for Bjurholm
"$OMRADE" seg --person-year person_year.csv --residence residence.csv --replicates 100 \
    --levels kommun --out "$tmp/oj.csv" 2>"$tmp/report.txt"
awk -F, '$1 == 2022 && $3 == "2403" { ok1 = $6 == 50 } $1 == 2023 && $3 == "2403" { ok2 = $6 == 75 }
  END { exit !(ok1 && ok2) }' "$tmp/oj.csv"
grep -q '3 without residence' "$tmp/report.txt"

# same results with 1 and 2 threads
"$OMRADE" seg --counts quintiles.csv --replicates 50 --threads 1 --out "$tmp/t1.csv"
"$OMRADE" seg --counts quintiles.csv --replicates 50 --threads 2 --out "$tmp/t2.csv"
cmp -s "$tmp/t1.csv" "$tmp/t2.csv"
"$OMRADE" seg --counts quintiles.csv --replicates 200 --rank --top 3
echo "examples/seg: ok"

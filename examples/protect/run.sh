#!/bin/sh
# Example: protect the hierarchical table and check the result independently
# of omrade: every small inner cell (1 <= count < 3) is suppressed, every
# published margin equals the sum of the input rows below it, and the
# primary cell's audited interval covers +-10 %.
set -eu
OMRADE=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$OMRADE" protect hier.csv --dims geo,sex --hier geo=geo-hier.csv --min-count 3 --audit --out "$tmp/out.csv"
awk -F, '
  /^#/ { next }
  !(FILENAME in hdr) { hdr[FILENAME] = 1; next }
  FILENAME ~ /geo-hier/ { par[$1] = $2; next }
  FILENAME ~ /hier.csv$/ {
      v[$1 "," $2] = $3
      for (g = $1; g != ""; g = par[g]) { sum[g "," $2] += $3; sum[g ",Total"] += $3 }
      next }
  {
      key = $1 "," $2
      if ((key in v) && v[key] >= 1 && v[key] < 3 && $4 != "primary") { print "not suppressed: " key; bad = 1 }
      if ($4 == "published" && !(key in v) && $3 != sum[key]) { print "margin " key " = " $3 ", expected " sum[key]; bad = 1 }
      if ($4 == "published" && (key in v) && $3 != v[key]) { print "cell " key " changed"; bad = 1 }
      if ($4 == "primary" && !($5 <= 0.9 * v[key] && $6 >= 1.1 * v[key])) { print "narrow: " key; bad = 1 }
      n++
  }
  END { if (n != 24) { print "expected 24 cells, found " n; bad = 1 }; exit bad }
' geo-hier.csv hier.csv "$tmp/out.csv"
echo "examples/protect: ok"

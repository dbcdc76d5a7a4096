#!/bin/sh
# Realism check: SEI and area types computed by omrade from real 2022 DeSO
# tables, compared with SCB's published 2022 area types (README.md here).
# usage: sh run.sh OMRADE_BIN   (runs as a test in `make test`)
set -eu
OMRADE=$1
case $OMRADE in /*) ;; *) OMRADE=$(pwd)/$OMRADE ;; esac
here=$(cd "$(dirname "$0")" && pwd)
scb=$(cd "$here/../../data/scb" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# 1. the real DeSO -> RegSO mapping, from omrade's registry
"$OMRADE" geo list --level deso --out "$tmp/deso.csv"
"$OMRADE" geo list --level regso --out "$tmp/regso.csv"

# 2. the SCB tables as downloaded -> tidy long CSV (omrade's SCB reader),
#    then DeSO counts summed to RegSO counts
for t in 000006TA 000005MO 000007A8; do
    "$OMRADE" import "$scb"/deso-2022-csv/${t}_*.csv --quiet --out "$tmp/$t.csv"
done
awk -f "$here/deso-to-regso.awk" "$tmp/deso.csv" \
    "$tmp/000006TA.csv" "$tmp/000005MO.csv" "$tmp/000007A8.csv" >"$tmp/regso-counts.csv"

# 3. SEI, z and area types
"$OMRADE" sei "$tmp/regso-counts.csv" --out "$tmp/types.csv" --summary

# 4. compare with SCB's published types (read by omrade's SCB reader)
"$OMRADE" import "$scb/regso-omradestyp-2022.csv" --quiet --out "$tmp/published.csv"
echo
awk -f "$here/compare.awk" "$tmp/regso.csv" "$tmp/published.csv" "$tmp/types.csv" \
    | tee "$tmp/compare.txt"

# 5. what must hold (README.md explains the floors)
awk -v floor=94.0 -v near_floor=99.5 '
  /^result / { for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] } }
  END {
    bad = 0
    if (v["registry"] != 3363 || v["published"] != 3363 || v["unknown"] != 0 ||
        v["untyped"] != 0 || v["matched"] != 3363) {
      print "FAIL: expected all 3,363 RegSO matched, found registry " v["registry"] \
            ", published " v["published"] ", unknown labels " v["unknown"] \
            ", without a type " v["untyped"] ", matched " v["matched"]; bad = 1 }
    if (v["agreement"] + 0 < floor) {
      print "FAIL: agreement " v["agreement"] " % below the floor " floor " %"; bad = 1 }
    if (v["within_one"] + 0 < near_floor) {
      print "FAIL: within-one-type agreement " v["within_one"] " % below " near_floor " %"; bad = 1 }
    if (!bad) print "OK: all 3,363 RegSO matched; same type " v["agreement"] " % >= " floor \
                    " %; within one type " v["within_one"] " % >= " near_floor " %"
    exit bad
  }' "$tmp/compare.txt"

#!/bin/sh
# Regenerate the real-data example inputs of docs/sei.md from the SCB tables
# in data/scb (provenance: data/README.md).
# usage: sh examples/sei/make-examples.sh path/to/omrade
set -eu
OMRADE=$1
here=$(cd "$(dirname "$0")" && pwd)
scb=$here/../../data/scb/deso-2022-csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$OMRADE" geo list --level deso --out "$tmp/deso.csv"
for t in 000006TA 000005MO 000007A8 000005FF; do
    f=$(ls "$scb"/${t}_*.csv | head -1)
    "$OMRADE" import "$f" --quiet --out "$tmp/$t.csv"
done
# RegSO counts for the three indicators, 2022 (see examples/realism-2022)
awk -f "$here/../realism-2022/deso-to-regso.awk" "$tmp/deso.csv" \
    "$tmp/000006TA.csv" "$tmp/000005MO.csv" "$tmp/000007A8.csv" >"$here/regso-2022.csv"
# population per RegSO, 2022
awk -f "$here/population.awk" "$tmp/deso.csv" "$tmp/000005FF.csv" >"$here/regso-population-2022.csv"

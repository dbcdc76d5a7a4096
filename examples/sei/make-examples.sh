#!/bin/sh
# Regenerate the real-data example inputs of docs/sei.md from the SCB tables
# in data/scb (provenance: data/README.md).
# usage: sh examples/sei/make-examples.sh path/to/omrade   (from the repo root)
set -eu
OMRADE=$1
here=$(cd "$(dirname "$0")" && pwd)
scb=$here/../../data/scb/deso-2022-csv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$OMRADE" geo list --level deso --out "$tmp/deso.csv"
# RegSO counts for the three indicators, 2022 (see examples/realism-2022)
awk -f "$here/../realism-2022/deso-to-regso.awk" "$tmp/deso.csv" \
    "$scb"/000006TA_*.csv "$scb"/000005MO_*.csv "$scb"/000007A8_*.csv \
    >"$here/regso-2022.csv"
# population per RegSO, 2022
awk -f "$here/population.awk" "$tmp/deso.csv" "$scb"/000005FF_20240813-152010.csv \
    >"$here/regso-population-2022.csv"

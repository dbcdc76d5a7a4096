#!/bin/sh
# `make demo`: the main job on embedded data, end to end.
#  1. SEI and area types from SCB's real 2022 DeSO tables, checked against
#     SCB's published 2022 area types;
#  2. a synthetic Swedish population (10 % scale, OMRADE_DEMO_SCALE) on the real geography;
#  3. indicators -> SEI -> area types -> summaries per kommun/län;
#  4. mortality rates by area type (age-standardised, ESP 2013) and the
#     slope/relative index of inequality;
#  5. the inequality index (ojämlikhetsindex) per kommun;
#  6. disclosure control of a RegSO table;
#  7. the barometer database and web server (when built).
# Everything is written under demo/ (or $OMRADE_DEMO_DIR).
set -eu
OMRADE=${1:-build/omrade}
case $OMRADE in /*) ;; *) OMRADE=$(pwd)/$OMRADE ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
out=${OMRADE_DEMO_DIR:-$root/demo}
mkdir -p "$out"
say() { printf '\n== %s\n' "$*"; }

say "1. Real data: SEI from SCB's 2022 DeSO tables vs SCB's published area types"
sh "$root/examples/realism-2022/run.sh" "$OMRADE" | tail -n 12

scale=${OMRADE_DEMO_SCALE:-0.1}
export OMRADE_DEMO_SCALE=$scale
say "2. Synthetic Sweden at scale $scale (seed 1) -> $out/synth"
"$OMRADE" synth --scale "$scale" --seed 1 --households --out "$out/synth"
ls -l "$out/synth" | awk 'NR > 1 { printf "   %-20s %10d bytes\n", $9, $5 }'

say "3. Indicators -> SEI -> area types ($out/types.csv), summaries ($out/types-summary.csv)"
"$OMRADE" indicators "$out/synth" --out "$out/indicators.csv"
"$OMRADE" sei "$out/indicators.csv" --out "$out/types.csv" --summary
"$OMRADE" types "$out/types.csv" --out "$out/types-summary.csv"
grep '^2023,riket' "$out/types-summary.csv"

say "4. Deaths from circulatory disease by area type, all years, crude and age-standardised (ESP 2013) ($out/mortality.csv)"
"$OMRADE" rates --persons "$out/synth/persons.csv" --residence "$out/synth/residence.csv" \
    --types "$out/types.csv" --events "$out/synth/deaths.csv" --outcome circulatory=I --method dec31 --years 2012-2024 \
    --by type --sii "$out/mortality-sii.csv" --out "$out/mortality.csv" 2>/dev/null
"$OMRADE" rates --persons "$out/synth/persons.csv" --residence "$out/synth/residence.csv" \
    --types "$out/types.csv" --events "$out/synth/deaths.csv" --outcome circulatory=I --method dec31 --years 2012-2024 \
    --by type --format table 2>/dev/null

say "5. Ojämlikhetsindex per kommun from person-level incomes ($out/inequality.csv)"
"$OMRADE" seg --person-year "$out/synth/person_year.csv" --residence "$out/synth/residence.csv" \
    --replicates 100 --out "$out/inequality.csv" 2>/dev/null
"$OMRADE" seg --person-year "$out/synth/person_year.csv" --residence "$out/synth/residence.csv" \
    --replicates 0 --levels kommun --rank --top 5 2>/dev/null | head -n 12

say "6. Disclosure control: circulatory admissions 2023 per RegSO x sex, min count 5, audited ($out/protected.csv)"
"$OMRADE" rates --persons "$out/synth/persons.csv" --residence "$out/synth/residence.csv" \
    --types "$out/types.csv" --events "$out/synth/admissions.csv" --outcome circulatory=I \
    --by regso,sex --years 2023 --standard none --out "$out/admissions-regso.csv" 2>/dev/null
awk -F, '/^#/ { next } !h { for (i = 1; i <= NF; i++) c[$i] = i; h = 1; print "regso,sex,count"; next }
    { print $c["regso"] "," $c["sex"] "," $c["events"] }' \
    "$out/admissions-regso.csv" > "$out/admissions-regso-counts.csv"
"$OMRADE" protect "$out/admissions-regso-counts.csv" --dims regso,sex --hier regso=@geo \
    --min-count 5 --audit --summary --out "$out/protected.csv"

if [ -x "$root/scripts/demo-barometer.sh" ]; then
    say "7. The barometer"
    exec sh "$root/scripts/demo-barometer.sh" "$OMRADE" "$out"
fi
say "Done. Outputs are in $out"

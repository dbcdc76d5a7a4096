#!/bin/sh
# The barometer part of `make demo` (called last by scripts/demo.sh): build
# the barometer database from SCB's real area types 2022/2023 and the
# synthetic population's barometer indicators, SEI and inequality index,
# then run the server in the foreground and print its address.
#   usage: scripts/demo-barometer.sh [OMRADE_BIN] [DEMO_DIR]
# DEMO_DIR: scripts/demo.sh's output directory; its synth/, types.csv (omrade
# sei output) and inequality.csv (omrade seg output) are reused when present,
# otherwise they are made here (in DEMO_DIR, or a temporary directory).
#   env: PORT (default 8080), OMRADE_DEMO_SCALE (synth --scale, default 0.1)
set -eu
OMRADE=${1:-build/omrade}
case $OMRADE in /*) ;; *) OMRADE=$(pwd)/$OMRADE ;; esac
root=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(cd "$(dirname "$OMRADE")" && pwd)
port=${PORT:-8080}
if [ -n "${2:-}" ]; then work=$2; mkdir -p "$work"; else
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT INT TERM; fi

set -- --types "$root/data/scb/regso-omradestyp-2022.csv" --types "$root/data/scb/regso-omradestyp-2023.csv"
# the police's list with its overlaps (kommuner; real RegSO around Uppsala);
# an omrade without GDAL says it skips them
set -- "$@" --police "$root/data/polisen/uso_2023.shp" --police-units "$root/data/geo/swe-maps-kommun.geojson" \
    --police-units "/vsizip/$root/data/geo/deso-2018-uppsala/Deso_inomUppsalaLan.zip"
if [ -f "$bindir/geo/regso.topo.json" ]; then
    set -- "$@" --geometry "$bindir/geo"
else
    echo "demo-barometer: no map layers in $bindir/geo (omrade built without GDAL?)" >&2
fi
if [ ! -f "$work/synth/person_year.csv" ]; then
    echo "== synthetic population (scale ${OMRADE_DEMO_SCALE:-0.1}, seed 1)"
    "$OMRADE" synth --scale "${OMRADE_DEMO_SCALE:-0.1}" --seed 1 --households --out "$work/synth"
fi
echo "== barometer indicators of the synthetic population, by sex, age, birth region and education"
"$OMRADE" indicators "$work/synth" --barometer --out "$work/barometer-indicators.csv"
set -- "$@" --indicators "$work/barometer-indicators.csv" \
    --linkage "synthetic persons linked to DeSO 2018 by residence on 31 December; DeSO to RegSO 2020 by SCB's mapping"
# SEI and its parts from the synthetic population (the published types of
# 2022/2023 stay the area types: --types wins)
if [ ! -f "$work/types.csv" ]; then
    "$OMRADE" indicators "$work/synth" --out "$work/sei-counts.csv"
    "$OMRADE" sei "$work/sei-counts.csv" --out "$work/types.csv"
fi
set -- "$@" --sei "$work/types.csv"
if [ ! -f "$work/inequality.csv" ]; then
    "$OMRADE" seg --person-year "$work/synth/person_year.csv" --residence "$work/synth/residence.csv" \
        --replicates 100 --out "$work/inequality.csv"
fi
set -- "$@" --seg "$work/inequality.csv"
# Need indices per kommun for the need view (#/behov, docs/need.md): the
# child-adapted SEI, the 2011 and 2013 sorting keys and the Care Need Index
# (its published weights, docs/need.md) of the synthetic population in 2023.
if [ -f "$work/synth/households.csv" ]; then
    echo "== need indices per kommun (child SEI, sorting keys 2011 and 2013, CNI)"
    if [ ! -f "$work/need-counts.csv" ]; then
        "$OMRADE" need --synth "$work/synth" --year 2023 --level kommun --out "$work/need-counts.csv"
    fi
    for i in child-sei key2011 key2013 cni; do
        "$OMRADE" need "$work/need-counts.csv" --index $i --year 2023 --out "$work/need-$i.csv"
        set -- "$@" --need "$work/need-$i.csv"
    done
else
    echo "demo-barometer: no $work/synth/households.csv (synth without --households): no need indices" >&2
fi
echo "== omrade build (disclosure control of the whole publication, audited by LP)"
"$OMRADE" build "$@" --synthetic --out "$work/barometer.db"
echo "== omrade serve: the barometer is at http://127.0.0.1:$port/  (Ctrl-C stops)"
exec "$OMRADE" serve --db "$work/barometer.db" --port "$port"

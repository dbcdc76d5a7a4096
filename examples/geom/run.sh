#!/bin/sh
# Example: real RegSO boundaries from a GeoPackage in SWEREF99 TM (EPSG:3006).
# The fixture has three real RegSO codes of Upplands Väsby (0114) on
# hand-made squares and one unknown code.  Its south-west corner is
# (E, N) = (500000, N0), N0 = 0.9996 * M(59.5 deg) = 6595729.4595 m, where M is
# the GRS80 meridian arc (Simpson integration of a(1-e^2)/(1-e^2 sin^2 t)^1.5);
# E = 500000 is the central meridian 15 E, so the corner is (15 E, 59.5 N).
set -eu
OMRADE=${1:-omrade}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export OMRADE_NO_PROGRESS=1

ogr2ogr -f GPKG -a_srs EPSG:3006 -nln RegSO_2020 "$tmp/regso.gpkg" regso-0114-sweref99tm.geojson
"$OMRADE" geom "$tmp/regso.gpkg" --level regso --out "$tmp/geo" 2>"$tmp/report.txt"
node check.mjs "$tmp/geo/regso.topo.json"
grep -q '^omrade geom: 3 regso areas from 4 features (layer RegSO_2020, field RegSOkod)' "$tmp/report.txt"
grep -q "^omrade geom: not written: 1 feature with a code not in the registry (first: '0114R999')" "$tmp/report.txt"

# the barometer database takes it as a real (not schematic) layer
"$OMRADE" build --geometry "$tmp/geo" --out "$tmp/b.sqlite" 2>/dev/null
[ "$(sqlite3 "$tmp/b.sqlite" "SELECT layer, schematic FROM geometry")" = "regso|0" ]

# bad inputs: exit 2 and one line
st=0; "$OMRADE" geom run.sh --out "$tmp/x" 2>"$tmp/err" || st=$?
[ $st -eq 2 ]
[ "$(wc -l <"$tmp/err")" -eq 1 ]
grep -q '^omrade geom: run.sh: expected a vector dataset GDAL can read' "$tmp/err"
st=0; "$OMRADE" geom "$tmp/regso.gpkg" --layer nosuch --out "$tmp/x" 2>"$tmp/err" || st=$?
[ $st -eq 2 ]
[ "$(wc -l <"$tmp/err")" -eq 1 ]
st=0; "$OMRADE" geom "$tmp/regso.gpkg" --level deso --out "$tmp/x" 2>"$tmp/err" || st=$?
[ $st -eq 2 ]
grep -q 'expected a layer with a deso code field' "$tmp/err"
[ ! -e "$tmp/x/deso.topo.json" ]
# projected metres in a file that claims WGS84 (GeoJSON without -a_srs)
ogr2ogr -f GPKG "$tmp/wgs.gpkg" regso-0114-sweref99tm.geojson
st=0; "$OMRADE" geom "$tmp/wgs.gpkg" --out "$tmp/x" 2>"$tmp/err" || st=$?
[ $st -eq 2 ]
grep -q 'found coordinates up to 6599729 (projected data without its CRS' "$tmp/err"
echo "example/geom: ok"

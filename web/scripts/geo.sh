#!/bin/sh
# The barometer's map layers, all made by `omrade geom` (C, GDAL/GEOS; see
# docs/barometer.md "Geometry"), from the boundaries shipped in data/:
#   lan, kommun   real kommun boundaries (data/geo/swe-maps-kommun.geojson),
#                 län dissolved from them with GEOS
#   regso         schematic RegSO cells cut out of the kommun boundaries
#   police        the police's vulnerable areas 2023 (data/polisen/uso_2023.shp)
#   deso          SCB's real DeSO 2018 polygons of Uppsala län (262 areas)
# Usage: geo.sh OMRADE OUT_DIR.  Writes into a temporary directory first and
# moves the layers into OUT_DIR only when every one was made.
set -eu
OMRADE=$1 OUT=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$OUT"
tmp=$(mktemp -d "$OUT/.geo.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
kommun="$root/data/geo/swe-maps-kommun.geojson"
"$OMRADE" geom "$kommun" --level kommun --out "$tmp"
"$OMRADE" geom "$kommun" --level lan --out "$tmp"
"$OMRADE" geom "$kommun" --level regso --schematic --out "$tmp"
# police areas are small (some a few hundred metres): a 5 m tolerance
"$OMRADE" geom "$root/data/polisen/uso_2023.shp" --level police --tolerance 5 --out "$tmp"
"$OMRADE" geom "/vsizip/$root/data/geo/deso-2018-uppsala/Deso_inomUppsalaLan.zip" --level deso --out "$tmp"
for f in "$tmp"/*.topo.json; do mv -f "$f" "$OUT/"; done

#!/bin/sh
# ctest driver for the browser test: build a database from the test fixtures,
# the real area types 2022/2023 and the map layers, serve it on an ephemeral
# loopback port, run e2e.mjs in headless Chromium, stop the server.
# Usage: run_e2e.sh OMRADE WEB_DIR GEO_DIR
set -eu
OMRADE=$1 WEB=$2 GEO=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
tmp=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fx="$root/tests/data/barometer"
"$OMRADE" build --types "$root/data/scb/regso-omradestyp-2022.csv" --types "$root/data/scb/regso-omradestyp-2023.csv" \
    --sei "$fx/sei.csv" --indicators "$fx/indicators.csv" --indicators "$fx/health.csv" --indicators "$fx/edu.csv" \
    --indicators "$here/data/similar-indicators.csv" --seg "$fx/seg.csv" --geometry "$GEO" \
    --police "$root/data/polisen/uso_2023.shp" --police-units "$root/data/geo/swe-maps-kommun.geojson" \
    --police-units "/vsizip/$root/data/geo/deso-2018-uppsala/Deso_inomUppsalaLan.zip" \
    --need "$fx/need-child-cni.csv" --need "$fx/need-key2011.csv" --need "$fx/need-key2013.csv" \
    --out "$tmp/b.db" 2>"$tmp/build.log"
# The fixtures are made-up numbers, not register data: say so, as a database
# built from the synthetic population does (meta data_source), so the test
# sees the banner whichever default omrade build gives hand-made inputs.
sqlite3 "$tmp/b.db" "INSERT OR REPLACE INTO meta(key, value) VALUES('data_source', 'synthetic')"
"$OMRADE" serve --db "$tmp/b.db" --web "$WEB" --port 0 --port-file "$tmp/port" 2>"$tmp/serve.log" &
pid=$!
i=0
while [ ! -s "$tmp/port" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$tmp/port" ] || { echo "server did not start"; cat "$tmp/serve.log"; exit 1; }
cd "$root/web"
# an omrade without GDAL stores no police overlaps (and says so): the table
# must then show the list without them
OMRADE_E2E_POLICE_OVERLAP=1
grep -q 'built without GDAL' "$tmp/build.log" && OMRADE_E2E_POLICE_OVERLAP=0
export OMRADE_E2E_POLICE_OVERLAP
node tests/e2e.mjs "http://127.0.0.1:$(cat "$tmp/port")" "${OMRADE_E2E_SHOT:-$tmp/shot.png}"
# the map painted from index.html before the app (docs/barometer.md, "First paint")
node tests/firstpaint.mjs "http://127.0.0.1:$(cat "$tmp/port")"

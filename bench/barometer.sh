#!/bin/sh
# Barometer benchmarks (not tests; see docs/barometer.md):
#  1. wrk (closed loop, 127.0.0.1 only) against omrade serve and a Node.js
#     peer answering the same bodies from memory; ratio of throughputs.
#  2. open loop at RATE requests/s for SECONDS (bench_serve): p99 and
#     errors, and the server's resident memory every 5 s (flat = no leak).
#  3. first render of the national RegSO map in headless Chromium.
#  4. the same open loop from 127.0.0.1 during an attack from other
#     loopback addresses: 2,000 idle sockets from 127.0.0.2 and a slowloris
#     of 600 connections from 127.0.0.3 (bench_serve_abuse attack); target
#     >= 99 % answered, p99 < 50 ms.
#  5. DISTINCT distinct valid API requests (each a cache miss; default
#     1,000,000): the server's resident memory before and after; target
#     after/before <= 1.10.
# Usage: bench/barometer.sh [BUILD] [RATE] [SECONDS] [DISTINCT]
set -eu
BUILD=${1:-build}
RATE=${2:-500}
SECS=${3:-60}
DISTINCT=${4:-1000000}
root=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "$BUILD" && pwd)
OMRADE=$BUILD/omrade
tmp=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT INT TERM
fx=$root/tests/data/barometer
"$OMRADE" build --types "$root/data/scb/regso-omradestyp-2022.csv" --types "$root/data/scb/regso-omradestyp-2023.csv" \
    --indicators "$fx/indicators.csv" --seg "$fx/seg.csv" --geometry "$BUILD/geo" --out "$tmp/b.db" 2>/dev/null
"$OMRADE" serve --db "$tmp/b.db" --web "$BUILD/web" --port 0 --port-file "$tmp/port" 2>/dev/null &
spid=$!
pids="$spid"
while [ ! -s "$tmp/port" ]; do sleep 0.1; done
port=$(cat "$tmp/port")
# a realistic mix: area types per kommun, type summaries, search, profiles, meta
for k in 0114 0180 1280 1480 2480 0580 1880 2180 0380 1283; do
    echo "/api/types?year=2023&within=$k"
    echo "/api/typesummary?year=2023&within=$k"
    echo "/api/area?code=$k"
done > "$tmp/urls"
for q in stock g%C3%B6te malm upps v%C3%A4st; do echo "/api/search?q=$q"; done >> "$tmp/urls"
echo "/api/meta" >> "$tmp/urls"
echo "/api/values?indicator=low_econ&level=kommun&year=2022" >> "$tmp/urls"
node "$root/bench/peer_server.mjs" "http://127.0.0.1:$port" "$tmp/urls" "$tmp/peerport" &
pids="$pids $!"
while [ ! -s "$tmp/peerport" ]; do sleep 0.1; done
peer=$(cat "$tmp/peerport")
cat > "$tmp/mix.lua" <<LUA
local urls, i = {}, 0
for l in io.lines("$tmp/urls") do urls[#urls + 1] = l end
request = function() i = i % #urls + 1; return wrk.format("GET", urls[i], {["Accept-Encoding"] = "gzip"}) end
LUA
echo "== 1. wrk, 2 threads, 16 connections, 10 s (closed loop)"
wrk -t2 -c16 -d10s --latency -s "$tmp/mix.lua" "http://127.0.0.1:$port" > "$tmp/wrk.omrade"
wrk -t2 -c16 -d10s --latency -s "$tmp/mix.lua" "http://127.0.0.1:$peer" > "$tmp/wrk.peer"
ro=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.omrade"); rp=$(awk '/Requests\/sec/ {print $2}' "$tmp/wrk.peer")
echo "omrade serve: $ro req/s, p99 $(awk '$1=="99%" {print $2}' "$tmp/wrk.omrade"), errors: $(grep -c 'Non-2xx\|Socket errors' "$tmp/wrk.omrade" || true)"
echo "node peer:    $rp req/s, p99 $(awk '$1=="99%" {print $2}' "$tmp/wrk.peer")"
awk -v a="$ro" -v b="$rp" 'BEGIN { printf "throughput ratio omrade/peer: %.2f\n", a / b }'
echo "== 2. open loop, $RATE req/s for $SECS s"
"$BUILD/bench_serve" "$port" "$tmp/urls" "$RATE" "$SECS" "$spid"
echo "peer:"
"$BUILD/bench_serve" "$peer" "$tmp/urls" "$RATE" 10
echo "== 3. first render of the national RegSO map"
if [ -x /usr/bin/chromium ]; then (cd "$root/web" && node tests/render.mjs "http://127.0.0.1:$port" 5); else echo "chromium not installed: skipped"; fi
echo "== 4. open loop, $RATE req/s for $SECS s from 127.0.0.1 during an attack from 127.0.0.2 and 127.0.0.3"
"$BUILD/bench_serve_abuse" attack "$port" $((SECS + 15)) 2000 600 > "$tmp/attack" &
apid=$!
pids="$pids $apid"
sleep 12 # the slowloris has reached the server's whole-request deadline (10 s) once
"$BUILD/bench_serve" "$port" "$tmp/urls" "$RATE" "$SECS" "$spid"
wait "$apid" || true
cat "$tmp/attack"
echo "== 5. $DISTINCT distinct valid API requests from 127.0.0.4"
"$BUILD/bench_serve_abuse" distinct "$port" "$DISTINCT" "$spid"

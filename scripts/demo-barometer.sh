#!/bin/sh
# The barometer part of `make demo` (called from scripts/demo.sh): build the
# barometer database from the real area types 2022/2023 (SCB) and, when the
# synth module is present, the synthetic population's barometer indicators;
# then run the server in the foreground and print its address.
#   usage: scripts/demo-barometer.sh [OMRADE_BIN]
#   env:   PORT (default 8080), OMRADE_DEMO_SCALE (synth --scale, default 0.01),
#          OMRADE_DEMO_DIR (keep the generated files there instead of a temp dir)
set -eu
OMRADE=${1:-build/omrade}
root=$(cd "$(dirname "$0")/.." && pwd)
bindir=$(cd "$(dirname "$OMRADE")" && pwd)
port=${PORT:-8080}
if [ -n "${OMRADE_DEMO_DIR:-}" ]; then work=$OMRADE_DEMO_DIR; mkdir -p "$work"; else
    work=$(mktemp -d); trap 'rm -rf "$work"' EXIT INT TERM; fi

set -- --types "$root/data/scb/regso-omradestyp-2022.csv" --types "$root/data/scb/regso-omradestyp-2023.csv"
if [ -f "$bindir/geo/regso.topo.json" ]; then
    set -- "$@" --geometry "$bindir/geo"
else
    echo "demo-barometer: no map layers in $bindir/geo (node/npm missing at build time?)" >&2
fi
if "$OMRADE" synth --help >/dev/null 2>&1 && "$OMRADE" indicators --help >/dev/null 2>&1; then
    echo "== synthetic population (scale ${OMRADE_DEMO_SCALE:-0.01}) and its barometer indicators"
    if "$OMRADE" synth --scale "${OMRADE_DEMO_SCALE:-0.01}" --seed 1 --out "$work/synth" &&
        "$OMRADE" indicators "$work/synth" --barometer --out "$work/indicators.csv"; then
        set -- "$@" --indicators "$work/indicators.csv" \
            --linkage "synthetic persons linked to DeSO 2018 by residence on 31 December, DeSO to RegSO 2020 by SCB's mapping"
        # SEI and its parts from the synthetic population (SCB's real types win for 2022/2023)
        if "$OMRADE" sei --help >/dev/null 2>&1 &&
            "$OMRADE" indicators "$work/synth" --out "$work/sei-counts.csv" &&
            "$OMRADE" sei "$work/sei-counts.csv" --out "$work/sei.csv"; then
            set -- "$@" --sei "$work/sei.csv"
        fi
        # the inequality index per kommun and län
        if "$OMRADE" seg --help >/dev/null 2>&1 &&
            "$OMRADE" seg --person-year "$work/synth/person_year.csv" --residence "$work/synth/residence.csv" \
                --replicates 100 --out "$work/seg.csv"; then
            set -- "$@" --seg "$work/seg.csv"
        fi
    else
        echo "demo-barometer: synth/indicators failed; serving the area types only" >&2
    fi
else
    echo "demo-barometer: omrade synth/indicators not built in; serving the real area types only" >&2
fi
echo "== omrade build"
"$OMRADE" build "$@" --out "$work/barometer.db"
echo "== omrade serve: the barometer is at http://127.0.0.1:$port/  (Ctrl-C stops)"
"$OMRADE" serve --db "$work/barometer.db" --port "$port"

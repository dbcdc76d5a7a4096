#!/bin/sh
# Disclosure control of `omrade build` (issue 10): wall time and peak memory
# (/usr/bin/time -v) of building the barometer database at a synthetic
# scale with this tree's protection ("new") and with the per-slice
# protection of commit 7e1781c ("old", built from `git archive` in a
# temporary directory), their ratio, and the suppressed cells per level in
# each database (status 2 = primary / any suppression in the old schema,
# 3 = secondary).  With ATTACK=1 the differencing attack of
# tests/unit/barometer/test_attack.c runs on both databases as well (no LP:
# at national scale the LP audit is hours).  A benchmark, never a test.
#   usage: bench/build-protect.sh BUILD_DIR [SCALE ...]      (default 0.1)
#   full scale: bench/build-protect.sh build 1.0   (about 16 GB and hours)
#   env: OLD_OMRADE=path  reuse an old binary instead of building 7e1781c
#        ATTACK=1         also run the attack (BUILD_DIR/unit_barometer_test_attack)
#        SEED (default 1, as `make demo`)
# Inputs are generated in a mktemp -d directory that is deleted at the end.
set -eu
BUILD=$(cd "${1:-build}" && pwd)
shift || true
[ $# -gt 0 ] || set -- 0.1
root=$(cd "$(dirname "$0")/.." && pwd)
NEW=$BUILD/omrade
OLD_REV=7e1781c
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
[ -x "$NEW" ] || { echo "build-protect: no $NEW (cmake --build $BUILD --target omrade_cli)" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "build-protect: needs the sqlite3 CLI" >&2; exit 2; }
echo "machine: $(nproc) cores; $(uptime | sed 's/.*load/load/')"

if [ -n "${OLD_OMRADE:-}" ]; then
    OLD=$OLD_OMRADE
else
    echo "== old protection: building commit $OLD_REV in $tmp/old"
    mkdir -p "$tmp/old/src"
    git -C "$root" archive "$OLD_REV" | tar -x -C "$tmp/old/src"
    cmake -S "$tmp/old/src" -B "$tmp/old/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$tmp/old/build" -j2 --target omrade_cli >/dev/null
    OLD=$tmp/old/build/omrade
fi

# measure NAME BIN INDICATORS DB: one build under /usr/bin/time -v
measure() {
    /usr/bin/time -v "$2" build --indicators "$3" \
        --types "$root/data/scb/regso-omradestyp-2022.csv" --types "$root/data/scb/regso-omradestyp-2023.csv" \
        --out "$4" >"$tmp/$1.out" 2>"$tmp/$1.time" || { cat "$tmp/$1.time" >&2; exit 1; }
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$tmp/$1.time" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
    kb=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$tmp/$1.time")
    echo "$secs $kb" >"$tmp/$1.m"
    printf '%-4s build: %8.1f s  peak %7.0f MB   (%s)\n' "$1" "$secs" "$(echo "$kb" | awk '{print $1/1024}')" \
        "$(grep -o '[0-9]* cells published.*secondary[;)]' "$tmp/$1.time" | head -1)"
}

# counts DB: published / suppressed / status 2 / status 3 per level, and the area-type aggregates
counts() {
    sqlite3 -separator ' ' "$1" "
      SELECT level, sum(n_published), sum(n_suppressed),
             sum((length(h) - length(replace(h, '02', ''))) / 2),
             sum((length(h) - length(replace(h, '03', ''))) / 2)
      FROM (SELECT level, n_published, n_suppressed, hex(substr(cells, 1, n)) AS h FROM slices
            WHERE indicator NOT IN ('sei', 'low_econ_pct', 'pre_upper_pct', 'assist_unemp_pct'))
      GROUP BY level ORDER BY CASE level WHEN 'riket' THEN 0 WHEN 'lan' THEN 1 WHEN 'kommun' THEN 2 ELSE 3 END;" |
        awk '{ printf "  %-7s %10d published %10d suppressed (%5.1f %%): status 2 %10d, status 3 %10d\n",
               $1, $2, $3, 100 * $3 / ($2 + $3), $4, $5 }'
    if sqlite3 "$1" "SELECT status FROM type_values LIMIT 0" >/dev/null 2>&1; then
        sqlite3 -separator ' ' "$1" "SELECT count(*), sum(status = 1), sum(status = 2), sum(status = 3) FROM type_values" |
            awk '{ printf "  %-7s %10d published %10d suppressed: status 2 %10d, status 3 %10d\n", "types", $2, $3 + $4, $3, $4 }'
    else
        sqlite3 -separator ' ' "$1" "SELECT count(*), sum(suppressed) FROM type_values" |
            awk '{ printf "  %-7s %10d published %10d suppressed (sums of published RegSO only)\n", "types", $1 - $2, $2 }'
    fi
}

for scale in "$@"; do
    echo
    echo "=== scale $scale (seed ${SEED:-1})"
    d=$tmp/s$scale
    mkdir -p "$d"
    "$NEW" synth --scale "$scale" --seed "${SEED:-1}" --out "$d/synth" >/dev/null
    "$NEW" indicators "$d/synth" --barometer --out "$d/ind.csv"
    rm -rf "$d/synth"
    echo "indicator rows: $(grep -vc '^#' "$d/ind.csv"); load before: $(cut -d' ' -f1 /proc/loadavg)"
    measure new "$NEW" "$d/ind.csv" "$d/new.db"
    # the old binary predates the '# geography:' line of omrade's outputs
    grep -v '^#' "$d/ind.csv" >"$d/ind-old.csv"
    measure old "$OLD" "$d/ind-old.csv" "$d/old.db"
    read -r ns nk <"$tmp/new.m"
    read -r os ok <"$tmp/old.m"
    awk -v ns="$ns" -v os="$os" -v nk="$nk" -v ok="$ok" \
        'BEGIN { printf "new/old: time %.2fx, peak memory %.2fx\n", ns / os, nk / ok }'
    echo "new database:"
    counts "$d/new.db"
    echo "old database:"
    counts "$d/old.db"
    if [ "${ATTACK:-0}" = 1 ]; then
        for v in new old; do
            echo "attack (differencing) on the $v database:"
            "$BUILD/unit_barometer_test_attack" --db "$d/$v.db" --truth "$d/ind.csv" --no-lp --examples 0 |
                sed 's/^/  /' || true
        done
    fi
    echo "load after: $(cut -d' ' -f1 /proc/loadavg)"
    rm -rf "$d"
done

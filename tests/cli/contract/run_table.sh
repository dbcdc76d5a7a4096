#!/bin/sh
# Table-driven CLI cases (issue 12: the input contract and safe outputs).
# One case per line of cases.txt, fields separated by " | ":
#   EXIT | LAST LINE OF STDERR (exact; "-" = not checked) | SHELL COMMAND
# Each case runs in a fresh directory holding the fixtures listed below.
# After every case no "*.tmp.*" file may remain; after a failing case
# (EXIT != 0) no file whose name starts with "out" may exist (nothing
# half-written) and every fixture must be unchanged (no input overwritten).
# GEN=1 prints the actual exit and stderr line of each case instead.
set -u
table=${1:-cases.txt}
here=$(pwd)
EX=$DATA/../../examples
fx=$here/fixtures
mkdir -p "$fx"
cp "$DATA/link/persons.csv" "$DATA/link/residence.csv" "$DATA/link/types.csv" \
   "$DATA/link/deaths.csv" "$fx/"
cp "$DATA/protect/trap.csv" "$fx/protect.csv"
cp "$EX/rates/aggregated.csv" "$fx/dsr.csv"
cp "$EX/seg/two_groups.csv" "$fx/seg.csv"
head -n 40 "$EX/seg/quintiles.csv" >"$fx/quintiles.csv"
head -n 30 "$EX/sei/regso-2022.csv" >"$fx/sei.csv"
printf 'area,year,area_type\n0114R001,2022,1\n0114R002,2022,2\n0114R003,2022,4\n' >"$fx/regso-types.csv"
printf 'area,year,population\n0114R001,2022,100\n0114R002,2022,200\n0114R003,2022,300\n' >"$fx/pop.csv"
mkdir -p "$fx/ind"
cp "$here/ind/"*.csv "$fx/ind/"
sums=$(cd "$fx" && find . -type f | sort | xargs md5sum)
n=0
bad=0
while IFS= read -r line; do
    case "$line" in '' | '#'*) continue ;; esac
    want_rc=${line%% | *}
    rest=${line#* | }
    want_err=${rest%% | *}
    cmd=${rest#* | }
    n=$((n + 1))
    d=$(mktemp -d "$here/case.XXXXXX")
    cp -R "$fx/." "$d/"
    (cd "$d" && sh -c "$cmd" >"$d/.stdout" 2>"$d/.stderr")
    rc=$?
    got=$(tail -n 1 "$d/.stderr")
    if [ "${GEN:-}" = 1 ]; then
        printf '%s | %s | %s\n' "$rc" "$got" "$cmd"
        rm -rf "$d"
        continue
    fi
    why=""
    [ "$rc" = "$want_rc" ] || why="exit $rc, expected $want_rc;"
    [ "$want_err" = "-" ] || [ "$got" = "$want_err" ] || why="$why stderr '$got';"
    stale=$(cd "$d" && find . -name '*.tmp.*' | head -n 3)
    [ -z "$stale" ] || why="$why temporary files left: $stale;"
    if [ "$want_rc" != 0 ]; then
        outs=$(cd "$d" && find . -maxdepth 1 -name 'out*' | head -n 3)
        [ -z "$outs" ] || why="$why output left after a failure: $outs;"
        now=$(cd "$d" && for f in $(cd "$fx" && find . -type f | sort); do [ -f "$f" ] && md5sum "$f"; done)
        [ "$now" = "$sums" ] || why="$why a fixture was changed or removed;"
    fi
    if [ -n "$why" ]; then
        bad=$((bad + 1))
        echo "FAIL: $cmd" >&2
        echo "      $why" >&2
    fi
    rm -rf "$d"
done <"$table"
rm -rf "$fx"
[ "${GEN:-}" = 1 ] && exit 0
echo "$((n - bad)) of $n cases passed"
[ $bad -eq 0 ]

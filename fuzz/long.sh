#!/bin/sh
# Long fuzzing run: every libFuzzer binary in BUILD (made by `make fuzz`) for
# SECONDS each (-max_total_time; one process per target, so that is CPU
# time too), starting from fuzz/corpus/<name>/.  New inputs go to
# BUILD/fuzz-corpus/<name>/ (not into the repository: minimise and add the
# interesting ones by hand), crashes to BUILD/fuzz-artifacts/<name>/.  Prints
# one summary line per target; exits 1 if any target found a crash.
#   usage: fuzz/long.sh BUILD [SECONDS] [TARGET...]
set -u
build=${1:?usage: fuzz/long.sh BUILD [SECONDS] [TARGET...]}
secs=${2:-600}
if [ $# -ge 2 ]; then shift 2; else shift $#; fi
root=$(cd "$(dirname "$0")/.." && pwd)
targets=${*:-$(cd "$root/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')}
status=0
for t in $targets; do
    bin=$build/fuzz_$t
    [ -x "$bin" ] || { echo "$t: no binary $bin (run 'make fuzz')"; status=1; continue; }
    work=$build/fuzz-corpus/$t
    art=$build/fuzz-artifacts/$t
    mkdir -p "$work" "$art"
    log=$build/fuzz-$t.log
    "$bin" -max_total_time="$secs" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$art/" "$work" "$root/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | grep -o '[0-9]*$')
    crashes=$(ls "$art" | wc -l)
    echo "$t: ${secs}s, ${runs:-?} runs, coverage ${cov:-?} edges, exit $rc, $crashes crash files"
    [ "$rc" -eq 0 ] && [ "$crashes" -eq 0 ] || status=1
done
exit $status

#!/bin/sh
# Run the examples of a manual page as tests (as jq does with its manual).
# In a Markdown file, every fenced block opened with ```console is a test:
# lines starting with "$ " are commands (run with sh in a fresh temporary
# directory holding links to the repo's examples/ and data/), and the lines
# after a command up to the next command are its expected output, exactly.
# A command whose expected output is "..." alone is only checked for exit 0.
set -u
OMRADE=$1
doc=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
bindir=$(cd "$(dirname "$OMRADE")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v dir="$work" '
  /^```console[ \t]*$/ { inb = 1; blk++; n = 0; next }
  /^```[ \t]*$/ && inb { inb = 0; next }
  inb && /^\$ / { n++; f = dir "/b" blk "_" sprintf("%03d", n);
                  print substr($0, 3) > (f ".cmd"); close(f ".cmd");
                  printf "" > (f ".want"); close(f ".want"); next }
  inb && n > 0 { print >> (f ".want"); close(f ".want") }
' "$doc"
fail=0
total=0
for blkdir in $(ls "$work" | sed -n 's/^\(b[0-9]*\)_.*/\1/p' | sort -u); do
    run="$work/run_$blkdir"
    mkdir -p "$run"
    ln -s "$root/examples" "$run/examples"
    ln -s "$root/data" "$run/data"
    for cmdf in "$work/${blkdir}"_*.cmd; do
        total=$((total + 1))
        want="${cmdf%.cmd}.want"
        got="${cmdf%.cmd}.got"
        (cd "$run" && PATH="$bindir:$PATH" OMRADE_NO_PROGRESS=1 LC_ALL=C sh -c "$(cat "$cmdf")") >"$got" 2>&1
        rc=$?
        if [ "$(cat "$want")" = "..." ]; then
            [ $rc -eq 0 ] || { echo "FAIL (exit $rc): $(cat "$cmdf")"; head -5 "$got"; fail=1; }
        elif ! cmp -s "$want" "$got"; then
            echo "FAIL: $(cat "$cmdf")"; diff "$want" "$got" | head -20; fail=1
        fi
    done
done
[ $total -gt 0 ] || { echo "no console examples found in $doc"; exit 1; }
echo "$doc: $total examples run"
exit $fail

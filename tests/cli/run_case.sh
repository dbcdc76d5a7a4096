#!/bin/sh
# Run one CLI case: tests/cli/<case>/
#   cmd      shell text; $OMRADE is the binary, $DATA the repo's tests/data dir
#   stdout   expected standard output (optional; exact)
#   stderr   expected standard error (optional; exact)
#   exit     expected exit status (optional; default 0)
#   check    shell run afterwards in the same directory; must exit 0 (optional)
# The case directory is copied to a temporary directory and run there, so
# outputs never land in the source tree.
set -u
OMRADE=$1
case_dir=$2
here=$(cd "$(dirname "$0")" && pwd)
DATA=$(cd "$here/../data" && pwd)
export OMRADE DATA
export OMRADE_NO_PROGRESS=1 LC_ALL=C
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -R "$case_dir"/. "$tmp"/
cd "$tmp" || exit 1
sh ./cmd >actual.stdout 2>actual.stderr
rc=$?
want=0
[ -f exit ] && want=$(cat exit)
fail=0
if [ "$rc" != "$want" ]; then
    echo "exit status: expected $want, got $rc"; fail=1
fi
if [ -f stdout ] && ! cmp -s stdout actual.stdout; then
    echo "stdout differs:"; diff stdout actual.stdout | head -40; fail=1
fi
if [ -f stderr ] && ! cmp -s stderr actual.stderr; then
    echo "stderr differs:"; diff stderr actual.stderr | head -40; fail=1
fi
if [ -f check ] && ! sh ./check; then
    echo "check failed"; fail=1
fi
if [ $fail -ne 0 ]; then
    echo "--- actual stderr:"; head -20 actual.stderr
fi
exit $fail

#!/bin/sh
# Install the front end's npm packages from package-lock.json (npm ci), only
# when node_modules is missing or older than the lock file.  A lock keeps two
# build trees (build/, build-asan/) from installing at the same time.
set -eu
cd "$(dirname "$0")/.."
exec 9>.npm-ci.lock
flock 9
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error
fi

#!/bin/sh
# Install the DuckDB peer (npm @duckdb/node-api) into DIR (a temporary or
# bench-local node_modules; never committed) and link the bench scripts' imports to it.
set -eu
dir=$1
mkdir -p "$dir"
if [ ! -d "$dir/node_modules/@duckdb/node-api" ]; then
    (cd "$dir" && npm init -y >/dev/null 2>&1 && npm install --silent @duckdb/node-api >/dev/null 2>&1)
fi
# Node resolves bare imports from the script's own directory upwards; expose the peer there.
here=$(cd "$(dirname "$0")" && pwd)
# (-n: replace a link left by an earlier run whose temporary directory is gone)
ln -sfn "$dir/node_modules" "$here/node_modules"

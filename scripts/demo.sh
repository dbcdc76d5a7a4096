#!/bin/sh
# The main job on embedded data (see README).
set -eu
OMRADE=${1:-build/omrade}
echo "== omrade demo =="
"$OMRADE" geo list --level lan

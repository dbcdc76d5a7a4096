#!/bin/sh
# Install the Debian 12 packages omrade needs, only those missing.
# The list lives in scripts/debian-packages.txt (one package per line, # comments).
set -eu
here=$(dirname "$0")
missing=""
for p in $(sed 's/#.*//' "$here/debian-packages.txt"); do
    # a tool installed another way (e.g. NodeSource's nodejs, which bundles
    # npm and conflicts with Debian's npm package) counts as present
    case "$p" in nodejs|npm|chromium) command -v "$p" >/dev/null 2>&1 && continue ;; esac
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0
echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null

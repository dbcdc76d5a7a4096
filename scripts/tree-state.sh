#!/bin/sh
# Print the state of the working tree that git can see: `git status
# --porcelain` (untracked files listed one by one) and a checksum of every
# changed or untracked file, so that a test run which writes into the tree
# shows up even where a developer already has uncommitted changes.
# `make test` prints this before and after the tests and fails on any
# difference; .ci/run (a clean clone) also requires it to be empty.
# Outside a git checkout it prints nothing.
set -eu
cd "$(dirname "$0")/.."
git rev-parse --is-inside-work-tree >/dev/null 2>&1 || exit 0
git status --porcelain --untracked-files=all
git status --porcelain -z --untracked-files=all | tr '\0' '\n' | cut -c4- |
    while IFS= read -r f; do
        [ -f "$f" ] && cksum "$f"
    done
exit 0

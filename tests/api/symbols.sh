#!/bin/sh
# The library exports exactly its public API.
#   symbols.sh CC INCLUDE_DIR libomrade.so libomrade_<module>.a ...
# 1. No module defines a global symbol without the om_ prefix (a helper that
#    should be `static`, or a name that could clash with the caller's).
# 2. libomrade.so (-fvisibility=hidden, public headers push default
#    visibility) exports only names declared in include/omrade/*.h, and every
#    declared name that the library defines is exported.
# Names that begin with "__" belong to the toolchain (sanitizers, LTO) and
# _init/_fini/_edata/_end/__bss_start to the linker; they are not checked.
set -u
CC=$1 INC=$2 SO=$3
shift 3
NM=nm
command -v gcc-nm >/dev/null 2>&1 && NM=gcc-nm # reads LTO objects too
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

# What the public headers declare: identifiers om_* followed by "(" (functions)
# or declared extern (data), after the preprocessor has removed comments.
"$CC" -E -P -I"$INC" "$INC/omrade/omrade.h" >"$tmp/api.i" || { echo "cannot preprocess omrade.h"; exit 1; }
{
    grep -oE '\bom_[A-Za-z0-9_]+[[:space:]]*\(' "$tmp/api.i" | tr -d '( \t'
    grep -E '^[[:space:]]*extern[^(]*;' "$tmp/api.i" | grep -oE '\bom_[A-Za-z0-9_]+' 
} | sort -u >"$tmp/declared"

# 1. every global defined in the module archives starts with om_
"$NM" -g --defined-only "$@" 2>/dev/null | awk 'NF == 3 { print $3 }' | sort -u >"$tmp/globals"
[ -s "$tmp/globals" ] || { echo "no symbols read from the archives (nm: $NM)"; exit 1; }
grep -vE '^(om_|__)' "$tmp/globals" >"$tmp/bad" && {
    echo "global symbols without the om_ prefix (make them static, or prefix them):"
    sed 's/^/  /' "$tmp/bad"
    fail=1
}

# 2. the shared library's exports are the declared API
nm -D --defined-only "$SO" | awk 'NF == 3 { print $3 }' | grep -vE '^(__|_init$|_fini$|_edata$|_end$)' |
    sort -u >"$tmp/exported"
[ -s "$tmp/exported" ] || { echo "$SO exports nothing"; exit 1; }
comm -23 "$tmp/exported" "$tmp/declared" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
    echo "exported from libomrade.so but not declared in include/omrade/*.h:"
    sed 's/^/  /' "$tmp/bad"
    fail=1
fi
comm -12 "$tmp/declared" "$tmp/globals" | comm -23 - "$tmp/exported" >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
    echo "declared in include/omrade/*.h and defined, but hidden (does the .c include its header?):"
    sed 's/^/  /' "$tmp/bad"
    fail=1
fi
[ $fail -eq 0 ] && echo "api/symbols: $(wc -l <"$tmp/exported") exported symbols, all declared in include/omrade/; $(wc -l <"$tmp/globals") globals in the archives, all om_"
exit $fail

# The attacker of test build-need-attack: recovers the count behind a child
# SEI 0-5 value from a published need table (CSV with code,index,value) and
# public figures (public.csv: the number of children 0-5 per kommun, SCB's
# population by age, and the riket total of the three counts, line "riket").
# SEI = (low_edu + low_econ + assist) / children * 100 / 3, so a value gives
# the sum of the three counts back; prints every recovered count below 5.
#   A1 directly from a published SEI;
#   A2 from the standardisation: two published (sei, z) pairs give the mean m
#      and SD s; a suppressed unit's z is published, or is minus the sum of
#      the others (z-scores sum to 0); sei = m + z s;
#   A3 the riket total minus the published units, when one unit is missing.
BEGIN { FS = "," }
FNR == 1 { for (i = 1; i <= NF; i++) col[FILENAME, $i] = i; next }
FILENAME ~ /public/ { if ($1 == "riket") T = $2; else { kids[$1] = $2; units[++N] = $1 }; next }
{
    idx = $col[FILENAME, "index"]; u = $col[FILENAME, "code"]; v = $col[FILENAME, "value"]
    if (v == "") next
    if (idx == "sei_0_5") sei[u] = v
    if (idx == "z_0_5") z[u] = v
}
function report(how, u, c) { c = int(c + 0.5); if (c >= 1 && c <= 4) { printf "%s: %s has %d\n", how, u, c; found++ } }
END {
    for (k = 1; k <= N; k++) { u = units[k]; if (u in sei) report("A1", u, sei[u] * 3 * kids[u] / 100) }
    # A2
    np = 0
    for (k = 1; k <= N; k++) { u = units[k]; if ((u in sei) && (u in z)) p[++np] = u }
    if (np >= 2 && z[p[1]] != z[p[2]]) {
        s = (sei[p[1]] - sei[p[2]]) / (z[p[1]] - z[p[2]]); m = sei[p[1]] - z[p[1]] * s
        nz = 0; sz = 0
        for (k = 1; k <= N; k++) { u = units[k]; if (u in z) sz += z[u]; else { nz++; miss = u } }
        if (nz == 1) z[miss] = -sz
        for (k = 1; k <= N; k++) { u = units[k]; if (!(u in sei) && (u in z)) report("A2", u, (m + z[u] * s) * 3 * kids[u] / 100) }
    }
    # A3
    left = T; nm = 0
    for (k = 1; k <= N; k++) { u = units[k]; if (u in sei) left -= sei[u] * 3 * kids[u] / 100; else { nm++; miss = u } }
    if (nm == 1) report("A3", miss, left)
    if (!found) print "no count below 5 recovered"
}

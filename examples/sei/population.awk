# Population per RegSO: DeSO totals of SCB table 000005FF ("Folkmängden per
# region efter region, år, ålder och kön"), read by `omrade import`, summed
# with the registry's DeSO -> RegSO mapping.
# usage: awk -f population.awk deso.csv ff.csv
#   deso.csv  `omrade geo list --level deso`;  ff.csv  `omrade import` of 000005FF
# Output: area,year,population (one row per RegSO, registry order); the
# national total goes to stderr.
BEGIN { FS = ","; file = 0 }
FNR == 1 { file++; next }
file == 1 { regso[$1] = $(NF - 2); if (!($(NF - 2) in seen)) { seen[$(NF - 2)] = 1; order[++n] = $(NF - 2) } next }
{
    m = split($0, f, ",")
    if (f[5] != "totalt|totalt") next   # all ages, both sexes
    if (f[2] != "deso" || !(f[1] in regso) || f[m - 1] == "") { print "population: bad row " FNR ": " $0 > "/dev/stderr"; bad = 1; next }
    pop[regso[f[1]]] += f[m - 1]; total += f[m - 1]; rows++; year = f[4]
}
END {
    if (bad || rows != 5984) { print "population: expected 5984 DeSO totals, found " rows > "/dev/stderr"; exit 1 }
    print "area,year,population"
    for (i = 1; i <= n; i++) printf "%s,%d,%d\n", order[i], year, pop[order[i]]
    printf "population: %d DeSO, total %d\n", rows, total > "/dev/stderr"
}

# Population per RegSO from SCB table 000005FF (DeSO, "Folkmängden per
# region efter region, år, ålder och kön", as downloaded; column 2 = all
# ages), summed with the registry's DeSO -> RegSO mapping.
# usage: awk -f population.awk deso.csv 000005FF.csv   (deso.csv from
#        `omrade geo list --level deso`); output area,year,population
BEGIN { FS = ","; file = 0 }
FNR == 1 { file++ }
{ sub(/\r$/, "") }
file == 1 { if (FNR > 1) { regso[$1] = $(NF - 2); if (!($(NF - 2) in seen)) { seen[$(NF - 2)] = 1; order[++n] = $(NF - 2) } } next }
$1 ~ /^[0-9][0-9][0-9][0-9][ABC][0-9][0-9][0-9][0-9]$/ {
    if (!($1 in regso)) { print "population: unknown DeSO " $1 > "/dev/stderr"; bad = 1; next }
    pop[regso[$1]] += $2; total += $2; rows++
}
END {
    if (bad || rows != 5984) { print "population: expected 5984 DeSO, found " rows > "/dev/stderr"; exit 1 }
    print "area,year,population"
    for (i = 1; i <= n; i++) printf "%s,2022,%d\n", order[i], pop[order[i]]
    printf "population: %d DeSO, total %d\n", rows, total > "/dev/stderr"
}

# Sum DeSO counts of three SCB tables to RegSO counts for `omrade sei`.
#
# usage: awk -f deso-to-regso.awk deso.csv ta.csv mo.csv a8.csv
#   deso.csv  `omrade geo list --level deso` (code,name,label,regso,kommun,lan):
#             the registry's real DeSO 2018 -> RegSO 2020 mapping
#   ta.csv, mo.csv, a8.csv  `omrade import` of SCB tables 000006TA, 000005MO,
#             000007A8 (tidy: region,level,label,year,variable,value,missing)
# Per DeSO:
#   000006TA  low_econ_n = round(low economic standard % x persons / 100),
#             low_econ_d = persons ("Antal personer totalt")
#   000005MO  pre_upper_n = förgymnasial, pre_upper_d = förgymnasial +
#             gymnasial + both eftergymnasial levels (known level only)
#   000007A8  assist_unemp_n = antal arbetslösa 16-64,
#             assist_unemp_d = antal totalt 16-64
# Output: area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,
#         assist_unemp_n,assist_unemp_d, one row per RegSO in registry order.
# Exits 1 (message on stderr) when a table row is not a DeSO of the
# registry, a value is missing, or a DeSO lacks one of the values used.
BEGIN { FS = ","; file = 0 }
/^#/ { next }  # omrade's provenance lines (docs/provenance.md)
!(FILENAME in hdr) { hdr[FILENAME] = 1; file++; next }
file == 1 {
    regso[$1] = $(NF - 2); ndeso++
    if (!($(NF - 2) in seen)) { seen[$(NF - 2)] = 1; order[++nreg] = $(NF - 2) }
    next
}
{
    # region,level,label,year are plain for DeSO rows; value,missing are the
    # last two fields; the variable (possibly quoted, with commas) is between
    n = split($0, f, ",")
    var = f[5]
    for (i = 6; i <= n - 2; i++) var = var "," f[i]
    gsub(/"/, "", var)
    d = f[1]; v = f[n - 1]
    if (f[2] != "deso" || !(d in regso)) { printf "deso-to-regso: %s:%d: not a DeSO of the registry: %s\n", FILENAME, FNR, d > "/dev/stderr"; bad = 1; next }
    if (v == "") { printf "deso-to-regso: %s:%d: missing value (%s) for %s\n", FILENAME, FNR, f[n], d > "/dev/stderr"; bad = 1; next }
    key = file SUBSEP var
    if (file == 2 && var ~ /^Låg ekonomisk standard, procent/) pct[d] = v
    else if (file == 2 && var ~ /^Antal personer totalt/) pers[d] = v
    else if (file == 3 && var == "förgymnasial utbildning") { pu_n[d] = v; pu_d[d] += v }
    else if (file == 3 && var ~ /^(gymnasial utbildning|eftergymnasial utbildning)/) pu_d[d] += v
    else if (file == 4 && var ~ /^antal arbetslösa\|/) au_n[d] = v
    else if (file == 4 && var ~ /^antal totalt\|/) au_d[d] = v
}
END {
    if (bad) exit 1
    for (d in regso) {
        if (!(d in pct) || !(d in pers) || !(d in pu_n) || !(d in au_n) || !(d in au_d)) {
            printf "deso-to-regso: DeSO %s lacks a value in one of the tables\n", d > "/dev/stderr"; exit 1
        }
        r = regso[d]
        le_n[r] += int(pct[d] * pers[d] / 100 + 0.5); le_d[r] += pers[d]
        rpu_n[r] += pu_n[d]; rpu_d[r] += pu_d[d]
        rau_n[r] += au_n[d]; rau_d[r] += au_d[d]
    }
    print "area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d"
    for (i = 1; i <= nreg; i++) {
        r = order[i]
        printf "%s,2022,%d,%d,%d,%d,%d,%d\n", r, le_n[r], le_d[r], rpu_n[r], rpu_d[r], rau_n[r], rau_d[r]
    }
}

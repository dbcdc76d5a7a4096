# Convert three SCB statistical-database exports (DeSO, 2022, as downloaded:
# title line, header rows, CRLF, footnote block) into RegSO counts for
# `omrade sei`, summing DeSO counts with the geo registry's DeSO -> RegSO
# mapping (`omrade geo list --level deso`).
#
# usage: awk -f deso-to-regso.awk deso.csv 000006TA.csv 000005MO.csv 000007A8.csv
# Inputs are recognised by order (ARGIND is gawk-only, so FNR==1 counts files).
#   000006TA: DeSO, low economic standard %, high economic standard %, persons
#             -> low_econ_n = round(% x persons / 100), low_econ_d = persons
#   000005MO: DeSO, förgymnasial, gymnasial, eftergymn. < 3 år, >= 3 år, saknas
#             -> pre_upper_n = förgymnasial, pre_upper_d = the four known levels
#   000007A8: DeSO (16-64 år), employed, unemployed, labour force, outside, total
#             -> assist_unemp_n = unemployed, assist_unemp_d = total 16-64
# Output: area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,
#         assist_unemp_n,assist_unemp_d (one row per RegSO, registry order).
# Diagnostics go to stderr; a DeSO missing from a table or unknown to the
# registry makes the script exit 1.
BEGIN { FS = ","; file = 0 }
FNR == 1 { file++ }
{ sub(/\r$/, "") }
file == 1 {
    if (FNR == 1) next
    regso[$1] = $(NF - 2)
    if (!($(NF - 2) in seen)) { seen[$(NF - 2)] = 1; order[++nreg] = $(NF - 2) }
    ndeso++
    next
}
$1 !~ /^[0-9][0-9][0-9][0-9][ABC][0-9][0-9][0-9][0-9]$/ { next }
{
    if (!($1 in regso)) { printf "deso-to-regso: %s: DeSO %s not in the registry\n", FILENAME, $1 > "/dev/stderr"; bad = 1; next }
    r = regso[$1]
    got[file, $1] = 1
    rows[file]++
}
file == 2 { le_n[r] += int($2 * $4 / 100 + 0.5); le_d[r] += $4 }
file == 3 { pu_n[r] += $2; pu_d[r] += $2 + $3 + $4 + $5 }
file == 4 { au_n[r] += $3; au_d[r] += $6 }
END {
    for (f = 2; f <= 4; f++)
        if (rows[f] != ndeso) {
            printf "deso-to-regso: table %d has %d DeSO rows, the registry %d\n", f - 1, rows[f], ndeso > "/dev/stderr"
            bad = 1
        }
    if (bad) exit 1
    print "area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d"
    for (i = 1; i <= nreg; i++) {
        r = order[i]
        printf "%s,2022,%d,%d,%d,%d,%d,%d\n", r, le_n[r], le_d[r], pu_n[r], pu_d[r], au_n[r], au_d[r]
    }
}

# Compare computed area types with SCB's published ones.
# usage: awk -f compare.awk regso.csv published.csv ours.csv
#   regso.csv     `omrade geo list --level regso` (to count the registry)
#   published.csv `omrade import` of SCB table 000005QX as downloaded
#                 (region,level,label,year,variable,value,missing)
#   ours.csv      `omrade sei` output (area,year,...,area_type)
# Prints matched/unmatched counts, agreement, agreement within one type,
# Cohen's kappa and the 5x5 confusion matrix (rows: SCB, columns: omrade).
# The last line, "result key=value ...", is for run.sh to check.
BEGIN { FS = ","; file = 0 }
/^#/ { next }  # omrade's provenance lines (docs/provenance.md)
!(FILENAME in hdr) { hdr[FILENAME] = 1; file++; next }
file == 1 { nreg++; next }
file == 2 {
    n = split($0, f, ",")
    t = f[n - 1]
    if (f[2] != "regso" || t !~ /^[1-5]$/) { printf "compare: %s:%d: not a RegSO with a type 1-5: %s\n", FILENAME, FNR, $0 > "/dev/stderr"; unknown++; next }
    pub[f[1]] = t; npub++
    next
}
file == 3 { ours[$1] = $NF }
END {
    for (r in pub) {
        if (!(r in ours) || ours[r] == "") { unmatched++; continue }
        m[pub[r], ours[r]]++; matched++
        rowsum[pub[r]]++; colsum[ours[r]]++
        if (pub[r] == ours[r]) agree++
        d = pub[r] - ours[r]; if (d >= -1 && d <= 1) near++
    }
    printf "registry RegSO %d, published types %d, rows without a RegSO type %d, without a computed type %d\n", nreg, npub, unknown + 0, unmatched + 0
    pe = 0
    for (t = 1; t <= 5; t++) pe += (rowsum[t] / matched) * (colsum[t] / matched)
    po = agree / matched
    printf "same type: %d of %d (%.1f %%), within one type: %.1f %%, Cohen's kappa %.3f\n", agree, matched, 100 * po, 100 * near / matched, (po - pe) / (1 - pe)
    printf "\nconfusion matrix (rows: SCB published, columns: omrade sei)\n%8s", ""
    for (c = 1; c <= 5; c++) printf "%8s", "type " c
    printf "%8s\n", "total"
    for (t = 1; t <= 5; t++) {
        printf "%8s", "type " t
        for (c = 1; c <= 5; c++) printf "%8d", m[t, c]
        printf "%8d\n", rowsum[t]
    }
    printf "%8s", "total"
    for (c = 1; c <= 5; c++) printf "%8d", colsum[c]
    printf "%8d\n", matched
    printf "\nresult registry=%d published=%d unknown=%d untyped=%d matched=%d agreement=%.1f within_one=%.1f\n", nreg, npub, unknown + 0, unmatched + 0, matched, 100 * po, 100 * near / matched
}

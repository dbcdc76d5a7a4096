# Compare computed area types with SCB's published ones.
# usage: awk -f compare.awk regso.csv published.csv ours.csv
#   regso.csv     `omrade geo list --level regso` (code,name,label,...)
#   published.csv SCB export 000005QX as downloaded: "Kommun (RegSO)",type
#                 rows between a title line and a footnote block
#   ours.csv      `omrade sei` output (area,year,...,area_type)
# Prints matched/unmatched counts, agreement, agreement within one type,
# Cohen's kappa and the 5x5 confusion matrix (rows: SCB, columns: omrade).
# The last line, "result key=value ...", is for run.sh to check.
BEGIN { FS = ","; file = 0 }
FNR == 1 { file++ }
{ sub(/\r$/, "") }
file == 1 {
    if (FNR == 1) next
    # label = fields 3 .. NF-3 (a label could contain quoted commas)
    lab = $3
    for (i = 4; i <= NF - 3; i++) lab = lab "," $i
    gsub(/^"|"$/, "", lab); gsub(/""/, "\"", lab)
    code[lab] = $1; nreg++
    next
}
file == 2 {
    t = $NF
    if (t !~ /^[1-5]$/) next
    lab = substr($0, 1, length($0) - length(t) - 1)
    sub(/^\357\273\277/, "", lab); gsub(/^"|"$/, "", lab); sub(/ +$/, "", lab)
    if (!(lab in code)) { printf "compare: published label not in the registry: %s\n", lab > "/dev/stderr"; unknown++; next }
    pub[code[lab]] = t; npub++
    next
}
file == 3 {
    if (FNR == 1) { for (i = 1; i <= NF; i++) col[$i] = i; next }
    ours[$col["area"]] = $col["area_type"]
}
END {
    for (r in pub) {
        if (!(r in ours) || ours[r] == "") { unmatched++; continue }
        m[pub[r], ours[r]]++; matched++
        rowsum[pub[r]]++; colsum[ours[r]]++
        if (pub[r] == ours[r]) agree++
        d = pub[r] - ours[r]; if (d >= -1 && d <= 1) near++
    }
    printf "registry RegSO %d, published types %d, unknown labels %d, without a computed type %d\n", nreg, npub, unknown + 0, unmatched + 0
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

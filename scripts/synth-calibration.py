#!/usr/bin/env python3
"""Derive the calibration tables of `omrade synth` from the SCB exports in data/scb/.

Reproducible: `python3 scripts/synth-calibration.py` (standard library only)
rewrites data/synth/deso-2022.csv and data/synth/regso-types-2023.csv byte for
byte.  docs/synth.md documents every column; data/README.md has provenance.

SCB's statistical-database exports have multi-row headers and footnote blocks;
the only rows used are those whose first field (or, in 000005FC, second field)
is a DeSO code KKKK[ABC]NNNN.  Every table must have exactly the same 5,984
DeSO, otherwise the script stops.  Cross-checks made here: the age table's
total equals the sum of its bands and its 0-24 bands equal 000005FF; the
birth-region total (000005FB) equals the age table's total.
"""
import csv
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SRC = os.path.join(ROOT, "data", "scb", "deso-2022-csv")
OUT = os.path.join(ROOT, "data", "synth")
DESO = re.compile(r"^[0-9]{4}[ABC][0-9]{4}$")


def rows(name):
    """DeSO rows of an SCB export: {deso: [numbers...]}."""
    out = {}
    with open(os.path.join(SRC, name), encoding="utf-8-sig", newline="") as f:
        for rec in csv.reader(f):
            if not rec:
                continue
            if DESO.match(rec[0]):
                code, vals = rec[0], rec[1:]
            elif len(rec) > 1 and DESO.match(rec[1]):  # "2023,0114A0010,898"
                code, vals = rec[1], rec[2:]
            else:
                continue
            vals = [v for v in vals if v != ""]
            if code in out:
                sys.exit(f"{name}: duplicate DeSO {code}")
            out[code] = [float(v) if "." in v else int(v) for v in vals]
    if len(out) != 5984:
        sys.exit(f"{name}: expected 5984 DeSO, found {len(out)}")
    return out


def main():
    age = {}
    with open(os.path.join(SRC, "age_demographics_deso.csv"), encoding="utf-8-sig") as f:
        r = csv.reader(f)
        head = next(r)
        assert head[1] == "total" and head[2] == "0-4 år" and head[-1] == "80-år", head
        for rec in r:
            if rec and DESO.match(rec[0]):
                age[rec[0]] = [int(v) for v in rec[1:19]]
    ff = rows("000005FF_20240813-152010.csv")      # total + 0-4 .. 20-24
    pop23 = rows("000005FC_20240806-102837.csv")   # population 2023
    ta = rows("000006TA_20240813-153551.csv")      # low %, high %, persons
    mo = rows("000005MO_20240813-151714.csv")      # education 25-64
    a8 = rows("000007A8_20240813-151334.csv")      # labour market 16-64
    fb = rows("000005FB_20240813-152341.csv")      # birth region
    lo = rows("000005LO_20240813-153750.csv")      # persons by house type
    oc = rows("000006OC_20240813-153146.csv")      # dwellings by tenure
    f8 = rows("000005F8_20240813-152932.csv")      # households by type
    codes = sorted(age)
    for t in (ff, pop23, ta, mo, a8, fb, lo, oc, f8):
        if sorted(t) != codes:
            sys.exit("DeSO sets differ between tables")
    os.makedirs(OUT, exist_ok=True)
    total = 0
    with open(os.path.join(OUT, "deso-2022.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        bands = ["a%d" % (5 * i) for i in range(17)]
        w.writerow(["deso", "pop_2022"] + bands + [
            "pop_2023", "low_econ_pct", "econ_persons",
            "edu_pre", "edu_upper", "edu_post_lt3", "edu_post_ge3", "edu_missing",
            "lm_employed", "lm_unemployed", "lm_total",
            "born_sweden", "born_europe", "born_other",
            "house_small", "house_multi", "house_other", "house_special", "house_missing",
            "dw_rent", "dw_coop", "dw_own", "households"])
        for c in codes:
            a = age[c]
            if sum(a[1:]) != a[0] or ff[c][:6] != a[:6]:
                sys.exit(f"{c}: age bands inconsistent with 000005FF")
            if fb[c][3] != a[0]:
                sys.exit(f"{c}: birth-region total differs from age total")
            total += a[0]
            w.writerow([c] + a + [pop23[c][0], ta[c][0], ta[c][2]] + mo[c][:5]
                       + [a8[c][0], a8[c][1], a8[c][4]] + fb[c][:3] + lo[c][:5]
                       + oc[c][:3] + [sum(f8[c][:5])])
    if total != 10521556:
        sys.exit(f"population 2022 sums to {total}, expected 10521556")
    # Published 2023 area types (000005QX), labels kept as SCB writes them;
    # the library resolves them with om_geo_resolve().
    n = 0
    with open(os.path.join(ROOT, "data", "scb", "regso-omradestyp-2023.csv"),
              encoding="utf-8-sig", newline="") as f, \
            open(os.path.join(OUT, "regso-types-2023.csv"), "w", newline="") as g:
        w = csv.writer(g, lineterminator="\n")
        w.writerow(["regso_label", "area_type"])
        r = csv.reader(f)
        next(r)
        for rec in r:
            if len(rec) == 2 and rec[1] in ("1", "2", "3", "4", "5"):
                w.writerow(rec)
                n += 1
    if n != 3363:
        sys.exit(f"expected 3363 RegSO with a 2023 type, found {n}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# Counts of published, primary and secondary cells per level of a barometer
# database (docs/barometer.md, "Disclosure control"): usage: barometer-stats.py DB
# Cells withheld by the table design (status 4: crosses of small län) are
# counted apart and are not in the base of the shares.
import sqlite3, struct, sys
db = sqlite3.connect(sys.argv[1])
main = dict(db.execute("select id, main_age from indicators"))
sens = dict(db.execute("select id, sensitive from indicators"))
tot = {}
rik_total_sup = []; rik_sup = 0; rik_n = 0
lan = {'n':0,'sup':0}; lan_ok = {'n':0,'sup':0}
# national counts of riket total cells per (ind, year, sex, age, born)
rik = {}
for ind, lv, yr, sex, age, born, n, cells in db.execute("select indicator, level, year, sex, age, born, n, cells from slices"):
    st = cells[:n]
    if lv == 'riket':
        rik[(ind, yr, sex, age, born)] = st[0]
for ind, lv, yr, sex, age, born, n, cells in db.execute("select indicator, level, year, sex, age, born, n, cells from slices"):
    st = cells[:n]
    key = (lv,)
    c = tot.setdefault(lv, [0, 0, 0, 0])
    for b in st:
        if b and b != 4: c[0] += 1
        if b == 2: c[1] += 1
        if b == 3: c[2] += 1
        if b == 4: c[3] += 1
    if lv == 'riket' and sex == 'total' and born == 'total' and age == main.get(ind):
        if st[0] in (2, 3): rik_total_sup.append((ind, yr, st[0]))
    if lv == 'lan' and sens.get(ind):
        ok = rik.get((ind, yr, sex, age, born)) == 1
        for b in st:
            if not b or b == 4: continue
            lan['n'] += 1; lan['sup'] += b in (2, 3)
            if ok:
                lan_ok['n'] += 1; lan_ok['sup'] += b in (2, 3)
for lv, (n, p, s, w) in sorted(tot.items()):
    print(f"{lv}: cells {n}, primary {p}, secondary {s}, suppressed {100*(p+s)/max(n,1):.2f} %"
          + (f" (and {w} withheld by the table design)" if w else ""))
print("riket total cells (sex, born total, main age) suppressed:", len(rik_total_sup), rik_total_sup[:5])
print(f"län cells of sensitive indicators: {lan['n']}, suppressed {lan['sup']} ({100*lan['sup']/max(lan['n'],1):.2f} %)")
print(f"  of which where the national cell is published: {lan_ok['n']}, suppressed {lan_ok['sup']} ({100*lan_ok['sup']/max(lan_ok['n'],1):.2f} %)")
tv = list(db.execute("select status, count(*) from type_values group by status"))
print("type_values by status:", tv)
tvn = list(db.execute("select status, count(*) from type_values where within='00' group by status"))
print("national area-type aggregates by status:", tvn)

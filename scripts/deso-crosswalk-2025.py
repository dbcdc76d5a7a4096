#!/usr/bin/env python3
"""Derive the DeSO 2018 -> DeSO 2025 crosswalk that SCB's change log determines.

Inputs (data/, provenance in data/README.md):
  scb/koppling-deso2018-regso2020.csv         the 5,984 DeSO 2018
  scb/vintage-2025/deso2025-regso2025.csv     the 6,160 DeSO 2025
  scb/vintage-2025/deso-changes-2018-2025.csv SCB's "Historiska förändringar
                                              i DeSO" (2025-09-19)
Outputs (data/scb/vintage-2025/):
  deso2018-deso2025-exact.csv  from,to,weight: every DeSO 2018 whose whole
      population SCB's log sends to one DeSO 2025 (unchanged, code changed,
      ceased into one area, or only enlarged), weight 1.
  deso2018-deso2025-open.csv   from,to,change_type: the DeSO 2018 the log
      does not settle: splits (several targets; the population shares are
      not in the log) and areas that shrank without a destination in the log.
The open rows need population weights (e.g. SCB's DeSO 2025 population of
the pieces) before `omrade crosswalk` can move counts through them.

usage: python3 scripts/deso-crosswalk-2025.py [DATA_DIR]
"""
import collections
import csv
import os
import sys

data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "data")
scb = os.path.join(data, "scb")
v25 = os.path.join(scb, "vintage-2025")

with open(os.path.join(scb, "koppling-deso2018-regso2020.csv"), encoding="utf-8-sig") as f:
    old = sorted({r["DeSO_2018"] for r in csv.DictReader(f)})
with open(os.path.join(v25, "deso2025-regso2025.csv"), encoding="utf-8") as f:
    new = {r["deso_2025"] for r in csv.DictReader(f)}
with open(os.path.join(v25, "deso-changes-2018-2025.csv"), encoding="utf-8") as f:
    log = list(csv.DictReader(f))
assert len(old) == 5984 and len(new) == 6160, (len(old), len(new))

rows = collections.defaultdict(list)
for r in log:
    rows[r["from_deso"]].append(r)

exact, open_rows = [], []
for d in old:
    rs = rows.get(d, [])
    targets = {r["to_deso"] for r in rs if r["to_deso"] in new}
    if d in new:
        targets.add(d)
    kinds = sorted({r["change_type"] for r in rs})
    shrinks = any(k.startswith("Minskas") or k.startswith("Ger del") for k in kinds)
    gives_away = any(r["to_deso"] != d for r in rs)
    if len(targets) == 1 and not (shrinks and not gives_away):
        exact.append((d, targets.pop()))
    elif len(targets) == 1:
        # shrank ("Minskas ...") but the log names no receiving area
        open_rows.append((d, d, "; ".join(kinds) + " (receiving area not in the log)"))
    else:
        assert targets, d
        for t in sorted(targets):
            kt = sorted({r["change_type"] for r in rs if r["to_deso"] == t}) or ["kept"]
            open_rows.append((d, t, "; ".join(kt)))

head = ("# DeSO 2018 -> DeSO 2025 as far as SCB's change log (2025-09-19) settles it;\n"
        "# derived by scripts/deso-crosswalk-2025.py, provenance in data/README.md\n")
with open(os.path.join(v25, "deso2018-deso2025-exact.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(head + "from,to,weight\n")
    for a, b in exact:
        f.write(f"{a},{b},1\n")
with open(os.path.join(v25, "deso2018-deso2025-open.csv"), "w", encoding="utf-8", newline="") as f:
    f.write(head + "# these DeSO 2018 need population weights per piece\nfrom,to,change_type\n")
    w = csv.writer(f, lineterminator="\n")
    for r in open_rows:
        w.writerow(r)
nsplit = len({a for a, b, k in open_rows if not k.endswith("(receiving area not in the log)")})
print(f"exact: {len(exact)} DeSO 2018; open: {len({a for a, _, _ in open_rows})} "
      f"({nsplit} splits, {len({a for a, _, _ in open_rows}) - nsplit} shrunk without destination)")

#!/bin/sh
# Writes the SAS/Stata/SPSS fixtures from persons.csv with an independent
# tool, Debian's `readstat` CLI (package readstat 1.1.8): CSV + JSON column
# metadata -> .dta and .sav; .dta -> .sas7bdat (readstat 1.1.8 cannot write
# .sas7bdat from CSV directly: "Unsupported file format").  The committed
# files were made with this script; tests check that omrade reads each back
# as exactly persons.csv.
set -eu
cd "$(dirname "$0")"
readstat persons.csv meta-stata.json persons.dta
readstat persons.csv meta-spss.json persons.sav
readstat persons.dta persons.sas7bdat

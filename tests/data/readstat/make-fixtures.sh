#!/bin/sh
# Writes the SAS/Stata/SPSS fixtures from persons.csv with an independent
# tool, Debian's `readstat` CLI (package readstat 1.1.8): CSV + JSON column
# metadata -> .dta and .sav; .dta -> .sas7bdat (readstat 1.1.8 cannot write
# .sas7bdat from CSV directly: "Unsupported file format").  The committed
# files were made with this script; tests check that omrade reads each back
# as exactly persons.csv.
set -eu
cd "$(dirname "$0")"
rm -f ./*.dta ./*.sav ./*.sas7bdat ../../../examples/health/aggregated.sas7bdat
readstat persons.csv meta-stata.json persons.dta
readstat persons.csv meta-spss.json persons.sav
readstat persons.dta persons.sas7bdat
# the registers of tests/data/link as an agency might store them: persons as
# SAS, residence as Stata, deaths as SPSS; aggregated counts as all three
readstat ../link/persons.csv meta-link-persons.json link-persons.dta
readstat link-persons.dta link-persons.sas7bdat
rm link-persons.dta
readstat ../link/residence.csv meta-link-residence.json link-residence.dta
readstat ../link/deaths.csv meta-link-deaths.json link-deaths.sav
readstat ../link/aggregated.csv meta-aggregated.json aggregated.dta
readstat aggregated.dta aggregated.sas7bdat
sed 's/"STATA"/"SPSS"/' meta-aggregated.json > meta-aggregated-spss.json
readstat ../link/aggregated.csv meta-aggregated-spss.json aggregated.sav
rm meta-aggregated-spss.json
# a count that is not a whole number, for the error contract
readstat bad-events.csv meta-aggregated.json bad-events.dta
# the example of docs/health.md
readstat ../../../examples/rates/aggregated.csv meta-aggregated.json ../../../examples/health/aggregated.dta
readstat ../../../examples/health/aggregated.dta ../../../examples/health/aggregated.sas7bdat
rm ../../../examples/health/aggregated.dta

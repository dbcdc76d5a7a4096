/* omrade — synthetic Sweden: a national population with residence on the real
 * DeSO geography 2011–2024, socioeconomic person-year attributes, barometer
 * attributes and event registers, calibrated to SCB's open DeSO tables and to
 * SCB's published 2023 area types (docs/synth.md describes the model and the
 * file formats; data/synth/ holds the derived calibration tables).
 *
 * Determinism: every random number comes from a counter-based stream keyed by
 * (seed, entity, purpose), so the files are identical for a given seed and
 * scale whatever the number of threads. */
#ifndef OMRADE_SYNTH_H
#define OMRADE_SYNTH_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/geo.h"
#include "omrade/sei.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OM_SYNTH_YEAR0 2011
#define OM_SYNTH_YEAR1 2024
#define OM_SYNTH_NYEARS (OM_SYNTH_YEAR1 - OM_SYNTH_YEAR0 + 1)

/* ------------------------------------------------------------ calibration */

/* The calibration model: the embedded tables data/synth/deso-2022.csv and
 * data/synth/regso-types-2023.csv joined to the built-in geography, and the
 * per-RegSO 2023 target shares derived from them.  Created by
 * om_synth_model_new(), destroyed by om_synth_model_free() (accepts NULL).
 * Errors: OM_ERR_INPUT when a table row does not match the geography (a bug
 * in the shipped data), OM_ERR_NOMEM. */
typedef struct om_synth_model om_synth_model;
om_status om_synth_model_new(om_synth_model **out, om_error *err);
void om_synth_model_free(om_synth_model *m);

/* The geography the model is built on (owned by the model). */
const om_geo *om_synth_model_geo(const om_synth_model *m);

/* Per DeSO (geo index): population 31 Dec 2022 (all ages, and by 5-year
 * band 0 = 0–4 … 16 = 80+), population 31 Dec 2023. */
int32_t om_synth_deso_pop2022(const om_synth_model *m, int32_t deso);
int32_t om_synth_deso_age2022(const om_synth_model *m, int32_t deso, int band);
int32_t om_synth_deso_pop2023(const om_synth_model *m, int32_t deso);

/* Per RegSO (geo index): SCB's published 2023 area type (1–5) and the
 * target shares (fractions) of the three SEI indicators for 2023 that the
 * generator allocates exactly, as SCB defines them (omrade/sei.h): 0 low
 * economic standard (all ages), 1 at most pre-upper-secondary education
 * (20–65, om_sei_age_band(2023)), 2 economic assistance in at least 10
 * months and/or more than 180 days unemployed (20–65).  proxy = the same
 * indicators computed directly from the 2022 DeSO tables (before
 * calibration). */
int om_synth_regso_type(const om_synth_model *m, int32_t regso);
double om_synth_regso_target(const om_synth_model *m, int32_t regso, int indicator);
double om_synth_regso_proxy(const om_synth_model *m, int32_t regso, int indicator);

/* ------------------------------------------------------------- generation */

typedef struct om_synth_options {
    double scale;      /* fraction of the real population, 0.001–1 */
    uint64_t seed;
    double messy;      /* rate of messy event rows and persons, 0–0.5 */
    int threads;       /* worker threads; <= 0 means 2 */
    bool split_years;  /* year-bearing files as <name>_<year>.csv */
    om_progress progress;
} om_synth_options;

typedef struct om_synth_summary {
    int64_t persons;        /* rows of persons.csv (incl. messy persons) */
    int64_t residence;      /* rows of residence.csv */
    int64_t person_year;    /* rows of person_year.csv */
    int64_t deaths, admissions, prescriptions, dental, births;
    int64_t messy_duplicates, messy_unknown_ids, messy_bad_dates, messy_persons;
} om_synth_summary;

/* Write the synthetic microdata into directory `dir` (created if missing):
 * persons.csv, residence.csv, person_year.csv, deaths.csv, admissions.csv,
 * prescriptions.csv, dental.csv, births.csv (docs/synth.md).  Every file is
 * written atomically; on failure none is left behind.  `sum` may be NULL.
 * Errors: OM_ERR_USAGE for options out of range, OM_ERR_IO, OM_ERR_NOMEM. */
om_status om_synth_generate(const om_synth_model *m, const char *dir,
                            const om_synth_options *opt, om_synth_summary *sum,
                            om_error *err);

/* Households and guardians (docs/synth.md, "Households"; src/synth/
 * households.c): read persons.csv, residence.csv and births.csv in `dir`
 * (as om_synth_generate writes them, not split by year) and write to `out`
 * one row per person resident on 31 Dec of a year:
 * lopnr,year,deso,household,type,guardian1,guardian2,moved_in
 * type: couple_children, couple, single_parent, alone, other (SCB 000005F8);
 * guardian1/2: the guardians' lopnr for children 0-17 (empty otherwise);
 * moved_in: first year of the current unbroken stay in the DeSO (2011 = in
 * 2011 or earlier).  Calibrated per DeSO to SCB's 2022 household types.
 * Rows that cannot be used (unknown person, DeSO or year, duplicates) are
 * counted in `sum` (may be NULL).  Errors: OM_ERR_IO, OM_ERR_INPUT with
 * file:line:column, OM_ERR_NOMEM. */
typedef struct om_households_summary {
    int64_t person_years, households, children, single_parent_children, living_alone;
    int64_t children_without_guardian; /* no adult in the DeSO that year */
    int64_t rejected_persons, rejected_residence;
} om_households_summary;
om_status om_synth_households(const om_synth_model *m, const char *dir, uint64_t seed, FILE *out,
                              om_households_summary *sum, om_error *err);

/* ------------------------------------------------------------- indicators */

typedef struct om_indicators_summary {
    int64_t persons, residence_rows, person_year_rows;
    int64_t rejected_residence;  /* unknown lopnr, year out of range, unknown DeSO, duplicate */
    int64_t unlinked_person_year; /* person-year rows without residence that year */
} om_indicators_summary;

/* Aggregate the microdata in `dir` (persons.csv, residence.csv,
 * person_year.csv as written by om_synth_generate, or any files with the same
 * columns) and write to `out` the SEI input counts per area and year:
 * area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d
 * with SCB's definitions (om_sei_age_band, om_sei_long_assist_unemp).
 * `level` is OM_LEVEL_REGSO or OM_LEVEL_DESO.  With OM_INDICATORS_BAROMETER
 * in `flags`, writes the long barometer table instead (level,code,year,
 * indicator,sex,age,born,edu,numerator,denominator; docs/synth.md lists the
 * indicators); OM_INDICATORS_EDU adds the education cube's rows (kommun, län,
 * riket by education level).  The education rows are opt-in because
 * protecting them with the rest of the publication (omrade build) is not yet
 * fast enough at national scale (docs/barometer.md, "Education breakdown").
 * `sum` may be NULL.  Errors: OM_ERR_IO, OM_ERR_INPUT with file:line:column,
 * OM_ERR_NOMEM. */
#define OM_INDICATORS_BAROMETER 1u
#define OM_INDICATORS_EDU 2u
om_status om_synth_indicators(const char *dir, om_level level, unsigned flags, FILE *out,
                              const om_progress *progress, om_indicators_summary *sum,
                              om_error *err);

/* ------------------------------------------------ SEI indicators per person */

/* One person-year as SCB's SEI counts it: the definitions of
 * om_synth_indicators(), whose area counts are exactly the sums of these
 * records (it is computed through the same accessor).  Indicator k is
 * OM_SEI_LOW_ECON, OM_SEI_PRE_UPPER, OM_SEI_ASSIST_UNEMP (omrade/sei.h):
 *   low_econ      den: every person with a person_year row; num: disposable
 *                 income per consumption unit below 60 % of the year's
 *                 national median;
 *   pre_upper     den: in om_sei_in_age_band() with a known education; num:
 *                 education code 1 (pre-upper-secondary);
 *   assist_unemp  den: in om_sei_in_age_band(); num:
 *                 om_sei_long_assist_unemp(). */
typedef struct om_sei_person {
    int32_t deso;               /* DeSO index in om_sei_micro_geo() */
    uint8_t den[OM_SEI_NIND];   /* 1: in the denominator of indicator k */
    uint8_t num[OM_SEI_NIND];   /* 1: in the numerator (implies den) */
} om_sei_person;

/* The microdata of om_synth_indicators() loaded once (persons.csv,
 * residence.csv, person_year.csv in `dir`; the same checks and counts in
 * `sum`, which may be NULL), for person-level analyses: movers and stayers,
 * bootstrap over persons (omrade/change.h).  Memory about 7 bytes per person
 * and year of the synthetic period.  Errors: as om_synth_indicators().
 * Destroy with om_sei_micro_free() (accepts NULL). */
typedef struct om_sei_micro om_sei_micro;
om_status om_sei_micro_load(om_sei_micro **out, const char *dir, const om_progress *progress,
                            om_indicators_summary *sum, om_error *err);
void om_sei_micro_free(om_sei_micro *m);
const om_geo *om_sei_micro_geo(const om_sei_micro *m);
/* Persons 0..n-1 (in the order of persons.csv) and the years covered. */
int32_t om_sei_micro_persons(const om_sei_micro *m);
void om_sei_micro_years(const om_sei_micro *m, int32_t *first, int32_t *last);
/* Person p in `year`: false (and *out untouched) when the person has no
 * residence or no person_year row that year, i.e. is in no denominator. */
bool om_sei_micro_get(const om_sei_micro *m, int32_t p, int32_t year, om_sei_person *out);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

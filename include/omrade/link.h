/* omrade — register linkage: persons, their residence and area types, and
 * event registers aggregated into rate tables.
 *
 * Representation (for national scale): persons get a dense index 0..n-1 via
 * a hash from lopnr built once; residence is one 16-bit area index per
 * person and year (0xFFFF = not registered in Sweden on 31 December of that
 * year), so linking an event is two array reads.  Area types are one byte per
 * RegSO and type year.  Events are parsed on several threads, reduced to one
 * 64-bit key per row (person, day, code) and radix-sorted, which yields both
 * the duplicate count and the persons with at least one event; a single
 * aggregation kernel then fills dense cubes addressed with strides.
 *
 * Linkage methods.  Area types are published about a year after RegSO, so
 * the statistics of year Y cannot always be linked with area types of Y.  A
 * method is a residence year and an area-type year, each relative to the
 * statistics year Y (om_link_method).  Socialstyrelsen describes two for
 * its statistics by RegSO area type (as summarised in omrade issue 11):
 *   sos1    the most recent RegSO (residence 31 Dec of Y) with the previous
 *           year's area type (type year Y-1);
 *   sos2    the previous year's RegSO (residence 31 Dec of Y-1) with the area
 *           type of that same year (type year Y-1);
 * and omrade's earlier methods are presets too:
 *   dec31   residence 31 Dec of Y-1, type year Y;
 *   prev    residence 31 Dec of Y-1, type year Y-1 (the same as sos2);
 *   latest  the person's latest residence in the data, the latest type year.
 * The population of year Y is the persons registered on 31 Dec of the
 * residence year (Y-1 for `latest`); an event of a person not registered
 * then is counted as "no residence".  A type year missing from the types is
 * an error unless the caller asks for the nearest year (then every
 * substituted row is counted).  Ages are attained ages at the end of year Y
 * (Y minus birth year). */
#ifndef OMRADE_LINK_H
#define OMRADE_LINK_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/geo.h"
#include "omrade/health.h"

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* An offset value meaning "the latest year in the data". */
#define OM_LINK_LATEST 1

/* A linkage method for statistics year Y. */
typedef struct om_link_method {
    int residence; /* 0: residence on 31 Dec of Y; -1: of Y-1; OM_LINK_LATEST:
                      each person's latest residence in the data (the
                      population is then the persons registered on 31 Dec of Y-1) */
    int type;      /* 0: area types of year Y; -1: of Y-1; OM_LINK_LATEST: the
                      latest type year in the types data */
} om_link_method;

/* A named method.  Strings are static. */
typedef struct om_link_preset {
    const char *name; /* "sos1", "sos2", "dec31", "prev", "latest" */
    om_link_method method;
    const char *text_sv; /* one-line description in Swedish */
    const char *text_en; /* the same in English (metadata, tables) */
} om_link_preset;

size_t om_link_npresets(void);
const om_link_preset *om_link_preset_at(size_t i);
/* The preset named s, or NULL. */
const om_link_preset *om_link_preset_find(const char *s);
/* "Y", "Y-1" or "latest" -> offset; false otherwise. */
bool om_link_offset_parse(const char *s, int *off);
/* Offset -> "Y", "Y-1", "latest" (static strings). */
const char *om_link_offset_name(int off);
/* A preset name, or "R/T" with R and T each Y, Y-1 or latest (residence /
 * type year, e.g. "Y/Y-1" = sos1).  False when neither. */
bool om_link_method_parse(const char *s, om_link_method *m);
/* The name of the first preset with m's offsets (sos1, sos2, dec31,
 * latest), else "R/T"; written to buf (16 bytes suffice). */
const char *om_link_method_name(om_link_method m, char *buf, size_t size);
bool om_link_method_equal(om_link_method a, om_link_method b);

/* What to do when the type year a method needs is not in the types data. */
typedef enum om_link_fallback {
    OM_LINK_TYPES_EXACT = 0,   /* an error naming the year */
    OM_LINK_TYPES_NEAREST = 1, /* the nearest type year present (the earlier on a tie) */
    OM_LINK_TYPES_UNUSED = 2   /* types are not needed: no type year, type 0 */
} om_link_fallback;

/* A method resolved for one statistics year against the data loaded. */
typedef struct om_link_plan {
    om_link_method method;
    int year;             /* statistics year Y */
    int residence_year;   /* registered on 31 Dec of this year = the population */
    bool residence_latest; /* area = each person's latest residence in the data */
    int type_year;        /* area-type year used; 0 when none */
    int type_year_wanted; /* the year the method asks for; != type_year when substituted */
} om_link_plan;

/* Country-of-birth groups of persons.csv. */
enum { OM_BORN_SWEDEN, OM_BORN_NORDIC, OM_BORN_EU, OM_BORN_OTHER, OM_BORN_UNKNOWN, OM_BORN_N };
const char *om_link_born_name(int g);

/* Column names of the inputs (NULL = the synthetic format's name). */
typedef struct om_link_options {
    const char *p_id, *p_sex, *p_birth, *p_country, *p_death; /* persons */
    const char *r_id, *r_year, *r_area;                       /* residence */
    const char *t_area, *t_year, *t_type;                     /* area types (long layout) */
    int threads;          /* 0 = 2 */
    om_progress progress; /* may be {NULL, NULL} */
} om_link_options;

/* What loading found besides the data kept (nothing is dropped silently). */
typedef struct om_link_load_stats {
    int64_t persons, persons_dup;          /* rows kept; repeated lopnr (first kept) */
    int64_t res_rows, res_unknown_id;      /* residence rows; ids not in persons */
    int64_t res_unknown_area, res_dup;     /* area codes not in the registry; repeated person-year */
    int64_t res_person_years;              /* person-years stored */
    int64_t type_rows, type_unknown_area;  /* area-type rows; RegSO codes not in the registry */
    int64_t type_missing;                  /* empty (or "..") area types: area excluded */
    int64_t type_notes;                    /* footnote/blank rows of an SCB export */
    int64_t type_repeated;                 /* RegSO-years repeated with the same type in another file */
} om_link_load_stats;

typedef struct om_link om_link;

/* Load persons, residence (one or more files with the same columns, e.g.
 * split by year) and optionally area types (`types`: ntypes files, merged
 * by om_areatypes_read() of omrade/sei.h: the long layout area,year,
 * area_type or SCB's export; a RegSO-year given with different types in two
 * files, or twice in one file, is an error; RegSO codes the registry does
 * not know are counted).  The residence area may be DeSO or RegSO codes
 * (detected from the first row).  `geo` must outlive the result.  Destroy
 * with om_link_free().  Errors: OM_ERR_INPUT with file:line:column for
 * malformed fields or missing columns, OM_ERR_IO, OM_ERR_NOMEM. */
om_status om_link_load(om_link **out, const om_geo *geo, const char *persons,
                       const char *const *residence, size_t nres, const char *const *types,
                       size_t ntypes, const om_link_options *opt, om_error *err);
void om_link_free(om_link *l);
const om_link_load_stats *om_link_stats(const om_link *l);
size_t om_link_persons(const om_link *l);
/* Years with residence data [first, last]; years with area types (a year is
 * present when at least one RegSO has a type 1-5 in it) [first, last], (0, 0)
 * without types; whether one year is present. */
void om_link_years(const om_link *l, int *first, int *last);
void om_link_type_years(const om_link *l, int *first, int *last);
bool om_link_has_type_year(const om_link *l, int year);
om_level om_link_area_level(const om_link *l);

/* Resolve method m for statistics year `year`.  Errors: OM_ERR_USAGE when
 * the residence year is outside the residence data; OM_ERR_INPUT naming the
 * type year when it is not in the types and fb is OM_LINK_TYPES_EXACT. */
om_status om_link_plan_year(const om_link *l, om_link_method m, int year, om_link_fallback fb,
                            om_link_plan *plan, om_error *err);
/* Statistics years [*first, *last] for which every one of the n methods has
 * its residence year in the data; false when there is none. */
bool om_link_stat_years(const om_link *l, const om_link_method *m, size_t n, int *first,
                        int *last);

/* Linkage of one person under a plan: the area index (at
 * om_link_area_level()) or -1 when not registered on 31 Dec of the plan's
 * residence year; *type = area type 1..5 or 0 when unknown; *res_year (may
 * be NULL) = the residence year of the area returned. */
int32_t om_link_area(const om_link *l, uint32_t person, const om_link_plan *plan, int *type,
                     int *res_year);
/* Dense index of a lopnr; false when unknown. */
bool om_link_person(const om_link *l, int64_t lopnr, uint32_t *person);
int64_t om_link_lopnr(const om_link *l, uint32_t person);
/* Sex (1 man, 2 woman, 0 unknown), birth year and OM_BORN_* group of a
 * person (all 0 / OM_BORN_UNKNOWN for an index out of range). */
void om_link_person_info(const om_link *l, uint32_t person, int *sex, int *birth_year, int *born);

/* Area types of the persons under two plans of the same statistics year. */
typedef struct om_link_comparison {
    int64_t tab[6][6];      /* persons linked under both: type under a x type under b
                               (index 0 = no type) */
    int64_t only_a, only_b; /* persons linked (registered) under one plan only */
    int64_t typed_both;     /* persons with a type under both */
    int64_t differ;         /* ... whose types differ */
    double share;           /* differ / typed_both; NaN when typed_both is 0 */
} om_link_comparison;
void om_link_compare(const om_link *l, const om_link_plan *a, const om_link_plan *b,
                     om_link_comparison *out);

/* omrade link's output.  The header: lopnr,year,method,residence_year,
 * type_year,type_year_wanted,<deso or regso>,regso,area_type. */
void om_link_write_header(FILE *fp, const om_link *l);
/* The rows of statistics year `year` under plan pl (named `method`): one per
 * person with an area; returns how many were written. */
int64_t om_link_write_year(FILE *fp, const om_link *l, const om_geo *g, const char *method,
                           const om_link_plan *pl, int year);
/* Persons with an area under plan pl. */
int64_t om_link_count_linked(const om_link *l, const om_link_plan *pl);
/* --compare: year, both plans (method, residence_year, type_year,
 * type_year_wanted), type_a, type_b, persons. */
void om_link_write_compare_header(FILE *fp);
/* The non-empty cells of cmp (plans a and b of `year`); returns the persons
 * linked under both. */
int64_t om_link_write_compare(FILE *fp, int year, const char *name_a, const om_link_plan *a,
                              const char *name_b, const om_link_plan *b, const om_link_comparison *cmp);

/* ---------------------------------------------------------------- outcomes */

/* A set of named outcomes, each a list of code prefixes.  Created by
 * om_outcomes_new(), destroyed by om_outcomes_free(). */
typedef struct om_outcomes om_outcomes;
om_outcomes *om_outcomes_new(void);
void om_outcomes_free(om_outcomes *o);
/* Add outcome `name` with comma- or blank-separated prefixes ("I21,I22";
 * "*" alone matches every code).  `file` (may be NULL) is the events file
 * the outcome applies to; NULL = every file.  Errors: OM_ERR_USAGE for an
 * empty list or too many outcomes (max 64). */
om_status om_outcomes_add(om_outcomes *o, const char *name, const char *prefixes,
                          const char *file, om_error *err);
/* Read a definitions file: one outcome per line "name: P1 P2 ..." ('#' starts
 * a comment, blank lines ignored).  Errors: OM_ERR_INPUT with line and
 * column. */
om_status om_outcomes_load(om_outcomes *o, const char *path, om_error *err);
size_t om_outcomes_count(const om_outcomes *o);
const char *om_outcomes_name(const om_outcomes *o, size_t i);

/* ---------------------------------------------------------------- rates */

/* Dimensions of a rate table (bit flags). */
enum {
    OM_DIM_YEAR = 1 << 0,
    OM_DIM_TYPE = 1 << 1,
    OM_DIM_REGSO = 1 << 2,
    OM_DIM_KOMMUN = 1 << 3,
    OM_DIM_LAN = 1 << 4,
    OM_DIM_SEX = 1 << 5,
    OM_DIM_AGE = 1 << 6,
    OM_DIM_BORN = 1 << 7
};

enum { OM_STD_NONE, OM_STD_ESP2013, OM_STD_SWEDEN, OM_STD_FILE };
enum { OM_EB_NONE, OM_EB_RIKET, OM_EB_KOMMUN };

typedef struct om_rates_spec {
    om_link_method method;
    om_link_fallback type_fallback; /* EXACT or NEAREST (UNUSED is implied without type in dims) */
    unsigned dims;            /* OM_DIM_* */
    int age_lower[32];        /* lower limits of age groups, ascending, first 0 */
    int n_age;                /* 0 = 5-year groups 0-4 ... 85-89, 90+ */
    int year_first, year_last; /* event years; 0 = from the residence years + 1 */
    bool person_years;        /* population: person-years (true) or 31 Dec count */
    int standard;             /* OM_STD_* */
    int standard_year;        /* OM_STD_SWEDEN: population on 31 Dec of this year */
    double standard_w[19];    /* OM_STD_FILE: weights per ESP band */
    double level;             /* 0.95 or 0.998 */
    int ref_type;             /* reference area type for rate ratios (1..5) */
    /* Event files: paths and their columns (NULL = lopnr,date,code). */
    const char *const *events;
    size_t nevents;
    const char *e_id, *e_date, *e_code;
    int threads;          /* 0 = 2 */
    om_progress progress; /* may be {NULL, NULL} */
    /* Event measures (definitions and sources in src/link/rates.c).  A
     * washout counts an event only when the person has no event of the same
     * outcome in the window before it: the N calendar years before the event
     * date (first-event incidence; Socialstyrelsen's first AMI: 7 years) or
     * the N days before it (a new case only after N event-free days; 28 for
     * AMI).  Events up to the window before the first event year are read
     * for this and counted as `history`.  At most one of the two; the period
     * plus the window must span at most 44 years. */
    int washout_years;    /* 0 = none; 1..30 */
    int washout_days;     /* 0 = none; 1..3650 */
    /* > 0: case fatality of the events counted: death (persons' death date)
     * on day 0..fatality_days after the event date (day 0 = the event day;
     * Socialstyrelsen's 28-day case fatality: 28). */
    int fatality_days;
    /* Case fatality: the last day the death dates cover, as YYYYMMDD; 0 =
     * 31 Dec of the last event year.  An event whose D days reach past it
     * (event date + D > this day) cannot be classified and is left out of
     * the fatality (counts.censored). */
    int followup_end;
    /* om_rates_write_barometer(): also write "O_eb_per100k", the RegSO rates
     * smoothed by om_sdc_eb_smooth() (OM_EB_NONE, OM_EB_RIKET: one prior over
     * all RegSOs, OM_EB_KOMMUN: one per kommun). */
    int barometer_eb;
    /* om_rates_write_barometer(): also write "O_isr", the indirectly
     * standardised ratio per RegSO, kommun, län and riket (observed /
     * expected from the run's own sex x 5-year age rates); needs the table
     * of om_rates_run_isr_reference(). */
    bool barometer_isr;
    /* Poisson limits of crude rates and of the DSR's total count: exact
     * (Garwood) below byar_from events and Byar from it on.  0 means the
     * default 10 (PHE); use 1 for Byar always (Byar at 0 events is the
     * exact-at-0 value anyway), INT_MAX for exact always. */
    int byar_from;
    double per;           /* rates per `per` persons; 0 = 100000 */
    /* Survival after the counted events (src/link/rates_km.c): Kaplan-Meier
     * per cell, from the event date to the death date, censored at the end
     * of follow-up (followup_end); with Greenwood's standard errors and
     * log-log limits at `level`.  surv_days[0..nsurv_days-1]: days at which
     * the summary reports survival per outcome (0 days: 28 and 365). */
    bool survival;
    int surv_days[8];
    int nsurv_days;
} om_rates_spec;

/* Where events went (per outcome and in total). */
typedef struct om_rates_counts {
    int64_t rows;           /* event rows read */
    int64_t unknown_id;     /* lopnr not in persons */
    int64_t outside_period; /* dates outside the event years */
    int64_t not_selected;   /* code matches no outcome */
    int64_t duplicates;     /* identical (lopnr, date, code) rows after the first */
    int64_t no_residence;   /* not registered on 31 Dec before the event year */
    int64_t no_type;        /* area without an area type that year */
    int64_t linked;         /* counted in the table */
    int64_t pop_no_type;    /* total only: person-years at risk (31 Dec count) left out of
                               the table because their area had no area type that year */
    int64_t type_substituted; /* linked events whose type came from a substituted year */
    int64_t pop_type_substituted; /* total only: persons at risk (31 Dec count) typed
                                     with a substituted year */
    int64_t history;        /* washout: events before the first event year, read only as
                               the persons' history (not in the table) */
    int64_t not_first;      /* washout: events with an earlier event of the outcome within
                               the window (not counted) */
    int64_t death_before_event; /* case fatality: counted events of persons whose recorded
                                   death precedes the event (left out of the fatality) */
    int64_t censored;       /* case fatality: counted events less than D days before the end
                               of follow-up (left out of the fatality) */
} om_rates_counts;

/* One output cell.  Dimension values are -1 when the dimension is absent. */
typedef struct om_rates_cell {
    int outcome, year, type, area, sex, age, born;
    double events, persons, pop, n; /* n = 31 Dec population (for proportions) */
    double rate, rate_lower, rate_upper;
    double prop, prop_lower, prop_upper;
    double dsr, dsr_lower, dsr_upper, dsr_var;
    int dsr_note; /* 0, OM_DSR_FEW_EVENTS, OM_DSR_NO_POP (om_stats.h); -1 not computed */
    double rr, rr_lower, rr_upper;
    /* case fatality (spec.fatality_days > 0, else 0 and NaN): events with a
     * usable death date or none, of them followed by death within the days,
     * and the proportion with Wilson limits */
    double fat_cases, fat_deaths, fatality, fatality_lower, fatality_upper;
} om_rates_cell;

typedef struct om_rates_sii_row {
    int outcome, year, area, sex, age, born;
    double sii, sii_lower, sii_upper, rii, rii_lower, rii_upper;
    int groups;
} om_rates_sii_row;

typedef struct om_rates om_rates;

/* Link every event file to the population and aggregate.  Destroy with
 * om_rates_free().  Errors: OM_ERR_INPUT (bad field, with position),
 * OM_ERR_USAGE (inconsistent spec, e.g. type without a types file). */
om_status om_rates_run(om_rates **out, const om_link *l, const om_outcomes *o,
                       const om_rates_spec *spec, om_error *err);
void om_rates_free(om_rates *r);
size_t om_rates_ncells(const om_rates *r);
const om_rates_cell *om_rates_cells(const om_rates *r);
size_t om_rates_nsii(const om_rates *r);
const om_rates_sii_row *om_rates_sii(const om_rates *r);
/* counts[0..noutcomes-1] per outcome (rows/unknown_id/outside_period/
 * not_selected are file-level and only in the total); total in *all. */
const om_rates_counts *om_rates_outcome_counts(const om_rates *r, size_t outcome);
const om_rates_counts *om_rates_total_counts(const om_rates *r);
/* Survival (spec.survival): the Kaplan-Meier estimate of one group of
 * events, a cell (om_rates_km_cell, i < om_rates_ncells) or all events of
 * an outcome (om_rates_km_outcome).  `cases` events entered, `deaths` of
 * them ended in death, the others censored at the end of follow-up; `tmax`
 * the longest follow-up (days); steps[0..nsteps-1] as om_stats_km gives
 * them (one per day with deaths).  NULL without survival or for a cell
 * without events. */
typedef struct om_rates_km_group {
    double cases, deaths, tmax;
    const om_km_step *steps;
    size_t nsteps;
} om_rates_km_group;
const om_rates_km_group *om_rates_km_cell(const om_rates *r, size_t cell);
const om_rates_km_group *om_rates_km_outcome(const om_rates *r, size_t outcome);
/* S(day) of a group: the last step at or before `day` (1 before the first
 * death), with its standard error and limits (NaN where undefined).  False
 * (values NaN) when day > tmax: nobody is followed that long. */
bool om_rates_km_at(const om_rates_km_group *g, double day, om_km_step *out);
/* Survival counts per outcome (spec.survival): events whose person died
 * before the event date and events after the end of follow-up are left
 * out of the survival (both counted); cases and deaths as in the groups. */
typedef struct om_rates_km_counts {
    int64_t cases, deaths, censored, death_before_event, after_end;
} om_rates_km_counts;
const om_rates_km_counts *om_rates_km_counts_of(const om_rates *r, size_t outcome);
/* Age-group label of group i ("0-4", "65+", ...); owned by r. */
const char *om_rates_age_label(const om_rates *r, int i);
/* The plan of statistics year `year` (NULL outside the years of the run). */
const om_link_plan *om_rates_plan(const om_rates *r, int year);
/* Standard population used (19 ESP bands), NULL without standardisation. */
const double *om_rates_standard(const om_rates *r);

/* The barometer's indicator input (`omrade build --indicators`, format
 * barometer-indicators with its interval columns lower,upper) from a run
 * by regso and year (sex optional; no other dimension): per outcome O the
 * indicator "O_per100k" (events / population at risk, exact Poisson or
 * Byar limits as the cells) and, with case fatality, "O_fatality<D>d"
 * (deaths within D days / cases, Wilson limits); with spec->barometer_eb,
 * "O_eb_per100k" per RegSO (see the field; the Gamma posterior interval);
 * with spec->barometer_isr, "O_isr" (numerator observed, denominator
 * expected events; Poisson limits of O over E) from `by_age`, the table of
 * om_rates_run_isr_reference() (NULL without the ISR).  One row per RegSO
 * and the sums per kommun, län and riket (counts add up exactly), sex
 * `total` and, by sex, `man` and `woman`; age and born `total`.  Cells
 * with neither events nor population are left out.  Errors: OM_ERR_USAGE
 * for other dimensions or the ISR without `by_age`; OM_ERR_NOMEM;
 * OM_ERR_IO when writing fails. */
om_status om_rates_write_barometer(FILE *fp, const om_rates *r, const om_rates *by_age, const om_geo *g,
                                   const om_outcomes *o, const om_rates_spec *spec, om_error *err);
/* The table the ISR needs: om_rates_run() of the same spec by RegSO, year,
 * sex and 5-year age band, unstandardised.  Destroy with om_rates_free(). */
om_status om_rates_run_isr_reference(om_rates **out, const om_link *l, const om_outcomes *o,
                                     const om_rates_spec *spec, om_error *err);

/* What omrade rates writes about a run: the spec it ran with, the name of
 * the linkage method, the standard's name ("esp2013", "none", ...), the
 * outcomes, the result, the geography and linkage it used, and the
 * statistics years year_first..year_last.  All borrowed. */
typedef struct om_rates_out {
    const om_rates_spec *spec;
    const char *method;
    const char *standard;
    const om_outcomes *outcomes;
    const om_rates *rates;
    const om_geo *geo;
    const om_link *link;
    bool table; /* om_rates_write_cells: a fixed-width table instead of CSV */
    int year_first, year_last;
    const om_rates *by_age; /* om_rates_run_isr_reference() with spec->barometer_isr, else NULL */
} om_rates_out;
/* The cells: CSV (method,residence_year,type_year,type_year_wanted,outcome,
 * the --by columns, events,persons,pop,n,rate..., dsr..., rr..., note) or
 * the table for people (docs/rates.md). */
void om_rates_write_cells(FILE *fp, const om_rates_out *x);
/* SII and RII across area types per cell without the type (CSV). */
void om_rates_write_sii(FILE *fp, const om_rates_out *x);
/* key,outcome,value: the method, plans, and where every input row went. */
void om_rates_write_summary(FILE *fp, const om_rates_out *x);
/* The Kaplan-Meier curves of spec.survival (CSV: method...outcome, the
 * --by columns, cases,time,at_risk,events,censored,surv,se,lower,upper,note;
 * docs/rates.md "Survival"). */
void om_rates_write_km(FILE *fp, const om_rates_out *x);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

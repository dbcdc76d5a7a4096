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
 * Linkage methods (an event in year Y; "type year" = the year of the area
 * type classification used, clamped to the years present in the types file):
 *   dec31   residence on 31 Dec of Y-1, area type of year Y;
 *   latest  the person's latest residence in the data, latest type year;
 *   prev    residence on 31 Dec of Y-1, area type of year Y-1.
 * In every method the population at risk in year Y is the persons registered
 * on 31 Dec of Y-1; an event of a person not registered then is counted as
 * "no residence".  Ages are attained ages at the end of year Y (Y minus
 * birth year). */
#ifndef OMRADE_LINK_H
#define OMRADE_LINK_H

#include "omrade/common.h"
#include "omrade/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum om_link_method {
    OM_LINK_DEC31 = 0,
    OM_LINK_LATEST = 1,
    OM_LINK_PREV = 2,
    OM_LINK_METHODS = 3
} om_link_method;

/* "dec31", "latest", "prev"; and a one-line description for metadata. */
const char *om_link_method_name(om_link_method m);
const char *om_link_method_text(om_link_method m);
/* -1 when unknown. */
int om_link_method_parse(const char *s);

/* Country-of-birth groups of persons.csv. */
enum { OM_BORN_SWEDEN, OM_BORN_NORDIC, OM_BORN_EU, OM_BORN_OTHER, OM_BORN_UNKNOWN, OM_BORN_N };
const char *om_link_born_name(int g);

/* Column names of the inputs (NULL = the synthetic format's name). */
typedef struct om_link_options {
    const char *p_id, *p_sex, *p_birth, *p_country, *p_death; /* persons */
    const char *r_id, *r_year, *r_area;                       /* residence */
    const char *t_area, *t_year, *t_type;                     /* area types */
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
} om_link_load_stats;

typedef struct om_link om_link;

/* Load persons, residence (one or more files with the same columns, e.g.
 * split by year) and optionally area types (`types` may be NULL): either
 * area,year,area_type (RegSO codes or "Kommun (RegSO)" labels) or SCB's
 * statistical-database export (a label column, then one column per year
 * headed by the year; footnote rows counted in type_notes).  The
 * residence area may be DeSO or RegSO codes (detected from the first row).
 * `geo` must outlive the result.  Destroy with om_link_free().  Errors:
 * OM_ERR_INPUT with file:line:column for malformed fields or missing
 * columns, OM_ERR_IO, OM_ERR_NOMEM. */
om_status om_link_load(om_link **out, const om_geo *geo, const char *persons,
                       const char *const *residence, size_t nres, const char *types,
                       const om_link_options *opt, om_error *err);
void om_link_free(om_link *l);
const om_link_load_stats *om_link_stats(const om_link *l);
size_t om_link_persons(const om_link *l);
/* Years with residence data [first, last]; area-type years [first, last]
 * (0, 0 without a types file). */
void om_link_years(const om_link *l, int *first, int *last);
void om_link_type_years(const om_link *l, int *first, int *last);
om_level om_link_area_level(const om_link *l);

/* Linkage of one person for event year `year` under method m: the area index
 * (at om_link_area_level()) or -1 when not registered on 31 Dec of year-1,
 * and the area type 1..5 or 0 when unknown. */
int32_t om_link_area(const om_link *l, uint32_t person, int year, om_link_method m, int *type);
/* Dense index of a lopnr; false when unknown. */
bool om_link_person(const om_link *l, int64_t lopnr, uint32_t *person);
int64_t om_link_lopnr(const om_link *l, uint32_t person);

/* Cross-tabulation of area types under two methods for event year `year`
 * over the persons registered on 31 Dec of year-1:  tab[a][b] = persons with
 * type a under m1 and b under m2 (index 0 = no type).  *share = off-diagonal
 * share among persons with a type under both. */
void om_link_compare(const om_link *l, int year, om_link_method m1, om_link_method m2,
                     int64_t tab[6][6], double *share);

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

typedef struct om_rates_spec {
    om_link_method method;
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
/* Age-group label of group i ("0-4", "65+", ...); owned by r. */
const char *om_rates_age_label(const om_rates *r, int i);
/* Standard population used (19 ESP bands), NULL without standardisation. */
const double *om_rates_standard(const om_rates *r);

#ifdef __cplusplus
}
#endif
#endif

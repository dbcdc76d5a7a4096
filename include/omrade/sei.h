/* omrade — socioeconomic index (SEI) and area types (SCB's RegSO method).
 *
 * For every area and year three shares in percent are given — low economic
 * standard (all ages), pre-upper-secondary education only and long-term
 * social assistance and/or unemployment (both among the ages of
 * om_sei_age_band()) — either directly or as numerator/denominator counts.  SEI is the mean of the three shares.  Within each year the
 * mean and the sample standard deviation of SEI over all valid areas
 * (unweighted) give z = (SEI − mean) / SD, and the area type is
 *   1: z > 2,  2: 1 < z ≤ 2,  3: 0 < z ≤ 1,  4: −1 ≤ z ≤ 0,  5: z < −1.
 * Areas with a missing value or a zero denominator are flagged, excluded
 * from the mean and SD, and get no SEI, z or type.  docs/sei.md has the
 * details (numerics, boundary handling).
 *
 * Typical use: om_sei_read() (or om_sei_new() + om_sei_add_*()), then
 * om_sei_compute(), then the accessors or om_sei_write_csv(). */
#ifndef OMRADE_SEI_H
#define OMRADE_SEI_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Indicator order used in every array below. */
enum { OM_SEI_LOW_ECON = 0, OM_SEI_PRE_UPPER = 1, OM_SEI_ASSIST_UNEMP = 2, OM_SEI_NIND = 3 };

/* ------------------------------------------------ SCB's definitions */

/* The person-level definitions of the index (SCB, "Områdestyper efter
 * socioekonomisk status / Regionala statistikområden (RegSO)", method
 * description):
 *   1. low economic standard: disposable income per consumption unit below
 *      60 % of the national median — all ages;
 *   2. at most pre-upper-secondary (förgymnasial) education, and
 *   3. "andel personer med ekonomiskt bistånd i minst tio månader och/eller
 *      arbetslösa längre än sex månader" — both among persons aged 20–64 up
 *      to 2022 and 20–65 from 2023.
 * Callers compute age as year − birth year (age reached during the year). */

/* The age band of indicators 2 and 3 in `year`: *lo = 20, *hi = 64 for
 * years <= 2022 and 65 from 2023.  The one place that knows the rule. */
void om_sei_age_band(int year, int *lo, int *hi);

/* True when `age` lies in om_sei_age_band(year). */
bool om_sei_in_age_band(int year, int age);

/* Thresholds of indicator 3: economic assistance in at least 10 months of
 * the year; unemployed "longer than six months" = more than 180 days in the
 * year (six months of 30 days, as the barometer's long-term unemployment; a
 * calendar half-year of 181-184 days would move the bound by at most four
 * days; 181 days count, 180 do not). */
#define OM_SEI_ASSIST_MIN_MONTHS 10
#define OM_SEI_UNEMP_MIN_DAYS 181

/* Indicator 3 for one person-year: assist_months >= 10 and/or
 * unemp_days > 180 (a person meeting both counts once). */
bool om_sei_long_assist_unemp(int64_t assist_months, int64_t unemp_days);

/* Why an area got no SEI/z/type. */
typedef enum om_sei_flag {
    OM_SEI_OK = 0,
    OM_SEI_MISSING,      /* an indicator value was empty (or SCB's ".." missing marker) */
    OM_SEI_ZERO_DENOM,   /* a count denominator was 0 */
    OM_SEI_SD_UNDEFINED  /* the year has < 2 valid areas or all SEI equal: z undefined */
} om_sei_flag;

/* "", "missing_value", "zero_denominator", "sd_undefined".  Never NULL. */
const char *om_sei_flag_name(om_sei_flag f);

/* Input and result of one area-year.  `area` is owned by the om_sei. */
typedef struct om_sei_row {
    const char *area;
    int32_t year;
    long line;             /* input line (0 when added through the API) */
    double pct[OM_SEI_NIND]; /* shares in percent; NaN when missing/undefined */
    double sei;            /* NaN when flagged */
    double z;              /* NaN when flagged; snapped to −1, 0, 1, 2 within 1e-9 */
    int area_type;         /* 1..5; 0 when flagged */
    om_sei_flag flag;
    int flag_indicator;    /* OM_SEI_LOW_ECON.. for MISSING/ZERO_DENOM; -1 otherwise */
} om_sei_row;

/* Per-year statistics after om_sei_compute(). */
typedef struct om_sei_year {
    int32_t year;
    int64_t n_rows;    /* area rows of the year */
    int64_t n_valid;   /* rows entering mean and SD */
    double mean, sd;   /* of SEI over the valid rows; NaN when undefined */
    int64_t n_type[6]; /* [1..5] areas per type; [0] flagged areas */
} om_sei_year;

typedef struct om_sei om_sei;

/* An empty set of area-years.  Destroy with om_sei_free(). */
om_status om_sei_new(om_sei **out, om_error *err);
void om_sei_free(om_sei *s);

/* Add one area-year from shares in percent (NaN = missing).  Errors
 * (OM_ERR_INPUT): empty area, year outside 1000–9999, a share outside
 * 0–100, a duplicate area-year.  `area` is copied. */
om_status om_sei_add_shares(om_sei *s, const char *area, size_t len, int32_t year,
                            const double pct[OM_SEI_NIND], om_error *err);
/* Add one area-year from counts: share = 100·num/den.  A negative value
 * means missing.  Errors: as above, plus numerator > denominator.  A zero
 * denominator flags the row. */
om_status om_sei_add_counts(om_sei *s, const char *area, size_t len, int32_t year,
                            const int64_t num[OM_SEI_NIND], const int64_t den[OM_SEI_NIND],
                            om_error *err);

/* Read a CSV (path "-" = standard input) with columns `area,year` and
 * either `low_econ_pct,pre_upper_pct,assist_unemp_pct` or
 * `low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d`
 * (other columns are ignored; empty or ".." = missing).  Destroy with
 * om_sei_free().  Errors: OM_ERR_IO, OM_ERR_INPUT with file:line:column for
 * a wrong header, a non-numeric value, a negative count, numerator >
 * denominator, a share outside 0–100, a duplicate area-year, a short row,
 * invalid UTF-8. */
om_status om_sei_read(om_sei **out, const char *path, om_error *err);
/* The same from memory: data[0..len) reported as `name`.  Destroy with
 * om_sei_free(). */
om_status om_sei_read_mem(om_sei **out, const char *name, const void *data, size_t len,
                          om_error *err);

/* Compute SEI, per-year mean/SD, z and types.  May be called again after
 * more rows were added.  Errors: OM_ERR_NOMEM. */
om_status om_sei_compute(om_sei *s, om_error *err);

/* Rows in input order; years ascending (valid after om_sei_compute()). */
size_t om_sei_count(const om_sei *s);
const om_sei_row *om_sei_row_at(const om_sei *s, size_t i);
size_t om_sei_year_count(const om_sei *s);
const om_sei_year *om_sei_year_at(const om_sei *s, size_t i);
/* Flagged rows per reason (index by om_sei_flag; [0] unused). */
void om_sei_flag_counts(const om_sei *s, int64_t counts[4]);

/* Area type for a z value (after snapping): 1..5, 0 for NaN. */
int om_sei_type_of_z(double z);
/* z moved exactly onto −1, 0, 1 or 2 when within 1e-9 of it (rounding
 * noise of the computation; docs/sei.md explains the bound). */
double om_sei_snap_z(double z);

/* Write the result as CSV with header
 * area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type
 * (flagged rows: empty sei, z and area_type).  Errors: OM_ERR_IO. */
om_status om_sei_write_csv(const om_sei *s, FILE *fp, om_error *err);

/* ------------------------------------------------ area-type summaries */

/* Area types per RegSO and year, optionally with population, summarised
 * for riket, each län and each kommun of a geography registry.  Shares are
 * in percent of the RegSO with a type (and of their population); RegSO
 * without a type in the input are counted as unclassified and left out of
 * the shares. */
typedef struct om_types om_types;

/* The pseudo type of the "types 1–2" rows (area_type written "1-2"). */
#define OM_TYPES_1_2 12

/* One summary row: a unit (level + index in `g`) × year × area type. */
typedef struct om_types_row {
    int32_t year;
    om_level level;        /* OM_LEVEL_RIKET, OM_LEVEL_LAN or OM_LEVEL_KOMMUN */
    int32_t idx;           /* index at `level` in the registry */
    int area_type;         /* 1..5 or OM_TYPES_1_2 */
    int64_t n_areas;       /* RegSO of the unit with this type */
    double share_areas;    /* percent of the unit's classified RegSO; NaN when none */
    int64_t population;    /* -1 when no population was given for the year */
    double share_population; /* percent; NaN when no population or zero total */
} om_types_row;

/* Per-year bookkeeping after om_types_compute(). */
typedef struct om_types_year {
    int32_t year;
    int32_t n_typed;        /* RegSO with a type 1..5 */
    int32_t n_unclassified; /* RegSO present in the input with an empty type */
    int32_t n_absent;       /* registry RegSO not in the input at all */
    bool has_population;
    bool has_types;         /* false: the year only has population rows (no
                               summary rows are made for it) */
    int32_t n_pop_unused;   /* population rows for RegSO without a type */
} om_types_year;

/* Empty summary over registry `g`, which must outlive it.  Destroy with
 * om_types_free(). */
om_status om_types_new(om_types **out, const om_geo *g, om_error *err);
void om_types_free(om_types *t);

/* Record the type (1..5, or 0 = unclassified) of RegSO `regso` in `year`.
 * Errors (OM_ERR_INPUT): bad index, year or type, a RegSO-year given twice. */
om_status om_types_set(om_types *t, int32_t regso, int32_t year, int area_type, om_error *err);
/* Record the population (>= 0) of RegSO `regso` in `year`.  Errors as above. */
om_status om_types_set_population(om_types *t, int32_t regso, int32_t year, int64_t population,
                                  om_error *err);

/* Read area types from a CSV with columns area,year,area_type (other
 * columns ignored, so `omrade sei` output reads as is).  `area` is a RegSO
 * code or a "Kommun (RegSO)" label; an empty area_type is unclassified.
 * Errors: OM_ERR_IO; OM_ERR_INPUT with file:line:column for a wrong header,
 * an area that is not a RegSO of the registry, a type outside 1–5, a
 * duplicate RegSO-year, a short row, invalid UTF-8. */
om_status om_types_read(om_types *t, const char *path, om_error *err);
/* Read population from a CSV with columns area,year,population.  Errors as
 * om_types_read(), plus negative or non-integer population. */
om_status om_types_read_population(om_types *t, const char *path, om_error *err);

/* What a reader of population files does with one valid row: keep the
 * population of RegSO `regso` in `year`, read on `line`.  Returns 0 when
 * kept, 1 when that RegSO-year was kept already (*first = the line it was
 * read on), -1 when out of memory. */
typedef int (*om_population_put_fn)(void *ctx, int32_t regso, int32_t year, int64_t population,
                                    long line, long *first);
/* The one reader of population files (omrade types and transitions): CSV
 * ("-" = stdin) with columns area,year,population (others ignored), `area`
 * a RegSO code or "Kommun (RegSO)" label of `g`.  Calls put(ctx, ...) for
 * every row, in file order.  Errors: OM_ERR_IO; OM_ERR_INPUT with
 * file:line:column for a wrong header or short row, an area that is not a
 * RegSO of `g`, a year outside OM_YEAR_MIN-OM_YEAR_MAX, a population that
 * is negative or not a whole number, a RegSO-year given twice (put
 * returned 1; the first line named); OM_ERR_NOMEM when put returned -1. */
om_status om_population_read(const char *path, const om_geo *g, om_population_put_fn put, void *ctx,
                             om_error *err);

/* Aggregate.  A year uses population when any population row has that
 * year; every RegSO with a type in such a year must then have one
 * (OM_ERR_INPUT naming it otherwise).  Rows: years ascending; within a year
 * riket, the län, the kommuner (registry order); within a unit types 1..5
 * then 1-2. */
om_status om_types_compute(om_types *t, om_error *err);
size_t om_types_row_count(const om_types *t);
const om_types_row *om_types_row_at(const om_types *t, size_t i);
size_t om_types_year_count(const om_types *t);
const om_types_year *om_types_year_at(const om_types *t, size_t i);

/* Write the rows as CSV with header
 * year,level,code,name,area_type,n_areas,share_areas,population,share_population
 * (population columns empty when not given).  Errors: OM_ERR_IO. */
om_status om_types_write_csv(const om_types *t, FILE *fp, om_error *err);

/* ------------------------------------------------ area-type files */

/* The one reader of area-type files (omrade types, link and rates; see
 * src/sei/typesfile.c).  Two layouts, detected from the header:
 *   long  `area,year,area_type` as `omrade sei` writes it (other columns
 *         ignored; column names may be changed in the options);
 *   SCB   the statistical-database export of table 000005QX as downloaded
 *         (CSV or .xlsx): a "Kommun (RegSO-namn)" label column and one
 *         column per year headed by the year (any years, e.g. 1985 too),
 *         footnotes at the end.
 * `area` is a RegSO code or a "Kommun (RegSO)" label; an empty type (or
 * SCB's "..") is an unclassified RegSO.  Several files are merged: the same
 * RegSO-year in two files must have the same type; within one file a
 * RegSO-year may appear only once. */
typedef struct om_areatypes om_areatypes;

typedef struct om_areatypes_options {
    const char *area, *year, *type; /* long layout columns; NULL = area, year, area_type */
    bool count_unknown; /* an area that is not a RegSO of the registry is
                           counted in unknown_area instead of an error */
} om_areatypes_options;

typedef struct om_areatypes_stats {
    int64_t rows;         /* data rows read, all files (footnotes excluded) */
    int64_t unknown_area; /* values for areas that are not a RegSO (count_unknown) */
    int64_t missing;      /* empty or ".." types (stored as unclassified) */
    int64_t notes;        /* footnote and blank rows of SCB exports */
    int64_t repeated;     /* RegSO-years given again, with the same type, in a later file */
} om_areatypes_stats;

/* An empty set over registry `g` (must outlive it).  Destroy with
 * om_areatypes_free(). */
om_status om_areatypes_new(om_areatypes **out, const om_geo *g, om_error *err);
void om_areatypes_free(om_areatypes *t);
/* Read one file ("-" = stdin) and merge it in; `opt` may be NULL.  Errors:
 * OM_ERR_IO; OM_ERR_INPUT with file:line:column for a wrong header, an area
 * that is not a RegSO (unless count_unknown), a year outside 1000-9999, a
 * type outside 1-5, a RegSO-year twice in the file, or a RegSO-year whose
 * type differs from the one another file gave (both positions named). */
om_status om_areatypes_read(om_areatypes *t, const char *path, const om_areatypes_options *opt,
                            om_error *err);
/* Years with any row (typed or unclassified), ascending. */
size_t om_areatypes_nyears(const om_areatypes *t);
int32_t om_areatypes_year_at(const om_areatypes *t, size_t i);
/* RegSO with a type 1-5 in `year` (0 when the year is absent). */
int32_t om_areatypes_ntyped(const om_areatypes *t, int32_t year);
/* -1 not given, 0 unclassified, 1..5. */
int om_areatypes_get(const om_areatypes *t, int32_t regso, int32_t year);
/* Where the type of a RegSO-year was read: file (owned by t), line and
 * column of the type value (0 when unknown).  False when not given. */
bool om_areatypes_origin(const om_areatypes *t, int32_t regso, int32_t year, const char **file,
                         long *line, long *column);
const om_areatypes_stats *om_areatypes_stats_get(const om_areatypes *t);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

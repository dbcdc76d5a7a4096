/* omrade — need indices and allocation keys (docs/need.md).
 *
 * The allocation simulator: a budget in kronor distributed over units in
 * proportion to a key (a weight per unit), rounded to the öre by the largest
 * remainder method so that the amounts sum to the budget exactly, optionally
 * with a floor and a cap per unit.  Money is held as integer öre (int64_t)
 * throughout: amounts are parsed exactly from their decimal text and never
 * pass through a binary floating-point value.
 *
 * The need indices (Care Need Index, the socioekonomisk sorteringsnyckel of
 * Öppna jämförelser ekonomiskt bistånd 2011 and 2013, the child-adapted SEI)
 * computed from counts per area and aggregated to larger units. */
#ifndef OMRADE_NEED_H
#define OMRADE_NEED_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/geo.h"
#include "omrade/synth.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------- money */

/* Largest amount accepted: 10^15 kronor (10^17 öre), far above any public
 * budget and small enough that every quota is exact to well below an öre in
 * the 64-bit mantissa of a long double. */
#define OM_MONEY_MAX_ORE INT64_C(100000000000000000)

/* Parse kronor with at most two decimals ("1000", "1000.5", "1000.50") into
 * öre, exactly.  Accepted: digits, optionally '.' and one or two digits; no
 * sign, exponent, blanks or thousands separators.  False on anything else or
 * above OM_MONEY_MAX_ORE. */
bool om_money_parse(const char *s, size_t len, int64_t *ore);
/* Write öre as kronor with exactly two decimals ("1234.05").  Returns the
 * length (snprintf semantics). */
int om_money_format(char *buf, size_t size, int64_t ore);

/* ----------------------------------------------------------- allocation */

typedef struct om_alloc_bounds {
    bool has_floor, has_cap;
    int64_t floor, cap; /* öre */
} om_alloc_bounds;

/* Distribute `budget` öre over n units with weights w[0..n) (finite, >= 0,
 * at least one > 0) into amount[0..n) (öre).
 *
 * Without bounds each unit's quota is budget * w_i / sum(w); with bounds
 * the quota is clamp(lambda * w_i, floor, cap) with lambda chosen so that
 * the quotas sum to the budget: units at a bound get the bound and the rest
 * is shared in proportion to weight among the units not at a bound (the
 * fixed point of "fix the units that cross a bound, redistribute, repeat").
 * Quotas are rounded by the largest remainder method (Hamilton): every unit
 * gets its quota rounded down, and the öre left over go one each to the
 * units with the largest remainders, ties to the unit earlier in the input.
 * So amounts sum to the budget exactly, each is within one öre of its quota,
 * and each respects the floor and the cap.
 *
 * Errors (OM_ERR_USAGE, exit 2): floor * n > budget, cap * n < budget, or a
 * cap that cannot be met because the units with weight > 0 are all capped
 * and the others (weight 0) stay at the floor.  OM_ERR_INPUT: no weight > 0,
 * a negative or non-finite weight. */
om_status om_allocate(size_t n, const double *w, int64_t budget, const om_alloc_bounds *b,
                      int64_t *amount, om_error *err);

/* Units and weights read from a CSV file with columns unit,weight (other
 * columns are ignored).  Created by om_alloc_units_read(), destroyed by
 * om_alloc_units_free() (accepts NULL). */
typedef struct om_alloc_units {
    size_t n;
    char **unit;
    double *weight;
} om_alloc_units;

/* Errors (OM_ERR_INPUT with file:line:column): a missing column, an empty
 * or repeated unit, a weight that is not a number in [0, 1e15], no rows, no
 * weight > 0.  OM_ERR_IO, OM_ERR_NOMEM. */
om_status om_alloc_units_read(const char *path, om_alloc_units **out, om_error *err);
void om_alloc_units_free(om_alloc_units *u);

/* Write "unit,weight,share,amount" and one row per unit in input order:
 * share = weight / sum(weight), amount in kronor with two decimals.
 * Errors: OM_ERR_IO when the stream fails. */
om_status om_alloc_write(FILE *fp, const om_alloc_units *u, const int64_t *amount,
                         om_error *err);


/* Allocations side by side (src/need/allocations.c): k outputs of
 * om_alloc_write (unit,weight,share,amount) over the same units, e.g. two
 * keys, or one key computed from several years or linkage methods.  Writes
 * unit,amount_1..amount_k,change,change_pct,min,max,range_pct in the order
 * of the first input: change = amount_k - amount_1 (exact, öre),
 * change_pct = change / amount_1 x 100 (empty when amount_1 = 0),
 * range_pct = (max - min) / mean x 100 (empty when all are 0); the money
 * moved between units (om_alloc_comparison.moved, moved_step_max).  With
 * xlsx_path, also an XLSX workbook of the same table (sheet "allocations",
 * amounts in kronor) and the inputs with their sums (sheet "inputs").
 * Errors: OM_ERR_USAGE (k outside 2..OM_ALLOC_COMPARE_MAX), OM_ERR_INPUT
 * with file:line:column (an amount that is not kronor with two decimals, a
 * repeated unit, a unit missing from or added in an input), OM_ERR_IO. */
#define OM_ALLOC_COMPARE_MAX 32
typedef struct om_alloc_comparison {
    size_t files;
    int64_t units, units_changed;
    int64_t total[OM_ALLOC_COMPARE_MAX]; /* sum of each input, öre */
    int64_t max_change;                  /* the largest |change|, öre, with its sign */
    char max_change_unit[64];
    double max_range_pct;
    char max_range_unit[64];
    /* Money that moves between units: half the sum over units of
     * |amount_b - amount_a|, öre (rounded down when odd), i.e. the total
     * variation distance between two allocations of the same budget times
     * the budget; last vs first, and the largest between two consecutive
     * inputs (step s: inputs s+1 and s+2, 0-based s), the stability across
     * years of a key computed from consecutive years. */
    int64_t moved;
    int64_t moved_step_max;
    size_t moved_step_at;
} om_alloc_comparison;
om_status om_alloc_compare(size_t k, const char *const *paths, FILE *out, const char *xlsx_path,
                           om_alloc_comparison *c, om_error *err);

/* ---------------------------------------------------------- need indices */

typedef enum om_need_index {
    OM_NEED_CNI,       /* Care Need Index, relative to the whole input (see need.c) */
    OM_NEED_KEY2011,   /* sorteringsnyckel 2011: income, education, work; 10 groups */
    OM_NEED_KEY2013,   /* sorteringsnyckel 2013: income, work; 8 groups */
    OM_NEED_CHILD_SEI  /* child-adapted SEI, children 0-5 and 6-17 */
} om_need_index;

/* "cni", "key2011", "key2013", "child-sei"; false on anything else. */
bool om_need_index_parse(const char *s, om_need_index *out);
/* The input columns an index needs (NULL-terminated, after "area"). */
const char *const *om_need_columns(om_need_index ix);

#define OM_NEED_CNI_VARS 7
typedef struct om_need_opts {
    om_need_index index;
    /* CNI only: one weight per variable in om_need_columns() order after
     * "population"; NULL = the published weights (src/need/index.c). */
    const double *cni_weights;
    /* CNI only: the reference sum_k w_k P_k (riket's weighted needs per
     * person, as in SCB's deliveries); 0 = the input as a whole. */
    double cni_reference;
    /* Units: NULL and level 0 = each input area; units_path = a CSV
     * code,unit file mapping every area to a unit; level 4 = kommun (the
     * first four digits of the area code), 2 = län (the first two). */
    const char *units_path;
    int level;
    /* > 0: om_need_write starts every row with this year (column `year`),
     * the form `omrade build --need` loads into the barometer */
    int year;
} om_need_opts;

/* Counts and indices per unit.  Created by om_need_compute(), destroyed by
 * om_need_table_free() (accepts NULL). */
typedef struct om_need_table om_need_table;

/* Read counts per area from `path` (CSV: area and the columns of
 * om_need_columns(), whole numbers), sum them per unit and compute the
 * index.  Errors (OM_ERR_INPUT, with file:line:column): a missing column,
 * a count that is not a whole number, a count above its denominator, an
 * area not in the units file, an area code too short for the level;
 * OM_ERR_USAGE: CNI without weights; OM_ERR_IO, OM_ERR_NOMEM. */
/* Counts per area for every index, from person-level files in the synthetic
 * Sweden layout in `dir` (persons.csv, person_year.csv and households.csv
 * from `omrade synth --households`) for `year` (2012-2024): one row per area
 * of `level` (DeSO, RegSO, kommun, län of `geo`) with residents:
 * area,population,under5,born_outside,elderly_alone,unemployed,
 * single_parent,moved_in,low_education,low_income,no_work,children_0_5,
 * children_6_17,low_edu_0_5,low_econ_0_5,assist_0_5,low_edu_6_17,
 * low_econ_6_17,assist_6_17 (definitions in src/need/counts.c and
 * docs/need.md).  guardian_any: a child counts in low_edu_* when any
 * guardian has at most pre-upper-secondary education (else: the
 * best-educated guardian).  Errors: OM_ERR_USAGE (year), OM_ERR_IO,
 * OM_ERR_INPUT with file:line:column, OM_ERR_NOMEM. */
typedef struct om_need_counts_summary {
    int64_t areas, rejected_rows, children_without_guardian;
} om_need_counts_summary;
om_status om_need_counts(const char *dir, int year, const om_geo *geo, om_level level,
                         bool guardian_any, FILE *out, om_need_counts_summary *sum, om_error *err);

/* Comparison of two indices on the same units (src/need/compare.c). */
typedef struct om_need_comparison {
    int64_t units;       /* units with a value in both */
    double spearman;     /* rank correlation (mid-ranks for ties); NaN if a series is constant */
    int64_t top;         /* k = round(fraction * units), at least 1 */
    int64_t top_both, top_only_a, top_only_b;
    int64_t only_a, only_b; /* units in one file only (not compared, reported) */
    int64_t undefined;      /* rows with an empty value (not compared, reported) */
    /* With a list (om_need_compare_files' listed_path): A's selection is its
     * top k plus every unit the list marks (column > 0), as the earlier
     * selection "CNI together with the police list"; the cross-tabulation
     * of that selection against B's top k: */
    int64_t listed;         /* compared units the list marks */
    int64_t listed_added;   /* of those, not already in A's top k */
    int64_t listed_missing; /* units the list marks that are not compared (reported) */
    int64_t sel_a;          /* size of A's selection (top + added) */
    int64_t sel_both, sel_only_a, sel_only_b, sel_neither;
    /* With area types (om_need_compare_files' types_path): the selection by
     * area type 1-2, the top k units by their share of the population in
     * RegSO of area type 1 or 2 (units with share 0 never selected), and its
     * cross-tabulation against A's and B's top k: */
    int64_t types_sel;      /* units selected (<= k) */
    int64_t types_positive; /* compared units with a share > 0 */
    int64_t types_missing;  /* compared units without a share (reported; not selected) */
    int64_t types_a[4];     /* against A's top k: both, A only, types only, neither */
    int64_t types_b[4];     /* against B's top k: the same */
    int64_t types_all;      /* in A's top k, B's top k and the types selection */
} om_need_comparison;
/* Compare a[0..n) and b[0..n): mid-ranks into rank_a/rank_b (ascending,
 * 1..n), the top k by value into top_a/top_b (1 = selected).  Errors:
 * OM_ERR_INPUT (n < 2), OM_ERR_USAGE (fraction outside (0, 1]). */
om_status om_need_compare(size_t n, const double *a, const double *b, double top_frac,
                          om_need_comparison *c, double *rank_a, double *rank_b,
                          unsigned char *top_a, unsigned char *top_b, om_error *err);
/* The same on two CSV files joined by their unit column ("unit", or "area"
 * when there is no "unit"), values from columns col_a and col_b; writes
 * unit,a,b,rank_a,rank_b,top_a,top_b in the order of file A, and with a
 * list (listed_path and listed_col not NULL: a CSV with the unit column and
 * a count, e.g. police_areas of om_need_police) also listed,sel_a.  Without
 * a list the sel_* counts are those of the top k.  With area types
 * (types_path and types_col not NULL: a CSV with the unit column and each
 * unit's share of its population in area types 1-2) also types12,top_t.  Errors as the readers
 * (file:line:column), OM_ERR_NOMEM. */
om_status om_need_compare_files(const char *path_a, const char *col_a, const char *path_b,
                                const char *col_b, double top_frac, const char *listed_path,
                                const char *listed_col, const char *types_path, const char *types_col,
                                FILE *out, om_need_comparison *c, om_error *err);

/* The police's list of utsatta områden (a polygon layer with the fields NAMN
 * and KATEGORI, e.g. data/polisen/uso_2023.shp) joined to the units of a
 * polygon layer (e.g. data/geo/swe-maps-kommun.geojson, or SCB's RegSO
 * GeoPackage): each listed area goes to the unit it overlaps most, or the
 * nearest unit when it overlaps none (src/gdal/module/police.c).  Writes one row per unit, in layer
 * order: unit,police_areas,sarskilt_utsatt,utsatt,risk,names.  unit_field
 * NULL: detect (KnKod, kommunkod, LnKod, regsokod, desokod, unit, code).
 * Errors: OM_ERR_IO (GDAL cannot open a file), OM_ERR_INPUT (missing field,
 * an unknown KATEGORI, a feature without polygon), OM_ERR_INTERNAL when
 * omrade was built without GDAL. */
typedef struct om_need_police_report {
    int64_t units, merged;       /* units in the layer; features merged into a unit seen before */
    int64_t areas;               /* listed areas read */
    int64_t by_category[3];      /* särskilt utsatt, utsatt, riskområde */
    int64_t units_listed;        /* units with at least one listed area */
    int64_t nearest;             /* listed areas overlapping no unit, given the nearest */
    int64_t unassigned;          /* listed areas not joined (a layer without polygons) */
    char first_nearest[128], first_unassigned[128];
} om_need_police_report;
om_status om_need_police(const char *police_path, const char *units_path, const char *unit_field,
                         FILE *out, om_need_police_report *rep, om_error *err);

/* Each listed area's overlap with the units of a polygon layer: the share
 * of the area's own area that lies in each unit, area(area ∩ unit) /
 * area(area), computed by GEOS (via GDAL) in the police list's coordinate
 * system (SWEREF 99 TM for uso_2023: planar metres).  For every listed area,
 * in list order, fn is called once with unit NULL (the area itself), then
 * once per unit it overlaps with share > 0.  Shares of an area sum to 1
 * when the layer covers it and to less where it does not (a layer covering
 * part of the country); rep->unassigned counts areas overlapping no unit.
 * A non-OK status from fn stops the walk and is returned.  Errors as
 * om_need_police. */
typedef struct om_need_overlap {
    int64_t index;                   /* the area's position in the list, from 0 */
    const char *name, *category;     /* NAMN, KATEGORI */
    const char *ort, *region;        /* ORT, REGION ("" when absent) */
    int rank;                        /* 1 särskilt utsatt, 2 utsatt, 3 riskområde */
    double area;                     /* the area's area, m2 in SWEREF 99 TM */
    const char *unit;                /* NULL: the area itself */
    double share;                    /* 0 < share <= 1 */
} om_need_overlap;
typedef om_status (*om_need_overlap_fn)(void *ctx, const om_need_overlap *o, om_error *err);
om_status om_need_police_overlap(const char *police_path, const char *units_path, const char *unit_field,
                                 om_need_overlap_fn fn, void *ctx, om_need_police_report *rep, om_error *err);

/* CNI weights from a CSV variable,weight naming each of the seven CNI
 * variables once (om_need_columns(OM_NEED_CNI) after "population"), each a
 * number >= 0.  Errors: OM_ERR_INPUT naming the unknown, repeated or
 * missing variable. */
om_status om_need_cni_weights_read(const char *path, double w[OM_NEED_CNI_VARS], om_error *err);
/* An allocation key (src/need/key.c): the formula `key` over the columns of
 * the CSV `path` (column area or unit, one row per area), evaluated per row
 * and summed per unit (o->units_path or o->level as in om_need_compute;
 * o->index is not used), written as unit,weight for `omrade allocate`.
 * Formula: terms joined by + or -, factors by *; a factor is a number, a
 * column, or COLUMN[v:w,...] (w for the row whose COLUMN is the text v).
 * Errors: OM_ERR_USAGE (a formula that does not parse, a column not in the
 * file), OM_ERR_INPUT with file:line:column (a cell that is not a number, a
 * value not in a lookup, an area weight < 0 or not finite), OM_ERR_IO,
 * OM_ERR_NOMEM. */
typedef struct om_need_key_report {
    int64_t areas, units, zero; /* rows read; units written; units of weight 0 */
    double total;               /* sum of the weights */
} om_need_key_report;
om_status om_need_key(const char *path, const char *key, const om_need_opts *o, FILE *out,
                      om_need_key_report *rep, om_error *err);
om_status om_need_compute(const char *path, const om_need_opts *o, om_need_table **out,
                          om_error *err);
void om_need_table_free(om_need_table *t);
size_t om_need_units(const om_need_table *t);
/* Write the table as CSV: unit, the denominators, each count with its
 * percentage share (<col>_pct), then the index columns (docs/need.md). */
om_status om_need_write(FILE *fp, const om_need_table *t, om_error *err);
/* Value of output column `name` for unit i (NaN if undefined or unknown),
 * for tests and comparisons. */
double om_need_value(const om_need_table *t, size_t i, const char *name);
const char *om_need_unit(const om_need_table *t, size_t i);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

/* omrade — segregation and inequality indices (module om_seg).
 *
 * Three layers:
 *  1. Indices of one table of non-negative counts, units (rows, e.g. DeSO)
 *     by groups (columns, e.g. income quintiles): dissimilarity, Gini,
 *     Theil's H, mutual information M, isolation and exposure, and the exact
 *     between/within decomposition of M and H over a grouping of the units
 *     into super-units (om_seg_compute, om_seg_decompose).
 *  2. A long-form table reader (`unit,group,count`) for the generic entry
 *     point (om_seg_table_*).
 *  3. A panel of DeSO x income-quintile counts per year, read from counts or
 *     built from person-level income data with national quintile limits, and
 *     the per-unit engine: the ojämlikhetsindex and multigroup indices per
 *     kommun, län and riket and year, with bootstrap standard errors and
 *     confidence intervals, the expected value under random allocation and
 *     flags (om_seg_panel_*, om_seg_run).
 *
 * Formulas and sources are in src/seg/seg.c and docs/seg.md. */
#ifndef OMRADE_SEG_H
#define OMRADE_SEG_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/geo.h"
#include "omrade/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------ indices of a table */

/* Indices of a units x groups table.  With two groups they are the classic
 * two-group indices; with more, the multigroup versions of Reardon &
 * Firebaugh (2002), which reduce to the two-group ones when K = 2.
 * Isolation and exposure are always those of group 0 (exposure to all other
 * groups combined).  Values are NaN when undefined (total 0, or fewer than
 * two groups with a positive total). */
typedef struct om_seg_index {
    double dissimilarity; /* D, 0..1 */
    double gini;          /* segregation Gini, 0..1 */
    double theil_h;       /* H = M / E, 0..1 */
    double mutual_m;      /* M in nats (natural logarithm) */
    double entropy;       /* E = -sum_k P_k ln P_k of the whole table, nats */
    double isolation;     /* xPx of group 0 */
    double exposure;      /* xPy of group 0 to the other groups */
    double total;         /* sum of all counts */
    int32_t n_units;      /* units with a positive total */
} om_seg_index;

/* `counts` is row-major, n_units x n_groups.  Errors: OM_ERR_USAGE for
 * n_groups < 2 or n_units < 1, OM_ERR_INPUT for a negative or non-finite
 * count, OM_ERR_NOMEM. */
om_status om_seg_compute(const double *counts, int32_t n_units, int32_t n_groups,
                         om_seg_index *out, om_error *err);

/* Exact decomposition of M (and H = M / E) when units nest in super-units:
 * M_total = M_between + M_within, where M_between is M of the super-unit x
 * group table and M_within = sum_s (T_s / T) M_s (Mora & Ruiz-Castillo
 * 2011).  super_of[i] in 0..n_super-1 for every unit. */
typedef struct om_seg_decomp {
    double m_total, m_between, m_within;
    double h_total, h_between, h_within;
} om_seg_decomp;
om_status om_seg_decompose(const double *counts, int32_t n_units, int32_t n_groups,
                           const int32_t *super_of, int32_t n_super, om_seg_decomp *out,
                           om_error *err);

/* Uncertainty of the indices of one table.  Statistics in this order: */
enum om_seg_stat {
    OM_SEG_ST_DISSIMILARITY,
    OM_SEG_ST_GINI,
    OM_SEG_ST_THEIL_H,
    OM_SEG_ST_MUTUAL_M,
    OM_SEG_ST_ISOLATION,
    OM_SEG_ST_EXPOSURE,
    OM_SEG_ST_M_BETWEEN, /* the four decomposition terms need super_of */
    OM_SEG_ST_M_WITHIN,
    OM_SEG_ST_H_BETWEEN,
    OM_SEG_ST_H_WITHIN,
    OM_SEG_NSTAT
};
typedef struct om_seg_uncertainty {
    /* bootstrap standard error, bias-corrected estimate (2 value - mean
     * of the replicates) and basic bootstrap interval around it (NaN with 0
     * replicates; docs/seg.md, Uncertainty) and the expected value under
     * random allocation (NaN where not available) of each om_seg_stat */
    double se[OM_SEG_NSTAT], corrected[OM_SEG_NSTAT], lower[OM_SEG_NSTAT], upper[OM_SEG_NSTAT];
    double expected[OM_SEG_NSTAT];
} om_seg_uncertainty;

/* Poisson bootstrap of the table's cells (`replicates` replicates; each
 * cell has its own stream from `seed`), and the expectations under random
 * allocation with unit sizes and group totals fixed: exact for D and for
 * isolation/exposure (hypergeometric cell counts; integer counts only),
 * large-sample (I-1)(K-1)/(2T) for M and its parts, that over E for H,
 * none for the Gini.  super_of may be NULL (n_super ignored).  Errors as
 * om_seg_compute / om_seg_decompose. */
om_status om_seg_table_uncertainty(const double *counts, int32_t n_units, int32_t n_groups,
                                   const int32_t *super_of, int32_t n_super, int replicates,
                                   uint64_t seed, double conf, om_seg_uncertainty *out,
                                   om_error *err);

/* Expected values by simulation: `sims` tables with the unit sizes and
 * group totals of `counts` (integers, total at most 1e7) and persons
 * allocated at random (a shuffle of the persons over the unit slots), the
 * mean of each statistic written to expected[] (NaN where undefined).
 * Errors: OM_ERR_INPUT for non-integer counts or a total over 1e7. */
om_status om_seg_table_simulate(const double *counts, int32_t n_units, int32_t n_groups,
                                const int32_t *super_of, int32_t n_super, int sims, uint64_t seed,
                                double expected[OM_SEG_NSTAT], om_error *err);

/* ---------------------------------------------------- long-form table CSV */

/* A units x groups table read from CSV with header `unit,group,count`
 * (long form; other columns ignored).  Units and groups are numbered in
 * order of first appearance; missing pairs are 0; a repeated pair is an
 * error; counts are non-negative numbers (weights allowed).  Created by
 * om_seg_table_read(), destroyed by om_seg_table_free() (accepts NULL).
 * Errors: OM_ERR_IO, OM_ERR_INPUT with file:line:column, OM_ERR_NOMEM. */
typedef struct om_seg_table om_seg_table;
om_status om_seg_table_read(om_seg_table **out, const char *path, om_error *err);
/* The same from memory (reported under `name`). */
om_status om_seg_table_read_mem(om_seg_table **out, const char *name, const void *data,
                                size_t len, om_error *err);
void om_seg_table_free(om_seg_table *t);
int32_t om_seg_table_units(const om_seg_table *t);
int32_t om_seg_table_groups(const om_seg_table *t);
/* Names owned by the table. */
const char *om_seg_table_unit(const om_seg_table *t, int32_t i);
const char *om_seg_table_group(const om_seg_table *t, int32_t k);
/* Row-major n_units x n_groups counts, owned by the table. */
const double *om_seg_table_counts(const om_seg_table *t);
/* Index of a group name, -1 when absent. */
int32_t om_seg_table_find_group(const om_seg_table *t, const char *name, size_t len);

/* The units x 2 counts of group a against group b, or against all other
 * groups together when b < 0 (--groups A,B and --group A of omrade seg);
 * free *out with free(). */
om_status om_seg_table_pair(const om_seg_table *t, int32_t a, int32_t b, double **out, om_error *err);

/* Read a `unit,super` CSV assigning every unit of `t` to a super-unit.
 * *super_of (n_units entries) and *n_super are returned; free *super_of
 * with free().  Units of the file absent from the table are counted in
 * *n_unused.  Errors: OM_ERR_INPUT for a unit of the table without a row, a
 * unit given two different super-units, a malformed row. */
om_status om_seg_table_read_super(const om_seg_table *t, const char *path, int32_t **super_of,
                                  int32_t *n_super, int64_t *n_unused, om_error *err);

/* ----------------------------------------------- DeSO x quintile panel */

#define OM_SEG_NQ 5 /* income quintiles */

/* Counts per year, DeSO (dense index of the geography registry) and income
 * quintile.  Created by om_seg_panel_new(), destroyed by om_seg_panel_free()
 * (accepts NULL).  The registry must outlive the panel. */
typedef struct om_seg_panel om_seg_panel;
om_status om_seg_panel_new(om_seg_panel **out, const om_geo *geo, om_error *err);
void om_seg_panel_free(om_seg_panel *p);

/* What loading did with the rows, for the CLI to report. */
typedef struct om_seg_load_report {
    int64_t rows;              /* data rows read */
    int64_t persons_used;      /* person-years counted in a quintile */
    int64_t no_income;         /* person-year rows with an empty income */
    int64_t no_residence;      /* person-year rows without a residence row that year */
    int64_t dup_person_year;   /* repeated (lopnr, year) rows in person_year (first kept) */
    int64_t dup_residence;     /* repeated (lopnr, year) rows in residence (first kept) */
    int64_t unknown_deso;      /* residence rows with a code not in the registry */
} om_seg_load_report;

/* Add counts from CSV with header `year,deso,q1,q2,q3,q4,q5` (year optional:
 * without it every row is year 0).  A DeSO/year seen twice is an error, as is
 * a DeSO code not in the registry (the geography must be consistent over the
 * years).  Errors: OM_ERR_IO, OM_ERR_INPUT with position, OM_ERR_NOMEM. */
om_status om_seg_panel_read_counts(om_seg_panel *p, const char *path, om_seg_load_report *rep,
                                   om_error *err);

/* Build counts from person-level data: `person_year` with columns
 * lopnr,year,income_cu and `residence` with lopnr,year,deso (the synthetic
 * data contract).  Quintile limits are computed per year over all persons
 * with an income and a residence that year (see om_seg_quintile_limits).
 * Messy rows (no income, no residence, duplicates, unknown DeSO) are counted
 * in *rep, not errors; malformed lopnr or year fields are OM_ERR_INPUT. */
om_status om_seg_panel_read_persons(om_seg_panel *p, const char *person_year,
                                    const char *residence, om_seg_load_report *rep,
                                    om_error *err);

/* Quintile limits L1..L4 of n values by the inverse empirical distribution
 * function (Hyndman & Fan 1996, definition 1): L_j = x_(ceil(j n / 5)) of
 * the sorted values.  A value v belongs to quintile 1 + #{j : v > L_j}, so
 * ties at a limit all go to the lower quintile.  Reorders `x`.  n >= 1. */
void om_seg_quintile_limits(double *x, size_t n, double limits[4]);
/* 1 + #{j : v > limits[j]}. */
int om_seg_quintile_of(double v, const double limits[4]);

int32_t om_seg_panel_nyears(const om_seg_panel *p);
int om_seg_panel_year(const om_seg_panel *p, int32_t y);
/* Counts of year index y: n_deso x OM_SEG_NQ, row-major, owned by the panel. */
const int64_t *om_seg_panel_counts(const om_seg_panel *p, int32_t y);
/* Limits used for year index y (false when the panel came from counts). */
bool om_seg_panel_limits(const om_seg_panel *p, int32_t y, double limits[4]);
/* year,l1,l2,l3,l4: the limits of every year that has them (--limits-out). */
void om_seg_panel_write_limits(FILE *fp, const om_seg_panel *p);

/* ------------------------------------------------------- per-unit engine */

enum {
    OM_SEG_OJAMLIKHET = 1u << 0,    /* 100 * D(q1, q5) */
    OM_SEG_DISSIMILARITY = 1u << 1, /* multigroup D over q1..q5 */
    OM_SEG_GINI = 1u << 2,          /* multigroup Gini over q1..q5 */
    OM_SEG_THEIL_H = 1u << 3,       /* multigroup H, + between/within rows */
    OM_SEG_MUTUAL_M = 1u << 4       /* multigroup M, + between/within rows */
};
/* Parse "ojamlikhetsindex,theil_h,..." or "all" into a mask; 0 when a name
 * is unknown. */
unsigned om_seg_parse_indices(const char *list);

typedef struct om_seg_options {
    unsigned indices;      /* OM_SEG_* mask; 0 means OM_SEG_OJAMLIKHET */
    bool level[OM_LEVEL_COUNT]; /* levels to report (kommun, lan, riket) */
    int replicates;        /* bootstrap replicates; 0 = no se/CI */
    uint64_t seed;
    int threads;           /* <= 0: all online CPUs */
    double conf;           /* confidence level, e.g. 0.95 */
    int32_t min_deso;      /* flag few_deso below this many populated DeSOs */
    int64_t min_persons;   /* flag few_persons below this many persons */
    om_progress progress;
} om_seg_options;

/* Defaults: ojämlikhetsindex, kommun + län, 1000 replicates, seed 1,
 * all CPUs, 95 %, min_deso 5, min_persons 1000. */
void om_seg_options_default(om_seg_options *o);

typedef struct om_seg_row {
    int year;
    om_level level;
    int32_t area;          /* index at `level` in the registry */
    const char *index;     /* static name, e.g. "ojamlikhetsindex" */
    double value;          /* plug-in estimate */
    double corrected;      /* bootstrap bias-corrected: 2 value - mean of replicates */
    double se, lower, upper; /* bootstrap sd; basic interval around corrected */
    double expected;       /* under random allocation; NaN when not available */
    int32_t n_deso;        /* DeSOs with persons */
    int64_t n_persons;     /* persons in the unit (all quintiles) */
    char flag[40];         /* "" or reasons joined by ';' */
} om_seg_row;

/* Compute every requested index for every unit and year.  Results do not
 * depend on the number of threads.  Destroy with om_seg_result_free(). */
typedef struct om_seg_result om_seg_result;
om_status om_seg_run(const om_seg_panel *p, const om_seg_options *opt, om_seg_result **out,
                     om_error *err);
void om_seg_result_free(om_seg_result *r);
size_t om_seg_result_count(const om_seg_result *r);
const om_seg_row *om_seg_result_row(const om_seg_result *r, size_t i);
/* The rows as the seg format (omrade/formats.h), header first. */
void om_seg_result_write(FILE *fp, const om_geo *g, const om_seg_result *res);
/* index,value (and corrected,se,lower,upper,expected with un) of one table,
 * in the order of enum om_seg_stat; the four decomposition rows with dc. */
void om_seg_write_indices(FILE *fp, const om_seg_index *ix, const om_seg_decomp *dc,
                          const om_seg_uncertainty *un);

/* ---------------------------------------------------------- primitives */

/* A Poisson(mu) variate (mu >= 0). */
int64_t om_seg_poisson(om_rng256 *r, double mu);

/* Exact expected two-group dissimilarity under random allocation that keeps
 * the unit sizes t[i] and the group total `a` (of sum t) fixed: each unit's
 * count of the first group is hypergeometric.  NaN when a group is empty,
 * or when a unit is so large (hypergeometric sd > 1e6) that the exact sum
 * would be too long. */
double om_seg_expected_d(const int64_t *t, size_t n, int64_t a);
/* The same for the multigroup dissimilarity of Reardon & Firebaugh (2002)
 * of a units x groups table (row stride `stride`): every cell count is then
 * hypergeometric, and E[D] = sum_k sum_i E|n_ik - t_i P_k| / (2 T I).
 * NaN when fewer than two groups have persons. */
double om_seg_expected_dmulti(const int64_t *counts, size_t stride, int32_t n_units,
                              int32_t n_groups);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

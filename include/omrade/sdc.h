/* omrade — statistical disclosure control for tables (module om_sdc).
 *
 * A table model: k dimensions, each with a hierarchy of codes (a synthetic
 * root "Total" unless a hierarchy file gives a single root), inner cells
 * given by the caller, every margin generated, and the additivity
 * constraints (parent = sum of children, per dimension and per combination
 * of the other coordinates) kept as a sparse linear system.  Several linked
 * tables over subsets of the dimensions may be added to one model: a cell is
 * identified by its coordinates, a dimension absent from a table sits at its
 * root, so tables sharing margins share those cells and are protected
 * consistently.
 *
 * om_sdc_protect() applies the primary rules, chooses secondary suppressions
 * and audits the result with linear programming (GLPK): for every suppressed
 * cell the attacker's minimum and maximum subject to all additivity
 * constraints, published values fixed and suppressed values >= 0.  It fails
 * (OM_ERR_INPUT, with a message naming the cell) rather than return a
 * pattern that does not pass the audit.  docs/protect.md explains the
 * algorithms and their sources.
 *
 * Typical use (what the barometer and the rates publication call):
 *     om_sdc *s; om_sdc_new(&s, 3, (const char*[]){"regso","sex","age"}, &err);
 *     om_sdc_set_parent(s, 0, "0114R001", "0114", &err); ...   (optional)
 *     om_sdc_add(s, codes, &cell, &err);  ...                    (inner cells)
 *     om_sdc_protect(s, &rules, NULL, &err);
 *     for (i < om_sdc_ncells(s)) om_sdc_cell(s, i, &info);       (status, value)
 *     om_sdc_free(s);
 */
#ifndef OMRADE_SDC_H
#define OMRADE_SDC_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/csv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Per-cell outcome.  PUBLISHED, PRIMARY and SECONDARY come from
 * om_sdc_protect(); the others mark cells produced by the information-keeping
 * transformations (pooled years, merged areas, smoothed rates, rounded). */
typedef enum om_sdc_status {
    OM_SDC_PUBLISHED = 0,
    OM_SDC_PRIMARY,
    OM_SDC_SECONDARY,
    OM_SDC_POOLED,
    OM_SDC_MERGED,
    OM_SDC_SMOOTHED,
    OM_SDC_ROUNDED,
    OM_SDC_HIDDEN /* never published, no requirement (om_sdc_lin) */
} om_sdc_status;

/* "published", "primary", "secondary", "pooled", "merged", "smoothed",
 * "rounded", "hidden".  Never NULL. */
const char *om_sdc_status_name(om_sdc_status s);

/* Primary rules and the required protection.  Start from
 * om_sdc_rules_default() and change fields. */
typedef struct om_sdc_rules {
    double min_count;       /* cells with 1 <= value < min_count are primary; 0 = off (default 0) */
    bool zeros_primary;     /* zero cells are primary too (default false: zeros are published) */
    double min_denominator; /* cells whose denominator is < this are primary; 0 = off */
    double min_contributors;/* magnitude tables: fewer contributors than this -> primary; 0 = off */
    int dom_n;              /* dominance (n,k): the n largest contributions exceed */
    double dom_k;           /*   dom_k percent of the cell value -> primary; dom_n = 0: off */
    double p_pct;           /* p% rule: value - x1 - x2 < p/100 * x1 -> primary; 0 = off */
    double protection_pct;  /* required protection, percent of the value (default 10) */
    double protection_abs;  /* and at least this much in absolute terms (default 0) */
} om_sdc_rules;

void om_sdc_rules_default(om_sdc_rules *r);

/* Tuning of the secondary suppression (NULL = defaults). */
typedef struct om_sdc_options {
    bool no_hypercube;      /* use only the LP-based method (slower; for comparison) */
    int max_rounds;         /* audit/repair rounds before giving up (default 20) */
    bool full_audit;        /* exact intervals for every suppressed cell (else: only what
                               decides the primary cells' requirements) */
    int threads;            /* audit threads (default 2) */
    om_progress progress;
} om_sdc_options;

/* One inner cell as given by the caller.  Fields other than `value` may be
 * left zero when the corresponding rule is not used. */
typedef struct om_sdc_input {
    double value;          /* count or magnitude, >= 0 */
    bool forced;           /* primary by a rule outside omrade */
    bool suppressed;       /* part of a given pattern to check (om_sdc_check) */
    double denominator;    /* population at risk (additive), for min_denominator */
    double contributors;   /* number of contributors (additive) */
    double top[3];         /* largest contributions, descending (magnitude tables) */
} om_sdc_input;

typedef struct om_sdc om_sdc;

/* A model with `ndims` dimensions named dim_names[0..ndims) (copied).
 * Destroy with om_sdc_free().  Errors: OM_ERR_USAGE (0 or > 8 dimensions,
 * duplicate names), OM_ERR_NOMEM. */
om_status om_sdc_new(om_sdc **out, size_t ndims, const char *const *dim_names, om_error *err);
void om_sdc_free(om_sdc *s);

/* Declare that `child` has parent `parent` in dimension `dim` (hierarchy
 * edge).  Nodes without a parent hang under one synthetic root "Total"
 * unless exactly one parentless node exists, which is then the root.
 * Errors: OM_ERR_INPUT for a second, different parent or a cycle (reported
 * by om_sdc_build()). */
om_status om_sdc_set_parent(om_sdc *s, size_t dim, const char *child, const char *parent,
                            om_error *err);

/* Declare an extra aggregate of dimension `dim` besides the hierarchy: the
 * group `group` (a code not used in the hierarchy, e.g. an area type) is
 * the sum of its members, which must be inner codes (leaves).  Group cells
 * are generated for every combination of the other coordinates and their
 * additivity constraints join the system, so area-type totals are
 * protected together with the geography.  Errors: OM_ERR_INPUT (a member
 * twice in one group; at build: a member that is not an inner code, a
 * group code that is also a hierarchy code). */
om_status om_sdc_add_group(om_sdc *s, size_t dim, const char *group, const char *member, om_error *err);
/* Read groupings of dimension `dim` from a CSV with header `member,group`. */
om_status om_sdc_read_groups(om_sdc *s, size_t dim, om_csv *c, om_error *err);

/* Add one inner cell.  codes[d] is the code in dimension d, or NULL when
 * dimension d is not part of this cell's table (linked tables: the cell's
 * table is the set of non-NULL dimensions).  Errors: OM_ERR_INPUT (negative
 * or non-finite value, duplicate cell, code "Total" used as an inner code),
 * OM_ERR_USAGE after om_sdc_build(). */
om_status om_sdc_add(om_sdc *s, const char *const *codes, const om_sdc_input *in, om_error *err);

/* Read inner cells from a CSV (header required): the columns named like the
 * dimensions, `count`, and optionally `primary` (0/1), `suppressed` (0/1,
 * for om_sdc_check), `denominator`,
 * `contributors`, `top1`..`top3`.  Errors carry file:line:column. */
om_status om_sdc_read_csv(om_sdc *s, om_csv *c, om_error *err);
/* The same for a linked table: dimension columns may be missing from the
 * header (the table then lacks those dimensions), at least one must exist. */
om_status om_sdc_read_csv_linked(om_sdc *s, om_csv *c, om_error *err);
/* Read a hierarchy file with header `child,parent` for dimension `dim`. */
om_status om_sdc_read_hier(om_sdc *s, size_t dim, om_csv *c, om_error *err);
/* The same from the file at path (om_csv_open, then the reader above):
 * inner cells (linked: of a linked table), a hierarchy, groupings. */
om_status om_sdc_load_cells(om_sdc *s, const char *path, bool linked, om_error *err);
om_status om_sdc_load_hier(om_sdc *s, size_t dim, const char *path, om_error *err);
om_status om_sdc_load_groups(om_sdc *s, size_t dim, const char *path, om_error *err);

/* Close the model: resolve hierarchies, generate every margin, check that
 * inner codes are leaves and linked tables agree on shared cells, build the
 * constraint system.  Called by om_sdc_protect() when needed.  Errors:
 * OM_ERR_INPUT (cycles, inner code that is a parent, inconsistent shared
 * margins), OM_ERR_NOMEM (more than 2^31 cells). */
om_status om_sdc_build(om_sdc *s, om_error *err);

/* Primary rules, secondary suppression, audit.  On success every cell has a
 * status; with opt->full_audit the attacker's interval of every suppressed
 * cell is available through om_sdc_cell() (otherwise only where it was
 * computed: `audited`).
 * Errors: OM_ERR_USAGE (bad rules), OM_ERR_INPUT when no safe pattern was
 * found (the message names a failing cell), OM_ERR_INTERNAL (LP failure). */
om_status om_sdc_protect(om_sdc *s, const om_sdc_rules *rules, const om_sdc_options *opt,
                         om_error *err);

/* Check a given pattern instead of making one: primary rules, then every
 * inner cell added with `suppressed` set is suppressed (SECONDARY unless
 * primary), then the audit (exact intervals when `full`).  *n_fail counts
 * primary cells left published or with too narrow an interval.  A failing
 * pattern is still OM_OK here. */
om_status om_sdc_check(om_sdc *s, const om_sdc_rules *rules, bool full, size_t *n_fail, om_error *err);

/* Apply only the primary rules (statuses PUBLISHED/PRIMARY). */
om_status om_sdc_apply_primary(om_sdc *s, const om_sdc_rules *rules, om_error *err);

/* Audit the current pattern: for every suppressed cell compute the
 * attacker's interval [lower, upper] (upper may be +inf) and count cells
 * failing the requirement of `rules` (primary cells only: lower <= x - L and
 * upper >= x + U, U = max(x*P/100, abs) or 1 for x = 0, L = min(x, U')).
 * *n_fail (may be NULL) receives the number of failing cells; the first is
 * described in the error message only when the return is not OM_OK, so a
 * failing audit is still OM_OK here.  Errors: OM_ERR_INTERNAL (LP failure). */
om_status om_sdc_audit(om_sdc *s, const om_sdc_rules *rules, size_t *n_fail, om_error *err);

/* For benchmarks: the same audit done naively -- one LP over all
 * suppressed cells of the whole table, rebuilt and solved from scratch for
 * the minimum and the maximum of each of the first `max_cells` suppressed
 * cells.  *done receives the number of cells audited.  Results are not
 * stored. */
om_status om_sdc_audit_naive(om_sdc *s, size_t max_cells, size_t *done, om_error *err);

/* Number of cells (inner cells and margins of all tables) after build. */
size_t om_sdc_ncells(const om_sdc *s);
size_t om_sdc_ndims(const om_sdc *s);
const char *om_sdc_dim_name(const om_sdc *s, size_t dim);
/* Label of the synthetic root ("Total"). */
#define OM_SDC_TOTAL "Total"

typedef struct om_sdc_cell_info {
    const char *codes[8];  /* code per dimension (root code for absent ones); owned by the model */
    int table;             /* index of the first table the cell belongs to */
    bool inner;            /* an input cell (not a margin) */
    double value;
    om_sdc_status status;
    bool audited;          /* lower/upper valid (suppressed cells after an audit) */
    bool fails;            /* the audit found the interval too narrow */
    double lower, upper;   /* attacker's interval (upper = +inf when unbounded) */
} om_sdc_cell_info;

/* Information on cell i < om_sdc_ncells(). */
void om_sdc_cell(const om_sdc *s, size_t i, om_sdc_cell_info *out);
/* Cell index from codes (NULL = root), or -1. */
long om_sdc_find(const om_sdc *s, const char *const *codes);
/* Set a cell's status by hand (tests, or patterns decided elsewhere). */
void om_sdc_set_status(om_sdc *s, size_t i, om_sdc_status st);
/* Does cell i belong to table t (tables numbered in order of first use)? */
size_t om_sdc_ntables(const om_sdc *s);
bool om_sdc_cell_in_table(const om_sdc *s, size_t i, size_t t);
/* Counts after protect: cells per status, and inner cells absent from the
 * input (treated as zero). */
typedef struct om_sdc_summary {
    size_t cells, inner, absent_inner, primary, secondary, components, lp_solves;
    size_t hypercubes, lp_protections, rounds;
} om_sdc_summary;
void om_sdc_get_summary(const om_sdc *s, om_sdc_summary *out);

/* ------------------------------------------------ keeping information */

/* Pool the years of dimension `dim` (integer codes) into windows of
 * `window` years aligned at the first year (e.g. 2019-2021, 2022-2024; a
 * last shorter window keeps its real span), summing the inner cells; every
 * series is pooled alike, so no single year can be recovered by differencing
 * overlapping windows.  Published cells are then marked POOLED.  Call before
 * om_sdc_build().  Errors: OM_ERR_INPUT for a non-integer year. */
om_status om_sdc_pool_years(om_sdc *s, size_t dim, int window, om_error *err);

/* Merge the units of dimension `dim` whose size (sum of the inner values
 * over the other dimensions) is below min_size with a neighbour under the
 * same hierarchy parent (om_sdc_merge_units() names the proxy), summing the
 * inner cells.  A merged unit is coded "A+B+..." (member codes ascending)
 * and its published cells are marked MERGED.  Call before om_sdc_build(). */
om_status om_sdc_merge_small(om_sdc *s, size_t dim, double min_size, om_error *err);
/* Entry i of the merge map (every member of a merged unit): false past the
 * end.  Strings owned by the model. */
bool om_sdc_merge_map(const om_sdc *s, size_t i, const char **child, const char **unit);
/* The merge map as CSV child,unit. */
void om_sdc_write_merge_map(const om_sdc *s, FILE *fp);
/* The cells as omrade protect writes them: the dimensions, count (empty
 * when suppressed), status; with `audit` also lower,upper of the attacker's
 * interval of audited suppressed cells; with `rounded` every count rounded
 * to `base` (om_sdc_round) and the status "rounded". */
void om_sdc_write_cells(const om_sdc *s, FILE *fp, bool audit, bool rounded, int base);

/* Empirical-Bayes smoothing of rates (Marshall 1991, method of moments,
 * Gamma-Poisson interpretation).  events[i], pop[i] for n areas; group[i]
 * (may be NULL) puts each area in a neighbourhood for the local variant
 * (omrade uses the kommun).  Outputs rate[i] (posterior mean), se[i]
 * (posterior standard deviation) and lo[i], hi[i] (central 95 % Gamma
 * posterior interval); all are estimates.  Areas with pop <= 0 get NaN.
 * Errors: OM_ERR_INPUT (negative events or population). */
om_status om_sdc_eb_smooth(size_t n, const double *events, const double *pop, const int32_t *group,
                           double *rate, double *se, double *lo, double *hi, om_error *err);

/* `omrade protect --smooth` on a file: one row per area with the columns
 * `dims` (1-8 area codes), count, denominator and, when `group` is not
 * NULL, the neighbourhood column for the local variant; rates smoothed by
 * om_sdc_eb_smooth().  Destroy with om_sdc_smooth_free().  Errors
 * (file:line:column): OM_ERR_INPUT (missing column, bad or negative
 * number), OM_ERR_IO, OM_ERR_NOMEM, OM_ERR_USAGE (more than 8 dims). */
typedef struct om_sdc_smooth om_sdc_smooth;
om_status om_sdc_smooth_load(om_sdc_smooth **out, const char *path, const char *const *dims, size_t nd,
                             const char *group, om_error *err);
void om_sdc_smooth_free(om_sdc_smooth *s);
/* Number of areas read. */
size_t om_sdc_smooth_count(const om_sdc_smooth *s);
/* CSV: dims..., count, denominator, rate, se, lower, upper (6 decimals),
 * status ("smoothed").  Write errors stay in the stream's error flag for
 * om_afile_commit() to report. */
void om_sdc_smooth_write(const om_sdc_smooth *s, FILE *fp);

/* Conventional rounding of a count to a multiple of `base` (half up). */
double om_sdc_round(double value, int base);

/* Merging small areas within their parents (no adjacency data: the proxy
 * neighbour is the sibling with the nearest code, ties to the smaller unit).
 * codes[i], parent[i] (group id), size[i] for n areas; repeatedly merge the
 * smallest unit below `min_size` with its proxy neighbour in the same parent
 * until every unit reaches min_size or is alone in its parent.  unit[i]
 * receives a unit id: the index of the unit's representative (smallest
 * code).  Areas may come in any order.  Errors: OM_ERR_INPUT (negative
 * size), OM_ERR_NOMEM. */
om_status om_sdc_merge_units(size_t n, const char *const *codes, const int32_t *parent,
                             const double *size, double min_size, int32_t *unit, om_error *err);

/* ------------------------------------- linked table sets as linear systems
 *
 * A publication that is not one hypercube table — the barometer's indicators
 * by area at four nested levels, sex, birth region and several age
 * partitions, area-type aggregates and indicators that share a denominator —
 * is modelled directly as what an attacker sees: cells (unknowns with bounds
 * 0 <= x <= ub) and additivity relations (total = sum of parts).  Published
 * cells are constants for the attacker; suppressed and hidden cells
 * (never published, e.g. the remainder category of a set of shares) are
 * unknowns.  om_sdc_lin_protect() chooses secondary suppressions (cost-
 * minimal partner per relation, then repair from the LP audit) and proves by
 * linear programming that every primary cell's feasible interval covers its
 * protection requirement against all published cells at once. */
typedef struct om_sdc_lin om_sdc_lin;

/* Empty system.  Destroy with om_sdc_lin_free() (accepts NULL).
 * Errors: OM_ERR_NOMEM. */
om_status om_sdc_lin_new(om_sdc_lin **out, om_error *err);
void om_sdc_lin_free(om_sdc_lin *m);

/* Add a cell with true value `value` (>= 0), attacker's upper bound `ub`
 * (INFINITY when none; e.g. a share's denominator) and suppression cost
 * `cost` (> 0; INFINITY = must never be suppressed secondarily).  *id gets
 * its index.  Errors: OM_ERR_INPUT (value or ub not finite / negative, value
 * > ub), OM_ERR_NOMEM. */
om_status om_sdc_lin_cell(om_sdc_lin *m, double value, double ub, double cost, int32_t *id, om_error *err);
/* Make cell id primary: the attacker's interval must reach down to at most
 * value - down and up to at least value + up (both >= 0, clipped to the
 * cell's bounds). */
void om_sdc_lin_require(om_sdc_lin *m, int32_t id, double down, double up);
/* Cell id is never published and has no requirement (status OM_SDC_HIDDEN). */
void om_sdc_lin_hide(om_sdc_lin *m, int32_t id);
/* Neighbourhoods for a fast, sound audit: loc[l] (l < OM_SDC_LIN_LEVELS,
 * -1 = none) names the cell's locality at level l, from small to large
 * (the barometer: kommun; län; everything above RegSO).  The audit first tries to show
 * each requirement with only the unknowns of one locality free and every
 * other cell at its true value (a restriction of the attacker's polytope,
 * so a requirement shown there holds), then the whole connected set.
 * Optional: without localities every component is solved whole. */
#define OM_SDC_LIN_LEVELS 3
om_status om_sdc_lin_locality(om_sdc_lin *m, int32_t id, const int32_t *loc, om_error *err);
/* Relation total = parts[0] + ... + parts[n-1].  Errors: OM_ERR_USAGE (bad
 * id, n = 0), OM_ERR_NOMEM. */
om_status om_sdc_lin_sum(om_sdc_lin *m, int32_t total, const int32_t *parts, size_t n, om_error *err);

typedef struct om_sdc_lin_summary {
    size_t cells, relations, primary, secondary, hidden;
    size_t components;    /* connected sets of unknowns audited */
    size_t lp_solves, rounds;
    size_t largest;       /* unknowns in the largest component */
} om_sdc_lin_summary;

/* Secondary suppression and audit.  max_rounds of audit/repair (0 = 50).
 * On OM_OK every primary cell passed the audit.  Errors: OM_ERR_INPUT when
 * no safe pattern was found within max_rounds (the message names a failing
 * cell by index), OM_ERR_INTERNAL (LP failure), OM_ERR_NOMEM. */
om_status om_sdc_lin_protect(om_sdc_lin *m, int max_rounds, om_sdc_lin_summary *sum, om_error *err);
/* Audit only (statuses as they are): *n_fail primary cells fail. */
om_status om_sdc_lin_audit(om_sdc_lin *m, size_t *n_fail, om_error *err);
/* Set a cell's status by hand (tests, given patterns). */
void om_sdc_lin_set_status(om_sdc_lin *m, int32_t id, om_sdc_status st);
om_sdc_status om_sdc_lin_status(const om_sdc_lin *m, int32_t id);
/* The attacker's interval of a suppressed cell from the last audit; false
 * when the cell was not audited (published, or no requirement). */
bool om_sdc_lin_interval(const om_sdc_lin *m, int32_t id, double *lo, double *hi);
size_t om_sdc_lin_ncells(const om_sdc_lin *m);
/* Did primary cell id fail the last audit (requirement not shown)? */
bool om_sdc_lin_fails(const om_sdc_lin *m, int32_t id);
/* Release the LP solver's per-thread state (GLPK keeps an environment per
 * thread).  Call at the end of a thread of your own that ran
 * om_sdc_lin_protect() or om_sdc_lin_audit(), with no om_sdc model in use
 * on that thread. */
void om_sdc_thread_end(void);
/* The value a cell was added with. */
double om_sdc_lin_value(const om_sdc_lin *m, int32_t id);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

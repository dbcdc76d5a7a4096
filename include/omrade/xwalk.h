/* omrade — crosswalks between geography vintages (e.g. DeSO 2018 -> DeSO 2025).
 *
 * A crosswalk file has the columns from,to,weight (header required, leading
 * '#' lines skipped): one row per piece of a source area that lies in a
 * target area, weight = the share of the source area's population in that
 * piece.  A source with several rows is a split, a target with several
 * sources a merge.  Weights lie in [0, 1] and sum to 1 per source within
 * OM_XWALK_TOL.  Codes are DeSO or RegSO codes (one level per file), SCB's
 * "_DeSO2025"-style suffixes allowed.
 *
 * Applying a crosswalk to a count table splits each source row's integer
 * counts over its pieces by the largest-remainder method (Hamilton's
 * method; Balinski & Young, Fair Representation, 2nd ed. 2001, ch. 2):
 * quotas q = count * weight / (sum of the source's weights), each piece gets
 * floor(q), and the pieces with the largest remainders q - floor(q) get one
 * more until the source's count is reached (ties: ascending target code).
 * So every source area's total is kept exactly, every piece is within 1 of
 * its quota, and merged targets add their pieces.  Each count column is
 * rounded on its own: sums across columns (e.g. age bands against a total
 * column) may differ by the rounding. */
#ifndef OMRADE_XWALK_H
#define OMRADE_XWALK_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/csv.h"
#include "omrade/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Tolerance on |sum of a source's weights - 1|.  It accepts weights
 * rounded to 6 decimals for splits of up to 200 pieces and rejects a
 * crosswalk missing any piece of weight 1e-4 or more. */
#define OM_XWALK_TOL 1e-4

typedef struct om_xwalk om_xwalk;

/* Load a crosswalk file.  `from` and `to` (either may be NULL) are the
 * source and target registries: every code must be an area of theirs.
 * Destroy with om_xwalk_free().  Errors (OM_ERR_INPUT, file:line:column):
 * missing columns, a bad code or mixed levels, a weight outside [0, 1], a
 * repeated from,to pair, weights of a source not summing to 1 (reported at
 * the source's first row). */
om_status om_xwalk_load(om_xwalk **out, const char *path, const om_geo *from, const om_geo *to,
                        om_error *err);
/* The same from bytes, reported under `name`.  Destroy with om_xwalk_free(). */
om_status om_xwalk_load_mem(om_xwalk **out, const char *name, const void *data, size_t len,
                            const om_geo *from, const om_geo *to, om_error *err);
void om_xwalk_free(om_xwalk *x);

typedef struct om_xwalk_edge {
    int32_t from, to; /* source and target indices */
    double weight;    /* as written in the file */
    long line;        /* its line in the file */
} om_xwalk_edge;

om_level om_xwalk_level(const om_xwalk *x);
/* Sources and targets, each sorted by code. */
int32_t om_xwalk_nsources(const om_xwalk *x);
int32_t om_xwalk_ntargets(const om_xwalk *x);
const char *om_xwalk_source(const om_xwalk *x, int32_t i);
const char *om_xwalk_target(const om_xwalk *x, int32_t j);
/* Source index of a code (suffix allowed), -1 when absent. */
int32_t om_xwalk_find_source(const om_xwalk *x, const char *code, size_t len);
/* Edges sorted by (source, target code); those of source i are
 * [first, first + count). */
size_t om_xwalk_nedges(const om_xwalk *x);
const om_xwalk_edge *om_xwalk_edges(const om_xwalk *x);
void om_xwalk_source_edges(const om_xwalk *x, int32_t i, size_t *first, size_t *count);
/* Number of sources of target j. */
int32_t om_xwalk_target_sources(const om_xwalk *x, int32_t j);
/* Structure of the crosswalk: sources kept whole in a target of their own,
 * sources split, targets merging several sources. */
void om_xwalk_summary(const om_xwalk *x, int32_t *kept, int32_t *split, int32_t *merged);

/* Largest-remainder allocation of `count` (0 <= count < 2^53) over source
 * i's edges: out[k] for its k-th edge.  Sum of out == count. */
void om_xwalk_allocate(const om_xwalk *x, int32_t i, int64_t count, int64_t *out);

/* A count table moved to the target vintage by om_xwalk_apply_csv(). */
typedef struct om_xwalk_counts {
    size_t ncols;        /* count columns */
    const char *code_col; /* name of the code column */
    char **cols;         /* names of the count columns */
    size_t nin;          /* input rows */
    int32_t nout;        /* output rows: targets reached from the table */
    int32_t *out_target; /* target index of each output row, ascending code */
    int64_t *out;        /* nout x ncols */
    int64_t *edge;       /* nedges x ncols: what moved along each edge */
    bool *edge_used;     /* edge's source is in the table */
    int32_t in_kept, in_split, out_merged; /* table rows kept 1:1 / split; output rows merged */
    int32_t sources_absent; /* crosswalk sources not in the table */
} om_xwalk_counts;

/* Read a count table from `in` (header required; the code column named
 * `code_col`, NULL = the first column; every other column a non-negative
 * integer count) and move it through the crosswalk.  When the table states
 * its geography ("# geography: V" in its leading lines) and `from_vintage`
 * is not NULL, V must equal it.  Destroy with om_xwalk_counts_free().
 * Errors (OM_ERR_INPUT, file:line:column): another geography, a code that
 * is not a source of the crosswalk, a repeated code, a bad count. */
om_status om_xwalk_apply_csv(const om_xwalk *x, om_csv *in, const char *code_col,
                             const char *from_vintage, om_xwalk_counts **out, om_error *err);
/* The same from the file at `path` (CSV, or SAS/Stata/SPSS as om_csv_open
 * reads them), so that a command need not open the table itself. */
om_status om_xwalk_apply_file(const om_xwalk *x, const char *path, const char *code_col,
                              const char *from_vintage, om_xwalk_counts **out, om_error *err);
void om_xwalk_counts_free(om_xwalk_counts *r);
/* The moved table: code column then the count columns, one row per target. */
void om_xwalk_counts_write(const om_xwalk *x, const om_xwalk_counts *r, FILE *fp);
/* Every split or merge: change,from,to,weight,<count columns> where change
 * is "split", "merge" or "split+merge", one row per edge of a split source
 * or into a merged target whose source is in the table. */
void om_xwalk_counts_write_changes(const om_xwalk *x, const om_xwalk_counts *r, FILE *fp);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

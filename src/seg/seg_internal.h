/* Internal to src/seg: helpers shared between the module's files. */
#ifndef OMRADE_SEG_INTERNAL_H
#define OMRADE_SEG_INTERNAL_H

#include "omrade/csv.h"
#include "omrade/seg.h"

typedef struct gcell {
    double p, t, n;
} gcell;

/* The indices of a table with an arbitrary row stride; `work` holds n_units
 * gcells (NULL: no Gini), `colsum` n_groups doubles. */
void om_seg__indices(const double *counts, size_t stride, int32_t n_units, int32_t n_groups,
                     gcell *work, double *colsum, om_seg_index *o);

/* The registry a panel was made for. */
const om_geo *om_seg__panel_geo(const om_seg_panel *p);

/* Bootstrap summary of a statistic with plug-in value `value` in
 * [0, bound] from the finite values among reps[0..R) (reordered): standard
 * deviation, bias-corrected estimate 2 value - mean and the basic bootstrap
 * interval around it (engine.c).  NaN with fewer than two finite values;
 * corrected and interval NaN when value is not finite. */
typedef struct om_seg_boot {
    double se, corrected, lower, upper;
} om_seg_boot;
void om_seg__summarise(double *reps, int R, double conf, double value, double bound,
                       om_seg_boot *out);
/* Quickselect: x[k] becomes the k-th smallest of x[lo..hi] (seg.c). */
void om_seg__select_kth(double *x, size_t lo, size_t hi, size_t k);

/* The seg readers' loop head: reads c's next record that is not a blank
 * line (*got false at the end) and checks that it has the fields
 * idx[0..n) (an optional column that is absent is -1; n 0 checks none);
 * *start (when not NULL) is the record's byte offset, for om_csv_fail_at. */
om_status om_seg__next_record(om_csv *c, const int *idx, int n, bool *got, size_t *start, om_error *err);

#endif

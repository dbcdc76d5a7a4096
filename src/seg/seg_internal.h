/* Internal to src/seg: helpers shared between the module's files. */
#ifndef OMRADE_SEG_INTERNAL_H
#define OMRADE_SEG_INTERNAL_H

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

/* Standard deviation and percentile interval (Hyndman & Fan type 7) of the
 * finite values among reps[0..R) (reordered); NaN with fewer than two. */
void om_seg__summarise(double *reps, int R, double conf, double *se, double *lo, double *hi);
/* Quickselect: x[k] becomes the k-th smallest of x[lo..hi] (seg.c). */
void om_seg__select_kth(double *x, size_t lo, size_t hi, size_t k);

#endif

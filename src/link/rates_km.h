/* Internal to src/link: survival after the counted events of omrade rates
 * (rates_km.c), fed by the aggregation kernel in rates.c. */
#ifndef OM_RATES_KM_H
#define OM_RATES_KM_H

#include "omrade/link.h"

#include <stdint.h>
#include <stdio.h>

/* One counted event: its cube cell (rates.c), outcome, follow-up in days
 * and whether it ended in death (else censored at the end of follow-up). */
typedef struct {
    uint32_t cell;
    int32_t time;
    uint8_t outcome, event;
} rates_km_rec;

/* A thread's records and its counts of events left out of the survival. */
typedef struct {
    rates_km_rec *v;
    size_t n, cap;
    int64_t death_before[64], after_end[64];
} rates_km_buf;

/* Record the event of day `eday` (days since 1970) of a person who died on
 * `death_day` (INT32_MAX alive) for outcome o in cube cell `cell`;
 * follow-up ends on day fu_end.  False when out of memory. */
bool om_rates_km_push(rates_km_buf *b, size_t cell, int o, int64_t eday, int32_t death_day, int32_t fu_end);
void om_rates_km_buf_free(rates_km_buf *b);

typedef struct rates_km rates_km;
/* Spec checks (survival days). */
om_status om_rates_km_check(const om_rates_spec *spec, om_error *err);
/* The curves from the threads' buffers (freed here); where[i] is the output
 * cell of cube index i (rates.c's collect_cells). */
om_status om_rates_km_build(rates_km **out, rates_km_buf *const *bufs, int nbuf, const int64_t *where,
                         size_t ncells, size_t noutcome, const om_rates_spec *spec, om_error *err);
void om_rates_km_free(rates_km *k);
/* rates.c: the run's survival (NULL without it) */
const rates_km *om_rates_km_(const om_rates *r);
/* rates_out.c: the cell columns of the other outputs */
void om_rates_out_dims_header_(FILE *fp, unsigned dims);
void om_rates_out_dims_(FILE *fp, const om_rates_out *x, const om_rates_cell *c);
/* rates_out.c's summary: the survival lines */
void om_rates_km_summary(FILE *fp, const om_rates_out *x);

#endif

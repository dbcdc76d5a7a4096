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

#include "omrade/common.h"

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

#ifdef __cplusplus
}
#endif
#endif

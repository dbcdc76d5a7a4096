/* Internal to src/synth: the calibration model and the random streams. */
#ifndef OM_SYNTH_INTERNAL_H
#define OM_SYNTH_INTERNAL_H

#include "omrade/hash.h"
#include "omrade/rng.h" /* om_rng_for: one stream per (seed, entity, sub-entity, purpose) */
#include "omrade/synth.h"

#include <math.h>

#define OM_NBANDS 17

struct om_synth_model {
    om_geo *geo;
    int32_t n_deso, n_regso, n_kommun;
    /* per DeSO */
    int32_t *pop22, *pop23;
    int32_t (*age)[OM_NBANDS];
    float *low, *pre, *au;       /* calibrated 2023 target shares per DeSO */
    float *post;                 /* post-secondary share among upper+post, 25-64 */
    float *emp;                  /* employed / population 16-64 */
    float *europe, *other;       /* born in Europe outside Sweden / rest of world */
    float (*house)[4];           /* small, multi, other, special (shares, sum 1) */
    float *rent_multi;           /* rental share of multi-dwelling flats */
    int8_t *type;                /* published 2023 type of the DeSO's RegSO */
    double *cum_pop;             /* cumulative pop23 over DeSO index (move destinations) */
    /* per RegSO */
    int8_t *rtype;
    double (*target)[3], (*proxy)[3];
    double nat_low;              /* population-weighted national target low share */
};

#endif

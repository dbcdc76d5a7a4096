/* Internal to src/synth: the calibration model and the random streams. */
#ifndef OM_SYNTH_INTERNAL_H
#define OM_SYNTH_INTERNAL_H

#include "omrade/hash.h"
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

/* Counter-based streams: SplitMix64 (Steele, Lea & Flood 2014) seeded by a
 * hash of (seed, entity, sub-entity, purpose), so every entity's numbers are
 * independent of the order and thread in which entities are processed. */
typedef struct {
    uint64_t s;
} om_rng;

static inline om_rng om_rng_for(uint64_t seed, uint64_t a, uint64_t b, uint64_t purpose)
{
    om_rng r;
    r.s = om_hash_u64(seed ^ om_hash_u64(a * 0x9e3779b97f4a7c15ull ^
                                         om_hash_u64(b * 0xc2b2ae3d27d4eb4full ^ (purpose + 1))));
    return r;
}
static inline uint64_t om_rng_next(om_rng *r)
{
    r->s += 0x9e3779b97f4a7c15ull;
    return om_hash_u64(r->s);
}
/* Uniform in [0, 1). */
static inline double om_rng_u01(om_rng *r)
{
    return (double)(om_rng_next(r) >> 11) * 0x1.0p-53;
}
/* Uniform integer in [0, n). */
static inline uint32_t om_rng_below(om_rng *r, uint32_t n)
{
    return (uint32_t)(((om_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}
static inline double om_rng_normal(om_rng *r)
{
    double u = om_rng_u01(r), v = om_rng_u01(r);
    return sqrt(-2.0 * log(1.0 - u)) * cos(6.283185307179586 * v);
}
/* Poisson by inversion (rates here are small, < 10). */
static inline int om_rng_poisson(om_rng *r, double lambda)
{
    double l = exp(-lambda), p = om_rng_u01(r);
    int k = 0;
    double f = l, cdf = l;
    while (p > cdf && k < 60) {
        k++;
        f *= lambda / k;
        cdf += f;
    }
    return k;
}

#endif

/* omrade — seeded, splittable random streams (the project's one RNG).
 *
 * A stream is named by a key (a seed and the entity it belongs to: a DeSO,
 * a person, a bootstrap cell, a purpose), never by the order in which
 * streams are used, so results do not depend on the thread count or on
 * which other entities are drawn (CONTRIBUTING.md, "Numbers").  Both
 * generators below are built from SplitMix64 (Steele, Lea & Flood 2014,
 * "Fast splittable pseudorandom number generators", OOPSLA; the reference
 * code is Vigna's splitmix64.c, prng.di.unimi.it), whose output function is
 * om_hash_u64():
 *
 *   om_rng     SplitMix64 itself: 64 bits of state, output i of the stream
 *              with state x0 is om_hash_u64(x0 + (i + 1) * 0x9e3779b97f4a7c15).
 *              For the many short streams of the synthetic population.
 *   om_rng256  xoshiro256** 1.0 (Blackman & Vigna 2021, "Scrambled linear
 *              pseudorandom number generators", ACM TOMS 47(4); reference
 *              code xoshiro256starstar.c) with its state filled by SplitMix64,
 *              as its authors recommend.  For long streams (bootstrap
 *              replicates, period 2^256 - 1).
 *
 * Both key derivations are kept exactly as they were when the two modules
 * had their own copies, so synthetic data and seg's bootstrap are
 * bit-identical to earlier releases.  tests/unit/common/test_rng.c checks
 * both generators against the reference implementations' published output. */
#ifndef OMRADE_RNG_H
#define OMRADE_RNG_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/hash.h"

#include <math.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OM_RNG_GOLDEN 0x9e3779b97f4a7c15ull /* 2^64 / golden ratio, SplitMix64's increment */

/* ------------------------------------------------------------ SplitMix64 */

typedef struct om_rng {
    uint64_t s;
} om_rng;

/* The stream for key (seed, a, b, purpose). */
static inline om_rng om_rng_for(uint64_t seed, uint64_t a, uint64_t b, uint64_t purpose)
{
    om_rng r;
    r.s = om_hash_u64(seed ^ om_hash_u64(a * OM_RNG_GOLDEN ^ om_hash_u64(b * 0xc2b2ae3d27d4eb4full ^ (purpose + 1))));
    return r;
}
static inline uint64_t om_rng_next(om_rng *r)
{
    r->s += OM_RNG_GOLDEN;
    return om_hash_u64(r->s);
}
/* Uniform in [0, 1): the top 53 bits, so every value is a multiple of 2^-53. */
static inline double om_rng_u01(om_rng *r)
{
    return (double)(om_rng_next(r) >> 11) * 0x1.0p-53;
}
/* Uniform integer in [0, n) by multiply-shift of the top 32 bits (Lemire
 * 2019 without the rejection step: bias below n / 2^32). */
static inline uint32_t om_rng_below(om_rng *r, uint32_t n)
{
    return (uint32_t)(((om_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}
/* Standard normal by Box-Muller (one of the pair). */
static inline double om_rng_normal(om_rng *r)
{
    double u = om_rng_u01(r), v = om_rng_u01(r);
    return sqrt(-2.0 * log(1.0 - u)) * cos(6.283185307179586 * v);
}
/* Poisson by inversion (Devroye 1986, sec. X.3.3), for small rates
 * (lambda < 10; at most 60). */
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

/* ----------------------------------------------------------- xoshiro256** */

typedef struct om_rng256 {
    uint64_t s[4];
} om_rng256;

/* The stream for key (seed, a, b): SplitMix64 from `seed`, its output xor
 * a, again, xor b times an odd constant, then four outputs for the state
 * (never all zero: SplitMix64 is a bijection of its counter). */
static inline void om_rng256_init(om_rng256 *r, uint64_t seed, uint64_t a, uint64_t b)
{
    uint64_t x = seed + OM_RNG_GOLDEN;
    x = om_hash_u64(x) ^ a;
    x = om_hash_u64(x + OM_RNG_GOLDEN) ^ (b * 0xd1b54a32d192ed03ull);
    for (int i = 0; i < 4; i++) {
        x += OM_RNG_GOLDEN;
        r->s[i] = om_hash_u64(x);
    }
}
static inline uint64_t om_rng256_next(om_rng256 *r)
{
    uint64_t *s = r->s;
    uint64_t m = s[1] * 5;
    uint64_t out = ((m << 7) | (m >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return out;
}
/* Uniform in [0, 1), as om_rng_u01. */
static inline double om_rng256_u01(om_rng256 *r)
{
    return (double)(om_rng256_next(r) >> 11) * 0x1.0p-53;
}

#ifdef __cplusplus
}
#endif

#pragma GCC visibility pop
#endif

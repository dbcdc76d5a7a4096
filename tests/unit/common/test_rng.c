/* Unit tests: the random streams of omrade/rng.h against the reference
 * implementations' published output, and the key derivations against an
 * independent transcription of the seeding each module used before the
 * streams were unified (so synthetic data and seg's bootstrap did not move). */
#include "om_test.h"
#include "omrade/rng.h"

#include <string.h>

/* SplitMix64, transcribed from Vigna's splitmix64.c (prng.di.unimi.it). */
static uint64_t ref_splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void test_splitmix64_reference(void **state)
{
    (void)state;
    /* rand_xoshiro (github.com/rust-random/rngs), src/splitmix64.rs, test
     * `reference`: "produced with the reference implementation
     * http://xoshiro.di.unimi.it/splitmix64.c", seed 1477776061723855037. */
    static const uint64_t want[10] = {1985237415132408290ull,  2979275885539914483ull,  13511426838097143398ull,
                                      8488337342461049707ull,  15141737807933549159ull, 17093170987380407015ull,
                                      16389528042912955399ull, 13177319091862933652ull, 10841969400225389492ull,
                                      17094824097954834098ull};
    om_rng r = {1477776061723855037ull};
    for (int i = 0; i < 10; i++)
        assert_true(om_rng_next(&r) == want[i]);
}

static void test_xoshiro256ss_reference(void **state)
{
    (void)state;
    /* rand_xoshiro, src/xoshiro256starstar.rs, test `reference` (from
     * Vigna's xoshiro256starstar.c), state {1, 2, 3, 4}. */
    static const uint64_t want[10] = {11520ull,
                                      0ull,
                                      1509978240ull,
                                      1215971899390074240ull,
                                      1216172134540287360ull,
                                      607988272756665600ull,
                                      16172922978634559625ull,
                                      8476171486693032832ull,
                                      10595114339597558777ull,
                                      2904607092377533576ull};
    om_rng256 r = {{1, 2, 3, 4}};
    for (int i = 0; i < 10; i++)
        assert_true(om_rng256_next(&r) == want[i]);
}

/* The keys: om_rng_for as src/synth had it, om_rng256_init as src/seg had
 * it (SplitMix64 from the seed; its output xor a; the next output xor
 * b * 0xd1b54a32d192ed03; four outputs fill the state). */
static void test_keys(void **state)
{
    (void)state;
    static const uint64_t keys[][4] = {{0, 0, 0, 0}, {42, 2023, 17, 3}, {~0ull, 1, ~0ull, 9}, {7, 1ull << 63, 5, 0}};
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
        uint64_t seed = keys[k][0], a = keys[k][1], b = keys[k][2], p = keys[k][3];
        uint64_t x = b * 0xc2b2ae3d27d4eb4full ^ (p + 1);
        x = om_hash_u64(x);
        x = om_hash_u64(a * 0x9e3779b97f4a7c15ull ^ x);
        om_rng r = om_rng_for(seed, a, b, p);
        assert_true(r.s == om_hash_u64(seed ^ x));
        uint64_t st = om_hash_u64(seed ^ x);
        for (int i = 0; i < 5; i++)
            assert_true(om_rng_next(&r) == ref_splitmix(&st));

        uint64_t y = seed;
        uint64_t k1 = ref_splitmix(&y);
        y = k1 ^ a;
        uint64_t k2 = ref_splitmix(&y);
        y = k2 ^ (b * 0xd1b54a32d192ed03ull);
        om_rng256 q;
        om_rng256_init(&q, seed, a, b);
        for (int i = 0; i < 4; i++)
            assert_true(q.s[i] == ref_splitmix(&y));
    }
    /* different keys, different streams */
    om_rng256 u, v;
    om_rng256_init(&u, 9, 1, 1);
    om_rng256_init(&v, 9, 1, 2);
    assert_true(om_rng256_next(&u) != om_rng256_next(&v));
    om_rng s1 = om_rng_for(9, 1, 1, 0), s2 = om_rng_for(9, 1, 1, 1);
    assert_true(om_rng_next(&s1) != om_rng_next(&s2));
}

/* Multiplicative inverse of an odd number modulo 2^64 (Newton: each step
 * doubles the correct low bits). */
static uint64_t inv64(uint64_t a)
{
    uint64_t x = a;
    for (int i = 0; i < 6; i++)
        x *= 2 - a * x;
    return x;
}

static void test_u01_bounds(void **state)
{
    (void)state;
    /* the smallest output gives exactly 0: the second output for {1,2,3,4} is 0 */
    om_rng256 r = {{1, 2, 3, 4}};
    (void)om_rng256_next(&r);
    assert_true(om_rng256_u01(&r) == 0.0);
    /* the largest output, 2^64 - 1, gives 1 - 2^-53 < 1: choose s[1] so
     * that rotl(s[1] * 5, 7) * 9 = 2^64 - 1 */
    uint64_t m = ~0ull * inv64(9);
    m = (m >> 7) | (m << 57);
    om_rng256 top = {{0, m * inv64(5), 0, 0}};
    om_rng256 copy = top;
    assert_true(om_rng256_next(&copy) == ~0ull);
    double u = om_rng256_u01(&top);
    assert_true(u < 1.0 && u == 1.0 - 0x1.0p-53);
    /* om_rng_u01 is the top 53 bits of the same draw */
    om_rng a = om_rng_for(1, 2, 3, 4), b = a;
    for (int i = 0; i < 1000; i++) {
        double x = om_rng_u01(&a);
        assert_true(x == (double)(om_rng_next(&b) >> 11) / 9007199254740992.0);
        assert_true(x >= 0 && x < 1);
    }
    /* om_rng_below: [0, n) at both ends of n */
    for (int i = 0; i < 1000; i++) {
        assert_true(om_rng_below(&a, 1) == 0);
        assert_true(om_rng_below(&a, UINT32_MAX) < UINT32_MAX);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_splitmix64_reference),
                                       cmocka_unit_test(test_xoshiro256ss_reference), cmocka_unit_test(test_keys),
                                       cmocka_unit_test(test_u01_bounds)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

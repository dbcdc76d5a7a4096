/* The fast double formatter om_fmt_double() must give exactly the text of
 * the reference om_fmt_double_printf() (glibc's exact printf, shortest of
 * %.15g/%.16g/%.17g that reads back), on edge cases and on random values. */
#include "om_test.h"
#include "omrade/common.h"

#include "common/common_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint64_t next(void) /* SplitMix64 */
{
    uint64_t z = (rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static long checked;
static void same(double v)
{
    char a[64], b[64];
    int na = om_fmt_double_printf(a, sizeof a, v), nb = om_fmt_double(b, sizeof b, v);
    if (na != nb || strcmp(a, b) != 0) {
        print_error("value %.17g: reference '%s', fast '%s'\n", v, a, b);
        fail();
    }
    checked++;
}

static void test_edges(void **state)
{
    (void)state;
    const double fixed[] = {0.0,   -0.0,  1.0,    100.0, 25.0,  33.333333333333336,
                            0.1,   0.2,   0.3,    1e-3,  1e-4,  999.5,
                            1e15,  1e16,  123456789012345.6, 0.30000000000000004,
                            9.9999999999999995, 99.999999999999986, 13.7, 12.299999999999999,
                            NAN,   INFINITY, 5e-324, 1.7976931348623157e308};
    for (size_t i = 0; i < sizeof fixed / sizeof *fixed; i++) {
        same(fixed[i]);
        same(-fixed[i]);
    }
    /* around every power of ten and of two in range, and their neighbours */
    for (int e = -4; e <= 16; e++) {
        double p = pow(10.0, e);
        double x = p;
        for (int j = 0; j < 8; j++, x = nextafter(x, 0))
            same(x);
        x = p;
        for (int j = 0; j < 8; j++, x = nextafter(x, INFINITY))
            same(x);
    }
    for (int e = -12; e <= 52; e++) {
        double p = ldexp(1.0, e);
        same(p);
        same(nextafter(p, 0));
        same(nextafter(p, INFINITY));
    }
}

static void test_random(void **state)
{
    (void)state;
    for (int i = 0; i < 100000; i++) {
        /* shares as the sei module makes them: 100·n/d */
        uint64_t d = 1 + next() % 100000, n = next() % (d + 1);
        same((double)n * 100.0 / (double)d);
        /* short decimals: k/10^j */
        same((double)(next() % 100000000) / pow(10.0, (double)(next() % 8)));
        /* any bit pattern with a magnitude between 1e-4 and 1e16 */
        double x = pow(10.0, -4.0 + 20.0 * (double)(next() >> 11) / 9007199254740992.0);
        uint64_t bits;
        memcpy(&bits, &x, sizeof bits);
        bits ^= next() & 0xFFFFFull;
        memcpy(&x, &bits, sizeof x);
        same(x);
    }
    assert_true(checked > 300000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_edges), cmocka_unit_test(test_random)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* om_allocate against hand-computed cases and an independent reference.
 *
 * Rounding: Hamilton's largest remainder method (Balinski & Young, "Fair
 * Representation", 2001, appendix A): every quota rounded down, the units
 * left over one each to the largest remainders (ties: earlier unit).  The
 * hand cases below are worked in öre next to each assertion.  The random
 * cases check the defining properties (sum exact, within one öre of the
 * quota, bounds respected, remainders ordered) against quotas found by an
 * independent method: bisection of lambda in sum_i clamp(lambda w_i, f, c)
 * = budget (the library walks sorted breakpoints instead). */
#include "om_test.h"

#include "omrade/need.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void alloc_ok(size_t n, const double *w, int64_t budget, const om_alloc_bounds *b,
                     const int64_t *want)
{
    int64_t got[16];
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_allocate(n, w, budget, b, got, &err), OM_OK);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(got[i], want[i]);
}

static void test_money(void **state)
{
    (void)state;
    int64_t v;
#define OKM(s, x) assert_true(om_money_parse(s, strlen(s), &v) && v == (x))
#define BAD(s) assert_false(om_money_parse(s, strlen(s), &v))
    OKM("0", 0);
    OKM("1", 100);
    OKM("1.5", 150);  /* one decimal: tenths of a krona */
    OKM("1.05", 105);
    OKM("0.07", 7);
    OKM("1000000000000000", INT64_C(100000000000000000)); /* the 10^15 kronor limit */
    BAD("1000000000000000.01");
    BAD("10000000000000000");
    BAD("1.005"); /* three decimals: not a whole öre */
    BAD("1.");
    BAD(".5");
    BAD("-1");
    BAD("+1");
    BAD("1e3");
    BAD(" 1");
    BAD("1,5");
    BAD("");
    BAD("0x10");
    char buf[40];
    om_money_format(buf, sizeof buf, 105);
    assert_string_equal(buf, "1.05");
    om_money_format(buf, sizeof buf, 7);
    assert_string_equal(buf, "0.07");
    om_money_format(buf, sizeof buf, 0);
    assert_string_equal(buf, "0.00");
    om_money_format(buf, sizeof buf, INT64_C(100000000000000000));
    assert_string_equal(buf, "1000000000000000.00");
}

static void test_hamilton_hand(void **state)
{
    (void)state;
    /* 100.00 kr = 10000 öre over 3 equal weights: quotas 3333.33; floors sum
     * to 9999; the 1 öre left goes to the first unit (tie) */
    alloc_ok(3, (double[]){1, 1, 1}, 10000, NULL, (int64_t[]){3334, 3333, 3333});
    /* exact quotas: 1,2,3,4 of 100 öre */
    alloc_ok(4, (double[]){1, 2, 3, 4}, 100, NULL, (int64_t[]){10, 20, 30, 40});
    /* 7 öre over 5:3:2 -> quotas 3.5, 2.1, 1.4; floors 3+2+1 = 6; 1 left to
     * the largest remainder 0.5 */
    alloc_ok(3, (double[]){5, 3, 2}, 7, NULL, (int64_t[]){4, 2, 1});
    /* 10 öre over 7 equal units: quotas 1.43; floors 7; 3 left -> first three */
    alloc_ok(7, (double[]){1, 1, 1, 1, 1, 1, 1}, 10, NULL, (int64_t[]){2, 2, 2, 1, 1, 1, 1});
    /* 100 öre over 0.6, 0.3, 0.1 -> 60, 30, 10 (weights need not sum to 1) */
    alloc_ok(3, (double[]){0.6, 0.3, 0.1}, 100, NULL, (int64_t[]){60, 30, 10});
    /* a zero weight gets nothing; 10 öre over 1:0:2 -> 3.33, 0, 6.67 ->
     * floors 3, 0, 6; 1 left to the remainder .67 */
    alloc_ok(3, (double[]){1, 0, 2}, 10, NULL, (int64_t[]){3, 0, 7});
    /* budget 0 */
    alloc_ok(2, (double[]){1, 2}, 0, NULL, (int64_t[]){0, 0});
}

static void test_bounds_hand(void **state)
{
    (void)state;
    om_alloc_bounds b = {true, true, 5000, 50000};
    /* 1000 kr over 1:2:7:0, floor 50, cap 500: D (weight 0) at the floor,
     * C at the cap (7/10 of 1000 = 700 > 500); the rest 1000-50-500 = 450
     * shared 1:2 -> 150, 300, both within the bounds */
    alloc_ok(4, (double[]){1, 2, 7, 0}, 100000, &b, (int64_t[]){15000, 30000, 50000, 5000});
    /* 100 kr over 1:1:10, floor 20, cap 50: C capped at 50; 50 over 1:1 ->
     * 25 each (>= 20) */
    b = (om_alloc_bounds){true, true, 2000, 5000};
    alloc_ok(3, (double[]){1, 1, 10}, 10000, &b, (int64_t[]){2500, 2500, 5000});
    /* 300 kr over 1:100:100, floor 60: A at the floor (300/201 = 1.49 < 60);
     * 240 over 100:100 -> 120 each */
    b = (om_alloc_bounds){true, false, 6000, 0};
    alloc_ok(3, (double[]){1, 100, 100}, 30000, &b, (int64_t[]){6000, 12000, 12000});
    /* a floor that, once applied, pushes another unit to the cap: 100 kr over
     * 0:1:3, floor 20, cap 55: A at 20, the rest 80 over 1:3 -> 20, 60 > 55,
     * so C at 55 and B gets 100-20-55 = 25 */
    b = (om_alloc_bounds){true, true, 2000, 5500};
    alloc_ok(3, (double[]){0, 1, 3}, 10000, &b, (int64_t[]){2000, 2500, 5500});
    /* rounding below a cap: 5 öre over 1:2, cap 3 öre: 3.33 > 3 -> B at 3,
     * A gets the other 2 */
    b = (om_alloc_bounds){false, true, 0, 3};
    alloc_ok(2, (double[]){1, 2}, 5, &b, (int64_t[]){2, 3});
    /* the boundaries of feasibility: floor x n = budget and cap x n = budget */
    b = (om_alloc_bounds){true, false, 2500, 0};
    alloc_ok(4, (double[]){1, 2, 3, 4}, 10000, &b, (int64_t[]){2500, 2500, 2500, 2500});
    b = (om_alloc_bounds){false, true, 0, 2500};
    alloc_ok(4, (double[]){1, 2, 3, 4}, 10000, &b, (int64_t[]){2500, 2500, 2500, 2500});
    /* a cap just above the mean leaves the quotas 3333.33 alone */
    b = (om_alloc_bounds){false, true, 0, 3334};
    alloc_ok(3, (double[]){1, 1, 1}, 10000, &b, (int64_t[]){3334, 3333, 3333});
}

static void test_infeasible(void **state)
{
    (void)state;
    int64_t a[4];
    om_error err = OM_ERROR_INIT;
    double w[3] = {1, 1, 1};
    /* floor 33.34 x 3 = 100.02 > 100.00 */
    om_alloc_bounds b = {true, false, 3334, 0};
    assert_int_equal(om_allocate(3, w, 10000, &b, a, &err), OM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "floor"));
    /* cap 33.33 x 3 = 99.99 < 100.00 */
    b = (om_alloc_bounds){false, true, 0, 3333};
    assert_int_equal(om_allocate(3, w, 10000, &b, a, &err), OM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "cap"));
    /* floor 33.33 x 3 = 99.99 <= 100.00 is feasible */
    b = (om_alloc_bounds){true, false, 3333, 0};
    assert_int_equal(om_allocate(3, w, 10000, &b, a, &err), OM_OK);
    /* cap x n >= budget, but the only unit with weight > 0 is capped and the
     * zero weights cannot take the rest */
    b = (om_alloc_bounds){false, true, 0, 5000};
    assert_int_equal(om_allocate(2, (double[]){1, 0}, 10000, &b, a, &err), OM_ERR_USAGE);
    assert_int_equal(om_allocate(2, (double[]){0, 0}, 10000, NULL, a, &err), OM_ERR_INPUT);
    assert_int_equal(om_allocate(2, (double[]){1, -1}, 10000, NULL, a, &err), OM_ERR_INPUT);
    assert_int_equal(om_allocate(2, (double[]){1, NAN}, 10000, NULL, a, &err), OM_ERR_INPUT);
}

/* independent quotas: bisection on lambda */
static void ref_quotas(size_t n, const double *w, int64_t B, int64_t f, int64_t c, long double *q)
{
    long double lo = 0, hi = 1;
    for (;;) {
        long double s = 0;
        for (size_t i = 0; i < n; i++)
            s += fminl(fmaxl(hi * w[i], (long double)f), (long double)c);
        if (s >= B)
            break;
        hi *= 2;
    }
    for (int it = 0; it < 300; it++) {
        long double mid = (lo + hi) / 2, s = 0;
        for (size_t i = 0; i < n; i++)
            s += fminl(fmaxl(mid * w[i], (long double)f), (long double)c);
        if (s < B)
            lo = mid;
        else
            hi = mid;
    }
    for (size_t i = 0; i < n; i++)
        q[i] = fminl(fmaxl(hi * w[i], (long double)f), (long double)c);
}

static void test_random_properties(void **state)
{
    (void)state;
    srand(16);
    enum { N = 40 };
    double w[N];
    int64_t a[N];
    long double q[N];
    for (int rep = 0; rep < 2000; rep++) {
        size_t n = 1 + (size_t)(rand() % N);
        for (size_t i = 0; i < n; i++)
            w[i] = rand() % 5 == 0 ? 0 : (rand() % 100000) / 100.0;
        w[0] = 1 + rand() % 50;
        int64_t B = (int64_t)(rand() % 100000000) + 1;
        om_alloc_bounds b = {rand() % 2 == 0, rand() % 2 == 0, 0, 0};
        int64_t mean = B / (int64_t)n;
        b.floor = b.has_floor ? (int64_t)(rand() % (mean + 1)) : 0;
        b.cap = b.has_cap ? mean + 1 + (int64_t)(rand() % (B + 1)) : 0;
        om_error err = OM_ERROR_INIT;
        om_status s = om_allocate(n, w, B, &b, a, &err);
        int64_t f = b.has_floor ? b.floor : 0, c = b.has_cap && b.cap < B ? b.cap : B;
        size_t npos = 0;
        for (size_t i = 0; i < n; i++)
            npos += w[i] > 0;
        if ((long double)(n - npos) * f + (long double)npos * c < B) {
            assert_int_equal(s, OM_ERR_USAGE);
            continue;
        }
        assert_int_equal(s, OM_OK);
        ref_quotas(n, w, B, f, c, q);
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            sum += a[i];
            assert_true(a[i] >= f && a[i] <= c);
            assert_true(fabsl((long double)a[i] - q[i]) < 1 + 1e-6L);
        }
        assert_true(sum == B);
        /* Hamilton: a unit rounded up never has a smaller remainder than
         * one rounded down that was below the cap */
        for (size_t i = 0; i < n; i++)
            for (size_t j = 0; j < n; j++) {
                long double ri = q[i] - floorl(q[i]), rj = q[j] - floorl(q[j]);
                bool up_i = (long double)a[i] > floorl(q[i] + 1e-9L);
                bool down_j = (long double)a[j] <= floorl(q[j] + 1e-9L) && a[j] < c;
                if (up_i && down_j)
                    assert_true(ri >= rj - 1e-6L);
            }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_money),         cmocka_unit_test(test_hamilton_hand),
        cmocka_unit_test(test_bounds_hand),   cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_random_properties),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#define _POSIX_C_SOURCE 200809L
/* om_stats_lifeexp against published values: PHEindicatormethods'
 * test suite (tests/testthat/testLifeExpectancy.R, `df1` and `answer1`,
 * values from PHE's life expectancy calculator spreadsheet, Fingertips
 * technical guidance) and against the life table written out by hand for a
 * three-band table (computation shown in the comments).  Boundaries: the
 * 5,000 population minimum, no population, deaths > population, no deaths in
 * the open band, q capped at 1, and the 20-year interval suppression. */
#include "om_test.h"

#include "omrade/health.h"
#include "omrade/stats.h"

#include <math.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static const double start20[20] = {0,  1,  5,  10, 15, 20, 25, 30, 35, 40,
                                   45, 50, 55, 60, 65, 70, 75, 80, 85, 90};
static const double pops1[20] = {7060,  35059, 46974, 48489, 43219, 38561, 46009,
                                 57208, 61435, 55601, 50209, 56416, 46411, 39820,
                                 37978, 37039, 33288, 23306, 11936, 11936};
static const double deaths1[20] = {17,  9,   4,   8,   20,  15,   24,   33,   50,   71,
                                   100, 163, 263, 304, 536, 872, 1390, 1605, 1936, 1937};
/* answer1 of testLifeExpectancy.R (PHE calculator, 95 %). */
static const double le1[20] = {80.16960813, 79.36245674, 75.44193645, 70.47299936, 65.52909542,
                               60.67510088, 55.78835987, 50.92752727, 46.06740425, 41.24505636,
                               36.49322717, 31.83343842, 27.26027992, 22.9719144,  18.76856852,
                               14.95858336, 11.51684445, 8.618849241, 6.163942934, 6.16210635};
static const double lo1[20] = {79.88268548, 79.0898816,  75.17407307, 70.20675732, 65.26548673,
                               60.41876577, 55.53801579, 50.68279939, 45.82666794, 41.00842831,
                               36.26223216, 31.60996318, 27.04337271, 22.76653134, 18.57570352,
                               14.77985004, 11.34831778, 8.451134045, 5.978358351, 5.887683386};
static const double up1[20] = {80.45653078, 79.63503188, 75.70979983, 70.7392414,  65.79270412,
                               60.931436,   56.03870395, 51.17225516, 46.30814055, 41.48168441,
                               36.72422219, 32.05691365, 27.47718713, 23.17729746, 18.96143352,
                               15.13731667, 11.68537112, 8.786564437, 6.349527517, 6.436529314};

static void test_phe_worked_example(void **state)
{
    (void)state;
    om_le out[20];
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_lifeexp(20, start20, pops1, deaths1, 0.95, out, &err), OM_OK);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(out[i].note, OM_LE_OK);
        /* the published values have 10 significant digits */
        NEAR(out[i].le, le1[i], 1e-7);
        /* PHE's test compares limits to 4 decimals: the spreadsheet used
         * z = 1.96, the package (and we) z = qnorm(0.975) = 1.959964. */
        NEAR(out[i].lower, lo1[i], 5e-5);
        NEAR(out[i].upper, up1[i], 5e-5);
        /* with z = 1.96 our standard error gives the published limits to
         * their 10 digits: the variance (Silcocks) is the spreadsheet's */
        NEAR(out[i].le - 1.96 * out[i].se, lo1[i], 1e-7);
        NEAR(out[i].le + 1.96 * out[i].se, up1[i], 1e-7);
    }
    /* 99.8 %: the same standard error, z = 3.090232306 instead of
     * 1.959963985 (se from the published 95 % limits). */
    om_le o998[20];
    assert_int_equal(om_stats_lifeexp(20, start20, pops1, deaths1, 0.998, o998, &err), OM_OK);
    for (int i = 0; i < 20; i++) {
        double se = (up1[i] - lo1[i]) / (2 * 1.96);
        NEAR(o998[i].le, le1[i], 1e-7);
        NEAR(o998[i].lower, le1[i] - 3.090232306167813 * se, 1e-6);
        NEAR(o998[i].upper, le1[i] + 3.090232306167813 * se, 1e-6);
    }
}

/* Three bands 0, 1, 5+ written out by hand (a0 = 0.1, a1 = 0.5):
 *   band 0: P 1000, D 10, n 1: M = 0.01, q = 0.01 / (1 + 0.9 * 0.01)
 *           = 0.00991080277502478, l1 = 100000 (1 - q) = 99008.9197224975
 *   band 1: P 4000, D 8, n 4: M = 0.002, q = 0.008 / 1.004
 *           = 0.00796812749003984, l5 = l1 (1 - q) = 98220.0 (98219.9976...)
 *   band 5+: P 2000, D 100: M = 0.05, L = l5 / M = 20 l5
 *   L0 = 1 * (l1 + 0.1 * (l0 - l1)), L1 = 4 (l5 + 0.5 (l1 - l5))
 *   e5 = 1 / M = 20; e1 = (L1 + L5) / l1; e0 = (L0 + L1 + L5) / l0.
 * Variances: var(e5) = 1 / (D M^2) = 1 / (100 * 0.0025) = 4;
 *   var(e1) = [l1^2 (0.5 * 4 + e5)^2 q1^2 (1 - q1) / 8 + l5^2 * 4] / l1^2;
 *   var(e0) = [l0^2 (0.9 + e1)^2 q0^2 (1 - q0) / 10 + l1^2 var(e1)] / l0^2
 * (the recursion is the sum over bands j >= i of Chiang's terms). 
 * Total population 7000 > 5000. */
static void test_hand_three_bands(void **state)
{
    (void)state;
    const double st[3] = {0, 1, 5}, p[3] = {1000, 4000, 2000}, d[3] = {10, 8, 100};
    double q0 = 0.01 / (1 + 0.9 * 0.01), q1 = 0.008 / (1 + 0.5 * 0.008);
    double l0 = 100000, l1 = l0 * (1 - q0), l5 = l1 * (1 - q1);
    double L0 = l1 + 0.1 * (l0 - l1), L1 = 4 * (l5 + 0.5 * (l1 - l5)), L5 = l5 / 0.05;
    double e5 = 20, e1 = (L1 + L5) / l1, e0 = (L0 + L1 + L5) / l0;
    double v5 = 4;
    double v1 = (l1 * l1 * (2 + e5) * (2 + e5) * q1 * q1 * (1 - q1) / 8 + l5 * l5 * v5) / (l1 * l1);
    double v0 = (l0 * l0 * (0.9 + e1) * (0.9 + e1) * q0 * q0 * (1 - q0) / 10 + l1 * l1 * v1) /
                (l0 * l0);
    om_le o[3];
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_lifeexp(3, st, p, d, 0.95, o, &err), OM_OK);
    NEAR(o[2].le, e5, 1e-12);
    NEAR(o[2].se, sqrt(v5), 1e-12);
    NEAR(o[1].le, e1, 1e-10);
    NEAR(o[1].se, sqrt(v1), 1e-12);
    NEAR(o[0].le, e0, 1e-10);
    NEAR(o[0].se, sqrt(v0), 1e-12);
    NEAR(o[0].lower, e0 - 1.959963984540054 * sqrt(v0), 1e-9);
    NEAR(o[0].upper, e0 + 1.959963984540054 * sqrt(v0), 1e-9);
}

static void test_group_notes(void **state)
{
    (void)state;
    const double st[3] = {0, 1, 5};
    om_le o[3];
    om_error err = OM_ERROR_INIT;
    /* total 5000 exactly: not reported (PHE: total_pop <= 5000) */
    const double p5000[3] = {1000, 2000, 2000}, d[3] = {1, 1, 200};
    assert_int_equal(om_stats_lifeexp(3, st, p5000, d, 0.95, o, &err), OM_OK);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(o[i].note, OM_LE_SMALL_POP);
        assert_true(isnan(o[i].le) && isnan(o[i].lower) && isnan(o[i].upper));
    }
    /* 5001: reported */
    const double p5001[3] = {1000, 2001, 2000};
    assert_int_equal(om_stats_lifeexp(3, st, p5001, d, 0.95, o, &err), OM_OK);
    assert_int_equal(o[0].note, OM_LE_OK);
    assert_true(isfinite(o[0].le));
    /* a band with no population */
    const double p0[3] = {1000, 0, 9000};
    assert_int_equal(om_stats_lifeexp(3, st, p0, d, 0.95, o, &err), OM_OK);
    assert_int_equal(o[2].note, OM_LE_NO_POP);
    assert_int_equal(o[2].note_band, 1);
    /* deaths > pop in one band; deaths == pop is allowed */
    const double p[3] = {1000, 6000, 2000}, dover[3] = {1, 1, 2001}, deq[3] = {1, 1, 2000};
    assert_int_equal(om_stats_lifeexp(3, st, p, dover, 0.95, o, &err), OM_OK);
    assert_int_equal(o[0].note, OM_LE_DEATHS_OVER_POP);
    assert_int_equal(o[0].note_band, 2);
    assert_int_equal(om_stats_lifeexp(3, st, p, deq, 0.95, o, &err), OM_OK);
    assert_int_equal(o[2].note, OM_LE_OK);
    NEAR(o[2].le, 1.0, 1e-12); /* open band: 1 / M = 1 */
    /* no deaths in the open band */
    const double dnone[3] = {1, 1, 0};
    assert_int_equal(om_stats_lifeexp(3, st, p, dnone, 0.95, o, &err), OM_OK);
    assert_int_equal(o[1].note, OM_LE_NO_OPEN_DEATHS);
    /* bad band structure is a usage error */
    const double bad[3] = {0, 5, 5};
    assert_int_equal(om_stats_lifeexp(3, bad, p, d, 0.95, o, &err), OM_ERR_USAGE);
    const double from1[3] = {1, 5, 10};
    assert_int_equal(om_stats_lifeexp(3, from1, p, d, 0.95, o, &err), OM_ERR_USAGE);
}

static void test_band_notes(void **state)
{
    (void)state;
    om_le o[3];
    om_error err = OM_ERROR_INIT;
    /* q capped at 1: band 1 (n 4, a 0.5) with D > P / (n a) = P / 2, so
     * nobody reaches 5; life expectancy at 5 is empty, at 1 it is
     * n a = 2 years (everyone dies at the band's midpoint). */
    const double st[3] = {0, 1, 5}, p[3] = {1000, 6000, 2000}, d[3] = {1, 3001, 10};
    assert_int_equal(om_stats_lifeexp(3, st, p, d, 0.95, o, &err), OM_OK);
    assert_int_equal(o[2].note, OM_LE_NO_SURVIVORS);
    assert_true(isnan(o[2].le));
    assert_int_equal(o[1].note, OM_LE_OK);
    NEAR(o[1].le, 2.0, 1e-12);
    /* 20-year rule: one death in the open band of 1000 people: e = 1000
     * years with se 1000 (var = 1 / (D M^2) = 1e6): value empty, limits kept */
    const double p2[3] = {3000, 3000, 1000}, d2[3] = {1, 1, 1};
    assert_int_equal(om_stats_lifeexp(3, st, p2, d2, 0.95, o, &err), OM_OK);
    assert_int_equal(o[2].note, OM_LE_WIDE_CI);
    assert_true(isnan(o[2].le));
    NEAR(o[2].se, 1000, 1e-9);
    NEAR(o[2].lower, 1000 - 1.959963984540054 * 1000, 1e-6);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phe_worked_example),
        cmocka_unit_test(test_hand_three_bands),
        cmocka_unit_test(test_group_notes),
        cmocka_unit_test(test_band_notes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

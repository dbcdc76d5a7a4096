#define _POSIX_C_SOURCE 200809L
/* om_stats_sii_ex: PHE's weighting and sign (phe_sii) on the example data of
 * PHEindicatormethods' documentation (Area1, deciles), checked against an
 * independent weighted-least-squares computation in python3 written with
 * centred sums (shown below); the inverse-variance, first-minus-last case
 * against om_stats_sii; Monte Carlo limits against the exact normal limits
 * (for a normal indicator the SII is linear in the values, so the simulated
 * SIIs are exactly normal with the sandwich variance). */
#include "om_test.h"

#include "omrade/health.h"
#include "omrade/stats.h"

#include <math.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static const double pop[10] = {7291, 7997, 6105, 7666, 5790, 6934, 5918, 5974, 7147, 7534};
static const double val[10] = {75.9, 78.3, 83.8, 83.6, 80.5, 81.1, 81.7, 84.2, 80.6, 86.3};
static const double se[10] = {1.64, 1.58, 1.51, 1.78, 1.7, 1.56, 1.37, 1.4, 2.43, 1.57};

/* python3: a = pop / sum(pop); x = cumulative midpoints; with weights w,
 * xb, yb weighted means, Sxx = sum w (x - xb)^2, b = sum w (x - xb)(y - yb)
 * / Sxx, a0 = yb - b xb, sd(b) = sqrt(sum (w (x - xb) / Sxx)^2 se^2):
 *   w = a:        b = 7.000234760079886, (a0 + b) / a0 = 1.0897097049119413,
 *                 sd(b) = 1.9626921183098556
 *   w = 1 / se^2: b = 7.5366999915255475, a0 / (a0 + b) = 0.9118697739784696,
 *                 sd(b) = 1.850739572343387 */
static void test_phe_weighting(void **state)
{
    (void)state;
    om_sii_opts o = {OM_SII_POPULATION, OM_SII_NORMAL, true, 0.95, 0, 1};
    om_sii r;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r, &err), OM_OK);
    NEAR(r.sii, 7.000234760079886, 1e-10);
    NEAR(r.rii, 1.0897097049119413, 1e-12);
    NEAR(r.sii_lower, 7.000234760079886 - 1.959963984540054 * 1.9626921183098556, 1e-9);
    NEAR(r.sii_upper, 7.000234760079886 + 1.959963984540054 * 1.9626921183098556, 1e-9);
    /* the other sign convention flips the SII and inverts the RII */
    o.last_minus_first = false;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r, &err), OM_OK);
    NEAR(r.sii, -7.000234760079886, 1e-10);
    NEAR(r.rii, 1 / 1.0897097049119413, 1e-12);
}

static void test_inverse_variance_matches_om_stats_sii(void **state)
{
    (void)state;
    double var[10];
    for (int g = 0; g < 10; g++)
        var[g] = se[g] * se[g];
    om_sii ref, r;
    om_stats_sii(10, pop, val, var, 0.95, &ref);
    om_sii_opts o = {OM_SII_INVERSE_VARIANCE, OM_SII_NORMAL, false, 0.95, 0, 1};
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r, &err), OM_OK);
    NEAR(r.sii, -7.5366999915255475, 1e-10);
    NEAR(r.rii, 0.9118697739784696, 1e-12);
    NEAR(r.sii_upper - r.sii, 1.959963984540054 * 1.850739572343387, 1e-9);
    NEAR(r.sii, ref.sii, 1e-10);
    NEAR(r.sii_lower, ref.sii_lower, 1e-10);
    NEAR(r.sii_upper, ref.sii_upper, 1e-10);
    NEAR(r.rii, ref.rii, 1e-12);
    NEAR(r.rii_lower, ref.rii_lower, 1e-12);
    NEAR(r.rii_upper, ref.rii_upper, 1e-12);
}

static void test_monte_carlo(void **state)
{
    (void)state;
    om_sii_opts o = {OM_SII_POPULATION, OM_SII_NORMAL, true, 0.95, 100000, 42};
    om_sii r, r2;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r, &err), OM_OK);
    /* the 2.5 % order statistic of 100,000 normal draws has a standard error
     * of sqrt(0.025 * 0.975 / 1e5) / phi(1.96) = 0.0085 sd; allow 0.05 sd */
    double sd = 1.9626921183098556;
    NEAR(r.sii, 7.000234760079886, 1e-10);
    NEAR(r.sii_lower, 7.000234760079886 - 1.959963984540054 * sd, 0.05 * sd);
    NEAR(r.sii_upper, 7.000234760079886 + 1.959963984540054 * sd, 0.05 * sd);
    assert_true(r.rii_lower < r.rii && r.rii < r.rii_upper);
    /* seeded: the same seed gives the same limits, another seed others */
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r2, &err), OM_OK);
    assert_true(r.sii_lower == r2.sii_lower && r.sii_upper == r2.sii_upper);
    o.seed = 43;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r2, &err), OM_OK);
    assert_true(r.sii_lower != r2.sii_lower);
    /* 99.8 % */
    o.level = 0.998;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r2, &err), OM_OK);
    NEAR(r2.sii_upper, 7.000234760079886 + 3.090232306167813 * sd, 0.15 * sd);
}

static void test_scales_and_errors(void **state)
{
    (void)state;
    om_sii r;
    om_error err = OM_ERROR_INIT;
    /* rates: sd on the log scale; the analytic se on the natural scale is
     * sd x value, so with sd = se / value the result equals the normal one */
    double sdlog[10];
    for (int g = 0; g < 10; g++)
        sdlog[g] = se[g] / val[g];
    om_sii_opts o = {OM_SII_POPULATION, OM_SII_RATE, true, 0.95, 0, 1};
    assert_int_equal(om_stats_sii_ex(10, pop, val, sdlog, &o, &r, &err), OM_OK);
    NEAR(r.sii_upper - r.sii, 1.959963984540054 * 1.9626921183098556, 1e-9);
    /* proportions outside (0, 1), too few groups, too few draws */
    o.scale = OM_SII_PROPORTION;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r, &err), OM_ERR_USAGE);
    o.scale = OM_SII_NORMAL;
    assert_int_equal(om_stats_sii_ex(1, pop, val, se, &o, &r, &err), OM_ERR_USAGE);
    o.reps = 999;
    assert_int_equal(om_stats_sii_ex(10, pop, val, se, &o, &r, &err), OM_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phe_weighting),
        cmocka_unit_test(test_inverse_variance_matches_om_stats_sii),
        cmocka_unit_test(test_monte_carlo),
        cmocka_unit_test(test_scales_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#define _POSIX_C_SOURCE 200809L
/* Kaplan-Meier with Greenwood's standard error against the published
 * example of Klein & Moeschberger (2003), Survival Analysis, 2nd ed.,
 * table 4.1A: the 6-MP group of Freireich et al. (1963), 21 patients,
 * remission times 6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+
 * 32+ 34+ 35+ (+ censored).  S(t) 0.857 0.807 0.753 0.690 0.627 0.538
 * 0.448 and SE 0.076 0.087 0.096 0.107 0.114 0.128 0.135 (3 decimals);
 * the exact products (18/21, x 16/17, x 14/15, x 11/12, x 10/11, x 6/7,
 * x 5/6) and Greenwood sums written out below. */
#include "om_test.h"

#include "omrade/health.h"

#include <math.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_6mp(void **state)
{
    (void)state;
    /* deliberately not in time order */
    const double t[21] = {35, 6, 6, 6, 6, 7, 9, 10, 10, 11, 13, 16, 17, 19, 20, 22, 23, 25, 32, 32, 34};
    const bool e[21] = {0, 1, 1, 1, 0, 1, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0};
    om_km_step s[21];
    size_t k;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_km(21, t, e, 0.95, true, s, &k, &err), OM_OK);
    assert_int_equal(k, 7);
    const double times[7] = {6, 7, 10, 13, 16, 22, 23};
    const double risk[7] = {21, 17, 15, 12, 11, 7, 6};
    const double dead[7] = {3, 1, 1, 1, 1, 1, 1};
    const double pub_s[7] = {0.857, 0.807, 0.753, 0.690, 0.627, 0.538, 0.448};
    const double pub_se[7] = {0.076, 0.087, 0.096, 0.107, 0.114, 0.128, 0.135};
    double S = 1, gw = 0;
    for (int i = 0; i < 7; i++) {
        S *= 1 - dead[i] / risk[i];
        gw += dead[i] / (risk[i] * (risk[i] - dead[i]));
        assert_true(s[i].time == times[i]);
        assert_true(s[i].at_risk == risk[i] && s[i].events == dead[i]);
        NEAR(s[i].surv, S, 1e-14);
        NEAR(s[i].surv, pub_s[i], 5e-4);
        NEAR(s[i].se, pub_se[i], 5e-4);
        NEAR(s[i].se, S * sqrt(gw), 1e-14);
        /* log-log limits by the formula */
        double h = 1.959963984540054 * sqrt(gw) / fabs(log(S));
        NEAR(s[i].lower, exp(-exp(log(-log(S)) + h)), 1e-12);
        NEAR(s[i].upper, exp(-exp(log(-log(S)) - h)), 1e-12);
    }
    /* censored before each step: 6+ is at risk at 6 and counted before 7 */
    assert_true(s[0].censored == 0 && s[1].censored == 1 && s[2].censored == 1 &&
                s[3].censored == 2 && s[5].censored == 3);
    /* plain limits, clipped to [0, 1]: at 6, 0.857 + 1.96 x 0.076 > 1 */
    assert_int_equal(om_stats_km(21, t, e, 0.95, false, s, &k, &err), OM_OK);
    NEAR(s[0].lower, s[0].surv - 1.959963984540054 * s[0].se, 1e-12);
    NEAR(s[0].upper, 1, 0);
    NEAR(s[6].upper, s[6].surv + 1.959963984540054 * s[6].se, 1e-12);
}

static void test_edges(void **state)
{
    (void)state;
    om_km_step s[3];
    size_t k;
    om_error err = OM_ERROR_INIT;
    /* everyone dies: S = 0 at the end, limits undefined on the log-log scale */
    const double t[3] = {1, 2, 3};
    const bool e[3] = {1, 1, 1};
    assert_int_equal(om_stats_km(3, t, e, 0.95, true, s, &k, &err), OM_OK);
    assert_int_equal(k, 3);
    NEAR(s[2].surv, 0, 0);
    assert_true(isnan(s[2].lower));
    /* no events: no steps */
    const bool none[3] = {0, 0, 0};
    assert_int_equal(om_stats_km(3, t, none, 0.95, true, s, &k, &err), OM_OK);
    assert_int_equal(k, 0);
    const double bad[1] = {-1};
    assert_int_equal(om_stats_km(1, bad, e, 0.95, true, s, &k, &err), OM_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_6mp),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

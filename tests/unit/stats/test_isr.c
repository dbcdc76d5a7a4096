#define _POSIX_C_SOURCE 200809L
/* om_stats_isr against hand computation: Byar's formula (Breslow & Day
 * 1987, p. 69) evaluated by hand with python3 (shown next to each value),
 * the defining property of the exact (Garwood) limits, and the switch
 * between the two at byar_from (PHE: 10 events, calculate_ISRatio). */
#include "om_test.h"

#include "omrade/health.h"

#include <math.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* P(X <= k) for X ~ Poisson(mu), summed directly. */
static double pois_cdf(int k, double mu)
{
    double term = exp(-mu), s = term;
    for (int j = 1; j <= k; j++) {
        term *= mu / j;
        s += term;
    }
    return s;
}

static void test_byar(void **state)
{
    (void)state;
    double r, l, u;
    /* O = 40, E = 32: python3, z = 1.959963984540054:
     * 40 (1 - 1/360 - z / (3 sqrt 40))^3 = 28.57329986643691,
     * 41 (1 - 1/369 + z / (3 sqrt 41))^3 = 54.47009932002426. */
    om_stats_isr(40, 32, 1, 0.95, 10, &r, &l, &u);
    NEAR(r, 1.25, 1e-15);
    NEAR(l, 28.57329986643691 / 32, 1e-12);
    NEAR(u, 54.47009932002426 / 32, 1e-12);
    /* SMR in per cent, 99.8 %: 23.233197578774913, 63.69285436212816. */
    om_stats_isr(40, 32, 100, 0.998, 10, &r, &l, &u);
    NEAR(r, 125, 1e-12);
    NEAR(l, 23.233197578774913 / 32 * 100, 1e-10);
    NEAR(u, 63.69285436212816 / 32 * 100, 1e-10);
}

static void test_exact(void **state)
{
    (void)state;
    double r, l, u;
    /* O = 5 < 10: exact limits, P(X >= 5 | L) = P(X <= 5 | U) = 0.025. */
    om_stats_isr(5, 2.5, 1, 0.95, 10, &r, &l, &u);
    NEAR(r, 2, 1e-15);
    NEAR(1 - pois_cdf(4, l * 2.5), 0.025, 1e-10);
    NEAR(pois_cdf(5, u * 2.5), 0.025, 1e-10);
    /* O = 0: lower 0, upper -ln(0.025) / E. */
    om_stats_isr(0, 4, 1, 0.95, 10, &r, &l, &u);
    assert_true(r == 0 && l == 0);
    NEAR(u, -log(0.025) / 4, 1e-12);
    /* Byar below 10 when asked (byar_from = 0): O = 5 by hand (python3):
     * 5 (1 - 1/45 - z / (3 sqrt 5))^3 = 1.6113477157471932 */
    om_stats_isr(5, 2.5, 1, 0.95, 0, &r, &l, &u);
    NEAR(l * 2.5, 1.6113477157471932, 1e-11);
    /* exact above 10 when asked: O = 40 with the defining property */
    om_stats_isr(40, 32, 1, 0.95, INFINITY, &r, &l, &u);
    NEAR(1 - pois_cdf(39, l * 32), 0.025, 1e-10);
    NEAR(pois_cdf(40, u * 32), 0.025, 1e-10);
    /* no expected events */
    om_stats_isr(3, 0, 1, 0.95, 10, &r, &l, &u);
    assert_true(isnan(r) && isnan(l) && isnan(u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byar),
        cmocka_unit_test(test_exact),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#define _POSIX_C_SOURCE 200809L
/* Funnel limits against PHEindicatormethods' published test tables
 * (tests/testthat/testdata_funnel_prop_outputs.csv: baseline 80.642448 %;
 * testdata_funnel_ratio_outputs.csv; testdata_funnel_rate_outputs.csv:
 * baseline 116.1720835 per 100,000), values to the printed digits, and the
 * defining property of the exact Poisson limits. */
#include "om_test.h"

#include "omrade/health.h"

#include <math.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_prop(void **state)
{
    (void)state;
    double p0 = 0.80642448, l, u;
    /* Population, Lower2s, Upper2s, Lower3s, Upper3s (rows of the table) */
    static const double rows[][5] = {
        {1, 3.204264, 100, 0, 100},
        {3, 35.933491, 100, 10.150815, 100},
        {18, 62.390093, 98.894803, 51.864359, 100},
        {41, 68.548635, 92.73626, 61.574398, 99.710497},
        {1008, 78.203374, 83.081521, 76.796814, 84.488082},
        {110000, 80.408963, 80.875933, 80.274317, 81.010578},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        om_stats_funnel_prop(p0, rows[i][0], 0.95, 100, &l, &u);
        NEAR(l, rows[i][1], 2e-6);
        NEAR(u, rows[i][2], 2e-6);
        om_stats_funnel_prop(p0, rows[i][0], 0.998, 100, &l, &u);
        NEAR(l, rows[i][3], 2e-6);
        NEAR(u, rows[i][4], 2e-6);
    }
    om_stats_funnel_prop(0.5, 0, 0.95, 100, &l, &u);
    assert_true(isnan(l) && isnan(u));
}

static void test_ratio_and_rate(void **state)
{
    (void)state;
    double l, u;
    /* ratio table, ISR (x 100): O, lower_2s, upper_2s, lower_3s, upper_3s.
     * PHE finds the Poisson means by bisection on v = mu / (1 + O + mu),
     * stopping at a step of 1e-7, so its values carry a relative error of
     * about 1e-7 / v: 2e-6 here, 1e-4 for the upper limits at O = 1 (where
     * mu = L(1) is 0.025 or 0.001 and v is small). */
    static const double isr[][5] = {
        {1, 17.94802207, 3949.774946, 10.83023482, 99945.32721},
        {10, 54.3763205, 208.5337156, 41.43536693, 337.778507},
        {100, 82.21871402, 122.9044681, 74.11562345, 139.0406755},
        {716, 92.93605352, 107.7488421, 89.20960712, 112.5516964},
    };
    for (size_t i = 0; i < sizeof isr / sizeof isr[0]; i++) {
        double tu = isr[i][0] == 1 ? 1e-4 : 2e-6;
        om_stats_funnel_poisson(isr[i][0], 0.95, &l, &u);
        NEAR(100 * l / isr[i][1], 1, 2e-6);
        NEAR(100 * u / isr[i][2], 1, tu);
        om_stats_funnel_poisson(isr[i][0], 0.998, &l, &u);
        NEAR(100 * l / isr[i][3], 1, 2e-6);
        NEAR(100 * u / isr[i][4], 1, tu);
    }
    /* rate table: Events, lower_2s_limit, upper_2s_limit, lower_3s, upper_3s */
    double r0 = 116.1720835;
    static const double rate[][5] = {
        {1, 20.85059119, 4588.535848, 12.58170943, 116108.569},
        {40, 85.31298732, 162.6115239, 72.99281287, 199.7805231},
        {1360, 110.158048, 122.6021934, 106.9073359, 126.5084525},
    };
    for (size_t i = 0; i < sizeof rate / sizeof rate[0]; i++) {
        double tu = rate[i][0] == 1 ? 1e-4 : 2e-6;
        om_stats_funnel_poisson(rate[i][0], 0.95, &l, &u);
        NEAR(r0 * l / rate[i][1], 1, 2e-6);
        NEAR(r0 * u / rate[i][2], 1, tu);
        om_stats_funnel_poisson(rate[i][0], 0.998, &l, &u);
        NEAR(r0 * l / rate[i][3], 1, 2e-6);
        NEAR(r0 * u / rate[i][4], 1, tu);
    }
    om_stats_funnel_poisson(0, 0.95, &l, &u);
    assert_true(l == 0 && isinf(u));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prop),
        cmocka_unit_test(test_ratio_and_rate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

#define _POSIX_C_SOURCE 200809L
/* om_stats_glm against R's glm() on the example of its own documentation
 * (?glm: Dobson 1990, p. 93, randomised controlled trial, counts
 * 18 17 15 20 10 20 25 13 12; outcome gl(3,1,9), treatment gl(3,3)):
 * R prints coefficients 3.045e+00, -4.543e-01, -2.930e-01, 1.338e-15,
 * 1.421e-15, standard errors 0.1709, 0.2022, 0.1927, 0.2000, 0.2000 and
 * residual deviance 5.1291 on 4 degrees of freedom.  The model is the
 * independence log-linear model of a 3 x 3 table, so the exact values are
 * closed-form (python3 from the margins r = 63 40 47, t = 50 50 50,
 * N = 150): log 21 = 3.044522437723423, log(40/63) = -0.45425527227759643,
 * log(47/63) = -0.2929871246814741, 0, 0; se sqrt(1/63 + 1/50 - 1/150) =
 * 0.17089865185644154, sqrt(1/63 + 1/40) = 0.20217075919384553,
 * sqrt(1/63 + 1/47) = 0.19274234515979285, sqrt(2/50) = 0.2; deviance from
 * the fitted r t / N: 5.129141077001145.
 * Logistic: one binary covariate gives the log odds ratio in closed form
 * (Woolf 1955): 10/50 against 30/60: beta1 = log 4, se sqrt(1/10 + 1/40 +
 * 1/30 + 1/30), beta0 = log(10/40), se sqrt(1/10 + 1/40); deviance 0. */
#include "om_test.h"

#include "omrade/health.h"

#include <math.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_dobson_poisson(void **state)
{
    (void)state;
    const double y[9] = {18, 17, 15, 20, 10, 20, 25, 13, 12};
    double X[9 * 5], off[9] = {0};
    for (int i = 0; i < 9; i++) {
        int o = i % 3, t = i / 3;
        double row[5] = {1, o == 1, o == 2, t == 1, t == 2};
        for (int j = 0; j < 5; j++)
            X[i * 5 + j] = row[j];
    }
    double b[5], se[5], dev;
    int it;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_glm(OM_GLM_POISSON, 9, 5, X, y, off, b, se, &dev, &it, &err), OM_OK);
    NEAR(b[0], 3.044522437723423, 1e-8);
    NEAR(b[1], -0.45425527227759643, 1e-8);
    NEAR(b[2], -0.2929871246814741, 1e-8);
    NEAR(b[3], 0, 1e-8);
    NEAR(b[4], 0, 1e-8);
    NEAR(se[0], 0.17089865185644154, 1e-8);
    NEAR(se[1], 0.20217075919384553, 1e-8);
    NEAR(se[2], 0.19274234515979285, 1e-8);
    NEAR(se[3], 0.2, 1e-8);
    NEAR(se[4], 0.2, 1e-8);
    NEAR(dev, 5.129141077001145, 1e-8);
    /* R's printed values, to their digits */
    NEAR(b[0], 3.045, 5e-4);
    NEAR(se[0], 0.1709, 5e-5);
    NEAR(dev, 5.1291, 5e-5);
    /* an offset shifts the intercept only: rates per 1000 with exposure 1000 */
    double off1000[9];
    for (int i = 0; i < 9; i++)
        off1000[i] = log(1000.0);
    assert_int_equal(om_stats_glm(OM_GLM_POISSON, 9, 5, X, y, off1000, b, se, &dev, &it, &err), OM_OK);
    NEAR(b[0], 3.044522437723423 - log(1000.0), 1e-8);
    NEAR(b[1], -0.45425527227759643, 1e-8);
}

static void test_logistic_two_by_two(void **state)
{
    (void)state;
    const double X[4] = {1, 0, 1, 1}, y[2] = {10, 30}, m[2] = {50, 60};
    double b[2], se[2], dev;
    int it;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_glm(OM_GLM_BINOMIAL, 2, 2, X, y, m, b, se, &dev, &it, &err), OM_OK);
    NEAR(b[0], log(10.0 / 40), 1e-9);
    NEAR(b[1], log(4.0), 1e-9);
    NEAR(se[0], sqrt(1.0 / 10 + 1.0 / 40), 1e-9);
    NEAR(se[1], sqrt(1.0 / 10 + 1.0 / 40 + 1.0 / 30 + 1.0 / 30), 1e-9);
    NEAR(dev, 0, 1e-9);
}

static void test_errors(void **state)
{
    (void)state;
    /* two identical columns: not identified */
    const double X[6] = {1, 1, 1, 1, 1, 1}, y[3] = {1, 2, 3}, off[3] = {0, 0, 0};
    double b[2], se[2], dev;
    int it;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_glm(OM_GLM_POISSON, 3, 2, X, y, off, b, se, &dev, &it, &err),
                     OM_ERR_INPUT);
    const double yneg[3] = {1, -2, 3};
    assert_int_equal(om_stats_glm(OM_GLM_POISSON, 3, 1, X, yneg, off, b, se, &dev, &it, &err),
                     OM_ERR_USAGE);
    const double m[1] = {1}, y2[1] = {2};
    assert_int_equal(om_stats_glm(OM_GLM_BINOMIAL, 1, 1, X, y2, m, b, se, &dev, &it, &err),
                     OM_ERR_USAGE);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dobson_poisson),
        cmocka_unit_test(test_logistic_two_by_two),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

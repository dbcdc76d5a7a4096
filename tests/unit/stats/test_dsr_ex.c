#define _POSIX_C_SOURCE 200809L
/* Options of the rate and DSR methods (multiplier, Byar switch, any level)
 * and the DSR for non-independent events.  References:
 * - PHEindicatormethods tests/testthat/testdata_funnel_rate_dsr_inputs.csv
 *   (published): count 2419, pop 264102 -> rate_crude_per_100000
 *   915.9339952, rate_crude_per_100 0.915933995;
 * - Byar's formula (Breslow & Day 1987, p. 69) and Garwood's limits,
 *   evaluated here independently of src/stats;
 * - the non-independent DSR (PHE, Fingertips technical guidance, DSR chapter;
 *   PHEindicatormethods dsr_inner / calculate_dsr(independent_events =
 *   FALSE)) worked out by hand on the 'North' data of PHEindicatormethods'
 *   tests/testthat/testDSRs.R (persons 10, 20, 15 with one event and 1, 2, 3
 *   with two events in three bands; pop 5000, 12000, 3000; standard 5500,
 *   12500, 3500): events 57, DSR 62.7 / 21500 x 1e5 = 291.6279069767442,
 *   variance (V1 + 2^2 V2) / W^2 = 1.8187548825190797e-07, limits
 *   213.4982750085353 and 386.8169966541027 (independent events:
 *   220.77288729345844, 377.95398650400597). */
#include "om_test.h"

#include "omrade/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void byar_by_hand(double k, double z, double *l, double *u)
{
    *l = k * pow(1 - 1 / (9 * k) - z / (3 * sqrt(k)), 3);
    *u = (k + 1) * pow(1 - 1 / (9 * (k + 1)) + z / (3 * sqrt(k + 1)), 3);
}

static void test_byar_switch(void **state)
{
    (void)state;
    double l, u, el, eu, bl, bu;
    /* default rule = byar_from 10 */
    om_stats_poisson_limits(9, 0.95, 10, &l, &u);
    om_stats_poisson_exact(9, 0.95, &el, &eu);
    assert_true(l == el && u == eu);
    om_stats_poisson_limits(10, 0.95, 10, &l, &u);
    byar_by_hand(10, 1.959963984540054, &bl, &bu);
    NEAR(l, bl, 1e-12);
    NEAR(u, bu, 1e-12);
    /* Byar always (below 10 too), at 90 %: z = 1.6448536269514722 */
    om_stats_poisson_limits(5, 0.90, 1, &l, &u);
    byar_by_hand(5, 1.6448536269514722, &bl, &bu);
    NEAR(l, bl, 1e-12);
    NEAR(u, bu, 1e-12);
    /* exact always: 20 events at 95 %, Garwood's chi-square limits from
     * tables: 12.2165, 30.8884 (e.g. Ulm 1990, Am J Epidemiol 131:373) */
    om_stats_poisson_limits(20, 0.95, 1e9, &l, &u);
    NEAR(l, 12.2165, 5e-5);
    NEAR(u, 30.8884, 5e-5);
}

static void test_multiplier(void **state)
{
    (void)state;
    double r, l, u;
    om_stats_rate_ex(2419, 264102, 100000, 0.95, 10, &r, &l, &u);
    NEAR(r, 915.9339952, 5e-8);
    om_stats_rate_ex(2419, 264102, 100, 0.95, 10, &r, &l, &u);
    NEAR(r, 0.915933995, 5e-10);
    /* limits scale with the multiplier */
    double r2, l2, u2;
    om_stats_rate_ex(2419, 264102, 100000, 0.95, 10, &r2, &l2, &u2);
    NEAR(l2 / 1000, l, 1e-12);
    NEAR(u2 / 1000, u, 1e-12);
}

static void test_levels(void **state)
{
    (void)state;
    double lv;
    char b[16];
    assert_true(om_stats_parse_confidence("95", &lv) && lv == 0.95);
    assert_true(om_stats_parse_confidence("99.8%", &lv) && fabs(lv - 0.998) < 1e-15);
    assert_true(om_stats_parse_confidence("0.9", &lv) && lv == 0.9);
    assert_true(om_stats_parse_confidence("97.5", &lv) && fabs(lv - 0.975) < 1e-15);
    assert_false(om_stats_parse_confidence("86", &lv)); /* PHE: 90 to 100 */
    assert_false(om_stats_parse_confidence("100", &lv));
    assert_false(om_stats_parse_confidence("0.5", &lv));
    assert_false(om_stats_parse_confidence("x", &lv));
    assert_string_equal(om_stats_level_text(0.998, b, sizeof b), "99.8");
    assert_string_equal(om_stats_level_text(0.95, b, sizeof b), "95");
}

static const double X1[3] = {10, 20, 15}, X2[3] = {1, 2, 3};
static const double POP[3] = {5000, 12000, 3000}, W[3] = {5500, 12500, 3500};

static void test_nonind_north(void **state)
{
    (void)state;
    double freq[2] = {1, 2}, persons[6];
    memcpy(persons, X1, sizeof X1);
    memcpy(persons + 3, X2, sizeof X2);
    om_dsr d;
    om_stats_dsr_nonind(3, 2, freq, persons, POP, W, 100000, 0.95, 10, &d);
    assert_true(d.events == 57);
    NEAR(d.dsr, 291.6279069767442, 1e-9);
    NEAR(d.var / 1e10, 1.8187548825190797e-07, 1e-18);
    NEAR(d.lower, 213.4982750085353, 1e-9);
    NEAR(d.upper, 386.8169966541027, 1e-9);
    /* the same events as independent: same DSR, narrower limits */
    double ev[3];
    for (int i = 0; i < 3; i++)
        ev[i] = X1[i] + 2 * X2[i];
    om_dsr di;
    om_stats_dsr_ex(3, ev, POP, W, 100000, 0.95, 10, &di);
    NEAR(di.dsr, d.dsr, 1e-9);
    NEAR(di.lower, 220.77288729345844, 1e-9);
    NEAR(di.upper, 377.95398650400597, 1e-9);
}

/* Identities: everyone with one event is the independent DSR exactly;
 * everyone with f events multiplies the variance by f. */
static void test_nonind_identities(void **state)
{
    (void)state;
    double one = 1, three = 3, ev3[3];
    om_dsr a, b, c;
    om_stats_dsr_nonind(3, 1, &one, X1, POP, W, 100000, 0.95, 10, &a);
    om_stats_dsr_ex(3, X1, POP, W, 100000, 0.95, 10, &b);
    NEAR(a.dsr, b.dsr, 1e-9);
    NEAR(a.lower, b.lower, 1e-9);
    NEAR(a.upper, b.upper, 1e-9);
    NEAR(a.var, b.var, 1e-12 * b.var);
    om_stats_dsr_nonind(3, 1, &three, X1, POP, W, 100000, 0.95, 10, &a);
    for (int i = 0; i < 3; i++)
        ev3[i] = 3 * X1[i];
    om_stats_dsr_ex(3, ev3, POP, W, 100000, 0.95, 10, &c);
    NEAR(a.dsr, c.dsr, 1e-9);
    NEAR(a.var, 3 * c.var, 1e-9 * c.var);
    /* fewer than 10 events in all: suppressed as PHE does */
    double few[3] = {1, 2, 1};
    om_stats_dsr_nonind(3, 1, &three, few, POP, W, 100000, 0.95, 10, &a);
    assert_int_equal(a.suppressed, 0); /* 12 events */
    om_stats_dsr_nonind(3, 1, &one, few, POP, W, 100000, 0.95, 10, &a);
    assert_int_equal(a.suppressed, OM_DSR_FEW_EVENTS);
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/om_dsrfreq_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_freq_file(void **state)
{
    (void)state;
    om_error err = OM_ERROR_INIT;
    char *p = write_tmp("group,age_band,eventfreq,persons,pop\n"
                        "a,0-4,1,10,5000\na,0-4,2,1,5000\na,5-9,1,20,12000\n");
    om_dsr_freq *t = NULL;
    assert_int_equal(om_stats_dsr_freq_load(p, &t, &err), OM_OK);
    assert_int_equal(om_stats_dsr_freq_groups(t), 1);
    assert_string_equal(om_stats_dsr_freq_name(t, 0), "a");
    om_dsr d;
    om_stats_dsr_freq_compute(t, 0, om_esp2013, 100000, 0.95, 10, &d);
    assert_true(d.events == 32 && d.pop == 17000);
    /* ESP 2013: 0-4 weight 5000, 5-9 5500, sum 100000 */
    NEAR(d.dsr, (5000.0 * 12 / 5000 + 5500.0 * 20 / 12000) / 100000 * 100000, 1e-9);
    om_stats_dsr_freq_free(t);
    unlink(p);
    free(p);
    /* different pop on two rows of one band */
    p = write_tmp("group,age_band,eventfreq,persons,pop\na,0-4,1,10,5000\na,0-4,2,1,5001\n");
    assert_int_equal(om_stats_dsr_freq_load(p, &t, &err), OM_ERR_INPUT);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "expected the same pop on every row of group 'a' band '0-4'"));
    unlink(p);
    free(p);
    /* a repeated row and a zero frequency */
    p = write_tmp("group,age_band,eventfreq,persons,pop\na,0-4,1,10,5000\na,0-4,1,1,5000\n");
    assert_int_equal(om_stats_dsr_freq_load(p, &t, &err), OM_ERR_INPUT);
    assert_non_null(strstr(err.msg, "eventfreq 1 again"));
    unlink(p);
    free(p);
    p = write_tmp("group,age_band,eventfreq,persons,pop\na,0-4,0,10,5000\n");
    assert_int_equal(om_stats_dsr_freq_load(p, &t, &err), OM_ERR_INPUT);
    assert_int_equal(err.column, 7);
    unlink(p);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_byar_switch),       cmocka_unit_test(test_multiplier),
        cmocka_unit_test(test_levels),            cmocka_unit_test(test_nonind_north),
        cmocka_unit_test(test_nonind_identities), cmocka_unit_test(test_freq_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

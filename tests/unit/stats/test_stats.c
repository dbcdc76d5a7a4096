#define _POSIX_C_SOURCE 200809L
/* om_stats against independent references: defining properties of the
 * exact Poisson limits, published tables (Newcombe 1998), hand computations
 * of the published formulas (done with awk, shown next to each value) and
 * identities (DSR with the study population as standard = crude rate). */
#include "om_test.h"

#include "omrade/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static void test_esp(void **state)
{
    (void)state;
    double s = 0;
    for (int i = 0; i < OM_ESP_BANDS; i++)
        s += om_esp2013[i];
    assert_true(s == 100000.0); /* Eurostat 2013: the weights sum to 100,000 */
    assert_int_equal(om_esp_band(0), 0);
    assert_int_equal(om_esp_band(4), 0);
    assert_int_equal(om_esp_band(5), 1);
    assert_int_equal(om_esp_band(89), 17);
    assert_int_equal(om_esp_band(104), 18);
    assert_int_equal(om_esp_band_parse("90+", 3), 18);
    assert_int_equal(om_esp_band_parse("85-89", 5), 17);
    assert_int_equal(om_esp_band_parse("90-94", 5), -1);
}

static void test_z(void **state)
{
    (void)state;
    NEAR(om_stats_z(0.95), 1.959963984540054, 1e-9);  /* normal tables */
    NEAR(om_stats_z(0.998), 3.090232306167813, 1e-9);
    double l;
    assert_true(om_stats_parse_level("99.8", &l) && l == 0.998);
    assert_false(om_stats_parse_level("90", &l));
}

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

static void test_poisson_exact(void **state)
{
    (void)state;
    double l, u;
    /* k = 0: U = -ln(0.025) in closed form. */
    om_stats_poisson_exact(0, 0.95, &l, &u);
    assert_true(l == 0);
    NEAR(u, -log(0.025), 1e-9);
    /* k = 1: L = -ln(0.975) in closed form; U = 5.5716 (Garwood tables). */
    om_stats_poisson_exact(1, 0.95, &l, &u);
    NEAR(l, -log(0.975), 1e-9);
    NEAR(u, 5.5716, 1e-4);
    /* Defining property for k = 1..9 at both levels:
     * P(X >= k | L) = a/2 and P(X <= k | U) = a/2. */
    for (int k = 1; k < 10; k++) {
        om_stats_poisson_exact(k, 0.95, &l, &u);
        NEAR(1 - pois_cdf(k - 1, l), 0.025, 1e-9);
        NEAR(pois_cdf(k, u), 0.025, 1e-9);
        om_stats_poisson_exact(k, 0.998, &l, &u);
        NEAR(1 - pois_cdf(k - 1, l), 0.001, 1e-10);
        NEAR(pois_cdf(k, u), 0.001, 1e-10);
    }
}

static void test_poisson_byar(void **state)
{
    (void)state;
    double l, u;
    /* Breslow & Day's formula computed by hand (awk, z = 1.959963984540054):
     * k = 10 -> 4.7874499140, 18.3914586058; k = 100 -> 81.3621054905,
     * 121.6279375792; 99.8 %, k = 100 -> 71.9036918726, 134.9436217623. */
    om_stats_poisson_byar(10, 0.95, &l, &u);
    NEAR(l, 4.7874499140, 1e-8);
    NEAR(u, 18.3914586058, 1e-8);
    om_stats_poisson_byar(100, 0.95, &l, &u);
    NEAR(l, 81.3621054905, 1e-8);
    NEAR(u, 121.6279375792, 1e-8);
    om_stats_poisson_byar(100, 0.998, &l, &u);
    NEAR(l, 71.9036918726, 1e-7);
    NEAR(u, 134.9436217623, 1e-7);
    /* The crude-rate rule switches at 10; exact and Byar agree closely there
     * (exact 10: 4.7954, 18.3904 in Garwood tables). */
    om_stats_poisson_ci(10, 0.95, &l, &u);
    NEAR(l, 4.7874499140, 1e-8);
    om_stats_poisson_ci(9, 0.95, &l, &u);
    NEAR(pois_cdf(9, u), 0.025, 1e-9);
    double r, rl, ru;
    om_stats_rate(100, 50000, 100000, 0.95, &r, &rl, &ru);
    NEAR(r, 200, 1e-12);
    NEAR(rl, 81.3621054905 * 2, 1e-7);
    NEAR(ru, 121.6279375792 * 2, 1e-7);
    om_stats_rate(3, 0, 100000, 0.95, &r, &rl, &ru);
    assert_true(isnan(r) && isnan(rl) && isnan(ru));
}

static void test_wilson(void **state)
{
    (void)state;
    double p, l, u;
    /* Newcombe (1998) table II, method 3. */
    om_stats_wilson(81, 263, 0.95, &p, &l, &u);
    NEAR(l, 0.2553, 5e-5);
    NEAR(u, 0.3662, 5e-5);
    om_stats_wilson(15, 148, 0.95, &p, &l, &u);
    NEAR(l, 0.0624, 5e-5);
    NEAR(u, 0.1605, 5e-5);
    om_stats_wilson(0, 20, 0.95, &p, &l, &u);
    NEAR(l, 0.0, 1e-12);
    NEAR(u, 0.1611, 5e-5);
    om_stats_wilson(1, 29, 0.95, &p, &l, &u);
    NEAR(l, 0.0061, 5e-5);
    NEAR(u, 0.1718, 5e-5);
}

static void test_dsr_hand(void **state)
{
    (void)state;
    /* O_i = 3 i, n_i = 10000 + 1000 i (i = 1..19), ESP 2013 weights.
     * Dobson's formulas evaluated by hand with awk: O = 570,
     * DSR = 130.5962165756, limits 118.5169672290, 143.4488576736. */
    double e[OM_ESP_BANDS], n[OM_ESP_BANDS];
    for (int i = 0; i < OM_ESP_BANDS; i++) {
        e[i] = 3.0 * (i + 1);
        n[i] = 10000 + 1000.0 * (i + 1);
    }
    om_dsr d;
    om_stats_dsr(OM_ESP_BANDS, e, n, om_esp2013, 100000, 0.95, &d);
    assert_int_equal(d.suppressed, 0);
    NEAR(d.events, 570, 0);
    NEAR(d.dsr, 130.5962165756, 1e-8);
    NEAR(d.lower, 118.5169672290, 1e-8);
    NEAR(d.upper, 143.4488576736, 1e-8);
}

static void test_dsr_identity(void **state)
{
    (void)state;
    /* Standard = the study population: the DSR equals the crude rate, and
     * var(DSR)/O = 1/N^2, so Dobson's limits equal the crude rate's limits. */
    double e[4] = {5, 20, 40, 80}, n[4] = {20000, 15000, 9000, 4000};
    om_dsr d;
    om_stats_dsr(4, e, n, n, 100000, 0.95, &d);
    double r, l, u;
    om_stats_rate(145, 48000, 100000, 0.95, &r, &l, &u);
    NEAR(d.dsr, r, 1e-9);
    NEAR(d.lower, l, 1e-9);
    NEAR(d.upper, u, 1e-9);
    /* A uniform rate in every band: DSR = that rate whatever the standard. */
    double e2[3] = {10, 20, 30}, n2[3] = {1000, 2000, 3000}, w[3] = {1, 7, 2};
    om_stats_dsr(3, e2, n2, w, 1000, 0.95, &d);
    NEAR(d.dsr, 10, 1e-12);
    /* Below 10 events: suppressed, not zero. */
    double e3[2] = {4, 5}, n3[2] = {100, 100}, w3[2] = {1, 1};
    om_stats_dsr(2, e3, n3, w3, 100000, 0.95, &d);
    assert_int_equal(d.suppressed, OM_DSR_FEW_EVENTS);
    assert_true(isnan(d.dsr));
    double e4[2] = {40, 5}, n4[2] = {100, 0};
    om_stats_dsr(2, e4, n4, w3, 100000, 0.95, &d);
    assert_int_equal(d.suppressed, OM_DSR_NO_POP);
}

static void test_ratio(void **state)
{
    (void)state;
    /* Crude rates 200 (40 events) vs 100 (50 events): var/r^2 = 1/events,
     * so the limits are 2 exp(+-1.959964 sqrt(1/40 + 1/50)). */
    double r1 = 200, r0 = 100, rr, l, u;
    om_stats_ratio(r1, r1 * r1 / 40, r0, r0 * r0 / 50, 0.95, &rr, &l, &u);
    NEAR(rr, 2, 1e-12);
    NEAR(l, 2 * exp(-1.959963984540054 * sqrt(0.045)), 1e-9);
    NEAR(u, 2 * exp(1.959963984540054 * sqrt(0.045)), 1e-9);
}

static void test_sii(void **state)
{
    (void)state;
    /* Three equal groups: ranks 1/6, 1/2, 5/6.  Rates on the line
     * 100 - 60 x: SII = f(0) - f(1) = 60, RII = 100 / 40 = 2.5 whatever the
     * weights.  Equal variances v: var(slope) = v / sum (x - 1/2)^2 =
     * v / (2/9) = 4.5 v. */
    double pop[3] = {1000, 1000, 1000};
    double rate[3] = {100 - 60.0 / 6, 100 - 30.0, 100 - 50.0};
    double var[3] = {4, 4, 4};
    om_sii s;
    om_stats_sii(3, pop, rate, var, 0.95, &s);
    assert_int_equal(s.groups, 3);
    NEAR(s.sii, 60, 1e-9);
    NEAR(s.rii, 2.5, 1e-12);
    double half = 1.959963984540054 * sqrt(4.5 * 4);
    NEAR(s.sii_lower, 60 - half, 1e-9);
    NEAR(s.sii_upper, 60 + half, 1e-9);
    assert_true(s.rii_lower < 2.5 && s.rii_upper > 2.5);
    /* Unequal shares: ranks are cumulative midpoints 0.1, 0.4, 0.8 for
     * shares 0.2, 0.4, 0.4 (rates on y = 50 + 10 x reproduce exactly). */
    double pop2[3] = {200, 400, 400}, rate2[3] = {51, 54, 58}, var2[3] = {1, 2, 3};
    om_stats_sii(3, pop2, rate2, var2, 0.95, &s);
    NEAR(s.sii, -10, 1e-9);
    NEAR(s.rii, 50.0 / 60.0, 1e-12);
    /* One usable group: undefined. */
    double var3[3] = {0, 0, 1};
    om_stats_sii(3, pop2, rate2, var3, 0.95, &s);
    assert_true(isnan(s.sii));
}

static void test_standard_file(void **state)
{
    (void)state;
    char path[] = "/tmp/om_std_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("age_band,pop\n", fp);
    for (int i = OM_ESP_BANDS - 1; i >= 0; i--)
        fprintf(fp, "%s,%d\n", om_esp_band_label(i), (i + 1) * 10);
    fclose(fp);
    double w[OM_ESP_BANDS];
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_stats_standard_load(path, w, &err), OM_OK);
    assert_true(w[0] == 10 && w[18] == 190);
    fp = fopen(path, "w");
    fputs("age_band,pop\n0-4,5\n", fp);
    fclose(fp);
    assert_int_equal(om_stats_standard_load(path, w, &err), OM_ERR_INPUT);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_esp),          cmocka_unit_test(test_z),
        cmocka_unit_test(test_poisson_exact), cmocka_unit_test(test_poisson_byar),
        cmocka_unit_test(test_wilson),       cmocka_unit_test(test_dsr_hand),
        cmocka_unit_test(test_dsr_identity), cmocka_unit_test(test_ratio),
        cmocka_unit_test(test_sii),          cmocka_unit_test(test_standard_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

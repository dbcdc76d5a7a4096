/* Unit tests for om_change: anchored area types, the decomposition of ΔSEI
 * and the uncertainty of the type (issue 15).
 *
 * References:
 *  - SCB's classification (mean and sample SD of SEI per year, thresholds
 *    z > 2, (1,2], (0,1], [-1,0], < -1): the anchored type of the base year
 *    must equal SCB's type bit for bit; other years are checked against a
 *    mean and SD computed here with a plain two-pass formula.
 *  - SEI = (p1+p2+p3)/3, so ΔSEI = Σ Δp_k/3 (identity; hand case).
 *  - Binomial variance π(1-π)/d of a proportion (normal approximation,
 *    Agresti & Coull 1998): hand value for (10 %, 20 %, 30 %) of
 *    (100, 400, 900): SE = sqrt(1e4·(.09/100 + .16/400 + .21/900))/3
 *    = 1.3052600138300814 (computed with Python's math).
 *  - Standard normal table: Φ(2) = 0.9772498681, Φ(4) = 0.9999683288.
 *  - Simulation: with no true change, the number of type changes and of
 *    borderline RegSO equal their expectations computed here from the true
 *    proportions (an independent implementation of the probabilities). */
#include "om_test.h"
#include "omrade/change.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng_state;
static uint64_t next_u64(void)
{
    /* splitmix64 (Steele, Lea & Flood 2014) */
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}
static double unif(void)
{
    return (double)(next_u64() >> 11) * 0x1.0p-53;
}
static int64_t binom(int64_t d, double p)
{
    int64_t k = 0;
    for (int64_t i = 0; i < d; i++)
        k += unif() < p;
    return k;
}
static double Phi(double x)
{
    return 0.5 * erfc(-x / sqrt(2.0));
}

enum { NA = 400 };
static const int32_t YEARS[3] = {2020, 2021, 2022};

/* Shares of area i in year index y: a spread of levels, improving (lower
 * shares) by 10 % a year after 2020, so real change exists. */
static void shares(int i, int y, double pct[3])
{
    double lvl = 2 + 40.0 * (double)((i * 37) % NA) / NA;
    double f = y == 0 ? 1.0 : y == 1 ? 0.9 : 0.81;
    pct[0] = lvl * f;
    pct[1] = (lvl * 0.5 + (double)(i % 7)) * f;
    pct[2] = (lvl * 0.3 + (double)(i % 5)) * f;
}

static om_sei *make_sei(void)
{
    om_sei *s = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    char name[16];
    for (int y = 0; y < 3; y++)
        for (int i = 0; i < NA; i++) {
            double pct[3];
            shares(i, y, pct);
            snprintf(name, sizeof name, "A%03d", i);
            assert_int_equal(om_sei_add_shares(s, name, strlen(name), YEARS[y], pct, &e), OM_OK);
        }
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    return s;
}

static void test_anchor(void **state)
{
    (void)state;
    om_sei *s = make_sei();
    om_error e = OM_ERROR_INIT;
    om_change *c = NULL;
    om_change_options opt = {2021};
    assert_int_equal(om_change_new(&c, s, NULL, &opt, &e), OM_OK);
    /* Mean and SD of 2021's SEI, two-pass. */
    double m = 0, v = 0;
    for (int i = 0; i < NA; i++) {
        double p[3];
        shares(i, 1, p);
        m += (p[0] + p[1] + p[2]) / 3;
    }
    m /= NA;
    for (int i = 0; i < NA; i++) {
        double p[3];
        shares(i, 1, p);
        double d = (p[0] + p[1] + p[2]) / 3 - m;
        v += d * d;
    }
    double sd = sqrt(v / (NA - 1));
    int n5_official = 0, n5_anchored = 0, nbase = 0;
    assert_int_equal(om_change_count(c), 3 * NA);
    for (size_t i = 0; i < om_change_count(c); i++) {
        const om_change_row *r = om_change_row_at(c, i);
        if (r->year == 2021) {
            nbase++;
            assert_true(r->z_anchored == r->z); /* bit for bit */
            assert_int_equal(r->type_anchored, r->area_type);
        }
        double za = (r->sei - m) / sd;
        assert_true(fabs(r->z_anchored - za) < 1e-9);
        /* The type from the thresholds, away from them (no snapping). */
        if (fabs(za - round(za)) > 1e-6) {
            int t = za > 2 ? 1 : za > 1 ? 2 : za > 0 ? 3 : za >= -1 ? 4 : 5;
            assert_int_equal(r->type_anchored, t);
        }
        if (r->year == 2022) {
            n5_official += r->area_type == 5;
            n5_anchored += r->type_anchored == 5;
        }
    }
    assert_int_equal(nbase, NA);
    /* Shares fell 10 % from 2021: more RegSO below -1 on the fixed scale. */
    assert_true(n5_anchored > n5_official);
    om_change_free(c);

    /* An anchor year not in the data is a usage error. */
    opt.anchor_year = 2019;
    assert_int_equal(om_change_new(&c, s, NULL, &opt, &e), OM_ERR_USAGE);
    assert_non_null(strstr(e.msg, "2019"));
    om_sei_free(s);
}

static void test_decomposition(void **state)
{
    (void)state;
    om_sei *s = make_sei();
    om_error e = OM_ERROR_INIT;
    om_change *c = NULL;
    assert_int_equal(om_change_new(&c, s, NULL, NULL, &e), OM_OK);
    size_t with_prev = 0, stable = 0;
    for (size_t i = 0; i < om_change_count(c); i++) {
        const om_change_row *r = om_change_row_at(c, i);
        if (r->year == 2020) {
            assert_int_equal(r->prev_year, 0);
            assert_true(isnan(r->d_sei));
            continue;
        }
        with_prev++;
        const om_change_row *q = om_change_row_at(c, i - 1);
        assert_string_equal(q->area, r->area);
        assert_int_equal(r->prev_year, q->year);
        assert_true(r->d_sei == r->sei - q->sei);
        double sum = r->d_part[0] + r->d_part[1] + r->d_part[2];
        assert_true(fabs(sum - r->d_sei) <= 1e-13 * (1 + fabs(r->sei) + fabs(q->sei)));
        /* Stable over three years: rows of one area are consecutive. */
        if (r->year == 2022) {
            const om_change_row *q2 = om_change_row_at(c, i - 2);
            assert_int_equal(q2->year, 2020);
            bool same = r->area_type == q->area_type && q->area_type == q2->area_type;
            assert_int_equal(r->type_stable3, same ? r->area_type : 0);
            stable += same;
        } else {
            assert_int_equal(r->type_stable3, 0);
        }
        int idx = atoi(r->area + 1);
        double a[3], b[3];
        shares(idx, r->year == 2021 ? 0 : 1, a);
        shares(idx, r->year == 2021 ? 1 : 2, b);
        for (int k = 0; k < 3; k++)
            assert_true(fabs(r->d_part[k] - (b[k] - a[k]) / 3) < 1e-12);
    }
    assert_int_equal(with_prev, 2 * NA);
    /* All shares scale by the same factor each year, so every z and
     * official type is unchanged: all RegSO stable (the relative types
     * cannot see the improvement the anchored types show). */
    assert_int_equal(stable, NA);
    om_change_free(c);
    om_sei_free(s);

    /* Hand case: (10, 20, 30) -> (13, 20, 24): ΔSEI = -1 = 1 + 0 - 2. */
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    double p0[3] = {10, 20, 30}, p1[3] = {13, 20, 24}, o[3] = {50, 50, 50};
    assert_int_equal(om_sei_add_shares(s, "H", 1, 2020, p0, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "H", 1, 2021, p1, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "O", 1, 2020, o, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "O", 1, 2021, o, &e), OM_OK);
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    assert_int_equal(om_change_new(&c, s, NULL, NULL, &e), OM_OK);
    const om_change_row *h = om_change_row_at(c, 1);
    assert_string_equal(h->area, "H");
    assert_int_equal(h->year, 2021);
    assert_true(fabs(h->d_sei + 1) < 1e-14);
    assert_true(fabs(h->d_part[0] - 1) < 1e-14);
    assert_true(h->d_part[1] == 0);
    assert_true(fabs(h->d_part[2] + 2) < 1e-14);
    om_change_free(c);
    om_sei_free(s);
}

static void test_se_and_probs(void **state)
{
    (void)state;
    double pct[3] = {10, 20, 30};
    int64_t den[3] = {100, 400, 900};
    assert_true(fabs(om_change_se_sei(pct, den) - 1.3052600138300814) < 1e-14);
    int64_t bad[3] = {100, 0, 900};
    assert_true(isnan(om_change_se_sei(pct, bad)));

    double p[6];
    /* z on the 1 threshold, se 0.5: table values of Φ at 2 and 4. */
    om_change_type_probs(1.0, 0.5, p);
    assert_true(fabs(p[1] - (1 - 0.9772498681)) < 1e-10);
    assert_true(fabs(p[2] - (0.9772498681 - 0.5)) < 1e-10);
    assert_true(fabs(p[3] - (0.5 - (1 - 0.9772498681))) < 1e-10);
    assert_true(fabs(p[4] - ((1 - 0.9772498681) - (1 - 0.9999683288))) < 1e-10);
    assert_true(fabs(p[5] - (1 - 0.9999683288)) < 1e-10);
    assert_true(fabs(p[1] + p[2] + p[3] + p[4] + p[5] - 1) < 1e-15);
    /* se 0: all mass on the type, boundaries as SCB's (z = 0 is type 4). */
    om_change_type_probs(0.0, 0.0, p);
    assert_true(p[4] == 1 && p[1] == 0 && p[2] == 0 && p[3] == 0 && p[5] == 0);
    om_change_type_probs(2.0, 0.0, p);
    assert_true(p[2] == 1);
    om_change_type_probs(NAN, 0.1, p);
    assert_true(isnan(p[3]));
}

/* A RegSO with huge denominators: its type is certain (0/1 exactly). */
static void test_huge_denominator(void **state)
{
    (void)state;
    om_sei *s = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    int64_t num[3], den[8][3];
    char name[8];
    for (int i = 0; i < 8; i++) {
        int64_t d = i == 3 ? INT64_C(1000000000000000) : 200; /* 1e15 */
        for (int k = 0; k < 3; k++) {
            den[i][k] = d;
            num[k] = d / 100 * (5 + 4 * i + k);
        }
        snprintf(name, sizeof name, "R%d", i);
        assert_int_equal(om_sei_add_counts(s, name, strlen(name), 2023, num, den[i], &e), OM_OK);
    }
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    om_change *c = NULL;
    assert_int_equal(om_change_new(&c, s, (const int64_t(*)[3])den, NULL, &e), OM_OK);
    int checked = 0;
    for (size_t i = 0; i < om_change_count(c); i++) {
        const om_change_row *r = om_change_row_at(c, i);
        if (strcmp(r->area, "R3") == 0) {
            checked = 1;
            assert_true(r->se_sei > 0 && r->se_sei < 1e-5);
            for (int k = 1; k <= 5; k++)
                assert_true(r->p_type[k] == (k == r->area_type ? 1.0 : 0.0));
            assert_false(r->borderline);
        } else {
            assert_true(r->p_type[r->area_type] < 1);
        }
    }
    assert_true(checked);
    om_change_free(c);
    om_sei_free(s);
}

/* No true change: the same proportions drawn twice (binomial).  The number
 * of type changes and of borderline RegSO must equal their expectation
 * from the true proportions:
 *   P(change_i) = 1 - Σ_k P_k(2022) P_k(2023),
 *   P(borderline_i) = Σ_t Φ((t - z_i)/s_i + 1) - Φ((t - z_i)/s_i - 1),
 * z_i and s_i from the true proportions on each year's scale (mean and SD
 * as om_sei computed them). */
static void test_simulation_no_change(void **state)
{
    (void)state;
    enum { N = 1500 };
    rng_state = 20231203;
    static double pi[N][3];
    static int64_t den[2 * N][3];
    om_sei *s = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    for (int i = 0; i < N; i++) {
        double u = unif();
        pi[i][0] = 0.04 + 0.30 * u * u;
        pi[i][1] = 0.05 + 0.20 * u;
        pi[i][2] = 0.02 + 0.15 * u * unif();
        for (int k = 0; k < 3; k++)
            den[i][k] = den[N + i][k] = 300 + (int64_t)(next_u64() % 700);
    }
    char name[16];
    for (int y = 0; y < 2; y++)
        for (int i = 0; i < N; i++) {
            int64_t num[3];
            for (int k = 0; k < 3; k++)
                num[k] = binom(den[i][k], pi[i][k]);
            snprintf(name, sizeof name, "S%04d", i);
            assert_int_equal(om_sei_add_counts(s, name, strlen(name), 2022 + y, num, den[i], &e),
                             OM_OK);
        }
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    om_change *c = NULL;
    assert_int_equal(om_change_new(&c, s, (const int64_t(*)[3])den, NULL, &e), OM_OK);
    const om_change_pair *pair = om_change_pair_at(c, 0);
    assert_int_equal(pair->n_both, N);

    double mean[2], sd[2];
    for (int y = 0; y < 2; y++) {
        mean[y] = om_sei_year_at(s, (size_t)y)->mean;
        sd[y] = om_sei_year_at(s, (size_t)y)->sd;
    }
    double e_change = 0, v_change = 0, e_border = 0, v_border = 0;
    for (int i = 0; i < N; i++) {
        double sei = 100 * (pi[i][0] + pi[i][1] + pi[i][2]) / 3, var = 0;
        for (int k = 0; k < 3; k++)
            var += 1e4 * pi[i][k] * (1 - pi[i][k]) / (double)den[i][k];
        double se = sqrt(var) / 3, P[2][6];
        for (int y = 0; y < 2; y++) {
            double z = (sei - mean[y]) / sd[y], sz = se / sd[y];
            double cut[6] = {INFINITY, 2, 1, 0, -1, -INFINITY};
            for (int k = 1; k <= 5; k++)
                P[y][k] = Phi((cut[k - 1] - z) / sz) - Phi((cut[k] - z) / sz);
            if (y == 1) {
                double b = 0;
                for (int t = -1; t <= 2; t++)
                    b += Phi((t - z) / sz + 1) - Phi((t - z) / sz - 1);
                e_border += b;
                v_border += b * (1 - b);
            }
        }
        double same = 0;
        for (int k = 1; k <= 5; k++)
            same += P[0][k] * P[1][k];
        e_change += 1 - same;
        v_change += (1 - same) * same;
    }
    double got_change = (double)pair->n_changed, got_border = (double)pair->n_borderline;
    print_message("type changes: %.0f, expected %.1f (sd %.1f); borderline: %.0f, expected %.1f "
                  "(sd %.1f)\n",
                  got_change, e_change, sqrt(v_change), got_border, e_border, sqrt(v_border));
    /* 4 SD of the count plus 3 % for the approximations (estimated SE and
     * scale, normal for binomial). */
    assert_true(fabs(got_change - e_change) < 4 * sqrt(v_change) + 0.03 * e_change);
    assert_true(fabs(got_border - e_border) < 4 * sqrt(v_border) + 0.03 * e_border);
    assert_true(e_change > 50); /* the test has power: noise does flip types */
    /* The per-year summary: the same borderline count; its expected flips
     * (from the estimated p_k of one year) near the expectation from the
     * true proportions. */
    const om_change_year *cy = om_change_year_at(c, 1);
    assert_int_equal(cy->year, 2023);
    assert_int_equal(cy->n_typed, N);
    assert_int_equal(cy->n_se, N);
    assert_int_equal(cy->n_borderline, pair->n_borderline);
    print_message("expected flips from the estimates: %.1f\n", cy->expected_flips);
    assert_true(fabs(cy->expected_flips - e_change) < 0.1 * e_change);
    om_change_free(c);
    om_sei_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_anchor),
        cmocka_unit_test(test_decomposition),
        cmocka_unit_test(test_se_and_probs),
        cmocka_unit_test(test_huge_denominator),
        cmocka_unit_test(test_simulation_no_change),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for om_seg against hand-computed tables, identities and
 * independent re-computations (brute-force enumeration, simulation).
 * Formulas: Duncan & Duncan (1955) D; Massey & Denton (1988) Gini,
 * isolation, exposure; Theil & Finizza (1971) H; Reardon & Firebaugh
 * (2002) multigroup D, Gini, H; Mora & Ruiz-Castillo (2011) M and its
 * decomposition. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/seg.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* Two groups x (first) and y over units A, B, C:
 *      x   y   t
 *  A  10   0  10
 *  B  10  10  20
 *  C   0  20  20      X = 20, Y = 30, T = 50, P = 0.4
 * D = 1/2 (|10/20 - 0| + |10/20 - 10/30| + |0 - 20/30|)
 *   = 1/2 (1/2 + 1/6 + 2/3) = 2/3.
 * Gini: p = (1, 1/2, 0); sum_ij t_i t_j |p_i - p_j|
 *   = 2 (10*20*1/2 + 10*20*1 + 20*20*1/2) = 1000;
 *   G = 1000 / (2 * 50^2 * 0.4 * 0.6) = 1000 / 1200 = 5/6.
 * Entropy E = -0.4 ln 0.4 - 0.6 ln 0.6; unit entropies 0, ln 2, 0, so
 *   M = E - (20/50) ln 2 and H = M / E.
 * Isolation xPx = (10/20)(10/10) + (10/20)(10/20) = 3/4; exposure 1/4. */
static const double two[] = {10, 0, 10, 10, 0, 20};

static void test_two_group_hand(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_seg_index ix;
    assert_int_equal(om_seg_compute(two, 3, 2, &ix, &e), OM_OK);
    double E = -0.4 * log(0.4) - 0.6 * log(0.6);
    NEAR(ix.dissimilarity, 2.0 / 3, 1e-15);
    NEAR(ix.gini, 5.0 / 6, 1e-15);
    NEAR(ix.entropy, E, 1e-15);
    NEAR(ix.mutual_m, E - 0.4 * log(2), 1e-15);
    NEAR(ix.theil_h, (E - 0.4 * log(2)) / E, 1e-15);
    NEAR(ix.isolation, 0.75, 1e-15);
    NEAR(ix.exposure, 0.25, 1e-15);
    assert_int_equal(ix.n_units, 3);
    NEAR(ix.total, 50, 0);
}

/* Decomposition of the table above with super-units S1 = {A, B}, S2 = {C}:
 * S1 = (20, 10), S2 = (0, 20).  M_between = E - (30/50) E(2/3) with
 * E(2/3) = -(2/3) ln(2/3) - (1/3) ln(1/3); within S1 (P = 2/3):
 * M_S1 = E(2/3) - (20/30) ln 2, M_S2 = 0, M_within = (30/50) M_S1.  The sum
 * is E - 0.4 ln 2 = M (checked above). */
static void test_decompose_hand(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    int32_t sup[] = {0, 0, 1};
    om_seg_decomp d;
    assert_int_equal(om_seg_decompose(two, 3, 2, sup, 2, &d, &e), OM_OK);
    double E = -0.4 * log(0.4) - 0.6 * log(0.6);
    double E23 = -(2.0 / 3) * log(2.0 / 3) - (1.0 / 3) * log(1.0 / 3);
    NEAR(d.m_between, E - 0.6 * E23, 1e-15);
    NEAR(d.m_within, 0.6 * (E23 - (2.0 / 3) * log(2)), 1e-15);
    NEAR(d.m_total, E - 0.4 * log(2), 1e-15);
    NEAR(d.h_between + d.h_within, d.h_total, 1e-15);
}

/* Three groups, U1 = (4, 0, 0), U2 = (0, 2, 2); T = 8, P = (1/2, 1/4, 1/4),
 * I = 1/4 + 2 * 3/16 = 5/8.
 * D: sum_k sum_i |n_ik - t_i P_k| = (2 + 1 + 1) + (2 + 1 + 1) = 8;
 *    D = 8 / (2 * 8 * 5/8) = 4/5.
 * G: group 1: p = (1, 0): 2*4*4*1 = 32; groups 2, 3: p = (0, 1/2): 16 each;
 *    G = 64 / (2 * 64 * 5/8) = 4/5.
 * E = 1/2 ln 2 + 2 * 1/4 ln 4 = 3/2 ln 2; unit entropies 0 and ln 2:
 *    M = 3/2 ln 2 - 1/2 ln 2 = ln 2; H = 2/3. */
static void test_multigroup_hand(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    const double t[] = {4, 0, 0, 0, 2, 2};
    om_seg_index ix;
    assert_int_equal(om_seg_compute(t, 2, 3, &ix, &e), OM_OK);
    NEAR(ix.dissimilarity, 0.8, 1e-15);
    NEAR(ix.gini, 0.8, 1e-15);
    NEAR(ix.mutual_m, log(2), 1e-15);
    NEAR(ix.theil_h, 2.0 / 3, 1e-15);
    NEAR(ix.isolation, 1, 0);
    NEAR(ix.exposure, 0, 0);
}

static void test_identities(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_seg_index ix;
    /* even: every unit has the overall composition */
    const double even[] = {1, 3, 2, 6, 5, 15, 0, 0};
    assert_int_equal(om_seg_compute(even, 4, 2, &ix, &e), OM_OK);
    assert_true(ix.dissimilarity == 0);
    NEAR(ix.gini, 0, 1e-15);
    NEAR(ix.mutual_m, 0, 1e-15);
    NEAR(ix.theil_h, 0, 1e-15);
    assert_int_equal(ix.n_units, 3);
    const double even3[] = {1, 2, 3, 2, 4, 6, 10, 20, 30};
    assert_int_equal(om_seg_compute(even3, 3, 3, &ix, &e), OM_OK);
    NEAR(ix.dissimilarity, 0, 1e-15);
    NEAR(ix.gini, 0, 1e-15);
    NEAR(ix.theil_h, 0, 1e-15);
    /* complete segregation */
    const double comp[] = {5, 0, 0, 7, 3, 0, 0, 1};
    assert_int_equal(om_seg_compute(comp, 4, 2, &ix, &e), OM_OK);
    NEAR(ix.dissimilarity, 1, 1e-15);
    NEAR(ix.gini, 1, 1e-15);
    NEAR(ix.theil_h, 1, 1e-15);
    NEAR(ix.mutual_m, ix.entropy, 1e-15);
    NEAR(ix.isolation, 1, 1e-15);
    const double comp3[] = {5, 0, 0, 0, 7, 0, 0, 0, 2, 1, 0, 0};
    assert_int_equal(om_seg_compute(comp3, 4, 3, &ix, &e), OM_OK);
    NEAR(ix.dissimilarity, 1, 1e-15);
    NEAR(ix.gini, 1, 1e-15);
    NEAR(ix.theil_h, 1, 1e-15);
    /* one group only: undefined */
    const double one[] = {5, 0, 3, 0};
    assert_int_equal(om_seg_compute(one, 2, 2, &ix, &e), OM_OK);
    assert_true(isnan(ix.dissimilarity) && isnan(ix.mutual_m));
    /* bad input */
    const double neg[] = {5, -1};
    assert_int_equal(om_seg_compute(neg, 1, 2, &ix, &e), OM_ERR_INPUT);
    assert_int_equal(om_seg_compute(neg, 2, 1, &ix, &e), OM_ERR_USAGE);
}

/* Random tables: Gini >= D (Reardon & Firebaugh 2002 note G >= D), K = 2
 * multigroup formulas against the two-group ones computed here directly,
 * and M_total = M_between + M_within to 1e-12. */
static void test_random_tables(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_rng256 r;
    om_rng256_init(&r, 42, 0, 0);
    for (int rep = 0; rep < 200; rep++) {
        int32_t nu = 2 + (int32_t)(om_rng256_u01(&r) * 40);
        int32_t K = 2 + (int32_t)(om_rng256_u01(&r) * 5);
        int32_t ns = 1 + (int32_t)(om_rng256_u01(&r) * 6);
        double *c = malloc((size_t)nu * (size_t)K * sizeof *c);
        int32_t *sup = malloc((size_t)nu * sizeof *sup);
        for (int32_t i = 0; i < nu * K; i++)
            c[i] = floor(om_rng256_u01(&r) * 50 * (1 + i % 3));
        c[0] += 1;
        c[1] += 1;
        for (int32_t i = 0; i < nu; i++)
            sup[i] = (int32_t)(om_rng256_u01(&r) * ns);
        om_seg_index ix;
        om_seg_decomp d;
        assert_int_equal(om_seg_compute(c, nu, K, &ix, &e), OM_OK);
        assert_int_equal(om_seg_decompose(c, nu, K, sup, ns, &d, &e), OM_OK);
        assert_true(ix.gini >= ix.dissimilarity - 1e-12);
        assert_true(ix.dissimilarity >= 0 && ix.dissimilarity <= 1 + 1e-12);
        assert_true(fabs(d.m_total - (d.m_between + d.m_within)) <= 1e-12);
        assert_true(fabs(d.h_total - (d.h_between + d.h_within)) <= 1e-12);
        NEAR(d.m_total, ix.mutual_m, 1e-12);
        assert_true(d.m_between >= -1e-15 && d.m_within >= -1e-15);
        if (K == 2) {
            /* two-group D as sum_i t_i |p_i - P| / (2 T P (1 - P)) */
            double T = 0, X = 0, s = 0, g = 0;
            for (int32_t i = 0; i < nu; i++) {
                T += c[2 * i] + c[2 * i + 1];
                X += c[2 * i];
            }
            double P = X / T;
            for (int32_t i = 0; i < nu; i++) {
                double ti = c[2 * i] + c[2 * i + 1];
                if (ti > 0)
                    s += ti * fabs(c[2 * i] / ti - P);
                for (int32_t j = 0; j < nu; j++) {
                    double tj = c[2 * j] + c[2 * j + 1];
                    if (ti > 0 && tj > 0)
                        g += ti * tj * fabs(c[2 * i] / ti - c[2 * j] / tj);
                }
            }
            NEAR(ix.dissimilarity, s / (2 * T * P * (1 - P)), 1e-12);
            NEAR(ix.gini, g / (2 * T * T * P * (1 - P)), 1e-12);
        }
        free(c);
        free(sup);
    }
}

/* E[D] under random allocation, two units of size 2 with two persons of
 * each group: unit 1 gets 0, 1 or 2 first-group persons with probabilities
 * C(2,x) C(2,2-x) / C(4,2) = 1/6, 4/6, 1/6 and D = 1, 0, 1: E[D] = 1/3. */
static void test_expected_d(void **state)
{
    (void)state;
    const int64_t t[] = {2, 2};
    NEAR(om_seg_expected_d(t, 2, 2), 1.0 / 3, 1e-14);
    /* against a simulation of random allocation (shuffling persons over
     * the fixed unit slots) */
    const int64_t sizes[] = {3, 5, 8, 2, 7, 1, 4};
    const int n = 7, A = 12, T = 30;
    om_rng256 r;
    om_rng256_init(&r, 7, 1, 2);
    int lab[30];
    double sum = 0, sum2 = 0;
    const int sims = 40000;
    for (int s = 0; s < sims; s++) {
        for (int i = 0; i < T; i++)
            lab[i] = i < A;
        for (int i = T - 1; i > 0; i--) {
            int j = (int)(om_rng256_u01(&r) * (i + 1));
            int tmp = lab[i];
            lab[i] = lab[j];
            lab[j] = tmp;
        }
        double D = 0;
        int pos = 0;
        for (int u = 0; u < n; u++) {
            int x = 0;
            for (int k = 0; k < sizes[u]; k++)
                x += lab[pos++];
            D += fabs((double)x / A - (double)(sizes[u] - x) / (T - A));
        }
        D *= 0.5;
        sum += D;
        sum2 += D * D;
    }
    double mean = sum / sims, sd = sqrt(sum2 / sims - mean * mean);
    double ex = om_seg_expected_d(sizes, (size_t)n, A);
    assert_true(fabs(ex - mean) < 4 * sd / sqrt(sims));
    assert_true(isnan(om_seg_expected_d(sizes, (size_t)n, 0)));
    /* two groups: the multigroup version is the same number */
    int64_t two_tab[14];
    for (int i = 0; i < n; i++) {
        two_tab[2 * i] = i < 3 ? 4 - i : 1;
        two_tab[2 * i + 1] = sizes[i] - two_tab[2 * i];
    }
    int64_t A2 = 0, t2[7];
    for (int i = 0; i < n; i++) {
        A2 += two_tab[2 * i];
        t2[i] = sizes[i];
    }
    NEAR(om_seg_expected_dmulti(two_tab, 2, n, 2), om_seg_expected_d(t2, (size_t)n, A2), 1e-14);
}

/* Multigroup E[D] against a simulation: persons of three groups (8, 6, 4)
 * shuffled over units of sizes 5, 3, 6, 4, and D of Reardon & Firebaugh
 * computed by om_seg_compute on each shuffled table. */
static void test_expected_dmulti(void **state)
{
    (void)state;
    const int64_t tab[] = {3, 1, 1, 0, 2, 1, 4, 2, 0, 1, 1, 2}; /* rows: 5, 3, 6, 4 */
    const int sizes[] = {5, 3, 6, 4}, G[] = {8, 6, 4};
    double ex = om_seg_expected_dmulti(tab, 3, 4, 3);
    om_rng256 r;
    om_rng256_init(&r, 11, 0, 0);
    int lab[18];
    double sum = 0, sum2 = 0;
    const int sims = 40000;
    om_error e = OM_ERROR_INIT;
    for (int s = 0; s < sims; s++) {
        int p = 0;
        for (int g = 0; g < 3; g++)
            for (int k = 0; k < G[g]; k++)
                lab[p++] = g;
        for (int i = 17; i > 0; i--) {
            int j = (int)(om_rng256_u01(&r) * (i + 1));
            int tmp = lab[i];
            lab[i] = lab[j];
            lab[j] = tmp;
        }
        double c[12] = {0};
        p = 0;
        for (int u = 0; u < 4; u++)
            for (int k = 0; k < sizes[u]; k++)
                c[u * 3 + lab[p++]] += 1;
        om_seg_index ix;
        assert_int_equal(om_seg_compute(c, 4, 3, &ix, &e), OM_OK);
        sum += ix.dissimilarity;
        sum2 += ix.dissimilarity * ix.dissimilarity;
    }
    double mean = sum / sims, sd = sqrt(sum2 / sims - mean * mean);
    assert_true(fabs(ex - mean) < 4 * sd / sqrt(sims));
}

/* Expected isolation and exposure under random allocation against a
 * simulation; bootstrap of a table: same seed, same numbers. */
static void test_table_uncertainty(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    const double tab[] = {3, 1, 0, 4, 2, 2, 1, 0}; /* sizes 4, 4, 4, 1; 6 of x among 13 */
    om_seg_uncertainty u, v;
    assert_int_equal(om_seg_table_uncertainty(tab, 4, 2, NULL, 0, 0, 1, 0.95, &u, &e), OM_OK);
    assert_true(isnan(u.se[OM_SEG_ST_DISSIMILARITY]) && isnan(u.expected[OM_SEG_ST_GINI]));
    /* E[M] = (I - 1)(K - 1) / (2 T) = 3 / 26 */
    NEAR(u.expected[OM_SEG_ST_MUTUAL_M], 3.0 / 26, 1e-15);
    NEAR(u.expected[OM_SEG_ST_ISOLATION] + u.expected[OM_SEG_ST_EXPOSURE], 1, 1e-15);
    const int sizes[] = {4, 4, 4, 1};
    om_rng256 r;
    om_rng256_init(&r, 5, 0, 0);
    int lab[13];
    double si = 0, si2 = 0, sd_ = 0, sd2 = 0;
    const int sims = 40000;
    for (int s = 0; s < sims; s++) {
        for (int i = 0; i < 13; i++)
            lab[i] = i < 6;
        for (int i = 12; i > 0; i--) {
            int j = (int)(om_rng256_u01(&r) * (i + 1));
            int tmp = lab[i];
            lab[i] = lab[j];
            lab[j] = tmp;
        }
        double c[8] = {0};
        int p = 0;
        for (int k = 0; k < 4; k++)
            for (int m = 0; m < sizes[k]; m++)
                c[2 * k + (lab[p++] ? 0 : 1)] += 1;
        om_seg_index ix;
        assert_int_equal(om_seg_compute(c, 4, 2, &ix, &e), OM_OK);
        si += ix.isolation;
        si2 += ix.isolation * ix.isolation;
        sd_ += ix.dissimilarity;
        sd2 += ix.dissimilarity * ix.dissimilarity;
    }
    double mi = si / sims, sdi = sqrt(si2 / sims - mi * mi);
    double md = sd_ / sims, sdd = sqrt(sd2 / sims - md * md);
    assert_true(fabs(u.expected[OM_SEG_ST_ISOLATION] - mi) < 4 * sdi / sqrt(sims));
    assert_true(fabs(u.expected[OM_SEG_ST_DISSIMILARITY] - md) < 4 * sdd / sqrt(sims));
    /* om_seg_table_simulate's shuffle against the exact values */
    double sim[OM_SEG_NSTAT];
    assert_int_equal(om_seg_table_simulate(tab, 4, 2, NULL, 0, sims, 3, sim, &e), OM_OK);
    assert_true(fabs(sim[OM_SEG_ST_ISOLATION] - u.expected[OM_SEG_ST_ISOLATION]) <
                4 * sdi / sqrt(sims));
    assert_true(fabs(sim[OM_SEG_ST_DISSIMILARITY] - u.expected[OM_SEG_ST_DISSIMILARITY]) <
                4 * sdd / sqrt(sims));
    assert_true(sim[OM_SEG_ST_GINI] >= sim[OM_SEG_ST_DISSIMILARITY]);
    const double frac[] = {0.5, 1};
    assert_int_equal(om_seg_table_simulate(frac, 1, 2, NULL, 0, 1, 3, sim, &e), OM_ERR_INPUT);
    int32_t sup[] = {0, 0, 1, 1};
    assert_int_equal(om_seg_table_uncertainty(tab, 4, 2, sup, 2, 300, 9, 0.9, &u, &e), OM_OK);
    assert_int_equal(om_seg_table_uncertainty(tab, 4, 2, sup, 2, 300, 9, 0.9, &v, &e), OM_OK);
    for (int s = 0; s < OM_SEG_NSTAT; s++) {
        assert_memory_equal(&u.se[s], &v.se[s], sizeof(double));
        assert_memory_equal(&u.lower[s], &v.lower[s], sizeof(double));
    }
    assert_true(u.se[OM_SEG_ST_M_WITHIN] > 0);
    assert_true(u.lower[OM_SEG_ST_DISSIMILARITY] <= u.upper[OM_SEG_ST_DISSIMILARITY]);
}

static int cmp_dbl(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Sample quantile by linear interpolation (Hyndman & Fan 1996, type 7) of
 * sorted x[0..n): h = (n - 1) p, x[floor h] + (h - floor h)(x[floor h + 1] - x[floor h]). */
static double q7(const double *x, size_t n, double p)
{
    double h = (double)(n - 1) * p, f = floor(h);
    size_t j = (size_t)f;
    return j + 1 < n ? x[j] + (h - f) * (x[j + 1] - x[j]) : x[j];
}

/* Bias correction (Efron & Tibshirani 1993, §10.6) and basic interval
 * (Davison & Hinkley 1997, eq. 5.6), recomputed here from scratch: the
 * replicates are redrawn with the library's public stream (seed, 0, cell)
 * and Poisson sampler, D is recomputed with Duncan & Duncan's formula, and
 * mean, quantiles, 2 D - mean and [2 D - q(.975), 2 D - q(.025)] are
 * computed by this test.  The table is sparse (600 units of 1 + 3 persons,
 * D = 0.5), so the plug-in D is biased upwards and lies below its own
 * percentile interval (0.54-0.60 here), while the corrected value (0.43)
 * lies inside the published interval. */
static void test_bias_correction(void **state)
{
    (void)state;
    enum { NU = 600, R = 400 };
    double tab[NU * 2];
    for (int i = 0; i < NU; i++) {
        tab[2 * i] = i % 2 ? 1 : 3;
        tab[2 * i + 1] = i % 2 ? 3 : 1;
    }
    const uint64_t seed = 11;
    om_error e = OM_ERROR_INIT;
    om_seg_uncertainty u;
    assert_int_equal(om_seg_table_uncertainty(tab, NU, 2, NULL, 0, R, seed, 0.95, &u, &e), OM_OK);
    double X = 0, Y = 0, d = 0;
    for (int i = 0; i < NU; i++) {
        X += tab[2 * i];
        Y += tab[2 * i + 1];
    }
    for (int i = 0; i < NU; i++)
        d += fabs(tab[2 * i] / X - tab[2 * i + 1] / Y) / 2;
    om_rng256 rng[NU * 2];
    for (int c = 0; c < NU * 2; c++)
        om_rng256_init(&rng[c], seed, 0, (uint64_t)c);
    double reps[R], mean = 0;
    size_t n = 0;
    for (int r = 0; r < R; r++) {
        double rc[NU * 2], x = 0, y = 0, dr = 0;
        for (int c = 0; c < NU * 2; c++)
            rc[c] = (double)om_seg_poisson(&rng[c], tab[c]);
        for (int i = 0; i < NU; i++) {
            x += rc[2 * i];
            y += rc[2 * i + 1];
        }
        if (x == 0 || y == 0)
            continue; /* D undefined: left out, as documented */
        for (int i = 0; i < NU; i++)
            dr += fabs(rc[2 * i] / x - rc[2 * i + 1] / y) / 2;
        reps[n++] = dr;
        mean += dr;
    }
    mean /= (double)n;
    qsort(reps, n, sizeof *reps, cmp_dbl);
    double qlo = q7(reps, n, 0.025), qhi = q7(reps, n, 0.975);
    const int D = OM_SEG_ST_DISSIMILARITY;
    /* the situation of issue 10: the plug-in value below its percentile interval */
    assert_true(d < qlo);
    NEAR(u.corrected[D], 2 * d - mean, 1e-12);
    NEAR(u.lower[D], 2 * d - qhi, 1e-12);
    NEAR(u.upper[D], 2 * d - qlo, 1e-12);
    assert_true(u.corrected[D] < d);
    assert_true(u.lower[D] <= u.corrected[D] && u.corrected[D] <= u.upper[D]);
    /* Boundary: every unit 1 + 1 gives D = 0; every replicate is >= 0 so
     * 2 D - mean and the interval are negative and truncated to 0. */
    for (int c = 0; c < NU * 2; c++)
        tab[c] = 1;
    assert_int_equal(om_seg_table_uncertainty(tab, NU, 2, NULL, 0, R, seed, 0.95, &u, &e), OM_OK);
    assert_true(u.se[D] > 0);
    assert_true(u.corrected[D] == 0 && u.lower[D] == 0 && u.upper[D] == 0);
    /* no replicates: no correction */
    assert_int_equal(om_seg_table_uncertainty(tab, NU, 2, NULL, 0, 0, seed, 0.95, &u, &e), OM_OK);
    assert_true(isnan(u.corrected[D]) && isnan(u.lower[D]));
}

static void test_poisson(void **state)
{
    (void)state;
    const double mus[] = {0.5, 3, 9.5, 10, 50, 1000, 250000};
    for (size_t m = 0; m < sizeof mus / sizeof *mus; m++) {
        om_rng256 r;
        om_rng256_init(&r, 3, m, 0);
        const int n = 200000;
        double s = 0, s2 = 0;
        for (int i = 0; i < n; i++) {
            double x = (double)om_seg_poisson(&r, mus[m]);
            s += x;
            s2 += x * x;
        }
        double mean = s / n, var = s2 / n - mean * mean, mu = mus[m];
        /* mean within 5 standard errors; variance within 5 % */
        assert_true(fabs(mean - mu) < 5 * sqrt(mu / n));
        assert_true(fabs(var / mu - 1) < 0.05);
    }
    om_rng256 a, b;
    om_rng256_init(&a, 9, 1, 1);
    om_rng256_init(&b, 9, 1, 2);
    assert_true(om_rng256_u01(&a) != om_rng256_u01(&b));
    assert_int_equal(om_seg_poisson(&a, 0), 0);
}

/* Quintile limits, inverse ECDF: for 1..10, L_j = x_(2j) = 2, 4, 6, 8.
 * With ties {1,1,1,1,1,2,3,4,5,6}: L = x_(2), x_(4), x_(6), x_(8) = 1, 1, 2,
 * 4, so all five 1s are in quintile 1 and quintile 2 is empty. */
static void test_quintiles(void **state)
{
    (void)state;
    double x[10] = {7, 3, 10, 1, 9, 2, 8, 4, 6, 5}, lim[4];
    om_seg_quintile_limits(x, 10, lim);
    assert_true(lim[0] == 2 && lim[1] == 4 && lim[2] == 6 && lim[3] == 8);
    assert_int_equal(om_seg_quintile_of(2, lim), 1);
    assert_int_equal(om_seg_quintile_of(2.5, lim), 2);
    assert_int_equal(om_seg_quintile_of(9, lim), 5);
    double y[10] = {6, 1, 5, 1, 4, 1, 3, 1, 2, 1};
    om_seg_quintile_limits(y, 10, lim);
    assert_true(lim[0] == 1 && lim[1] == 1 && lim[2] == 2 && lim[3] == 4);
    assert_int_equal(om_seg_quintile_of(1, lim), 1);
    assert_int_equal(om_seg_quintile_of(2, lim), 3);
    double z[1] = {5};
    om_seg_quintile_limits(z, 1, lim);
    assert_true(lim[0] == 5 && lim[3] == 5);
}

static void test_table_reader(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_seg_table *t = NULL;
    const char ok[] = "unit,group,count\nA,x,10\nB,y,10\nB,x,10\nC,y,20\n\nA,y,0\n";
    assert_int_equal(om_seg_table_read_mem(&t, "t.csv", ok, strlen(ok), &e), OM_OK);
    assert_int_equal(om_seg_table_units(t), 3);
    assert_int_equal(om_seg_table_groups(t), 2);
    assert_string_equal(om_seg_table_group(t, 0), "x");
    const double *c = om_seg_table_counts(t);
    assert_true(c[0] == 10 && c[1] == 0 && c[2] == 10 && c[3] == 10 && c[4] == 0 && c[5] == 20);
    om_seg_table_free(t);
    struct {
        const char *in, *msg;
    } bad[] = {
        {"unit,group,count\nA,x,1\nA,x,2\n", "t.csv:3:1: expected each unit,group pair once"},
        {"unit,group,count\nA,x,-1\n", "t.csv:2:5: expected a non-negative count"},
        {"unit,group,count\nA,x,z\n", "t.csv:2:5: expected a count (a whole number) in column 'count'"},
        {"unit,grp,count\nA,x,1\n", "t.csv:1:1: expected a header with column 'group'"},
        {"unit,group,count\n,x,1\n", "t.csv:2:1: expected a unit name"},
        {"unit,group,count\nA,x\n", "t.csv:2:4: expected 3 fields, found 2"},
        /* the input contract (issue 12): whole counts, exact field counts */
        {"unit,group,count\nA,x,2.5\n", "t.csv:2:5: expected a count (a whole number)"},
        {"unit,group,count\nA,x,1,9\n", "t.csv:2:7: expected 3 fields, found 4"},
        {"unit,group,count\nA,x,1e308\n", "t.csv:2:5: expected a count of at most 9007199254740992"},
        {"unit,group,count\n", "t.csv:2:1: expected at least one data row"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        om_error_clear(&e);
        assert_int_equal(om_seg_table_read_mem(&t, "t.csv", bad[i].in, strlen(bad[i].in), &e),
                         OM_ERR_INPUT);
        char buf[1200];
        om_error_format(&e, buf, sizeof buf);
        if (strncmp(buf, bad[i].msg, strlen(bad[i].msg)) != 0) {
            fprintf(stderr, "got: %s\nwant: %s\n", buf, bad[i].msg);
            fail();
        }
    }
}

static char *write_tmp(const char *text)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/om_seg_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

/* Bjurholm (2403) has two DeSOs.  With q1 = (30, 10) and q5 = (10, 30):
 * D = 50 (|30/40 - 10/40| + |10/40 - 30/40|) = 50; län 24 has data only in
 * Bjurholm, so its index is 50 too.  Expected value: t = (40, 40), A = 40,
 * E[D] = E|x - 20| / 20 with x ~ Hypergeometric(80, 40, 40), summed here by
 * brute force over the whole support with lgamma. */
static void test_engine(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    char *path = write_tmp("year,deso,q1,q2,q3,q4,q5\n"
                           "2020,2403A0010,30,20,20,20,10\n"
                           "2020,2403C1010,10,20,20,20,30\n"
                           "2021,2403A0010,30,20,20,20,10\n"
                           "2021,2403C1010,30,20,20,20,10\n");
    om_seg_panel *p = NULL;
    om_seg_load_report rep = {0};
    assert_int_equal(om_seg_panel_new(&p, g, &e), OM_OK);
    assert_int_equal(om_seg_panel_read_counts(p, path, &rep, &e), OM_OK);
    assert_int_equal(rep.rows, 4);
    assert_int_equal(om_seg_panel_nyears(p), 2);
    om_seg_options o;
    om_seg_options_default(&o);
    o.replicates = 300;
    o.threads = 1;
    o.level[OM_LEVEL_RIKET] = true;
    om_seg_result *r1 = NULL, *r3 = NULL;
    assert_int_equal(om_seg_run(p, &o, &r1, &e), OM_OK);
    o.threads = 3;
    assert_int_equal(om_seg_run(p, &o, &r3, &e), OM_OK);
    /* 2 years x (Bjurholm + län 24 + riket) x 1 index; units without
     * persons give no rows */
    assert_int_equal(om_seg_result_count(r1), 2 * 3);
    double ex = 0, lc = lgamma(81) - 2 * lgamma(41);
    for (int x = 0; x <= 40; x++)
        ex += exp(2 * (lgamma(41) - lgamma(x + 1) - lgamma(41 - x)) - lc) * fabs(x - 20.0) / 20;
    int seen = 0;
    for (size_t i = 0; i < om_seg_result_count(r1); i++) {
        const om_seg_row *a = om_seg_result_row(r1, i), *b = om_seg_result_row(r3, i);
        /* determinism across thread counts */
        assert_memory_equal(&a->se, &b->se, sizeof a->se);
        assert_memory_equal(&a->lower, &b->lower, sizeof a->lower);
        assert_memory_equal(&a->upper, &b->upper, sizeof a->upper);
        const char *code = om_geo_code(g, a->level, a->area);
        if (a->year == 2020 && (strcmp(code, "2403") == 0 || strcmp(code, "24") == 0 ||
                                strcmp(code, "00") == 0)) {
            seen++;
            NEAR(a->value, 50, 1e-12);
            NEAR(a->expected, 100 * ex, 1e-9);
            assert_int_equal(a->n_deso, 2);
            assert_int_equal(a->n_persons, 200);
            assert_string_equal(a->flag, "few_deso;few_persons");
            assert_true(a->se > 0 && a->lower < 50 && a->upper > 50);
            /* the published interval is around the bias-corrected value */
            assert_true(a->lower <= a->corrected && a->corrected <= a->upper);
        }
        if (a->year == 2021 && strcmp(code, "2403") == 0) {
            NEAR(a->value, 0, 1e-12);
            seen++;
        }
    }
    assert_int_equal(seen, 4);
    om_seg_result_free(r1);
    om_seg_result_free(r3);
    /* another seed changes the bootstrap */
    o.seed = 2;
    o.indices = om_seg_parse_indices("all");
    assert_int_equal(om_seg_run(p, &o, &r1, &e), OM_OK);
    int decomp_checked = 0;
    for (size_t i = 0; i + 2 < om_seg_result_count(r1); i++) {
        const om_seg_row *a = om_seg_result_row(r1, i);
        if (strcmp(a->index, "mutual_m") == 0 && isfinite(a->value)) {
            const om_seg_row *b = om_seg_result_row(r1, i + 1), *w = om_seg_result_row(r1, i + 2);
            assert_string_equal(b->index, "mutual_m_between");
            assert_true(fabs(a->value - b->value - w->value) <= 1e-12);
            decomp_checked++;
        }
    }
    assert_true(decomp_checked >= 3);
    /* Bjurholm's two DeSOs lie in two RegSO, so within the kommun all of M is
     * between RegSO; län 24 has one kommun with data, so all of its M is
     * within kommuner.  M itself against om_seg_compute on the 2 x 5 table. */
    const double bj[] = {30, 20, 20, 20, 10, 10, 20, 20, 20, 30};
    om_seg_index bix;
    assert_int_equal(om_seg_compute(bj, 2, 5, &bix, &e), OM_OK);
    int parts = 0;
    for (size_t i = 0; i < om_seg_result_count(r1); i++) {
        const om_seg_row *a = om_seg_result_row(r1, i);
        const char *code = om_geo_code(g, a->level, a->area);
        if (a->year != 2020)
            continue;
        bool kommun = strcmp(code, "2403") == 0, lan = strcmp(code, "24") == 0;
        if (!kommun && !lan)
            continue;
        if (strcmp(a->index, "mutual_m") == 0) {
            NEAR(a->value, bix.mutual_m, 1e-15);
            parts++;
        } else if (strcmp(a->index, "mutual_m_between") == 0) {
            NEAR(a->value, kommun ? bix.mutual_m : 0, 1e-15);
            parts++;
        } else if (strcmp(a->index, "mutual_m_within") == 0) {
            NEAR(a->value, kommun ? 0 : bix.mutual_m, 1e-15);
            parts++;
        } else if (strcmp(a->index, "theil_h") == 0) {
            NEAR(a->value, bix.theil_h, 1e-15);
            parts++;
        } else if (strcmp(a->index, "dissimilarity") == 0) {
            NEAR(a->value, bix.dissimilarity, 1e-15);
            parts++;
        } else if (strcmp(a->index, "gini") == 0) {
            NEAR(a->value, bix.gini, 1e-15);
            parts++;
        }
    }
    assert_int_equal(parts, 12);
    om_seg_result_free(r1);
    om_seg_panel_free(p);
    unlink(path);
    free(path);
    om_geo_free(g);
}

/* Person-level path: ten persons in 2403A0010 and 2403C1010 with incomes
 * 1..10 give limits 2, 4, 6, 8 and two persons per quintile; messy rows
 * are counted. */
static void test_persons(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    char *res = write_tmp("lopnr,year,deso\n1,2020,2403A0010\n2,2020,2403A0010\n"
                          "3,2020,2403A0010\n4,2020,2403A0010\n5,2020,2403A0010\n"
                          "6,2020,2403C1010\n7,2020,2403C1010\n8,2020,2403C1010\n"
                          "9,2020,2403C1010\n10,2020,2403C1010\n10,2020,2403C1010\n"
                          "11,2020,9999X9999\n");
    char *py = write_tmp("lopnr,year,income_cu,education\n1,2020,1,\n2,2020,2,\n3,2020,3,\n"
                         "4,2020,4,\n5,2020,5,\n6,2020,6,\n7,2020,7,\n8,2020,8,\n9,2020,9,\n"
                         "10,2020,10,\n10,2020,10,\n11,2020,5,\n12,2020,5,\n1,2021,5,\n"
                         "2,2020,,\n");
    om_seg_panel *p = NULL;
    om_seg_load_report rep = {0};
    assert_int_equal(om_seg_panel_new(&p, g, &e), OM_OK);
    assert_int_equal(om_seg_panel_read_persons(p, py, res, &rep, &e), OM_OK);
    assert_int_equal(rep.persons_used, 10);
    assert_int_equal(rep.dup_residence, 1);
    assert_int_equal(rep.unknown_deso, 1);
    assert_int_equal(rep.dup_person_year, 2); /* 10,2020 again and 2,2020 again */
    assert_int_equal(rep.no_residence, 3);    /* 11 (unknown DeSO), 12, 1 in 2021 */
    assert_int_equal(rep.no_income, 0);
    assert_int_equal(om_seg_panel_nyears(p), 1);
    double lim[4];
    assert_true(om_seg_panel_limits(p, 0, lim));
    assert_true(lim[0] == 2 && lim[1] == 4 && lim[2] == 6 && lim[3] == 8);
    int32_t a = om_geo_find(g, OM_LEVEL_DESO, "2403A0010", 9);
    const int64_t *c = om_seg_panel_counts(p, 0);
    /* incomes 1..5 in A: q1 = {1,2}, q2 = {3,4}, q3 = {5} */
    assert_true(c[a * 5] == 2 && c[a * 5 + 1] == 2 && c[a * 5 + 2] == 1 && c[a * 5 + 4] == 0);
    om_seg_panel_free(p);
    unlink(res);
    unlink(py);
    free(res);
    free(py);
    om_geo_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_group_hand), cmocka_unit_test(test_decompose_hand),
        cmocka_unit_test(test_multigroup_hand), cmocka_unit_test(test_identities),
        cmocka_unit_test(test_random_tables),  cmocka_unit_test(test_expected_d),
        cmocka_unit_test(test_expected_dmulti), cmocka_unit_test(test_table_uncertainty),
        cmocka_unit_test(test_bias_correction),
        cmocka_unit_test(test_poisson),        cmocka_unit_test(test_quintiles),
        cmocka_unit_test(test_table_reader),   cmocka_unit_test(test_engine),
        cmocka_unit_test(test_persons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

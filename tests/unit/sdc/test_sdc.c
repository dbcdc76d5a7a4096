/* Unit tests of om_sdc against hand-computed feasibility intervals, the
 * classic differencing traps (Hundepool et al., "Statistical Disclosure
 * Control", 2012, ch. 4), hierarchical and linked tables, the primary rules
 * and the information-keeping helpers (Marshall 1991 by hand). */
#include "om_test.h"
#include "omrade/sdc.h"

#include <math.h>
#include <string.h>

static const om_sdc_options FULL = {.full_audit = true};

static om_sdc *table2(const char *const *rows, size_t nr, const char *const *cols, size_t nc, const double *v,
                      const bool *forced)
{
    const char *dims[2] = {"area", "group"};
    om_error e = OM_ERROR_INIT;
    om_sdc *s = NULL;
    assert_int_equal(om_sdc_new(&s, 2, dims, &e), OM_OK);
    for (size_t i = 0; i < nr; i++)
        for (size_t j = 0; j < nc; j++) {
            const char *codes[2] = {rows[i], cols[j]};
            om_sdc_input in;
            memset(&in, 0, sizeof in);
            in.value = v[i * nc + j];
            in.forced = forced && forced[i * nc + j];
            assert_int_equal(om_sdc_add(s, codes, &in, &e), OM_OK);
        }
    assert_int_equal(om_sdc_build(s, &e), OM_OK);
    return s;
}

static long cell(const om_sdc *s, const char *a, const char *b)
{
    const char *codes[2] = {a, b};
    long i = om_sdc_find(s, codes);
    assert_true(i >= 0);
    return i;
}

static void suppress(om_sdc *s, const char *a, const char *b, om_sdc_status st)
{
    om_sdc_set_status(s, (size_t)cell(s, a, b), st);
}

static void interval(const om_sdc *s, const char *a, const char *b, double lo, double hi)
{
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)cell(s, a, b), &ci);
    assert_true(ci.audited);
    assert_true(fabs(ci.lower - lo) < 1e-6);
    assert_true(fabs(ci.upper - hi) < 1e-6);
}

/* 2x2 inner table with margins, all four inner cells suppressed.
 * Rows 3+5=8, 4+6=10; columns 3+4=7, 5+6=11.  With x11 = t:
 * x12 = 8-t, x21 = 7-t, x22 = 3+t, all >= 0  =>  t in [0, 7], so
 * x11 in [0,7], x12 in [1,8], x21 in [0,7], x22 in [3,10]. */
static void test_hand_intervals(void **state)
{
    (void)state;
    const char *r[2] = {"A", "B"}, *c[2] = {"g1", "g2"};
    const double v[4] = {3, 5, 4, 6};
    om_sdc *s = table2(r, 2, c, 2, v, NULL);
    assert_int_equal(om_sdc_ncells(s), 9);
    suppress(s, "A", "g1", OM_SDC_PRIMARY);
    suppress(s, "A", "g2", OM_SDC_SECONDARY);
    suppress(s, "B", "g1", OM_SDC_SECONDARY);
    suppress(s, "B", "g2", OM_SDC_SECONDARY);
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    size_t nf = 9;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 0);
    interval(s, "A", "g1", 0, 7);
    interval(s, "A", "g2", 1, 8);
    interval(s, "B", "g1", 0, 7);
    interval(s, "B", "g2", 3, 10);
    /* the margins: A,Total = 8 etc. */
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)cell(s, "Total", "Total"), &ci);
    assert_true(ci.value == 18);
    om_sdc_free(s);
}

/* The classic trap: every row and column holding a suppression holds at
 * least two, yet A,g3 is a bridge between two 2x2 blocks
 * {A,B}x{g1,g2} and {C,D}x{g3,g4} and is recovered exactly by differencing
 * (rows A+B minus columns g1+g2).  The audit must report it; protect must
 * produce a pattern that passes. */
static const char *R4[4] = {"A", "B", "C", "D"}, *C4[4] = {"g1", "g2", "g3", "g4"};
static const double V4[16] = {12, 15, 2, 20, 9, 14, 11, 8, 17, 6, 13, 10, 7, 18, 16, 5};

static void test_trap(void **state)
{
    (void)state;
    om_sdc *s = table2(R4, 4, C4, 4, V4, NULL);
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    rules.min_count = 3;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sdc_apply_primary(s, &rules, &e), OM_OK);
    const char *blk[8][2] = {{"A", "g1"}, {"A", "g2"}, {"B", "g1"}, {"B", "g2"},
                             {"C", "g3"}, {"C", "g4"}, {"D", "g3"}, {"D", "g4"}};
    for (int k = 0; k < 8; k++)
        suppress(s, blk[k][0], blk[k][1], OM_SDC_SECONDARY);
    /* two per row and column */
    size_t nf = 0;
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 1);
    interval(s, "A", "g3", 2, 2);
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)cell(s, "A", "g3"), &ci);
    assert_true(ci.fails);
    om_sdc_free(s);

    s = table2(R4, 4, C4, 4, V4, NULL);
    assert_int_equal(om_sdc_protect(s, &rules, &FULL, &e), OM_OK);
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 0);
    om_sdc_cell(s, (size_t)cell(s, "A", "g3"), &ci);
    assert_int_equal(ci.status, OM_SDC_PRIMARY);
    assert_true(ci.lower <= 1.8 && ci.upper >= 2.2);
    om_sdc_free(s);
}

/* Narrowing by non-negativity: A,g1 = 20 forced primary in the 2x2 cycle
 * A,g1 +t, A,g2 -t, B,g1 -t, B,g2 +t whose complements A,g2 and B,g1 hold
 * 1: t <= 1 upwards, t >= -20 downwards (A,g1 >= 0; B,g2 = 30 allows it),
 * so the attacker gets [0, 21], short of the 10 % bound 22 -- the audit
 * fails it; protect finds a pattern reaching [<= 18, >= 22]. */
static void test_unsafe_narrow(void **state)
{
    (void)state;
    const char *r[3] = {"A", "B", "C"}, *c[3] = {"g1", "g2", "g3"};
    const double v[9] = {20, 1, 30, 1, 30, 25, 40, 35, 50};
    const bool f[9] = {true, false, false, false, false, false, false, false, false};
    om_sdc *s = table2(r, 3, c, 3, v, f);
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sdc_apply_primary(s, &rules, &e), OM_OK);
    suppress(s, "A", "g2", OM_SDC_SECONDARY);
    suppress(s, "B", "g1", OM_SDC_SECONDARY);
    suppress(s, "B", "g2", OM_SDC_SECONDARY);
    size_t nf = 0;
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 1);
    interval(s, "A", "g1", 0, 21);
    om_sdc_free(s);
    s = table2(r, 3, c, 3, v, f);
    assert_int_equal(om_sdc_protect(s, &rules, &FULL, &e), OM_OK);
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)cell(s, "A", "g1"), &ci);
    assert_true(ci.lower <= 18 + 1e-9 && ci.upper >= 22 - 1e-9);
    om_sdc_free(s);
}

/* Hierarchy r1,r2 -> k1; r3 -> k2 (a kommun with one RegSO); k1,k2 -> L.
 * A primary in r3 equals the k2 cell in the same sex, so k2 must be
 * suppressed too and the protection must go through the L level. */
static void test_hierarchy(void **state)
{
    (void)state;
    const char *dims[2] = {"geo", "sex"};
    om_error e = OM_ERROR_INIT;
    om_sdc *s = NULL;
    assert_int_equal(om_sdc_new(&s, 2, dims, &e), OM_OK);
    assert_int_equal(om_sdc_set_parent(s, 0, "r1", "k1", &e), OM_OK);
    assert_int_equal(om_sdc_set_parent(s, 0, "r2", "k1", &e), OM_OK);
    assert_int_equal(om_sdc_set_parent(s, 0, "r3", "k2", &e), OM_OK);
    assert_int_equal(om_sdc_set_parent(s, 0, "k1", "L", &e), OM_OK);
    assert_int_equal(om_sdc_set_parent(s, 0, "k2", "L", &e), OM_OK);
    assert_int_equal(om_sdc_set_parent(s, 0, "r1", "k2", &e), OM_ERR_INPUT);
    const char *g[3] = {"r1", "r2", "r3"}, *x[2] = {"1", "2"};
    const double v[6] = {30, 25, 40, 35, 2, 30};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            const char *codes[2] = {g[i], x[j]};
            om_sdc_input in = {.value = v[i * 2 + j]};
            assert_int_equal(om_sdc_add(s, codes, &in, &e), OM_OK);
        }
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    rules.min_count = 3;
    assert_int_equal(om_sdc_protect(s, &rules, &FULL, &e), OM_OK);
    /* 6 geo nodes (r1,r2,r3,k1,k2,L) x 3 sex nodes */
    assert_int_equal(om_sdc_ncells(s), 18);
    const char *k2[2] = {"k2", "1"}, *r3[2] = {"r3", "1"}, *k1t[2] = {"k1", NULL};
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)om_sdc_find(s, k1t), &ci);
    assert_true(ci.value == 30 + 25 + 40 + 35);
    om_sdc_cell(s, (size_t)om_sdc_find(s, r3), &ci);
    assert_int_equal(ci.status, OM_SDC_PRIMARY);
    assert_true(ci.lower <= 1.8 && ci.upper >= 2.2);
    om_sdc_cell(s, (size_t)om_sdc_find(s, k2), &ci);
    assert_int_equal(ci.status, OM_SDC_PRIMARY); /* value 2 too */
    size_t nf = 9;
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 0);
    om_sdc_free(s);
}

/* Linked tables geo x sex and geo x age share the geo totals.  The shared
 * cell (r1, Total, Total) = 4 is primary; it must be protected in both
 * tables at once (a deviation of it must be absorbed in each table). */
static void test_linked(void **state)
{
    (void)state;
    const char *dims[3] = {"geo", "sex", "age"};
    om_error e = OM_ERROR_INIT;
    om_sdc *s = NULL;
    assert_int_equal(om_sdc_new(&s, 3, dims, &e), OM_OK);
    const char *g[3] = {"r1", "r2", "r3"};
    const double bysex[3][2] = {{1, 3}, {20, 22}, {15, 17}};
    const double byage[3][2] = {{2, 2}, {30, 12}, {10, 22}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 2; j++) {
            const char *c1[3] = {g[i], j ? "2" : "1", NULL};
            const char *c2[3] = {g[i], NULL, j ? "old" : "young"};
            om_sdc_input in1 = {.value = bysex[i][j]}, in2 = {.value = byage[i][j]};
            assert_int_equal(om_sdc_add(s, c1, &in1, &e), OM_OK);
            assert_int_equal(om_sdc_add(s, c2, &in2, &e), OM_OK);
        }
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    rules.min_count = 5;
    assert_int_equal(om_sdc_protect(s, &rules, &FULL, &e), OM_OK);
    assert_int_equal(om_sdc_ntables(s), 2);
    /* 4 geo x 3 sex + 4 geo x 3 age - 4 shared */
    assert_int_equal(om_sdc_ncells(s), 20);
    const char *sh[3] = {"r1", NULL, NULL};
    long i = om_sdc_find(s, sh);
    assert_true(om_sdc_cell_in_table(s, (size_t)i, 0) && om_sdc_cell_in_table(s, (size_t)i, 1));
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)i, &ci);
    assert_true(ci.value == 4);
    assert_int_equal(ci.status, OM_SDC_PRIMARY);
    assert_true(ci.lower <= 3.6 && ci.upper >= 4.4);
    /* both tables carry suppressions beyond the shared cell */
    size_t supp[2] = {0, 0};
    for (size_t k = 0; k < om_sdc_ncells(s); k++) {
        om_sdc_cell(s, k, &ci);
        if ((ci.status == OM_SDC_PRIMARY || ci.status == OM_SDC_SECONDARY) && (long)k != i)
            supp[om_sdc_cell_in_table(s, k, 0) ? 0 : 1]++;
    }
    assert_true(supp[0] > 0 && supp[1] > 0);
    size_t nf = 9;
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 0);
    om_sdc_free(s);

    /* shared margins that disagree are an input error */
    assert_int_equal(om_sdc_new(&s, 3, dims, &e), OM_OK);
    const char *a1[3] = {"r1", "1", NULL}, *a2[3] = {"r1", NULL, "young"};
    om_sdc_input x1 = {.value = 5}, x2 = {.value = 6};
    assert_int_equal(om_sdc_add(s, a1, &x1, &e), OM_OK);
    assert_int_equal(om_sdc_add(s, a2, &x2, &e), OM_OK);
    assert_int_equal(om_sdc_build(s, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "agree"));
    om_sdc_free(s);
}

/* Primary rules: (1,75) dominance and the p% rule (Hundepool et al. 2012,
 * 4.2): value 100 with contributions 80, 15 -> (1,75): 80 > 75; p=10:
 * 100-80-15 = 5 < 8.  Value 100 with 40, 30: neither. */
static void test_rules(void **state)
{
    (void)state;
    const char *dims[1] = {"unit"};
    om_error e = OM_ERROR_INIT;
    om_sdc_rules rules;
    for (int rule = 0; rule < 2; rule++) {
        om_sdc *s = NULL;
        assert_int_equal(om_sdc_new(&s, 1, dims, &e), OM_OK);
        const char *a[1] = {"a"}, *b[1] = {"b"}, *c[1] = {"c"};
        om_sdc_input ia = {.value = 100, .top = {80, 15, 5}}, ib = {.value = 100, .top = {40, 30, 20}};
        om_sdc_input ic = {.value = 300, .top = {50, 40, 30}};
        om_sdc_add(s, a, &ia, &e);
        om_sdc_add(s, b, &ib, &e);
        om_sdc_add(s, c, &ic, &e);
        om_sdc_rules_default(&rules);
        if (rule == 0) {
            rules.dom_n = 1;
            rules.dom_k = 75;
        } else {
            rules.p_pct = 10;
        }
        assert_int_equal(om_sdc_apply_primary(s, &rules, &e), OM_OK);
        om_sdc_cell_info ci;
        om_sdc_cell(s, (size_t)om_sdc_find(s, a), &ci);
        assert_int_equal(ci.status, OM_SDC_PRIMARY);
        om_sdc_cell(s, (size_t)om_sdc_find(s, b), &ci);
        assert_int_equal(ci.status, OM_SDC_PUBLISHED);
        om_sdc_free(s);
    }
    /* min count: 1 <= x < N; zeros published unless asked */
    om_sdc *s = NULL;
    assert_int_equal(om_sdc_new(&s, 1, dims, &e), OM_OK);
    const double v[4] = {0, 1, 4, 5};
    const char *names[4] = {"a", "b", "c", "d"};
    for (int k = 0; k < 4; k++) {
        const char *cd[1] = {names[k]};
        om_sdc_input in = {.value = v[k]};
        om_sdc_add(s, cd, &in, &e);
    }
    om_sdc_rules_default(&rules);
    rules.min_count = 5;
    assert_int_equal(om_sdc_apply_primary(s, &rules, &e), OM_OK);
    const om_sdc_status want[4] = {OM_SDC_PUBLISHED, OM_SDC_PRIMARY, OM_SDC_PRIMARY, OM_SDC_PUBLISHED};
    for (int k = 0; k < 4; k++) {
        const char *cd[1] = {names[k]};
        om_sdc_cell_info ci;
        om_sdc_cell(s, (size_t)om_sdc_find(s, cd), &ci);
        assert_int_equal(ci.status, want[k]);
    }
    om_sdc_free(s);
}

/* Marshall (1991) by hand: e = 2, 8, 30; p = 100, 200, 500.
 * m = 40/800 = 0.05, p_bar = 800/3, sum p (r-m)^2 = 0.09+0.02+0.05 = 0.16,
 * s2 = 0.16/800 - 0.05/(800/3) = 0.0002 - 0.0001875 = 1.25e-5,
 * C_1 = 1.25e-5 / (1.25e-5 + 0.05/100) = 1/41, rate_1 = 0.05 - 0.03/41. */
static void test_eb(void **state)
{
    (void)state;
    const double ev[3] = {2, 8, 30}, pop[3] = {100, 200, 500};
    double rate[3], se[3], lo[3], hi[3];
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sdc_eb_smooth(3, ev, pop, NULL, rate, se, lo, hi, &e), OM_OK);
    assert_true(fabs(rate[0] - (0.05 - 0.03 / 41)) < 1e-12);
    double c2 = 1.25e-5 / (1.25e-5 + 0.05 / 200), c3 = 1.25e-5 / (1.25e-5 + 0.05 / 500);
    assert_true(fabs(rate[1] - (0.05 + c2 * (0.04 - 0.05))) < 1e-12);
    assert_true(fabs(rate[2] - (0.05 + c3 * (0.06 - 0.05))) < 1e-12);
    /* Gamma posterior: shape alpha + e, rate beta + p, alpha = m^2/s2 = 200, beta = m/s2 = 4000 */
    assert_true(fabs(se[0] - sqrt(202.0) / 4100.0) < 1e-12);
    assert_true(lo[0] < rate[0] && rate[0] < hi[0]);
    /* local: two groups; a group of identical rates shrinks to its mean */
    const int32_t grp[3] = {0, 0, 1};
    assert_int_equal(om_sdc_eb_smooth(3, ev, pop, grp, rate, se, lo, hi, &e), OM_OK);
    assert_true(fabs(rate[2] - 0.06) < 1e-12);
    const double bad[1] = {-1};
    assert_int_equal(om_sdc_eb_smooth(1, bad, pop, NULL, rate, se, lo, hi, &e), OM_ERR_INPUT);
    /* A tiny between-area variance makes the prior shape huge, where GSL's
     * Gamma inversion fails (it aborted `omrade rates --barometer-eb` on a
     * synthetic country): e = 1e6 -+ 1100, p = 1e6 each: m = 1,
     * s2 = 1100^2/1e12 - 1e-6 = 2.1e-7, shape = 1/s2 + e ~ 5.8e6, where the
     * posterior is normal to within its skewness 2/sqrt(shape) < 1e-3:
     * limits mean -+ 1.959964 sd to 1e-3 sd. */
    const double ev2[2] = {1e6 - 1100, 1e6 + 1100}, pop2[2] = {1e6, 1e6};
    assert_int_equal(om_sdc_eb_smooth(2, ev2, pop2, NULL, rate, se, lo, hi, &e), OM_OK);
    for (int i = 0; i < 2; i++) {
        double s2 = 1100.0 * 1100.0 / 1e12 - 1e-6, shape = 1 / s2 + ev2[i], rt = 1 / s2 + pop2[i];
        double mean = shape / rt, sd = sqrt(shape) / rt;
        assert_true(fabs(rate[i] - mean) < 1e-9);
        assert_true(fabs(lo[i] - (mean - 1.959963984540054 * sd)) < 1e-3 * sd);
        assert_true(fabs(hi[i] - (mean + 1.959963984540054 * sd)) < 1e-3 * sd);
    }
}

static void test_round_merge(void **state)
{
    (void)state;
    assert_true(om_sdc_round(7, 5) == 5);
    assert_true(om_sdc_round(8, 5) == 10);
    assert_true(om_sdc_round(4, 3) == 3);
    assert_true(om_sdc_round(5, 3) == 6);
    /* one kommun: sizes 50, 400, 30, 500 (codes R001..R004), min 100:
     * smallest R003 (30) merges with its smaller code-neighbour R002 (400)
     * rather than R004 (500) -> {R002,R003} = 430; then R001 (50) merges
     * with its only neighbour unit (R002+R003).  Another kommun is alone. */
    const char *codes[5] = {"K1R001", "K1R002", "K1R003", "K1R004", "K2R001"};
    const int32_t par[5] = {1, 1, 1, 1, 2};
    const double size[5] = {50, 400, 30, 500, 10};
    int32_t unit[5];
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sdc_merge_units(5, codes, par, size, 100, unit, &e), OM_OK);
    assert_int_equal(unit[0], 0);
    assert_int_equal(unit[1], 0);
    assert_int_equal(unit[2], 0);
    assert_int_equal(unit[3], 3);
    assert_int_equal(unit[4], 4);
}

/* Independent reference for the audit: 2-D tables with margins have a
 * totally unimodular constraint matrix (a network), so the LP bounds equal
 * the integer bounds, which brute force finds by enumerating every
 * assignment of the suppressed inner cells (margins published).  Random
 * 3x3 tables and patterns of up to 4 cells, seeded. */
static void test_bruteforce(void **state)
{
    (void)state;
    uint64_t rng = 12345;
    const char *r[3] = {"a", "b", "c"}, *c[3] = {"x", "y", "z"};
    for (int trial = 0; trial < 40; trial++) {
        double v[9];
        for (int k = 0; k < 9; k++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            v[k] = (double)((rng >> 33) % 9);
        }
        om_sdc *s = table2(r, 3, c, 3, v, NULL);
        int supp[4], ns = 0;
        for (int k = 0; k < 9 && ns < 4; k++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            if ((rng >> 40) % 3 == 0)
                supp[ns++] = k;
        }
        for (int q = 0; q < ns; q++)
            suppress(s, r[supp[q] / 3], c[supp[q] % 3], q == 0 ? OM_SDC_PRIMARY : OM_SDC_SECONDARY);
        om_sdc_rules rules;
        om_sdc_rules_default(&rules);
        size_t nf;
        om_error e = OM_ERROR_INIT;
        assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
        /* brute force over 0..24 for each suppressed cell */
        double lo[4] = {1e9, 1e9, 1e9, 1e9}, hi[4] = {-1, -1, -1, -1};
        int y[4] = {0, 0, 0, 0};
        for (;;) {
            double t[9];
            memcpy(t, v, sizeof t);
            for (int q = 0; q < ns; q++)
                t[supp[q]] = y[q];
            bool ok = true;
            for (int i = 0; i < 3 && ok; i++) {
                double rs = 0, rv = 0, cs = 0, cv = 0;
                for (int j = 0; j < 3; j++) {
                    rs += t[i * 3 + j];
                    rv += v[i * 3 + j];
                    cs += t[j * 3 + i];
                    cv += v[j * 3 + i];
                }
                ok = rs == rv && cs == cv;
            }
            if (ok)
                for (int q = 0; q < ns; q++) {
                    lo[q] = fmin(lo[q], y[q]);
                    hi[q] = fmax(hi[q], y[q]);
                }
            int q;
            for (q = 0; q < ns; q++) {
                if (++y[q] <= 24)
                    break;
                y[q] = 0;
            }
            if (q == ns)
                break;
        }
        for (int q = 0; q < ns; q++)
            interval(s, r[supp[q] / 3], c[supp[q] % 3], lo[q], hi[q]);
        om_sdc_free(s);
    }
}

/* Pooling sums the years into aligned windows; merging joins small units
 * under their parent; published cells carry the new statuses. */
static void test_pool_merge_model(void **state)
{
    (void)state;
    const char *dims[2] = {"area", "year"};
    om_error e = OM_ERROR_INIT;
    om_sdc *s = NULL;
    assert_int_equal(om_sdc_new(&s, 2, dims, &e), OM_OK);
    const char *yrs[5] = {"2019", "2020", "2021", "2022", "2023"};
    for (int k = 0; k < 5; k++) {
        const char *c1[2] = {"A", yrs[k]}, *c2[2] = {"B", yrs[k]};
        om_sdc_input i1 = {.value = k + 1.0}, i2 = {.value = 10};
        om_sdc_add(s, c1, &i1, &e);
        om_sdc_add(s, c2, &i2, &e);
    }
    assert_int_equal(om_sdc_pool_years(s, 1, 3, &e), OM_OK);
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    rules.min_count = 5;
    assert_int_equal(om_sdc_protect(s, &rules, &FULL, &e), OM_OK);
    const char *w1[2] = {"A", "2019-2021"}, *w2[2] = {"A", "2022-2023"};
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)om_sdc_find(s, w1), &ci);
    assert_true(ci.value == 1 + 2 + 3);
    assert_int_equal(ci.status, OM_SDC_POOLED);
    om_sdc_cell(s, (size_t)om_sdc_find(s, w2), &ci);
    assert_true(ci.value == 4 + 5);
    assert_int_equal(om_sdc_ncells(s), 3 * 3);
    om_sdc_free(s);

    const char *d2[2] = {"regso", "sex"};
    assert_int_equal(om_sdc_new(&s, 2, d2, &e), OM_OK);
    const char *rg[3] = {"K1R001", "K1R002", "K1R003"};
    const double val[3] = {3, 50, 60};
    for (int k = 0; k < 3; k++) {
        om_sdc_set_parent(s, 0, rg[k], "K1", &e);
        for (int x = 1; x <= 2; x++) {
            const char *cd[2] = {rg[k], x == 1 ? "1" : "2"};
            om_sdc_input in = {.value = val[k]};
            om_sdc_add(s, cd, &in, &e);
        }
    }
    assert_int_equal(om_sdc_merge_small(s, 0, 20, &e), OM_OK);
    const char *ch, *un;
    assert_true(om_sdc_merge_map(s, 0, &ch, &un));
    assert_string_equal(un, "K1R001+K1R002");
    assert_int_equal(om_sdc_protect(s, &rules, &FULL, &e), OM_OK);
    const char *m1[2] = {"K1R001+K1R002", "1"};
    om_sdc_cell(s, (size_t)om_sdc_find(s, m1), &ci);
    assert_true(ci.value == 53);
    assert_int_equal(ci.status, OM_SDC_MERGED);
    om_sdc_free(s);
}

/* Random 3-D hierarchical tables (2 kommuner x 5 RegSO, sex, 4 ages) with
 * many small counts: protect (hypercubes, and the LP-only method) must end
 * with a pattern whose exact audit passes, every interval must contain the
 * true value, and every primary cell must be suppressed. */
static void test_random_3d(void **state)
{
    (void)state;
    uint64_t rng = 777;
    const char *dims[3] = {"geo", "sex", "age"};
    const char *geo[10] = {"k1r1", "k1r2", "k1r3", "k1r4", "k1r5", "k2r1", "k2r2", "k2r3", "k2r4", "k2r5"};
    const char *ages[4] = {"a1", "a2", "a3", "a4"};
    for (int trial = 0; trial < 12; trial++) {
        om_sdc *s = NULL;
        om_error e = OM_ERROR_INIT;
        assert_int_equal(om_sdc_new(&s, 3, dims, &e), OM_OK);
        for (int g = 0; g < 10; g++)
            om_sdc_set_parent(s, 0, geo[g], g < 5 ? "k1" : "k2", &e);
        for (int g = 0; g < 10; g++)
            for (int x = 0; x < 2; x++)
                for (int a = 0; a < 4; a++) {
                    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
                    const char *codes[3] = {geo[g], x ? "2" : "1", ages[a]};
                    om_sdc_input in = {.value = (double)((rng >> 35) % 14)};
                    assert_int_equal(om_sdc_add(s, codes, &in, &e), OM_OK);
                }
        om_sdc_rules rules;
        om_sdc_rules_default(&rules);
        rules.min_count = 4;
        rules.protection_abs = 1;
        om_sdc_options o = FULL;
        o.no_hypercube = trial % 2 == 1;
        assert_int_equal(om_sdc_protect(s, &rules, &o, &e), OM_OK);
        om_sdc_summary sm;
        om_sdc_get_summary(s, &sm);
        if (o.no_hypercube)
            assert_true(sm.lp_protections > 0 && sm.hypercubes == 0);
        size_t nf = 1;
        assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
        assert_int_equal(nf, 0);
        for (size_t i = 0; i < om_sdc_ncells(s); i++) {
            om_sdc_cell_info ci;
            om_sdc_cell(s, i, &ci);
            if (ci.value >= 1 && ci.value < 4)
                assert_int_equal(ci.status, OM_SDC_PRIMARY);
            if (ci.status == OM_SDC_PRIMARY || ci.status == OM_SDC_SECONDARY) {
                assert_true(ci.audited);
                assert_true(ci.lower <= ci.value + 1e-6 && ci.value <= ci.upper + 1e-6);
            }
            if (ci.status == OM_SDC_PRIMARY)
                assert_true(ci.lower <= fmax(0, ci.value - 1) + 1e-6 && ci.upper >= ci.value + 1 - 1e-6);
        }
        om_sdc_free(s);
    }
}

/* Area-type totals cut across the geography: r1,r3 are type A, r2,r4 type
 * B, in kommuner k1 = {r1,r2}, k2 = {r3,r4}.  The rectangle {r1,r2} x
 * {1,2}, safe for the geography alone, leaks r1,1 = (A,1) - (r3,1) once
 * type totals are published; with the groupings in the model the audit
 * sees it and protect avoids it. */
static om_sdc *typed_table(void)
{
    const char *dims[2] = {"geo", "sex"};
    om_error e = OM_ERROR_INIT;
    om_sdc *s = NULL;
    assert_int_equal(om_sdc_new(&s, 2, dims, &e), OM_OK);
    const char *g[4] = {"r1", "r2", "r3", "r4"}, *k[4] = {"k1", "k1", "k2", "k2"}, *ty[4] = {"A", "B", "A", "B"};
    const double v[8] = {2, 30, 25, 28, 40, 35, 33, 31};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(om_sdc_set_parent(s, 0, g[i], k[i], &e), OM_OK);
        assert_int_equal(om_sdc_add_group(s, 0, ty[i], g[i], &e), OM_OK);
        for (int x = 0; x < 2; x++) {
            const char *codes[2] = {g[i], x ? "2" : "1"};
            om_sdc_input in = {.value = v[i * 2 + x]};
            assert_int_equal(om_sdc_add(s, codes, &in, &e), OM_OK);
        }
    }
    assert_int_equal(om_sdc_add_group(s, 0, "A", "r1", &e), OM_ERR_INPUT);
    return s;
}

static void test_groups(void **state)
{
    (void)state;
    om_sdc *s = typed_table();
    om_error e = OM_ERROR_INIT;
    om_sdc_rules rules;
    om_sdc_rules_default(&rules);
    rules.min_count = 3;
    assert_int_equal(om_sdc_apply_primary(s, &rules, &e), OM_OK);
    /* geo nodes r1..r4, k1, k2, Total, A, B  x  sex 1, 2, Total */
    assert_int_equal(om_sdc_ncells(s), 9 * 3);
    const char *a1[2] = {"A", "1"};
    om_sdc_cell_info ci;
    om_sdc_cell(s, (size_t)om_sdc_find(s, a1), &ci);
    assert_true(ci.value == 2 + 40);
    const char *blk[4][2] = {{"r1", "1"}, {"r1", "2"}, {"r2", "1"}, {"r2", "2"}};
    for (int q = 1; q < 4; q++)
        om_sdc_set_status(s, (size_t)om_sdc_find(s, blk[q]), OM_SDC_SECONDARY);
    size_t nf = 0;
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 1);
    const char *r11[2] = {"r1", "1"};
    om_sdc_cell(s, (size_t)om_sdc_find(s, r11), &ci);
    assert_true(fabs(ci.lower - 2) < 1e-9 && fabs(ci.upper - 2) < 1e-9);
    om_sdc_free(s);

    s = typed_table();
    assert_int_equal(om_sdc_protect(s, &rules, &FULL, &e), OM_OK);
    om_sdc_cell(s, (size_t)om_sdc_find(s, r11), &ci);
    assert_int_equal(ci.status, OM_SDC_PRIMARY);
    assert_true(ci.lower <= 1.8 && ci.upper >= 2.2);
    assert_int_equal(om_sdc_audit(s, &rules, &nf, &e), OM_OK);
    assert_int_equal(nf, 0);
    om_sdc_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_intervals), cmocka_unit_test(test_trap),  cmocka_unit_test(test_unsafe_narrow),
        cmocka_unit_test(test_hierarchy),      cmocka_unit_test(test_linked), cmocka_unit_test(test_rules),
        cmocka_unit_test(test_eb),             cmocka_unit_test(test_round_merge),
        cmocka_unit_test(test_bruteforce),     cmocka_unit_test(test_pool_merge_model),
        cmocka_unit_test(test_random_3d),      cmocka_unit_test(test_groups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

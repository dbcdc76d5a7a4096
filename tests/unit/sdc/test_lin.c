/* Unit tests of om_sdc_lin (linked table sets as linear systems).
 * References: hand-computed feasibility intervals, and an attacker written
 * here independently of src/sdc (its own GLPK model of the table, built
 * from the table's definition, not from om_sdc_lin's relations), run over
 * random 3 x 4 tables with margins (Hundepool et al. 2012, §4.3: the
 * attacker's interval of a suppressed cell is the min/max over the
 * polytope of the published table). */
#include "om_test.h"
#include "omrade/sdc.h"

#include <glpk.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static om_sdc_lin *mk(void)
{
    om_sdc_lin *m = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sdc_lin_new(&m, &e), OM_OK);
    return m;
}

static int32_t cell(om_sdc_lin *m, double x, double ub, double cost)
{
    int32_t id;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_sdc_lin_cell(m, x, ub, cost, &id, &e), OM_OK);
    return id;
}

/* T = a + b + c; a = 2 is primary and needs upper >= 5.  Differencing
 * would give a = T - b - c, so one of b, c must go: b (cheaper, and 10 >= 3
 * can absorb the move).  By hand: a + b = 12, so a in [0, 12]. */
static void test_one_relation(void **st)
{
    (void)st;
    om_sdc_lin *m = mk();
    om_error e = OM_ERROR_INIT;
    int32_t T = cell(m, 32, INFINITY, 100), a = cell(m, 2, INFINITY, 1), b = cell(m, 10, INFINITY, 2),
            c = cell(m, 20, INFINITY, 3);
    int32_t parts[3] = {a, b, c};
    assert_int_equal(om_sdc_lin_sum(m, T, parts, 3, &e), OM_OK);
    om_sdc_lin_require(m, a, 0, 3);
    om_sdc_lin_summary sum;
    assert_int_equal(om_sdc_lin_protect(m, 0, &sum, &e), OM_OK);
    assert_int_equal(om_sdc_lin_status(m, a), OM_SDC_PRIMARY);
    assert_int_equal(om_sdc_lin_status(m, b), OM_SDC_SECONDARY);
    assert_int_equal(om_sdc_lin_status(m, c), OM_SDC_PUBLISHED);
    assert_int_equal(om_sdc_lin_status(m, T), OM_SDC_PUBLISHED);
    size_t nf = 9;
    assert_int_equal(om_sdc_lin_audit(m, &nf, &e), OM_OK); /* exact intervals */
    assert_int_equal(nf, 0);
    double lo, hi;
    assert_true(om_sdc_lin_interval(m, a, &lo, &hi));
    assert_true(fabs(lo - 0) < 1e-9 && fabs(hi - 12) < 1e-9);
    om_sdc_lin_free(m);
}

/* A partner that cannot absorb the requirement is skipped: b = 1 cannot
 * move down by 3, c = 20 can, although c costs more. */
static void test_partner_capacity(void **st)
{
    (void)st;
    om_sdc_lin *m = mk();
    om_error e = OM_ERROR_INIT;
    int32_t T = cell(m, 23, INFINITY, 100), a = cell(m, 2, INFINITY, 1), b = cell(m, 1, INFINITY, 2),
            c = cell(m, 20, INFINITY, 3);
    int32_t parts[3] = {a, b, c};
    assert_int_equal(om_sdc_lin_sum(m, T, parts, 3, &e), OM_OK);
    om_sdc_lin_require(m, a, 0, 3);
    assert_int_equal(om_sdc_lin_protect(m, 0, NULL, &e), OM_OK);
    assert_int_equal(om_sdc_lin_status(m, c), OM_SDC_SECONDARY);
    size_t nf = 99;
    assert_int_equal(om_sdc_lin_audit(m, &nf, &e), OM_OK);
    assert_int_equal(nf, 0);
    om_sdc_lin_free(m);
}

/* A hidden remainder (never published) protects without a secondary:
 * D = a + h with D public and h hidden gives a in [0, D]. */
static void test_hidden(void **st)
{
    (void)st;
    om_sdc_lin *m = mk();
    om_error e = OM_ERROR_INIT;
    int32_t D = cell(m, 40, INFINITY, INFINITY), a = cell(m, 3, 40, 1), h = cell(m, 37, INFINITY, INFINITY);
    om_sdc_lin_hide(m, h);
    int32_t parts[2] = {a, h};
    assert_int_equal(om_sdc_lin_sum(m, D, parts, 2, &e), OM_OK);
    om_sdc_lin_require(m, a, 3, 37); /* the whole [0, 40] */
    om_sdc_lin_summary sum;
    assert_int_equal(om_sdc_lin_protect(m, 0, &sum, &e), OM_OK);
    assert_int_equal(sum.secondary, 0);
    assert_int_equal(sum.hidden, 1);
    assert_int_equal(om_sdc_lin_audit(m, NULL, &e), OM_OK);
    double lo, hi;
    assert_true(om_sdc_lin_interval(m, a, &lo, &hi));
    assert_true(lo < 1e-9 && fabs(hi - 40) < 1e-9);
    om_sdc_lin_free(m);
}

/* Bounds count: a share's numerator cannot exceed its denominator, so a
 * pattern that is safe without bounds can fail with them.  a = 4 of d = 4
 * (everyone) beside b = 0 of 100 in T = a + b = 4: suppressing a and b gives
 * a + b = 4 with b <= 100: a in [0, 4], requirement down 4: passes. */
static void test_bounds(void **st)
{
    (void)st;
    om_sdc_lin *m = mk();
    om_error e = OM_ERROR_INIT;
    int32_t T = cell(m, 4, 104, 100), a = cell(m, 4, 4, 1), b = cell(m, 0, 100, 1);
    int32_t parts[2] = {a, b};
    assert_int_equal(om_sdc_lin_sum(m, T, parts, 2, &e), OM_OK);
    om_sdc_lin_require(m, a, 4, 0);
    assert_int_equal(om_sdc_lin_protect(m, 0, NULL, &e), OM_OK);
    assert_int_equal(om_sdc_lin_audit(m, NULL, &e), OM_OK);
    double lo, hi;
    assert_true(om_sdc_lin_interval(m, a, &lo, &hi));
    assert_true(lo < 1e-9 && fabs(hi - 4) < 1e-9);
    om_sdc_lin_free(m);
}

/* No safe pattern exists when the only partners may never be suppressed. */
static void test_impossible(void **st)
{
    (void)st;
    om_sdc_lin *m = mk();
    om_error e = OM_ERROR_INIT;
    int32_t T = cell(m, 12, INFINITY, INFINITY), a = cell(m, 2, INFINITY, 1), b = cell(m, 10, INFINITY, INFINITY);
    int32_t parts[2] = {a, b};
    assert_int_equal(om_sdc_lin_sum(m, T, parts, 2, &e), OM_OK);
    om_sdc_lin_require(m, a, 0, 3);
    assert_int_equal(om_sdc_lin_protect(m, 0, NULL, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "no safe suppression pattern"));
    om_sdc_lin_free(m);
}

/* ---------------- the independent attacker over random 3 x 4 tables */

enum { R = 3, C = 4 };

/* Cells: inner r*C+c, row totals R*C+r, column totals R*C+R+c, grand last. */
#define NCELL (R * C + R + C + 1)

/* min/max of cell `target` given the published values (pub[i]) and the
 * table's own equations, written from the table's definition. */
static void attack(const double *v, const bool *sup, int target, double *lo, double *hi)
{
    glp_prob *lp = glp_create_prob();
    glp_add_cols(lp, NCELL);
    for (int i = 0; i < NCELL; i++) {
        if (sup[i])
            glp_set_col_bnds(lp, i + 1, GLP_LO, 0, 0);
        else
            glp_set_col_bnds(lp, i + 1, GLP_FX, v[i], v[i]);
    }
    glp_add_rows(lp, R + C + 1);
    int ia[1 + 64], ja[1 + 64];
    double ar[1 + 64];
    int q = 0, row = 0;
    for (int r = 0; r < R; r++) {
        row++;
        for (int c = 0; c < C; c++) {
            ++q, ia[q] = row, ja[q] = r * C + c + 1, ar[q] = 1;
        }
        ++q, ia[q] = row, ja[q] = R * C + r + 1, ar[q] = -1;
        glp_set_row_bnds(lp, row, GLP_FX, 0, 0);
    }
    for (int c = 0; c < C; c++) {
        row++;
        for (int r = 0; r < R; r++) {
            ++q, ia[q] = row, ja[q] = r * C + c + 1, ar[q] = 1;
        }
        ++q, ia[q] = row, ja[q] = R * C + R + c + 1, ar[q] = -1;
        glp_set_row_bnds(lp, row, GLP_FX, 0, 0);
    }
    row++;
    for (int r = 0; r < R; r++) {
        ++q, ia[q] = row, ja[q] = R * C + r + 1, ar[q] = 1;
    }
    ++q, ia[q] = row, ja[q] = NCELL, ar[q] = -1;
    glp_set_row_bnds(lp, row, GLP_FX, 0, 0);
    glp_load_matrix(lp, q, ia, ja, ar);
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    glp_set_obj_coef(lp, target + 1, 1);
    glp_set_obj_dir(lp, GLP_MIN);
    assert_int_equal(glp_simplex(lp, &parm), 0);
    *lo = glp_get_obj_val(lp);
    glp_set_obj_dir(lp, GLP_MAX);
    assert_int_equal(glp_simplex(lp, &parm), 0);
    *hi = glp_get_status(lp) == GLP_UNBND ? INFINITY : glp_get_obj_val(lp);
    glp_delete_prob(lp);
}

static void test_random_tables(void **st)
{
    (void)st;
    glp_term_out(GLP_OFF);
    srand(12345);
    int checked = 0, suppressed_total = 0;
    for (int trial = 0; trial < 200; trial++) {
        double v[NCELL] = {0};
        for (int r = 0; r < R; r++)
            for (int c = 0; c < C; c++) {
                double x = rand() % 4 == 0 ? 1 + rand() % 4 : rand() % 30;
                v[r * C + c] = x;
                v[R * C + r] += x;
                v[R * C + R + c] += x;
                v[NCELL - 1] += x;
            }
        om_sdc_lin *m = mk();
        om_error e = OM_ERROR_INIT;
        int32_t id[NCELL];
        for (int i = 0; i < NCELL; i++)
            id[i] = cell(m, v[i], INFINITY, (i < R * C ? 1 : i < NCELL - 1 ? 1e3 : 1e6) * (1 + log1p(v[i])));
        for (int r = 0; r < R; r++) {
            int32_t p[C];
            for (int c = 0; c < C; c++)
                p[c] = id[r * C + c];
            assert_int_equal(om_sdc_lin_sum(m, id[R * C + r], p, C, &e), OM_OK);
        }
        for (int c = 0; c < C; c++) {
            int32_t p[R];
            for (int r = 0; r < R; r++)
                p[r] = id[r * C + c];
            assert_int_equal(om_sdc_lin_sum(m, id[R * C + R + c], p, R, &e), OM_OK);
        }
        int32_t pr[R];
        for (int r = 0; r < R; r++)
            pr[r] = id[R * C + r];
        assert_int_equal(om_sdc_lin_sum(m, id[NCELL - 1], pr, R, &e), OM_OK);
        /* threshold rule k = 5 with the sliding requirement: upper >= 5 */
        double up[NCELL] = {0};
        for (int i = 0; i < NCELL; i++)
            if (v[i] >= 1 && v[i] < 5) {
                up[i] = 5 - v[i];
                om_sdc_lin_require(m, id[i], 0, up[i]);
            }
        om_status s = om_sdc_lin_protect(m, 0, NULL, &e);
        assert_int_equal(s, OM_OK);
        bool sup[NCELL];
        for (int i = 0; i < NCELL; i++)
            sup[i] = om_sdc_lin_status(m, id[i]) != OM_SDC_PUBLISHED;
        for (int i = 0; i < NCELL; i++) {
            if (up[i] == 0)
                continue;
            assert_true(sup[i]);
            double lo, hi;
            attack(v, sup, i, &lo, &hi);
            if (!(hi >= v[i] + up[i] - 1e-7))
                fail_msg("trial %d cell %d value %g: attacker's upper %g < %g", trial, i, v[i], hi, v[i] + up[i]);
            double mlo, mhi; /* exact intervals, where the audit needed them, agree */
            if (om_sdc_lin_interval(m, id[i], &mlo, &mhi))
                assert_true(fabs(mlo - lo) < 1e-6 && (fabs(mhi - hi) < 1e-6 || (isinf(mhi) && isinf(hi))));
            checked++;
        }
        for (int i = 0; i < NCELL; i++)
            suppressed_total += sup[i];
        om_sdc_lin_free(m);
    }
    assert_true(checked > 100);
    assert_true(suppressed_total > checked);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_one_relation), cmocka_unit_test(test_partner_capacity),
        cmocka_unit_test(test_hidden),       cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_impossible),   cmocka_unit_test(test_random_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for om_sei against hand-computed cases.
 *
 * References: the definition of SCB's area types (SEI = mean of three
 * shares; z = (SEI − mean)/SD with the sample SD over the areas of a year;
 * 1: z > 2, 2: 1 < z ≤ 2, 3: 0 < z ≤ 1, 4: −1 ≤ z ≤ 0, 5: z < −1) and the
 * arithmetic written out in the comments of each test. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/sei.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static om_sei *from_sei_values(const double *x, size_t n, int32_t year)
{
    om_error e = OM_ERROR_INIT;
    om_sei *s = NULL;
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    for (size_t i = 0; i < n; i++) {
        char a[32];
        snprintf(a, sizeof a, "A%zu", i);
        /* three equal shares: the SEI is the share itself */
        double p[3] = {x[i], x[i], x[i]};
        assert_int_equal(om_sei_add_shares(s, a, strlen(a), year, p, &e), OM_OK);
    }
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    return s;
}

/* SEI values 0 9 12 15 15 15 30 33 54 87: sum 270, mean 27; deviations
 * −27 −18 −15 −12 −12 −12 3 6 27 60, squares sum to 6084, sample variance
 * 6084/9 = 676, SD 26.  z = −27/26, −9/13, −15/26, −6/13 (×3), 3/26, 3/13,
 * 27/26, 30/13 → types 5 4 4 4 4 4 3 3 2 1. */
static void test_hand_computed(void **state)
{
    (void)state;
    const double x[10] = {0, 9, 12, 15, 15, 15, 30, 33, 54, 87};
    const double z[10] = {-27.0 / 26, -9.0 / 13, -15.0 / 26, -6.0 / 13, -6.0 / 13,
                          -6.0 / 13,  3.0 / 26,  3.0 / 13,   27.0 / 26, 30.0 / 13};
    const int type[10] = {5, 4, 4, 4, 4, 4, 3, 3, 2, 1};
    om_sei *s = from_sei_values(x, 10, 2021);
    assert_int_equal(om_sei_year_count(s), 1);
    const om_sei_year *y = om_sei_year_at(s, 0);
    assert_int_equal(y->year, 2021);
    assert_int_equal(y->n_valid, 10);
    assert_true(y->mean == 27.0);
    assert_true(y->sd == 26.0);
    const int64_t want_counts[6] = {0, 1, 1, 2, 5, 1};
    for (int t = 0; t < 6; t++)
        assert_int_equal(y->n_type[t], want_counts[t]);
    for (size_t i = 0; i < 10; i++) {
        const om_sei_row *r = om_sei_row_at(s, i);
        assert_true(r->sei == x[i]);
        assert_true(fabs(r->z - z[i]) < 1e-15);
        assert_int_equal(r->area_type, type[i]);
        assert_int_equal(r->flag, OM_SEI_OK);
    }
    om_sei_free(s);
}

/* Unequal shares: (10, 20, 60) → SEI 30; (0, 0, 0) → 0; (5, 10, 15) → 10;
 * (50, 40, 30) → 40.  Mean 20, deviations 10 −20 −10 20, variance
 * 1000/3, SD 18.257418583505537; z = ±0.5477…, ±1.0954… → types 3 5 4 2. */
static void test_mean_of_shares(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_sei *s = NULL;
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    const double p[4][3] = {{10, 20, 60}, {0, 0, 0}, {5, 10, 15}, {50, 40, 30}};
    const char *names[4] = {"0114R001", "0114R002", "x", "Göteborg"};
    for (int i = 0; i < 4; i++)
        assert_int_equal(om_sei_add_shares(s, names[i], strlen(names[i]), 2019, p[i], &e), OM_OK);
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    const double sei[4] = {30, 0, 10, 40};
    const int type[4] = {3, 5, 4, 2};
    double sd = sqrt(1000.0 / 3.0);
    for (int i = 0; i < 4; i++) {
        const om_sei_row *r = om_sei_row_at(s, (size_t)i);
        assert_string_equal(r->area, names[i]);
        assert_true(r->sei == sei[i]);
        assert_true(fabs(r->z - (sei[i] - 20) / sd) < 1e-14);
        assert_int_equal(r->area_type, type[i]);
    }
    assert_true(fabs(om_sei_year_at(s, 0)->sd - 18.257418583505537) < 1e-13);
    om_sei_free(s);
}

/* Exactly on the class boundaries, with values that are not binary
 * fractions so that naive floating point lands a few ulps off.
 *   v = {2, −1, −1, 0, 0, 0, 0}: sum 0, Σv² = 6 = n − 1, so mean 0, SD 1 and
 *   z = v exactly; SEI = 12.3 + 0.7·v.  Types: z = 2 → 2, z = −1 → 4,
 *   z = 0 → 4.
 *   v = {1, 1, −1, −1, 0}: sum 0, Σv² = 4 = n − 1; SEI = 0.2 + 0.1·v
 *   (0.3, 0.3, 0.1, 0.1, 0.2).  z = 1 → 3, z = −1 → 4, z = 0 → 4. */
static void test_boundaries(void **state)
{
    (void)state;
    const double v1[7] = {2, -1, -1, 0, 0, 0, 0};
    const int t1[7] = {2, 4, 4, 4, 4, 4, 4};
    const double v2[5] = {1, 1, -1, -1, 0};
    const int t2[5] = {3, 3, 4, 4, 4};
    double x1[7], x2[5];
    for (int i = 0; i < 7; i++)
        x1[i] = 12.3 + 0.7 * v1[i];
    for (int i = 0; i < 5; i++)
        x2[i] = 0.2 + 0.1 * v2[i];
    int naive_off = 0;
    for (int round = 0; round < 2; round++) {
        const double *x = round ? x2 : x1, *v = round ? v2 : v1;
        const int *t = round ? t2 : t1;
        size_t n = round ? 5 : 7;
        om_sei *s = from_sei_values(x, n, 2020);
        const om_sei_year *y = om_sei_year_at(s, 0);
        for (size_t i = 0; i < n; i++) {
            const om_sei_row *r = om_sei_row_at(s, i);
            assert_true(r->z == v[i]);
            assert_int_equal(r->area_type, t[i]);
            double naive = (r->sei - y->mean) / y->sd;
            naive_off += naive != v[i];
        }
        om_sei_free(s);
    }
    /* the snapping matters: unsnapped, some z are off the boundary */
    assert_true(naive_off > 0);
}

static void test_type_of_z(void **state)
{
    (void)state;
    assert_int_equal(om_sei_type_of_z(2.0), 2);
    assert_int_equal(om_sei_type_of_z(nextafter(2.0, 3.0)), 1);
    assert_int_equal(om_sei_type_of_z(1.0), 3);
    assert_int_equal(om_sei_type_of_z(nextafter(1.0, 2.0)), 2);
    assert_int_equal(om_sei_type_of_z(0.0), 4);
    assert_int_equal(om_sei_type_of_z(-0.0), 4);
    assert_int_equal(om_sei_type_of_z(nextafter(0.0, 1.0)), 3);
    assert_int_equal(om_sei_type_of_z(-1.0), 4);
    assert_int_equal(om_sei_type_of_z(nextafter(-1.0, -2.0)), 5);
    assert_int_equal(om_sei_type_of_z(NAN), 0);
    assert_true(om_sei_snap_z(1.0 + 1e-12) == 1.0);
    assert_true(om_sei_snap_z(-1.0 - 1e-12) == -1.0);
    assert_true(om_sei_snap_z(1e-13) == 0.0);
    assert_true(om_sei_snap_z(1.0 + 1e-8) == 1.0 + 1e-8);
    assert_true(om_sei_snap_z(3.0) == 3.0);
}

/* Shares and counts give identical results when the counts encode the
 * same shares exactly: 9 % = 27/300, 12 % = 84/700, 87 % = 261/300 … */
static void test_shares_vs_counts(void **state)
{
    (void)state;
    const double x[10] = {0, 9, 12, 15, 15, 15, 30, 33, 54, 87};
    const int64_t k[3] = {3, 7, 1};
    om_error e = OM_ERROR_INIT;
    om_sei *a = from_sei_values(x, 10, 2018), *b = NULL;
    assert_int_equal(om_sei_new(&b, &e), OM_OK);
    for (size_t i = 0; i < 10; i++) {
        char nm[32];
        snprintf(nm, sizeof nm, "A%zu", i);
        int64_t num[3], den[3];
        for (int j = 0; j < 3; j++) {
            num[j] = (int64_t)x[i] * k[j];
            den[j] = 100 * k[j];
        }
        assert_int_equal(om_sei_add_counts(b, nm, strlen(nm), 2018, num, den, &e), OM_OK);
    }
    assert_int_equal(om_sei_compute(b, &e), OM_OK);
    for (size_t i = 0; i < 10; i++) {
        const om_sei_row *ra = om_sei_row_at(a, i), *rb = om_sei_row_at(b, i);
        for (int j = 0; j < 3; j++)
            assert_true(ra->pct[j] == rb->pct[j]);
        assert_true(ra->sei == rb->sei);
        assert_true(ra->z == rb->z);
        assert_int_equal(ra->area_type, rb->area_type);
    }
    /* 1/3 as a count is the double nearest 100/3, as the share text is */
    om_sei_free(b);
    assert_int_equal(om_sei_new(&b, &e), OM_OK);
    int64_t num[3] = {1, 1, 1}, den[3] = {3, 3, 3};
    assert_int_equal(om_sei_add_counts(b, "q", 1, 2018, num, den, &e), OM_OK);
    assert_int_equal(om_sei_compute(b, &e), OM_OK);
    assert_true(om_sei_row_at(b, 0)->pct[0] == 100.0 / 3.0);
    om_sei_free(a);
    om_sei_free(b);
}

/* Flags: a missing value and a zero denominator are excluded from the mean
 * and SD; the remaining areas 10, 20, 30 give mean 20, SD 10.  A year with
 * one area or with all SEI equal has no SD: its rows are flagged. */
static void test_flags(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_sei *s = NULL;
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    double p10[3] = {10, 10, 10}, p20[3] = {20, 20, 20}, p30[3] = {30, 30, 30};
    double pmiss[3] = {99, NAN, 99};
    int64_t num[3] = {0, 1, 1}, den[3] = {0, 1, 1};
    assert_int_equal(om_sei_add_shares(s, "a", 1, 2020, p10, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "b", 1, 2020, pmiss, &e), OM_OK);
    assert_int_equal(om_sei_add_counts(s, "c", 1, 2020, num, den, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "d", 1, 2020, p20, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "e", 1, 2020, p30, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "a", 1, 2021, p10, &e), OM_OK); /* alone */
    double p01[3] = {0.1, 0.1, 0.1};
    assert_int_equal(om_sei_add_shares(s, "a", 1, 2022, p01, &e), OM_OK); /* all equal */
    assert_int_equal(om_sei_add_shares(s, "b", 1, 2022, p01, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "c", 1, 2022, p01, &e), OM_OK);
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    assert_int_equal(om_sei_year_count(s), 3);
    const om_sei_year *y = om_sei_year_at(s, 0);
    assert_int_equal(y->n_rows, 5);
    assert_int_equal(y->n_valid, 3);
    assert_true(y->mean == 20.0);
    assert_true(y->sd == 10.0);
    assert_int_equal(y->n_type[0], 2);
    const om_sei_row *b = om_sei_row_at(s, 1), *c = om_sei_row_at(s, 2);
    assert_int_equal(b->flag, OM_SEI_MISSING);
    assert_int_equal(b->flag_indicator, OM_SEI_PRE_UPPER);
    assert_true(isnan(b->sei) && isnan(b->z));
    assert_int_equal(b->area_type, 0);
    assert_int_equal(c->flag, OM_SEI_ZERO_DENOM);
    assert_int_equal(c->flag_indicator, OM_SEI_LOW_ECON);
    assert_int_equal(om_sei_row_at(s, 3)->area_type, 4); /* z = 0 */
    assert_int_equal(om_sei_row_at(s, 4)->area_type, 3); /* z = 1 */
    assert_int_equal(om_sei_row_at(s, 5)->flag, OM_SEI_SD_UNDEFINED);
    assert_true(isnan(om_sei_year_at(s, 1)->sd));
    for (size_t i = 6; i < 9; i++) {
        assert_int_equal(om_sei_row_at(s, i)->flag, OM_SEI_SD_UNDEFINED);
        assert_int_equal(om_sei_row_at(s, i)->area_type, 0);
    }
    int64_t fc[4];
    om_sei_flag_counts(s, fc);
    assert_int_equal(fc[OM_SEI_MISSING], 1);
    assert_int_equal(fc[OM_SEI_ZERO_DENOM], 1);
    assert_int_equal(fc[OM_SEI_SD_UNDEFINED], 4);
    om_sei_free(s);
}

static void test_api_errors(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_sei *s = NULL;
    assert_int_equal(om_sei_new(&s, &e), OM_OK);
    double ok[3] = {1, 2, 3}, bad[3] = {1, 100.5, 3}, neg[3] = {-0.1, 2, 3};
    assert_int_equal(om_sei_add_shares(s, "a", 1, 2020, ok, &e), OM_OK);
    assert_int_equal(om_sei_add_shares(s, "a", 1, 2020, ok, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "twice"));
    assert_int_equal(om_sei_add_shares(s, "b", 1, 2020, bad, &e), OM_ERR_INPUT);
    assert_int_equal(om_sei_add_shares(s, "b", 1, 2020, neg, &e), OM_ERR_INPUT);
    assert_int_equal(om_sei_add_shares(s, "", 0, 2020, ok, &e), OM_ERR_INPUT);
    assert_int_equal(om_sei_add_shares(s, "b", 1, 20, ok, &e), OM_ERR_INPUT);
    int64_t num[3] = {5, 1, 1}, den[3] = {4, 1, 1};
    assert_int_equal(om_sei_add_counts(s, "b", 1, 2020, num, den, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "numerator"));
    assert_int_equal(om_sei_count(s), 1);
    om_sei_free(s);
}

/* Reading a counts file with a missing value through the CSV path. */
static void test_read(void **state)
{
    (void)state;
    char path[] = "/tmp/om_sei_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs("year,area,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,"
          "assist_unemp_d,note\n"
          "2020,a,1,10,1,10,1,10,x\n"
          "2020,b,2,10,2,10,2,10,\n"
          "2020,c,..,10,2,10,2,10,\n"
          "2020,d,3,10,3,10,3,10,\n",
          fp);
    fclose(fp);
    om_error e = OM_ERROR_INIT;
    om_sei *s = NULL;
    assert_int_equal(om_sei_read(&s, path, &e), OM_OK);
    remove(path);
    assert_int_equal(om_sei_compute(s, &e), OM_OK);
    assert_int_equal(om_sei_count(s), 4);
    /* SEI 10, 20, 30: mean 20, SD 10, z −1, 0, 1 */
    assert_true(om_sei_row_at(s, 0)->z == -1.0);
    assert_true(om_sei_row_at(s, 1)->z == 0.0);
    assert_int_equal(om_sei_row_at(s, 2)->flag, OM_SEI_MISSING);
    assert_int_equal(om_sei_row_at(s, 2)->line, 4);
    assert_true(om_sei_row_at(s, 3)->z == 1.0);
    om_sei_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_computed), cmocka_unit_test(test_mean_of_shares),
        cmocka_unit_test(test_boundaries),    cmocka_unit_test(test_type_of_z),
        cmocka_unit_test(test_shares_vs_counts), cmocka_unit_test(test_flags),
        cmocka_unit_test(test_api_errors),    cmocka_unit_test(test_read),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

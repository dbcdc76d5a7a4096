#define _POSIX_C_SOURCE 200809L
/* Need indices against hand computations (worked next to each value).
 * Definitions (src/need/index.c, docs/need.md):
 * - CNI relative to the whole input: sum_k w_k p_uk / sum_k w_k P_k, with
 *   the seven variables of SCB's CNI product sheet; the weights here are
 *   test values, not the published ones (omrade has none built in).
 * - Sorteringsnyckel (Öppna jämförelser ekonomiskt bistånd 2011/2013):
 *   key = sum of z-scores of the shares (sample SD); equal-count groups by
 *   ascending key: group = floor(rank * G / n) + 1.
 * - Child-adapted SEI: mean of the three shares (percent) per age group,
 *   z over units with sample SD, as SCB's SEI. */
#include "om_test.h"

#include "omrade/need.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NEAR(a, b) assert_true(fabs((a) - (b)) <= 1e-12)

static char *tmpfile_with(const char *text)
{
    static char path[8][64];
    static int k;
    char *p = path[k++ % 8];
    strcpy(p, "/tmp/om_need_XXXXXX");
    int fd = mkstemp(p);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return p;
}

static om_need_table *compute(const char *csv, om_need_opts o)
{
    char *p = tmpfile_with(csv);
    om_need_table *t = NULL;
    om_error err = OM_ERROR_INIT;
    om_status s = om_need_compute(p, &o, &t, &err);
    if (s != OM_OK)
        fprintf(stderr, "%s\n", err.msg);
    assert_int_equal(s, OM_OK);
    unlink(p);
    return t;
}

static void test_cni(void **state)
{
    (void)state;
    /* weights 1..7 in column order (test values) */
    double w[7] = {1, 2, 3, 4, 5, 6, 7};
    om_need_opts o = {.index = OM_NEED_CNI, .cni_weights = w};
    om_need_table *t = compute(
        "area,population,under5,born_outside,elderly_alone,unemployed,single_parent,moved_in,low_education\n"
        "U1,100,10,20,5,10,2,10,15\n"
        "U2,300,15,30,15,15,6,30,30\n",
        o);
    /* U1: .10*1+.20*2+.05*3+.10*4+.02*5+.10*6+.15*7 = 2.8
     * U2: .05*1+.10*2+.05*3+.05*4+.02*5+.10*6+.10*7 = 2.0
     * all: counts 25,50,20,25,8,40,45 of 400 -> 880/400 = 2.2 */
    NEAR(om_need_value(t, 0, "cni"), 2.8 / 2.2);
    NEAR(om_need_value(t, 1, "cni"), 2.0 / 2.2);
    NEAR(om_need_value(t, 0, "under5_pct"), 10);
    NEAR(om_need_value(t, 1, "under5_pct"), 5);
    /* identity: the population-weighted mean of CNI is 1 */
    NEAR((100 * om_need_value(t, 0, "cni") + 300 * om_need_value(t, 1, "cni")) / 400, 1);
    om_need_table_free(t);
    /* A negative reference is a usage error. */
    om_need_opts bad = {.index = OM_NEED_CNI, .cni_reference = -1};
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_need_compute("/nonexistent", &bad, &t, &err), OM_ERR_USAGE);
}

/* The published weights against SCB's example delivery ("Care Need Index
 * (CNI)", scb.se): weighted sums 3.23*595 + 5.72*1391 + 6.15*484 +
 * 5.13*981 + 4.19*167 + 4.19*385 + 3.97*632 = 22709.42 and 7869.74 for
 * 5,912 and 2,407 persons; SCB's CNI 1.5513 and 1.3204 (four decimals)
 * relative to riket, whose level 2.47615 both imply. */
static void test_cni_scb(void **state)
{
    (void)state;
    const char *csv = "area,population,under5,born_outside,elderly_alone,unemployed,single_parent,moved_in,"
                      "low_education\n"
                      "E1,5912,595,1391,484,981,167,385,632\n"
                      "E2,2407,293,330,215,300,80,240,210\n";
    om_need_table *t = compute(csv, (om_need_opts){.index = OM_NEED_CNI, .cni_reference = 2.47615});
    assert_true(fabs(om_need_value(t, 0, "cni") - 1.5513) < 5e-5);
    assert_true(fabs(om_need_value(t, 1, "cni") - 1.3204) < 5e-5);
    NEAR(om_need_value(t, 0, "cni"), 22709.42 / 5912 / 2.47615);
    om_need_table_free(t);
    /* without a reference: 1 = both units together */
    t = compute(csv, (om_need_opts){.index = OM_NEED_CNI});
    NEAR(om_need_value(t, 1, "cni"), 7869.74 / 2407 / ((22709.42 + 7869.74) / 8319));
    om_need_table_free(t);
}

static void test_key2013(void **state)
{
    (void)state;
    om_need_opts o = {.index = OM_NEED_KEY2013};
    om_need_table *t = compute("area,population,low_income,no_work\n"
                               "A,100,10,5\nB,200,40,10\nC,100,30,20\n",
                               o);
    /* low_income % 10,20,30: mean 20, sd 10 -> z -1, 0, 1
     * no_work % 5,5,20: mean 10, sd sqrt((25+25+100)/2) = sqrt(75)
     *   -> z -5/sqrt75, -5/sqrt75, 10/sqrt75 */
    double s75 = sqrt(75.0);
    NEAR(om_need_value(t, 0, "key"), -1 - 5 / s75);
    NEAR(om_need_value(t, 1, "key"), 0 - 5 / s75);
    NEAR(om_need_value(t, 2, "key"), 1 + 10 / s75);
    /* ranks 0,1,2 of 3 into 8 groups: floor(r*8/3)+1 = 1, 3, 6 */
    NEAR(om_need_value(t, 0, "group"), 1);
    NEAR(om_need_value(t, 1, "group"), 3);
    NEAR(om_need_value(t, 2, "group"), 6);
    om_need_table_free(t);
}

static void test_key2011_groups(void **state)
{
    (void)state;
    /* 20 kommuner whose three shares all rise with i (i, 2i, 3i %): each z
     * is linear in i, so the key ranks the units in order and the 10 groups
     * hold 2 units each: group = floor((i-1)*10/20)+1 */
    char buf[4096];
    size_t o_ = (size_t)snprintf(buf, sizeof buf, "area,population,low_income,low_education,no_work\n");
    for (int i = 1; i <= 20; i++)
        o_ += (size_t)snprintf(buf + o_, sizeof buf - o_, "K%02d,100,%d,%d,%d\n", i, i, 2 * i, 3 * i);
    om_need_opts o = {.index = OM_NEED_KEY2011};
    om_need_table *t = compute(buf, o);
    for (int i = 1; i <= 20; i++)
        NEAR(om_need_value(t, (size_t)i - 1, "group"), (double)((i - 1) * 10 / 20 + 1));
    om_need_table_free(t);
}

static void test_child_sei(void **state)
{
    (void)state;
    om_need_opts o = {.index = OM_NEED_CHILD_SEI};
    om_need_table *t = compute(
        "area,children_0_5,children_6_17,low_edu_0_5,low_econ_0_5,assist_0_5,low_edu_6_17,low_econ_6_17,assist_6_17\n"
        "U1,100,200,10,20,30,20,40,60\n"
        "U2,50,100,25,20,15,10,10,10\n"
        "U3,0,100,0,0,0,30,30,30\n",
        o);
    /* 0-5: U1 10,20,30 -> 20; U2 50,40,30 -> 40; U3 no children -> empty
     *   z over 20, 40: mean 30, sd sqrt(200) -> -10/sqrt200, +10/sqrt200 */
    NEAR(om_need_value(t, 0, "sei_0_5"), 20);
    NEAR(om_need_value(t, 1, "sei_0_5"), 40);
    assert_true(isnan(om_need_value(t, 2, "sei_0_5")));
    NEAR(om_need_value(t, 0, "z_0_5"), -10 / sqrt(200.0));
    NEAR(om_need_value(t, 1, "z_0_5"), 10 / sqrt(200.0));
    assert_true(isnan(om_need_value(t, 2, "z_0_5")));
    /* 6-17: 20, 10, 30: mean 20, sd 10 -> 0, -1, 1 */
    NEAR(om_need_value(t, 0, "sei_6_17"), 20);
    NEAR(om_need_value(t, 1, "z_6_17"), -1);
    NEAR(om_need_value(t, 2, "z_6_17"), 1);
    om_need_table_free(t);
}

static void test_units_and_levels(void **state)
{
    (void)state;
    const char *csv = "area,population,low_income,no_work\n"
                      "0114R001,100,10,5\n0180R001,50,20,5\n0114R002,300,20,25\n";
    om_need_opts o = {.index = OM_NEED_KEY2013, .level = 4};
    om_need_table *t = compute(csv, o);
    /* kommun 0114 = rows 1 and 3: population 400, low_income 30 = 7.5 % */
    assert_int_equal(om_need_units(t), 2);
    assert_string_equal(om_need_unit(t, 0), "0114");
    NEAR(om_need_value(t, 0, "population"), 400);
    NEAR(om_need_value(t, 0, "low_income_pct"), 7.5);
    NEAR(om_need_value(t, 1, "low_income_pct"), 40);
    om_need_table_free(t);
    o.level = 2; /* one län */
    t = compute(csv, o);
    assert_int_equal(om_need_units(t), 1);
    NEAR(om_need_value(t, 0, "no_work"), 35);
    om_need_table_free(t);
    /* a units file: stadsdelar */
    o.level = 0;
    o.units_path = tmpfile_with("code,unit\n0114R001,Norr\n0114R002,Norr\n0180R001,Söder\n");
    t = compute(csv, o);
    assert_int_equal(om_need_units(t), 2);
    assert_string_equal(om_need_unit(t, 1), "Söder");
    NEAR(om_need_value(t, 0, "population"), 400);
    om_need_table_free(t);
    /* an area missing from the units file is an error, not a dropped row */
    const char *mp = o.units_path;
    o.units_path = tmpfile_with("code,unit\n0114R001,Norr\n");
    char *p = tmpfile_with(csv);
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_need_compute(p, &o, &t, &err), OM_ERR_INPUT);
    assert_non_null(strstr(err.msg, "0180R001"));
    /* a count above its denominator */
    char *q = tmpfile_with("area,population,low_income,no_work\nA,10,11,0\n");
    o.units_path = NULL;
    assert_int_equal(om_need_compute(q, &o, &t, &err), OM_ERR_INPUT);
    unlink(p);
    unlink(q);
    unlink(mp);
}

/* Spearman's rho as the Pearson correlation of mid-ranks (Kendall &
 * Gibbons 1990, ch. 3), by hand */
static void test_compare(void **state)
{
    (void)state;
    double ra[5], rb[5];
    unsigned char ta[5], tb[5];
    om_need_comparison c;
    om_error err = OM_ERROR_INIT;
    /* no ties: rho = 1 - 6 sum d^2 / (n (n^2 - 1)) = 1 - 6*4/120 = 0.8 */
    assert_int_equal(om_need_compare(5, (double[]){1, 2, 3, 4, 5}, (double[]){2, 1, 4, 3, 5}, 0.2,
                                     &c, ra, rb, ta, tb, &err),
                     OM_OK);
    NEAR(c.spearman, 0.8);
    /* ties: b = 5,6,7,8,7 -> ranks 1,2,3.5,5,3.5; deviations from 3:
     * a -2,-1,0,1,2; b -2,-1,.5,2,.5; sum ab = 8, sum aa = 10, sum bb = 9.5
     * -> 8 / sqrt(95) */
    assert_int_equal(om_need_compare(5, (double[]){1, 2, 3, 4, 5}, (double[]){5, 6, 7, 8, 7}, 0.4,
                                     &c, ra, rb, ta, tb, &err),
                     OM_OK);
    NEAR(c.spearman, 8 / sqrt(95.0));
    NEAR(rb[2], 3.5);
    NEAR(rb[4], 3.5);
    /* top 0.4 of 5 = 2: by a units 4,5; by b 8 (unit 4) and the first 7
     * (unit 3) -> both 1, a only 1, b only 1 */
    assert_int_equal(c.top, 2);
    assert_int_equal(c.top_both, 1);
    assert_int_equal(c.top_only_a, 1);
    assert_int_equal(c.top_only_b, 1);
    assert_true(tb[2] == 1 && tb[4] == 0 && ta[4] == 1);
    /* a constant series has no rank correlation */
    assert_int_equal(om_need_compare(3, (double[]){1, 1, 1}, (double[]){1, 2, 3}, 0.5, &c, ra, rb,
                                     ta, tb, &err),
                     OM_OK);
    assert_true(isnan(c.spearman));
    assert_int_equal(om_need_compare(1, (double[]){1}, (double[]){1}, 0.5, &c, ra, rb, ta, tb, &err),
                     OM_ERR_INPUT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cni),
        cmocka_unit_test(test_cni_scb),
        cmocka_unit_test(test_key2013),
        cmocka_unit_test(test_key2011_groups), cmocka_unit_test(test_child_sei),
        cmocka_unit_test(test_units_and_levels), cmocka_unit_test(test_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests for om_movers: the stayers / out-movers / in-movers
 * decomposition of ΔSEI and the Poisson bootstrap over persons (issue 15).
 *
 * Hand case, RegSO A = 0114R001 (DeSO 0114C1010) and B = 0114R002 (DeSO
 * 0114C1180), 2011 -> 2012.  Persons born 1981 (age 30-31, inside SCB's SEI
 * band 20-64) except person 9, born 2012 (age 0: in low_econ's denominator
 * only).  Income per consumption unit; low = below 60 % of the national
 * median (median 300 both years, threshold 180).
 *
 *   p  2011 area inc edu assist unemp   2012 area inc edu assist unemp
 *   1  A  100 1 0  0                    A  300 2 0  200
 *   2  A  300 3 0  0                    A  100 3 0  0
 *   3  A  100 1 12 0                    B  300 1 0  0
 *   4  A  300 1 0  0                    -  (left: no residence)
 *   5  B  300 1 0  0                    A  100 1 10 0
 *   6  B  300 3 0  0                    A  300 3 0  0
 *   7  B  300 3 0  0                    B  300 3 0  0
 *   8  B  300 3 0  0                    B  300 3 0  0
 *   9  -                                A  300 - -  -   (born 2012)
 *
 * A 2011: low 2/4 = 50 %, pre 3/4 = 75 %, assist 1/4 = 25 %: SEI 50.
 * A 2012: low 2/5 = 40 %, pre 1/4 = 25 %, assist (p1 unemp > 180, p5 assist
 * >= 10 months) 2/4 = 50 %: SEI 115/3.  Stayers {1,2}, out-movers {3,4}
 * (4 left), in-movers {5,6,9} (9 arrived).
 *   low:    p0 50, pS0 50, pS1 50, p1 40  -> out 0,   stay 0,   in -10
 *   pre:    p0 75, pS0 50, pS1 0,  p1 25  -> out -25, stay -50, in +25
 *   assist: p0 25, pS0 0,  pS1 50, p1 50  -> out -25, stay +50, in 0
 * Divided by 3: d_sei_out = -50/3, d_sei_stayers = 0, d_sei_in = 15/3 = 5,
 * d_sei = 115/3 - 50 = -35/3. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/change.h"
#include "omrade/synth.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define assert_double_equal(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static void put(const char *dir, const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
}

static void rm_dir(const char *dir)
{
    const char *names[] = {"persons.csv", "residence.csv", "person_year.csv"};
    char path[256];
    for (int i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static const om_movers_row *find(const om_movers *v, int32_t idx, int32_t year)
{
    for (size_t i = 0; i < om_movers_count(v); i++) {
        const om_movers_row *r = om_movers_row_at(v, i);
        if (r->idx == idx && r->year == year)
            return r;
    }
    return NULL;
}

static void test_hand(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_movers_XXXXXX";
    assert_non_null(mkdtemp(dir));
    put(dir, "persons.csv",
        "lopnr,sex,birth_date,country_group\n"
        "1,1,1981-01-01,sweden\n2,2,1981-01-01,sweden\n3,1,1981-01-01,sweden\n"
        "4,2,1981-01-01,sweden\n5,1,1981-01-01,sweden\n6,2,1981-01-01,sweden\n"
        "7,1,1981-01-01,sweden\n8,2,1981-01-01,sweden\n9,1,2012-05-01,sweden\n");
    put(dir, "residence.csv",
        "lopnr,year,deso\n"
        "1,2011,0114C1010\n2,2011,0114C1010\n3,2011,0114C1010\n4,2011,0114C1010\n"
        "5,2011,0114C1180\n6,2011,0114C1180\n7,2011,0114C1180\n8,2011,0114C1180\n"
        "1,2012,0114C1010\n2,2012,0114C1010\n3,2012,0114C1180\n5,2012,0114C1010\n"
        "6,2012,0114C1010\n7,2012,0114C1180\n8,2012,0114C1180\n9,2012,0114C1010\n");
    put(dir, "person_year.csv",
        "lopnr,year,income_cu,education,assist_months,unemp_days\n"
        "1,2011,100,1,0,0\n2,2011,300,3,0,0\n3,2011,100,1,12,0\n4,2011,300,1,0,0\n"
        "5,2011,300,1,0,0\n6,2011,300,3,0,0\n7,2011,300,3,0,0\n8,2011,300,3,0,0\n"
        "1,2012,300,2,0,200\n2,2012,100,3,0,0\n3,2012,300,1,0,0\n5,2012,100,1,10,0\n"
        "6,2012,300,3,0,0\n7,2012,300,3,0,0\n8,2012,300,3,0,0\n9,2012,300,,,\n");
    om_error err = OM_ERROR_INIT;
    om_sei_micro *m = NULL;
    assert_int_equal(om_sei_micro_load(&m, dir, NULL, NULL, &err), OM_OK);
    /* the person-level records: SCB's definitions at their boundaries
     * (assist 10 months and unemp 200 > 180 days count; age 0 is outside the
     * band; the median's 60 % threshold) */
    om_sei_person p;
    assert_true(om_sei_micro_get(m, 4, 2012, &p)); /* person 5 */
    assert_int_equal(p.num[OM_SEI_ASSIST_UNEMP], 1);
    assert_int_equal(p.num[OM_SEI_LOW_ECON], 1);
    assert_true(om_sei_micro_get(m, 8, 2012, &p)); /* person 9, born 2012 */
    assert_int_equal(p.den[OM_SEI_LOW_ECON], 1);
    assert_int_equal(p.den[OM_SEI_PRE_UPPER], 0);
    assert_int_equal(p.den[OM_SEI_ASSIST_UNEMP], 0);
    assert_false(om_sei_micro_get(m, 3, 2012, &p)); /* person 4 left */
    assert_false(om_sei_micro_get(m, 8, 2011, &p));

    om_movers_options opt = {OM_LEVEL_REGSO, 0, 1};
    om_movers *v = NULL;
    assert_int_equal(om_movers_run(&v, m, &opt, &err), OM_OK);
    const om_geo *g = om_sei_micro_geo(m);
    int32_t A = om_geo_find(g, OM_LEVEL_REGSO, "0114R001", 8);
    int32_t B = om_geo_find(g, OM_LEVEL_REGSO, "0114R002", 8);
    const om_movers_row *r0 = find(v, A, 2011), *r = find(v, A, 2012), *rb = find(v, B, 2012);
    assert_non_null(r0);
    assert_non_null(r);
    assert_non_null(rb);
    assert_int_equal(r0->prev_year, 0);
    assert_double_equal(r0->sei, 50, 1e-12);
    assert_int_equal(r->prev_year, 2011);
    assert_int_equal(r->persons, 5);
    assert_int_equal(r->stayers, 2);
    assert_int_equal(r->in_movers, 3);
    assert_int_equal(r->in_arrived, 1);
    assert_int_equal(r->out_movers, 2);
    assert_int_equal(r->out_left, 1);
    assert_true(r->decomposed);
    assert_double_equal(r->sei, 115.0 / 3, 1e-12);
    assert_double_equal(r->d_sei, -35.0 / 3, 1e-12);
    const double out[3] = {0, -25, -25}, stay[3] = {0, -50, 50}, in[3] = {-10, 25, 0};
    for (int k = 0; k < 3; k++) {
        assert_double_equal(r->d_out[k], out[k] / 3, 1e-12);
        assert_double_equal(r->d_stay[k], stay[k] / 3, 1e-12);
        assert_double_equal(r->d_in[k], in[k] / 3, 1e-12);
    }
    assert_double_equal(r->d_sei_out, -50.0 / 3, 1e-12);
    assert_double_equal(r->d_sei_stayers, 0, 1e-12);
    assert_double_equal(r->d_sei_in, 5, 1e-12);
    /* B 2012: stayers {7,8}, in {3} from A, out {5,6} to A */
    assert_int_equal(rb->stayers, 2);
    assert_int_equal(rb->in_movers, 1);
    assert_int_equal(rb->in_arrived, 0);
    assert_int_equal(rb->out_movers, 2);
    assert_int_equal(rb->out_left, 0);
    om_movers_free(v);
    om_sei_micro_free(m);
    rm_dir(dir);
}

/* Synthetic microdata: the terms sum to d_sei in every decomposed row, the
 * rows' counts equal the area counts of om_synth_indicators() (the same
 * definitions), and stayers + in-movers = persons. */
static void test_sum_and_counts(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_movers_XXXXXX";
    assert_non_null(mkdtemp(dir));
    /* 40 persons moving between three RegSO over four years, by a fixed rule */
    static const char *const deso[3] = {"0114C1010", "0114C1180", "0114A0010"};
    FILE *pf, *rf, *yf;
    char path[256];
    snprintf(path, sizeof path, "%s/persons.csv", dir);
    pf = fopen(path, "w");
    snprintf(path, sizeof path, "%s/residence.csv", dir);
    rf = fopen(path, "w");
    snprintf(path, sizeof path, "%s/person_year.csv", dir);
    yf = fopen(path, "w");
    assert_true(pf && rf && yf);
    fputs("lopnr,sex,birth_date,country_group\n", pf);
    fputs("lopnr,year,deso\n", rf);
    fputs("lopnr,year,income_cu,education,assist_months,unemp_days\n", yf);
    for (int i = 1; i <= 40; i++) {
        fprintf(pf, "%d,%d,%d-01-01,sweden\n", i, 1 + i % 2, 1940 + i * 2);
        for (int y = 2011; y <= 2014; y++) {
            if ((i * 7 + y) % 11 == 0)
                continue; /* not registered that year */
            fprintf(rf, "%d,%d,%s\n", i, y, deso[(i / 3 + (y - 2011) * (i % 4 == 0)) % 3]);
            fprintf(yf, "%d,%d,%d,%d,%d,%d\n", i, y, 100 + (i * 37 + y * 11) % 400, 1 + (i + y) % 3, (i * y) % 13,
                    (i * 5 + y) % 365);
        }
    }
    fclose(pf);
    fclose(rf);
    fclose(yf);
    om_error err = OM_ERROR_INIT;
    om_sei_micro *m = NULL;
    assert_int_equal(om_sei_micro_load(&m, dir, NULL, NULL, &err), OM_OK);
    om_movers_options opt = {OM_LEVEL_REGSO, 0, 1};
    om_movers *v = NULL;
    assert_int_equal(om_movers_run(&v, m, &opt, &err), OM_OK);
    /* counts of om_synth_indicators() for the same directory */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    assert_int_equal(om_synth_indicators(dir, OM_LEVEL_REGSO, false, mem, NULL, NULL, &err), OM_OK);
    fclose(mem);
    const om_geo *g = om_sei_micro_geo(m);
    int checked = 0, decomposed = 0;
    for (size_t i = 0; i < om_movers_count(v); i++) {
        const om_movers_row *r = om_movers_row_at(v, i);
        char line[200];
        snprintf(line, sizeof line, "\n%s,%d,%lld,%lld,%lld,%lld,%lld,%lld\n", om_geo_code(g, OM_LEVEL_REGSO, r->idx),
                 (int)r->year, (long long)r->num[0], (long long)r->den[0], (long long)r->num[1], (long long)r->den[1],
                 (long long)r->num[2], (long long)r->den[2]);
        assert_non_null(strstr(buf, line));
        checked++;
        if (r->prev_year)
            assert_int_equal(r->stayers + r->in_movers, r->persons);
        if (r->decomposed) {
            decomposed++;
            assert_double_equal(r->d_sei_out + r->d_sei_stayers + r->d_sei_in, r->d_sei, 1e-12);
            double s = 0;
            for (int k = 0; k < 3; k++)
                s += r->d_out[k] + r->d_stay[k] + r->d_in[k];
            assert_double_equal(s, r->d_sei, 1e-12);
        }
    }
    assert_true(checked >= 10);
    assert_true(decomposed >= 6);
    free(buf);
    om_movers_free(v);
    om_sei_micro_free(m);
    rm_dir(dir);
}

/* Bootstrap over persons against exact standard errors.  RegSO A: 3000
 * persons, 30 % poor on all three indicators at once (perfect correlation):
 * SEI = the poor share, so SE = 100·sqrt(.3·.7/3000) exactly, sqrt(3) times
 * the binomial formula that takes the shares as independent.  RegSO B:
 * 3000 persons whose three indicators are independent in the data (each
 * combination of the digits i%10, (i/10)%10, (i/100)%10 equally often, 30 %
 * each): the bootstrap SE equals the binomial formula.  RegSO C holds
 * 4000 persons of income 300 so the median is 300.  With 2000 replicates
 * the Monte Carlo error of an SD is about 1/sqrt(2·2000) = 1.6 %. */
static void test_bootstrap(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_movers_XXXXXX";
    assert_non_null(mkdtemp(dir));
    FILE *pf, *rf, *yf;
    char path[256];
    snprintf(path, sizeof path, "%s/persons.csv", dir);
    pf = fopen(path, "w");
    snprintf(path, sizeof path, "%s/residence.csv", dir);
    rf = fopen(path, "w");
    snprintf(path, sizeof path, "%s/person_year.csv", dir);
    yf = fopen(path, "w");
    assert_true(pf && rf && yf);
    fputs("lopnr,sex,birth_date,country_group\n", pf);
    fputs("lopnr,year,deso\n", rf);
    fputs("lopnr,year,income_cu,education,assist_months,unemp_days\n", yf);
    int id = 0;
    for (int i = 0; i < 3000; i++) {
        bool poor = i % 10 < 3;
        id++;
        fprintf(pf, "%d,1,1980-01-01,sweden\n", id);
        fprintf(rf, "%d,2015,0114C1010\n", id);
        fprintf(yf, "%d,2015,%d,%d,%d,0\n", id, poor ? 100 : 300, poor ? 1 : 3, poor ? 12 : 0);
    }
    for (int i = 0; i < 3000; i++) {
        bool lo = i % 10 < 3, pre = (i / 10) % 10 < 3, as = (i / 100) % 10 < 3;
        id++;
        fprintf(pf, "%d,1,1980-01-01,sweden\n", id);
        fprintf(rf, "%d,2015,0114C1180\n", id);
        fprintf(yf, "%d,2015,%d,%d,%d,0\n", id, lo ? 100 : 300, pre ? 1 : 3, as ? 12 : 0);
    }
    for (int i = 0; i < 4000; i++) {
        id++;
        fprintf(pf, "%d,1,1980-01-01,sweden\n", id);
        fprintf(rf, "%d,2015,0114A0010\n", id);
        fprintf(yf, "%d,2015,300,3,0,0\n", id);
    }
    fclose(pf);
    fclose(rf);
    fclose(yf);
    om_error err = OM_ERROR_INIT;
    om_sei_micro *m = NULL;
    assert_int_equal(om_sei_micro_load(&m, dir, NULL, NULL, &err), OM_OK);
    om_movers_options opt = {OM_LEVEL_REGSO, 2000, 15};
    om_movers *v = NULL;
    assert_int_equal(om_movers_run(&v, m, &opt, &err), OM_OK);
    const om_geo *g = om_sei_micro_geo(m);
    const om_movers_row *a = find(v, om_geo_find(g, OM_LEVEL_REGSO, "0114R001", 8), 2015);
    const om_movers_row *b = find(v, om_geo_find(g, OM_LEVEL_REGSO, "0114R002", 8), 2015);
    assert_non_null(a);
    assert_non_null(b);
    double exact = 100 * sqrt(0.3 * 0.7 / 3000);
    assert_double_equal(a->sei, 30, 1e-9);
    assert_double_equal(a->se_binomial, exact / sqrt(3), 1e-12);
    assert_double_equal(b->se_binomial, exact / sqrt(3), 1e-12);
    print_message("bootstrap SE: correlated %.4f (exact %.4f), independent %.4f (binomial %.4f)\n", a->se_bootstrap,
                  exact, b->se_bootstrap, b->se_binomial);
    assert_double_equal(a->se_bootstrap / exact, 1, 0.06);
    assert_double_equal(b->se_bootstrap / b->se_binomial, 1, 0.06);
    /* the same seed gives the same replicates */
    om_movers *w = NULL;
    assert_int_equal(om_movers_run(&w, m, &opt, &err), OM_OK);
    assert_true(find(w, a->idx, 2015)->se_bootstrap == a->se_bootstrap);
    om_movers_free(w);
    om_movers_free(v);
    om_sei_micro_free(m);
    rm_dir(dir);
}

static void test_usage(void **state)
{
    (void)state;
    om_error err = OM_ERROR_INIT;
    om_movers *v = NULL;
    om_movers_options opt = {OM_LEVEL_KOMMUN, 0, 1};
    assert_int_equal(om_movers_run(&v, (const om_sei_micro *)1, &opt, &err), OM_ERR_USAGE);
    assert_null(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),
        cmocka_unit_test(test_sum_and_counts),
        cmocka_unit_test(test_bootstrap),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

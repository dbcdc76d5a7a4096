/* Linkage-method arithmetic on a hand-built population, checked against an
 * independent implementation written here from the definitions
 * (Socialstyrelsen's two methods as summarised in omrade issue 11 and
 * docs/rates.md):
 *   sos1    residence 31 Dec of Y,   area type of Y-1;
 *   sos2    residence 31 Dec of Y-1, area type of Y-1;
 *   dec31   residence 31 Dec of Y-1, area type of Y;
 *   prev    = sos2;
 *   latest  each person's latest residence, the latest type year; population
 *           registered on 31 Dec of Y-1.
 * The population of year Y is the persons registered on 31 Dec of the
 * residence year.
 *
 * Three RegSO whose types change every year in different directions, so
 * that a wrong residence or type year gives a different type:
 *   R1 = 0114R001: type 1 + (y-2017) mod 5     (2017: 1, 2018: 2, ... 2021: 5)
 *   R2 = 0114R002: type 5 - (y-2017) mod 5     (2017: 5, ... 2021: 1)
 *   R3 = 0114R003: type 1 + (y-2015) mod 5     (2017: 3, 2018: 4, 2019: 5, 2020: 1, 2021: 2)
 * Residence on 31 Dec 2018..2021 (0 = not registered):
 *   person 1 moves every year  R1 R2 R3 R1
 *   person 2 stays             R2 R2 R2 R2
 *   person 3 emigrates         R1 R3 -  -
 *   person 4 arrives           -  -  R3 R1
 *   person 5 abroad in 2019    R3 -  R2 R2
 * E.g. person 1 in statistics year 2020: sos1 = R3 (2020) with 2019's type
 * of R3 = 5; sos2 = R2 (2019) with 2019's type of R2 = 3; dec31 = R2 with
 * 2020's type = 2; latest = R1 (2021) with 2021's type = 5. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"

#include "omrade/link.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { NP = 5, Y0 = 2018, Y1 = 2021, T0 = 2017, T1 = 2021 };
static const char *const regso[4] = {"", "0114R001", "0114R002", "0114R003"};
static const int res[NP][Y1 - Y0 + 1] = {
    {1, 2, 3, 1}, {2, 2, 2, 2}, {1, 3, 0, 0}, {0, 0, 3, 1}, {3, 0, 2, 2}};

static int type_of_area(int r, int y)
{
    int k = y - T0;
    return r == 1 ? 1 + k % 5 : r == 2 ? 5 - k % 5 : 1 + (k + 2) % 5;
}

static int res_at(int p, int y)
{
    return y < Y0 || y > Y1 ? 0 : res[p][y - Y0];
}

/* The reference: the type of person p in statistics year Y under offsets
 * (ro, to) (OM_LINK_LATEST allowed), -1 when not in the population. */
static int expected(int p, int Y, int ro, int to)
{
    int py = ro == OM_LINK_LATEST ? Y - 1 : Y + ro;
    if (!res_at(p, py))
        return -1;
    int area = res_at(p, py);
    if (ro == OM_LINK_LATEST)
        for (int y = Y0; y <= Y1; y++)
            if (res_at(p, y))
                area = res_at(p, y);
    int ty = to == OM_LINK_LATEST ? T1 : Y + to;
    return type_of_area(area, ty);
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/om_methods_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

typedef struct {
    om_geo *g;
    om_link *l;
    char *files[3];
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    char buf[4096];
    int w = snprintf(buf, sizeof buf, "lopnr,sex,birth_date\n");
    for (int p = 0; p < NP; p++)
        w += snprintf(buf + w, sizeof buf - (size_t)w, "%d,%d,19%d0-01-01\n", p + 1, 1 + p % 2,
                      5 + p);
    f->files[0] = write_tmp(buf);
    w = snprintf(buf, sizeof buf, "lopnr,year,deso\n");
    for (int p = 0; p < NP; p++)
        for (int y = Y0; y <= Y1; y++)
            if (res_at(p, y))
                w += snprintf(buf + w, sizeof buf - (size_t)w, "%d,%d,%s\n", p + 1, y,
                              regso[res_at(p, y)]);
    f->files[1] = write_tmp(buf);
    w = snprintf(buf, sizeof buf, "area,year,area_type\n");
    for (int r = 1; r <= 3; r++)
        for (int y = T0; y <= T1; y++)
            w += snprintf(buf + w, sizeof buf - (size_t)w, "%s,%d,%d\n", regso[r], y,
                          type_of_area(r, y));
    f->files[2] = write_tmp(buf);
    om_error err = OM_ERROR_INIT;
    if (om_geo_new_builtin(&f->g, &err) != OM_OK)
        return -1;
    const char *rp[1] = {f->files[1]}, *tp[1] = {f->files[2]};
    if (om_link_load(&f->l, f->g, f->files[0], rp, 1, tp, 1, NULL, &err) != OM_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    om_link_free(f->l);
    om_geo_free(f->g);
    for (int i = 0; i < 3; i++) {
        unlink(f->files[i]);
        free(f->files[i]);
    }
    free(f);
    return 0;
}

static int linked(const om_link *l, int lopnr, const om_link_plan *plan)
{
    uint32_t p;
    assert_true(om_link_person(l, lopnr, &p));
    int t;
    return om_link_area(l, p, plan, &t, NULL) < 0 ? -1 : t;
}

/* Every preset and the two free combinations Y/Y and Y-1/Y, every person,
 * every statistics year the method can link with types present. */
static void test_against_reference(void **state)
{
    const om_link *l = ((fx *)*state)->l;
    om_link_method ms[7];
    size_t nm = 0;
    for (size_t i = 0; i < om_link_npresets(); i++)
        ms[nm++] = om_link_preset_at(i)->method;
    ms[nm++] = (om_link_method){0, 0};
    ms[nm++] = (om_link_method){-1, OM_LINK_LATEST};
    int checked = 0;
    for (size_t i = 0; i < nm; i++) {
        int f, la;
        assert_true(om_link_stat_years(l, &ms[i], 1, &f, &la));
        /* residence years 2018-2021: Y from 2018 (residence Y) or 2019 (Y-1) */
        assert_int_equal(f, ms[i].residence == 0 ? 2018 : 2019);
        assert_int_equal(la, ms[i].residence == 0 ? 2021 : 2022);
        for (int Y = f; Y <= la; Y++) {
            om_link_plan plan;
            om_error err = OM_ERROR_INIT;
            int ty = ms[i].type == OM_LINK_LATEST ? T1 : Y + ms[i].type;
            om_status s = om_link_plan_year(l, ms[i], Y, OM_LINK_TYPES_EXACT, &plan, &err);
            if (ty > T1) { /* e.g. dec31 for 2022 needs types of 2022 */
                assert_int_equal(s, OM_ERR_INPUT);
                continue;
            }
            assert_int_equal(s, OM_OK);
            assert_int_equal(plan.type_year, ty);
            for (int p = 0; p < NP; p++) {
                assert_int_equal(linked(l, p + 1, &plan),
                                 expected(p, Y, ms[i].residence, ms[i].type));
                checked++;
            }
        }
    }
    assert_true(checked > 100);
}

/* The worked values of the file comment. */
static void test_person_one_2020(void **state)
{
    const om_link *l = ((fx *)*state)->l;
    const char *names[4] = {"sos1", "sos2", "dec31", "latest"};
    const int want[4] = {5, 3, 2, 5};
    for (int i = 0; i < 4; i++) {
        om_link_plan plan;
        om_error err = OM_ERROR_INIT;
        assert_int_equal(om_link_plan_year(l, om_link_preset_find(names[i])->method, 2020,
                                           OM_LINK_TYPES_EXACT, &plan, &err),
                         OM_OK);
        assert_int_equal(linked(l, 1, &plan), want[i]);
    }
}

/* The nearest type year: dec31 for 2022 wants 2022, gets 2021 (the only
 * neighbour); a gap is filled from the earlier year on a tie. */
static void test_nearest(void **state)
{
    fx *f = *state;
    om_link_plan plan;
    om_error err = OM_ERROR_INIT;
    om_link_method dec31 = om_link_preset_find("dec31")->method;
    assert_int_equal(om_link_plan_year(f->l, dec31, 2022, OM_LINK_TYPES_NEAREST, &plan, &err),
                     OM_OK);
    assert_int_equal(plan.type_year, 2021);
    assert_int_equal(plan.type_year_wanted, 2022);
    /* types of 2018 and 2020 only: 2019 is equally near to both -> 2018 */
    char *tp = write_tmp("area,year,area_type\n0114R001,2018,1\n0114R001,2020,3\n");
    const char *rp[1] = {f->files[1]}, *typ[1] = {tp};
    om_link *l = NULL;
    assert_int_equal(om_link_load(&l, f->g, f->files[0], rp, 1, typ, 1, NULL, &err), OM_OK);
    assert_false(om_link_has_type_year(l, 2019));
    /* dec31 for 2019: residence 2018, types of 2019 wanted: 2018 and 2020
     * are equally near; the earlier is used.  Person 1 lived in R1 in 2018:
     * type 1 from 2018 (3 if 2020 were taken). */
    assert_int_equal(om_link_plan_year(l, dec31, 2019, OM_LINK_TYPES_EXACT, &plan, &err),
                     OM_ERR_INPUT);
    assert_non_null(strstr(err.msg, "expected area types of 2019"));
    assert_int_equal(om_link_plan_year(l, dec31, 2019, OM_LINK_TYPES_NEAREST, &plan, &err), OM_OK);
    assert_int_equal(plan.type_year, 2018);
    assert_int_equal(linked(l, 1, &plan), 1);
    assert_int_equal(linked(l, 2, &plan), 0); /* R2: no type in that file */
    om_link_free(l);
    unlink(tp);
    free(tp);
}

/* Shares of persons whose type differs between sos1 and sos2, against the
 * reference, for every year both can link (2019-2021). */
static void test_compare_shares(void **state)
{
    const om_link *l = ((fx *)*state)->l;
    om_link_method a = om_link_preset_find("sos1")->method, b = om_link_preset_find("sos2")->method;
    for (int Y = 2019; Y <= 2021; Y++) {
        om_link_plan pa, pb;
        om_error err = OM_ERROR_INIT;
        assert_int_equal(om_link_plan_year(l, a, Y, OM_LINK_TYPES_EXACT, &pa, &err), OM_OK);
        assert_int_equal(om_link_plan_year(l, b, Y, OM_LINK_TYPES_EXACT, &pb, &err), OM_OK);
        om_link_comparison c;
        om_link_compare(l, &pa, &pb, &c);
        int64_t both = 0, differ = 0, only = 0;
        for (int p = 0; p < NP; p++) {
            int ta = expected(p, Y, 0, -1), tb = expected(p, Y, -1, -1);
            if (ta > 0 && tb > 0) {
                both++;
                differ += ta != tb;
            } else if (ta > 0 || tb > 0) {
                only++;
            }
        }
        assert_int_equal(c.typed_both, both);
        assert_int_equal(c.differ, differ);
        assert_int_equal(c.only_a + c.only_b, only);
        assert_true(fabs(c.share - (double)differ / (double)both) < 1e-15);
    }
}

/* omrade rates under sos1: the population at risk of type t in year Y is
 * the persons registered on 31 Dec of Y whose RegSO had type t in Y-1. */
static void test_rates_population(void **state)
{
    const om_link *l = ((fx *)*state)->l;
    char *ep = write_tmp("lopnr,date,code\n1,2020-06-01,I21\n");
    om_outcomes *o = om_outcomes_new();
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_outcomes_add(o, "all", "*", NULL, &err), OM_OK);
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    const char *ev[1] = {ep};
    sp.events = ev;
    sp.nevents = 1;
    sp.dims = OM_DIM_TYPE | OM_DIM_YEAR;
    sp.level = 0.95;
    sp.standard = OM_STD_NONE;
    sp.method = om_link_preset_find("sos1")->method;
    sp.year_first = 2019;
    sp.year_last = 2021;
    om_rates *r = NULL;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    double pop[3][6] = {{0}};
    for (int Y = 2019; Y <= 2021; Y++)
        for (int p = 0; p < NP; p++) {
            int t = expected(p, Y, 0, -1);
            if (t > 0)
                pop[Y - 2019][t] += 1;
        }
    size_t seen = 0;
    for (size_t i = 0; i < om_rates_ncells(r); i++) {
        const om_rates_cell *c = &om_rates_cells(r)[i];
        assert_true(c->pop == pop[c->year - 2019][c->type]);
        /* the one event: person 1 in 2020, R3 on 31 Dec 2020, type of 2019 = 5 */
        assert_true(c->events == (c->year == 2020 && c->type == 5 ? 1 : 0));
        seen++;
    }
    size_t nonzero = 0;
    for (int y = 0; y < 3; y++)
        for (int t = 1; t <= 5; t++)
            nonzero += pop[y][t] > 0;
    assert_int_equal(seen, nonzero);
    assert_int_equal(om_rates_plan(r, 2020)->residence_year, 2020);
    assert_int_equal(om_rates_plan(r, 2020)->type_year, 2019);
    om_rates_free(r);
    om_outcomes_free(o);
    unlink(ep);
    free(ep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_against_reference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_person_one_2020, setup, teardown),
        cmocka_unit_test_setup_teardown(test_nearest, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compare_shares, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rates_population, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

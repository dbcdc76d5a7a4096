/* Unit tests for om_flows: persons by origin x destination area type
 * (issue 15).  A hand case of four persons, 2019 -> 2020 (RegSO residence):
 *
 *   person  sex  born     2019      2020      types 2019 / 2020
 *   1       1    1950 SE  0114R001  0114R001  R001: 1 / 2 (reclassified)
 *   2       2    1990 oth 0114R001  0114R002  R002: 5 / 4
 *   3       1    2010 SE  0114R002  -         R003: 3 / 3
 *   4       2    1980 nor -         0114R003
 *
 * Own types: 1: 1->2 stayer (reclass), 2: 1->4 mover, 3: 5->out (left),
 * 4: out->3 (arrived).  Fixed type year 2020: 1: 2->2, 2: 2->4, 3: 4->out,
 * 4: out->3.  Every person counted once: 4 cells of 1 person, 3 persons
 * registered each year.  The balancing equation (Preston, Heuveline &
 * Guillot 2001, ch. 1) is checked per type. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/change.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_tmp(const char *text)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/om_flows_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

static const om_flow_cell *find(const om_flows *f, int from, int to)
{
    for (size_t i = 0; i < om_flows_count(f); i++) {
        const om_flow_cell *c = om_flows_cell_at(f, i);
        if (c->from_type == from && c->to_type == to)
            return c;
    }
    fail_msg("no cell %d -> %d", from, to);
    return NULL;
}

static void check_balance(const om_flows *f)
{
    for (size_t i = 0; i < om_flows_net_count(f); i++) {
        const om_flow_net *n = om_flows_net_at(f, i);
        assert_int_equal(n->stock_to, n->stock_from + n->moved_in - n->moved_out + n->arrived -
                                          n->left + n->reclass_in - n->reclass_out);
    }
}

static const om_flow_net *net(const om_flows *f, int type)
{
    for (size_t i = 0; i < om_flows_net_count(f); i++)
        if (om_flows_net_at(f, i)->type == type)
            return om_flows_net_at(f, i);
    return NULL;
}

static void test_hand(void **state)
{
    (void)state;
    char *persons = write_tmp("lopnr,sex,birth_date,country_group,death_date\n"
                              "1,1,1950-06-01,sweden,\n2,2,1990-01-01,other,\n"
                              "3,1,2010-03-03,sweden,\n4,2,1980-05-05,nordic,\n");
    char *res = write_tmp("lopnr,year,regso\n1,2019,0114R001\n1,2020,0114R001\n"
                          "2,2019,0114R001\n2,2020,0114R002\n3,2019,0114R002\n4,2020,0114R003\n");
    char *types = write_tmp("area,year,area_type\n0114R001,2019,1\n0114R001,2020,2\n"
                            "0114R002,2019,5\n0114R002,2020,4\n0114R003,2019,3\n0114R003,2020,3\n");
    om_geo *g = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    om_link *l = NULL;
    const char *rv[1] = {res}, *tv[1] = {types};
    om_link_options lo;
    memset(&lo, 0, sizeof lo);
    lo.r_area = "regso";
    assert_int_equal(om_link_load(&l, g, persons, rv, 1, tv, 1, &lo, &e), OM_OK);

    om_flows *f = NULL;
    assert_int_equal(om_flows_run(&f, l, NULL, &e), OM_OK);
    assert_int_equal(om_flows_count(f), 4);
    const om_flow_cell *c = find(f, 1, 2);
    assert_int_equal(c->year, 2020);
    assert_int_equal(c->moved, 0);
    assert_int_equal(c->sex, 1);
    assert_int_equal(c->age, OM_FLOW_AGE_65);
    assert_int_equal(c->born, OM_FLOW_BORN_SWEDEN);
    c = find(f, 1, 4);
    assert_int_equal(c->moved, 1);
    assert_int_equal(c->sex, 2);
    assert_int_equal(c->age, OM_FLOW_AGE_20_64);
    assert_int_equal(c->born, OM_FLOW_BORN_ABROAD);
    c = find(f, 5, OM_FLOW_OUT);
    assert_int_equal(c->age, OM_FLOW_AGE_0_19);
    c = find(f, OM_FLOW_OUT, 3);
    assert_int_equal(c->born, OM_FLOW_BORN_ABROAD);
    int64_t total = 0, reg_from = 0, reg_to = 0;
    for (size_t i = 0; i < om_flows_count(f); i++) {
        c = om_flows_cell_at(f, i);
        total += c->persons;
        reg_from += c->from_type != OM_FLOW_OUT ? c->persons : 0;
        reg_to += c->to_type != OM_FLOW_OUT ? c->persons : 0;
    }
    assert_int_equal(total, 4);
    assert_int_equal(reg_from, 3);
    assert_int_equal(reg_to, 3);
    check_balance(f);
    assert_int_equal(net(f, 1)->reclass_out, 1);
    assert_int_equal(net(f, 1)->moved_out, 1);
    assert_int_equal(net(f, 1)->stock_from, 2);
    assert_int_equal(net(f, 1)->stock_to, 0);
    assert_int_equal(net(f, 2)->reclass_in, 1);
    assert_int_equal(net(f, 4)->moved_in, 1);
    assert_int_equal(net(f, 5)->left, 1);
    assert_int_equal(net(f, 3)->arrived, 1);

    /* CSV: the stayer's row. */
    FILE *fp = tmpfile();
    char buf[256];
    assert_int_equal(om_flows_write_csv(f, fp, &e), OM_OK);
    rewind(fp);
    bool seen = false;
    while (fgets(buf, sizeof buf, fp))
        seen |= strcmp(buf, "2020,1,2,0,1,65+,sweden,1\n") == 0;
    assert_true(seen);
    fclose(fp);
    om_flows_free(f);

    /* A fixed type year: no reclassification. */
    om_flows_options o = {2020, 0, 0};
    assert_int_equal(om_flows_run(&f, l, &o, &e), OM_OK);
    assert_int_equal(find(f, 2, 2)->persons, 1);
    assert_int_equal(find(f, 2, 4)->moved, 1);
    assert_int_equal(find(f, 4, OM_FLOW_OUT)->persons, 1);
    for (size_t i = 0; i < om_flows_net_count(f); i++) {
        assert_int_equal(om_flows_net_at(f, i)->reclass_in, 0);
        assert_int_equal(om_flows_net_at(f, i)->reclass_out, 0);
    }
    check_balance(f);
    om_flows_free(f);

    /* A type year absent from the types: an error naming it. */
    o.type_year = 2018;
    assert_int_equal(om_flows_run(&f, l, &o, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "2018"));
    /* Destination years outside the residence data: usage error. */
    o.type_year = 0;
    o.year_first = 2019;
    o.year_last = 2020;
    assert_int_equal(om_flows_run(&f, l, &o, &e), OM_ERR_USAGE);

    om_link_free(l);
    om_geo_free(g);
    char *files[3] = {persons, res, types};
    for (int i = 0; i < 3; i++) {
        unlink(files[i]);
        free(files[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

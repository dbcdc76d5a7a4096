/* Unit tests for om_transitions (issue 15).
 *
 * References:
 *  - SCB's published area types 2022 and 2023 (table 000005QX,
 *    data/scb/regso-omradestyp-202[23].csv): 3,363 RegSO typed in both
 *    years, 253 of them with a different type in 2023 (counted by hand in
 *    issue 15, and again with a separate Python csv count when this test
 *    was written).
 *  - Identities: each riket matrix sums to the RegSO typed in both years;
 *    per cell the län sum and the kommun sum equal riket.
 *  - A hand case of five RegSO over three years (below). */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/change.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static om_geo *geo(void)
{
    om_geo *g = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    return g;
}

static void test_scb_2022_2023(void **state)
{
    (void)state;
    om_geo *g = geo();
    om_transitions *t = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_transitions_new(&t, g, &e), OM_OK);
    /* Given in reverse order: the years come out sorted. */
    assert_int_equal(om_transitions_read(t, OM_SOURCE_DIR "/data/scb/regso-omradestyp-2023.csv", &e), OM_OK);
    assert_int_equal(om_transitions_read(t, OM_SOURCE_DIR "/data/scb/regso-omradestyp-2022.csv", &e), OM_OK);
    assert_int_equal(om_transitions_compute(t, &e), OM_OK);
    assert_int_equal(om_transitions_pair_count(t), 1);
    const om_transition_pair *p = om_transitions_pair_at(t, 0);
    assert_int_equal(p->from_year, 2022);
    assert_int_equal(p->to_year, 2023);
    assert_int_equal(p->n_areas, 3363);
    assert_int_equal(p->n_changed, 253);
    assert_false(p->has_population);
    int64_t riket[25] = {0}, lan[25] = {0}, kom[25] = {0}, total = 0, changed = 0;
    size_t nlan = 0, nkom = 0;
    for (size_t i = 0; i < om_transitions_row_count(t); i++) {
        const om_transition_row *r = om_transitions_row_at(t, i);
        int k = (r->from_type - 1) * 5 + (r->to_type - 1);
        assert_int_equal(r->population, -1);
        if (r->level == OM_LEVEL_RIKET) {
            riket[k] += r->n_areas;
            total += r->n_areas;
            changed += r->from_type != r->to_type ? r->n_areas : 0;
        } else if (r->level == OM_LEVEL_LAN) {
            lan[k] += r->n_areas;
            nlan++;
        } else {
            assert_int_equal(r->level, OM_LEVEL_KOMMUN);
            kom[k] += r->n_areas;
            nkom++;
        }
    }
    assert_int_equal(total, 3363);
    assert_int_equal(changed, 253);
    assert_int_equal(nlan, 25 * (size_t)om_geo_count(g, OM_LEVEL_LAN));
    assert_int_equal(nkom, 25 * (size_t)om_geo_count(g, OM_LEVEL_KOMMUN));
    for (int k = 0; k < 25; k++) {
        assert_int_equal(lan[k], riket[k]);
        assert_int_equal(kom[k], riket[k]);
    }
    om_transitions_free(t);
    om_geo_free(g);
}

static char *write_tmp(const char *text)
{
    char *path = malloc(64);
    snprintf(path, 64, "/tmp/om_trans_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

static const om_transition_row *cell(const om_transitions *t, const om_geo *g, int y0,
                                     om_level lv, const char *code, int a, int b)
{
    for (size_t i = 0; i < om_transitions_row_count(t); i++) {
        const om_transition_row *r = om_transitions_row_at(t, i);
        if (r->from_year == y0 && r->level == lv && r->from_type == a && r->to_type == b &&
            strcmp(om_geo_code(g, lv, r->idx), code) == 0)
            return r;
    }
    fail_msg("no cell");
    return NULL;
}

/* Hand case.  Types (population in 2019 / 2020):
 *   RegSO     2019     2020     2021
 *   0114R001  1 (100)  2 (110)  2
 *   0114R002  3 (200)  3 (210)  5
 *   0115R001  3 (300)  1 (310)  (empty)
 *   1480R001  4 (400)  4 (410)  4
 *   1480R002  -        5 (500)  5       (absent in 2019)
 * 2019->2020: typed both: 4; changed: R001 1->2, 0115R001 3->1 = 2;
 *   untyped: 1480R002 (absent 2019) = 1.  riket (1,2): 1 area, pop 100;
 *   (3,3): 1, 200; (3,1): 1, 300; (4,4): 1, 400.  kommun 0114: (1,2) 1,
 *   (3,3) 1; län 01: (1,2), (3,3), (3,1); län 14: (4,4).
 * 2020->2021: typed both: 0114R001 2->2, 0114R002 3->5, 1480R001 4->4,
 *   1480R002 5->5 = 4, changed 1; untyped: 0115R001 (empty 2021) = 1;
 *   population of 2020: (3,5) = 210, (5,5) = 500; 0115R001's population of
 *   2020 is unused (counted). */
static void test_hand(void **state)
{
    (void)state;
    om_geo *g = geo();
    char *types = write_tmp("area,year,area_type\n"
                            "0114R001,2019,1\n0114R002,2019,3\n0115R001,2019,3\n1480R001,2019,4\n"
                            "0114R001,2020,2\n0114R002,2020,3\n0115R001,2020,1\n1480R001,2020,4\n"
                            "1480R002,2020,5\n"
                            "0114R001,2021,2\n0114R002,2021,5\n0115R001,2021,\n1480R001,2021,4\n"
                            "1480R002,2021,5\n");
    char *pop = write_tmp("area,year,population\n"
                          "0114R001,2019,100\n0114R002,2019,200\n0115R001,2019,300\n"
                          "1480R001,2019,400\n"
                          "0114R001,2020,110\n0114R002,2020,210\n0115R001,2020,310\n"
                          "1480R001,2020,410\n1480R002,2020,500\n");
    om_transitions *t = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_transitions_new(&t, g, &e), OM_OK);
    assert_int_equal(om_transitions_read(t, types, &e), OM_OK);
    assert_int_equal(om_transitions_read_population(t, pop, &e), OM_OK);
    assert_int_equal(om_transitions_compute(t, &e), OM_OK);
    assert_int_equal(om_transitions_pair_count(t), 2);
    const om_transition_pair *p = om_transitions_pair_at(t, 0);
    assert_int_equal(p->n_areas, 4);
    assert_int_equal(p->n_changed, 2);
    assert_int_equal(p->n_untyped, 1);
    assert_int_equal(p->n_pop_unused, 0);
    p = om_transitions_pair_at(t, 1);
    assert_int_equal(p->n_areas, 4);
    assert_int_equal(p->n_changed, 1);
    assert_int_equal(p->n_untyped, 1);
    assert_int_equal(p->n_pop_unused, 1); /* 0115R001's 310 in 2020: empty type 2021 */
    const om_transition_row *r = cell(t, g, 2019, OM_LEVEL_RIKET, "00", 1, 2);
    assert_int_equal(r->n_areas, 1);
    assert_int_equal(r->population, 100);
    r = cell(t, g, 2019, OM_LEVEL_RIKET, "00", 3, 1);
    assert_int_equal(r->population, 300);
    assert_int_equal(cell(t, g, 2019, OM_LEVEL_RIKET, "00", 1, 1)->n_areas, 0);
    assert_int_equal(cell(t, g, 2019, OM_LEVEL_KOMMUN, "0114", 3, 3)->n_areas, 1);
    assert_int_equal(cell(t, g, 2019, OM_LEVEL_KOMMUN, "0114", 3, 1)->n_areas, 0);
    assert_int_equal(cell(t, g, 2019, OM_LEVEL_LAN, "01", 3, 1)->n_areas, 1);
    assert_int_equal(cell(t, g, 2019, OM_LEVEL_LAN, "14", 4, 4)->population, 400);
    /* 2020 -> 2021 */
    r = cell(t, g, 2020, OM_LEVEL_RIKET, "00", 3, 5);
    assert_int_equal(r->n_areas, 1);
    assert_int_equal(r->population, 210);
    assert_int_equal(cell(t, g, 2020, OM_LEVEL_RIKET, "00", 5, 5)->population, 500);
    assert_int_equal(cell(t, g, 2020, OM_LEVEL_KOMMUN, "1480", 5, 5)->n_areas, 1);

    /* The CSV: header, 25 cells per unit, population filled. */
    char buf[256];
    FILE *fp = tmpfile();
    assert_int_equal(om_transitions_write_csv(t, fp, &e), OM_OK);
    rewind(fp);
    assert_non_null(fgets(buf, sizeof buf, fp));
    assert_string_equal(buf, "from_year,to_year,level,code,from_type,to_type,n_areas,population\n");
    assert_non_null(fgets(buf, sizeof buf, fp));
    assert_string_equal(buf, "2019,2020,riket,00,1,1,0,0\n");
    assert_non_null(fgets(buf, sizeof buf, fp));
    assert_string_equal(buf, "2019,2020,riket,00,1,2,1,100\n");
    fclose(fp);
    om_transitions_free(t);

    /* Population for 2020 lacking one typed RegSO: an error naming it. */
    char *pop2 = write_tmp("area,year,population\n0114R001,2019,1\n0114R002,2019,2\n"
                           "0115R001,2019,3\n");
    assert_int_equal(om_transitions_new(&t, g, &e), OM_OK);
    assert_int_equal(om_transitions_read(t, types, &e), OM_OK);
    assert_int_equal(om_transitions_read_population(t, pop2, &e), OM_OK);
    assert_int_equal(om_transitions_compute(t, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "1480R001"));
    om_transitions_free(t);

    /* Population given twice: an error with the position. */
    char *pop3 = write_tmp("area,year,population\n0114R001,2019,1\n0114R001,2019,2\n");
    assert_int_equal(om_transitions_new(&t, g, &e), OM_OK);
    assert_int_equal(om_transitions_read_population(t, pop3, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 3);
    om_transitions_free(t);

    char *files[4] = {types, pop, pop2, pop3};
    for (int i = 0; i < 4; i++) {
        unlink(files[i]);
        free(files[i]);
    }
    om_geo_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scb_2022_2023),
        cmocka_unit_test(test_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

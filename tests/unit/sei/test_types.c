/* Unit tests for om_types: counts and shares per area type for riket, län
 * and kommun, computed by hand for six RegSO of the built-in registry:
 *
 *   RegSO     kommun          län  type  population
 *   0114R001  Upplands Väsby  01   1     100
 *   0114R002  Upplands Väsby  01   2     200
 *   0114R003  Upplands Väsby  01   4     300
 *   0115R001  Vallentuna      01   5     400
 *   0115R002  Vallentuna      01   -     999  (unclassified: left out)
 *   1480R001  Göteborg        14   3     500
 *
 * riket: 5 typed RegSO, one per type → 20 % each, types 1–2 40 %;
 *        population 1,500 → 100/1500 = 6.67 %, 13.33 %, 33.33 %, 20 %,
 *        26.67 %, types 1–2 300/1500 = 20 %.
 * län 01: 4 typed (1, 2, 4, 5) → 25 % each, 1–2 50 %; population 1,000 →
 *        10 %, 20 %, 0 %, 30 %, 40 %, 1–2 30 %.
 * kommun 0114: 3 typed (1, 2, 4) → 33.3 % each, 1–2 66.7 %; population
 *        600 → 16.67 %, 33.33 %, 0, 50 %, 0, 1–2 50 %.
 * kommun 0115: one typed (5) → 100 %; kommun 1480: one typed (3) → 100 %.
 * Kommuner without typed RegSO have no share (NaN). */
#include "om_test.h"
#include "omrade/sei.h"

#include <math.h>
#include <string.h>

static const om_types_row *find(const om_types *t, om_level level, const char *code, int type,
                                const om_geo *g)
{
    for (size_t i = 0; i < om_types_row_count(t); i++) {
        const om_types_row *r = om_types_row_at(t, i);
        if (r->level == level && r->area_type == type &&
            strcmp(om_geo_code(g, level, r->idx), code) == 0)
            return r;
    }
    fail_msg("no row %s %s type %d", om_level_name(level), code, type);
    return NULL;
}

static void check(const om_types_row *r, int64_t n, double share, int64_t pop, double pshare)
{
    assert_int_equal(r->n_areas, n);
    if (isnan(share))
        assert_true(isnan(r->share_areas));
    else
        assert_true(fabs(r->share_areas - share) < 1e-12);
    assert_int_equal(r->population, pop);
    if (isnan(pshare))
        assert_true(isnan(r->share_population));
    else
        assert_true(fabs(r->share_population - pshare) < 1e-12);
}

static om_types *setup(om_geo **g, bool with_pop)
{
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_geo_new_builtin(g, &e), OM_OK);
    om_types *t = NULL;
    assert_int_equal(om_types_new(&t, *g, &e), OM_OK);
    const char *codes[6] = {"0114R001", "0114R002", "0114R003", "0115R001", "0115R002", "1480R001"};
    const int types[6] = {1, 2, 4, 5, 0, 3};
    const int64_t pops[6] = {100, 200, 300, 400, 999, 500};
    for (int i = 0; i < 6; i++) {
        int32_t r = om_geo_find(*g, OM_LEVEL_REGSO, codes[i], 8);
        assert_true(r >= 0);
        assert_int_equal(om_types_set(t, r, 2022, types[i], &e), OM_OK);
        if (with_pop)
            assert_int_equal(om_types_set_population(t, r, 2022, pops[i], &e), OM_OK);
    }
    assert_int_equal(om_types_compute(t, &e), OM_OK);
    return t;
}

static void test_hand_computed(void **state)
{
    (void)state;
    om_geo *g = NULL;
    om_types *t = setup(&g, true);
    /* one year: (1 + 21 + 290) units × 6 rows */
    assert_int_equal(om_types_row_count(t), (1 + 21 + 290) * 6);
    const om_types_year *y = om_types_year_at(t, 0);
    assert_int_equal(y->n_typed, 5);
    assert_int_equal(y->n_unclassified, 1);
    assert_int_equal(y->n_absent, 3363 - 6);
    assert_int_equal(y->n_pop_unused, 1);
    assert_true(y->has_population);

    check(find(t, OM_LEVEL_RIKET, "00", 1, g), 1, 20, 100, 100.0 / 15);
    check(find(t, OM_LEVEL_RIKET, "00", 3, g), 1, 20, 500, 100.0 / 3);
    check(find(t, OM_LEVEL_RIKET, "00", 5, g), 1, 20, 400, 80.0 / 3);
    check(find(t, OM_LEVEL_RIKET, "00", OM_TYPES_1_2, g), 2, 40, 300, 20);
    check(find(t, OM_LEVEL_LAN, "01", 1, g), 1, 25, 100, 10);
    check(find(t, OM_LEVEL_LAN, "01", 3, g), 0, 0, 0, 0);
    check(find(t, OM_LEVEL_LAN, "01", 5, g), 1, 25, 400, 40);
    check(find(t, OM_LEVEL_LAN, "01", OM_TYPES_1_2, g), 2, 50, 300, 30);
    check(find(t, OM_LEVEL_LAN, "14", 3, g), 1, 100, 500, 100);
    check(find(t, OM_LEVEL_LAN, "14", OM_TYPES_1_2, g), 0, 0, 0, 0);
    check(find(t, OM_LEVEL_KOMMUN, "0114", 2, g), 1, 100.0 / 3, 200, 100.0 / 3);
    check(find(t, OM_LEVEL_KOMMUN, "0114", 4, g), 1, 100.0 / 3, 300, 50);
    check(find(t, OM_LEVEL_KOMMUN, "0114", OM_TYPES_1_2, g), 2, 200.0 / 3, 300, 50);
    check(find(t, OM_LEVEL_KOMMUN, "0115", 5, g), 1, 100, 400, 100);
    check(find(t, OM_LEVEL_KOMMUN, "0115", 4, g), 0, 0, 0, 0);
    check(find(t, OM_LEVEL_KOMMUN, "1480", 3, g), 1, 100, 500, 100);
    check(find(t, OM_LEVEL_KOMMUN, "2584", 1, g), 0, NAN, 0, NAN);
    /* riket: the five type rows add up to the typed RegSO and 100 % */
    int64_t n = 0;
    double sh = 0;
    for (int k = 1; k <= 5; k++) {
        n += find(t, OM_LEVEL_RIKET, "00", k, g)->n_areas;
        sh += find(t, OM_LEVEL_RIKET, "00", k, g)->share_population;
    }
    assert_int_equal(n, 5);
    assert_true(fabs(sh - 100) < 1e-12);
    om_types_free(t);
    om_geo_free(g);
}

static void test_without_population(void **state)
{
    (void)state;
    om_geo *g = NULL;
    om_types *t = setup(&g, false);
    const om_types_row *r = find(t, OM_LEVEL_RIKET, "00", 1, g);
    assert_int_equal(r->population, -1);
    assert_true(isnan(r->share_population));
    assert_false(om_types_year_at(t, 0)->has_population);
    om_types_free(t);
    om_geo_free(g);
}

static void test_errors(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    om_types *t = NULL;
    assert_int_equal(om_types_new(&t, g, &e), OM_OK);
    assert_int_equal(om_types_set(t, 0, 2022, 6, &e), OM_ERR_INPUT);
    assert_int_equal(om_types_set(t, 3363, 2022, 1, &e), OM_ERR_INPUT);
    assert_int_equal(om_types_set(t, 0, 2022, 1, &e), OM_OK);
    assert_int_equal(om_types_set(t, 0, 2022, 2, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "twice"));
    assert_int_equal(om_types_set(t, 1, 2022, 2, &e), OM_OK);
    assert_int_equal(om_types_set_population(t, 0, 2022, -5, &e), OM_ERR_INPUT);
    /* a year with population needs it for every typed RegSO */
    assert_int_equal(om_types_set_population(t, 0, 2022, 10, &e), OM_OK);
    assert_int_equal(om_types_compute(t, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, om_geo_code(g, OM_LEVEL_REGSO, 1)));
    om_types_free(t);
    om_geo_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_hand_computed),
                                       cmocka_unit_test(test_without_population),
                                       cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

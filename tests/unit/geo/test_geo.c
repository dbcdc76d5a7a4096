/* Unit tests: the built-in registry against facts stated by SCB
 * (5,984 DeSO, 3,363 RegSO, 290 kommuner, 21 län) and rows of the mapping. */
#include "om_test.h"
#include "omrade/geo.h"

#include <string.h>

static void test_counts(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    assert_int_equal(om_geo_count(g, OM_LEVEL_DESO), 5984);
    assert_int_equal(om_geo_count(g, OM_LEVEL_REGSO), 3363);
    assert_int_equal(om_geo_count(g, OM_LEVEL_KOMMUN), 290);
    assert_int_equal(om_geo_count(g, OM_LEVEL_LAN), 21);
    assert_int_equal(om_geo_count(g, OM_LEVEL_RIKET), 1);
    /* the children runs partition each level */
    for (int l = OM_LEVEL_REGSO; l <= OM_LEVEL_RIKET; l++) {
        int32_t total = 0;
        for (int32_t i = 0; i < om_geo_count(g, (om_level)l); i++) {
            int32_t f, n;
            om_geo_children(g, (om_level)l, i, OM_LEVEL_DESO, &f, &n);
            assert_true(n > 0);
            for (int32_t k = f; k < f + n; k++)
                assert_int_equal(om_geo_parent(g, OM_LEVEL_DESO, k, (om_level)l), i);
            total += n;
        }
        assert_int_equal(total, 5984);
    }
    om_geo_free(g);
}

static void test_lookup(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    int32_t d = om_geo_find(g, OM_LEVEL_DESO, "0114C1010", 9);
    assert_true(d >= 0);
    int32_t r = om_geo_parent(g, OM_LEVEL_DESO, d, OM_LEVEL_REGSO);
    assert_string_equal(om_geo_code(g, OM_LEVEL_REGSO, r), "0114R001");
    assert_string_equal(om_geo_name(g, OM_LEVEL_REGSO, r), "Bollstanäs");
    assert_string_equal(om_geo_label(g, OM_LEVEL_REGSO, r), "Upplands Väsby (Bollstanäs)");
    int32_t k = om_geo_parent(g, OM_LEVEL_DESO, d, OM_LEVEL_KOMMUN);
    assert_string_equal(om_geo_name(g, OM_LEVEL_KOMMUN, k), "Upplands Väsby");
    int32_t l = om_geo_parent(g, OM_LEVEL_DESO, d, OM_LEVEL_LAN);
    assert_string_equal(om_geo_name(g, OM_LEVEL_LAN, l), "Stockholms län");
    om_level lv;
    const char *variants[] = {"Upplands Väsby (Bollstanäs)", "Upplands Väsby (Bollstanäs)  ",
                              "\xEF\xBB\xBFUpplands Väsby (Bollstanäs)", "RegSO-0114R001",
                              "0114R001 Bollstanäs", "\"0114R001\""};
    for (size_t i = 0; i < sizeof variants / sizeof *variants; i++) {
        assert_int_equal(om_geo_resolve(g, variants[i], strlen(variants[i]), &lv), r);
        assert_int_equal(lv, OM_LEVEL_REGSO);
    }
    assert_int_equal(om_geo_resolve(g, "Göteborg", strlen("Göteborg"), &lv),
                     om_geo_find(g, OM_LEVEL_KOMMUN, "1480", 4));
    /* SCB writes en dashes; re-published tables write hyphens */
    const char *en = "Sotenäs (Kungshamn–Smögen-Hovenäset–Väjern)";
    const char *hy = "Sotenäs (Kungshamn-Smögen-Hovenäset-Väjern)";
    int32_t se = om_geo_resolve(g, en, strlen(en), &lv);
    assert_true(se >= 0);
    assert_int_equal(om_geo_resolve(g, hy, strlen(hy), &lv), se);
    assert_int_equal(om_geo_resolve(g, "9999R999", 8, &lv), -1);
    assert_int_equal(om_geo_resolve(g, "nowhere", 7, &lv), -1);
    om_geo_free(g);
}

static void test_code_syntax(void **state)
{
    (void)state;
    assert_true(om_geo_code_valid(OM_LEVEL_DESO, "0114C1010", 9));
    assert_false(om_geo_code_valid(OM_LEVEL_DESO, "0114D1010", 9));
    assert_true(om_geo_code_valid(OM_LEVEL_REGSO, "0114R001", 8));
    assert_false(om_geo_code_valid(OM_LEVEL_REGSO, "0114R01", 7));
    assert_true(om_geo_code_valid(OM_LEVEL_KOMMUN, "2584", 4));
    assert_false(om_geo_code_valid(OM_LEVEL_KOMMUN, "25a4", 4));
    assert_true(om_geo_code_valid(OM_LEVEL_LAN, "25", 2));
    assert_false(om_geo_code_valid(OM_LEVEL_LAN, "00", 2));
    assert_int_equal(om_geo_code_level("00", 2), OM_LEVEL_RIKET);
    assert_int_equal(om_level_parse("län"), OM_LEVEL_LAN);
}

static void test_load_file_errors(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    assert_int_equal(om_geo_load(&g, OM_SOURCE_DIR "/data/scb/koppling-deso2018-regso2020.csv",
                                 "test", &e),
                     OM_OK);
    assert_int_equal(om_geo_count(g, OM_LEVEL_DESO), 5984);
    om_geo_free(g);
    assert_int_equal(om_geo_load(&g, OM_SOURCE_DIR "/tests/data/geo-bad-code.csv", "bad", &e),
                     OM_ERR_INPUT);
    assert_int_equal(e.line, 3);
    assert_null(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_counts), cmocka_unit_test(test_lookup),
                                       cmocka_unit_test(test_code_syntax),
                                       cmocka_unit_test(test_load_file_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

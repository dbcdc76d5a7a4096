/* Unit tests: the built-in registry against facts stated by SCB
 * (5,984 DeSO, 3,363 RegSO, 290 kommuner, 21 län) and rows of the mapping. */
#define _GNU_SOURCE
#include "om_test.h"
#include "omrade/geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* SCB's DeSO 2025 key file: 6,160 DeSO, 3,363 RegSO, 290 kommuner.  SCB's
 * change log "Historiska förändringar i DeSO" (2025-09-19) says 0114C1060
 * ceased, split into the new 0114C1061 and 0114C1062: so the 2018 registry
 * has the first and not the others, the 2025 registry the reverse. */
static void test_vintage_2025(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g18 = NULL, *g25 = NULL;
    assert_int_equal(om_geo_open(&g18, NULL, &e), OM_OK);
    assert_int_equal(om_geo_open(&g25, "DeSO2025", &e), OM_OK);
    assert_string_equal(om_geo_vintage(g18), "DeSO2018-RegSO2020");
    assert_string_equal(om_geo_vintage(g25), "DeSO2025-RegSO2025");
    assert_int_equal(om_geo_count(g25, OM_LEVEL_DESO), 6160);
    assert_int_equal(om_geo_count(g25, OM_LEVEL_REGSO), 3363);
    assert_int_equal(om_geo_count(g25, OM_LEVEL_KOMMUN), 290);
    assert_int_equal(om_geo_count(g25, OM_LEVEL_LAN), 21);
    assert_int_equal(om_geo_year(g18, OM_LEVEL_DESO), 2018);
    assert_int_equal(om_geo_year(g18, OM_LEVEL_REGSO), 2020);
    assert_int_equal(om_geo_year(g25, OM_LEVEL_DESO), 2025);
    assert_int_equal(om_geo_year(g25, OM_LEVEL_KOMMUN), 0);
    assert_true(om_geo_find(g18, OM_LEVEL_DESO, "0114C1060", 9) >= 0);
    assert_true(om_geo_find(g18, OM_LEVEL_DESO, "0114C1061", 9) < 0);
    assert_true(om_geo_find(g25, OM_LEVEL_DESO, "0114C1060", 9) < 0);
    int32_t d = om_geo_find(g25, OM_LEVEL_DESO, "0114C1061", 9);
    assert_true(d >= 0);
    assert_true(om_geo_find(g25, OM_LEVEL_DESO, "0114C1062", 9) >= 0);
    /* kommun names come from the built-in list (SCB's 2025 file has none) */
    int32_t k = om_geo_parent(g25, OM_LEVEL_DESO, d, OM_LEVEL_KOMMUN);
    assert_string_equal(om_geo_name(g25, OM_LEVEL_KOMMUN, k), "Upplands Väsby");
    /* the children runs partition the DeSO */
    int32_t total = 0;
    for (int32_t r = 0; r < om_geo_count(g25, OM_LEVEL_REGSO); r++) {
        int32_t f, n;
        om_geo_children(g25, OM_LEVEL_REGSO, r, OM_LEVEL_DESO, &f, &n);
        total += n;
    }
    assert_int_equal(total, 6160);
    om_geo_free(g18);
    om_geo_free(g25);
}

static void test_suffix(void **state)
{
    (void)state;
    om_level l;
    int y;
    assert_int_equal(om_geo_code_suffix("0114C1010_DeSO2025", 18, &l, &y), 9);
    assert_int_equal(l, OM_LEVEL_DESO);
    assert_int_equal(y, 2025);
    assert_int_equal(om_geo_code_suffix("0114R001_RegSO2025", 18, &l, &y), 8);
    assert_int_equal(l, OM_LEVEL_REGSO);
    assert_int_equal(om_geo_code_suffix("0114C1010", 9, &l, &y), 9);
    assert_int_equal(l, OM_LEVEL_NONE);
    assert_int_equal(y, 0);
    assert_int_equal(om_geo_code_suffix("_DeSO2025", 9, &l, &y), 9); /* no code before it */
    assert_int_equal(om_geo_code_suffix("0114C1010_DeSO20x5", 18, &l, &y), 18);
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL, *g25 = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    assert_int_equal(om_geo_open(&g25, "DeSO2025", &e), OM_OK);
    /* the suffix must name the registry's vintage and level */
    assert_true(om_geo_find(g, OM_LEVEL_DESO, "0114C1010_DeSO2018", 18) >= 0);
    assert_true(om_geo_find(g, OM_LEVEL_DESO, "0114C1010_DeSO2025", 18) < 0);
    assert_true(om_geo_find(g25, OM_LEVEL_DESO, "0114C1010_DeSO2025", 18) >= 0);
    assert_true(om_geo_find(g25, OM_LEVEL_REGSO, "0114R001_RegSO2025", 18) >= 0);
    assert_true(om_geo_find(g, OM_LEVEL_REGSO, "0114R001_RegSO2025", 18) < 0);
    assert_true(om_geo_find(g, OM_LEVEL_REGSO, "0114R001_RegSO2020", 18) >= 0);
    assert_true(om_geo_find(g25, OM_LEVEL_REGSO, "0114C1010_DeSO2025", 18) < 0);
    om_level lv;
    assert_int_equal(om_geo_resolve(g25, "0114R001_RegSO2025", 18, &lv),
                     om_geo_find(g25, OM_LEVEL_REGSO, "0114R001", 8));
    assert_int_equal(lv, OM_LEVEL_REGSO);
    assert_int_equal(om_geo_resolve(g, "0114R001_RegSO2025", 18, &lv), -1);
    om_geo_free(g);
    om_geo_free(g25);
}

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/om_geo_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

static void test_load_layouts(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    /* plain deso,regso with a provenance line; codes with SCB's suffix */
    char *p = write_tmp("# geography: test\ndeso,regso\n0114C1010_DeSO2030,0114R001_RegSO2030\n"
                        "0114C1020_DeSO2030,0114R001_RegSO2030\n1480C1010_DeSO2030,1480R001_RegSO2030\n");
    assert_int_equal(om_geo_load(&g, p, NULL, &e), OM_OK);
    unlink(p);
    assert_int_equal(om_geo_count(g, OM_LEVEL_DESO), 3);
    assert_int_equal(om_geo_count(g, OM_LEVEL_REGSO), 2);
    assert_int_equal(om_geo_count(g, OM_LEVEL_KOMMUN), 2);
    assert_int_equal(om_geo_count(g, OM_LEVEL_LAN), 2);
    assert_int_equal(om_geo_year(g, OM_LEVEL_DESO), 2030);
    int32_t k = om_geo_find(g, OM_LEVEL_KOMMUN, "1480", 4);
    assert_string_equal(om_geo_name(g, OM_LEVEL_KOMMUN, k), "Göteborg");
    assert_string_equal(om_geo_name(g, OM_LEVEL_LAN, om_geo_parent(g, OM_LEVEL_KOMMUN, k, OM_LEVEL_LAN)),
                        "Västra Götalands län");
    om_geo_free(g);
    /* semicolons, SCB-style column names with years */
    p = write_tmp("DeSO 2031;RegSO-kod 2031;RegSO-namn 2031\n0114C1010;0114R001;Bollstanäs\n");
    assert_int_equal(om_geo_load(&g, p, NULL, &e), OM_OK);
    unlink(p);
    assert_string_equal(om_geo_vintage(g), "DeSO2031-RegSO2031");
    assert_string_equal(om_geo_label(g, OM_LEVEL_REGSO, 0), "Upplands Väsby (Bollstanäs)");
    om_geo_free(g);
    /* a DeSO in two RegSO: an error at the second row's RegSO field */
    p = write_tmp("deso,regso\n0114C1010,0114R001\n0114C1020,0114R001\n0114C1010,0114R002\n");
    assert_int_equal(om_geo_load(&g, p, NULL, &e), OM_ERR_INPUT);
    unlink(p);
    assert_null(g);
    assert_int_equal(e.line, 4);
    assert_int_equal(e.column, 11);
    /* a suffix of another year than the column's */
    p = write_tmp("deso_2025,regso_2025\n0114C1010_DeSO2018,0114R001\n");
    assert_int_equal(om_geo_load(&g, p, NULL, &e), OM_ERR_INPUT);
    unlink(p);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    /* no DeSO column */
    p = write_tmp("a,b\n1,2\n");
    assert_int_equal(om_geo_load(&g, p, NULL, &e), OM_ERR_INPUT);
    unlink(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_counts), cmocka_unit_test(test_lookup),
                                       cmocka_unit_test(test_code_syntax),
                                       cmocka_unit_test(test_load_file_errors),
                                       cmocka_unit_test(test_vintage_2025),
                                       cmocka_unit_test(test_suffix),
                                       cmocka_unit_test(test_load_layouts)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* om_areatypes, the one reader of area-type files (omrade/sei.h), as link,
 * rates and types use it: both layouts, merging several files, and the
 * positions named when files conflict.  Expected values are read off the
 * small inputs written here. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"

#include "omrade/sei.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/om_areatypes_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

static int setup(void **state)
{
    om_geo *g = NULL;
    om_error err = OM_ERROR_INIT;
    if (om_geo_new_builtin(&g, &err) != OM_OK)
        return -1;
    *state = g;
    return 0;
}

static int teardown(void **state)
{
    om_geo_free(*state);
    return 0;
}

static int32_t regso(const om_geo *g, const char *code)
{
    int32_t r = om_geo_find(g, OM_LEVEL_REGSO, code, strlen(code));
    assert_true(r >= 0);
    return r;
}

/* A long file and an SCB export with an extra year column (1985, ".." for
 * one RegSO) give the same table. */
static void test_layouts_agree(void **state)
{
    const om_geo *g = *state;
    char *wide = write_tmp("\xef\xbb\xbf"
                           "Omr\xc3\xa5"
                           "de,1985,2022\n"
                           "Upplands V\xc3\xa4sby (Bollstan\xc3\xa4s),3,4\n"
                           "Upplands V\xc3\xa4sby (Hammarby-Vaxmyra),..,2\n"
                           ",\nK\xc3\xa4lla:,\nSCB,\n");
    char *lng = write_tmp("area,year,area_type\n0114R001,1985,3\n0114R002,1985,\n"
                          "0114R001,2022,4\n0114R002,2022,2\n");
    om_areatypes *a = NULL, *b = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_areatypes_new(&a, g, &err), OM_OK);
    assert_int_equal(om_areatypes_new(&b, g, &err), OM_OK);
    assert_int_equal(om_areatypes_read(a, wide, NULL, &err), OM_OK);
    assert_int_equal(om_areatypes_read(b, lng, NULL, &err), OM_OK);
    assert_int_equal(om_areatypes_nyears(a), 2);
    assert_int_equal(om_areatypes_nyears(b), 2);
    int32_t r1 = regso(g, "0114R001"), r2 = regso(g, "0114R002"), r3 = regso(g, "0114R003");
    for (size_t i = 0; i < 2; i++) {
        int32_t y = om_areatypes_year_at(a, i);
        assert_int_equal(y, om_areatypes_year_at(b, i));
        for (int32_t r = 0; r < om_geo_count(g, OM_LEVEL_REGSO); r++)
            assert_int_equal(om_areatypes_get(a, r, y), om_areatypes_get(b, r, y));
    }
    assert_int_equal(om_areatypes_year_at(a, 0), 1985);
    assert_int_equal(om_areatypes_get(a, r1, 1985), 3);
    assert_int_equal(om_areatypes_get(a, r2, 1985), 0); /* ".." = unclassified */
    assert_int_equal(om_areatypes_get(a, r3, 1985), -1);
    assert_int_equal(om_areatypes_ntyped(a, 1985), 1);
    assert_int_equal(om_areatypes_ntyped(a, 2022), 2);
    assert_int_equal(om_areatypes_ntyped(a, 2021), 0);
    assert_int_equal(om_areatypes_stats_get(a)->missing, 1);
    assert_true(om_areatypes_stats_get(a)->notes > 0);
    /* positions: the type value's line and column */
    const char *file;
    long line, col;
    assert_true(om_areatypes_origin(a, r2, 2022, &file, &line, &col));
    assert_string_equal(file, wide);
    assert_int_equal(line, 3);
    assert_int_equal(col, 38); /* "Upplands Väsby (Hammarby-Vaxmyra),..," = 37 characters */
    assert_true(om_areatypes_origin(b, r1, 2022, &file, &line, &col));
    assert_int_equal(line, 4);
    assert_int_equal(col, 15);
    om_areatypes_free(a);
    om_areatypes_free(b);
    unlink(wide);
    unlink(lng);
    free(wide);
    free(lng);
}

/* Several files: agreeing overlaps are counted, disagreements name both
 * places, a RegSO-year twice in one file is refused even with one type. */
static void test_merge(void **state)
{
    const om_geo *g = *state;
    char *f1 = write_tmp("area,year,area_type\n0114R001,2022,4\n0114R002,2022,2\n");
    char *f2 = write_tmp("area,year,area_type\n0114R001,2022,4\n0114R001,2023,5\n");
    char *f3 = write_tmp("area,year,area_type\n0114R003,2023,1\n0114R002,2022,3\n");
    char *f4 = write_tmp("area,year,area_type\n0114R003,2024,1\n0114R003,2024,1\n");
    om_areatypes *a = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_areatypes_new(&a, g, &err), OM_OK);
    assert_int_equal(om_areatypes_read(a, f1, NULL, &err), OM_OK);
    assert_int_equal(om_areatypes_read(a, f2, NULL, &err), OM_OK);
    assert_int_equal(om_areatypes_stats_get(a)->repeated, 1);
    assert_int_equal(om_areatypes_nyears(a), 2);
    assert_int_equal(om_areatypes_read(a, f3, NULL, &err), OM_ERR_INPUT);
    assert_string_equal(err.file, f3);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 15);
    char want[512];
    snprintf(want, sizeof want,
             "expected area type 2 for 0114R002 in 2022 as in %s:3:15, found 3 (two type files "
             "disagree)",
             f1);
    assert_string_equal(err.msg, want);
    om_areatypes_free(a);
    assert_int_equal(om_areatypes_new(&a, g, &err), OM_OK);
    assert_int_equal(om_areatypes_read(a, f4, NULL, &err), OM_ERR_INPUT);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "found 0114R003 2024 again (first on line 2)"));
    om_areatypes_free(a);
    char *f[4] = {f1, f2, f3, f4};
    for (int i = 0; i < 4; i++) {
        unlink(f[i]);
        free(f[i]);
    }
}

/* Unknown areas: an error by default (omrade types), counted on request
 * (link), and year and type checked at their columns. */
static void test_unknown_and_bad(void **state)
{
    const om_geo *g = *state;
    char *f = write_tmp("area,year,area_type\n0114R999,2022,2\n0114R001,2022,4\n");
    om_areatypes *a = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_areatypes_new(&a, g, &err), OM_OK);
    assert_int_equal(om_areatypes_read(a, f, NULL, &err), OM_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 1);
    om_areatypes_free(a);
    om_areatypes_options opt = {NULL, NULL, NULL, true};
    assert_int_equal(om_areatypes_new(&a, g, &err), OM_OK);
    assert_int_equal(om_areatypes_read(a, f, &opt, &err), OM_OK);
    assert_int_equal(om_areatypes_stats_get(a)->unknown_area, 1);
    assert_int_equal(om_areatypes_ntyped(a, 2022), 1);
    om_areatypes_free(a);
    char *bad = write_tmp("omr,ar,typ\n0114R001,2022,6\n");
    om_areatypes_options cols = {"omr", "ar", "typ", false};
    assert_int_equal(om_areatypes_new(&a, g, &err), OM_OK);
    assert_int_equal(om_areatypes_read(a, bad, &cols, &err), OM_ERR_INPUT);
    assert_int_equal(err.column, 15);
    assert_non_null(strstr(err.msg, "expected an area type 1-5 in column 'typ', found '6'"));
    om_areatypes_free(a);
    unlink(f);
    unlink(bad);
    free(f);
    free(bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layouts_agree),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_unknown_and_bad),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

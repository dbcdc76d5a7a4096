/* Unit tests for om_population_read (src/sei/population.c), the one reader
 * of area,year,population files, and for its two users: `omrade types`
 * (om_types_read_population) and `omrade transitions`
 * (om_transitions_read_population) must accept and refuse the same files
 * with the same messages.
 *
 * References: hand cases; RegSO codes and the 'Kommun (RegSO)' label from
 * the built-in registry (SCB's DeSO/RegSO 2025 table). */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/change.h"
#include "omrade/sei.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_tmp(const char *text)
{
    static char names[16][64];
    static int k;
    char *name = names[k++ % 16];
    snprintf(name, 64, "/tmp/om_test_pop_XXXXXX");
    int fd = mkstemp(name);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    return name;
}

typedef struct {
    int32_t regso[8], year[8];
    int64_t pop[8];
    long line[8];
    int n;
} rows;

/* keeps every row; a second row of a RegSO-year is a repeat */
static int put(void *ctx, int32_t regso, int32_t year, int64_t population, long line, long *first)
{
    rows *r = ctx;
    for (int i = 0; i < r->n; i++)
        if (r->regso[i] == regso && r->year[i] == year) {
            *first = r->line[i];
            return 1;
        }
    assert_true(r->n < 8);
    r->regso[r->n] = regso;
    r->year[r->n] = year;
    r->pop[r->n] = population;
    r->line[r->n++] = line;
    return 0;
}

static int put_nomem(void *ctx, int32_t regso, int32_t year, int64_t population, long line, long *first)
{
    (void)ctx, (void)regso, (void)year, (void)population, (void)line, (void)first;
    return -1;
}

static om_geo *geo(void)
{
    om_geo *g = NULL;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    return g;
}

static void test_read(void **state)
{
    (void)state;
    om_geo *g = geo();
    /* columns in another order plus one to ignore; a code and a label */
    char *path = write_tmp("year,note,population,area\n2022,x,100,0114R001\n2023,,0,0114R001\n"
                           "2022,,250,0114R002\n");
    rows r = {0};
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_population_read(path, g, put, &r, &e), OM_OK);
    assert_int_equal(r.n, 3);
    int32_t a = om_geo_find(g, OM_LEVEL_REGSO, "0114R001", 8), b = om_geo_find(g, OM_LEVEL_REGSO, "0114R002", 8);
    assert_true(a >= 0 && b >= 0);
    assert_int_equal(r.regso[0], a);
    assert_int_equal(r.year[0], 2022);
    assert_int_equal(r.pop[0], 100);
    assert_int_equal(r.line[0], 2);
    assert_int_equal(r.regso[1], a);
    assert_int_equal(r.year[1], 2023);
    assert_int_equal(r.pop[1], 0); /* the lower boundary: an empty area */
    assert_int_equal(r.regso[2], b);
    assert_int_equal(r.line[2], 4);
    /* put() out of memory: OM_ERR_NOMEM */
    assert_int_equal(om_population_read(path, g, put_nomem, NULL, &e), OM_ERR_NOMEM);
    unlink(path);
    om_geo_free(g);
}

/* A bad row: the error names file, line and column (-1: not checked) and
 * what was expected. */
static void check_bad(const om_geo *g, const char *text, long line, long column, const char *expect)
{
    char *path = write_tmp(text);
    rows r = {0};
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_population_read(path, g, put, &r, &e), OM_ERR_INPUT);
    assert_string_equal(e.file, path);
    assert_int_equal(e.line, line);
    if (column >= 0)
        assert_int_equal(e.column, column);
    if (!strstr(e.msg, expect))
        fail_msg("expected '%s' in '%s'", expect, e.msg);

    /* omrade types and omrade transitions refuse it the same way */
    om_types *t = NULL;
    om_transitions *tr = NULL;
    om_error et = OM_ERROR_INIT, er = OM_ERROR_INIT;
    assert_int_equal(om_types_new(&t, g, &et), OM_OK);
    assert_int_equal(om_transitions_new(&tr, g, &er), OM_OK);
    assert_int_equal(om_types_read_population(t, path, &et), OM_ERR_INPUT);
    assert_int_equal(om_transitions_read_population(tr, path, &er), OM_ERR_INPUT);
    char bt[512], br[512], bp[512];
    assert_string_equal(om_error_format(&et, bt, sizeof bt), om_error_format(&e, bp, sizeof bp));
    assert_string_equal(om_error_format(&er, br, sizeof br), bp);
    om_types_free(t);
    om_transitions_free(tr);
    unlink(path);
}

static void test_bad_rows(void **state)
{
    (void)state;
    om_geo *g = geo();
    /* years: OM_YEAR_MIN and OM_YEAR_MAX pass, one outside fails */
    check_bad(g, "area,year,population\n0114R001,1900,1\n0114R001,2100,1\n0114R001,1899,1\n", 4, 10,
              "expected a year 1900-2100 in column 'year', found '1899'");
    check_bad(g, "area,year,population\n0114R001,2101,1\n", 2, 10, "found '2101'");
    check_bad(g, "area,year,population\n0114R001,2022,-50\n", 2, 15,
              "expected a non-negative population, found '-50'");
    check_bad(g, "area,year,population\n0114R001,2022,1.5\n", 2, 15, "count");
    check_bad(g, "area,year,population\n0114,2022,1\n", 2, 1, "expected a RegSO code");
    check_bad(g, "area,year,population\n0114A0010,2022,1\n", 2, 1, "expected a RegSO code");
    check_bad(g, "area,year,population\n0114R001,2022,1\n0114R002,2022,2\n0114R001,2022,3\n", 4, 1,
              "expected one row per RegSO and year, found 0114R001 2022 again (first on line 2)");
    /* a short row (the CSV reader's field count) */
    check_bad(g, "area,year,population\n0114R001,2022\n", 2, -1, "");
    om_geo_free(g);
}

/* A wrong header: the missing column named, same for both commands. */
static void test_header(void **state)
{
    (void)state;
    om_geo *g = geo();
    char *path = write_tmp("area,year,pop\n0114R001,2022,1\n");
    rows r = {0};
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_population_read(path, g, put, &r, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "population"));
    assert_int_equal(r.n, 0);
    unlink(path);
    om_geo_free(g);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_read),
        cmocka_unit_test(test_bad_rows),
        cmocka_unit_test(test_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

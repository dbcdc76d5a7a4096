/* Unit tests: om_csv_open_cols (open, header, required columns in one call;
 * nothing left open on failure) and the reading loop om_csv_row. */
#define _POSIX_C_SOURCE 200809L /* mkstemp, fdopen */
#include "om_test.h"
#include "omrade/csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const names[2] = {"year", "area"};

/* om_csv_open_cols over a temporary file holding `text` (NULL: a file that
 * does not exist); the file is gone again when it returns, the mapping
 * stays.  *c starts as a non-NULL junk pointer, so a failure must set it. */
static om_status open_text(const char *text, const om_csv_options *opt, om_csv **c, int idx[2],
                           om_error *e)
{
    char path[64];
    strcpy(path, "/tmp/om_csv_cols_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    assert_non_null(fp);
    fputs(text ? text : "", fp);
    assert_int_equal(fclose(fp), 0);
    if (!text)
        unlink(path);
    *c = (om_csv *)1;
    idx[0] = idx[1] = -9;
    om_status s = om_csv_open_cols(c, path, opt, names, 2, idx, e);
    unlink(path);
    return s;
}

static void test_found_in_any_order(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv *c;
    int idx[2];
    assert_int_equal(open_text("# provenance line\narea,x,year\n0114R001,7,2022\n", NULL, &c, idx, &e),
                     OM_OK);
    /* the header is behind the '#' block, and the columns are where it has them */
    assert_int_equal(idx[0], 2);
    assert_int_equal(idx[1], 0);
    bool got;
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_true(got);
    int64_t y;
    assert_int_equal(om_csv_i64(c, (size_t)idx[0], &y, &e), OM_OK);
    assert_int_equal(y, 2022);
    om_csv_free(c);

    om_csv_options o = {.delim = ';'};
    assert_int_equal(open_text("area;year\nx;1999\n", &o, &c, idx, &e), OM_OK);
    assert_int_equal(idx[0], 1);
    assert_int_equal(idx[1], 0);
    om_csv_free(c);
}

static void test_failures_leave_nothing_open(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *msg;
    } cases[] = {
        {"area,population\n0114R001,7\n", "expected a header with column 'year', found 'area,population'"},
        {"", "expected a header line"},
        {NULL, "cannot open the input"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        om_error e = OM_ERROR_INIT;
        om_csv *c;
        int idx[2];
        assert_int_not_equal(open_text(cases[k].text, NULL, &c, idx, &e), OM_OK);
        assert_null(c);
        assert_non_null(strstr(e.msg, cases[k].msg));
    }
}

/* The loop reads every record, stops at the first bad one with its error,
 * and does not read past an error that the body set. */
static void test_row_loop(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv *c = NULL;
    const char *text = "a,b\n1,2\n3,4\n5\n6,7\n";
    assert_int_equal(om_csv_open_mem(&c, "t.csv", text, strlen(text), NULL, &e), OM_OK);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    om_status s = OM_OK;
    int rows = 0;
    while (om_csv_row(c, &s, &e))
        rows++;
    assert_int_equal(rows, 2);
    assert_int_equal(s, OM_ERR_INPUT);
    assert_int_equal(e.line, 4);
    /* an error already in s: no record is read, s and the error stay */
    assert_false(om_csv_row(c, &s, &e));
    assert_int_equal(s, OM_ERR_INPUT);
    assert_int_equal(e.line, 4);
    om_csv_free(c);

    assert_int_equal(om_csv_open_mem(&c, "t.csv", text, strlen(text), NULL, &e), OM_OK);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    s = OM_OK;
    rows = 0;
    while (om_csv_row(c, &s, &e))
        if (++rows == 1)
            s = OM_ERR_USAGE; /* the body's own check failed */
    assert_int_equal(rows, 1);
    assert_int_equal(s, OM_ERR_USAGE);
    assert_int_equal(om_csv_offset(c), strlen("a,b\n1,2\n"));
    om_csv_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_found_in_any_order),
                                       cmocka_unit_test(test_failures_leave_nothing_open),
                                       cmocka_unit_test(test_row_loop)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

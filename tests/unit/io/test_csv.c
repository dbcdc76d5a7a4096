/* Unit tests: CSV reader (quoting, CRLF, BOM, errors with positions). */
#include "om_test.h"
#include "omrade/csv.h"

#include <string.h>

static om_csv *open_str(const char *s, om_error *e)
{
    om_csv *c = NULL;
    assert_int_equal(om_csv_open_mem(&c, "t.csv", s, strlen(s), NULL, e), OM_OK);
    return c;
}

static void expect_field(om_csv *c, size_t i, const char *want)
{
    om_field f = om_csv_field(c, i);
    assert_int_equal(f.len, strlen(want));
    assert_memory_equal(f.ptr, want, f.len);
}

static void test_basic(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv *c = open_str("\xEF\xBB\xBF" "area,year\r\n0114R001,2022\r\n\"a,\"\"b\"\"\",\r\nlast,1", &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    assert_int_equal(om_csv_col(c, "area"), 0);
    assert_int_equal(om_csv_col(c, "year"), 1);
    assert_int_equal(om_csv_col(c, "nope"), -1);
    bool got;
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_true(got);
    expect_field(c, 0, "0114R001");
    int64_t y;
    assert_int_equal(om_csv_i64(c, 1, &y, &e), OM_OK);
    assert_int_equal(y, 2022);
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_int_equal(om_csv_nfields(c), 2);
    expect_field(c, 0, "a,\"b\"");
    expect_field(c, 1, "");
    assert_int_equal(om_csv_line(c), 3);
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    expect_field(c, 0, "last");
    expect_field(c, 1, "1");
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_false(got);
    om_csv_free(c);
}

static void test_errors(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    char buf[1200];
    om_csv *c = open_str("a,b\n1,x\n", &e);
    om_csv_read_header(c, &e);
    bool got;
    om_csv_next(c, &got, &e);
    double d;
    assert_int_equal(om_csv_f64(c, 1, &d, &e), OM_ERR_INPUT);
    assert_string_equal(om_error_format(&e, buf, sizeof buf),
                        "t.csv:2:3: expected a number in column 'b', found 'x'");
    const char *names[] = {"a", "c"};
    int idx[2];
    assert_int_equal(om_csv_require(c, names, 2, idx, &e), OM_ERR_INPUT);
    assert_string_equal(om_error_format(&e, buf, sizeof buf),
                        "t.csv:1:1: expected a header with column 'c', found 'a,b'");
    om_csv_free(c);

    c = open_str("a\n\"open\n", &e);
    om_csv_read_header(c, &e);
    assert_int_equal(om_csv_next(c, &got, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    om_csv_free(c);

    c = NULL;
    assert_int_equal(om_csv_open_mem(&c, "u.csv", "ok\nbåd\xff\n", 9, NULL, &e), OM_ERR_INPUT);
    assert_null(c);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 4); /* characters, not bytes: b, å, d, then the bad byte */

    c = open_str("", &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_ERR_INPUT);
    om_csv_free(c);

    assert_int_equal(om_csv_open(&c, "/nonexistent/file.csv", NULL, &e), OM_ERR_INPUT);
}

static void test_split_and_slices(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    char text[20000];
    size_t w = (size_t)snprintf(text, sizeof text, "id,v\n");
    for (int i = 0; i < 1000; i++)
        w += (size_t)snprintf(text + w, sizeof text - w, "%d,%d\n", i, i * 3);
    om_csv *c = open_str(text, &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    size_t off[5];
    om_csv_split(c, 4, off);
    long long sum = 0;
    int rows = 0;
    for (int k = 0; k < 4; k++) {
        om_csv *s = NULL;
        assert_int_equal(om_csv_open_slice(&s, c, off[k], off[k + 1], &e), OM_OK);
        assert_int_equal(om_csv_col(s, "v"), 1);
        bool got;
        while (om_csv_next(s, &got, &e) == OM_OK && got) {
            int64_t v;
            assert_int_equal(om_csv_i64(s, 1, &v, &e), OM_OK);
            sum += v;
            rows++;
        }
        om_csv_free(s);
    }
    assert_int_equal(rows, 1000);
    assert_int_equal(sum, 3LL * 999 * 1000 / 2);
    om_csv_free(c);
}

static void test_cr_cr_lf(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv *c = open_str("a,b\r\r\nx,\"y\"\r\r\n1,2\r\n", &e);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    assert_int_equal(om_csv_header_count(c), 2);
    expect_field(c, 1, "b");
    bool got;
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    assert_int_equal(om_csv_nfields(c), 2);
    expect_field(c, 1, "y");
    assert_int_equal(om_csv_next(c, &got, &e), OM_OK);
    expect_field(c, 1, "2");
    om_csv_free(c);
}

static void test_semicolon(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_csv_options o = {0};
    o.delim = ';';
    om_csv *c = NULL;
    const char *s = "bro;Kommunnamn\n1440;Ale\n";
    assert_int_equal(om_csv_open_mem(&c, "k.csv", s, strlen(s), &o, &e), OM_OK);
    om_csv_read_header(c, &e);
    bool got;
    om_csv_next(c, &got, &e);
    expect_field(c, 1, "Ale");
    om_csv_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_basic), cmocka_unit_test(test_errors),
                                       cmocka_unit_test(test_split_and_slices),
                                       cmocka_unit_test(test_semicolon),
                                       cmocka_unit_test(test_cr_cr_lf)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

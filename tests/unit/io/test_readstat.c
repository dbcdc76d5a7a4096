#define _POSIX_C_SOURCE 200809L
/* The ReadStat adapter.  Fixtures in tests/data/readstat/ were written by an
 * independent tool, Debian's `readstat` 1.1.8 CLI, from persons.csv
 * (tests/data/readstat/make-fixtures.sh): the adapter must give back that
 * CSV byte for byte for the .dta, .sav and .sas7bdat versions.  Date formats
 * are checked on files written with ReadStat's writer API carrying a date
 * format, with day numbers computed independently (python3 date
 * arithmetic: 1950-03-01 is -3593 days from 1960-01-01, 2024-02-29 is
 * 23435; the readstat CLI wrote the same numbers from those date strings).
 * Boundaries: caps on size and variables, a truncated file, extensions. */
#include "om_test.h"

#include "omrade/csv.h"
#include "omrade/readstat.h"

#include <readstat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR OM_SOURCE_DIR "/tests/data/readstat/"

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)len + 1);
    assert_int_equal(fread(b, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    b[len] = '\0';
    *n = (size_t)len;
    return b;
}

static void test_fixtures_read_back_as_the_csv(void **state)
{
    (void)state;
    size_t n;
    char *want = slurp(DIR "persons.csv", &n);
    static const char *const files[] = {DIR "persons.dta", DIR "persons.sav",
                                        DIR "persons.sas7bdat"};
    for (int i = 0; i < 3; i++) {
        char *text;
        size_t len;
        om_error err = OM_ERROR_INIT;
        assert_int_equal(om_readstat_csv(files[i], om_readstat_format_of(files[i]), 0, 0, &text,
                                         &len, &err),
                         OM_OK);
        assert_int_equal(len, n);
        assert_memory_equal(text, want, n);
        free(text);
        /* and through om_csv_open, as every command reads it */
        om_csv *c = NULL;
        assert_int_equal(om_csv_open(&c, files[i], NULL, &err), OM_OK);
        assert_int_equal(om_csv_read_header(c, &err), OM_OK);
        assert_int_equal(om_csv_col(c, "note"), 5);
        bool got;
        int rows = 0;
        while (om_csv_next(c, &got, &err) == OM_OK && got)
            rows++;
        assert_int_equal(rows, 5);
        om_csv_free(c);
    }
    free(want);
}

static void test_formats_and_errors(void **state)
{
    (void)state;
    assert_int_equal(om_readstat_format_of("x.SAS7BDAT"), OM_READSTAT_SAS7BDAT);
    assert_int_equal(om_readstat_format_of("a/b.dta"), OM_READSTAT_DTA);
    assert_int_equal(om_readstat_format_of("b.zsav"), OM_READSTAT_SAV);
    assert_int_equal(om_readstat_format_of("b.csv"), OM_READSTAT_NONE);
    assert_int_equal(om_readstat_format_of("-"), OM_READSTAT_NONE);
    assert_int_equal(om_readstat_format_of("d.sav/x"), OM_READSTAT_NONE);
    char *text;
    size_t len;
    om_error err = OM_ERROR_INIT;
    /* caps: 6 variables, 218 bytes of CSV */
    assert_int_equal(om_readstat_csv(DIR "persons.dta", OM_READSTAT_DTA, 0, 5, &text, &len, &err),
                     OM_ERR_NOMEM);
    assert_int_equal(om_readstat_csv(DIR "persons.dta", OM_READSTAT_DTA, 217, 0, &text, &len, &err),
                     OM_ERR_NOMEM);
    assert_int_equal(om_readstat_csv(DIR "persons.dta", OM_READSTAT_DTA, 218, 6, &text, &len, &err),
                     OM_OK);
    free(text);
    /* missing and truncated files are bad input */
    assert_int_equal(om_readstat_csv(DIR "nope.dta", OM_READSTAT_DTA, 0, 0, &text, &len, &err),
                     OM_ERR_INPUT);
    size_t n;
    char *img = slurp(DIR "persons.sav", &n);
    for (size_t cut = 0; cut < n; cut += 7) {
        /* any prefix either fails cleanly or yields some rows; never crashes */
        om_status s = om_readstat_csv_mem(img, cut, "cut.sav", OM_READSTAT_SAV, 0, 0, &text, &len,
                                          &err);
        if (s == OM_OK)
            free(text);
        else
            assert_int_equal(s, OM_ERR_INPUT);
    }
    assert_int_equal(om_readstat_csv_mem(img, 100, "cut.sav", OM_READSTAT_SAV, 0, 0, &text, &len, &err),
                     OM_ERR_INPUT);
    assert_non_null(strstr(err.msg, "expected a readable SPSS (sav) file"));
    free(img);
}

typedef struct {
    char *p;
    size_t n;
} membuf;

static ssize_t wr(const void *data, size_t len, void *ctx)
{
    membuf *m = ctx;
    m->p = realloc(m->p, m->n + len);
    memcpy(m->p + m->n, data, len);
    m->n += len;
    return (ssize_t)len;
}

/* A one-variable file with the given format and values (NaN = missing). */
static membuf write_dates(om_readstat_format f, const char *format, const double *v, int n)
{
    membuf m = {NULL, 0};
    readstat_writer_t *w = readstat_writer_init();
    readstat_set_data_writer(w, wr);
    readstat_variable_t *var = readstat_add_variable(w, "d", READSTAT_TYPE_DOUBLE, 0);
    readstat_variable_set_format(var, format);
    readstat_error_t e = f == OM_READSTAT_DTA    ? readstat_begin_writing_dta(w, &m, n)
                         : f == OM_READSTAT_SAV ? readstat_begin_writing_sav(w, &m, n)
                                                : readstat_begin_writing_sas7bdat(w, &m, n);
    assert_int_equal(e, READSTAT_OK);
    for (int i = 0; i < n; i++) {
        readstat_begin_row(w);
        if (v[i] == v[i])
            readstat_insert_double_value(w, var, v[i]);
        else
            readstat_insert_missing_value(w, var);
        readstat_end_row(w);
    }
    assert_int_equal(readstat_end_writing(w), READSTAT_OK);
    readstat_writer_free(w);
    return m;
}

static void check_dates(om_readstat_format f, const char *format, const double *v,
                        const char *want)
{
    membuf m = write_dates(f, format, v, 4);
    char *text;
    size_t len;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_readstat_csv_mem(m.p, m.n, "d", f, 0, 0, &text, &len, &err), OM_OK);
    assert_string_equal(text, want);
    free(text);
    free(m.p);
}

static void test_dates(void **state)
{
    (void)state;
    const double days[4] = {-3593, 3653, 23435, NAN};
    const char *dates = "d\n1950-03-01\n1970-01-01\n2024-02-29\n\n";
    check_dates(OM_READSTAT_DTA, "%td", days, dates);
    check_dates(OM_READSTAT_SAS7BDAT, "DATE9", days, dates);
    check_dates(OM_READSTAT_SAS7BDAT, "YYMMDD10", days, dates);
    /* SPSS: seconds from 1582-10-14, as the readstat CLI wrote them */
    const double secs[4] = {11593324800.0, 12219379200.0, 13928544000.0, NAN};
    check_dates(OM_READSTAT_SAV, "DATE11", secs, dates);
    /* without a date format the numbers stay numbers */
    check_dates(OM_READSTAT_DTA, "%9.0g", days, "d\n-3593\n3653\n23435\n\n");
    /* a datetime format is not a date format */
    check_dates(OM_READSTAT_SAS7BDAT, "DATETIME20", days, "d\n-3593\n3653\n23435\n\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixtures_read_back_as_the_csv),
        cmocka_unit_test(test_formats_and_errors),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

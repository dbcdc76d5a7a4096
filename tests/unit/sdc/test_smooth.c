/* Unit tests: om_sdc_smooth_* (protect --smooth on a file) read every row
 * once, keep the area codes as written (CSV quoting), give the rates of
 * om_sdc_eb_smooth on the same counts, and report bad rows with positions. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/sdc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/om_smooth_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_roundtrip(void **state)
{
    (void)state;
    char *path = write_tmp("area,sex,count,denominator,kommun\n"
                           "\"a,1\",m,3,100,k1\nb,w,0,50,k1\nc,m,7,80,k2\n\"d \"\"x\"\"\",w,2,0,k2\ne,m,1,30,k1\n");
    const char *dims[] = {"area", "sex"};
    om_error err = OM_ERROR_INIT;
    om_sdc_smooth *s = NULL;
    assert_int_equal(om_sdc_smooth_load(&s, path, dims, 2, "kommun", &err), OM_OK);
    assert_int_equal(om_sdc_smooth_count(s), 5);
    /* the same rates as om_sdc_eb_smooth on the arrays, groups in first-seen order */
    const double e[5] = {3, 0, 7, 2, 1}, p[5] = {100, 50, 80, 0, 30};
    const int32_t g[5] = {0, 0, 1, 1, 0};
    double rate[5], se[5], lo[5], hi[5];
    assert_int_equal(om_sdc_eb_smooth(5, e, p, g, rate, se, lo, hi, &err), OM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    om_sdc_smooth_write(s, fp);
    fclose(fp);
    const char *line = buf;
    assert_memory_equal(line, "area,sex,count,denominator,rate,se,lower,upper,status\n", 54);
    line = strchr(line, '\n') + 1;
    assert_true(strncmp(line, "\"a,1\",m,3,100,", 14) == 0);
    char want[64];
    snprintf(want, sizeof want, "%.6f", rate[0]);
    assert_non_null(strstr(line, want));
    const char *d = strstr(buf, "\n\"d \"\"x\"\"\",w,2,0,");
    assert_non_null(d); /* quoted code written back quoted; NaN rate for a zero denominator */
    assert_true(isnan(rate[3]));
    assert_int_equal(strstr(buf, "smoothed\n") != NULL, 1);
    free(buf);
    om_sdc_smooth_free(s);
    unlink(path);
    free(path);
}

static void test_errors(void **state)
{
    (void)state;
    const char *dims[] = {"area"};
    om_error err = OM_ERROR_INIT;
    om_sdc_smooth *s = NULL;
    char *neg = write_tmp("area,count,denominator\na,1,10\nb,-1,10\n");
    assert_int_equal(om_sdc_smooth_load(&s, neg, dims, 1, NULL, &err), OM_ERR_INPUT);
    assert_null(s);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.msg, "expected non-negative count and denominator"));
    unlink(neg);
    free(neg);
    char *miss = write_tmp("area,count\na,1\n");
    om_error_clear(&err);
    assert_int_equal(om_sdc_smooth_load(&s, miss, dims, 1, NULL, &err), OM_ERR_INPUT);
    assert_non_null(strstr(err.msg, "denominator"));
    unlink(miss);
    free(miss);
    char *empty = write_tmp("area,count,denominator\n");
    assert_int_equal(om_sdc_smooth_load(&s, empty, dims, 1, NULL, &err), OM_OK);
    assert_int_equal(om_sdc_smooth_count(s), 0);
    om_sdc_smooth_free(s);
    unlink(empty);
    free(empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

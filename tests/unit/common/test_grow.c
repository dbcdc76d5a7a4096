/* Unit tests: om_grow and om_grow_all (geometric growth), om_alloc_all and
 * om_free_all (a table's columns at once), om_keyed_sort (ties in input
 * order), om_error_nomem, om_year_valid. */
#include "om_test.h"
#include "omrade/common.h"

#include <stdlib.h>
#include <string.h>

static void test_grow(void **state)
{
    (void)state;
    int32_t *a = NULL;
    size_t cap = 0;
    om_error err = OM_ERROR_INIT;
    /* empty: the first capacity */
    assert_int_equal(om_grow(&a, &cap, 1, sizeof *a, 16, &err), OM_OK);
    assert_non_null(a);
    assert_int_equal(cap, 16);
    for (int i = 0; i < 16; i++)
        a[i] = i;
    /* room already: nothing moves */
    int32_t *before = a;
    assert_int_equal(om_grow(&a, &cap, 16, sizeof *a, 16, &err), OM_OK);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, 16);
    /* one more: doubles, contents kept */
    assert_int_equal(om_grow(&a, &cap, 17, sizeof *a, 16, &err), OM_OK);
    assert_int_equal(cap, 32);
    for (int i = 0; i < 16; i++)
        assert_int_equal(a[i], i);
    /* far more: doubles until it fits (32 -> 64 -> 128 -> 256) */
    assert_int_equal(om_grow(&a, &cap, 200, sizeof *a, 16, &err), OM_OK);
    assert_int_equal(cap, 256);
    /* a byte count that overflows size_t: an error, the array unchanged */
    before = a;
    assert_int_equal(om_grow(&a, &cap, SIZE_MAX / 2, sizeof *a, 16, &err), OM_ERR_NOMEM);
    assert_ptr_equal(a, before);
    assert_int_equal(cap, 256);
    assert_int_equal(err.status, OM_ERR_NOMEM);
    assert_string_equal(err.msg, "out of memory");
    free(a);
    /* first = 0 starts at one element */
    char *b = NULL;
    size_t cb = 0;
    assert_int_equal(om_grow(&b, &cb, 3, 1, 0, NULL), OM_OK);
    assert_int_equal(cb, 4);
    free(b);
}

/* Columns of different widths grow together to one capacity and keep
 * their contents; a failed growth leaves the shared capacity alone. */
static void test_grow_all(void **state)
{
    (void)state;
    int64_t *id = NULL;
    uint8_t *flag = NULL;
    double *w = NULL;
    size_t cap = 0;
    void *const cols[] = {&id, &flag, &w};
    const size_t sizes[] = {sizeof *id, sizeof *flag, sizeof *w};
    om_error err = OM_ERROR_INIT;
    for (size_t n = 0; n < 1000; n++) {
        assert_int_equal(om_grow_all(cols, sizes, 3, &cap, n + 1, 64, &err), OM_OK);
        id[n] = (int64_t)n * 1000003;
        flag[n] = (uint8_t)(n % 7);
        w[n] = (double)n / 8;
    }
    /* 64 doubled until 1000 fit */
    assert_int_equal(cap, 1024);
    for (size_t n = 0; n < 1000; n++) {
        assert_int_equal(id[n], (int64_t)n * 1000003);
        assert_int_equal(flag[n], n % 7);
        assert_true(w[n] == (double)n / 8);
    }
    assert_int_equal(om_grow_all(cols, sizes, 3, &cap, SIZE_MAX / 4, 64, &err), OM_ERR_NOMEM);
    assert_int_equal(cap, 1024);
    assert_int_equal(id[999], 999 * INT64_C(1000003));
    free(id);
    free(flag);
    free(w);
}

static void test_alloc_all(void **state)
{
    (void)state;
    int64_t *id = NULL;
    uint8_t *flag = NULL;
    double *w = NULL;
    void *const cols[] = {&id, &flag, &w};
    const size_t sizes[] = {sizeof *id, sizeof *flag, sizeof *w};
    om_error err = OM_ERROR_INIT;
    /* exactly 1000 of each: every element writable (ASan checks the end) */
    assert_int_equal(om_alloc_all(cols, sizes, 3, 1000, &err), OM_OK);
    assert_true(id && flag && w);
    id[999] = 7;
    flag[999] = 1;
    w[999] = 0.5;
    assert_int_equal(id[999] + flag[999], 8);
    om_free_all(cols, 3);
    assert_null(id);
    assert_null(flag);
    assert_null(w);
    /* a count of 0 still gives arrays (one element), never NULL */
    assert_int_equal(om_alloc_all(cols, sizes, 3, 0, &err), OM_OK);
    assert_true(id && flag && w);
    id[0] = 1;
    om_free_all(cols, 3);
    /* too large: OM_ERR_NOMEM, and om_free_all frees what was made */
    assert_int_equal(om_alloc_all(cols, sizes, 3, SIZE_MAX / 4, &err), OM_ERR_NOMEM);
    char buf[128];
    assert_string_equal(om_error_format(&err, buf, sizeof buf), "out of memory");
    om_free_all(cols, 3);
    assert_null(id);
    assert_null(w);
}

static void test_keyed_sort(void **state)
{
    (void)state;
    /* keys 3, 1, 3, -2, 1, 3: ascending, equal keys by position */
    om_keyed a[6] = {{3, 0}, {1, 1}, {3, 2}, {-2, 3}, {1, 4}, {3, 5}};
    om_keyed_sort(a, 6);
    const size_t want[6] = {3, 1, 4, 0, 2, 5};
    for (int k = 0; k < 6; k++)
        assert_int_equal(a[k].i, want[k]);
    /* positions given in reverse still come out ascending among ties */
    om_keyed b[4] = {{0.5, 9}, {0.5, 4}, {0.25, 7}, {0.5, 1}};
    om_keyed_sort(b, 4);
    assert_int_equal(b[0].i, 7);
    assert_int_equal(b[1].i, 1);
    assert_int_equal(b[2].i, 4);
    assert_int_equal(b[3].i, 9);
    om_keyed_sort(NULL, 0);
    om_keyed one = {1, 0};
    om_keyed_sort(&one, 1);
    assert_int_equal(one.i, 0);
}

static void test_nomem(void **state)
{
    (void)state;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_error_nomem(&err), OM_ERR_NOMEM);
    char buf[128];
    assert_string_equal(om_error_format(&err, buf, sizeof buf), "out of memory");
    assert_int_equal(om_error_nomem(NULL), OM_ERR_NOMEM);
}

static void test_years(void **state)
{
    (void)state;
    assert_false(om_year_valid(1899));
    assert_true(om_year_valid(1900));
    assert_true(om_year_valid(2100));
    assert_false(om_year_valid(2101));
    assert_false(om_year_valid(-2023));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_grow), cmocka_unit_test(test_grow_all),
                                       cmocka_unit_test(test_alloc_all), cmocka_unit_test(test_keyed_sort),
                                       cmocka_unit_test(test_nomem),
                                       cmocka_unit_test(test_years)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

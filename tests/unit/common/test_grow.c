/* Unit tests: om_grow (geometric growth), om_error_nomem, om_year_valid. */
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
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_grow), cmocka_unit_test(test_nomem),
                                       cmocka_unit_test(test_years)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

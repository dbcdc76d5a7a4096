#define _GNU_SOURCE
/* Unit tests: the schemas of the files joining the stages (omrade/formats.h),
 * and that the writers and readers go through them. */
#include "om_test.h"
#include "omrade/csv.h"
#include "omrade/formats.h"
#include "omrade/sei.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_schemas_well_formed(void **state)
{
    (void)state;
    size_t n = 0;
    for (size_t i = 0; om_format_at(i); i++, n++) {
        const om_format *f = om_format_at(i);
        assert_ptr_equal(om_format_find(f->id), f);
        assert_true(f->ncols > 0);
        for (size_t a = 0; a < f->ncols; a++) {
            assert_true(f->cols[a].name[0] != '\0');
            assert_non_null(f->cols[a].doc);
            if (f->cols[a].type == OM_COL_CODE)
                assert_non_null(f->cols[a].values);
            for (size_t b = a + 1; b < f->ncols; b++) /* no column twice */
                assert_string_not_equal(f->cols[a].name, f->cols[b].name);
        }
    }
    assert_int_equal(n, 9);
    assert_null(om_format_find("nope"));
    assert_null(om_format_find(NULL));
}

/* The header the writer writes is the schema's names, in order. */
static void test_header(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_format_write_header(om_format_find(OM_FORMAT_SEI), fp, &e), OM_OK);
    fclose(fp);
    assert_string_equal(buf, "area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type\n");
    free(buf);
}

static bool keep_no_optional(const om_column *c, void *ctx)
{
    (void)ctx;
    return !c->optional;
}

/* Outputs whose columns depend on the options write a subset of the schema
 * in its order: the `rates` columns without any --by dimension or optional
 * measure are the fixed ones of docs/rates.md, listed here by hand. */
static void test_header_if(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_format_write_header_if(om_format_find(OM_FORMAT_RATES), fp, keep_no_optional, NULL, &e),
                     OM_OK);
    fclose(fp);
    assert_string_equal(buf, "method,residence_year,type_year,type_year_wanted,outcome,events,persons,pop,n,rate,"
                             "rate_lower,rate_upper,prop,prop_lower,prop_upper,note\n");
    free(buf);
    buf = NULL;
    fp = open_memstream(&buf, &len);
    assert_int_equal(om_format_write_header_if(om_format_find(OM_FORMAT_LINK), fp, keep_no_optional, NULL, &e),
                     OM_OK);
    fclose(fp);
    assert_string_equal(buf, "lopnr,year,method,residence_year,type_year,type_year_wanted,regso,area_type\n");
    free(buf);
}

/* Columns found by name in any order; extra columns ignored; a missing one
 * named with the header found; an optional one absent gives -1. */
static void test_columns(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    const char *in = "extra,year,area,area_type\n";
    om_csv *c = NULL;
    assert_int_equal(om_csv_open_mem(&c, "t.csv", in, strlen(in), NULL, &e), OM_OK);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    int ix[3];
    assert_int_equal(om_format_columns(om_format_find(OM_FORMAT_AREATYPES), c, ix, &e), OM_OK);
    assert_int_equal(ix[0], 2);
    assert_int_equal(ix[1], 1);
    assert_int_equal(ix[2], 3);
    int sx[8];
    assert_int_equal(om_format_columns(om_format_find(OM_FORMAT_SEI), c, sx, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "low_econ_pct"));
    om_csv_free(c);

    const char *seg = "year,level,code,name,index,value,se,lower,upper,expected,n_deso,n_persons,flag\n";
    assert_int_equal(om_csv_open_mem(&c, "s.csv", seg, strlen(seg), NULL, &e), OM_OK);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    int gx[14];
    assert_int_equal(om_format_columns(om_format_find(OM_FORMAT_SEG), c, gx, &e), OM_OK);
    assert_int_equal(gx[6], -1); /* corrected: optional */
    assert_int_equal(gx[7], 6);  /* se */
    om_csv_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_schemas_well_formed),
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_header_if),
        cmocka_unit_test(test_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

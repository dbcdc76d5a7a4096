/* Unit tests: crosswalks between vintages.  The largest-remainder method
 * (Hamilton's method; Balinski & Young, Fair Representation, 2001) is
 * checked against an independent exact implementation in integers: with
 * weights k/64 the quotas count*k/64 are exact binary fractions, so the
 * library's doubles and the integer reference must agree exactly, ties
 * included (ties go to the lower target code). */
#define _GNU_SOURCE
#include "om_test.h"
#include "omrade/provenance.h"
#include "omrade/xwalk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static const char *write_tmp(const char *text)
{
    snprintf(path, sizeof path, "/tmp/om_xwalk_test_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *fp = fdopen(fd, "w");
    fputs(text, fp);
    fclose(fp);
    return path;
}

/* Reference: exact Hamilton apportionment of `count` by parts k[j]/64. */
static void hamilton_ref(int64_t count, const int *k, int n, int64_t *out)
{
    int64_t rem[16], given = 0;
    for (int j = 0; j < n; j++) {
        out[j] = count * k[j] / 64;
        rem[j] = count * k[j] % 64;
        given += out[j];
    }
    for (int64_t left = count - given; left > 0; left--) {
        int best = -1;
        for (int j = 0; j < n; j++)
            if (rem[j] >= 0 && (best < 0 || rem[j] > rem[best]))
                best = j;
        out[best]++;
        rem[best] = -1;
    }
}

static void test_against_reference(void **state)
{
    (void)state;
    enum { NS = 400 };
    int parts[NS][16], np[NS];
    size_t cap = 1 << 20, len = 0;
    char *text = malloc(cap);
    len += (size_t)snprintf(text + len, cap - len, "from,to,weight\n");
    uint64_t rng = 12345;
    int tcode = 0;
    for (int i = 0; i < NS; i++) {
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        int n = 1 + (int)((rng >> 33) % 8), left = 64;
        np[i] = n;
        for (int j = 0; j < n; j++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            int k = j == n - 1 ? left : (int)((rng >> 33) % (uint64_t)(left + 1));
            parts[i][j] = k;
            left -= k;
            char w[32];
            om_fmt_double(w, sizeof w, k / 64.0);
            len += (size_t)snprintf(text + len, cap - len, "0114C%04d,0115C%04d,%s\n", i, tcode++, w);
        }
    }
    const char *p = write_tmp(text);
    free(text);
    om_error e = OM_ERROR_INIT;
    om_xwalk *x = NULL;
    assert_int_equal(om_xwalk_load(&x, p, NULL, NULL, &e), OM_OK);
    unlink(p);
    assert_int_equal(om_xwalk_nsources(x), NS);
    assert_int_equal(om_xwalk_level(x), OM_LEVEL_DESO);
    for (int i = 0; i < NS; i++) {
        char code[16];
        snprintf(code, sizeof code, "0114C%04d", i);
        int32_t s = om_xwalk_find_source(x, code, 9);
        assert_int_equal(s, i);
        size_t first, n;
        om_xwalk_source_edges(x, s, &first, &n);
        assert_int_equal(n, (size_t)np[i]);
        for (int64_t count = 0; count < 300; count += 1 + count / 7) {
            int64_t got[16], want[16], sum = 0;
            om_xwalk_allocate(x, s, count, got);
            hamilton_ref(count, parts[i], np[i], want);
            for (int j = 0; j < np[i]; j++) {
                assert_int_equal(got[j], want[j]);
                sum += got[j];
            }
            assert_int_equal(sum, count);
        }
    }
    om_xwalk_free(x);
}

/* Quota property at large counts: each piece within 1 of its quota, total kept. */
static void test_large_counts(void **state)
{
    (void)state;
    const char *p = write_tmp("from,to,weight\n0114C1010,0114C1011,0.3333333\n"
                              "0114C1010,0114C1012,0.3333333\n0114C1010,0114C1013,0.3333334\n");
    om_error e = OM_ERROR_INIT;
    om_xwalk *x = NULL;
    assert_int_equal(om_xwalk_load(&x, p, NULL, NULL, &e), OM_OK);
    unlink(p);
    const int64_t counts[] = {1, 2, 10, 1000001, 10521556, ((int64_t)1 << 52) + 7};
    for (size_t c = 0; c < sizeof counts / sizeof *counts; c++) {
        int64_t out[3], sum = 0;
        om_xwalk_allocate(x, 0, counts[c], out);
        const double w[3] = {0.3333333, 0.3333333, 0.3333334};
        for (int j = 0; j < 3; j++) {
            double q = (double)counts[c] * w[j];
            assert_true((double)out[j] > q - 1.0 - 1e-6 * q && (double)out[j] < q + 1.0 + 1e-6 * q);
            sum += out[j];
        }
        assert_int_equal(sum, counts[c]);
    }
    /* 10 over three near-equal thirds: quotas 3.333333, 3.333333, 3.333334:
     * the extra unit goes to the largest remainder, the third piece. */
    int64_t out[3];
    om_xwalk_allocate(x, 0, 10, out);
    assert_int_equal(out[0], 3);
    assert_int_equal(out[1], 3);
    assert_int_equal(out[2], 4);
    int32_t kept, split, merged;
    om_xwalk_summary(x, &kept, &split, &merged);
    assert_int_equal(kept, 0);
    assert_int_equal(split, 1);
    assert_int_equal(merged, 0);
    om_xwalk_free(x);
}

static void expect_error(const char *text, long line, long col, const char *msg_part)
{
    const char *p = write_tmp(text);
    om_error e = OM_ERROR_INIT;
    om_xwalk *x = NULL;
    assert_int_equal(om_xwalk_load(&x, p, NULL, NULL, &e), OM_ERR_INPUT);
    unlink(p);
    assert_null(x);
    assert_int_equal(e.line, line);
    assert_int_equal(e.column, col);
    if (!strstr(e.msg, msg_part))
        fail_msg("message '%s' lacks '%s'", e.msg, msg_part);
}

static void test_errors(void **state)
{
    (void)state;
    /* sum 0.9998 is outside the 1e-4 tolerance, 0.99991 inside */
    expect_error("from,to,weight\n0114C1010,0114C1011,0.5\n0114C1010,0114C1012,0.4998\n", 2, 21,
                 "sum to 1");
    const char *p = write_tmp("from,to,weight\n0114C1010,0114C1011,0.5\n0114C1010,0114C1012,0.49991\n");
    om_error e = OM_ERROR_INIT;
    om_xwalk *x = NULL;
    assert_int_equal(om_xwalk_load(&x, p, NULL, NULL, &e), OM_OK);
    unlink(p);
    om_xwalk_free(x);
    /* the error names the source's first row even when its rows are apart */
    expect_error("from,to,weight\n0114C1020,0114C1021,1\n0114C1010,0114C1011,0.5\n"
                 "0114C1030,0114C1031,1\n0114C1010,0114C1012,0.6\n",
                 3, 21, "0114C1010");
    expect_error("from,to,weight\n0114C1010,0114C1011,1.5\n", 2, 21, "between 0 and 1");
    expect_error("from,to,weight\n0114C1010,0114C1011,-0\n0114C1010,0114C1011,1\n", 3, 1,
                 "once");
    expect_error("from,to,weight\n0114C1010,0114R001,1\n", 2, 11, "deso code");
    expect_error("from,to,weight\n0114C1010,0114C1011_RegSO2025,1\n", 2, 11, "DeSO or RegSO");
    expect_error("from,to,weight\n0114C1010,0114C1011,x\n", 2, 21, "number");
    expect_error("from,to\n0114C1010,0114C1011\n", 1, 1, "weight");
}

static void test_registries(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_geo *g18 = NULL, *g25 = NULL;
    assert_int_equal(om_geo_open(&g18, "DeSO2018", &e), OM_OK);
    assert_int_equal(om_geo_open(&g25, "DeSO2025", &e), OM_OK);
    /* SCB's change log: 0114C1060 split into 0114C1061 and 0114C1062 */
    const char *p = write_tmp("from,to,weight\n0114C1060_DeSO2018,0114C1061_DeSO2025,0.5\n"
                              "0114C1060,0114C1062,0.5\n");
    om_xwalk *x = NULL;
    assert_int_equal(om_xwalk_load(&x, p, g18, g25, &e), OM_OK);
    om_xwalk_free(x);
    /* reversed: the 2025 codes are not 2018 areas */
    assert_int_equal(om_xwalk_load(&x, p, g25, g18, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 2);
    assert_int_equal(e.column, 1);
    unlink(p);
    om_geo_free(g18);
    om_geo_free(g25);
}

static void test_apply(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_xwalk *x = NULL;
    const char *p = write_tmp("from,to,weight\n0114C1010,0114C1010,1\n0114C1020,0114C1021,0.5\n"
                              "0114C1020,0114C1022,0.5\n0114C1030,0114C1021,1\n");
    assert_int_equal(om_xwalk_load(&x, p, NULL, NULL, &e), OM_OK);
    unlink(p);
    static const char table[] = "# geography: A\nn,deso\n5,0114C1020\n2,0114C1030\n";
    om_csv *c = NULL;
    om_xwalk_counts *r = NULL;
    /* the stated geography must be the crosswalk's source */
    assert_int_equal(om_csv_open_mem(&c, "t.csv", table, sizeof table - 1, NULL, &e), OM_OK);
    assert_int_equal(om_xwalk_apply_csv(x, c, "deso", "B", &r, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 1);
    om_csv_free(c);
    assert_int_equal(om_csv_open_mem(&c, "t.csv", table, sizeof table - 1, NULL, &e), OM_OK);
    assert_int_equal(om_xwalk_apply_csv(x, c, "deso", "A", &r, &e), OM_OK);
    om_csv_free(c);
    /* 5 over halves: 2.5, 2.5 -> 3 to the lower code; 0114C1021 also gets
     * all of 0114C1030 (a merge): 3 + 2 = 5 and 2. */
    assert_int_equal(r->nin, 2);
    assert_int_equal(r->nout, 2);
    assert_string_equal(om_xwalk_target(x, r->out_target[0]), "0114C1021");
    assert_int_equal(r->out[0], 5);
    assert_string_equal(om_xwalk_target(x, r->out_target[1]), "0114C1022");
    assert_int_equal(r->out[1], 2);
    assert_int_equal(r->in_split, 1);
    assert_int_equal(r->in_kept, 0);
    assert_int_equal(r->out_merged, 1);
    assert_int_equal(r->sources_absent, 1);
    om_xwalk_counts_free(r);
    /* a code the crosswalk does not map, a repeated code, a negative count */
    static const char *bad[] = {"deso,n\n0114C1099,1\n", "deso,n\n0114C1010,1\n0114C1010,2\n",
                                "deso,n\n0114C1010,-1\n"};
    static const long line[] = {2, 3, 2}, col[] = {1, 1, 11};
    for (int i = 0; i < 3; i++) {
        assert_int_equal(om_csv_open_mem(&c, "t.csv", bad[i], strlen(bad[i]), NULL, &e), OM_OK);
        assert_int_equal(om_xwalk_apply_csv(x, c, NULL, NULL, &r, &e), OM_ERR_INPUT);
        assert_null(r);
        assert_int_equal(e.line, line[i]);
        assert_int_equal(e.column, col[i]);
        om_csv_free(c);
    }
    om_xwalk_free(x);
}

static void test_provenance(void **state)
{
    (void)state;
    om_prov *p = NULL;
    char *argv[] = {"x", "--out", "o.csv", "in\nput.csv", NULL};
    assert_int_equal(om_prov_new(&p, "x", 4, argv, true, NULL), OM_OK);
    assert_int_equal(om_prov_set(p, OM_PROV_GEOGRAPHY, "%s", "DeSO2025-RegSO2025"), OM_OK);
    assert_int_equal(om_prov_set(p, OM_PROV_SUPPRESSION, "min %d", 3), OM_OK);
    assert_int_equal(om_prov_input(p, "in\nput.csv", 7, NULL), OM_OK);
    char buf[1024];
    FILE *fp = fmemopen(buf, sizeof buf, "w");
    om_prov_write(p, fp);
    fclose(fp);
    assert_string_equal(buf, "# geography: DeSO2025-RegSO2025\n# omrade: " OM_VERSION_STRING "\n"
                             "# command: omrade x --out o.csv in put.csv\n"
                             "# input: in put.csv (7 rows)\n# suppression: min 3\n");
    const char *v;
    size_t vn;
    assert_true(om_prov_find(buf, strlen(buf), "suppression", &v, &vn));
    assert_int_equal(vn, 5);
    assert_memory_equal(v, "min 3", 5);
    assert_false(om_prov_find(buf, strlen(buf), "linkage", &v, &vn));
    assert_false(om_prov_find("a,b\n# geography: X\n", 19, "geography", &v, &vn));
    om_prov_free(p);
    /* without the full block only the geography line */
    assert_int_equal(om_prov_new(&p, "x", 0, NULL, false, NULL), OM_OK);
    fp = fmemopen(buf, sizeof buf, "w");
    om_prov_write(p, fp);
    fclose(fp);
    assert_string_equal(buf, "# geography: none\n");
    om_prov_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_against_reference), cmocka_unit_test(test_large_counts),
        cmocka_unit_test(test_errors),            cmocka_unit_test(test_registries),
        cmocka_unit_test(test_apply),             cmocka_unit_test(test_provenance)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

/* om_serve_export and the status words of the API against a database made
 * by hand to the barometer's contract (issue 10): slices BLOBs with status
 * bytes 1 published, 2 primary, 3 secondary; type_values with a `status`
 * column and text area types '1'..'5', '1-2'.  Every expected line below is
 * written from the fixture by hand. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"
#include "omrade/serve.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char dir[64], dbpath[128], legacy[128];

static void exec(sqlite3 *db, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

/* One slice: n status bytes, n numerators, n denominators (native doubles). */
static void slice(sqlite3 *db, const char *ind, const char *level, int n, const unsigned char *status,
                  const double *num, const double *den)
{
    unsigned char blob[17 * 8];
    memcpy(blob, status, (size_t)n);
    memcpy(blob + n, num, (size_t)n * 8);
    memcpy(blob + n + n * 8, den, (size_t)n * 8);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "INSERT INTO slices VALUES(?1, ?2, 2022, 'total', 'total', 'total', ?3, 0, "
                                        "0, ?4)",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, ind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, level, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, n);
    sqlite3_bind_blob(st, 4, blob, 17 * n, SQLITE_TRANSIENT);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

static void make_db(const char *path, bool split)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    exec(db, "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
             "INSERT INTO meta VALUES('data_source', 'synthetic'), ('protection', 'hand-made');"
             "CREATE TABLE areas(level TEXT, idx INTEGER, code TEXT PRIMARY KEY, name TEXT, label TEXT,"
             " kommun TEXT, lan TEXT, search TEXT);"
             "INSERT INTO areas VALUES('riket', 0, '00', 'Riket', 'Riket', NULL, NULL, ''),"
             " ('lan', 0, '01', 'Stockholms län', 'Stockholms län', NULL, '01', ''),"
             " ('kommun', 0, '0114', 'Upplands Väsby', 'Upplands Väsby', '0114', '01', ''),"
             " ('regso', 0, '0114R001', 'A', 'A', '0114', '01', ''),"
             " ('regso', 1, '0114R002', 'B', 'B', '0114', '01', ''),"
             " ('regso', 2, '0114R003', 'C, D', 'C, D', '0114', '01', '');"
             "CREATE TABLE area_types(code TEXT, year INTEGER, area_type INTEGER, sei REAL, z REAL,"
             " low_econ_pct REAL, pre_upper_pct REAL, assist_unemp_pct REAL, source TEXT);"
             "INSERT INTO area_types(code, year, area_type) VALUES('0114R001', 2022, 1),"
             " ('0114R002', 2022, 2), ('0114R003', 2022, 2);"
             "CREATE TABLE indicators(id TEXT PRIMARY KEY, label_sv TEXT, label_en TEXT, unit TEXT,"
             " scale REAL, kind TEXT, main_age TEXT);"
             "INSERT INTO indicators VALUES('low_econ', 'Låg', 'Low', '%', 100, 'ratio', 'total'),"
             " ('sei', 'SEI', 'SEI', 'index', 1, 'value', 'total');"
             "CREATE TABLE slices(indicator TEXT, level TEXT, year INTEGER, sex TEXT, age TEXT, born TEXT,"
             " n INTEGER, n_published INTEGER, n_suppressed INTEGER, cells BLOB);");
    const unsigned char s1[] = {1}, s3[] = {1, 2, 3}, sv[] = {1, 0, 1};
    /* the primary cell keeps a number here: the export must not show it */
    const double rn[] = {100, 2, NAN}, rd[] = {1000, 10, NAN};
    const double kn[] = {4000}, kd[] = {40000}, tn[] = {1500000}, td[] = {10000000};
    const double vn[] = {-1.5, NAN, 2.5}, vd[] = {NAN, NAN, NAN};
    slice(db, "low_econ", "regso", 3, s3, rn, rd);
    slice(db, "low_econ", "kommun", 1, s1, kn, kd);
    slice(db, "low_econ", "riket", 1, s1, tn, td);
    slice(db, "sei", "regso", 3, sv, vn, vd);
    if (split)
        exec(db, "CREATE TABLE type_values(indicator TEXT, year INTEGER, type_year INTEGER, sex TEXT,"
                 " age TEXT, born TEXT, within TEXT, area_type TEXT, n_regso INTEGER, numerator REAL,"
                 " denominator REAL, value REAL, status INTEGER);"
                 "INSERT INTO type_values VALUES"
                 " ('low_econ', 2022, 2022, 'total', 'total', 'total', '00', '1', 1, 100, 1000, 10, 1),"
                 " ('low_econ', 2022, 2022, 'total', 'total', 'total', '00', '2', 2, NULL, NULL, NULL, 2),"
                 /* a secondary row with numbers left in: they must not be exported */
                 " ('low_econ', 2022, 2022, 'total', 'total', 'total', '00', '1-2', 3, 102, 1010, 10.1, 3);");
    else /* before issue 10: integer area types and suppressed 0/1 */
        exec(db, "CREATE TABLE type_values(indicator TEXT, year INTEGER, type_year INTEGER, sex TEXT,"
                 " age TEXT, born TEXT, within TEXT, area_type INTEGER, n_regso INTEGER, numerator REAL,"
                 " denominator REAL, value REAL, suppressed INTEGER);"
                 "INSERT INTO type_values VALUES"
                 " ('low_econ', 2022, 2022, 'total', 'total', 'total', '00', 1, 1, 100, 1000, 10, 0);");
    sqlite3_close(db);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/om_export_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(dbpath, sizeof dbpath, "%s/b.db", dir);
    snprintf(legacy, sizeof legacy, "%s/old.db", dir);
    make_db(dbpath, true);
    make_db(legacy, false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(dbpath);
    unlink(legacy);
    rmdir(dir);
    return 0;
}

static char *export_str(const char *db, om_export_report *rep, om_status *st)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    om_error err = OM_ERROR_INIT;
    *st = om_serve_export(db, fp, rep, &err);
    fclose(fp);
    return buf;
}

static const char EXPECTED[] =
    "indicator,year,sex,age,born,edu,level,code,within,area_type,status,numerator,denominator,value\n"
    /* riket, län (no slice), kommun, RegSO; 1500000/10000000 = 15 %, 4000/40000 = 10 % */
    "low_econ,2022,total,total,total,total,riket,00,,,published,1500000,10000000,15\n"
    "low_econ,2022,total,total,total,total,kommun,0114,,,published,4000,40000,10\n"
    "low_econ,2022,total,total,total,total,regso,0114R001,,,published,100,1000,10\n"
    "low_econ,2022,total,total,total,total,regso,0114R002,,,primary,,,\n"
    "low_econ,2022,total,total,total,total,regso,0114R003,,,secondary,,,\n"
    /* a value indicator: the number in `value` only; 0114R002 has no data */
    "sei,2022,total,total,total,total,regso,0114R001,,,published,,,-1.5\n"
    "sei,2022,total,total,total,total,regso,0114R003,,,published,,,2.5\n"
    /* area-type aggregates, area_type as text: '1' < '1-2' < '2' */
    "low_econ,2022,total,total,total,total,area_type,,00,1,published,100,1000,10\n"
    "low_econ,2022,total,total,total,total,area_type,,00,1-2,secondary,,,\n"
    "low_econ,2022,total,total,total,total,area_type,,00,2,primary,,,\n";

static void test_export(void **state)
{
    (void)state;
    om_export_report rep;
    om_status st;
    char *csv = export_str(dbpath, &rep, &st);
    assert_int_equal(st, OM_OK);
    assert_string_equal(csv, EXPECTED);
    assert_int_equal(rep.rows, 10);
    assert_int_equal(rep.published, 6);
    assert_int_equal(rep.primary, 2);
    assert_int_equal(rep.secondary, 2);
    assert_int_equal(rep.suppressed, 0);
    assert_true(rep.split);
    /* every line has exactly 14 fields (the quoted name does not appear) */
    for (char *p = csv; *p;) {
        int commas = 0;
        for (; *p && *p != '\n'; p++)
            commas += *p == ',';
        assert_int_equal(commas, 13);
        p += *p == '\n';
    }
    /* the bulk download is the same bytes, gzip-compressed (RFC 1952:
     * inflated here with zlib's gzip wrapper, windowBits 15 + 16) */
    int status = 0;
    char *body = NULL;
    size_t len = 0;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_serve_get(dbpath, "/api/export.csv.gz", &status, &body, &len, &err), OM_OK);
    assert_int_equal(status, 200);
    assert_true(len > 18 && (unsigned char)body[0] == 0x1f && (unsigned char)body[1] == 0x8b);
    char plain[4096];
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = (Bytef *)body;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)plain;
    z.avail_out = sizeof plain - 1;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    plain[sizeof plain - 1 - z.avail_out] = '\0';
    inflateEnd(&z);
    assert_string_equal(plain, csv);
    free(body);
    assert_int_equal(om_serve_get(dbpath, "/api/export.csv.gz?x=1", &status, &body, &len, &err), OM_OK);
    assert_int_equal(status, 400);
    free(body);
    free(csv);
}

static void test_export_legacy_and_bad(void **state)
{
    (void)state;
    om_export_report rep;
    om_status st;
    /* a database that cannot tell primary from secondary says so */
    char *csv = export_str(legacy, &rep, &st);
    assert_int_equal(st, OM_OK);
    assert_non_null(strstr(csv, "low_econ,2022,total,total,total,total,regso,0114R002,,,suppressed,,,\n"));
    assert_non_null(strstr(csv, "low_econ,2022,total,total,total,total,regso,0114R003,,,secondary,,,\n"));
    assert_non_null(strstr(csv, "low_econ,2022,total,total,total,total,area_type,,00,1,published,100,1000,10\n"));
    assert_false(rep.split);
    assert_int_equal(rep.suppressed, 1);
    free(csv);
    /* no such file: an input error, no database created */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.db", dir);
    csv = export_str(missing, &rep, &st);
    assert_int_equal(st, OM_ERR_INPUT);
    assert_int_equal(access(missing, F_OK), -1);
    free(csv);
    /* not a database */
    char text[160];
    snprintf(text, sizeof text, "%s/t.db", dir);
    FILE *f = fopen(text, "w");
    fputs("indicator,year\n", f);
    fclose(f);
    csv = export_str(text, &rep, &st);
    assert_int_equal(st, OM_ERR_INPUT);
    free(csv);
    unlink(text);
}

/* om_serve_meta_value: the fixture's meta rows (data_source = synthetic,
 * no geography key), truncation, and a missing file (omrade export writes
 * the database's "geography" in its first line). */
static void test_meta_value(void **state)
{
    (void)state;
    char buf[16];
    bool found = false;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_serve_meta_value(dbpath, "data_source", buf, sizeof buf, &found, &err), OM_OK);
    assert_true(found);
    assert_string_equal(buf, "synthetic");
    assert_int_equal(om_serve_meta_value(dbpath, "data_source", buf, 4, &found, &err), OM_OK);
    assert_true(found);
    assert_string_equal(buf, "syn");
    assert_int_equal(om_serve_meta_value(dbpath, "geography", buf, sizeof buf, &found, &err), OM_OK);
    assert_false(found);
    assert_string_equal(buf, "");
    char missing[160];
    snprintf(missing, sizeof missing, "%s/none.db", dir);
    assert_int_equal(om_serve_meta_value(missing, "geography", buf, sizeof buf, &found, &err),
                     OM_ERR_INPUT);
    assert_false(found);
    assert_int_equal(access(missing, F_OK), -1);
}

static char *get(const char *url)
{
    int status = 0;
    char *body = NULL;
    size_t len = 0;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_serve_get(dbpath, url, &status, &body, &len, &err), OM_OK);
    if (status != 200)
        fail_msg("%s: %d %s", url, status, body);
    return body;
}

static void expect(const char *url, const char *want)
{
    char *b = get(url);
    if (strcmp(b, want) != 0)
        fail_msg("%s:\nexpected:\n%s\nfound:\n%s", url, want, b);
    free(b);
}

/* The API's status words, in CSV and JSON, from the same fixture; the
 * area-type population is the protected aggregate (published or not), not
 * a sum over published RegSO. */
static void test_api_status(void **state)
{
    (void)state;
    expect("/api/values?indicator=low_econ&level=regso&year=2022&format=csv",
           "code,name,value,numerator,denominator,status\n"
           "0114R001,A,10,100,1000,published\n0114R002,B,,,,primary\n0114R003,\"C, D\",,,,secondary\n");
    char *b = get("/api/values?indicator=low_econ&level=regso&year=2022");
    assert_non_null(strstr(b, "[\"0114R002\",\"B\",null,null,null,\"primary\"]"));
    free(b);
    expect("/api/bytype?indicator=low_econ&year=2022&format=csv",
           "area_type,n_regso,value,numerator,denominator,status,type_year\n"
           "1,1,10,100,1000,published,2022\n1-2,3,,,,secondary,2022\n2,2,,,,primary,2022\n");
    /* riket: type 1 population 1000 (published aggregate), type 2 primary */
    expect("/api/typesummary?year=2022&format=csv",
           "area_type,n_regso,population,population_status,regso_suppressed\n"
           "1,1,1000,published,\n2,2,,primary,\n");
    /* a kommun has no aggregate: the published RegSO sum, marked partial */
    expect("/api/typesummary?year=2022&within=0114&format=csv",
           "area_type,n_regso,population,population_status,regso_suppressed\n"
           "1,1,1000,published,0\n2,2,,partial,2\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_export),
        cmocka_unit_test(test_export_legacy_and_bad),
        cmocka_unit_test(test_meta_value),
        cmocka_unit_test(test_api_status),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

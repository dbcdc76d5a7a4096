/* omrade build: the publication rule and the database it writes.
 * Reference values are hand-computed from tests/data/barometer/ (CSV fixtures) and,
 * for the area types, SCB's published counts (data/README.md: 2022 has
 * 160/289/855/1,770/289 RegSO in types 1-5). */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "omrade/build.h"
#include "omrade/change.h"
#include "omrade/serve.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include <math.h>
/* cmocka 1.1 has no assert_double_equal */
#define assert_near(a, b, eps) assert_near_at((a), (b), (eps), __FILE__, __LINE__)
static void assert_near_at(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("%s:%d: expected %.17g, found %.17g", file, line, b, a);
}

#define FIX OM_SOURCE_DIR "/tests/data/barometer/"

static void test_protect_rule(void **state)
{
    (void)state;
    om_publish_rules k5 = {5};
    /* denominator below k */
    assert_true(om_build_protect(&k5, 0, 4));
    /* numerator 1..k-1 */
    assert_true(om_build_protect(&k5, 1, 100));
    assert_true(om_build_protect(&k5, 4, 100));
    /* complement 1..k-1 (96 of 100 have it: the 4 others are identifiable) */
    assert_true(om_build_protect(&k5, 96, 100));
    /* published: zero cells, numerator and complement >= k, full cells */
    assert_false(om_build_protect(&k5, 0, 100));
    assert_false(om_build_protect(&k5, 5, 100));
    assert_false(om_build_protect(&k5, 95, 100));
    assert_false(om_build_protect(&k5, 100, 100));
    /* means (numerator = income sum > denominator): complement rule n/a */
    assert_false(om_build_protect(&k5, 3e8, 1000));
    om_publish_rules none = {0};
    assert_false(om_build_protect(&none, 1, 2));
    char buf[300];
    assert_non_null(strstr(om_build_rules_text(&k5, buf, sizeof buf), "k=5"));
}

static char tmpdir[64];
static char dbpath[128];

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/om-build-XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/b.db", tmpdir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    unlink(dbpath);
    rmdir(tmpdir);
    return 0;
}

static double q1(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    double v = -999;
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The API's answer for url, via om_serve_get (the server's own code path). */
static char *api(const char *url)
{
    int status = 0;
    char *body = NULL;
    size_t len = 0;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_serve_get(dbpath, url, &status, &body, &len, &err), OM_OK);
    if (status != 200)
        fail_msg("%s: status %d: %s", url, status, body);
    return body;
}

static void expect_api(const char *url, const char *want)
{
    char *got = api(url);
    if (strcmp(got, want) != 0)
        fail_msg("%s:\nexpected:\n%s\nfound:\n%s", url, want, got);
    free(got);
}

static void full_options(om_build_options *o)
{
    memset(o, 0, sizeof *o);
    o->out = dbpath;
    o->types[o->n_types++] = FIX "types.csv";
    o->sei[o->n_sei++] = FIX "sei.csv";
    o->indicators[o->n_indicators++] = FIX "indicators.csv";
    o->seg[o->n_seg++] = FIX "seg.csv";
    o->geometry_dir = FIX "geo";
    o->rules.min_count = 5;
}

static void test_build_fixture(void **state)
{
    (void)state;
    om_build_options o;
    full_options(&o);
    om_build_report r;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_build_run(&o, &r, &err), OM_OK);
    /* 13 indicator rows, one unknown RegSO (9999R999) reported, not dropped */
    assert_int_equal(r.rows_unlinked, 1);
    assert_string_equal(r.first_unlinked, "9999R999");
    /* types.csv: one row without a type (rejected, counted) */
    assert_int_equal(r.rows_rejected, 1);
    assert_int_equal(r.layers, 2);
    /* 4000 / 40000 = 10 %, 4400 / 40000 = 11 %; 3 of 40 is primary (k = 5)
     * and keeps no numbers */
    expect_api("/api/values?indicator=low_econ&level=kommun&year=2022&format=csv",
               "code,name,value,numerator,denominator,status\n0114,Upplands Väsby,10,4000,40000,published\n");
    /* a kommun cross (women born abroad aged 20-64) of a sensitive
     * indicator is withheld by the table design (two breakdowns at once),
     * counted, and not served */
    expect_api("/api/values?indicator=low_econ&level=kommun&year=2022&sex=woman&age=20-64&born=abroad&format=csv",
               "code,name,value,numerator,denominator,status\n");
    assert_int_equal(r.cells_withheld_kommun, 1);
    /* RegSO: 100/1000, 300/1000, 2/10 (primary: numerator < 5), 50/2000;
     * types (types.csv): 0114R002 and 0114R003 are type 1, 0114R001 type 5,
     * 0114R004 none.  The type-1 aggregates (län 01 and riket) are
     * 0114R002 + 0114R003 = 302/1010, computed from all RegSO and
     * published, so 0114R003 = aggregate - 0114R002 unless 0114R002 goes
     * too (secondary); it is also the kommun's other unknown.  By hand: the
     * attacker knows R002 + R003 = 302, R003 <= 10, R002 <= 1000, so R003
     * is anywhere in [0, 10] (requirement: up to >= 5). */
    expect_api("/api/values?indicator=low_econ&level=regso&year=2022&format=csv",
               "code,name,value,numerator,denominator,status\n"
               "0114R001,Bollstanäs,10,100,1000,published\n0114R002,Hammarby-Vaxmyra,,,,secondary\n"
               "0114R003,Odenslunda norra-Frestaby-Ekeby,,,,primary\n0114R004,Odenslunda södra-Bredden,2.5,50,2000,published\n");
    /* SEI's parts are shares of the same counts: 0114R002's low_econ count is
     * suppressed, so its low_econ_pct (30 = 300/1000) and, since SEI is the
     * mean of the three parts, the other two parts go too; SEI stays */
    expect_api("/api/values?indicator=low_econ_pct&level=regso&year=2022&format=csv",
               "code,name,value,numerator,denominator,status\n0114R001,Bollstanäs,10,,,published\n"
               "0114R002,Hammarby-Vaxmyra,,,,secondary\n");
    expect_api("/api/values?indicator=pre_upper_pct&level=regso&year=2022&format=csv",
               "code,name,value,numerator,denominator,status\n0114R001,Bollstanäs,12,,,published\n"
               "0114R002,Hammarby-Vaxmyra,,,,secondary\n");
    /* income is a mean: 3e8 SEK / 1000 persons = 300000 */
    expect_api("/api/values?indicator=income&level=regso&year=2022&within=0114R001&format=csv",
               "code,name,value,numerator,denominator,status\n0114R001,Bollstanäs,300000,300000000,1000,published\n");
    /* SEI from sei.csv is a value-only indicator */
    expect_api("/api/values?indicator=sei&level=regso&year=2022&format=csv",
               "code,name,value,numerator,denominator,status\n0114R001,Bollstanäs,-1.5,,,published\n"
               "0114R002,Hammarby-Vaxmyra,2.5,,,published\n");
    expect_api("/api/series?indicator=low_econ&code=0114,00&format=csv",
               "code,name,year,value,numerator,denominator,status\n00,Riket,2022,15,1500000,10000000,published\n"
               "00,Riket,2023,16,1600000,10000000,published\n0114,Upplands Väsby,2022,10,4000,40000,published\n"
               "0114,Upplands Väsby,2023,11,4400,40000,published\n");
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    /* 0114R003 (primary), 0114R002 (secondary) and 0114R002's three SEI
     * parts (secondary); the kommun cross is withheld, not suppressed */
    assert_near(q1(db, "SELECT SUM(n_suppressed) FROM slices"), 5, 0);
    assert_int_equal(r.cells_secondary, 4);
    /* area types: with --types given, sei.csv's types (4) are not used */
    assert_near(q1(db, "SELECT area_type FROM area_types WHERE code='0114R001' AND year=2022"), 5, 0);
    assert_near(q1(db, "SELECT sei FROM area_types WHERE code='0114R002'"), 2.5, 0);
    /* by type, from every RegSO cell before suppression: type 1 = 0114R002 +
     * 0114R003 = 302 / 1010 = 29.9009... %, published (status 1) */
    assert_near(q1(db, "SELECT value FROM type_values WHERE indicator='low_econ' AND "
                               "within='00' AND area_type='1'"), 100.0 * 302 / 1010, 1e-12);
    assert_near(q1(db, "SELECT status FROM type_values WHERE indicator='low_econ' AND "
                               "within='00' AND area_type='1'"), 1, 0);
    assert_near(q1(db, "SELECT n_regso FROM type_values WHERE indicator='low_econ' AND "
                               "within='01' AND area_type='1'"), 2, 0);
    assert_near(q1(db, "SELECT value FROM type_values WHERE indicator='low_econ' AND "
                               "within='00' AND area_type='5'"), 10.0, 1e-12);
    /* types 1 and 2 together: type 2 has no RegSO, so = type 1 */
    assert_near(q1(db, "SELECT numerator FROM type_values WHERE indicator='low_econ' AND "
                               "within='00' AND area_type='1-2'"), 302, 0);
    /* 0114R004 has no type: not in any aggregate */
    assert_near(q1(db, "SELECT SUM(n_regso) FROM type_values WHERE indicator='low_econ' AND "
                               "within='00' AND area_type<>'1-2'"), 3, 0);
    assert_near(q1(db, "SELECT value FROM inequality WHERE code='0114' AND year=2023"), 0.23, 0);
    assert_near(q1(db, "SELECT schematic FROM geometry WHERE layer='regso'"), 1, 0);
    assert_near(q1(db, "SELECT schematic FROM geometry WHERE layer='lan'"), 0, 0);
    /* provenance */
    assert_near(q1(db, "SELECT unlinked FROM inputs WHERE kind='indicators'"), 1, 0);
    assert_near(q1(db, "SELECT COUNT(*) FROM meta WHERE key IN ('linkage','suppression',"
                               "'geography','schema_version')"), 4, 0);
    assert_near(q1(db, "SELECT COUNT(*) FROM areas WHERE level='regso'"), 3363, 0);
    sqlite3_close(db);
}

/* --kommun-crosses publishes the cross, protected: 3 of 40 is primary */
static void test_build_kommun_crosses(void **state)
{
    (void)state;
    om_build_options o;
    full_options(&o);
    o.kommun_crosses = true;
    om_build_report r;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_build_run(&o, &r, &err), OM_OK);
    assert_int_equal(r.cells_withheld_kommun, 0);
    expect_api("/api/values?indicator=low_econ&level=kommun&year=2022&sex=woman&age=20-64&born=abroad&format=csv",
               "code,name,value,numerator,denominator,status\n0114,Upplands Väsby,,,,primary\n");
}

static void test_build_primary_only(void **state)
{
    (void)state;
    om_build_options o;
    full_options(&o);
    o.no_secondary = true;
    om_build_report r;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_build_run(&o, &r, &err), OM_OK);
    assert_int_equal(r.cells_secondary, 0);
    /* 50 / 2000 = 2.5 %, published without secondary suppression */
    expect_api("/api/values?indicator=low_econ&level=regso&year=2022&within=0114R004&format=csv",
               "code,name,value,numerator,denominator,status\n0114R004,Odenslunda södra-Bredden,2.5,50,2000,published\n");
}

static void test_build_scb_types(void **state)
{
    (void)state;
    om_build_options o;
    memset(&o, 0, sizeof o);
    o.out = dbpath;
    o.types[o.n_types++] = OM_SOURCE_DIR "/data/scb/regso-omradestyp-2022.csv";
    om_build_report r;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_build_run(&o, &r, &err), OM_OK);
    assert_int_equal(r.rows_unlinked, 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    static const int published[5] = {160, 289, 855, 1770, 289};
    for (int t = 1; t <= 5; t++) {
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM area_types WHERE year=2022 AND area_type=%d", t);
        assert_near(q1(db, sql), published[t - 1], 0);
    }
    sqlite3_close(db);
}

static void test_build_bad_input(void **state)
{
    (void)state;
    char bad[160];
    snprintf(bad, sizeof bad, "%s/bad.csv", tmpdir);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("level,code,year,indicator,sex,age,born,numerator,denominator\n"
          "kommun,0114,2022,low_econ,female,total,total,1,2\n",
          f);
    fclose(f);
    om_build_options o;
    memset(&o, 0, sizeof o);
    o.out = dbpath;
    o.indicators[o.n_indicators++] = bad;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_build_run(&o, NULL, &err), OM_ERR_INPUT);
    char msg[1200];
    om_error_format(&err, msg, sizeof msg);
    assert_non_null(strstr(msg, "bad.csv:2:27: expected sex total, man or woman, found 'female'"));
    /* nothing half-written remains */
    assert_int_not_equal(access(dbpath, F_OK), 0);
    unlink(bad);
    /* no input at all is a usage error */
    memset(&o, 0, sizeof o);
    o.out = dbpath;
    assert_int_equal(om_build_run(&o, NULL, &err), OM_ERR_USAGE);
}

/* Write text to tmpdir/name (path out) and set o to build the database from
 * it as the only indicators file, with --min-count 5. */
static void indicators_file(char *path, size_t size, const char *name, const char *text, om_build_options *o)
{
    snprintf(path, size, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
    memset(o, 0, sizeof *o);
    o->out = dbpath;
    o->indicators[o->n_indicators++] = path;
    o->rules.min_count = 5;
}

/* The education breakdown (issue 14): the optional column edu read into
 * slices keyed by it, served with the edu parameter; a file without the
 * column is edu = total (the fixture of test_build_fixture); a bad level
 * and a level at RegSO are errors with their position.  gainful_employment
 * is not sensitive: published as given, so the answer is the input. */
static void test_build_edu(void **state)
{
    (void)state;
    /* 0114: 100 persons, 95 with a known level (5 unknown) */
    om_build_options o;
    char in[160];
    indicators_file(in, sizeof in, "edu.csv",
          "level,code,year,indicator,sex,age,born,edu,numerator,denominator\n"
          "kommun,0114,2022,gainful_employment,total,20-64,total,total,60,100\n"
          "kommun,0114,2022,gainful_employment,total,20-64,total,pre_upper_secondary,5,20\n"
          "kommun,0114,2022,gainful_employment,total,20-64,total,upper_secondary,25,40\n"
          "kommun,0114,2022,gainful_employment,total,20-64,total,post_secondary,28,35\n"
          "riket,00,2022,gainful_employment,total,20-64,total,total,60,100\n"
          "riket,00,2022,gainful_employment,total,20-64,total,post_secondary,28,35\n",
          &o);
    om_error err = OM_ERROR_INIT;
    char msg[1200];
    if (om_build_run(&o, NULL, &err) != OM_OK)
        fail_msg("%s", om_error_format(&err, msg, sizeof msg));
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM slices"), 6); /* 4 kommun, 2 riket */
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM slices WHERE edu = 'post_secondary'"), 2);
    sqlite3_close(db);
    /* the level's cell: 28 / 35 = 80 %; the total stays 60 % */
    char *v = api("/api/values?indicator=gainful_employment&level=kommun&year=2022&age=20-64&edu=post_secondary");
    assert_non_null(strstr(v, "\"0114\""));
    assert_non_null(strstr(v, "80"));
    assert_non_null(strstr(v, "28"));
    free(v);
    v = api("/api/values?indicator=gainful_employment&level=kommun&year=2022&age=20-64");
    assert_non_null(strstr(v, "60"));
    assert_null(strstr(v, "28"));
    free(v);
    v = api("/api/meta");
    assert_non_null(strstr(v, "total,pre_upper_secondary,upper_secondary,post_secondary"));
    free(v);
    int status = 0;
    char *body = NULL;
    size_t len = 0;
    assert_int_equal(om_serve_get(dbpath, "/api/values?indicator=gainful_employment&level=kommun&year=2022&edu=phd",
                                  &status, &body, &len, &err),
                     OM_OK);
    assert_int_equal(status, 400);
    free(body);
    unlink(dbpath);
    /* a level that is not one, and a level at RegSO */
    static const char *const bad[][2] = {
        {"kommun,0114,2022,gainful_employment,total,20-64,total,phd,1,2\n",
         "edu.csv:2:55: expected edu total, pre_upper_secondary, upper_secondary or post_secondary, found 'phd'"},
        {"regso,0114R001,2022,gainful_employment,total,20-64,total,post_secondary,1,2\n",
         "edu.csv:2:58: expected edu total at level regso, found 'post_secondary'"},
    };
    for (int k = 0; k < 2; k++) {
        char text[300];
        snprintf(text, sizeof text, "level,code,year,indicator,sex,age,born,edu,numerator,denominator\n%s", bad[k][0]);
        indicators_file(in, sizeof in, "edu.csv", text, &o);
        assert_int_equal(om_build_run(&o, NULL, &err), OM_ERR_INPUT);
        om_error_format(&err, msg, sizeof msg);
        if (!strstr(msg, bad[k][1]))
            fail_msg("expected '%s', found '%s'", bad[k][1], msg);
    }
    unlink(in);
    /* without the column: every slice is edu = total */
    om_build_options full;
    full_options(&full);
    if (om_build_run(&full, NULL, &err) != OM_OK)
        fail_msg("%s", om_error_format(&err, msg, sizeof msg));
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_true(q1(db, "SELECT COUNT(*) FROM slices") > 0);
    assert_int_equal(q1(db, "SELECT COUNT(*) FROM slices WHERE edu <> 'total'"), 0);
    sqlite3_close(db);
}

/* The first text column of the first row of sql, or "" (copied to buf). */
static const char *qs(sqlite3 *db, const char *sql, char *buf, size_t n)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    buf[0] = '\0';
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(buf, n, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return buf;
}

/* The ids `omrade indicators --barometer` writes for the SEI's third
 * indicator (docs/synth.md, issue 11.1): econ_assistance_any (assistance in
 * any month) and assist_unemp_long (SCB's "ekonomiskt bistånd i minst tio
 * månader och/eller arbetslösa längre än sex månader", band 20-64/65) are in
 * the catalogue with their own labels and per-cent unit, not shown by id. */
static void test_build_sei_catalogue(void **state)
{
    (void)state;
    char in[160];
    om_build_options o;
    indicators_file(in, sizeof in, "sei-ind.csv",
                    "level,code,year,indicator,sex,age,born,numerator,denominator\n"
                    "kommun,0114,2023,econ_assistance_any,total,20-64,total,30,600\n"
                    "kommun,0114,2023,assist_unemp_long,total,20-64/65,total,12,610\n",
                    &o);
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_build_run(&o, NULL, &err), OM_OK);
    unlink(in);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    char b[200];
    assert_string_equal(qs(db, "SELECT label_sv FROM indicators WHERE id='econ_assistance_any'", b, sizeof b),
                        "Ekonomiskt bistånd någon gång under året");
    assert_string_equal(qs(db, "SELECT label_en FROM indicators WHERE id='assist_unemp_long'", b, sizeof b),
                        "Social assistance for at least ten months and/or unemployed more than six months");
    assert_string_equal(qs(db, "SELECT unit FROM indicators WHERE id='assist_unemp_long'", b, sizeof b), "%");
    assert_string_equal(qs(db, "SELECT main_age FROM indicators WHERE id='assist_unemp_long'", b, sizeof b),
                        "20-64/65");
    /* the old id is no longer written by the generator, so nothing else */
    assert_near(q1(db, "SELECT COUNT(*) FROM indicators"), 2, 0);
    /* 12 / 610 in per cent */
    assert_near(q1(db, "SELECT scale FROM indicators WHERE id='assist_unemp_long'"), 100, 0);
    sqlite3_close(db);
}

/* The change view's tables (issue 15).  type_transitions against the
 * library's om_transitions on the same files (every non-zero cell of every
 * riket, län and kommun matrix, and no other cell), SCB's 253 changes of
 * 2022-2023, and the API's full 5 x 5 matrix of Malmö (docs/change.md).
 * type_anchored: in the anchor year (the first SEI year) the anchored type
 * is the relative one. */
static void test_build_change_tables(void **state)
{
    (void)state;
    om_build_options o;
    memset(&o, 0, sizeof o);
    o.out = dbpath;
    const char *y22 = OM_SOURCE_DIR "/data/scb/regso-omradestyp-2022.csv";
    const char *y23 = OM_SOURCE_DIR "/data/scb/regso-omradestyp-2023.csv";
    o.types[o.n_types++] = y22;
    o.types[o.n_types++] = y23;
    /* an `omrade sei` output of SCB's 2022 counts, via om_change's own SEI */
    om_error err = OM_ERROR_INIT;
    char seipath[160];
    snprintf(seipath, sizeof seipath, "%s/sei.csv", tmpdir);
    om_change *ch = NULL;
    om_change_options co = {0};
    assert_int_equal(om_change_read(&ch, OM_SOURCE_DIR "/examples/sei/regso-2022.csv", &co, &err), OM_OK);
    FILE *sf = fopen(seipath, "w");
    assert_non_null(sf);
    fputs("area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type\n", sf);
    for (size_t i = 0; i < om_change_count(ch); i++) {
        const om_change_row *r = om_change_row_at(ch, i);
        fprintf(sf, "%s,%d,%.17g,%.17g,%.17g,%.17g,%.17g,%d\n", r->area, (int)r->year, r->pct[0], r->pct[1],
                r->pct[2], r->sei, r->z, r->area_type);
    }
    fclose(sf);
    om_change_free(ch);
    o.sei[o.n_sei++] = seipath;
    assert_int_equal(om_build_run(&o, NULL, &err), OM_OK);
    unlink(seipath);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_near(q1(db, "SELECT SUM(n_regso) FROM type_transitions WHERE level='riket'"), 3363, 0);
    assert_near(q1(db, "SELECT SUM(n_regso) FROM type_transitions WHERE level='riket' AND from_type<>to_type"),
                253, 0);
    om_geo *g = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &err), OM_OK);
    om_transitions *t = NULL;
    assert_int_equal(om_transitions_new(&t, g, &err), OM_OK);
    assert_int_equal(om_transitions_read(t, y22, &err), OM_OK);
    assert_int_equal(om_transitions_read(t, y23, &err), OM_OK);
    assert_int_equal(om_transitions_compute(t, &err), OM_OK);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT n_regso FROM type_transitions WHERE level=?1 AND code=?2"
                                            " AND from_year=?3 AND to_year=?4 AND from_type=?5 AND to_type=?6",
                                        -1, &st, NULL),
                     SQLITE_OK);
    int64_t nonzero = 0;
    for (size_t i = 0; i < om_transitions_row_count(t); i++) {
        const om_transition_row *r = om_transitions_row_at(t, i);
        sqlite3_bind_text(st, 1, om_level_name(r->level), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, om_geo_code(g, r->level, r->idx), -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 3, r->from_year);
        sqlite3_bind_int(st, 4, r->to_year);
        sqlite3_bind_int(st, 5, r->from_type);
        sqlite3_bind_int(st, 6, r->to_type);
        int64_t got = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        assert_int_equal(got, r->n_areas);
        nonzero += r->n_areas > 0;
    }
    sqlite3_finalize(st);
    assert_near(q1(db, "SELECT COUNT(*) FROM type_transitions"), (double)nonzero, 0);
    om_transitions_free(t);
    om_geo_free(g);
    /* anchored = relative in the anchor year, for every RegSO */
    assert_near(q1(db, "SELECT COUNT(*) FROM type_anchored WHERE year=2022 AND anchor_year=2022"), 3363, 0);
    assert_near(q1(db, "SELECT COUNT(*) FROM type_anchored WHERE area_type<>area_type_anchored"), 0, 0);
    sqlite3_close(db);
    /* the API: Malmö's 25 cells, four RegSO changed type (docs/change.md) */
    char *body = api("/api/transitions?code=1280&format=csv");
    assert_non_null(strstr(body, "from_year,to_year,level,code,from_type,to_type,n_regso\n"));
    assert_non_null(strstr(body, "2022,2023,kommun,1280,1,2,1\n"));
    assert_non_null(strstr(body, "2022,2023,kommun,1280,4,3,2\n"));
    assert_non_null(strstr(body, "2022,2023,kommun,1280,2,5,0\n"));
    int lines = 0;
    for (const char *c = body; *c; c++)
        lines += *c == '\n';
    assert_int_equal(lines, 1 + 25);
    free(body);
    body = api("/api/anchored?within=00&format=csv");
    assert_non_null(strstr(body, "year,anchor_year,area_type,n_relative,n_anchored\n"));
    free(body);
    /* bad parameters */
    int status = 0;
    size_t len = 0;
    body = NULL;
    assert_int_equal(om_serve_get(dbpath, "/api/transitions?code=1280&from_year=x", &status, &body, &len, &err),
                     OM_OK);
    assert_int_equal(status, 400);
    free(body);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_protect_rule),
        cmocka_unit_test_setup_teardown(test_build_fixture, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_kommun_crosses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_primary_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_scb_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_edu, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_sei_catalogue, setup, teardown),
        cmocka_unit_test_setup_teardown(test_build_change_tables, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

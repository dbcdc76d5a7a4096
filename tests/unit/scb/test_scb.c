/* Unit tests: the SCB export reader on every real file in data/scb/ and on
 * small hand-made layouts.
 *
 * Reference values are read by hand from the raw files (line numbers given)
 * or are SCB's published totals:
 *   - 000005FB line 5: "0114A0010,719,100,44,863" -> population 863;
 *   - regso-omradestyp-2022.csv line 2: "Upplands Väsby (Bollstanäs),4";
 *   - RegSO per area type (SCB, Områdestyp 2022/2023): 160/289/855/1,770/289
 *     and 162/293/835/1,781/292 (data/README.md);
 *   - Sweden's population 31 Dec 2022 = 10,521,556 and 2023 = 10,551,707
 *     (SCB, Befolkningsstatistik), the sums over all 5,984 DeSO. */
#include "om_test.h"
#include "omrade/scb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static om_geo *geo;

static int setup(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    return om_geo_new_builtin(&geo, &e) == OM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    om_geo_free(geo);
    return 0;
}

static om_scb_table *read_file(const char *rel)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", OM_SOURCE_DIR, rel);
    om_error e = OM_ERROR_INIT;
    om_scb_table *t = NULL;
    om_status s = om_scb_read(&t, path, geo, NULL, &e);
    if (s != OM_OK) {
        char buf[1200];
        fprintf(stderr, "%s\n", om_error_format(&e, buf, sizeof buf));
    }
    assert_int_equal(s, OM_OK);
    return t;
}

static om_status read_text(om_scb_table **t, const char *text, const om_scb_options *opt,
                           om_error *e)
{
    return om_scb_read_mem(t, "t.csv", text, strlen(text), geo, opt, e);
}

static const om_scb_obs *find_obs(const om_scb_table *t, const char *code, int32_t year,
                                  const char *var)
{
    for (size_t i = 0; i < om_scb_nobs(t); i++) {
        const om_scb_obs *o = om_scb_obs_at(t, i);
        if (o->area >= 0 && strcmp(om_geo_code(geo, o->level, o->area), code) == 0 &&
            o->year == year && strcmp(om_scb_variable(t, o->variable), var) == 0)
            return o;
    }
    return NULL;
}

static double sum_var(const om_scb_table *t, const char *var, om_level level, size_t *n)
{
    double s = 0;
    *n = 0;
    for (size_t i = 0; i < om_scb_nobs(t); i++) {
        const om_scb_obs *o = om_scb_obs_at(t, i);
        if (o->level == level && strcmp(om_scb_variable(t, o->variable), var) == 0) {
            s += o->value;
            (*n)++;
        }
    }
    return s;
}

static const char *const real_files[] = {
    "data/scb/deso-2022-csv/000005F8_20240813-152932.csv",
    "data/scb/deso-2022-csv/000005FB_20240813-152341.csv",
    "data/scb/deso-2022-csv/000005FC_20240806-102837.csv",
    "data/scb/deso-2022-csv/000005FE_20240813-152154.csv",
    "data/scb/deso-2022-csv/000005FF_20240813-152010.csv",
    "data/scb/deso-2022-csv/000005FF_20240813-152012.csv",
    "data/scb/deso-2022-csv/000005FM_20240813-153407.csv",
    "data/scb/deso-2022-csv/000005LO_20240813-153750.csv",
    "data/scb/deso-2022-csv/000005MO_20240813-151714.csv",
    "data/scb/deso-2022-csv/000006OC_20240813-153146.csv",
    "data/scb/deso-2022-csv/000006TA_20240813-153551.csv",
    "data/scb/deso-2022-csv/000007A8_20240813-151334.csv",
    "data/scb/deso-2022-csv/age_demographics_deso.csv",
    "data/scb/deso-2022-csv/education_demographics_deso.csv",
    "data/scb/deso-2022-csv/foreignborn_demographics_deso.csv",
    "data/scb/deso-2022-csv/households_demographics_deso.csv",
    "data/scb/deso-2022-csv/income_demographics_deso.csv",
    "data/scb/deso-2022-csv/kopplingstabell-deso-regso-20210702.csv",
    "data/scb/regso-2020-2023/deso_cleaned.csv",
    "data/scb/regso-2020-2023/deso_foreign_born.csv",
    "data/scb/regso-2020-2023/deso_housing_tenure.csv",
    "data/scb/regso-2020-2023/deso_income.csv",
    "data/scb/regso-omradestyp-2022.csv",
    "data/scb/regso-omradestyp-2023.csv",
    "data/scb/koppling-deso2018-regso2020.csv",
};

/* Every real file reads, every data row has a known region, and every DeSO
 * or RegSO appears (5,984 / 3,363 regions per file). */
static void test_all_real_files(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof real_files / sizeof *real_files; f++) {
        om_scb_table *t = read_file(real_files[f]);
        const om_scb_summary *s = om_scb_summary_get(t);
        assert_int_equal(s->unresolved_rows, 0);
        size_t want = strstr(real_files[f], "scb/regso-") ? 3363 : 5984;
        if (strstr(real_files[f], "deso_foreign_born"))
            want = 3363 * 2;
        if (strstr(real_files[f], "deso_housing_tenure"))
            want = 3363 * 4;
        assert_int_equal(s->data_rows, want);
        om_scb_free(t);
    }
}

static void test_population(void **state)
{
    (void)state;
    om_scb_table *t = read_file("data/scb/deso-2022-csv/000005FB_20240813-152341.csv");
    const om_scb_obs *o = find_obs(t, "0114A0010", 2022, "totalt|totalt");
    assert_non_null(o);
    assert_true(o->value == 863);
    o = find_obs(t, "0114A0010", 2022, "Sverige|totalt");
    assert_true(o && o->value == 719);
    size_t n;
    assert_true(sum_var(t, "totalt|totalt", OM_LEVEL_DESO, &n) == 10521556);
    assert_int_equal(n, 5984);
    assert_string_equal(om_scb_table_id(t), "000005FB");
    assert_string_equal(om_scb_source(t), "SCB");
    assert_string_equal(om_scb_updated(t), "20240322 08:00");
    assert_string_equal(om_scb_title(t),
                        "Folkmängden per region efter region, år, födelseregion och kön");
    om_scb_free(t);
    /* 2023 population: year in a stub column left of the region (merged) */
    t = read_file("data/scb/deso-2022-csv/000005FC_20240806-102837.csv");
    assert_true(sum_var(t, "totalt", OM_LEVEL_DESO, &n) == 10551707);
    assert_int_equal(n, 5984);
    o = find_obs(t, "0114A0010", 2023, "totalt");
    assert_true(o && o->value == 898);
    o = find_obs(t, "2584C1130", 2023, "totalt");
    assert_non_null(o);
    om_scb_free(t);
}

static void test_area_types(void **state)
{
    (void)state;
    static const int want[2][5] = {{160, 289, 855, 1770, 289}, {162, 293, 835, 1781, 292}};
    for (int y = 0; y < 2; y++) {
        om_scb_table *t = read_file(y ? "data/scb/regso-omradestyp-2023.csv"
                                       : "data/scb/regso-omradestyp-2022.csv");
        int cnt[6] = {0};
        for (size_t i = 0; i < om_scb_nobs(t); i++) {
            const om_scb_obs *o = om_scb_obs_at(t, i);
            assert_int_equal(o->level, OM_LEVEL_REGSO);
            assert_int_equal(o->year, 2022 + y);
            assert_true(o->value >= 1 && o->value <= 5);
            cnt[(int)o->value]++;
        }
        for (int k = 1; k <= 5; k++)
            assert_int_equal(cnt[k], want[y][k - 1]);
        const om_scb_obs *o = find_obs(t, "0114R001", 2022 + y, "områdestyp");
        assert_non_null(o);
        assert_string_equal(o->region_text, "Upplands Väsby (Bollstanäs)");
        assert_true(o->value == 4);
        assert_string_equal(om_scb_table_id(t), "000005QX");
        assert_string_equal(om_scb_unit(t), "områdestyp");
        assert_true(om_scb_nfootnotes(t) >= 5);
        assert_string_equal(om_scb_footnote(t, 3), "2023-06-08: Tabellen är korrigerad för år 2011.");
        om_scb_free(t);
    }
}

static void test_multirow_headers(void **state)
{
    (void)state;
    /* 000006TA lines 2-5: content, year, age rows; "0114A0010,7,15,843" */
    om_scb_table *t = read_file("data/scb/deso-2022-csv/000006TA_20240813-153551.csv");
    const om_scb_obs *o =
        find_obs(t, "0114A0010", 2022, "Låg ekonomisk standard, procent|totalt ålder");
    assert_true(o && o->value == 7);
    o = find_obs(t, "0114A0010", 2022, "Antal personer totalt|totalt ålder");
    assert_true(o && o->value == 843);
    assert_int_equal(om_scb_nvariables(t), 3);
    om_scb_free(t);
    /* 000005MO: one header row, quoted labels with commas; "0114A0010,48,188,65,119,12" */
    t = read_file("data/scb/deso-2022-csv/000005MO_20240813-151714.csv");
    o = find_obs(t, "0114A0010", 2022, "förgymnasial utbildning");
    assert_true(o && o->value == 48);
    o = find_obs(t, "0114A0010", 2022, "eftergymnasial utbildning, 3 år eller mer");
    assert_true(o && o->value == 119);
    om_scb_free(t);
    /* 000005FM: decimals; "0114A0010,320,581.2,652" */
    t = read_file("data/scb/deso-2022-csv/000005FM_20240813-153407.csv");
    o = find_obs(t, "0114A0010", 2022, "Medelvärde, tkr|nettoinkomst|totalt");
    assert_true(o && o->value == 581.2);
    om_scb_free(t);
}

static void test_long_regso(void **state)
{
    (void)state;
    /* deso_foreign_born.csv line 2: "Upplands Väsby (Bollstanäs)","Sverige","totalt",
     * 5002,4972,4916,4843 (CR CR LF line ends, quoted header, 'Antal 2021') */
    om_scb_table *t = read_file("data/scb/regso-2020-2023/deso_foreign_born.csv");
    const om_scb_obs *o = find_obs(t, "0114R001", 2021, "Sverige|totalt|Antal");
    assert_true(o && o->value == 4972);
    o = find_obs(t, "0114R001", 2023, "totalt|totalt|Antal");
    assert_true(o && o->value == 5920);
    assert_int_equal(om_scb_summary_get(t)->text_columns, 2);
    om_scb_free(t);
    /* hyphens where the mapping has en dashes still resolve (line 1891) */
    t = read_file("data/scb/regso-2020-2023/deso_income.csv");
    o = find_obs(t, "1427R002", 2023, "löneinkomst|totalt|Medelvärde för samtliga, tkr");
    assert_true(o && o->value == 233.0);
    om_scb_free(t);
    /* deso_cleaned: the trailing deso_name column repeats the label */
    t = read_file("data/scb/regso-2020-2023/deso_cleaned.csv");
    assert_int_equal(om_scb_summary_get(t)->geo_columns, 1);
    o = find_obs(t, "0114R001", 0, "total_population");
    assert_true(o && o->value == 5920);
    om_scb_free(t);
}

static void test_layouts(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_scb_table *t = NULL;
    /* semicolons, decimal comma, missing marks, footer */
    assert_int_equal(read_text(&t,
                               "\"Tabell\"\r\n;2021;2022\r\n0114A0010;1,5;..\r\n"
                               "0114C1010;-;2\r\n\r\nKälla:\r\nSCB\r\n",
                               NULL, &e),
                     OM_OK);
    assert_int_equal(om_scb_nobs(t), 4);
    const om_scb_obs *o = om_scb_obs_at(t, 0);
    assert_true(o->year == 2021 && o->value == 1.5 && !o->missing);
    o = om_scb_obs_at(t, 1);
    assert_true(o->year == 2022 && isnan(o->value) && strcmp(o->missing, "..") == 0);
    o = om_scb_obs_at(t, 2);
    assert_true(o->missing && strcmp(o->missing, "-") == 0);
    assert_int_equal(om_scb_summary_get(t)->missing, 2);
    assert_string_equal(om_scb_source(t), "SCB");
    assert_string_equal(om_scb_title(t), "Tabell");
    om_scb_free(t);
    /* thousands grouped with blanks or no-break spaces, decimal comma */
    assert_int_equal(read_text(&t,
                               "x;a;b\n0114A0010;10 521 556;1\xC2\xA0" "234,5\n"
                               "0114C1010;1 000;-2 000,25\n",
                               NULL, &e),
                     OM_OK);
    assert_true(om_scb_obs_at(t, 0)->value == 10521556);
    assert_true(om_scb_obs_at(t, 1)->value == 1234.5);
    assert_true(om_scb_obs_at(t, 2)->value == 1000);
    assert_true(om_scb_obs_at(t, 3)->value == -2000.25);
    om_scb_free(t);
    assert_int_equal(read_text(&t, "x;a\n0114A0010;1\n0114C1010;1 2\n", NULL, &e),
                     OM_ERR_INPUT);
    assert_int_equal(read_text(&t, "x;a\n0114A0010;1\n0114C1010;12 34\n", NULL, &e),
                     OM_ERR_INPUT);
    /* PxWeb "code name" labels, kommun and län, a year column, repeated header */
    assert_int_equal(read_text(&t,
                               "region,år,folkmängd\n0114 Upplands Väsby,2022,5\n"
                               "region,år,folkmängd\n01 Stockholms län,2022,7\nRiket,2022,9\n",
                               NULL, &e),
                     OM_OK);
    assert_int_equal(om_scb_nobs(t), 3);
    assert_int_equal(om_scb_obs_at(t, 0)->level, OM_LEVEL_KOMMUN);
    assert_int_equal(om_scb_obs_at(t, 1)->level, OM_LEVEL_LAN);
    assert_int_equal(om_scb_obs_at(t, 2)->level, OM_LEVEL_RIKET);
    assert_int_equal(om_scb_obs_at(t, 2)->year, 2022);
    assert_string_equal(om_scb_variable(t, om_scb_obs_at(t, 2)->variable), "folkmängd");
    assert_int_equal(om_scb_summary_get(t)->repeated_headers, 1);
    om_scb_free(t);
    /* PxWeb "efter år, kön och region": merged stub cells filled down, the
     * same whether the empty cells are kept or dropped by a conversion */
    const char *stubs[2] = {"T\n,,,antal\n2022,män,0114A0010,5\n,,0114C1010,6\n"
                            ",kvinnor,0114A0010,7\n2023,män,0114A0010,8\n",
                            "T\n,,,antal\n2022,män,0114A0010,5\n0114C1010,6\n"
                            "kvinnor,0114A0010,7\n2023,män,0114A0010,8\n"};
    for (int k = 0; k < 2; k++) {
        assert_int_equal(read_text(&t, stubs[k], NULL, &e), OM_OK);
        assert_int_equal(om_scb_nobs(t), 4);
        static const int32_t years[4] = {2022, 2022, 2022, 2023};
        static const char *const vars[4] = {"män|antal", "män|antal", "kvinnor|antal",
                                            "män|antal"};
        for (size_t i = 0; i < 4; i++) {
            o = om_scb_obs_at(t, i);
            assert_int_equal(o->year, years[i]);
            assert_string_equal(om_scb_variable(t, o->variable), vars[i]);
            assert_true(o->value == (double)(5 + i));
        }
        om_scb_free(t);
    }
    /* Windows-1252: "Folkmängd" with 0xE4, an en dash 0x96 in a label; PxWeb
     * puts the years in the header row beside the dimension names */
    const char *ansi = "\"region\";\"k\xf6n\";\"2020\";\"2021\"\n"
                       "\"Soten\xe4s (Kungshamn\x96Sm\xf6gen-Hoven\xe4set\x96V\xe4jern)\";\"m\xe4n\";1;2\n";
    om_scb_options lat = {0};
    lat.latin1 = true;
    assert_int_equal(read_text(&t, ansi, &lat, &e), OM_OK);
    assert_int_equal(om_scb_nobs(t), 2);
    o = om_scb_obs_at(t, 1);
    assert_string_equal(om_geo_code(geo, o->level, o->area), "1427R002");
    assert_int_equal(o->year, 2021);
    assert_string_equal(om_scb_variable(t, o->variable), "män");
    om_scb_free(t);
    assert_int_equal(read_text(&t, ansi, NULL, &e), OM_ERR_INPUT);
    /* UTF-16LE with BOM, tab separated (Excel "Unicode text") */
    static const char u16[] = "\xFF\xFEr\0\t\0a\0\n\0" "0\0" "1\0" "1\0" "4\0\t\0" "7\0\n\0";
    assert_int_equal(om_scb_read_mem(&t, "u.txt", u16, sizeof u16 - 1, geo, NULL, &e), OM_OK);
    assert_int_equal(om_scb_nobs(t), 1);
    assert_int_equal(om_scb_obs_at(t, 0)->level, OM_LEVEL_KOMMUN);
    assert_true(om_scb_obs_at(t, 0)->value == 7);
    om_scb_free(t);
    assert_int_equal(om_scb_read_mem(&t, "u.txt", "\xFF\xFE\x00\xD8x\0", 6, geo, NULL, &e),
                     OM_ERR_INPUT);
    /* a legacy .xls is named as such */
    assert_int_equal(om_scb_read_mem(&t, "t.xls", "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1....", 12,
                                     geo, NULL, &e),
                     OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, ".xls workbook"));
    /* unknown region: counted and kept, or an error on request */
    const char *unk = "x,a,b\n0114A0010,1,2\n0114A9999,3,4\n0114C1010,5,6\n";
    assert_int_equal(read_text(&t, unk, NULL, &e), OM_OK);
    assert_int_equal(om_scb_summary_get(t)->unresolved_rows, 1);
    o = om_scb_obs_at(t, 2);
    assert_true(o->area == -1 && o->level == OM_LEVEL_NONE && o->value == 3);
    assert_string_equal(o->region_text, "0114A9999");
    om_scb_free(t);
    om_scb_options opt = {0};
    opt.fail_unresolved = true;
    assert_int_equal(read_text(&t, unk, &opt, &e), OM_ERR_INPUT);
    assert_null(t);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 1);
    assert_non_null(strstr(e.msg, "found '0114A9999'"));
}

static void test_errors(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    om_scb_table *t = NULL;
    /* non-numeric value */
    assert_int_equal(read_text(&t, "x,a,b\n0114A0010,1,2\n0114C1010,3,abc\n0114C1020,5,6\n",
                               NULL, &e),
                     OM_ERR_INPUT);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 13);
    assert_non_null(strstr(e.msg, "found 'abc'"));
    /* truncated row */
    assert_int_equal(read_text(&t, "x,a,b\n0114A0010,1,2\n0114C1010,3\n", NULL, &e),
                     OM_ERR_INPUT);
    assert_int_equal(e.line, 3);
    /* a row with a value too many */
    assert_int_equal(read_text(&t, "x,a,b\n0114A0010,1,2\n0114C1010,3,4,5\n", NULL, &e),
                     OM_ERR_INPUT);
    assert_int_equal(e.line, 3);
    assert_non_null(strstr(e.msg, "expected 2 values after the region as on line 2, found 3"));
    /* truncated inside a quoted cell */
    assert_int_equal(read_text(&t, "\"Titel\"\nx,a\n0114A0010,1\n\"Fotnot", NULL, &e),
                     OM_ERR_INPUT);
    /* invalid UTF-8 */
    assert_int_equal(read_text(&t, "x,a\n0114A0010,1\n0114C1010,\xff\n", NULL, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 3);
    /* duplicate region/year/variable */
    assert_int_equal(read_text(&t, "x,a\n0114A0010,1\n0114A0010,2\n", NULL, &e), OM_ERR_INPUT);
    /* no region at all */
    assert_int_equal(read_text(&t, "a,b\n1,2\n", NULL, &e), OM_ERR_INPUT);
    /* empty */
    assert_int_equal(read_text(&t, "", NULL, &e), OM_ERR_INPUT);
    /* data after the footer's blank line would be lost */
    assert_int_equal(read_text(&t, "x,a\n0114A0010,1\n\n0114C1010,2\n", NULL, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 4);
    /* header labels that do not fit the value columns */
    assert_int_equal(read_text(&t, "T\na,b\n0114A0010,1,2,3\n", NULL, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 2);
}

static const char *const xlsx_pairs[] = {
    "000005F8_20240813-152932", "000005FB_20240813-152341", "000005FC_20240806-102837",
    "000005FE_20240813-152154", "000005FF_20240813-152010", "000005FF_20240813-152012",
    "000005FM_20240813-153407", "000005LO_20240813-153750", "000005MO_20240813-151714",
    "000006OC_20240813-153146", "000006TA_20240813-153551", "000007A8_20240813-151334",
};

/* The .xlsx originals and their CSV conversions give the same observations
 * and the same metadata (the CSV lost the empty cells, the sheet has
 * merged spans and gaps: two different layouts of one table). */
static void test_xlsx_equals_csv(void **state)
{
    (void)state;
    for (size_t f = 0; f < sizeof xlsx_pairs / sizeof *xlsx_pairs; f++) {
        char a[256], b[256];
        snprintf(a, sizeof a, "data/scb/deso-2022-xlsx/%s.xlsx", xlsx_pairs[f]);
        snprintf(b, sizeof b, "data/scb/deso-2022-csv/%s.csv", xlsx_pairs[f]);
        om_scb_table *x = read_file(a), *c = read_file(b);
        assert_int_equal(om_scb_nobs(x), om_scb_nobs(c));
        assert_true(om_scb_nobs(x) >= 5984);
        for (size_t i = 0; i < om_scb_nobs(x); i++) {
            const om_scb_obs *ox = om_scb_obs_at(x, i), *oc = om_scb_obs_at(c, i);
            assert_int_equal(ox->level, oc->level);
            assert_int_equal(ox->area, oc->area);
            assert_int_equal(ox->year, oc->year);
            assert_string_equal(om_scb_variable(x, ox->variable), om_scb_variable(c, oc->variable));
            assert_true(ox->value == oc->value || (isnan(ox->value) && isnan(oc->value)));
        }
        assert_string_equal(om_scb_title(x), om_scb_title(c));
        assert_string_equal(om_scb_table_id(x), om_scb_table_id(c));
        assert_string_equal(om_scb_updated(x), om_scb_updated(c));
        assert_int_equal(om_scb_nfootnotes(x), om_scb_nfootnotes(c));
        for (size_t i = 0; i < om_scb_nfootnotes(x); i++)
            assert_string_equal(om_scb_footnote(x, i), om_scb_footnote(c, i));
        om_scb_free(x);
        om_scb_free(c);
    }
}

/* A workbook built here part by part: "x:" prefixed elements, shared
 * strings with rich-text runs and a phonetic run, an inline string, a
 * merged year cell, a missing row before the footnote. */
static void *make_xlsx(const char *sheet, const char *sst, size_t *len)
{
    static const char wb[] =
        "<?xml version=\"1.0\"?><x:workbook xmlns:x=\"http://schemas.openxmlformats.org/"
        "spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/"
        "2006/relationships\"><x:sheets><x:sheet name=\"T\" sheetId=\"1\" r:id=\"rId7\"/>"
        "</x:sheets></x:workbook>";
    static const char rels[] =
        "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/"
        "2006/relationships\"><Relationship Id=\"rId7\" Type=\"http://schemas.openxmlformats.org/"
        "officeDocument/2006/relationships/worksheet\" Target=\"worksheets/data.xml\"/>"
        "<Relationship Id=\"rId8\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
        "relationships/sharedStrings\" Target=\"/xl/strings.xml\"/></Relationships>";
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    zip_source_keep(mem);
    zip_t *z = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    assert_non_null(z);
    const char *names[] = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                           "xl/worksheets/data.xml", "xl/strings.xml"};
    const char *bodies[] = {wb, rels, sheet, sst};
    for (int i = 0; i < 4; i++) {
        zip_source_t *s = zip_source_buffer(z, bodies[i], strlen(bodies[i]), 0);
        assert_true(zip_file_add(z, names[i], s, ZIP_FL_ENC_UTF_8) >= 0);
    }
    assert_int_equal(zip_close(z), 0);
    assert_int_equal(zip_source_open(mem), 0);
    zip_source_seek(mem, 0, SEEK_END);
    *len = (size_t)zip_source_tell(mem);
    zip_source_seek(mem, 0, SEEK_SET);
    void *buf = malloc(*len);
    assert_int_equal(zip_source_read(mem, buf, *len), (zip_int64_t)*len);
    zip_source_close(mem);
    zip_source_free(mem);
    zip_error_fini(&ze);
    return buf;
}

#define NS "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\""

static void test_xlsx_built(void **state)
{
    (void)state;
    const char *sst = "<x:sst " NS "><x:si><x:t>Titel, med komma</x:t></x:si>"
                      "<x:si><x:r><x:t>Upplands </x:t></x:r><x:r><x:t>Väsby (Bollstanäs)</x:t>"
                      "</x:r><x:rPh><x:t>ignored</x:t></x:rPh></x:si>"
                      "<x:si><x:t>män</x:t></x:si><x:si><x:t>kvinnor</x:t></x:si></x:sst>";
    const char *sheet =
        "<x:worksheet " NS "><x:sheetData>"
        "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c></x:row>"
        "<x:row r=\"3\"><x:c r=\"B3\"><x:v>2021</x:v></x:c><x:c r=\"D3\"><x:v>2022</x:v></x:c>"
        "</x:row>"
        "<x:row r=\"4\"><x:c r=\"B4\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"C4\" t=\"s\"><x:v>3</x:v>"
        "</x:c><x:c r=\"D4\" t=\"s\"><x:v>2</x:v></x:c><x:c r=\"E4\" t=\"s\"><x:v>3</x:v></x:c>"
        "</x:row>"
        "<x:row r=\"5\"><x:c r=\"A5\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"B5\"><x:v>1.5</x:v></x:c>"
        "<x:c r=\"C5\" t=\"inlineStr\"><x:is><x:t>..</x:t></x:is></x:c><x:c r=\"D5\"><x:v>3"
        "</x:v></x:c><x:c r=\"E5\"><x:v>4E1</x:v></x:c></x:row>"
        "<x:row r=\"7\"><x:c r=\"A7\" t=\"inlineStr\"><x:is><x:t>Fotnot</x:t></x:is></x:c></x:row>"
        "</x:sheetData></x:worksheet>";
    size_t len;
    void *buf = make_xlsx(sheet, sst, &len);
    om_error e = OM_ERROR_INIT;
    om_scb_table *t = NULL;
    assert_int_equal(om_scb_read_mem(&t, "t.xlsx", buf, len, geo, NULL, &e), OM_OK);
    assert_string_equal(om_scb_title(t), "Titel, med komma");
    assert_int_equal(om_scb_nobs(t), 4);
    const om_scb_obs *o = om_scb_obs_at(t, 0);
    assert_int_equal(o->level, OM_LEVEL_REGSO);
    assert_string_equal(om_geo_code(geo, o->level, o->area), "0114R001");
    assert_true(o->year == 2021 && o->value == 1.5);
    assert_string_equal(om_scb_variable(t, o->variable), "män");
    o = om_scb_obs_at(t, 1);
    assert_true(o->year == 2021 && o->missing && strcmp(o->missing, "..") == 0);
    assert_string_equal(om_scb_variable(t, o->variable), "kvinnor");
    o = om_scb_obs_at(t, 3);
    assert_true(o->year == 2022 && o->value == 40);
    assert_int_equal(o->line, 5);
    assert_int_equal(om_scb_nfootnotes(t), 1);
    assert_string_equal(om_scb_footnote(t, 0), "Fotnot");
    om_scb_free(t);
    free(buf);
    /* a bad value is reported at its sheet row and column */
    const char *bad = "<x:worksheet " NS "><x:sheetData>"
                      "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>1</x:v></x:c><x:c r=\"B1\">"
                      "<x:v>1</x:v></x:c></x:row>"
                      "<x:row r=\"2\"><x:c r=\"A2\" t=\"inlineStr\"><x:is><x:t>0114A0010</x:t>"
                      "</x:is></x:c><x:c r=\"B2\"><x:v>2</x:v></x:c></x:row>"
                      "<x:row r=\"3\"><x:c r=\"A3\" t=\"inlineStr\"><x:is><x:t>0114C1010</x:t>"
                      "</x:is></x:c><x:c r=\"B3\" t=\"str\"><x:v>zz</x:v></x:c></x:row>"
                      "</x:sheetData></x:worksheet>";
    buf = make_xlsx(bad, sst, &len);
    assert_int_equal(om_scb_read_mem(&t, "t.xlsx", buf, len, geo, NULL, &e), OM_ERR_INPUT);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.column, 2);
    free(buf);
    /* broken XML, a bad shared-string index, not a ZIP at all */
    buf = make_xlsx("<x:worksheet " NS "><x:sheetData><x:row>", sst, &len);
    assert_int_equal(om_scb_read_mem(&t, "t.xlsx", buf, len, geo, NULL, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "well-formed"));
    free(buf);
    buf = make_xlsx("<x:worksheet " NS "><x:sheetData><x:row><x:c t=\"s\"><x:v>9</x:v></x:c>"
                    "</x:row></x:sheetData></x:worksheet>",
                    sst, &len);
    assert_int_equal(om_scb_read_mem(&t, "t.xlsx", buf, len, geo, NULL, &e), OM_ERR_INPUT);
    assert_non_null(strstr(e.msg, "shared-string index"));
    free(buf);
    om_scb_options opt = {0};
    opt.format = OM_SCB_XLSX;
    assert_int_equal(om_scb_read_mem(&t, "t.xlsx", "PK\x03\x04junk", 8, geo, &opt, &e),
                     OM_ERR_INPUT);
    /* the byte cap stops a large part early */
    opt.format = OM_SCB_AUTO;
    opt.max_bytes = 300;
    buf = make_xlsx(sheet, sst, &len);
    assert_int_equal(om_scb_read_mem(&t, "t.xlsx", buf, len, geo, &opt, &e), OM_ERR_NOMEM);
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_real_files), cmocka_unit_test(test_population),
        cmocka_unit_test(test_area_types),     cmocka_unit_test(test_multirow_headers),
        cmocka_unit_test(test_long_regso),     cmocka_unit_test(test_layouts),
        cmocka_unit_test(test_errors),         cmocka_unit_test(test_xlsx_equals_csv),
        cmocka_unit_test(test_xlsx_built),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* Unit tests of SCB's person-level SEI definitions (om_sei_age_band,
 * om_sei_long_assist_unemp) and of their use in om_synth_indicators on a
 * hand-made synth-format directory.
 *
 * Source: SCB, "Områdestyper efter socioekonomisk status / Regionala
 * statistikområden (RegSO)", method description.  Third indicator: "andel
 * personer med ekonomiskt bistånd i minst tio månader och/eller arbetslösa
 * längre än sex månader" (here: > 180 days); the education and the third
 * indicator among ages 20–64 up to 2022 and 20–65 from 2023; low economic
 * standard (< 60 % of the national median) among all ages.  Expected counts
 * below are computed by hand from the rows written in each test. */
#define _GNU_SOURCE
#include "om_test.h"
#include "omrade/sei.h"
#include "omrade/synth.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_age_band(void **state)
{
    (void)state;
    static const struct {
        int year, lo, hi;
    } want[] = {{2011, 20, 64}, {2021, 20, 64}, {2022, 20, 64}, {2023, 20, 65}, {2024, 20, 65}};
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        int lo = -1, hi = -1;
        om_sei_age_band(want[i].year, &lo, &hi);
        assert_int_equal(lo, want[i].lo);
        assert_int_equal(hi, want[i].hi);
    }
    /* ages 19/20 and 64/65/66 on both sides of the 2022/2023 change */
    assert_false(om_sei_in_age_band(2022, 19));
    assert_true(om_sei_in_age_band(2022, 20));
    assert_true(om_sei_in_age_band(2022, 64));
    assert_false(om_sei_in_age_band(2022, 65));
    assert_false(om_sei_in_age_band(2022, 66));
    assert_false(om_sei_in_age_band(2023, 19));
    assert_true(om_sei_in_age_band(2023, 20));
    assert_true(om_sei_in_age_band(2023, 64));
    assert_true(om_sei_in_age_band(2023, 65));
    assert_false(om_sei_in_age_band(2023, 66));
}

static void test_assist_unemp(void **state)
{
    (void)state;
    assert_false(om_sei_long_assist_unemp(0, 0));
    assert_false(om_sei_long_assist_unemp(9, 0));   /* "minst tio månader" */
    assert_true(om_sei_long_assist_unemp(10, 0));
    assert_true(om_sei_long_assist_unemp(12, 0));
    assert_false(om_sei_long_assist_unemp(0, 180)); /* "längre än sex månader" */
    assert_true(om_sei_long_assist_unemp(0, 181));
    assert_false(om_sei_long_assist_unemp(9, 180)); /* two short spells stay short */
    assert_true(om_sei_long_assist_unemp(10, 181));
}

static void put(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Output of om_synth_indicators for one area and year, as text. */
static char *run(const char *dir, om_level level, bool barometer)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    om_error e = OM_ERROR_INIT;
    om_indicators_summary s;
    assert_int_equal(om_synth_indicators(dir, level, barometer ? OM_INDICATORS_BAROMETER | OM_INDICATORS_EDU : 0, out, NULL, &s, &e), OM_OK);
    fclose(out);
    assert_int_equal(s.rejected_residence, 0);
    assert_int_equal(s.unlinked_person_year, 0);
    return buf;
}

static bool has_line(const char *text, const char *line)
{
    size_t n = strlen(line);
    for (const char *p = text; (p = strstr(p, line)) != NULL; p++)
        if ((p == text || p[-1] == '\n') && (p[n] == '\n' || p[n] == 0))
            return true;
    return false;
}

/* Eight persons in DeSO 0180C1010 (Stockholm) in 2022 and 2023, born 1 July:
 *   1 1982 (40/41)  2022: 9 months + 180 days -> no  | 2023: 10 months + 181 days -> yes, once
 *   2 1982          2022: empty fields (= none) -> no | 2023: 12 months -> yes
 *   3 1957 (65/66)  10 months both years: outside both bands (65 in 2022, 66 in 2023)
 *   4 1958 (64/65)  200 days both years: inside both bands -> yes, yes
 *   5 2003 (19/20)  181 days both years: outside in 2022, inside in 2023
 *   6 2010 (12/13)  no education, child: only in low_econ
 *   7 1990 (32/33)  nothing -> no, no
 *   8 1959 (63/64)  education 1, nothing -> no, no
 * 2022: band 20-64 = 1, 2, 4, 7, 8 -> third indicator 1 (person 4) of 5;
 *       pre-upper (education 1): 4, 8 of the 5 (all known) -> 2 of 5.
 * 2023: band 20-65 = 1, 2, 4, 5, 7, 8 -> 1, 2, 4, 5 = 4 of 6; pre-upper
 *       4, 8 (5 has education 2) -> 2 of 6.
 * Incomes 2022 and 2023: 100k (person 6), 150k (person 3), 200k .. 600k for
 * the others: sorted 100, 150, 200, 250, 300, 350, 400, 600 k; median
 * (250 + 300) / 2 = 275k; threshold 165k -> persons 6 and 3 -> 2 of 8. */
static const char PERSONS[] = "lopnr,sex,birth_date,country_group,death_date\n"
                              "1,1,1982-07-01,sweden,\n"
                              "2,2,1982-07-01,other,\n"
                              "3,1,1957-07-01,sweden,\n"
                              "4,2,1958-07-01,sweden,\n"
                              "5,1,2003-07-01,eu,\n"
                              "6,2,2010-07-01,sweden,\n"
                              "7,1,1990-07-01,sweden,\n"
                              "8,2,1959-07-01,sweden,\n";
static const char PY[] = "lopnr,year,income_cu,education,assist_months,unemp_days\n"
                         "1,2022,200000,2,9,180\n"
                         "2,2022,250000,3,,\n"
                         "3,2022,150000,1,10,0\n"
                         "4,2022,300000,1,0,200\n"
                         "5,2022,350000,2,0,181\n"
                         "6,2022,100000,,,\n"
                         "7,2022,400000,3,0,0\n"
                         "8,2022,600000,1,0,0\n"
                         "1,2023,200000,2,10,181\n"
                         "2,2023,250000,3,12,0\n"
                         "3,2023,150000,1,10,0\n"
                         "4,2023,300000,1,0,200\n"
                         "5,2023,350000,2,0,181\n"
                         "6,2023,100000,,,\n"
                         "7,2023,400000,3,0,0\n"
                         "8,2023,600000,1,0,0\n";

static void test_hand_directory(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_sei_def.XXXXXX";
    assert_non_null(mkdtemp(dir));
    put(dir, "persons.csv", PERSONS);
    char res[1024] = "lopnr,year,deso\n";
    for (int y = 2022; y <= 2023; y++)
        for (int p = 1; p <= 8; p++)
            snprintf(res + strlen(res), sizeof res - strlen(res), "%d,%d,0180C1010\n", p, y);
    put(dir, "residence.csv", res);
    put(dir, "person_year.csv", PY);

    char *sei = run(dir, OM_LEVEL_DESO, false);
    assert_true(has_line(sei, "0180C1010,2022,2,8,2,5,1,5"));
    assert_true(has_line(sei, "0180C1010,2023,2,8,2,6,4,6"));
    free(sei);

    /* The barometer needs every column; the same persons with the extra
     * columns empty.  assist_unemp_long = the SEI counts above at riket;
     * econ_assistance_any = any month, ages 20-64: 2022 person 1 of 1, 2, 4,
     * 7, 8 -> 1 of 5; 2023 persons 1, 2 of 1, 2, 5, 7, 8 -> 2 of 5 (person 4,
     * aged 65, is outside 20-64). */
    char py[2048] = "lopnr,year,income_cu,education,assist_months,unemp_days,employed,studying,"
                    "sick_days,house_type,tenure,dwelling_m2,voted,merit,eligible_upper\n";
    const char *line = strchr(PY, '\n') + 1;
    while (*line) {
        const char *end = strchr(line, '\n');
        snprintf(py + strlen(py), sizeof py - strlen(py), "%.*s,,,,,,,,,\n", (int)(end - line),
                 line);
        line = end + 1;
    }
    put(dir, "person_year.csv", py);
    char *bar = run(dir, OM_LEVEL_REGSO, true);
    assert_true(has_line(bar, "riket,00,2022,assist_unemp_long,total,20-64/65,total,total,1,5"));
    assert_true(has_line(bar, "riket,00,2023,assist_unemp_long,total,20-64/65,total,total,4,6"));
    /* 50-64/65: 2022 persons 4 (64) and 8 (63); person 3 (65) is outside;
     * 2023 persons 4 (65) and 8 (64) */
    assert_true(has_line(bar, "riket,00,2022,assist_unemp_long,total,50-64/65,total,total,1,2"));
    assert_true(has_line(bar, "riket,00,2023,assist_unemp_long,total,50-64/65,total,total,1,2"));
    /* 20-34: 2022 person 7 (32; person 5 is 19); 2023 persons 5 (20) and 7 */
    assert_true(has_line(bar, "riket,00,2022,assist_unemp_long,total,20-34,total,total,0,1"));
    assert_true(has_line(bar, "riket,00,2023,assist_unemp_long,total,20-34,total,total,1,2"));
    assert_true(has_line(bar, "riket,00,2022,econ_assistance_any,total,20-64,total,total,1,5"));
    assert_true(has_line(bar, "riket,00,2023,econ_assistance_any,total,20-64,total,total,2,5"));
    free(bar);

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

/* Issue 14: the boundaries of the definitions added for Segregationsbarometern's
 * indicator list, on hand-made rows (expected counts by hand below).
 *   high_income (SCB HE0110, "mer än dubbelt så hög som medianinkomsten"):
 *     2022 incomes 100k 110k 120k 130k 140k 200k 300k 350k 399999 400000
 *     400001 -> median 200000 (6th of 11), 200 % = 400000: exactly 400000
 *     is not high, 400001 is -> 1 of 11.
 *   econ_assistance_sole, 20-64 = persons 8-14 (7): 8 (3 months, nothing
 *     else) and 13 (1 month, other fields empty) count; 9 employed, 10 no
 *     assistance, 11 10 days unemployed, 12 sickness days, 14 studying do
 *     not -> 2 of 7.
 *   region / kommun turnout 2022: entitled 8, 9, 11 (empty = not entitled):
 *     region 8, 11 -> 2 of 3; kommun all three -> 3 of 3.
 *   preschool_1_5: ages 1 (enrolled) and 5 (not) -> 1 of 2; age 0 and age 6,
 *     both marked enrolled, are outside 1-5.
 *   upper_secondary_exam_*: the 2019 cohort (born 2003, age 16): examen in
 *     3 years, in 4, none -> 3y (2022) 1 of 3, 4y (2023) 2 of 3, 5y (2024)
 *     2 of 3; person 6's value on the row of age 17 starts no cohort, so no
 *     3-year row for 2023.
 *   migration 2022 -> 2023: 8 moves 0180C1010 -> 0180C1020, both in RegSO
 *     0180R123 (no migration); 9 moves to 0180C1030 in 0180R112: out of R123,
 *     into R112.  Denominator = population 31 Dec 2022 + 31 Dec 2023: riket
 *     11 + 2, R123 11 + 1, R112 0 + 1.  Kommun, län and riket are sums over
 *     their RegSO (moves between RegSO, also inside the kommun: the
 *     additivity the protection relies on): kommun 0180 1 in of 13. */
static const char PERSONS14[] = "lopnr,sex,birth_date,country_group,death_date\n"
                                "1,1,2021-07-01,sweden,\n2,2,2022-03-01,sweden,\n"
                                "3,1,2017-07-01,other,\n4,2,2016-07-01,sweden,\n"
                                "5,1,2003-07-01,sweden,\n6,2,2003-07-01,sweden,\n"
                                "7,1,2003-07-01,other,\n8,1,1980-07-01,sweden,\n"
                                "9,2,1985-07-01,sweden,\n10,1,1990-07-01,other,\n"
                                "11,2,1960-07-01,sweden,\n12,1,1970-07-01,sweden,\n"
                                "13,2,1975-07-01,sweden,\n14,1,2000-07-01,sweden,\n";
static const char RES14[] = "lopnr,year,deso\n5,2019,0180C1010\n6,2019,0180C1010\n7,2019,0180C1010\n"
                            "6,2020,0180C1010\n1,2022,0180C1010\n2,2022,0180C1010\n3,2022,0180C1010\n"
                            "4,2022,0180C1010\n8,2022,0180C1010\n9,2022,0180C1010\n10,2022,0180C1010\n"
                            "11,2022,0180C1010\n12,2022,0180C1010\n13,2022,0180C1010\n"
                            "14,2022,0180C1010\n8,2023,0180C1020\n9,2023,0180C1030\n";
static const char PY14[] =
    "lopnr,year,income_cu,education,assist_months,unemp_days,employed,studying,sick_days,house_type,"
    "tenure,dwelling_m2,voted,merit,eligible_upper,voted_region,voted_kommun,preschool,upsec_exam\n"
    "5,2019,300000,1,0,0,0,1,0,,,,,250,1,,,,3\n"
    "6,2019,300000,1,0,0,0,1,0,,,,,200,1,,,,4\n"
    "7,2019,300000,1,0,0,0,1,0,,,,,,0,,,,0\n"
    "6,2020,300000,1,0,0,0,1,0,,,,,,,,,,3\n"
    "1,2022,100000,,,,,,,,,,,,,,,1,\n"
    "2,2022,110000,,,,,,,,,,,,,,,1,\n"
    "3,2022,120000,,,,,,,,,,,,,,,0,\n"
    "4,2022,130000,,,,,,,,,,,,,,,1,\n"
    "8,2022,140000,2,3,0,0,0,0,,,,1,,,1,1,,\n"
    "9,2022,200000,2,3,0,1,0,0,,,,1,,,0,1,,\n"
    "10,2022,300000,2,0,0,1,0,0,,,,0,,,,,,\n"
    "11,2022,350000,2,1,10,0,0,0,,,,1,,,1,1,,\n"
    "12,2022,399999,2,12,0,0,0,5,,,,1,,,,,,\n"
    "13,2022,400000,2,1,,,,,,,,,,,,,,\n"
    "14,2022,400001,2,4,0,0,1,0,,,,,,,,,,\n"
    "8,2023,140000,2,0,0,1,0,0,,,,,,,,,,\n"
    "9,2023,200000,2,0,0,1,0,0,,,,,,,,,,\n";

static void test_issue14_boundaries(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_ind14.XXXXXX";
    assert_non_null(mkdtemp(dir));
    put(dir, "persons.csv", PERSONS14);
    put(dir, "residence.csv", RES14);
    put(dir, "person_year.csv", PY14);
    char *bar = run(dir, OM_LEVEL_REGSO, true);
    static const char *const want[] = {
        "riket,00,2022,high_income,total,total,total,total,1,11",
        "riket,00,2022,econ_assistance_sole,total,20-64,total,total,2,7",
        "riket,00,2022,voter_turnout_region_2022,total,18+,total,total,2,3",
        "riket,00,2022,voter_turnout_kommun_2022,total,18+,total,total,3,3",
        "riket,00,2022,preschool_1_5,total,1-5,total,total,1,2",
        "riket,00,2022,upper_secondary_exam_3y,total,16,total,total,1,3",
        "riket,00,2023,upper_secondary_exam_4y,total,16,total,total,2,3",
        "riket,00,2024,upper_secondary_exam_5y,total,16,total,total,2,3",
        "riket,00,2023,migration_in,total,total,total,total,1,13",
        "riket,00,2023,migration_out,total,total,total,total,1,13",
        "regso,0180R123,2023,migration_in,total,total,total,total,0,12",
        "regso,0180R123,2023,migration_out,total,total,total,total,1,12",
        "regso,0180R112,2023,migration_in,total,total,total,total,1,1",
        "regso,0180R112,2023,migration_out,total,total,total,total,0,1",
        "kommun,0180,2023,migration_in,total,total,total,total,1,13",
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        if (!has_line(bar, want[i]))
            fail_msg("missing: %s", want[i]);
    }
    /* no cohort started in 2020 (person 6 was 17), none before 2019 */
    assert_null(strstr(bar, "2023,upper_secondary_exam_3y"));
    assert_null(strstr(bar, "2022,upper_secondary_exam_4y"));
    free(bar);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_age_band),
        cmocka_unit_test(test_assist_unemp),
        cmocka_unit_test(test_hand_directory),
        cmocka_unit_test(test_issue14_boundaries),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

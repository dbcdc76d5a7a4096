/* om_link on a hand-built population (tests/data/link, described in
 * docs/rates.md): each expected value below was worked out by hand from the
 * fixture files, not taken from the program. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"

#include "link/link_internal.h"
#include "omrade/link.h"
#include "omrade/stats.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define FIX OM_SOURCE_DIR "/tests/data/link/"
#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

/* internal parser, declared here to test it directly */
bool om_link_parse_date(const char *p, size_t n, int32_t *days, int *year);

static void test_dates(void **state)
{
    (void)state;
    int32_t d;
    int y;
    assert_true(om_link_parse_date("1970-01-01", 10, &d, &y) && d == 0 && y == 1970);
    assert_true(om_link_parse_date("2000-01-01", 10, &d, &y) && d == 10957); /* 30*365 + 7 leap days */
    assert_true(om_link_parse_date("20000301", 8, &d, &y) && d == 10957 + 31 + 29);
    assert_true(om_link_parse_date("2020-02-29", 10, &d, &y));
    assert_false(om_link_parse_date("2021-02-29", 10, &d, &y));
    assert_false(om_link_parse_date("1900-02-29", 10, &d, &y)); /* century, not leap */
    assert_true(om_link_parse_date("2000-02-29", 10, &d, &y));  /* 400-year, leap */
    assert_false(om_link_parse_date("2020-13-01", 10, &d, &y));
    assert_false(om_link_parse_date("2020/01/01", 10, &d, &y));
    assert_false(om_link_parse_date("", 0, &d, &y));
}

typedef struct {
    om_geo *g;
    om_link *l;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    om_error err = OM_ERROR_INIT;
    if (om_geo_new_builtin(&f->g, &err) != OM_OK)
        return -1;
    const char *res[1] = {FIX "residence.csv"}, *typ[1] = {FIX "types.csv"};
    if (om_link_load(&f->l, f->g, FIX "persons.csv", res, 1, typ, 1, NULL, &err) != OM_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    om_link_free(f->l);
    om_geo_free(f->g);
    free(f);
    return 0;
}

static uint32_t person(const om_link *l, int64_t lopnr)
{
    uint32_t p = UINT32_MAX;
    assert_true(om_link_person(l, lopnr, &p));
    return p;
}

static om_link_method preset(const char *name)
{
    const om_link_preset *p = om_link_preset_find(name);
    assert_non_null(p);
    return p->method;
}

/* Type of person p in statistics year y under preset `name`; -1 when not
 * linked.  Fails the test when the plan cannot be made. */
static int type_of(const om_link *l, uint32_t p, int y, const char *name, om_link_fallback fb)
{
    om_link_plan plan;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_plan_year(l, preset(name), y, fb, &plan, &err), OM_OK);
    int t;
    return om_link_area(l, p, &plan, &t, NULL) < 0 ? -1 : t;
}

/* The fixture: DeSO A = 0114C1010 (RegSO 0114R001: type 1 in 2019, 2 in
 * 2020), B = 0114C1180 (0114R002: 5 in 2019, 4 in 2020).  Person 1 lives in
 * A in 2019 and B in 2020; 2 in B both years; 3 in A in 2019 only; 4 in A
 * in 2020 only. */
static void test_methods(void **state)
{
    const om_link *l = ((fx *)*state)->l;
    int y0, y1;
    om_link_years(l, &y0, &y1);
    assert_int_equal(y0, 2019);
    assert_int_equal(y1, 2020);
    om_link_type_years(l, &y0, &y1);
    assert_int_equal(y0, 2019);
    assert_int_equal(y1, 2020);
    uint32_t p1 = person(l, 1), p2 = person(l, 2), p3 = person(l, 3), p4 = person(l, 4);
    const om_link_fallback X = OM_LINK_TYPES_EXACT;
    /* dec31, 2020: residence 31 Dec 2019, types of 2020 */
    assert_int_equal(type_of(l, p1, 2020, "dec31", X), 2);
    assert_int_equal(type_of(l, p2, 2020, "dec31", X), 4);
    /* prev = sos2: same residence, types of 2019 */
    assert_int_equal(type_of(l, p1, 2020, "prev", X), 1);
    assert_int_equal(type_of(l, p2, 2020, "sos2", X), 5);
    /* sos1, 2020: residence 31 Dec 2020 (person 1 now in B), types of 2019 */
    assert_int_equal(type_of(l, p1, 2020, "sos1", X), 5);
    assert_int_equal(type_of(l, p4, 2020, "sos1", X), 1);
    assert_int_equal(type_of(l, p3, 2020, "sos1", X), -1); /* not registered 2020 */
    /* latest: person 1's latest residence is B (2020), latest type year 2020 */
    assert_int_equal(type_of(l, p1, 2020, "latest", X), 4);
    /* person 3's latest residence is A in 2019 -> type of 2020 = 2 */
    assert_int_equal(type_of(l, p3, 2020, "latest", X), 2);
    /* person 4 was not registered on 31 Dec 2019: no area in 2020 */
    assert_int_equal(type_of(l, p4, 2020, "dec31", X), -1);
    /* dec31 for 2021 needs types of 2021: an error naming the year ... */
    om_link_plan plan;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_plan_year(l, preset("dec31"), 2021, X, &plan, &err), OM_ERR_INPUT);
    assert_non_null(strstr(err.msg, "expected area types of 2021"));
    /* ... or, asked for, the nearest year 2020, marked as substituted */
    assert_int_equal(om_link_plan_year(l, preset("dec31"), 2021, OM_LINK_TYPES_NEAREST, &plan, &err),
                     OM_OK);
    assert_int_equal(plan.type_year, 2020);
    assert_int_equal(plan.type_year_wanted, 2021);
    assert_int_equal(plan.residence_year, 2020);
    int t, ry;
    assert_true(om_link_area(l, p4, &plan, &t, &ry) >= 0);
    assert_int_equal(t, 2);
    assert_int_equal(ry, 2020);
    /* residence years outside the data are a usage error */
    assert_int_equal(om_link_plan_year(l, preset("dec31"), 2019, X, &plan, &err), OM_ERR_USAGE);
    assert_int_equal(om_link_plan_year(l, preset("sos1"), 2021, X, &plan, &err), OM_ERR_USAGE);
    /* statistics years every method can link: sos1 2019-2020, dec31 2020-2021 */
    om_link_method both[2] = {preset("sos1"), preset("dec31")};
    int f, la;
    assert_true(om_link_stat_years(l, both, 1, &f, &la) && f == 2019 && la == 2020);
    assert_true(om_link_stat_years(l, both + 1, 1, &f, &la) && f == 2020 && la == 2021);
    assert_true(om_link_stat_years(l, both, 2, &f, &la) && f == 2020 && la == 2020);
}

/* Names and offsets of the presets, and "R/T" specifications. */
static void test_method_names(void **state)
{
    (void)state;
    om_link_method m;
    char buf[16];
    assert_true(om_link_method_parse("sos1", &m) && m.residence == 0 && m.type == -1);
    assert_true(om_link_method_parse("sos2", &m) && m.residence == -1 && m.type == -1);
    assert_true(om_link_method_parse("dec31", &m) && m.residence == -1 && m.type == 0);
    assert_true(om_link_method_parse("prev", &m) && m.residence == -1 && m.type == -1);
    assert_true(om_link_method_parse("latest", &m) && m.residence == OM_LINK_LATEST &&
                m.type == OM_LINK_LATEST);
    assert_true(om_link_method_parse("Y/Y-1", &m) && m.residence == 0 && m.type == -1);
    assert_string_equal(om_link_method_name(m, buf, sizeof buf), "sos1");
    assert_true(om_link_method_parse("Y/Y", &m));
    assert_string_equal(om_link_method_name(m, buf, sizeof buf), "Y/Y");
    assert_true(om_link_method_parse("Y-1/Y-1", &m));
    assert_string_equal(om_link_method_name(m, buf, sizeof buf), "sos2");
    assert_false(om_link_method_parse("Y-2/Y", &m));
    assert_false(om_link_method_parse("dec30", &m));
    assert_false(om_link_method_parse("Y", &m));
    for (size_t i = 0; i < om_link_npresets(); i++)
        assert_true(strlen(om_link_preset_at(i)->text_sv) > 0);
}

static void test_compare(void **state)
{
    const om_link *l = ((fx *)*state)->l;
    om_link_plan a, b;
    om_link_comparison c;
    om_error err = OM_ERROR_INIT;
    const om_link_fallback X = OM_LINK_TYPES_EXACT;
    /* 2020, dec31 vs prev: persons 1 and 3 go 2 -> 1, person 2 goes 4 -> 5 */
    assert_int_equal(om_link_plan_year(l, preset("dec31"), 2020, X, &a, &err), OM_OK);
    assert_int_equal(om_link_plan_year(l, preset("prev"), 2020, X, &b, &err), OM_OK);
    om_link_compare(l, &a, &b, &c);
    assert_int_equal(c.tab[2][1], 2);
    assert_int_equal(c.tab[4][5], 1);
    assert_true(c.share == 1.0);
    /* 2020, dec31 vs latest: only person 1 differs (2 vs 4) */
    assert_int_equal(om_link_plan_year(l, preset("latest"), 2020, X, &b, &err), OM_OK);
    om_link_compare(l, &a, &b, &c);
    assert_int_equal(c.tab[2][4], 1);
    assert_true(fabs(c.share - 1.0 / 3.0) < 1e-15);
    /* 2020, sos1 vs sos2: registered both years are persons 1 (B/5 vs A/1)
     * and 2 (B/5 vs B/5); 3 only in 2019, 4 only in 2020 */
    assert_int_equal(om_link_plan_year(l, preset("sos1"), 2020, X, &a, &err), OM_OK);
    assert_int_equal(om_link_plan_year(l, preset("sos2"), 2020, X, &b, &err), OM_OK);
    om_link_compare(l, &a, &b, &c);
    assert_int_equal(c.typed_both, 2);
    assert_int_equal(c.differ, 1);
    assert_int_equal(c.only_a, 1);
    assert_int_equal(c.only_b, 1);
    assert_true(c.share == 0.5);
}

static void test_rates_counts(void **state)
{
    const om_link *l = ((fx *)*state)->l;
    om_outcomes *o = om_outcomes_new();
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_outcomes_add(o, "ami", "I21,I22", NULL, &err), OM_OK);
    assert_int_equal(om_outcomes_add(o, "cancer", "C", NULL, &err), OM_OK);
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    const char *ev[1] = {FIX "deaths.csv"};
    sp.events = ev;
    sp.nevents = 1;
    sp.method = preset("dec31");
    sp.dims = OM_DIM_YEAR;
    sp.level = 0.95;
    sp.standard = OM_STD_NONE;
    om_rates *r = NULL;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    const om_rates_counts *t = om_rates_total_counts(r);
    /* deaths.csv: 9 rows = 1 unknown id + 1 outside 2020-2021 + 1 code
     * matching no outcome (X99) + 1 duplicate + 1 person not registered
     * on 31 Dec 2019 + 4 linked (3 ami, 1 cancer: C50) */
    assert_int_equal(t->rows, 9);
    assert_int_equal(t->unknown_id, 1);
    assert_int_equal(t->outside_period, 1);
    assert_int_equal(t->not_selected, 1);
    assert_int_equal(t->duplicates, 1);
    assert_int_equal(t->no_residence, 1);
    assert_int_equal(t->linked, 4);
    assert_int_equal(t->rows, t->unknown_id + t->outside_period + t->not_selected +
                                  t->duplicates + t->no_residence + t->no_type + t->linked);
    assert_int_equal(om_rates_outcome_counts(r, 0)->linked, 3);
    assert_int_equal(om_rates_outcome_counts(r, 1)->linked, 1);
    /* ami 2020: 2 events, population registered 31 Dec 2019 = 3 persons */
    const om_rates_cell *c = om_rates_cells(r);
    size_t n = om_rates_ncells(r);
    bool seen = false;
    for (size_t i = 0; i < n; i++)
        if (c[i].outcome == 0 && c[i].year == 2020) {
            seen = true;
            assert_true(c[i].events == 2 && c[i].persons == 2 && c[i].pop == 3);
            assert_true(fabs(c[i].rate - 2.0 / 3.0 * 100000) < 1e-9);
        }
    assert_true(seen);
    om_rates_free(r);
    /* a types-less question about types is a usage error */
    sp.dims = OM_DIM_TYPE;
    om_link *l2 = NULL;
    om_geo *g = ((fx *)*state)->g;
    const char *res[1] = {FIX "residence.csv"};
    assert_int_equal(om_link_load(&l2, g, FIX "persons.csv", res, 1, NULL, 0, NULL, &err), OM_OK);
    assert_int_equal(om_rates_run(&r, l2, o, &sp, &err), OM_ERR_USAGE);
    om_link_free(l2);
    om_outcomes_free(o);
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/om_link_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_load_counts(void **state)
{
    om_geo *g = ((fx *)*state)->g;
    char *pp = write_tmp("lopnr,sex,birth_date\n10,1,1960-01-01\n11,2,1970-05-05\n10,2,1999-01-01\n");
    char *rp = write_tmp("lopnr,year,deso\n10,2019,0114C1010\n10,2019,0114C1180\n11,2019,9999X9999\n"
                         "12,2019,0114C1010\n11,2020,0114C1180\n");
    char *tp = write_tmp("area,year,area_type\n0114R001,2019,3\n0114R999,2019,2\n0114R002,2019,\n");
    const char *res[1] = {rp}, *typ[1] = {tp};
    om_link *l = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_load(&l, g, pp, res, 1, typ, 1, NULL, &err), OM_OK);
    const om_link_load_stats *s = om_link_stats(l);
    assert_int_equal(s->persons, 2);
    assert_int_equal(s->persons_dup, 1);
    assert_int_equal(s->res_rows, 5);
    assert_int_equal(s->res_dup, 1);
    assert_int_equal(s->res_unknown_area, 1);
    assert_int_equal(s->res_unknown_id, 1);
    assert_int_equal(s->res_person_years, 2);
    assert_int_equal(s->type_rows, 3);
    assert_int_equal(s->type_unknown_area, 1);
    assert_int_equal(s->type_missing, 1);
    /* first residence row kept: person 10 in A (type 3) */
    uint32_t p = person(l, 10);
    assert_int_equal(type_of(l, p, 2020, "sos2", OM_LINK_TYPES_EXACT), 3);
    /* Event year 2021 (residence 2020): only person 11 is registered, in
     * 0114C1180 whose RegSO has no type: one person-year left out of a
     * table by type, the event counted as "no area type", no cells. */
    char *ep = write_tmp("lopnr,date,code\n11,2021-03-03,I21\n");
    om_outcomes *o = om_outcomes_new();
    assert_int_equal(om_outcomes_add(o, "all", "*", NULL, &err), OM_OK);
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    const char *ev[1] = {ep};
    sp.events = ev;
    sp.nevents = 1;
    sp.dims = OM_DIM_TYPE;
    sp.level = 0.95;
    sp.year_first = sp.year_last = 2021;
    sp.method = preset("sos2");
    sp.type_fallback = OM_LINK_TYPES_NEAREST; /* types of 2019 only: 2020 -> 2019 */
    om_rates *r = NULL;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    assert_int_equal(om_rates_total_counts(r)->pop_no_type, 1);
    assert_int_equal(om_rates_total_counts(r)->no_type, 1);
    assert_int_equal(om_rates_ncells(r), 0);
    om_rates_free(r);
    om_outcomes_free(o);
    unlink(ep);
    free(ep);
    om_link_free(l);
    /* bad input: position and what was expected */
    char *bad = write_tmp("lopnr,sex,birth_date\n10,3,1960-01-01\n");
    assert_int_equal(om_link_load(&l, g, bad, res, 1, NULL, 0, NULL, &err), OM_ERR_INPUT);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.msg, "expected sex 1 (man) or 2 (woman), found '3'"));
    unlink(pp);
    unlink(rp);
    unlink(tp);
    unlink(bad);
    free(pp);
    free(rp);
    free(tp);
    free(bad);
}

/* SCB's published table (data/scb, statistical-database export): every one
 * of the 3,363 RegSO labelled "Kommun (RegSO)" resolves, footnotes are
 * counted apart; Upplands Väsby (Bollstanäs) = 0114R001 is type 4 in 2022. */
static void test_scb_types(void **state)
{
    om_geo *g = ((fx *)*state)->g;
    const char *res[1] = {FIX "residence.csv"};
    om_link *l = NULL;
    om_error err = OM_ERROR_INIT;
    const char *typ[1] = {OM_SOURCE_DIR "/data/scb/regso-omradestyp-2022.csv"};
    assert_int_equal(om_link_load(&l, g, FIX "persons.csv", res, 1, typ, 1, NULL, &err), OM_OK);
    const om_link_load_stats *s = om_link_stats(l);
    assert_int_equal(s->type_rows - s->type_notes, 3363);
    assert_int_equal(s->type_unknown_area, 0);
    assert_int_equal(s->type_missing, 0);
    assert_true(s->type_notes > 0);
    int t0, t1;
    om_link_type_years(l, &t0, &t1);
    assert_true(t0 == 2022 && t1 == 2022);
    /* person 3: 0114C1010 in 2019; the latest (only) type year is 2022 */
    assert_int_equal(type_of(l, person(l, 3), 2020, "latest", OM_LINK_TYPES_EXACT), 4);
    om_link_free(l);
}

static void test_outcomes(void **state)
{
    (void)state;
    om_outcomes *o = om_outcomes_new();
    om_error err = OM_ERROR_INIT;
    char *cfg = write_tmp("# cardiovascular\nami: I21 I22\n\nstroke: I60,I61, I63  # ischaemic too\n");
    assert_int_equal(om_outcomes_load(o, cfg, &err), OM_OK);
    assert_int_equal(om_outcomes_count(o), 2);
    assert_string_equal(om_outcomes_name(o, 1), "stroke");
    char *bad = write_tmp("ami I21\n");
    assert_int_equal(om_outcomes_load(o, bad, &err), OM_ERR_INPUT);
    assert_int_equal(err.line, 1);
    assert_int_equal(om_outcomes_add(o, "x", " , ", NULL, &err), OM_ERR_USAGE);
    unlink(cfg);
    unlink(bad);
    free(cfg);
    free(bad);
    om_outcomes_free(o);
}

/* Event measures on tests/data/events (ami.csv), statistics year 2020 by
 * sos2 (residence 31 Dec 2019, types of 2019: DeSO 0114C1010 -> type 1,
 * 0114C1180 -> type 5).  Definitions: Socialstyrelsen's first-time AMI (no
 * AMI in the previous 7 years), incident case (new after 28 event-free
 * days) and 28-day case fatality (death on day 0..28 after the event date);
 * see src/link/rates.c.  Worked by hand, row by row:
 *   person 1: event 2020-03-01, died 2020-03-29 = day 28  -> fatal
 *   person 2: event 2020-03-01, died 2020-03-30 = day 29  -> not fatal
 *   person 3: earlier AMI 2013-05-10 = exactly 7 years     -> not first
 *   person 4: earlier AMI 2013-05-09 = 7 years and a day   -> first
 *   person 5: event and death 2020-06-01 (day 0), a duplicate row -> fatal
 *   person 6: died 2020-01-15, event 2020-02-01            -> left out of fatality
 *   person 7: 2020-01-10, 2020-02-08 (+29 d), 2020-03-07 (+28 d)
 *   person 8: 2013-02-28 before 2020-02-29: 29 Feb - 7 y = 28 Feb -> not first
 *   person 9: not registered 31 Dec 2019                   -> no residence
 *   person 10: 2012-12-31 (before the window's first day 2013-01-01), 2020-01-01
 * The code C50 selects no outcome. */
static void test_event_measures(void **state)
{
    om_geo *g = ((fx *)*state)->g;
    const char *res[1] = {OM_SOURCE_DIR "/tests/data/events/residence.csv"};
    const char *typ[1] = {OM_SOURCE_DIR "/tests/data/events/types.csv"};
    const char *ev[1] = {OM_SOURCE_DIR "/tests/data/events/ami.csv"};
    om_link *l = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_load(&l, g, OM_SOURCE_DIR "/tests/data/events/persons.csv", res, 1,
                                  typ, 1, NULL, &err),
                     OM_OK);
    om_outcomes *o = om_outcomes_new();
    assert_int_equal(om_outcomes_add(o, "ami", "I21,I22", NULL, &err), OM_OK);
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.events = ev;
    sp.nevents = 1;
    sp.dims = OM_DIM_TYPE | OM_DIM_LAN;
    sp.level = 0.95;
    sp.year_first = sp.year_last = 2020;
    sp.method = preset("sos2");
    sp.washout_years = 7;
    sp.fatality_days = 28;
    om_rates *r = NULL;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    const om_rates_counts *t = om_rates_total_counts(r);
    assert_int_equal(t->rows, 18);
    assert_int_equal(t->outside_period, 1); /* person 10's 2012-12-31 */
    assert_int_equal(t->not_selected, 1);
    assert_int_equal(t->duplicates, 1);
    assert_int_equal(t->history, 3);   /* 2013 events of persons 3, 4, 8 */
    assert_int_equal(t->not_first, 4); /* 3, 8 and person 7's second and third */
    assert_int_equal(t->no_residence, 1);
    assert_int_equal(t->linked, 7);
    assert_int_equal(t->death_before_event, 1);
    /* every row accounted for once */
    assert_int_equal(t->outside_period + t->not_selected + t->duplicates + t->history +
                         t->not_first + t->no_residence + t->no_type + t->linked,
                     t->rows);
    assert_int_equal(om_rates_ncells(r), 2);
    /* z for 95 %: Phi^-1(0.975) */
    const double z = 1.959963984540054;
    for (size_t i = 0; i < 2; i++) {
        const om_rates_cell *x = &om_rates_cells(r)[i];
        assert_int_equal(x->area, 0); /* Stockholms län, the only region here */
        /* type 1: persons 1, 2, 7, 10, fatal: 1; type 5: 4, 5, (6 left out), fatal: 5 */
        double k = 1, n = x->type == 1 ? 4 : 2;
        assert_true(x->events == (x->type == 1 ? 4 : 3));
        assert_true(x->fat_cases == n && x->fat_deaths == k);
        /* Wilson (1927) written out independently */
        double p = k / n, c = p + z * z / (2 * n), h = z * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        NEAR(x->fatality, p, 1e-15);
        NEAR(x->fatality_lower, (c - h) / (1 + z * z / n), 1e-12);
        NEAR(x->fatality_upper, (c + h) / (1 + z * z / n), 1e-12);
    }
    om_rates_free(r);
    /* Censoring (src/link/rates.c): an event is classified only when event
     * date + 28 <= the end of follow-up.  Person 5's event 2020-06-01 + 28 days
     * = 2020-06-29.  End 2020-06-30 (29 days after, N+1): kept; end
     * 2020-06-29 (exactly 28): kept; end 2020-06-28 (27): censored, although
     * the person is seen to die on day 0.  Person 4's 2020-05-10 + 28 =
     * 2020-06-07: censored too at end 2020-06-06.  Type 5 holds persons 4, 5. */
    static const struct {
        int end;
        int64_t censored;
        double cases5, deaths5;
    } fu[] = {{20200630, 0, 2, 1}, {20200629, 0, 2, 1}, {20200628, 1, 1, 0}, {20200607, 1, 1, 0},
              {20200606, 2, 0, 0}};
    for (size_t q = 0; q < sizeof fu / sizeof fu[0]; q++) {
        sp.followup_end = fu[q].end;
        assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
        t = om_rates_total_counts(r);
        assert_int_equal(t->censored, fu[q].censored);
        assert_int_equal(om_rates_outcome_counts(r, 0)->censored, fu[q].censored);
        assert_int_equal(t->death_before_event, 1); /* person 6, whatever the end */
        assert_int_equal(t->linked, 7);             /* censoring leaves the rate alone */
        for (size_t i = 0; i < om_rates_ncells(r); i++) {
            const om_rates_cell *x = &om_rates_cells(r)[i];
            if (x->type == 1) {
                /* persons 1, 2, 7, 10: events by 2020-03-01 */
                assert_true(x->fat_cases == 4 && x->fat_deaths == 1);
            } else {
                assert_true(x->fat_cases == fu[q].cases5 && x->fat_deaths == fu[q].deaths5);
                if (fu[q].cases5 == 0)
                    assert_true(isnan(x->fatality));
            }
        }
        om_rates_free(r);
    }
    sp.followup_end = 20200230; /* no such day */
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "expected the end of follow-up as a date"));
    sp.followup_end = 0;
    /* 28-day episodes: person 7's +29 d event is a new case, the +28 d one is not */
    sp.washout_years = 0;
    sp.washout_days = 28;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    t = om_rates_total_counts(r);
    assert_int_equal(t->not_first, 1);
    assert_int_equal(t->history, 0);
    assert_int_equal(t->outside_period, 4); /* the 2012-2013 events are outside 28 days */
    assert_int_equal(t->linked, 10);
    om_rates_free(r);
    /* without a washout every non-duplicate event of 2020 counts */
    sp.washout_days = 0;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    assert_int_equal(om_rates_total_counts(r)->linked, 11);
    om_rates_free(r);
    /* a washout over 30 years or in both units is a usage error */
    sp.washout_years = 31;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "expected a washout of 1 to 30 years, found 31"));
    sp.washout_years = 7;
    sp.washout_days = 28;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_ERR_USAGE);
    om_outcomes_free(o);
    om_link_free(l);
}

/* EB-smoothed RegSO rates in the barometer input (src/link/barometer.c),
 * by hand on tests/data/eb (statistics year 2020, residence 31 Dec 2019):
 * 0114R001 10 persons 0 events, 0114R002 10 persons 10 events, 0115R001 10
 * persons 5 events.  Marshall (1991) method of moments: m = sum e / sum p,
 * p_bar = sum p / n, s2 = sum p (r - m)^2 / sum p - m / p_bar, C = s2 / (s2 +
 * m / p), smoothed m + C (r - m).
 * One prior (riket): m = 15/30 = 1/2, p_bar = 10, s2 = (10/4 + 10/4 + 0)/30
 * - 1/20 = 7/60, C = (7/60) / (7/60 + 3/60) = 0.7: rates 0.15, 0.85, 0.5,
 * numerators x 10 = 1.5, 8.5, 5.
 * Per kommun: 0114 {R001, R002}: m = 1/2, s2 = 5/20 - 1/20 = 0.2, C = 0.8:
 * 0.1, 0.9 -> 1, 9; 0115 alone: s2 = 0 - 1/20 < 0 -> 0, the kommun rate 0.5
 * -> 5. */
static void test_barometer_eb(void **state)
{
    om_geo *g = ((fx *)*state)->g;
    const char *res[1] = {OM_SOURCE_DIR "/tests/data/eb/residence.csv"};
    const char *ev[1] = {OM_SOURCE_DIR "/tests/data/eb/ami.csv"};
    om_link *l = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_load(&l, g, OM_SOURCE_DIR "/tests/data/eb/persons.csv", res, 1, NULL, 0, NULL, &err),
                     OM_OK);
    om_outcomes *o = om_outcomes_new();
    assert_int_equal(om_outcomes_add(o, "ami", "I21", NULL, &err), OM_OK);
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.events = ev;
    sp.nevents = 1;
    sp.dims = OM_DIM_REGSO | OM_DIM_YEAR;
    sp.level = 0.95;
    sp.year_first = sp.year_last = 2020;
    sp.method = preset("sos2");
    om_rates *r = NULL;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    static const char *const code[3] = {"0114R001", "0114R002", "0115R001"};
    static const double want[2][3] = {{1.5, 8.5, 5}, {1, 9, 5}};
    for (int v = 0; v < 3; v++) {
        sp.barometer_eb = v == 0 ? OM_EB_NONE : v == 1 ? OM_EB_RIKET : OM_EB_KOMMUN;
        char *buf = NULL;
        size_t len = 0;
        FILE *fp = open_memstream(&buf, &len);
        assert_non_null(fp);
        assert_int_equal(om_rates_write_barometer(fp, r, NULL, g, o, &sp, &err), OM_OK);
        fclose(fp);
        int found = 0;
        for (int i = 0; i < 3; i++) {
            char key[64];
            snprintf(key, sizeof key, "regso,%s,2020,ami_eb_per100k,total,total,total,", code[i]);
            const char *p = strstr(buf, key);
            if (v == 0) {
                assert_null(p);
                continue;
            }
            assert_non_null(p);
            char *end;
            double num = strtod(p + strlen(key), &end);
            NEAR(num, want[v - 1][i], 1e-12);
            assert_true(*end == ',' && strtod(end + 1, NULL) == 10);
            found++;
        }
        /* the smoothed rate only at RegSO level */
        assert_null(strstr(buf, "kommun,0114,2020,ami_eb"));
        assert_int_equal(found, v == 0 ? 0 : 3);
        free(buf);
    }
    om_rates_free(r);
    om_outcomes_free(o);
    om_link_free(l);
}

/* Intervals and the ISR of the barometer input (tests/data/eb; worked in
 * tests/cli/rates-barometer-isr): every person is 70-74, five men and five
 * women per RegSO; events men 0, 5, 2, women 0, 5, 3.  Reference rates
 * 7/15 (men) and 8/15 (women), so each RegSO expects 5 events: ISR 0/5,
 * 10/5, 5/5, kommun 0114 10/10.  Limits computed here independently:
 * Garwood's exact upper limit at 0 events is chi2(0.975; 2)/2 = -ln 0.025;
 * Byar's approximation (Breslow & Day 1987, p. 69) from 10 events. */
static void byar(double o, double *lo, double *hi)
{
    const double z = 1.959963984540054;
    *lo = o * pow(1 - 1 / (9 * o) - z / (3 * sqrt(o)), 3);
    *hi = (o + 1) * pow(1 - 1 / (9 * (o + 1)) + z / (3 * sqrt(o + 1)), 3);
}

static void row(const char *buf, const char *key, double *v)
{
    const char *p = strstr(buf, key);
    assert_non_null(p);
    p += strlen(key);
    for (int k = 0; k < 4; k++) {
        char *end;
        v[k] = *p == ',' || *p == '\n' ? NAN : strtod(p, &end);
        if (!isnan(v[k]))
            p = end;
        assert_true(*p == (k < 3 ? ',' : '\n'));
        p++;
    }
}

static void test_barometer_isr(void **state)
{
    om_geo *g = ((fx *)*state)->g;
    const char *res[1] = {OM_SOURCE_DIR "/tests/data/eb/residence.csv"};
    const char *ev[1] = {OM_SOURCE_DIR "/tests/data/eb/ami.csv"};
    om_link *l = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_load(&l, g, OM_SOURCE_DIR "/tests/data/eb/persons.csv", res, 1, NULL, 0, NULL, &err),
                     OM_OK);
    om_outcomes *o = om_outcomes_new();
    assert_int_equal(om_outcomes_add(o, "ami", "I21", NULL, &err), OM_OK);
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.events = ev;
    sp.nevents = 1;
    sp.dims = OM_DIM_REGSO | OM_DIM_YEAR;
    sp.level = 0.95;
    sp.year_first = sp.year_last = 2020;
    sp.method = preset("sos2");
    sp.barometer_isr = true;
    om_rates *r = NULL, *ba = NULL;
    assert_int_equal(om_rates_run(&r, l, o, &sp, &err), OM_OK);
    /* the ISR needs the age x sex table */
    FILE *np = fopen("/dev/null", "w");
    assert_int_equal(om_rates_write_barometer(np, r, NULL, g, o, &sp, &err), OM_ERR_USAGE);
    fclose(np);
    assert_int_equal(om_rates_run_isr_reference(&ba, l, o, &sp, &err), OM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    assert_non_null(fp);
    assert_int_equal(om_rates_write_barometer(fp, r, ba, g, o, &sp, &err), OM_OK);
    fclose(fp);
    static const char head[] = "level,code,year,indicator,sex,age,born,numerator,denominator,lower,upper\n";
    assert_true(strncmp(buf, head, sizeof head - 1) == 0);
    double v[4], lo, hi;
    row(buf, "regso,0114R001,2020,ami_isr,total,total,total,", v);
    NEAR(v[0], 0, 0);
    NEAR(v[1], 5, 1e-12);
    NEAR(v[2], 0, 0);
    NEAR(v[3], -log(0.025) / 5, 1e-12);
    row(buf, "regso,0114R002,2020,ami_isr,total,total,total,", v);
    byar(10, &lo, &hi);
    NEAR(v[0], 10, 0);
    NEAR(v[1], 5, 1e-12);
    NEAR(v[2], lo / 5, 1e-12);
    NEAR(v[3], hi / 5, 1e-12);
    row(buf, "kommun,0114,2020,ami_isr,total,total,total,", v);
    NEAR(v[0], 10, 0);
    NEAR(v[1], 10, 1e-12);
    NEAR(v[2], lo / 10, 1e-12);
    row(buf, "regso,0114R001,2020,ami_per100k,total,total,total,", v);
    NEAR(v[0], 0, 0);
    NEAR(v[1], 10, 0);
    NEAR(v[2], 0, 0);
    NEAR(v[3], -log(0.025) / 10, 1e-12);
    /* riket: 15 observed, 15 expected */
    row(buf, "riket,00,2020,ami_isr,total,total,total,", v);
    byar(15, &lo, &hi);
    NEAR(v[1], 15, 1e-12);
    NEAR(v[2], lo / 15, 1e-12);
    NEAR(v[3], hi / 15, 1e-12);
    free(buf);
    om_rates_free(ba);
    om_rates_free(r);
    om_outcomes_free(o);
    om_link_free(l);
}

/* om_codemap (DeSO/RegSO/ICD codes packed into two words): every string
 * of length 0..18 over a 3-letter alphabet with a NUL (to 5 characters,
 * then padded variants) gets back the value it was given, and absent
 * strings give -1; the reference is a plain list searched with memcmp. */
static void test_codemap(void **state)
{
    (void)state;
    enum { MAXK = 3000 };
    static char keys[MAXK][20];
    static size_t lens[MAXK];
    size_t nk = 0;
    const char alpha[4] = {'a', 'B', '0', '\0'};
    for (size_t len = 0; len <= 18; len++) {
        size_t combos = len <= 5 ? 1 : 0;
        for (size_t k = 0; k < len && combos; k++)
            combos *= 4;
        if (len > 5)
            combos = 64; /* long codes: vary the first and last three bytes */
        for (size_t v = 0; v < combos && nk < MAXK; v++) {
            size_t x = v;
            for (size_t k = 0; k < len; k++) {
                bool vary = len <= 5 || k < 3 || k >= len - 3;
                keys[nk][k] = vary ? alpha[x % 4] : 'Z';
                if (vary)
                    x /= 4;
            }
            lens[nk++] = len;
        }
    }
    om_codemap m;
    assert_int_equal(om_codemap_init(&m, 4), OM_OK); /* grows */
    for (size_t i = 0; i < nk; i += 2) /* even ones in, odd ones absent */
        assert_int_equal(om_codemap_put(&m, keys[i], lens[i], (int32_t)i), OM_OK);
    for (size_t i = 0; i < nk; i++) {
        int32_t want = -1;
        for (size_t j = 0; j < nk; j += 2)
            if (lens[j] == lens[i] && memcmp(keys[j], keys[i], lens[i]) == 0) {
                want = (int32_t)j;
                break;
            }
        om_code_key k = om_code_key_of(keys[i], lens[i]);
        assert_int_equal(om_codemap_get(&m, k, keys[i], lens[i]), want);
    }
    /* a later put replaces the value */
    assert_int_equal(om_codemap_put(&m, "0114C1010", 9, 7), OM_OK);
    assert_int_equal(om_codemap_put(&m, "0114C1010", 9, 8), OM_OK);
    assert_int_equal(om_codemap_get(&m, om_code_key_of("0114C1010", 9), "0114C1010", 9), 8);
    assert_int_equal(om_codemap_get(&m, om_code_key_of("0114C1011", 9), "0114C1011", 9), -1);
    om_codemap_free(&m);
}

/* Ids: the word-at-a-time parser against strtoull on random strings of
 * 0-20 characters, mostly digits with now and then a byte next to the
 * digits in ASCII ('/', ':'), a sign, a space or a high byte, at every
 * position and length (the 8-16 digit path and the byte loop). */
static void test_parse_ids(void **state)
{
    (void)state;
    static const char odd[] = "/:+- \x80\xFF";
    char buf[32];
    uint32_t seed = 99;
    for (int round = 0; round < 200000; round++) {
        seed = seed * 1103515245u + 12345u;
        size_t n = (seed >> 16) % 21;
        for (size_t i = 0; i < n; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned r = (seed >> 16) % 200;
            buf[i] = r < 2 ? odd[(seed >> 8) % (sizeof odd - 1)] : (char)('0' + r % 10);
        }
        buf[n] = '\0';
        bool digits = n > 0 && n <= 19;
        for (size_t i = 0; i < n; i++)
            digits = digits && buf[i] >= '0' && buf[i] <= '9';
        uint64_t v = 7;
        bool ok = om_link_parse_u64(buf, n, &v);
        assert_int_equal(ok, digits);
        assert_int_equal(om_link_valid_u64(buf, n), digits);
        if (ok)
            assert_true(v == strtoull(buf, NULL, 10));
    }
    uint64_t v;
    assert_true(om_link_parse_u64("9999999999999999999", 19, &v) && v == 9999999999999999999ull);
    assert_true(om_link_parse_u64("0000000000001", 13, &v) && v == 1);
    assert_false(om_link_parse_u64("12345678901234567890", 20, &v));
    assert_true(om_link_valid_u64("9999999999999999999", 19));
    assert_false(om_link_valid_u64("12345678901234567890", 20));
    assert_false(om_link_valid_u64("", 0));
}
/* Repeated person-years when the repeats fall in other threads' slices:
 * every person-year of the first half is repeated in the second half with
 * another DeSO, read on 8 threads.  The repeats are counted exactly (rows
 * kept minus cells filled, whatever the interleaving), and each cell holds
 * one of its two codes. */
static void test_load_repeats_threads(void **state)
{
    om_geo *g = ((fx *)*state)->g;
    enum { NP = 2000 };
    char *pb = malloc(NP * 32 + 64), *rb = malloc(2 * NP * 32 + 64);
    assert_non_null(pb);
    assert_non_null(rb);
    size_t pw = (size_t)sprintf(pb, "lopnr,sex,birth_date\n"), rw = (size_t)sprintf(rb, "lopnr,year,deso\n");
    for (int i = 0; i < NP; i++)
        pw += (size_t)sprintf(pb + pw, "%d,1,1960-01-01\n", 1000 + i);
    for (int half = 0; half < 2; half++)
        for (int i = 0; i < NP; i++)
            rw += (size_t)sprintf(rb + rw, "%d,2019,%s\n", 1000 + i, half ? "0114C1180" : "0114C1010");
    char *pp = write_tmp(pb), *rp = write_tmp(rb);
    const char *res[1] = {rp};
    om_link_options opt;
    memset(&opt, 0, sizeof opt);
    opt.threads = 8;
    om_link *l = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_load(&l, g, pp, res, 1, NULL, 0, &opt, &err), OM_OK);
    const om_link_load_stats *s = om_link_stats(l);
    assert_int_equal(s->res_rows, 2 * NP);
    assert_int_equal(s->res_person_years, NP);
    assert_int_equal(s->res_dup, NP);
    assert_int_equal(s->res_unknown_area + s->res_unknown_id, 0);
    om_link_plan plan;
    om_link_method m = {0, 0};
    assert_int_equal(om_link_plan_year(l, m, 2019, OM_LINK_TYPES_UNUSED, &plan, &err), OM_OK);
    int32_t a = om_geo_find(g, OM_LEVEL_DESO, "0114C1010", 9), b = om_geo_find(g, OM_LEVEL_DESO, "0114C1180", 9);
    for (uint32_t p = 0; p < NP; p++) {
        int t;
        int32_t x = om_link_area(l, p, &plan, &t, NULL);
        assert_true(x == a || x == b);
    }
    om_link_free(l);
    unlink(pp);
    unlink(rp);
    free(pp);
    free(rp);
    free(pb);
    free(rb);
}

/* Residence rows repeating the previous row's id text skip its parse
 * (res_slice): ids of 7-17 digits whose neighbours differ in one byte at
 * the start, the middle or the end, each on two rows (2018 in A, 2019 in
 * B, with A and B alternating by person), must each land on their own
 * person; and an id whose text differs from the previous one only in a
 * non-digit is still an error. */
static void test_residence_repeated_ids(void **state)
{
    om_geo *g = ((fx *)*state)->g;
    static const char *const ids[] = {
        "1234567",          "1234568",          "12345678",          "12345679",
        "22345678",         "123456789012",     "123456789013",      "223456789012",
        "123406789012",     "1234567890123456", "1234567890123457",  "2234567890123456",
        "12345678901234567", "12345678901234568", "123456789",        "223456789"};
    enum { NP = sizeof ids / sizeof *ids };
    const char *code[2] = {"0114C1010", "0114C1180"};
    char pb[2048], rb[4096];
    size_t pw = (size_t)sprintf(pb, "lopnr,sex,birth_date\n"), rw = (size_t)sprintf(rb, "lopnr,year,deso\n");
    for (int i = 0; i < NP; i++) {
        pw += (size_t)sprintf(pb + pw, "%s,1,1960-01-01\n", ids[i]);
        rw += (size_t)sprintf(rb + rw, "%s,2018,%s\n%s,2019,%s\n", ids[i], code[i & 1], ids[i], code[!(i & 1)]);
    }
    char *pp = write_tmp(pb), *rp = write_tmp(rb);
    const char *res[1] = {rp};
    om_link_options opt;
    memset(&opt, 0, sizeof opt);
    opt.threads = 1;
    om_link *l = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_link_load(&l, g, pp, res, 1, NULL, 0, &opt, &err), OM_OK);
    const om_link_load_stats *s = om_link_stats(l);
    assert_int_equal(s->res_person_years, 2 * NP);
    assert_int_equal(s->res_dup + s->res_unknown_area + s->res_unknown_id, 0);
    int32_t a[2] = {om_geo_find(g, OM_LEVEL_DESO, code[0], 9), om_geo_find(g, OM_LEVEL_DESO, code[1], 9)};
    for (int y = 2018; y <= 2019; y++) {
        om_link_plan plan;
        om_link_method m = {0, 0};
        assert_int_equal(om_link_plan_year(l, m, y, OM_LINK_TYPES_UNUSED, &plan, &err), OM_OK);
        for (uint32_t p = 0; p < NP; p++) {
            int t;
            assert_int_equal(om_link_area(l, p, &plan, &t, NULL), a[(p & 1) ^ (y == 2019)]);
        }
    }
    om_link_free(l);
    unlink(rp);
    free(rp);
    /* "12345678901x" after "123456789012": the same length, one byte off */
    rp = write_tmp("lopnr,year,deso\n123456789012,2018,0114C1010\n12345678901x,2018,0114C1010\n");
    res[0] = rp;
    l = NULL;
    assert_int_not_equal(om_link_load(&l, g, pp, res, 1, NULL, 0, &opt, &err), OM_OK);
    assert_non_null(strstr(err.msg, "integer id"));
    om_link_free(l);
    unlink(pp);
    unlink(rp);
    free(pp);
    free(rp);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_parse_ids),
        cmocka_unit_test(test_codemap),
        cmocka_unit_test_setup_teardown(test_methods, setup, teardown),
        cmocka_unit_test(test_method_names),
        cmocka_unit_test_setup_teardown(test_compare, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rates_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_repeats_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_residence_repeated_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_scb_types, setup, teardown),
        cmocka_unit_test(test_outcomes),
        cmocka_unit_test_setup_teardown(test_event_measures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_barometer_eb, setup, teardown),
        cmocka_unit_test_setup_teardown(test_barometer_isr, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

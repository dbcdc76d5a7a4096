/* Survival after the counted events of omrade rates (src/link/rates_km.c)
 * on tests/data/events (statistics year 2020 by sos2, first events after a
 * 7-year washout; types of 2019: type 1 holds persons 1, 2, 7, 10 and type
 * 5 persons 4, 5, 6).  Every expected value is worked out by hand below
 * from the fixture's dates; standard errors and limits are Greenwood's and
 * the log-log form written out here, not taken from om_stats_km.
 *
 * Follow-up from the event date (day 0) to the death date:
 *   person 1: 2020-03-01 -> died 2020-03-29: day 28
 *   person 2: 2020-03-01 -> died 2020-03-30: day 29
 *   person 7: 2020-01-10, alive: censored at the end of follow-up
 *   person 10: 2020-01-01, alive: censored at the end
 *   person 4: 2020-05-10, alive: censored at the end
 *   person 5: 2020-06-01 -> died the same day: day 0
 *   person 6: died 2020-01-15 before the event 2020-02-01: left out
 * End 2020-12-31 (the default): person 7 censored at day 356, person 10 at
 * 365 (2020 is a leap year), person 4 at 235. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"

#include "omrade/link.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EV OM_SOURCE_DIR "/tests/data/events/"
#define NEAR(a, b, tol) assert_true(fabs((a) - (b)) <= (tol))

static const double Z95 = 1.959963984540054; /* Phi^-1(0.975) */

typedef struct {
    om_geo *g;
    om_link *l;
    om_outcomes *o;
} fx;

static int setup(void **state)
{
    fx *f = calloc(1, sizeof *f);
    om_error err = OM_ERROR_INIT;
    const char *res[1] = {EV "residence.csv"}, *typ[1] = {EV "types.csv"};
    if (om_geo_new_builtin(&f->g, &err) != OM_OK ||
        om_link_load(&f->l, f->g, EV "persons.csv", res, 1, typ, 1, NULL, &err) != OM_OK)
        return -1;
    f->o = om_outcomes_new();
    if (om_outcomes_add(f->o, "ami", "I21,I22", NULL, &err) != OM_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fx *f = *state;
    om_outcomes_free(f->o);
    om_link_free(f->l);
    om_geo_free(f->g);
    free(f);
    return 0;
}

static const char *ev_files[1] = {EV "ami.csv"};

static om_rates_spec base_spec(void)
{
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.events = ev_files;
    sp.nevents = 1;
    sp.dims = OM_DIM_TYPE | OM_DIM_LAN;
    sp.level = 0.95;
    sp.year_first = sp.year_last = 2020;
    sp.method = om_link_preset_find("sos2")->method;
    sp.washout_years = 7;
    sp.survival = true;
    return sp;
}

/* the cell of area type t (NULL if none) */
static const om_rates_cell *cell_of(const om_rates *r, int t, size_t *idx)
{
    for (size_t i = 0; i < om_rates_ncells(r); i++)
        if (om_rates_cells(r)[i].type == t) {
            *idx = i;
            return &om_rates_cells(r)[i];
        }
    return NULL;
}

/* One Kaplan-Meier step checked against S and Greenwood's sum gw written
 * out by hand; log-log limits S^exp(-+z sqrt(gw) / |log S|) (Kalbfleisch &
 * Prentice 2002). */
static void check_step(const om_km_step *s, double t, double r, double d, double S, double gw)
{
    NEAR(s->time, t, 0);
    NEAR(s->at_risk, r, 0);
    NEAR(s->events, d, 0);
    NEAR(s->surv, S, 1e-15);
    NEAR(s->se, S * sqrt(gw), 1e-15);
    double h = Z95 * sqrt(gw) / fabs(log(S));
    NEAR(s->lower, pow(S, exp(h)), 1e-12);
    NEAR(s->upper, pow(S, exp(-h)), 1e-12);
}

static void test_km_by_hand(void **state)
{
    fx *f = *state;
    om_rates_spec sp = base_spec();
    om_rates *r = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_rates_run(&r, f->l, f->o, &sp, &err), OM_OK);
    size_t i1, i5;
    assert_non_null(cell_of(r, 1, &i1));
    assert_non_null(cell_of(r, 5, &i5));
    /* type 1: 4 cases; deaths on days 28 and 29; censored 356 and 365 */
    const om_rates_km_group *g = om_rates_km_cell(r, i1);
    assert_non_null(g);
    assert_true(g->cases == 4 && g->deaths == 2 && g->tmax == 365);
    assert_int_equal(g->nsteps, 2);
    check_step(&g->steps[0], 28, 4, 1, 0.75, 1.0 / (4 * 3));
    check_step(&g->steps[1], 29, 3, 1, 0.5, 1.0 / (4 * 3) + 1.0 / (3 * 2));
    /* S between and after the steps */
    om_km_step at;
    assert_true(om_rates_km_at(g, 27, &at) && at.surv == 1 && at.se == 0);
    assert_true(om_rates_km_at(g, 28, &at) && at.surv == 0.75);
    assert_true(om_rates_km_at(g, 365, &at) && at.surv == 0.5);
    assert_false(om_rates_km_at(g, 366, &at)); /* nobody followed that long */
    assert_true(isnan(at.surv));
    /* type 5: a death on day 0 (person 5) and person 4 censored at 235;
     * person 6 (died before the event) is not in the curve */
    g = om_rates_km_cell(r, i5);
    assert_non_null(g);
    assert_true(g->cases == 2 && g->deaths == 1 && g->tmax == 235);
    assert_int_equal(g->nsteps, 1);
    check_step(&g->steps[0], 0, 2, 1, 0.5, 1.0 / (2 * 1));
    assert_true(om_rates_km_at(g, 0, &at) && at.surv == 0.5);
    assert_true(om_rates_km_at(g, 235, &at) && at.surv == 0.5);
    assert_false(om_rates_km_at(g, 236, &at));
    /* all events of the outcome: days 0, 28, 29 deaths; 235, 356, 365 censored */
    g = om_rates_km_outcome(r, 0);
    assert_non_null(g);
    assert_int_equal(g->nsteps, 3);
    check_step(&g->steps[0], 0, 6, 1, 5.0 / 6, 1.0 / (6 * 5));
    check_step(&g->steps[1], 28, 5, 1, 4.0 / 6, 1.0 / (6 * 5) + 1.0 / (5 * 4));
    check_step(&g->steps[2], 29, 4, 1, 3.0 / 6, 1.0 / (6 * 5) + 1.0 / (5 * 4) + 1.0 / (4 * 3));
    const om_rates_km_counts *c = om_rates_km_counts_of(r, 0);
    assert_non_null(c);
    assert_true(c->cases == 6 && c->deaths == 3 && c->censored == 3);
    assert_true(c->death_before_event == 1 && c->after_end == 0);
    om_rates_free(r);
}

/* A death and a censoring on the same day.  End of follow-up 2020-03-29:
 * person 1 dies that day (day 28, seen); person 2's death on 2020-03-30 is
 * past the end, so person 2 is censored on day 28 too; persons 7 and 10
 * are censored on days 79 and 88.  Censorings on a death day count as at
 * risk on it (Kaplan & Meier 1958; Klein & Moeschberger 2003, sec. 4.2):
 * S(28) = 1 - 1/4 = 0.75, not 1 - 1/3.  The events of persons 4 and 5
 * (May and June) are after the end: left out and counted. */
static void test_km_ties_and_end(void **state)
{
    fx *f = *state;
    om_rates_spec sp = base_spec();
    sp.followup_end = 20200329;
    om_rates *r = NULL;
    om_error err = OM_ERROR_INIT;
    assert_int_equal(om_rates_run(&r, f->l, f->o, &sp, &err), OM_OK);
    size_t i1, i5;
    assert_non_null(cell_of(r, 1, &i1));
    assert_non_null(cell_of(r, 5, &i5)); /* in the rate, not in the survival */
    const om_rates_km_group *g = om_rates_km_cell(r, i1);
    assert_non_null(g);
    assert_true(g->cases == 4 && g->deaths == 1 && g->tmax == 88);
    assert_int_equal(g->nsteps, 1);
    check_step(&g->steps[0], 28, 4, 1, 0.75, 1.0 / (4 * 3));
    assert_null(om_rates_km_cell(r, i5));
    const om_rates_km_counts *c = om_rates_km_counts_of(r, 0);
    assert_true(c->cases == 4 && c->deaths == 1 && c->censored == 3);
    assert_true(c->after_end == 2 && c->death_before_event == 1);
    om_rates_free(r);
}

/* The two paths agree: with no event censored before day D, S(D) from the
 * curve = 1 - the D-day case fatality counted by the aggregation kernel
 * (src/link/rates.c).  D = 27, 28, 29 straddle person 1's death on day 28
 * and person 2's on day 29 (day 0 = the event day, window closed: a death
 * on day D counts).  Hand values of the fatality, type 1: D 27 -> 0 of 4,
 * 28 -> 1 of 4, 29 -> 2 of 4; type 5 (person 5, day 0): 1 of 2 always.
 * Also with 28-day episodes (--washout-days 28: person 7's second event,
 * 29 days after the first, is a new case). */
static void test_km_matches_case_fatality(void **state)
{
    fx *f = *state;
    static const struct {
        int days, washout_days;
        double deaths1;
    } cases[] = {{27, 0, 0}, {28, 0, 1}, {29, 0, 2}, {28, 28, -1}};
    for (size_t q = 0; q < sizeof cases / sizeof cases[0]; q++) {
        om_rates_spec sp = base_spec();
        sp.fatality_days = cases[q].days;
        if (cases[q].washout_days) {
            sp.washout_years = 0;
            sp.washout_days = cases[q].washout_days;
        }
        om_rates *r = NULL;
        om_error err = OM_ERROR_INIT;
        assert_int_equal(om_rates_run(&r, f->l, f->o, &sp, &err), OM_OK);
        assert_int_equal(om_rates_total_counts(r)->censored, 0);
        for (size_t i = 0; i < om_rates_ncells(r); i++) {
            const om_rates_cell *x = &om_rates_cells(r)[i];
            if (x->type == 1 && cases[q].deaths1 >= 0)
                assert_true(x->fat_cases == 4 && x->fat_deaths == cases[q].deaths1);
            if (x->type == 5 && cases[q].deaths1 >= 0)
                assert_true(x->fat_cases == 2 && x->fat_deaths == 1);
            om_km_step at;
            assert_true(om_rates_km_at(om_rates_km_cell(r, i), cases[q].days, &at));
            NEAR(at.surv, 1 - x->fatality, 1e-15);
            assert_true(om_rates_km_cell(r, i)->cases == x->fat_cases);
        }
        om_rates_free(r);
    }
}

static void test_km_spec(void **state)
{
    fx *f = *state;
    om_rates_spec sp = base_spec();
    om_rates *r = NULL;
    om_error err = OM_ERROR_INIT;
    sp.nsurv_days = 9;
    assert_int_equal(om_rates_run(&r, f->l, f->o, &sp, &err), OM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "expected at most 8 survival days, found 9"));
    sp.nsurv_days = 1;
    sp.surv_days[0] = -1;
    assert_int_equal(om_rates_run(&r, f->l, f->o, &sp, &err), OM_ERR_USAGE);
    assert_non_null(strstr(err.msg, "expected survival days 0 to 36500, found -1"));
    /* without survival there is no curve */
    sp = base_spec();
    sp.survival = false;
    assert_int_equal(om_rates_run(&r, f->l, f->o, &sp, &err), OM_OK);
    assert_null(om_rates_km_cell(r, 0));
    assert_null(om_rates_km_outcome(r, 0));
    assert_null(om_rates_km_counts_of(r, 0));
    om_rates_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_km_by_hand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_km_ties_and_end, setup, teardown),
        cmocka_unit_test_setup_teardown(test_km_matches_case_fatality, setup, teardown),
        cmocka_unit_test_setup_teardown(test_km_spec, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

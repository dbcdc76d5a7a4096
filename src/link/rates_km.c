/* Survival after the counted events of omrade rates: Kaplan-Meier curves
 * per cell (area type, region, year, sex, ...) from the event date to the
 * death date.
 *
 * Which events: those the rate counts, after the washout (--first-event),
 * so a curve describes the same cases as the rate and the case fatality.
 * Time: death date - event date in days (day 0 = the event day, a death on
 * the event day has time 0).  Censoring: a person not seen to die is
 * censored at the end of follow-up (spec.followup_end, default 31 Dec of the
 * last event year), the last day the death dates cover; a death after that
 * day is not seen and censored there too.  The registers read by omrade
 * carry no emigration dates, so persons who leave the country are followed
 * to the end of follow-up (as alive unless a death is recorded).  Left out
 * and counted: events of persons whose recorded death precedes the event
 * (register errors, as in the case fatality) and events after the end of
 * follow-up.
 *
 * Estimator: om_stats_km (src/stats/km.c), Kaplan EL, Meier P (1958), J Am
 * Stat Assoc 53:457-481, with Greenwood's (1926) variance and log-log
 * limits (Kalbfleisch & Prentice 2002).  Ties: a censoring on a day with
 * deaths counts as at risk on that day (censorings after deaths; Kaplan &
 * Meier 1958, sec. 2; Klein & Moeschberger 2003, sec. 4.2).
 *
 * Day counting (day 0 = the event date) as in the case fatality, whose
 * sources are in rates.c and docs/rates.md ("Where the day counting comes
 * from"): Socialstyrelsen's published texts found do not state it; the
 * Swedish register studies (Rosén et al. 2000, J Intern Med 248:159-164;
 * PubMed 15246134) split the fatality into the day of the event, days 1-28
 * and days 29-365.
 *
 * Agreement with the case fatality: when no event is censored before day D,
 * S(D) = 1 - (deaths on days 0..D) / cases = 1 - the D-day case fatality of
 * the same events (tests/unit/link/test_rates_km.c checks both paths). */
#define _POSIX_C_SOURCE 200809L
#include "rates_km.h"

#include "omrade/csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct rates_km {
    size_t ncells, noutcome;
    om_rates_km_group *g; /* ncells cells, then noutcome outcome totals */
    om_km_step *steps;
    om_rates_km_counts *cnt; /* per outcome */
};

bool om_rates_km_push(rates_km_buf *b, size_t cell, int o, int64_t eday, int32_t death_day, int32_t fu_end)
{
    if ((int64_t)death_day < eday) {
        b->death_before[o]++;
        return true;
    }
    if (eday > (int64_t)fu_end) {
        b->after_end[o]++;
        return true;
    }
    if (b->n == b->cap && om_grow(&b->v, &b->cap, b->n + 1, sizeof *b->v, 1024, NULL) != OM_OK)
        return false;
    bool died = death_day <= fu_end;
    rates_km_rec *r = &b->v[b->n++];
    r->cell = (uint32_t)cell;
    r->outcome = (uint8_t)o;
    r->event = died;
    r->time = (int32_t)((died ? (int64_t)death_day : (int64_t)fu_end) - eday);
    return true;
}

void om_rates_km_buf_free(rates_km_buf *b)
{
    free(b->v);
    b->v = NULL;
    b->n = b->cap = 0;
}

void om_rates_km_free(rates_km *k)
{
    if (!k)
        return;
    free(k->g);
    free(k->steps);
    free(k->cnt);
    free(k);
}

om_status om_rates_km_check(const om_rates_spec *spec, om_error *err)
{
    if (spec->nsurv_days < 0 || spec->nsurv_days > 8)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at most 8 survival days, found %d",
                            spec->nsurv_days);
    for (int i = 0; i < spec->nsurv_days; i++)
        if (spec->surv_days[i] < 0 || spec->surv_days[i] > 36500)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected survival days 0 to 36500, found %d", spec->surv_days[i]);
    return OM_OK;
}

static int by_cell(const void *x, const void *y)
{
    const rates_km_rec *a = x, *b = y;
    if (a->cell != b->cell)
        return a->cell < b->cell ? -1 : 1;
    return (a->time > b->time) - (a->time < b->time);
}

static int by_outcome(const void *x, const void *y)
{
    const rates_km_rec *a = x, *b = y;
    if (a->outcome != b->outcome)
        return a->outcome < b->outcome ? -1 : 1;
    return (a->time > b->time) - (a->time < b->time);
}

typedef struct {
    double *t;
    bool *e;
    om_km_step *st;
    size_t cap;
    om_km_step *steps; /* all groups */
    size_t nsteps, capsteps;
} work;

/* The curve of recs[0..n-1] into group g; its steps appended to w->steps
 * (g->steps holds the offset until the end). */
static om_status group_km(work *w, const rates_km_rec *recs, size_t n, om_rates_km_group *g, double level,
                          om_error *err)
{
    void *const cols[] = {&w->t, &w->e, &w->st};
    const size_t sizes[] = {sizeof *w->t, sizeof *w->e, sizeof *w->st};
    om_status gs = om_grow_all(cols, sizes, 3, &w->cap, n, 256, err);
    if (gs != OM_OK)
        return gs;
    g->cases = (double)n;
    g->deaths = 0;
    g->tmax = 0;
    for (size_t i = 0; i < n; i++) {
        w->t[i] = recs[i].time;
        w->e[i] = recs[i].event;
        g->deaths += recs[i].event;
        if (recs[i].time > g->tmax)
            g->tmax = recs[i].time;
    }
    size_t k = 0;
    om_status s = om_stats_km(n, w->t, w->e, level, true, w->st, &k, err);
    if (s != OM_OK)
        return s;
    if ((s = om_grow(&w->steps, &w->capsteps, w->nsteps + k, sizeof *w->steps, 256, err)) != OM_OK)
        return s;
    if (k)
        memcpy(w->steps + w->nsteps, w->st, k * sizeof *w->st);
    g->steps = (const om_km_step *)(uintptr_t)w->nsteps; /* offset, fixed below */
    g->nsteps = k;
    w->nsteps += k;
    return OM_OK;
}

om_status om_rates_km_build(rates_km **out, rates_km_buf *const *bufs, int nbuf, const int64_t *where,
                         size_t ncells, size_t noutcome, const om_rates_spec *spec, om_error *err)
{
    *out = NULL;
    size_t n = 0;
    for (int t = 0; t < nbuf; t++)
        n += bufs[t]->n;
    rates_km *k = calloc(1, sizeof *k);
    rates_km_rec *all = malloc((n ? n : 1) * sizeof *all);
    if (k) {
        k->ncells = ncells;
        k->noutcome = noutcome;
        k->g = calloc(ncells + noutcome + 1, sizeof *k->g);
        k->cnt = calloc(noutcome + 1, sizeof *k->cnt);
    }
    om_status s = OM_OK;
    if (!k || !all || !k->g || !k->cnt)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    size_t m = 0;
    for (int t = 0; t < nbuf; t++) {
        for (size_t i = 0; s == OM_OK && i < bufs[t]->n; i++) {
            all[m] = bufs[t]->v[i];
            all[m++].cell = (uint32_t)where[bufs[t]->v[i].cell]; /* a cell with events is never empty */
        }
        for (size_t o = 0; s == OM_OK && o < noutcome; o++) {
            k->cnt[o].death_before_event += bufs[t]->death_before[o];
            k->cnt[o].after_end += bufs[t]->after_end[o];
        }
        om_rates_km_buf_free(bufs[t]);
    }
    work w;
    memset(&w, 0, sizeof w);
    if (s == OM_OK) {
        qsort(all, n, sizeof *all, by_cell);
        for (size_t i = 0, j; s == OM_OK && i < n; i = j) {
            for (j = i; j < n && all[j].cell == all[i].cell; j++)
                ;
            s = group_km(&w, all + i, j - i, &k->g[all[i].cell], spec->level, err);
        }
    }
    if (s == OM_OK) {
        qsort(all, n, sizeof *all, by_outcome);
        for (size_t i = 0, j; s == OM_OK && i < n; i = j) {
            for (j = i; j < n && all[j].outcome == all[i].outcome; j++)
                ;
            om_rates_km_group *g = &k->g[ncells + all[i].outcome];
            s = group_km(&w, all + i, j - i, g, spec->level, err);
            om_rates_km_counts *c = &k->cnt[all[i].outcome];
            c->cases = (int64_t)g->cases;
            c->deaths = (int64_t)g->deaths;
            c->censored = c->cases - c->deaths;
        }
    }
    free(all);
    free(w.t);
    free(w.e);
    free(w.st);
    if (s != OM_OK) {
        free(w.steps);
        om_rates_km_free(k);
        return s;
    }
    k->steps = w.steps;
    for (size_t i = 0; i < ncells + noutcome; i++)
        k->g[i].steps = k->g[i].nsteps > 0 ? k->steps + (uintptr_t)k->g[i].steps : NULL;
    *out = k;
    return OM_OK;
}

const om_rates_km_group *om_rates_km_cell(const om_rates *r, size_t cell)
{
    const rates_km *k = om_rates_km_(r);
    if (!k || cell >= k->ncells || !(k->g[cell].cases > 0))
        return NULL;
    return &k->g[cell];
}

const om_rates_km_group *om_rates_km_outcome(const om_rates *r, size_t outcome)
{
    const rates_km *k = om_rates_km_(r);
    if (!k || outcome >= k->noutcome || !(k->g[k->ncells + outcome].cases > 0))
        return NULL;
    return &k->g[k->ncells + outcome];
}

const om_rates_km_counts *om_rates_km_counts_of(const om_rates *r, size_t outcome)
{
    const rates_km *k = om_rates_km_(r);
    return k && outcome < k->noutcome ? &k->cnt[outcome] : NULL;
}

bool om_rates_km_at(const om_rates_km_group *g, double day, om_km_step *out)
{
    out->time = day;
    out->at_risk = out->events = out->censored = NAN;
    out->surv = out->se = out->lower = out->upper = NAN;
    if (!g || !(day >= 0))
        return false;
    /* the last step at or before day (steps ascend in time) */
    size_t lo = 0, hi = g->nsteps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->steps[mid].time <= day)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* beyond the longest follow-up S is unknown unless it already reached 0 */
    if (day > g->tmax && !(lo > 0 && g->steps[lo - 1].surv == 0))
        return false;
    if (lo == 0) {
        out->surv = 1;
        out->se = 0;
        return true;
    }
    *out = g->steps[lo - 1];
    out->time = day;
    return true;
}

static void put(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

void om_rates_write_km(FILE *fp, const om_rates_out *x)
{
    om_rates_out_dims_header_(fp, x->spec->dims);
    fputs(",cases,time,at_risk,events,censored,surv,se,lower,upper,note\n", fp);
    const om_rates_cell *cells = om_rates_cells(x->rates);
    for (size_t i = 0; i < om_rates_ncells(x->rates); i++) {
        const om_rates_km_group *g = om_rates_km_cell(x->rates, i);
        if (!g)
            continue;
        if (g->nsteps == 0) {
            om_rates_out_dims_(fp, x, &cells[i]);
            put(fp, g->cases);
            fputc(',', fp);
            put(fp, g->cases);
            put(fp, 0);
            put(fp, g->cases);
            put(fp, 1);
            fputs(",,,,no deaths\n", fp);
        }
        for (size_t j = 0; j < g->nsteps; j++) {
            const om_km_step *st = &g->steps[j];
            om_rates_out_dims_(fp, x, &cells[i]);
            put(fp, g->cases);
            put(fp, st->time);
            put(fp, st->at_risk);
            put(fp, st->events);
            put(fp, st->censored);
            put(fp, st->surv);
            put(fp, st->se);
            put(fp, st->lower);
            put(fp, st->upper);
            fputs(",\n", fp);
        }
    }
}

static void kv(FILE *fp, const char *key, const char *outcome, double v)
{
    fputs(key, fp);
    fputc(',', fp);
    om_csv_write_str(fp, outcome);
    put(fp, v);
    fputc('\n', fp);
}

void om_rates_km_summary(FILE *fp, const om_rates_out *x)
{
    const om_rates_spec *sp = x->spec;
    static const int def[2] = {28, 365};
    const int *days = sp->nsurv_days ? sp->surv_days : def;
    int nd = sp->nsurv_days ? sp->nsurv_days : 2;
    fputs("survival_days,,", fp);
    for (int i = 0; i < nd; i++)
        fprintf(fp, "%s%d", i ? " " : "", days[i]);
    fputc('\n', fp);
    if (!sp->fatality_days) { /* else written with the case fatality */
        int e = sp->followup_end ? sp->followup_end : x->year_last * 10000 + 1231;
        fprintf(fp, "followup_end,,%04d-%02d-%02d\n", e / 10000, e / 100 % 100, e % 100);
    }
    for (size_t o = 0; o < om_outcomes_count(x->outcomes); o++) {
        const char *name = om_outcomes_name(x->outcomes, o);
        const om_rates_km_counts *c = om_rates_km_counts_of(x->rates, o);
        if (!c)
            continue;
        kv(fp, "survival_cases", name, (double)c->cases);
        kv(fp, "survival_deaths", name, (double)c->deaths);
        kv(fp, "survival_censored", name, (double)c->censored);
        kv(fp, "survival_death_before_event", name, (double)c->death_before_event);
        kv(fp, "survival_after_followup_end", name, (double)c->after_end);
        const om_rates_km_group *g = om_rates_km_outcome(x->rates, o);
        for (int i = 0; i < nd; i++) {
            om_km_step st;
            om_rates_km_at(g, days[i], &st);
            char key[64];
            snprintf(key, sizeof key, "survival_%dd", days[i]);
            kv(fp, key, name, st.surv);
            snprintf(key, sizeof key, "survival_%dd_lower", days[i]);
            kv(fp, key, name, st.lower);
            snprintf(key, sizeof key, "survival_%dd_upper", days[i]);
            kv(fp, key, name, st.upper);
        }
    }
}

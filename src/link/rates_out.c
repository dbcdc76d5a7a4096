/* The outputs of omrade rates (omrade/link.h, om_rates_write_*): the cells
 * as CSV or a fixed-width table, SII/RII across area types, and the summary
 * of where every input row went.  Each row names the linkage method and the
 * years its plan used (docs/rates.md). */
#include "rates_km.h"

#include "omrade/csv.h"
#include "omrade/formats.h"
#include "omrade/link.h"
#include "omrade/stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static void put(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static om_level geo_level(unsigned dims)
{
    return dims & OM_DIM_REGSO ? OM_LEVEL_REGSO : dims & OM_DIM_KOMMUN ? OM_LEVEL_KOMMUN : OM_LEVEL_LAN;
}

static const char *note_of(const om_rates_cell *x, bool std)
{
    if (!(x->pop > 0))
        return "no population at risk";
    if (std && x->dsr_note == OM_DSR_FEW_EVENTS)
        return "dsr not reported: fewer than 10 events";
    if (std && x->dsr_note == OM_DSR_NO_POP)
        return "dsr undefined: events in an age band with no population";
    return "";
}

/* The years a cell used: its statistics year's plan, or the range over the
 * plans of every year when the cell spans years ("2019-2020"). */
static void range_text(char *buf, size_t size, int lo, int hi)
{
    if (!lo)
        buf[0] = 0;
    else if (lo == hi)
        snprintf(buf, size, "%d", lo);
    else
        snprintf(buf, size, "%d-%d", lo, hi);
}

static void put_plan_cols(FILE *fp, const om_rates *r, int year, int yf, int yl)
{
    int a = year >= 0 ? year : yf, b = year >= 0 ? year : yl;
    int rlo = 0, rhi = 0, tlo = 0, thi = 0, wlo = 0, whi = 0;
    bool latest = false;
    for (int y = a; y <= b; y++) {
        const om_link_plan *p = om_rates_plan(r, y);
        if (!p)
            continue;
        latest = p->residence_latest;
        if (!rlo || p->residence_year < rlo)
            rlo = p->residence_year;
        if (p->residence_year > rhi)
            rhi = p->residence_year;
        if (p->type_year && (!tlo || p->type_year < tlo))
            tlo = p->type_year;
        if (p->type_year > thi)
            thi = p->type_year;
        if (p->type_year_wanted && (!wlo || p->type_year_wanted < wlo))
            wlo = p->type_year_wanted;
        if (p->type_year_wanted > whi)
            whi = p->type_year_wanted;
    }
    char rs[32], ts[32], ws[32];
    range_text(rs, sizeof rs, rlo, rhi);
    range_text(ts, sizeof ts, tlo, thi);
    range_text(ws, sizeof ws, wlo, whi);
    fprintf(fp, ",%s,%s,%s", latest ? "latest" : rs, ts, ws);
}

/* Which columns of the `rates` schema (src/io/formats.c) a run writes: the
 * dimensions of --by and the measure groups of its options; with
 * `dims_only` the columns up to the last dimension (the SII table goes on
 * with its own measures). */
typedef struct rates_cols {
    unsigned dims;
    bool fatality, dsr, rr, dims_only;
    const om_column *events; /* the schema's first measure column */
} rates_cols;

static bool rates_keep(const om_column *c, void *vctx)
{
    const rates_cols *k = vctx;
    static const struct {
        const char *name;
        unsigned dim;
    } dims[] = {{"year", OM_DIM_YEAR},     {"area_type", OM_DIM_TYPE}, {"regso", OM_DIM_REGSO},
                {"kommun", OM_DIM_KOMMUN}, {"lan", OM_DIM_LAN},        {"sex", OM_DIM_SEX},
                {"age", OM_DIM_AGE},       {"born", OM_DIM_BORN}};
    if (c < k->events) {
        for (size_t i = 0; i < sizeof dims / sizeof dims[0]; i++)
            if (strcmp(c->name, dims[i].name) == 0)
                return (k->dims & dims[i].dim) != 0;
        return true;
    }
    if (k->dims_only)
        return false;
    if (strncmp(c->name, "fatality", 8) == 0)
        return k->fatality;
    if (strncmp(c->name, "dsr", 3) == 0)
        return k->dsr;
    if (strncmp(c->name, "rr", 2) == 0)
        return k->rr;
    return true;
}

/* The header from the schema; a write error shows in the stream's error
 * flag, which om_afile_commit checks. */
static void write_header(FILE *fp, rates_cols k)
{
    const om_format *f = om_format_find(OM_FORMAT_RATES);
    size_t i = 0;
    while (i < f->ncols && strcmp(f->cols[i].name, "events") != 0)
        i++;
    k.events = &f->cols[i];
    om_error err = OM_ERROR_INIT;
    if (k.dims_only) { /* no newline: the caller's measures follow */
        size_t n = 0;
        for (size_t j = 0; j < i; j++)
            if (rates_keep(&f->cols[j], &k))
                fprintf(fp, n++ ? ",%s" : "%s", f->cols[j].name);
        return;
    }
    (void)om_format_write_header_if(f, fp, rates_keep, &k, &err);
}

static void write_dims(FILE *fp, unsigned d, const char *method, const om_outcomes *o,
                       const om_rates *r, const om_geo *g, int yf, int yl, int outcome, int year,
                       int type, int area, int sex, int age, int born)
{
    fputs(method, fp);
    put_plan_cols(fp, r, year, yf, yl);
    fputc(',', fp);
    om_csv_write_str(fp, om_outcomes_name(o, (size_t)outcome));
    if (d & OM_DIM_YEAR)
        fprintf(fp, ",%d", year);
    if (d & OM_DIM_TYPE) {
        if (type > 0)
            fprintf(fp, ",%d", type);
        else
            fputc(',', fp);
    }
    if (d & (OM_DIM_REGSO | OM_DIM_KOMMUN | OM_DIM_LAN))
        fprintf(fp, ",%s", om_geo_code(g, geo_level(d), area));
    if (d & OM_DIM_SEX)
        fputs(sex == 1 ? ",man" : ",woman", fp);
    if (d & OM_DIM_AGE)
        fprintf(fp, ",%s", om_rates_age_label(r, age));
    if (d & OM_DIM_BORN)
        fprintf(fp, ",%s", om_link_born_name(born));
}

static void write_cells_csv(FILE *fp, const om_rates_spec *sp, const char *m,
                            const om_outcomes *o, const om_rates *r, const om_geo *g, int yf,
                            int yl)
{
    unsigned d = sp->dims;
    bool std = om_rates_standard(r) != NULL;
    bool rr = (d & OM_DIM_TYPE) != 0;
    bool fat = sp->fatality_days > 0;
    write_header(fp, (rates_cols){.dims = d, .fatality = fat, .dsr = std, .rr = rr});
    for (size_t i = 0; i < om_rates_ncells(r); i++) {
        const om_rates_cell *x = &om_rates_cells(r)[i];
        write_dims(fp, d, m, o, r, g, yf, yl, x->outcome, x->year, x->type, x->area, x->sex,
                   x->age, x->born);
        put(fp, x->events);
        put(fp, x->persons);
        put(fp, x->pop);
        put(fp, x->n);
        put(fp, x->rate);
        put(fp, x->rate_lower);
        put(fp, x->rate_upper);
        put(fp, x->prop);
        put(fp, x->prop_lower);
        put(fp, x->prop_upper);
        if (fat) {
            put(fp, x->fat_cases);
            put(fp, x->fat_deaths);
            put(fp, x->fatality);
            put(fp, x->fatality_lower);
            put(fp, x->fatality_upper);
        }
        if (std) {
            put(fp, x->dsr);
            put(fp, x->dsr_lower);
            put(fp, x->dsr_upper);
        }
        if (rr) {
            put(fp, x->rr);
            put(fp, x->rr_lower);
            put(fp, x->rr_upper);
        }
        fputc(',', fp);
        om_csv_write_str(fp, note_of(x, std));
        fputc('\n', fp);
    }
}

static void fx(FILE *fp, double v, int w, int dec)
{
    char b[64];
    if (isfinite(v))
        om_fmt_fixed(b, sizeof b, v, dec);
    else
        snprintf(b, sizeof b, "-");
    fprintf(fp, " %*s", w, b);
}

static void write_cells_table(FILE *fp, const om_rates_spec *sp, const char *m,
                              const om_outcomes *o, const om_rates *r, const om_geo *g, int yf,
                              int yl)
{
    unsigned d = sp->dims;
    bool std = om_rates_standard(r) != NULL;
    fprintf(fp, "method %s (residence %s, type %s", m,
            om_link_offset_name(sp->method.residence), om_link_offset_name(sp->method.type));
    if (yf == yl) {
        const om_link_plan *p = om_rates_plan(r, yf);
        if (!p->residence_latest)
            fprintf(fp, "; residence 31 Dec %d", p->residence_year);
        if (p->type_year)
            fprintf(fp, ", area types of %d", p->type_year);
    }
    char lv[16], pb[64];
    double per = sp->per > 0 ? sp->per : 100000;
    if (per == floor(per) && per < 1e15) {
        /* thousands separated by commas, as "100,000" */
        char digits[32];
        int nd = snprintf(digits, sizeof digits, "%.0f", per), w = 0;
        for (int i = 0; i < nd; i++) {
            if (i > 0 && (nd - i) % 3 == 0)
                pb[w++] = ',';
            pb[w++] = digits[i];
        }
        pb[w] = 0;
    } else {
        snprintf(pb, sizeof pb, "%g", per);
    }
    fprintf(fp, "); rates per %s, %s %% limits\n", pb,
            om_stats_level_text(sp->level, lv, sizeof lv));
    fprintf(fp, "%-34s %10s %10s %14s %10s %10s %10s", "cell", "events", "persons", "pop", "rate",
            "lower", "upper");
    if (std)
        fprintf(fp, " %10s %10s %10s", "dsr", "lower", "upper");
    fputc('\n', fp);
    for (size_t i = 0; i < om_rates_ncells(r); i++) {
        const om_rates_cell *x = &om_rates_cells(r)[i];
        char cell[256];
        int w = snprintf(cell, sizeof cell, "%s", om_outcomes_name(o, (size_t)x->outcome));
        if (x->year >= 0)
            w += snprintf(cell + w, sizeof cell - (size_t)w, " %d", x->year);
        if (x->type > 0)
            w += snprintf(cell + w, sizeof cell - (size_t)w, " type %d", x->type);
        if (x->area >= 0)
            w += snprintf(cell + w, sizeof cell - (size_t)w, " %s",
                          om_geo_code(g, geo_level(d), x->area));
        if (x->sex > 0)
            w += snprintf(cell + w, sizeof cell - (size_t)w, " %s", x->sex == 1 ? "man" : "woman");
        if (x->age >= 0)
            w += snprintf(cell + w, sizeof cell - (size_t)w, " %s", om_rates_age_label(r, x->age));
        if (x->born >= 0)
            snprintf(cell + w, sizeof cell - (size_t)w, " %s", om_link_born_name(x->born));
        fprintf(fp, "%-34.34s", cell);
        fx(fp, x->events, 10, 0);
        fx(fp, x->persons, 10, 0);
        fx(fp, x->pop, 14, 1);
        fx(fp, x->rate, 10, 1);
        fx(fp, x->rate_lower, 10, 1);
        fx(fp, x->rate_upper, 10, 1);
        if (std) {
            fx(fp, x->dsr, 10, 1);
            fx(fp, x->dsr_lower, 10, 1);
            fx(fp, x->dsr_upper, 10, 1);
        }
        fputc('\n', fp);
    }
}

static void write_sii(FILE *fp, const om_rates_spec *sp, const char *m, const om_outcomes *o,
                      const om_rates *r, const om_geo *g, int yf, int yl)
{
    unsigned d = sp->dims & ~(unsigned)OM_DIM_TYPE;
    write_header(fp, (rates_cols){.dims = d, .dims_only = true});
    fputs(",measure,groups,sii,sii_lower,sii_upper,rii,rii_lower,rii_upper\n", fp);
    for (size_t i = 0; i < om_rates_nsii(r); i++) {
        const om_rates_sii_row *x = &om_rates_sii(r)[i];
        write_dims(fp, d, m, o, r, g, yf, yl, x->outcome, x->year, 0, x->area, x->sex, x->age,
                   x->born);
        fprintf(fp, ",%s,%d", om_rates_standard(r) ? "dsr" : "rate", x->groups);
        put(fp, x->sii);
        put(fp, x->sii_lower);
        put(fp, x->sii_upper);
        put(fp, x->rii);
        put(fp, x->rii_lower);
        put(fp, x->rii_upper);
        fputc('\n', fp);
    }
}

static void kv(FILE *fp, const char *key, const char *outcome, int64_t v)
{
    fprintf(fp, "%s,", key);
    om_csv_write_str(fp, outcome);
    fprintf(fp, ",%" PRId64 "\n", v);
}

static void write_summary(FILE *fp, const om_rates_spec *sp, const char *m, const char *standard,
                          const om_link *l, const om_outcomes *o, const om_rates *r, int yf, int yl)
{
    const om_link_load_stats *s = om_link_stats(l);
    fputs("key,outcome,value\n", fp);
    fprintf(fp, "method,,%s\n", m);
    fprintf(fp, "residence_year_offset,,%s\n", om_link_offset_name(sp->method.residence));
    fprintf(fp, "type_year_offset,,%s\n", om_link_offset_name(sp->method.type));
    for (int y = yf; y <= yl; y++) {
        const om_link_plan *p = om_rates_plan(r, y);
        fprintf(fp, "plan_%d,,residence ", y);
        if (p->residence_latest)
            fputs("latest", fp);
        else
            fprintf(fp, "%d", p->residence_year);
        if (p->type_year)
            fprintf(fp, " type %d", p->type_year);
        if (p->type_year != p->type_year_wanted)
            fprintf(fp, " (nearest to %d)", p->type_year_wanted);
        fputc('\n', fp);
    }
    fprintf(fp, "population,,%s\n", sp->person_years ? "person-years" : "dec31");
    fprintf(fp, "standard,,%s\n", standard);
    char lv[16];
    fprintf(fp, "level,,%s\n", om_stats_level_text(sp->level, lv, sizeof lv));
    if (sp->per > 0 && sp->per != 100000)
        fprintf(fp, "per,,%.17g\n", sp->per);
    if (sp->byar_from > 0 && sp->byar_from != 10)
        fprintf(fp, "byar_from,,%d\n", sp->byar_from);
    if (sp->washout_years)
        fprintf(fp, "washout,,%d years\n", sp->washout_years);
    if (sp->washout_days)
        fprintf(fp, "washout,,%d days\n", sp->washout_days);
    if (sp->fatality_days) {
        fprintf(fp, "fatality_days,,%d\n", sp->fatality_days);
        int e = sp->followup_end ? sp->followup_end : yl * 10000 + 1231;
        fprintf(fp, "followup_end,,%04d-%02d-%02d\n", e / 10000, e / 100 % 100, e % 100);
    }
    fprintf(fp, "years,,%d-%d\n", yf, yl);
    kv(fp, "persons", "", s->persons);
    kv(fp, "persons_repeated_id", "", s->persons_dup);
    kv(fp, "residence_rows", "", s->res_rows);
    kv(fp, "residence_unknown_id", "", s->res_unknown_id);
    kv(fp, "residence_unknown_area", "", s->res_unknown_area);
    kv(fp, "residence_repeated", "", s->res_dup);
    kv(fp, "types_rows", "", s->type_rows);
    kv(fp, "types_unknown_area", "", s->type_unknown_area);
    kv(fp, "types_without_type", "", s->type_missing);
    kv(fp, "types_repeated_same", "", s->type_repeated);
    const om_rates_counts *t = om_rates_total_counts(r);
    kv(fp, "event_rows", "", t->rows);
    kv(fp, "events_unknown_id", "", t->unknown_id);
    kv(fp, "events_outside_period", "", t->outside_period);
    kv(fp, "events_not_selected", "", t->not_selected);
    kv(fp, "events_duplicate", "", t->duplicates);
    kv(fp, "events_no_residence", "", t->no_residence);
    kv(fp, "events_no_area_type", "", t->no_type);
    kv(fp, "events_linked", "", t->linked);
    kv(fp, "population_no_area_type", "", t->pop_no_type);
    kv(fp, "events_type_substituted", "", t->type_substituted);
    kv(fp, "population_type_substituted", "", t->pop_type_substituted);
    bool washout = sp->washout_years || sp->washout_days;
    if (washout) {
        kv(fp, "events_history", "", t->history);
        kv(fp, "events_not_first", "", t->not_first);
    }
    if (sp->fatality_days) {
        kv(fp, "events_death_before_event", "", t->death_before_event);
        kv(fp, "events_censored", "", t->censored);
    }
    for (size_t k = 0; k < om_outcomes_count(o); k++) {
        const om_rates_counts *c = om_rates_outcome_counts(r, k);
        const char *n = om_outcomes_name(o, k);
        kv(fp, "events_duplicate", n, c->duplicates);
        kv(fp, "events_no_residence", n, c->no_residence);
        kv(fp, "events_no_area_type", n, c->no_type);
        kv(fp, "events_linked", n, c->linked);
        if (washout) {
            kv(fp, "events_history", n, c->history);
            kv(fp, "events_not_first", n, c->not_first);
        }
        if (sp->fatality_days) {
            kv(fp, "events_death_before_event", n, c->death_before_event);
            kv(fp, "events_censored", n, c->censored);
        }
    }
}

void om_rates_write_cells(FILE *fp, const om_rates_out *x)
{
    if (x->table)
        write_cells_table(fp, x->spec, x->method, x->outcomes, x->rates, x->geo, x->year_first, x->year_last);
    else
        write_cells_csv(fp, x->spec, x->method, x->outcomes, x->rates, x->geo, x->year_first, x->year_last);
}

void om_rates_write_sii(FILE *fp, const om_rates_out *x)
{
    write_sii(fp, x->spec, x->method, x->outcomes, x->rates, x->geo, x->year_first, x->year_last);
}

void om_rates_write_summary(FILE *fp, const om_rates_out *x)
{
    write_summary(fp, x->spec, x->method, x->standard, x->link, x->outcomes, x->rates, x->year_first,
                  x->year_last);
    if (x->spec->survival)
        om_rates_km_summary(fp, x);
}

/* The cell columns for rates_km.c's curves. */
void om_rates_out_dims_header_(FILE *fp, unsigned dims)
{
    write_header(fp, (rates_cols){.dims = dims, .dims_only = true});
}

void om_rates_out_dims_(FILE *fp, const om_rates_out *x, const om_rates_cell *c)
{
    write_dims(fp, x->spec->dims, x->method, x->outcomes, x->rates, x->geo, x->year_first, x->year_last,
               c->outcome, c->year, c->type, c->area, c->sex, c->age, c->born);
}

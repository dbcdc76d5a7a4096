/* omrade rates — link event registers to residence and area types and
 * tabulate counts, rates, standardised rates and inequality measures. */
#define _GNU_SOURCE
#include "linkopts.h"

#include "omrade/stats.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade rates --persons FILE --residence FILE [--types FILE...]\n"
            "                    --events FILE [--events FILE...] [options]\n\n"
            "Links each event (lopnr,date,code) to the person's residence and area type and\n"
            "writes one row per cell: events, persons with >= 1 event, population at risk,\n"
            "crude rate per 100,000 (exact Poisson < 10 events, Byar otherwise), proportion\n"
            "(Wilson), age-standardised rate (Dobson; not reported below 10 events), rate\n"
            "ratio against a reference area type; SII/RII across area types with --sii.\n\n"
            "outcomes (default: one outcome 'all' = every code):\n"
            "  --outcome NAME=P1,P2    code prefixes (ICD-10, ATC; '*' = all), repeatable\n"
            "  --outcomes FILE         definitions 'name: P1 P2 ...' one per line\n"
            "cells:\n"
            "  --by LIST       comma list of type,regso|kommun|lan|riket,sex,age,year,born\n"
            "                  (default type,year)\n"
            "  --age-breaks L  lower limits of age groups, e.g. 0,20,65 (default 0,5,...,90)\n"
            "  --years A-B     statistics (event) years (default: every year the method\n"
            "                  can link)\n"
            "  --method M, --residence-year R, --type-year T, --type-fallback F\n"
            "                  the linkage method, as below (see docs/rates.md)\n"
            "  --population P  dec31 (default: registered on 31 Dec before the year) or\n"
            "                  person-years\n"
            "  --standard S    esp2013 (default when age is not in --by), sweden:YEAR, a CSV\n"
            "                  file age_band,pop, or none\n"
            "  --level L       confidence level 90-99.99 (default 95)\n"
            "  --per N         rates per N persons (default 100000)\n"
            "  --byar-from N   Poisson limits exact below N events, Byar from N on\n"
            "                  (default 10, PHE; 1 = Byar always; 1000000000 = exact always)\n"
            "  --ref-type N    reference area type for rate ratios (default 5)\n"
            "event measures (Socialstyrelsen's definitions, docs/rates.md):\n"
            "  --first-event   count an event only when the person has no event of the\n"
            "                  outcome in the 7 years before it (first-time AMI)\n"
            "  --washout-years N, --washout-days N\n"
            "                  the window instead of 7 years (implies --first-event); 28\n"
            "                  days = a new case after 28 event-free days (incident AMI)\n"
            "  --case-fatality death within 28 days of the event (day 0 = event day):\n"
            "                  adds fatality_cases,fatality_deaths,fatality (Wilson limits)\n"
            "  --fatality-days N  the days instead of 28 (implies --case-fatality)\n"
            "  --followup-end YYYY-MM-DD  last day the death dates cover (default 31 Dec\n"
            "                  of the last year); events whose days reach past it are\n"
            "                  left out of the fatality (events_censored)\n"
            "columns (defaults are the synthetic format's):\n"
            "  --id C --date C --code C          events (lopnr,date,code)\n"
            "  --person-id --sex --birth --country --death    persons\n"
            "  --res-id --res-year --res-area    residence (lopnr,year,deso)\n"
            "  --type-area --type-year-col --type-col    area types (area,year,area_type)\n"
            "output:\n"
            "  --out FILE      cells (default stdout); --format csv|table\n"
            "  --sii FILE      SII and RII across area types (needs type in --by)\n"
            "  --barometer FILE  the indicators as omrade build --indicators reads them\n"
            "                  (needs --by regso,year[,sex]; adds kommun, lan, riket sums)\n"
            "  --barometer-eb riket|kommun  also O_eb_per100k: RegSO rates smoothed by\n"
            "                  empirical Bayes (Marshall 1991) over all RegSOs or per kommun\n"
            "  --summary FILE  where every input row went (also printed on stderr)\n"
            "  --threads N     threads (default 2)\n" OM_CLI_PROVENANCE_HELP
            "Every row names the method and the residence year, type year and wanted type\n"
            "year it used (a range A-B for cells over several years).\n\n");
    cli_link_method_help(fp);
    fprintf(fp,
            "\nexample:\n"
            "  omrade rates --persons persons.csv --residence residence.csv --types types.csv \\\n"
            "      --events deaths.csv --outcome ami=I21,I22 --by type,sex --sii sii.csv \\\n"
            "      --method sos2\n"
            "  omrade rates ... --events ami.csv --first-event --case-fatality --by type,lan\n");
}

typedef struct {
    const char *name;
    unsigned flag;
} dimname;
static const dimname dimnames[] = {{"type", OM_DIM_TYPE}, {"regso", OM_DIM_REGSO},
                                   {"kommun", OM_DIM_KOMMUN}, {"lan", OM_DIM_LAN},
                                   {"riket", 0},          {"sex", OM_DIM_SEX},
                                   {"age", OM_DIM_AGE},   {"year", OM_DIM_YEAR},
                                   {"born", OM_DIM_BORN}};

static bool parse_by(const char *s, unsigned *dims, char *bad, size_t badsz)
{
    *dims = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        bool ok = false;
        for (size_t i = 0; i < sizeof dimnames / sizeof dimnames[0]; i++)
            if (!strcmp(tok, dimnames[i].name)) {
                *dims |= dimnames[i].flag;
                ok = true;
            }
        if (!ok) {
            snprintf(bad, badsz, "%s", tok);
            return false;
        }
    }
    return true;
}

static bool parse_breaks(const char *s, om_rates_spec *sp)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", s);
    sp->n_age = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        long long v;
        if (sp->n_age >= 32 || !om_cli_parse_int(tok, 0, 150, &v))
            return false;
        if (sp->n_age > 0 && v <= sp->age_lower[sp->n_age - 1])
            return false;
        sp->age_lower[sp->n_age++] = (int)v;
    }
    return sp->n_age > 0 && sp->age_lower[0] == 0;
}

static void put(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static const char *geo_col(unsigned dims)
{
    return dims & OM_DIM_REGSO ? "regso" : dims & OM_DIM_KOMMUN ? "kommun" : "lan";
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

static void write_dims_header(FILE *fp, unsigned d)
{
    fputs("method,residence_year,type_year,type_year_wanted,outcome", fp);
    if (d & OM_DIM_YEAR)
        fputs(",year", fp);
    if (d & OM_DIM_TYPE)
        fputs(",area_type", fp);
    if (d & (OM_DIM_REGSO | OM_DIM_KOMMUN | OM_DIM_LAN))
        fprintf(fp, ",%s", geo_col(d));
    if (d & OM_DIM_SEX)
        fputs(",sex", fp);
    if (d & OM_DIM_AGE)
        fputs(",age", fp);
    if (d & OM_DIM_BORN)
        fputs(",born", fp);
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
    write_dims_header(fp, d);
    fputs(",events,persons,pop,n,rate,rate_lower,rate_upper,prop,prop_lower,prop_upper", fp);
    bool fat = sp->fatality_days > 0;
    if (fat)
        fputs(",fatality_cases,fatality_deaths,fatality,fatality_lower,fatality_upper", fp);
    if (std)
        fputs(",dsr,dsr_lower,dsr_upper", fp);
    if (rr)
        fputs(",rr,rr_lower,rr_upper", fp);
    fputs(",note\n", fp);
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
    write_dims_header(fp, d);
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

static int finish_file(const char *path, void (*fn)(FILE *, void *), void *arg, bool csv)
{
    om_error err = OM_ERROR_INIT;
    om_afile *af = NULL;
    if ((csv ? om_cli_out_open(&af, path, &err) : om_afile_open(&af, path, &err)) != OM_OK)
        return om_cli_fail("rates", &err);
    fn(om_afile_stream(af), arg);
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("rates", &err);
    return 0;
}

typedef struct {
    const om_rates_spec *sp;
    const char *m;
    const om_outcomes *o;
    const om_rates *r;
    const om_geo *g;
    const om_link *l;
    const char *standard;
    bool table;
    int yf, yl;
} out_args;

static void cells_cb(FILE *fp, void *a)
{
    out_args *x = a;
    if (x->table)
        write_cells_table(fp, x->sp, x->m, x->o, x->r, x->g, x->yf, x->yl);
    else
        write_cells_csv(fp, x->sp, x->m, x->o, x->r, x->g, x->yf, x->yl);
}
static void sii_cb(FILE *fp, void *a)
{
    out_args *x = a;
    write_sii(fp, x->sp, x->m, x->o, x->r, x->g, x->yf, x->yl);
}
static void barometer_cb(FILE *fp, void *a)
{
    out_args *x = a;
    om_error err = OM_ERROR_INIT;
    /* the dimensions were checked with the options: only a write error is left,
     * which om_afile_commit reports */
    (void)om_rates_write_barometer(fp, x->r, x->g, x->o, x->sp, &err);
}
static void summary_cb(FILE *fp, void *a)
{
    out_args *x = a;
    write_summary(fp, x->sp, x->m, x->standard, x->l, x->o, x->r, x->yf, x->yl);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {CLI_LINK_LONGOPTS,
                                         {"events", required_argument, 0, 'e'},
                                         {"outcome", required_argument, 0, 'O'},
                                         {"outcomes", required_argument, 0, 'F'},
                                         {"by", required_argument, 0, 'b'},
                                         {"age-breaks", required_argument, 0, 'a'},
                                         {"years", required_argument, 0, 'y'},
                                         {"population", required_argument, 0, 'p'},
                                         {"standard", required_argument, 0, 's'},
                                         {"level", required_argument, 0, 'l'},
                                         {"ref-type", required_argument, 0, 'r'},
                                         {"id", required_argument, 0, 'I'},
                                         {"date", required_argument, 0, 'D'},
                                         {"code", required_argument, 0, 'C'},
                                         {"out", required_argument, 0, 'o'},
                                         {"format", required_argument, 0, 'f'},
                                         {"sii", required_argument, 0, 'S'},
                                         {"summary", required_argument, 0, 'U'},
                                         {"per", required_argument, 0, 2000},
                                         {"byar-from", required_argument, 0, 2001},
                                         {"first-event", no_argument, 0, 2002},
                                         {"washout-years", required_argument, 0, 2003},
                                         {"washout-days", required_argument, 0, 2004},
                                         {"case-fatality", no_argument, 0, 2005},
                                         {"fatality-days", required_argument, 0, 2006},
                                         {"barometer", required_argument, 0, 2007},
                                         {"followup-end", required_argument, 0, 2008},
                                         {"barometer-eb", required_argument, 0, 2009},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    cli_link_inputs in;
    memset(&in, 0, sizeof in);
    om_rates_spec sp;
    memset(&sp, 0, sizeof sp);
    sp.dims = OM_DIM_TYPE | OM_DIM_YEAR;
    sp.level = 0.95;
    sp.ref_type = 5;
    sp.standard = -1;
    const char *events[64];
    size_t nevents = 0;
    const char *out = "-", *sii = NULL, *summary = NULL, *standard = "esp2013";
    const char *outcome_file = NULL;
    const char *outcome_args[64];
    size_t noutcome_args = 0;
    bool table = false, first_event = false;
    const char *barometer = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int h = cli_link_option("rates", c, &in);
        if (h == 1)
            continue;
        if (h == 2)
            return 2;
        switch (c) {
        case 'e':
            if (nevents >= 64)
                return om_cli_usage("rates", "expected at most 64 events files");
            events[nevents++] = optarg;
            break;
        case 'O':
            if (noutcome_args >= 64)
                return om_cli_usage("rates", "expected at most 64 outcomes");
            outcome_args[noutcome_args++] = optarg;
            break;
        case 'F': outcome_file = optarg; break;
        case 'b': {
            char bad[64];
            if (!parse_by(optarg, &sp.dims, bad, sizeof bad))
                return om_cli_usage("rates",
                                    "expected --by items type, regso, kommun, lan, riket, sex, "
                                    "age, year, born, found '%s'",
                                    bad);
            break;
        }
        case 'a':
            if (!parse_breaks(optarg, &sp))
                return om_cli_usage("rates",
                                    "expected --age-breaks ascending ages starting at 0 (e.g. "
                                    "0,20,65), found '%s'",
                                    optarg);
            break;
        case 'y': {
            int a, b;
            char tail;
            if (sscanf(optarg, "%d-%d%c", &a, &b, &tail) == 2 && a >= 1900 && b <= 2100 && a <= b) {
                sp.year_first = a;
                sp.year_last = b;
            } else if (sscanf(optarg, "%d%c", &a, &tail) == 1 && a >= 1900 && a <= 2100) {
                sp.year_first = sp.year_last = a;
            } else {
                return om_cli_usage("rates", "expected --years YYYY or YYYY-YYYY, found '%s'", optarg);
            }
            break;
        }
        case 'p':
            if (!strcmp(optarg, "person-years"))
                sp.person_years = true;
            else if (!strcmp(optarg, "dec31"))
                sp.person_years = false;
            else
                return om_cli_usage("rates",
                                    "expected --population dec31 or person-years, found '%s'",
                                    optarg);
            break;
        case 's': standard = optarg; break;
        case 'l':
            if (!om_stats_parse_confidence(optarg, &sp.level))
                return om_cli_usage("rates", "expected --level 90 to 99.99, found '%s'", optarg);
            break;
        case 2000:
            if (!om_cli_parse_double(optarg, &sp.per) || !(sp.per > 0) || !isfinite(sp.per))
                return om_cli_usage("rates", "expected --per a positive number, found '%s'", optarg);
            break;
        case 2001: {
            long long v;
            if (!om_cli_parse_int(optarg, 0, 1000000000, &v))
                return om_cli_usage("rates", "expected --byar-from a count of events, found '%s'",
                                    optarg);
            sp.byar_from = v == 0 ? 1 : (int)v; /* 0 and 1 both mean Byar always */
            break;
        }
        case 2002: first_event = true; break;
        case 2003:
        case 2004: {
            long long v;
            bool years = c == 2003;
            if (!om_cli_parse_int(optarg, 1, years ? 30 : 3650, &v))
                return om_cli_usage("rates", "expected --washout-%s 1 to %d, found '%s'",
                                    years ? "years" : "days", years ? 30 : 3650, optarg);
            if (years)
                sp.washout_years = (int)v;
            else
                sp.washout_days = (int)v;
            first_event = true;
            break;
        }
        case 2007: barometer = optarg; break;
        case 2008: {
            int y, m, d, n = 0;
            if (sscanf(optarg, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10 || optarg[n] ||
                m < 1 || m > 12 || d < 1 || d > 31)
                return om_cli_usage("rates", "expected --followup-end YYYY-MM-DD, found '%s'", optarg);
            sp.followup_end = y * 10000 + m * 100 + d;
            break;
        }
        case 2009:
            if (!strcmp(optarg, "riket"))
                sp.barometer_eb = OM_EB_RIKET;
            else if (!strcmp(optarg, "kommun"))
                sp.barometer_eb = OM_EB_KOMMUN;
            else
                return om_cli_usage("rates", "expected --barometer-eb riket or kommun, found '%s'", optarg);
            break;
        case 2005:
            if (!sp.fatality_days)
                sp.fatality_days = 28;
            break;
        case 2006: {
            long long v;
            if (!om_cli_parse_int(optarg, 1, 3650, &v))
                return om_cli_usage("rates", "expected --fatality-days 1 to 3650, found '%s'",
                                    optarg);
            sp.fatality_days = (int)v;
            break;
        }
        case 'r': {
            long long v;
            if (!om_cli_parse_int(optarg, 1, 5, &v))
                return om_cli_usage("rates", "expected --ref-type 1-5, found '%s'", optarg);
            sp.ref_type = (int)v;
            break;
        }
        case 'I': sp.e_id = optarg; break;
        case 'D': sp.e_date = optarg; break;
        case 'C': sp.e_code = optarg; break;
        case 'o': out = optarg; break;
        case 'f':
            if (!strcmp(optarg, "table"))
                table = true;
            else if (strcmp(optarg, "csv"))
                return om_cli_usage("rates", "expected --format csv or table, found '%s'", optarg);
            break;
        case 'S': sii = optarg; break;
        case 'U': summary = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("rates", "bad option");
        }
    }
    if (optind < argc)
        return om_cli_usage("rates", "unexpected argument '%s'", argv[optind]);
    int rc = cli_link_check("rates", &in);
    if (rc)
        return rc;
    cli_method cm;
    if ((rc = cli_link_method("rates", &in, &cm)) != 0)
        return rc;
    sp.method = cm.m;
    sp.type_fallback = in.fallback;
    if (!nevents)
        return om_cli_usage("rates", "expected --events FILE");
    if (sp.washout_years && sp.washout_days)
        return om_cli_usage("rates", "expected --washout-years or --washout-days, found both");
    if (first_event && !sp.washout_years && !sp.washout_days)
        sp.washout_years = 7; /* Socialstyrelsen's first-time AMI: none in the previous 7 years */
    if (sii && !(sp.dims & OM_DIM_TYPE))
        return om_cli_usage("rates", "expected type in --by for --sii");
    if (barometer && ((sp.dims & (OM_DIM_REGSO | OM_DIM_YEAR)) != (OM_DIM_REGSO | OM_DIM_YEAR) ||
                      (sp.dims & ~(unsigned)(OM_DIM_REGSO | OM_DIM_YEAR | OM_DIM_SEX))))
        return om_cli_usage("rates", "expected --by regso,year (optionally with sex) for --barometer");
    if (sp.barometer_eb && !barometer)
        return om_cli_usage("rates", "expected --barometer FILE with --barometer-eb");
    if (sp.followup_end && !sp.fatality_days)
        return om_cli_usage("rates", "expected --case-fatality with --followup-end");
    om_error err = OM_ERROR_INIT;
    /* standard population */
    if (!strcmp(standard, "none"))
        sp.standard = OM_STD_NONE;
    else if (!strcmp(standard, "esp2013"))
        sp.standard = OM_STD_ESP2013;
    else if (!strncmp(standard, "sweden:", 7)) {
        long long y;
        if (!om_cli_parse_int(standard + 7, 1900, 2100, &y))
            return om_cli_usage("rates", "expected --standard sweden:YEAR, found '%s'", standard);
        sp.standard = OM_STD_SWEDEN;
        sp.standard_year = (int)y;
    } else {
        sp.standard = OM_STD_FILE;
        if (om_stats_standard_load(standard, sp.standard_w, &err) != OM_OK)
            return om_cli_fail("rates", &err);
    }
    if (sp.dims & OM_DIM_AGE)
        sp.standard = OM_STD_NONE; /* rates by age group are not standardised */
    om_outcomes *o = om_outcomes_new();
    if (!o)
        return om_cli_usage("rates", "out of memory");
    om_status s = OM_OK;
    if (outcome_file)
        s = om_outcomes_load(o, outcome_file, &err);
    for (size_t i = 0; s == OM_OK && i < noutcome_args; i++) {
        char *eq = strchr(outcome_args[i], '=');
        if (!eq) {
            om_outcomes_free(o);
            return om_cli_usage("rates", "expected --outcome NAME=PREFIXES, found '%s'",
                                outcome_args[i]);
        }
        char name[64];
        snprintf(name, sizeof name, "%.*s", (int)(eq - outcome_args[i]), outcome_args[i]);
        s = om_outcomes_add(o, name, eq + 1, NULL, &err);
    }
    if (s == OM_OK && om_outcomes_count(o) == 0)
        s = om_outcomes_add(o, "all", "*", NULL, &err);
    if (s != OM_OK) {
        om_outcomes_free(o);
        return om_cli_fail("rates", &err);
    }
    om_geo *g = NULL;
    om_link *l = NULL;
    rc = cli_link_load("rates", &in, &g, &l);
    if (rc) {
        om_outcomes_free(o);
        return rc;
    }
    sp.events = events;
    sp.nevents = nevents;
    sp.threads = in.opt.threads;
    sp.progress = om_cli_progress();
    om_rates *r = NULL;
    s = om_rates_run(&r, l, o, &sp, &err);
    om_cli_progress_done();
    if (s != OM_OK) {
        rc = om_cli_fail("rates", &err);
    } else {
        int yf = sp.year_first, yl = sp.year_last;
        if (!yf)
            om_link_stat_years(l, &sp.method, 1, &yf, &yl);
        out_args a = {&sp, cm.name, o, r, g, l, standard, table, yf, yl};
        if (sp.standard == OM_STD_NONE)
            a.standard = "none";
        om_cli_prov_start("rates", argc, argv);
        om_link_plan plans[256];
        size_t np = 0;
        for (int y = yf; y <= yl && np < sizeof plans / sizeof *plans; y++)
            if (om_rates_plan(r, y))
                plans[np++] = *om_rates_plan(r, y);
        cli_link_prov(&in, &cm, 1, plans, np);
        om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION, "dsr not reported below 10 events");
        for (size_t i = 0; i < nevents; i++)
            om_prov_input(om_cli_prov(), events[i], -1, NULL);
        rc = finish_file(out, cells_cb, &a, !table);
        if (!rc && sii)
            rc = finish_file(sii, sii_cb, &a, true);
        if (!rc && summary)
            rc = finish_file(summary, summary_cb, &a, true);
        if (!rc && barometer)
            rc = finish_file(barometer, barometer_cb, &a, false);
        if (!rc) {
            cli_link_report(stderr, "rates", l);
            const om_rates_counts *t = om_rates_total_counts(r);
            fprintf(stderr,
                    "omrade rates: method %s; events: %" PRId64 " rows, %" PRId64 " linked, %" PRId64
                    " unknown ids, %" PRId64 " outside %d-%d, %" PRId64 " other codes, %" PRId64
                    " duplicates, %" PRId64 " without residence, %" PRId64 " without area type\n",
                    cm.name, t->rows, t->linked, t->unknown_id,
                    t->outside_period, yf, yl, t->not_selected, t->duplicates, t->no_residence,
                    t->no_type);
            if (sp.washout_years || sp.washout_days)
                fprintf(stderr,
                        "omrade rates: washout: %" PRId64 " earlier events read as history, %" PRId64
                        " events within the window of an earlier one not counted\n",
                        t->history, t->not_first);
            if (sp.fatality_days && t->death_before_event)
                fprintf(stderr,
                        "omrade rates: %" PRId64
                        " events of persons who died before the event date left out of the case "
                        "fatality\n",
                        t->death_before_event);
            if (sp.fatality_days && t->censored)
                fprintf(stderr,
                        "omrade rates: %" PRId64
                        " events less than %d days before the end of follow-up left out of the case "
                        "fatality (censored)\n",
                        t->censored, sp.fatality_days);
            for (int y = yf; y <= yl; y++) {
                const om_link_plan *p = om_rates_plan(r, y);
                if (p->type_year != p->type_year_wanted)
                    fprintf(stderr,
                            "omrade rates: %d: area types of %d are not in the types; the "
                            "nearest year %d used\n",
                            y, p->type_year_wanted, p->type_year);
            }
            if (t->type_substituted || t->pop_type_substituted)
                fprintf(stderr,
                        "omrade rates: %" PRId64 " events and %" PRId64
                        " persons at risk typed with a substituted type year\n",
                        t->type_substituted, t->pop_type_substituted);
            if (t->pop_no_type)
                fprintf(stderr,
                        "omrade rates: %" PRId64
                        " person-years at risk left out: their area had no area type\n",
                        t->pop_no_type);
        }
    }
    om_rates_free(r);
    om_link_free(l);
    om_geo_free(g);
    om_outcomes_free(o);
    return rc;
}

const om_cli_cmd om_cli_cmd_rates = {
    "rates", "link events to residence and area types; rates, DSR, rate ratios, SII/RII", run};

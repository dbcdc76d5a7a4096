/* omrade dsr's files (omrade/healthio.h): events and population per group
 * and ESP age band in, crude and directly standardised rates (om_stats_dsr,
 * om_stats_rate) out. */
#include "stats_internal.h"

#include "omrade/healthio.h"

#include <stdlib.h>

typedef struct {
    char *name;
    double e[OM_ESP_BANDS], p[OM_ESP_BANDS];
    bool seen[OM_ESP_BANDS];
} group;

struct om_dsr_groups {
    group *g;
    size_t n;
};

void om_dsr_groups_free(om_dsr_groups *g)
{
    if (g)
        om_stats_free_groups(g->g, g->n, sizeof *g->g, NULL, 0);
    free(g);
}

/* One row: the group's events and population in an age band. */
static om_status dsr_row(om_csv *c, const int *idx, void *item, void *ctx, om_error *err)
{
    (void)ctx;
    group *G = item;
    int b;
    om_status s = om_stats_band(c, (size_t)idx[1], &b, err);
    if (s != OM_OK)
        return s;
    /* events are a Poisson count (Dobson's limits need whole numbers);
     * pop may be person-years, so any finite number up to 2^53 */
    int64_t ei;
    double p;
    if ((s = om_csv_count(c, (size_t)idx[2], 0, &ei, err)) != OM_OK ||
        (s = om_csv_share(c, (size_t)idx[3], 0, (double)OM_CSV_COUNT_MAX, &p, err)) != OM_OK)
        return s;
    if (G->seen[b])
        return om_csv_fail(c, (size_t)idx[1], err,
                           "expected each group and age band once, found '%s' again for group '%s'",
                           om_esp_band_label(b), G->name);
    G->seen[b] = true;
    G->e[b] = (double)ei;
    G->p[b] = p;
    return OM_OK;
}

om_status om_dsr_read(const char *path, om_dsr_groups **out, om_error *err)
{
    *out = NULL;
    static const char *const names[4] = {"group", "age_band", "events", "pop"};
    om_dsr_groups *r = calloc(1, sizeof *r);
    if (!r)
        return om_error_nomem(err);
    size_t cap = 0;
    om_status s = om_stats_read_groups(path, names, 4, &r->g, &r->n, &cap, sizeof *r->g, dsr_row, NULL, err);
    if (s != OM_OK) {
        om_dsr_groups_free(r);
        return s;
    }
    *out = r;
    return OM_OK;
}

static const char header[] =
    "group,events,pop,crude_rate,crude_lower,crude_upper,dsr,dsr_lower,dsr_upper,note\n";

/* One output row: the group's crude rate and its DSR d. */
static void put_row(FILE *fp, const char *name, const om_dsr *dp, double per, double level, double byar_from)
{
    om_dsr d = *dp;
    double r, rl, ru;
    om_stats_rate_ex(d.events, d.pop, per, level, byar_from, &r, &rl, &ru);
    om_csv_write_str(fp, name);
    om_stats_put_num(fp, d.events);
    om_stats_put_num(fp, d.pop);
    om_stats_put_num(fp, r);
    om_stats_put_num(fp, rl);
    om_stats_put_num(fp, ru);
    om_stats_put_num(fp, d.dsr);
    om_stats_put_num(fp, d.lower);
    om_stats_put_num(fp, d.upper);
    fputc(',', fp);
    if (!(d.pop > 0))
        fputs("no population", fp);
    else if (d.suppressed == OM_DSR_FEW_EVENTS)
        fputs("dsr not reported: fewer than 10 events", fp);
    else if (d.suppressed == OM_DSR_NO_POP)
        fputs("dsr undefined: events in an age band with no population", fp);
    fputc('\n', fp);
}

om_status om_dsr_write(const om_dsr_groups *groups, const double *w, double per, double level, double byar_from,
                       FILE *fp, om_error *err)
{
    (void)err;
    const group *g = groups->g;
    fputs(header, fp);
    for (size_t i = 0; i < groups->n; i++) {
        om_dsr d;
        om_stats_dsr_ex(OM_ESP_BANDS, g[i].e, g[i].p, w, per, level, byar_from, &d);
        put_row(fp, g[i].name, &d, per, level, byar_from);
    }
    return OM_OK;
}

om_status om_dsr_freq_write(const om_dsr_freq *t, const double *w, double per, double level, double byar_from,
                            FILE *fp, om_error *err)
{
    (void)err;
    fputs(header, fp);
    for (size_t i = 0; i < om_stats_dsr_freq_groups(t); i++) {
        om_dsr d;
        om_stats_dsr_freq_compute(t, i, w, per, level, byar_from, &d);
        put_row(fp, om_stats_dsr_freq_name(t, i), &d, per, level, byar_from);
    }
    return OM_OK;
}

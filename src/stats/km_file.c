/* omrade km's files (omrade/healthio.h): follow-up times per group in,
 * the Kaplan-Meier table (om_stats_km) out. */
#include "stats_internal.h"

#include "omrade/healthio.h"

#include <stddef.h>
#include <stdlib.h>

typedef struct {
    char *name;
    double *t;
    bool *e;
    size_t n, cap;
} grp;

struct om_km_groups {
    grp *g;
    size_t n;
};

void om_km_groups_free(om_km_groups *g)
{
    static const size_t owned[2] = {offsetof(grp, t), offsetof(grp, e)};
    if (g)
        om_stats_free_groups(g->g, g->n, sizeof *g->g, owned, 2);
    free(g);
}

/* One row: a follow-up time and whether it ended in the event. */
static om_status km_row(om_csv *c, const int *idx, void *item, void *ctx, om_error *err)
{
    (void)ctx;
    grp *G = item;
    double t;
    int64_t ev;
    om_status s;
    if ((s = om_csv_share(c, (size_t)idx[1], 0, 1e15, &t, err)) != OM_OK ||
        (s = om_csv_count(c, (size_t)idx[2], 1, &ev, err)) != OM_OK)
        return s;
    /* t and e are parallel arrays of capacity G->cap: grow both to the same */
    size_t tcap = G->cap;
    if ((s = om_grow(&G->t, &tcap, G->n + 1, sizeof *G->t, 64, err)) != OM_OK ||
        (s = om_grow(&G->e, &G->cap, G->n + 1, sizeof *G->e, 64, err)) != OM_OK)
        return s;
    G->t[G->n] = t;
    G->e[G->n] = ev == 1;
    G->n++;
    return OM_OK;
}

om_status om_km_read(const char *path, om_km_groups **out, om_error *err)
{
    *out = NULL;
    static const char *const names[3] = {"group", "time", "event"};
    om_km_groups *r = calloc(1, sizeof *r);
    if (!r)
        return om_error_nomem(err);
    size_t cap = 0;
    om_status s = om_stats_read_groups(path, names, 3, &r->g, &r->n, &cap, sizeof *r->g, km_row, NULL, err);
    if (s != OM_OK) {
        om_km_groups_free(r);
        return s;
    }
    *out = r;
    return OM_OK;
}

om_status om_km_write(const om_km_groups *groups, double level, bool loglog, FILE *fp, om_error *err)
{
    const grp *g = groups->g;
    fputs("group,time,at_risk,events,censored,surv,se,lower,upper,note\n", fp);
    om_status s = OM_OK;
    for (size_t i = 0; i < groups->n && s == OM_OK; i++) {
        om_km_step *st = malloc(g[i].n * sizeof *st);
        size_t k = 0;
        if (!st)
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        s = om_stats_km(g[i].n, g[i].t, g[i].e, level, loglog, st, &k, err);
        if (s == OM_OK && k == 0) {
            om_csv_write_str(fp, g[i].name);
            fprintf(fp, ",,%zu,0,%zu,1,,,,no events\n", g[i].n, g[i].n);
        }
        for (size_t j = 0; s == OM_OK && j < k; j++) {
            om_csv_write_str(fp, g[i].name);
            om_stats_put_num(fp, st[j].time);
            om_stats_put_num(fp, st[j].at_risk);
            om_stats_put_num(fp, st[j].events);
            om_stats_put_num(fp, st[j].censored);
            om_stats_put_num(fp, st[j].surv);
            om_stats_put_num(fp, st[j].se);
            om_stats_put_num(fp, st[j].lower);
            om_stats_put_num(fp, st[j].upper);
            fputs(",\n", fp);
        }
        free(st);
    }
    return s;
}

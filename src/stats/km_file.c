/* omrade km's files (omrade/healthio.h): follow-up times per group in,
 * the Kaplan-Meier table (om_stats_km) out. */
#include "stats_internal.h"

#include "omrade/healthio.h"

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

static void free_groups(grp *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].name);
        free(g[i].t);
        free(g[i].e);
    }
    free(g);
}

void om_km_groups_free(om_km_groups *g)
{
    if (!g)
        return;
    free_groups(g->g, g->n);
    free(g);
}

om_status om_km_read(const char *path, om_km_groups **out, om_error *err)
{
    *out = NULL;
    static const char *const names[3] = {"group", "time", "event"};
    int idx[3];
    om_csv *c = NULL;
    om_status s = om_stats_open(path, names, 3, idx, &c, err);
    if (s != OM_OK)
        return s;
    om_strmap *map = om_strmap_new(16);
    grp *g = NULL;
    size_t n = 0, cap = 0;
    if (!map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        double t;
        int64_t ev;
        if ((s = om_csv_share(c, (size_t)idx[1], 0, 1e15, &t, err)) != OM_OK ||
            (s = om_csv_count(c, (size_t)idx[2], 1, &ev, err)) != OM_OK)
            break;
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        int32_t gi;
        if ((s = om_stats_group(map, gf, &g, &n, &cap, sizeof *g, &gi, err)) != OM_OK)
            break;
        grp *G = &g[gi];
        if (G->n == G->cap) {
            size_t nc = G->cap ? G->cap * 2 : 64;
            double *nt = realloc(G->t, nc * sizeof *nt);
            if (nt)
                G->t = nt;
            bool *ne = realloc(G->e, nc * sizeof *ne);
            if (ne)
                G->e = ne;
            if (!nt || !ne) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            G->cap = nc;
        }
        G->t[G->n] = t;
        G->e[G->n] = ev == 1;
        G->n++;
    }
    om_strmap_free(map);
    om_csv_free(c);
    om_km_groups *r = s == OM_OK ? malloc(sizeof *r) : NULL;
    if (s == OM_OK && !r)
        s = om_error_nomem(err);
    if (s != OM_OK) {
        free_groups(g, n);
        return s;
    }
    r->g = g;
    r->n = n;
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

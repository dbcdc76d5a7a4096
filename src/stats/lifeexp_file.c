/* omrade lifeexp's files (omrade/healthio.h): population and deaths by
 * group and age band in, life expectancy per band (om_stats_lifeexp) out. */
#include "stats_internal.h"

#include "omrade/healthio.h"

#include <stdlib.h>

#define MAX_AGE 150

typedef struct {
    char *name;
    double pop[MAX_AGE + 1], deaths[MAX_AGE + 1];
    bool seen[MAX_AGE + 1];
} group;

struct om_le_groups {
    group *g;
    size_t n;
    bool ages[MAX_AGE + 1]; /* start ages of any group */
};

void om_le_groups_free(om_le_groups *g)
{
    if (g)
        om_stats_free_groups(g->g, g->n, sizeof *g->g, NULL, 0);
    free(g);
}

/* One row: the group's population and deaths in the band starting at
 * start_age; ctx is the set of start ages of any group. */
static om_status le_row(om_csv *c, const int *idx, void *item, void *ctx, om_error *err)
{
    group *G = item;
    bool *ages = ctx;
    int64_t age, d;
    double p;
    om_status s;
    if ((s = om_csv_count(c, (size_t)idx[1], MAX_AGE, &age, err)) != OM_OK ||
        (s = om_csv_share(c, (size_t)idx[2], 0, (double)OM_CSV_COUNT_MAX, &p, err)) != OM_OK ||
        (s = om_csv_count(c, (size_t)idx[3], 0, &d, err)) != OM_OK)
        return s;
    if (G->seen[age])
        return om_csv_fail(c, (size_t)idx[1], err,
                           "expected each group and start age once, found %d again for group '%s'",
                           (int)age, G->name);
    G->seen[age] = true;
    G->pop[age] = p;
    G->deaths[age] = (double)d;
    ages[age] = true;
    return OM_OK;
}

om_status om_le_read(const char *path, om_le_groups **out, om_error *err)
{
    *out = NULL;
    om_le_groups *r = calloc(1, sizeof *r);
    if (!r)
        return om_error_nomem(err);
    static const char *const names[4] = {"group", "start_age", "pop", "deaths"};
    size_t cap = 0;
    om_status s = om_stats_read_groups(path, names, 4, &r->g, &r->n, &cap, sizeof *r->g, le_row, r->ages,
                                       err);
    if (s == OM_OK && r->n > 0 && !r->ages[0])
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                         "expected a band with start_age 0, found none (the life table starts at birth)");
    if (s == OM_OK && r->n > 0) {
        int k = 0;
        for (int a = 0; a <= MAX_AGE; a++)
            k += r->ages[a];
        if (k < 2)
            s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                             "expected at least two age bands (the last one open), found one");
    }
    if (s != OM_OK) {
        om_le_groups_free(r);
        return s;
    }
    *out = r;
    return OM_OK;
}

static void note_text(char *buf, size_t size, const om_le *o, const double *start)
{
    int b = o->note_band >= 0 ? (int)start[o->note_band] : -1;
    switch (o->note) {
    case OM_LE_OK: buf[0] = '\0'; break;
    case OM_LE_NO_POP: snprintf(buf, size, "no population in the band starting at %d", b); break;
    case OM_LE_DEATHS_OVER_POP:
        snprintf(buf, size, "more deaths than population in the band starting at %d", b);
        break;
    case OM_LE_SMALL_POP: snprintf(buf, size, "total population 5000 or less"); break;
    case OM_LE_NO_OPEN_DEATHS:
        snprintf(buf, size, "no deaths in the open band starting at %d", b);
        break;
    case OM_LE_NO_SURVIVORS:
        snprintf(buf, size, "no survivors to this age: an earlier band has probability of death 1");
        break;
    case OM_LE_WIDE_CI:
        snprintf(buf, size, "not reported: 95%% interval wider than 20 years");
        break;
    }
}

om_status om_le_write(const om_le_groups *groups, double level, FILE *fp, om_error *err)
{
    const group *g = groups->g;
    double start[MAX_AGE + 1], pop[MAX_AGE + 1], deaths[MAX_AGE + 1];
    size_t nb = 0;
    for (int a = 0; a <= MAX_AGE; a++)
        if (groups->ages[a])
            start[nb++] = a;
    om_le res[MAX_AGE + 1];
    om_status s = OM_OK;
    for (size_t i = 0; i < groups->n && s == OM_OK; i++) {
        int missing = -1;
        for (size_t b = 0; b < nb; b++) {
            int a = (int)start[b];
            if (!g[i].seen[a] && missing < 0)
                missing = a;
            pop[b] = g[i].pop[a];
            deaths[b] = g[i].deaths[a];
        }
        if (missing < 0)
            s = om_stats_lifeexp(nb, start, pop, deaths, level, res, err);
        char note[160];
        for (size_t b = 0; b < nb && s == OM_OK; b++) {
            om_csv_write_str(fp, g[i].name);
            fprintf(fp, ",%d", (int)start[b]);
            if (missing >= 0) {
                snprintf(note, sizeof note, "no row for the band starting at %d", missing);
                fputs(",,,,", fp);
            } else {
                note_text(note, sizeof note, &res[b], start);
                om_stats_put_num(fp, res[b].le);
                om_stats_put_num(fp, res[b].lower);
                om_stats_put_num(fp, res[b].upper);
                fputc(',', fp);
            }
            om_csv_write_str(fp, note);
            fputc('\n', fp);
        }
    }
    return s;
}

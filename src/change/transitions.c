/* Transitions of RegSO between area types (issue 15; declared in
 * omrade/change.h).
 *
 * Area types come only through om_areatypes (src/sei/typesfile.c), so every
 * layout `omrade types` reads works here too and overlapping files merge
 * under the same rules.  For each pair of consecutive years with typed RegSO
 * a RegSO typed 1-5 in both years adds one to cell (from, to) of its kommun,
 * its län and riket; a RegSO typed in only one of the years (or neither) is
 * outside the matrix and counted in n_untyped.  The population of a cell is
 * that of its RegSO in from_year (the people living in the areas that moved
 * between types). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/change.h"
#include "omrade/csv.h"
#include "omrade/sei.h"
#include "common/common_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct popyear {
    int32_t year;
    int64_t *pop;  /* per RegSO; -1 not given */
    long *line;    /* where read (for the repeat message) */
} popyear;

struct om_transitions {
    const om_geo *g;
    int32_t nreg;
    om_areatypes *at;
    popyear *py;
    size_t npy;
    om_transition_row *rows;
    size_t nrows;
    om_transition_pair *pairs;
    size_t npairs;
};

om_status om_transitions_new(om_transitions **out, const om_geo *g, om_error *err)
{
    *out = NULL;
    om_transitions *t = calloc(1, sizeof *t);
    if (!t)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    t->g = g;
    t->nreg = om_geo_count(g, OM_LEVEL_REGSO);
    om_status st = om_areatypes_new(&t->at, g, err);
    if (st != OM_OK) {
        free(t);
        return st;
    }
    *out = t;
    return OM_OK;
}

void om_transitions_free(om_transitions *t)
{
    if (!t)
        return;
    om_areatypes_free(t->at);
    for (size_t i = 0; i < t->npy; i++) {
        free(t->py[i].pop);
        free(t->py[i].line);
    }
    free(t->py);
    free(t->rows);
    free(t->pairs);
    free(t);
}

om_status om_transitions_read(om_transitions *t, const char *path, om_error *err)
{
    return om_areatypes_read(t->at, path, NULL, err);
}

const om_areatypes *om_transitions_types(const om_transitions *t)
{
    return t->at;
}

static popyear *pop_year(om_transitions *t, int32_t year, bool create)
{
    for (size_t i = 0; i < t->npy; i++)
        if (t->py[i].year == year)
            return &t->py[i];
    if (!create)
        return NULL;
    popyear *n = realloc(t->py, (t->npy + 1) * sizeof *n);
    if (!n)
        return NULL;
    t->py = n;
    size_t nr = t->nreg > 0 ? (size_t)t->nreg : 1;
    popyear y = {year, malloc(nr * sizeof(int64_t)), calloc(nr, sizeof(long))};
    if (!y.pop || !y.line) {
        free(y.pop);
        free(y.line);
        return NULL;
    }
    for (size_t i = 0; i < nr; i++)
        y.pop[i] = -1;
    t->py[t->npy++] = y;
    return &t->py[t->npy - 1];
}

/* om_population_put_fn of om_transitions_read_population() */
static int put_pop(void *ctx, int32_t regso, int32_t year, int64_t population, long line, long *first)
{
    popyear *y = pop_year(ctx, year, true);
    if (!y)
        return -1;
    if (y->pop[regso] >= 0) {
        *first = y->line[regso];
        return 1;
    }
    y->pop[regso] = population;
    y->line[regso] = line;
    return 0;
}

/* Population comes through the project's one reader of population files
 * (src/sei/population.c), which `omrade types` uses too. */
om_status om_transitions_read_population(om_transitions *t, const char *path, om_error *err)
{
    return om_population_read(path, t->g, put_pop, t, err);
}

om_status om_transitions_compute(om_transitions *t, om_error *err)
{
    const om_geo *g = t->g;
    int32_t nlan = om_geo_count(g, OM_LEVEL_LAN), nkom = om_geo_count(g, OM_LEVEL_KOMMUN);
    size_t nunit = 1 + (size_t)nlan + (size_t)nkom;
    /* Years with at least one typed RegSO; a year holding only empty types
     * has no matrix (its RegSO would all be untyped). */
    size_t nyall = om_areatypes_nyears(t->at), ny = 0;
    int32_t *years = malloc((nyall ? nyall : 1) * sizeof *years);
    if (!years)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < nyall; i++) {
        int32_t y = om_areatypes_year_at(t->at, i);
        if (om_areatypes_ntyped(t->at, y) > 0)
            years[ny++] = y;
    }
    size_t npairs = ny > 1 ? ny - 1 : 0;
    free(t->rows);
    free(t->pairs);
    t->rows = malloc((npairs ? npairs : 1) * nunit * 25 * sizeof *t->rows);
    t->pairs = calloc(npairs ? npairs : 1, sizeof *t->pairs);
    /* per unit (riket, län, kommun) and cell (from, to): RegSO and population */
    struct {
        int64_t n, pop;
    } *sum = calloc(nunit * 25, sizeof *sum);
    t->nrows = t->npairs = 0;
    om_status st = OM_OK;
    if (!t->rows || !t->pairs || !sum)
        st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t pi = 0; pi < npairs && st == OM_OK; pi++) {
        int32_t y0 = years[pi], y1 = years[pi + 1];
        om_transition_pair *p = &t->pairs[t->npairs++];
        p->from_year = y0;
        p->to_year = y1;
        const popyear *py = pop_year(t, y0, false);
        p->has_population = py != NULL;
        memset(sum, 0, nunit * 25 * sizeof *sum);
        for (int32_t r = 0; r < t->nreg; r++) {
            int a = om_areatypes_get(t->at, r, y0), b = om_areatypes_get(t->at, r, y1);
            if (a < 0 && b < 0) {
                /* in neither year's input: not an area of these years */
                p->n_pop_unused += py && py->pop[r] >= 0;
                continue;
            }
            if (a < 1 || b < 1) {
                p->n_untyped++;
                p->n_pop_unused += py && py->pop[r] >= 0;
                continue;
            }
            int64_t pop = 0;
            if (py) {
                pop = py->pop[r];
                if (pop < 0) {
                    st = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                      "expected a population of %s in %ld (population is given "
                                      "for %ld), found none",
                                      om_geo_code(g, OM_LEVEL_REGSO, r), (long)y0, (long)y0);
                    break;
                }
            }
            p->n_areas++;
            p->n_changed += a != b;
            int32_t kom = om_geo_parent(g, OM_LEVEL_REGSO, r, OM_LEVEL_KOMMUN);
            int32_t lan = om_geo_parent(g, OM_LEVEL_REGSO, r, OM_LEVEL_LAN);
            size_t cell = (size_t)((a - 1) * 5 + (b - 1));
            size_t units[3] = {0, 1 + (size_t)lan, 1 + (size_t)nlan + (size_t)kom};
            for (int u = 0; u < 3; u++) {
                if ((u == 1 && lan < 0) || (u == 2 && kom < 0))
                    continue;
                sum[units[u] * 25 + cell].n++;
                sum[units[u] * 25 + cell].pop += pop;
            }
        }
        for (size_t u = 0; u < nunit && st == OM_OK; u++) {
            om_level lv = u == 0 ? OM_LEVEL_RIKET : u <= (size_t)nlan ? OM_LEVEL_LAN : OM_LEVEL_KOMMUN;
            int32_t idx = u == 0 ? 0 : u <= (size_t)nlan ? (int32_t)(u - 1) : (int32_t)(u - 1 - (size_t)nlan);
            for (int k = 0; k < 25; k++) {
                om_transition_row *row = &t->rows[t->nrows++];
                row->from_year = y0;
                row->to_year = y1;
                row->level = lv;
                row->idx = idx;
                row->from_type = k / 5 + 1;
                row->to_type = k % 5 + 1;
                row->n_areas = sum[u * 25 + (size_t)k].n;
                row->population = py ? sum[u * 25 + (size_t)k].pop : -1;
            }
        }
    }
    free(sum);
    free(years);
    return st;
}

OM_ARRAY_ACCESSORS(om_transitions, om_transition_row, om_transitions_row_count, om_transitions_row_at, nrows, rows)

OM_ARRAY_ACCESSORS(om_transitions, om_transition_pair, om_transitions_pair_count, om_transitions_pair_at, npairs, pairs)

om_status om_transitions_write_csv(const om_transitions *t, FILE *fp, om_error *err)
{
    fputs("from_year,to_year,level,code,from_type,to_type,n_areas,population\n", fp);
    for (size_t i = 0; i < t->nrows; i++) {
        const om_transition_row *r = &t->rows[i];
        fprintf(fp, "%ld,%ld,%s,%s,%d,%d,", (long)r->from_year, (long)r->to_year,
                om_level_name(r->level), om_geo_code(t->g, r->level, r->idx), r->from_type,
                r->to_type);
        om_csv_write_i64(fp, r->n_areas);
        fputc(',', fp);
        if (r->population >= 0)
            om_csv_write_i64(fp, r->population);
        fputc('\n', fp);
    }
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}

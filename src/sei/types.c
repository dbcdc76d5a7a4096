/* Area-type summaries: counts and shares of RegSO and of population per
 * area type for riket, län and kommun.
 *
 * Storage is dense: per year one byte per registry RegSO (−1 absent, 0
 * unclassified, 1..5 type) and one int64 population, so aggregation is one
 * pass over the RegSO with two parent-array reads each (om_geo_parent). */
#include "omrade/formats.h"
#include "omrade/csv.h"
#include "omrade/sei.h"
#include "sei_internal.h"
#include "common/common_internal.h"


#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct tyear {
    int32_t year;
    int8_t *type;   /* −1 absent, 0 unclassified, 1..5 */
    long *line;     /* input line of the type row (0 = API) */
    int64_t *pop;   /* −1 none */
    long *pop_line;
    bool has_pop;
    bool has_types; /* any area-type row (typed or unclassified) */
} tyear;

struct om_types {
    const om_geo *g;
    int32_t nreg;
    tyear *years;
    size_t ny, cap;
    om_types_row *rows;
    size_t nrows;
    om_types_year *stats;
    char types_file[256]; /* for positions in compute-time errors */
};

om_status om_types_new(om_types **out, const om_geo *g, om_error *err)
{
    *out = NULL;
    om_types *t = calloc(1, sizeof *t);
    if (!t)
        return om_error_nomem(err);
    t->g = g;
    t->nreg = om_geo_count(g, OM_LEVEL_REGSO);
    *out = t;
    return OM_OK;
}

static void free_year(tyear *y)
{
    free(y->type);
    free(y->line);
    free(y->pop);
    free(y->pop_line);
}

void om_types_free(om_types *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ny; i++)
        free_year(&t->years[i]);
    free(t->years);
    free(t->rows);
    free(t->stats);
    free(t);
}

/* The year's slot, created (kept sorted by year) when absent; NULL when out
 * of memory. */
static tyear *get_year(om_types *t, int32_t year)
{
    size_t lo = om_sei__year_pos(t->years, t->ny, sizeof *t->years, offsetof(tyear, year), year);
    if (lo < t->ny && t->years[lo].year == year)
        return &t->years[lo];
    if (t->ny == t->cap &&
        om_grow(&t->years, &t->cap, t->ny + 1, sizeof *t->years, 16, NULL) != OM_OK)
        return NULL;
    tyear y = {year, NULL, NULL, NULL, NULL, false, false};
    size_t n = (size_t)t->nreg;
    y.type = malloc(n ? n : 1);
    y.line = calloc(n ? n : 1, sizeof *y.line);
    y.pop = malloc((n ? n : 1) * sizeof *y.pop);
    y.pop_line = calloc(n ? n : 1, sizeof *y.pop_line);
    if (!y.type || !y.line || !y.pop || !y.pop_line) {
        free_year(&y);
        return NULL;
    }
    memset(y.type, -1, n);
    for (size_t i = 0; i < n; i++)
        y.pop[i] = -1;
    memmove(&t->years[lo + 1], &t->years[lo], (t->ny - lo) * sizeof *t->years);
    t->years[lo] = y;
    t->ny++;
    return &t->years[lo];
}

/* Shared by the API and the readers: 1 = duplicate (with the earlier line
 * in *first), 0 = stored, −1 = out of memory. */
static int store_type(om_types *t, int32_t regso, int32_t year, int type, long line, long *first)
{
    tyear *y = get_year(t, year);
    if (!y)
        return -1;
    if (y->type[regso] >= 0) {
        *first = y->line[regso];
        return 1;
    }
    y->type[regso] = (int8_t)type;
    y->line[regso] = line;
    y->has_types = true;
    return 0;
}

/* om_population_put_fn of om_types_read_population() */
static int store_pop(void *ctx, int32_t regso, int32_t year, int64_t pop, long line, long *first)
{
    om_types *t = ctx;
    tyear *y = get_year(t, year);
    if (!y)
        return -1;
    if (y->pop[regso] >= 0) {
        *first = y->pop_line[regso];
        return 1;
    }
    y->pop[regso] = pop;
    y->pop_line[regso] = line;
    y->has_pop = true;
    return 0;
}

static om_status api_check(const om_types *t, int32_t regso, int32_t year, om_error *err)
{
    if (regso < 0 || regso >= t->nreg)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a RegSO index below %ld, found %ld",
                            (long)t->nreg, (long)regso);
    if (!om_year_valid(year))
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a year %d-%d, found %ld", OM_YEAR_MIN,
                            OM_YEAR_MAX, (long)year);
    return OM_OK;
}

om_status om_types_set(om_types *t, int32_t regso, int32_t year, int area_type, om_error *err)
{
    om_status st = api_check(t, regso, year, err);
    if (st != OM_OK)
        return st;
    if (area_type < 0 || area_type > 5)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected an area type 1-5, found %d",
                            area_type);
    long first;
    int r = store_type(t, regso, year, area_type, 0, &first);
    if (r < 0)
        return om_error_nomem(err);
    if (r > 0)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected one area type per RegSO and year, found %s %ld twice",
                            om_geo_code(t->g, OM_LEVEL_REGSO, regso), (long)year);
    return OM_OK;
}

om_status om_types_set_population(om_types *t, int32_t regso, int32_t year, int64_t population,
                                  om_error *err)
{
    om_status st = api_check(t, regso, year, err);
    if (st != OM_OK)
        return st;
    if (population < 0)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a non-negative population, found %lld", (long long)population);
    long first;
    int r = store_pop(t, regso, year, population, 0, &first);
    if (r < 0)
        return om_error_nomem(err);
    if (r > 0)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected one population per RegSO and year, found %s %ld twice",
                            om_geo_code(t->g, OM_LEVEL_REGSO, regso), (long)year);
    return OM_OK;
}

/* ------------------------ fields shared with typesfile.c, population.c */

int32_t om_sei__regso_at(const om_csv *c, size_t col, const om_geo *g)
{
    om_field a = om_csv_field(c, col);
    om_level lv = OM_LEVEL_NONE;
    int32_t r = om_geo_resolve(g, a.ptr, a.len, &lv);
    return r >= 0 && lv == OM_LEVEL_REGSO ? r : -1;
}

om_status om_sei__regso_fail(const om_csv *c, size_t col, const om_geo *g, om_error *err)
{
    om_field a = om_csv_field(c, col);
    return om_csv_fail(c, col, err, "expected a RegSO code or 'Kommun (RegSO)' label of %s, found '%.*s'",
                       om_geo_vintage(g), (int)(a.len > 60 ? 60 : a.len), a.ptr);
}

om_status om_sei__year_at(const om_csv *c, size_t col, const char *name, int64_t *year, om_error *err)
{
    om_status st = om_csv_i64(c, col, year, err);
    if (st == OM_OK && !om_year_valid(*year))
        st = om_csv_fail(c, col, err, "expected a year %d-%d in column '%s', found '%lld'", OM_YEAR_MIN,
                         OM_YEAR_MAX, name, (long long)*year);
    return st;
}

size_t om_sei__year_pos(const void *arr, size_t n, size_t size, size_t off, int32_t year)
{
    const char *base = arr;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int32_t y;
        memcpy(&y, base + mid * size + off, sizeof y);
        if (y < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* ------------------------------------------------------------ reading */

/* Area types come through the project's one reader of type files
 * (typesfile.c: the long layout and SCB's export), then into the dense
 * per-year arrays here, keeping the input line of each value for
 * compute-time errors. */
om_status om_types_read(om_types *t, const char *path, om_error *err)
{
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    snprintf(t->types_file, sizeof t->types_file, "%s", name);
    om_areatypes *a = NULL;
    om_status st = om_areatypes_new(&a, t->g, err);
    if (st == OM_OK)
        st = om_areatypes_read(a, path, NULL, err);
    for (size_t yi = 0; st == OM_OK && yi < om_areatypes_nyears(a); yi++) {
        int32_t year = om_areatypes_year_at(a, yi);
        for (int32_t r = 0; st == OM_OK && r < t->nreg; r++) {
            int type = om_areatypes_get(a, r, year);
            if (type < 0)
                continue;
            const char *file;
            long line = 0, col = 0, first = 0;
            om_areatypes_origin(a, r, year, &file, &line, &col);
            int rc = store_type(t, r, year, type, line, &first);
            if (rc < 0)
                st = om_error_nomem(err);
            else if (rc > 0)
                st = om_error_set(err, OM_ERR_INPUT, name, line, col,
                                  "expected one area type per RegSO and year, found %s %ld again "
                                  "(first on line %ld)",
                                  om_geo_code(t->g, OM_LEVEL_REGSO, r), (long)year, first);
        }
    }
    om_areatypes_free(a);
    return st;
}

om_status om_types_read_population(om_types *t, const char *path, om_error *err)
{
    return om_population_read(path, t->g, store_pop, t, err);
}

/* ------------------------------------------------------------ computing */

static double pct(int64_t part, int64_t whole)
{
    return whole > 0 ? 100.0 * (double)part / (double)whole : NAN;
}

om_status om_types_compute(om_types *t, om_error *err)
{
    const om_geo *g = t->g;
    int32_t nlan = om_geo_count(g, OM_LEVEL_LAN), nkom = om_geo_count(g, OM_LEVEL_KOMMUN);
    size_t nunit = 1 + (size_t)nlan + (size_t)nkom;
    free(t->rows);
    free(t->stats);
    t->nrows = 0;
    t->rows = malloc((t->ny ? t->ny : 1) * nunit * 6 * sizeof *t->rows);
    t->stats = calloc(t->ny ? t->ny : 1, sizeof *t->stats);
    int64_t *cnt = calloc(nunit * 6, sizeof *cnt), *pops = calloc(nunit * 6, sizeof *pops);
    if (!t->rows || !t->stats || !cnt || !pops) {
        free(cnt);
        free(pops);
        return om_error_nomem(err);
    }
    om_status st = OM_OK;
    for (size_t yi = 0; yi < t->ny && st == OM_OK; yi++) {
        const tyear *y = &t->years[yi];
        om_types_year *ys = &t->stats[yi];
        ys->year = y->year;
        ys->has_population = y->has_pop;
        ys->has_types = y->has_types;
        memset(cnt, 0, nunit * 6 * sizeof *cnt);
        memset(pops, 0, nunit * 6 * sizeof *pops);
        for (int32_t r = 0; r < t->nreg; r++) {
            int ty = y->type[r];
            if (ty < 0) {
                ys->n_absent++;
                if (y->pop[r] >= 0)
                    ys->n_pop_unused++;
                continue;
            }
            if (ty == 0) {
                ys->n_unclassified++;
                if (y->pop[r] >= 0)
                    ys->n_pop_unused++;
                continue;
            }
            ys->n_typed++;
            if (y->has_pop && y->pop[r] < 0) {
                st = om_error_set(err, OM_ERR_INPUT, y->line[r] ? t->types_file : NULL, y->line[r],
                                  0,
                                  "expected a population for every RegSO with an area type in "
                                  "%ld, found none for %s",
                                  (long)y->year, om_geo_code(g, OM_LEVEL_REGSO, r));
                break;
            }
            int64_t p = y->has_pop ? y->pop[r] : 0;
            size_t units[3] = {0,
                               1 + (size_t)om_geo_parent(g, OM_LEVEL_REGSO, r, OM_LEVEL_LAN),
                               1 + (size_t)nlan +
                                   (size_t)om_geo_parent(g, OM_LEVEL_REGSO, r, OM_LEVEL_KOMMUN)};
            for (int u = 0; u < 3; u++) {
                cnt[units[u] * 6 + (size_t)ty]++;
                pops[units[u] * 6 + (size_t)ty] += p;
            }
        }
        if (!y->has_types)
            continue; /* a population-only year: counted as unused, no rows */
        for (size_t u = 0; u < nunit && st == OM_OK; u++) {
            om_level lv = u == 0 ? OM_LEVEL_RIKET : u <= (size_t)nlan ? OM_LEVEL_LAN : OM_LEVEL_KOMMUN;
            int32_t idx = u == 0 ? 0 : u <= (size_t)nlan ? (int32_t)(u - 1) : (int32_t)(u - 1 - (size_t)nlan);
            const int64_t *c = &cnt[u * 6], *p = &pops[u * 6];
            int64_t ctot = c[1] + c[2] + c[3] + c[4] + c[5];
            int64_t ptot = p[1] + p[2] + p[3] + p[4] + p[5];
            for (int k = 1; k <= 6; k++) {
                om_types_row *row = &t->rows[t->nrows++];
                int64_t n = k == 6 ? c[1] + c[2] : c[k], pp = k == 6 ? p[1] + p[2] : p[k];
                row->year = y->year;
                row->level = lv;
                row->idx = idx;
                row->area_type = k == 6 ? OM_TYPES_1_2 : k;
                row->n_areas = n;
                row->share_areas = pct(n, ctot);
                row->population = y->has_pop ? pp : -1;
                row->share_population = y->has_pop ? pct(pp, ptot) : NAN;
            }
        }
    }
    free(cnt);
    free(pops);
    return st;
}

OM_ARRAY_ACCESSORS(om_types, om_types_row, om_types_row_count, om_types_row_at, nrows, rows)

size_t om_types_year_count(const om_types *t)
{
    return t->stats ? t->ny : 0;
}

const om_types_year *om_types_year_at(const om_types *t, size_t i)
{
    return t->stats && i < t->ny ? &t->stats[i] : NULL;
}

om_status om_types_write_csv(const om_types *t, FILE *fp, om_error *err)
{
    om_status hs = om_format_write_header(om_format_find(OM_FORMAT_TYPES_SUMMARY), fp, err);
    if (hs != OM_OK)
        return hs;
    for (size_t i = 0; i < t->nrows; i++) {
        const om_types_row *r = &t->rows[i];
        fprintf(fp, "%ld,%s,%s,", (long)r->year, om_level_name(r->level),
                om_geo_code(t->g, r->level, r->idx));
        om_csv_write_str(fp, om_geo_name(t->g, r->level, r->idx));
        if (r->area_type == OM_TYPES_1_2)
            fputs(",1-2,", fp);
        else
            fprintf(fp, ",%d,", r->area_type);
        om_csv_write_i64(fp, r->n_areas);
        fputc(',', fp);
        om_csv_write_double(fp, r->share_areas);
        fputc(',', fp);
        if (r->population >= 0)
            om_csv_write_i64(fp, r->population);
        fputc(',', fp);
        om_csv_write_double(fp, r->share_population);
        fputc('\n', fp);
    }
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}

/* Long-form `unit,group,count` tables for the generic entry point.
 *
 * Rows are collected as (unit, group, count, offset) and then spread into a
 * dense units x groups array; the offset lets a repeated pair be reported at
 * its own line.  The dense array is capped so that a hostile file with many
 * distinct units and groups cannot demand unbounded memory. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/seg.h"
#include "seg_internal.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS ((size_t)1 << 27)

struct om_seg_table {
    om_arena *arena;
    om_strmap *umap, *gmap;
    char **units, **groups;
    int32_t nu, ng, cap_u, cap_g;
    double *counts;
};

typedef struct trip {
    int32_t u, g;
    double v;
    size_t off;
} trip;

static om_status add_name(om_seg_table *t, bool unit, const char *s, size_t len, int32_t *idx)
{
    om_strmap *m = unit ? t->umap : t->gmap;
    int32_t *n = unit ? &t->nu : &t->ng;
    int32_t *cap = unit ? &t->cap_u : &t->cap_g;
    char ***names = unit ? &t->units : &t->groups;
    int32_t got;
    if (om_strmap_put_new(m, s, len, *n, &got) != OM_OK)
        return OM_ERR_NOMEM;
    if (got != *n) {
        *idx = got;
        return OM_OK;
    }
    if (*n == *cap) {
        int32_t nc = *cap ? *cap * 2 : 64;
        char **nn = realloc(*names, (size_t)nc * sizeof *nn);
        if (!nn)
            return OM_ERR_NOMEM;
        *names = nn;
        *cap = nc;
    }
    (*names)[*n] = om_arena_strndup(t->arena, s, len);
    if (!(*names)[*n])
        return OM_ERR_NOMEM;
    *idx = (*n)++;
    return OM_OK;
}

void om_seg_table_free(om_seg_table *t)
{
    if (!t)
        return;
    om_strmap_free(t->umap);
    om_strmap_free(t->gmap);
    om_arena_free(t->arena);
    free(t->units);
    free(t->groups);
    free(t->counts);
    free(t);
}

static om_status read_table(om_seg_table **out, om_csv *c, om_error *err)
{
    *out = NULL;
    om_status s = om_csv_read_header(c, err);
    if (s != OM_OK)
        return s;
    static const char *const cols[] = {"unit", "group", "count"};
    int idx[3];
    if ((s = om_csv_require(c, cols, 3, idx, err)) != OM_OK)
        return s;
    om_seg_table *t = calloc(1, sizeof *t);
    trip *tr = NULL;
    size_t ntr = 0, cap = 0;
    if (!t || !(t->arena = om_arena_new(0)) || !(t->umap = om_strmap_new(64)) ||
        !(t->gmap = om_strmap_new(8))) {
        s = om_error_nomem(err);
        goto fail;
    }
    for (;;) {
        size_t off;
        bool got;
        if ((s = om_seg__next_record(c, idx, 3, &got, &off, err)) != OM_OK)
            goto fail;
        if (!got)
            break;
        om_field fu = om_csv_field(c, (size_t)idx[0]), fg = om_csv_field(c, (size_t)idx[1]);
        if (fu.len == 0) {
            s = om_csv_fail(c, (size_t)idx[0], err, "expected a unit name, found an empty field");
            goto fail;
        }
        if (fg.len == 0) {
            s = om_csv_fail(c, (size_t)idx[1], err, "expected a group name, found an empty field");
            goto fail;
        }
        /* a count of persons: whole, non-negative, at most 2^53 (sums of
         * counts stay exact in doubles) */
        int64_t vi;
        if ((s = om_csv_count(c, (size_t)idx[2], 0, &vi, err)) != OM_OK)
            goto fail;
        double v = (double)vi;
        trip r = {0, 0, v, off};
        if (add_name(t, true, fu.ptr, fu.len, &r.u) != OM_OK ||
            add_name(t, false, fg.ptr, fg.len, &r.g) != OM_OK) {
            s = om_error_nomem(err);
            goto fail;
        }
        if (ntr == cap && (s = om_grow(&tr, &cap, ntr + 1, sizeof *tr, 256, err)) != OM_OK)
            goto fail;
        tr[ntr++] = r;
    }
    if (ntr == 0) {
        s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 2, 1,
                         "expected at least one data row, found none");
        goto fail;
    }
    size_t cells = (size_t)t->nu * (size_t)t->ng;
    if (cells > MAX_CELLS) {
        s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0,
                         "expected at most %zu unit x group cells, found %d units x %d groups",
                         MAX_CELLS, (int)t->nu, (int)t->ng);
        goto fail;
    }
    t->counts = malloc(cells * sizeof *t->counts);
    unsigned char *seen = calloc(cells, 1);
    if (!t->counts || !seen) {
        free(seen);
        s = om_error_nomem(err);
        goto fail;
    }
    for (size_t i = 0; i < cells; i++)
        t->counts[i] = 0;
    for (size_t i = 0; i < ntr; i++) {
        size_t cell = (size_t)tr[i].u * (size_t)t->ng + (size_t)tr[i].g;
        if (seen[cell]) {
            free(seen);
            s = om_csv_fail_at(c, tr[i].off, err,
                               "expected each unit,group pair once, found '%s,%s' again",
                               t->units[tr[i].u], t->groups[tr[i].g]);
            goto fail;
        }
        seen[cell] = 1;
        t->counts[cell] = tr[i].v;
    }
    free(seen);
    free(tr);
    *out = t;
    return OM_OK;
fail:
    free(tr);
    om_seg_table_free(t);
    return s;
}

om_status om_seg_table_read(om_seg_table **out, const char *path, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = read_table(out, c, err);
    om_csv_free(c);
    return s;
}

om_status om_seg_table_read_mem(om_seg_table **out, const char *name, const void *data,
                                size_t len, om_error *err)
{
    om_csv *c = NULL;
    om_csv_options opt = {0};
    opt.max_fields = 1024;
    om_status s = om_csv_open_mem(&c, name, data, len, &opt, err);
    if (s == OM_OK)
        s = read_table(out, c, err);
    om_csv_free(c);
    return s;
}

int32_t om_seg_table_units(const om_seg_table *t) { return t->nu; }
int32_t om_seg_table_groups(const om_seg_table *t) { return t->ng; }
const char *om_seg_table_unit(const om_seg_table *t, int32_t i) { return t->units[i]; }
const char *om_seg_table_group(const om_seg_table *t, int32_t k) { return t->groups[k]; }
const double *om_seg_table_counts(const om_seg_table *t) { return t->counts; }

int32_t om_seg_table_find_group(const om_seg_table *t, const char *name, size_t len)
{
    return om_strmap_get(t->gmap, name, len);
}

om_status om_seg_table_read_super(const om_seg_table *t, const char *path, int32_t **super_of,
                                  int32_t *n_super, int64_t *n_unused, om_error *err)
{
    *super_of = NULL;
    *n_super = 0;
    *n_unused = 0;
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    int32_t *sup = malloc((size_t)t->nu * sizeof *sup);
    om_strmap *smap = om_strmap_new(64);
    if (!sup || !smap) {
        s = om_error_nomem(err);
        goto done;
    }
    for (int32_t i = 0; i < t->nu; i++)
        sup[i] = -1;
    if ((s = om_csv_read_header(c, err)) != OM_OK)
        goto done;
    static const char *const cols[] = {"unit", "super"};
    int idx[2];
    if ((s = om_csv_require(c, cols, 2, idx, err)) != OM_OK)
        goto done;
    int32_t ns = 0;
    for (;;) {
        bool got;
        if ((s = om_seg__next_record(c, idx, 2, &got, NULL, err)) != OM_OK)
            goto done;
        if (!got)
            break;
        om_field fu = om_csv_field(c, (size_t)idx[0]), fs = om_csv_field(c, (size_t)idx[1]);
        if (fs.len == 0) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected a super-unit name, found an empty field");
            goto done;
        }
        int32_t u = om_strmap_get(t->umap, fu.ptr, fu.len);
        if (u < 0) {
            (*n_unused)++;
            continue;
        }
        int32_t sv;
        if (om_strmap_put_new(smap, fs.ptr, fs.len, ns, &sv) != OM_OK) {
            s = om_error_nomem(err);
            goto done;
        }
        if (sv == ns)
            ns++;
        if (sup[u] >= 0 && sup[u] != sv) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected one super-unit per unit, found a second one for '%s'",
                            t->units[u]);
            goto done;
        }
        sup[u] = sv;
    }
    for (int32_t i = 0; i < t->nu; i++)
        if (sup[i] < 0) {
            s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 0, 0,
                             "expected a row for unit '%s', found none", t->units[i]);
            goto done;
        }
    *super_of = sup;
    *n_super = ns;
    sup = NULL;
done:
    free(sup);
    om_strmap_free(smap);
    om_csv_free(c);
    return s;
}

om_status om_seg_table_pair(const om_seg_table *t, int32_t a, int32_t b, double **out, om_error *err)
{
    int32_t nu = t->nu, ng = t->ng;
    const double *counts = t->counts;
    double *sub = malloc((size_t)(nu ? nu : 1) * 2 * sizeof *sub);
    *out = sub;
    if (!sub)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (int32_t i = 0; i < nu; i++) {
        double rest = 0;
        if (b >= 0)
            rest = counts[(size_t)i * (size_t)ng + (size_t)b];
        else
            for (int32_t k = 0; k < ng; k++)
                if (k != a)
                    rest += counts[(size_t)i * (size_t)ng + (size_t)k];
        sub[2 * i] = counts[(size_t)i * (size_t)ng + (size_t)a];
        sub[2 * i + 1] = rest;
    }
    return OM_OK;
}

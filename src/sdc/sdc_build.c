/* The table model of om_sdc, build: the final trees, every table's cells
 * with their margins, and the additivity constraints (the model is
 * described in sdc_model.c); accessors of the built model. */
#define _POSIX_C_SOURCE 200809L
#include "sdc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ build */

/* qsort has no context argument in C11: comparator state is per thread */
static _Thread_local char **g_codes;
static int cmp_code_idx(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return strcmp(g_codes[x], g_codes[y]);
}

/* Resizes the array *pp (a T ** passed as void *, as om_grow takes it) to
 * n elements of size bytes; false, the array unchanged, when out of memory. */
static bool resize(void *pp, size_t n, size_t size)
{
    void *old;
    memcpy(&old, pp, sizeof old);
    void *p = realloc(old, n * size);
    if (!p)
        return false;
    memcpy(pp, &p, sizeof p);
    return true;
}

/* Prune to input codes and their ancestors, choose the root, sort codes
 * (root last), build children lists, depths and preorder numbering. */
static om_status dim_finalize(om_sdc *s, size_t di, om_error *err)
{
    sdc_dim *d = &s->dim[di];
    int32_t np = d->np;
    uint8_t *keep = calloc((size_t)np + 1, 1);
    uint8_t *used = calloc((size_t)np + 1, 1);
    if (!keep || !used) {
        free(keep);
        free(used);
        return om_error_nomem(err);
    }
    for (size_t r = 0; r < s->ninner; r++)
        if (s->inner[r].mask & (1u << di))
            used[s->inner[r].coord[di]] = 1;
    /* a cycle anywhere in the hierarchy file is an error, used or not */
    for (int32_t i = 0; i < np; i++) {
        int32_t x = i, steps = 0;
        while (x >= 0 && steps <= np) {
            x = d->pparent[x];
            steps++;
        }
        if (x >= 0) {
            om_status st = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                        "expected a tree in the hierarchy of '%s', found a cycle through '%s'",
                                        d->name, d->pcode[i]);
            free(keep);
            free(used);
            return st;
        }
    }
    /* mark ancestors */
    for (int32_t i = 0; i < np; i++) {
        if (!used[i])
            continue;
        int32_t x = i, steps = 0;
        while (x >= 0 && !keep[x]) {
            keep[x] = 1;
            x = d->pparent[x];
            if (++steps > np) {
                free(keep);
                free(used);
                return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                    "expected a tree in the hierarchy of '%s', found a cycle through '%s'",
                                    d->name, d->pcode[i]);
            }
        }
        /* keep[] might have been set by a cycle member earlier: verify */
        x = i;
        steps = 0;
        while (x >= 0) {
            x = d->pparent[x];
            if (++steps > np + 1) {
                free(keep);
                free(used);
                return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                    "expected a tree in the hierarchy of '%s', found a cycle through '%s'",
                                    d->name, d->pcode[i]);
            }
        }
    }
    /* an inner code must not be a parent of a kept node */
    for (int32_t i = 0; i < np; i++)
        if (keep[i] && d->pparent[i] >= 0 && used[d->pparent[i]]) {
            om_status st = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                        "expected inner codes of '%s' to be leaves of the hierarchy, found "
                                        "'%s' which is the parent of '%s'",
                                        d->name, d->pcode[d->pparent[i]], d->pcode[i]);
            free(keep);
            free(used);
            return st;
        }
    int32_t nroots = 0, oneroot = -1, nkeep = 0;
    for (int32_t i = 0; i < np; i++)
        if (keep[i]) {
            nkeep++;
            if (d->pparent[i] < 0) {
                nroots++;
                oneroot = i;
            }
        }
    d->synthetic_root = !d->has_hier || nroots != 1 || used[oneroot];
    if (d->synthetic_root && om_strmap_get(d->map, OM_SDC_TOTAL, strlen(OM_SDC_TOTAL)) >= 0) {
        free(keep);
        free(used);
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected no code '%s' in dimension '%s' (it names the generated margin)",
                            OM_SDC_TOTAL, d->name);
    }
    int32_t n = nkeep + (d->synthetic_root ? 1 : 0);
    d->n = n;
    d->code = calloc((size_t)n, sizeof *d->code);
    d->parent = malloc((size_t)n * sizeof *d->parent);
    d->depth = malloc((size_t)n * sizeof *d->depth);
    d->pre = malloc((size_t)n * sizeof *d->pre);
    d->size = malloc((size_t)n * sizeof *d->size);
    d->child_start = calloc((size_t)n + 1, sizeof *d->child_start);
    d->child = malloc((size_t)n * sizeof *d->child);
    d->prov2final = malloc(((size_t)np + 1) * sizeof *d->prov2final);
    int32_t *order = malloc(((size_t)np + 1) * sizeof *order);
    int32_t *stack = malloc(((size_t)n + 1) * sizeof *stack);
    if (!d->code || !d->parent || !d->depth || !d->pre || !d->size || !d->child_start || !d->child ||
        !d->prov2final || !order || !stack) {
        free(keep);
        free(used);
        free(order);
        free(stack);
        return om_error_nomem(err);
    }
    int32_t k = 0;
    for (int32_t i = 0; i < np; i++)
        if (keep[i] && !(!d->synthetic_root && i == oneroot))
            order[k++] = i;
    g_codes = d->pcode;
    qsort(order, (size_t)k, sizeof *order, cmp_code_idx);
    for (int32_t i = 0; i < np; i++)
        d->prov2final[i] = -1;
    for (int32_t j = 0; j < k; j++) {
        d->prov2final[order[j]] = j;
        d->code[j] = d->pcode[order[j]];
    }
    d->root = n - 1;
    if (d->synthetic_root) {
        d->code[d->root] = om_sdc_xstrdup(OM_SDC_TOTAL);
        if (!d->code[d->root]) {
            free(keep);
            free(used);
            free(order);
            free(stack);
            return om_error_nomem(err);
        }
    } else {
        d->prov2final[oneroot] = d->root;
        d->code[d->root] = d->pcode[oneroot];
    }
    for (int32_t j = 0; j < k; j++) {
        int32_t pp = d->pparent[order[j]];
        d->parent[j] = pp >= 0 ? d->prov2final[pp] : d->root;
    }
    d->parent[d->root] = -1;
    /* children lists (counting sort, children ascending) */
    for (int32_t j = 0; j < n; j++)
        if (d->parent[j] >= 0)
            d->child_start[d->parent[j] + 1]++;
    for (int32_t j = 0; j < n; j++)
        d->child_start[j + 1] += d->child_start[j];
    int32_t *fill = order; /* reuse */
    for (int32_t j = 0; j < n; j++)
        fill[j] = d->child_start[j];
    for (int32_t j = 0; j < n; j++)
        if (d->parent[j] >= 0)
            d->child[fill[d->parent[j]]++] = j;
    /* preorder, depth, subtree sizes (iterative DFS) */
    int32_t sp = 0, pre = 0;
    stack[sp++] = d->root;
    d->depth[d->root] = 0;
    d->maxdepth = 0;
    while (sp) {
        int32_t x = stack[--sp];
        d->pre[x] = pre++;
        for (int32_t c = d->child_start[x + 1] - 1; c >= d->child_start[x]; c--) {
            int32_t ch = d->child[c];
            d->depth[ch] = d->depth[x] + 1;
            if (d->depth[ch] > d->maxdepth)
                d->maxdepth = d->depth[ch];
            stack[sp++] = ch;
        }
    }
    d->bypre = malloc((size_t)n * sizeof *d->bypre);
    if (!d->bypre) {
        free(keep);
        free(used);
        free(order);
        free(stack);
        return om_error_nomem(err);
    }
    for (int32_t j = 0; j < n; j++)
        d->bypre[d->pre[j]] = j;
    for (int32_t j = 0; j < n; j++)
        d->size[j] = 1;
    /* sizes: process nodes by decreasing depth */
    for (int32_t dep = d->maxdepth; dep > 0; dep--)
        for (int32_t j = 0; j < n; j++)
            if (d->depth[j] == dep)
                d->size[d->parent[j]] += d->size[j];
    free(keep);
    free(used);
    free(order);
    free(stack);
    d->ntree = n;
    if (d->ngname == 0)
        return OM_OK;
    /* groupings: nodes ntree.. in order of first declaration */
    int32_t ntot = n + d->ngname;
    /* each array is resized even when one before failed: what succeeded
     * is kept and freed with the dimension */
    bool ok = resize(&d->code, (size_t)ntot, sizeof *d->code);
    ok &= resize(&d->parent, (size_t)ntot, sizeof *d->parent);
    ok &= resize(&d->depth, (size_t)ntot, sizeof *d->depth);
    ok &= resize(&d->pre, (size_t)ntot, sizeof *d->pre);
    ok &= resize(&d->size, (size_t)ntot, sizeof *d->size);
    ok &= resize(&d->child_start, (size_t)ntot + 1, sizeof *d->child_start);
    d->ingrp_start = calloc((size_t)n + 1, sizeof *d->ingrp_start);
    d->ingrp = malloc((d->ngm + 1) * sizeof *d->ingrp);
    if (!ok || !d->ingrp_start || !d->ingrp)
        return om_error_nomem(err);
    for (int32_t g = 0; g < d->ngname; g++) {
        int32_t x = n + g;
        if (om_strmap_get(d->map, d->gname[g], strlen(d->gname[g])) >= 0 ||
            (d->synthetic_root && strcmp(d->gname[g], OM_SDC_TOTAL) == 0))
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected group codes of '%s' distinct from its other codes, found '%s'", d->name,
                                d->gname[g]);
        d->code[x] = d->gname[g];
        d->parent[x] = -1;
        d->depth[x] = 0;
        d->pre[x] = -1;
        d->size[x] = 1;
        d->child_start[x + 1] = d->child_start[x];
    }
    for (size_t k = 0; k < d->ngm; k++) {
        int32_t m = d->prov2final[d->gm_member[k]];
        if (m < 0)
            continue; /* a member absent from the table contributes 0 */
        if (d->child_start[m] != d->child_start[m + 1])
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected members of group '%s' to be inner codes of '%s', found '%s'",
                                d->gname[d->gm_group[k]], d->name, d->pcode[d->gm_member[k]]);
        d->ingrp_start[m + 1]++;
    }
    for (int32_t j = 0; j < n; j++)
        d->ingrp_start[j + 1] += d->ingrp_start[j];
    int32_t *fillg = malloc(((size_t)n + 1) * sizeof *fillg);
    if (!fillg)
        return om_error_nomem(err);
    memcpy(fillg, d->ingrp_start, ((size_t)n + 1) * sizeof *fillg);
    for (size_t k = 0; k < d->ngm; k++) {
        int32_t m = d->prov2final[d->gm_member[k]];
        if (m >= 0)
            d->ingrp[fillg[m]++] = n + d->gm_group[k];
    }
    free(fillg);
    d->n = ntot;
    return OM_OK;
}

static bool is_leaf(const sdc_dim *d, int32_t x)
{
    return d->child_start[x] == d->child_start[x + 1];
}

static om_status add_row_entry(om_sdc *s, int32_t cell, int8_t coef)
{
    if (s->nnz == s->capnnz) {
        size_t nc = s->capnnz ? s->capnnz * 2 : 4096;
        int32_t *rc = realloc(s->row_cell, nc * sizeof *rc);
        if (!rc)
            return OM_ERR_NOMEM;
        s->row_cell = rc;
        int8_t *cf = realloc(s->row_coef, nc * sizeof *cf);
        if (!cf)
            return OM_ERR_NOMEM;
        s->row_coef = cf;
        s->capnnz = nc;
    }
    s->row_cell[s->nnz] = cell;
    s->row_coef[s->nnz] = coef;
    s->nnz++;
    return OM_OK;
}

static om_status build_cells(om_sdc *s, int32_t **up, om_error *err);

om_status om_sdc_build(om_sdc *s, om_error *err)
{
    if (s->built)
        return OM_OK;
    if (s->ninner == 0)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected at least one inner cell, found none");
    om_status st;
    for (size_t d = 0; d < s->nd; d++)
        if ((st = dim_finalize(s, d, err)) != OM_OK)
            return st;
    int32_t *up[SDC_MAX_DIMS] = {0};
    for (size_t d = 0; d < s->nd; d++)
        if (!(up[d] = malloc(((size_t)s->dim[d].n + 1) * sizeof *up[d]))) {
            for (size_t e = 0; e < d; e++)
                free(up[e]);
            return om_error_nomem(err);
        }
    st = build_cells(s, up, err);
    for (size_t d = 0; d < s->nd; d++)
        free(up[d]);
    return st;
}


/* Opens a constraint row (room in row_start, doubling) with its total
 * cell as the first entry, coefficient +1: total - sum of parts = 0. */
static om_status start_row(om_sdc *s, size_t *caprow, int32_t total)
{
    if (s->nrow + 2 > *caprow) {
        size_t *rs = realloc(s->row_start, *caprow * 2 * sizeof *rs);
        if (!rs)
            return OM_ERR_NOMEM;
        s->row_start = rs;
        *caprow *= 2;
    }
    return add_row_entry(s, total, 1);
}

/* Inner coordinates to final ids (absent dimensions at the root), and the
 * tables in order of first use. */
static om_status assign_tables(om_sdc *s, om_error *err)
{
    /* inner coordinates to final ids; absent dims at the root */
    for (size_t r = 0; r < s->ninner; r++)
        for (size_t d = 0; d < s->nd; d++)
            s->inner[r].coord[d] = (s->inner[r].mask & (1u << d)) ? s->dim[d].prov2final[s->inner[r].coord[d]]
                                                                  : s->dim[d].root;
    /* tables in order of first use */
    for (size_t r = 0; r < s->ninner; r++) {
        uint8_t m = s->inner[r].mask;
        int t;
        for (t = 0; t < s->ntables; t++)
            if (s->table[t].mask == m)
                break;
        if (t == s->ntables) {
            if (s->ntables == SDC_MAX_TABLES)
                return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected at most %d linked tables",
                                    SDC_MAX_TABLES);
            s->table[t].mask = m;
            s->ntables++;
        }
    }
    return OM_OK;
}

/* Each table's grid (the product of its dimensions' nodes); their sizes
 * summed in *total. */
static om_status table_grids(om_sdc *s, size_t *total_out, om_error *err)
{
    /* grids and cell ids; full keys for sharing between tables */
    size_t total = 0;
    uint64_t keyspan = 1;
    for (size_t d = 0; d < s->nd; d++) {
        if (keyspan > (UINT64_C(1) << 62) / (uint64_t)s->dim[d].n)
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "table too large");
        keyspan *= (uint64_t)s->dim[d].n;
    }
    for (int t = 0; t < s->ntables; t++) {
        sdc_table *tb = &s->table[t];
        tb->nd = 0;
        size_t n = 1;
        for (size_t d = 0; d < s->nd; d++)
            if (tb->mask & (1u << d)) {
                tb->dims[tb->nd++] = (int)d;
                if (n > ((size_t)1 << 31) / (size_t)s->dim[d].n)
                    return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "table too large (over 2^31 cells)");
                n *= (size_t)s->dim[d].n;
            }
        size_t str = 1;
        for (int k = tb->nd - 1; k >= 0; k--) {
            tb->stride[k] = str;
            str *= (size_t)s->dim[tb->dims[k]].n;
        }
        tb->ncell = n;
        total += n;
        if (total > ((size_t)1 << 31))
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "tables too large (over 2^31 cells)");
    }
    *total_out = total;
    return OM_OK;
}

/* Table tb's grid values gv (6 per grid point: value, denominator,
 * contributors, top 1..3) and inner flags from the inner rows, each added to
 * the product of its ancestor chains (up: per dimension scratch). */
static void aggregate_inner(const om_sdc *s, const sdc_table *tb, int32_t **up, double *gv, uint8_t *ginner)
{
    /* aggregate inner rows over the product of ancestor chains */
    for (size_t r = 0; r < s->ninner; r++) {
        const sdc_inner *in = &s->inner[r];
        if (in->mask != tb->mask)
            continue;
        int32_t cur[SDC_MAX_DIMS];
        int32_t pos[SDC_MAX_DIMS] = {0}, len[SDC_MAX_DIMS];
        for (size_t d = 0; d < s->nd; d++)
            cur[d] = in->coord[d];
        /* per table dimension: the leaf, its ancestors, then its groups */
        for (int k = 0; k < tb->nd; k++) {
            int dd = tb->dims[k];
            const sdc_dim *dm = &s->dim[dd];
            int32_t q = 0;
            for (int32_t x = in->coord[dd]; x >= 0; x = dm->parent[x])
                up[dd][q++] = x;
            if (dm->ingrp_start)
                for (int32_t e = dm->ingrp_start[in->coord[dd]]; e < dm->ingrp_start[in->coord[dd] + 1]; e++)
                    up[dd][q++] = dm->ingrp[e];
            len[k] = q;
        }
        ginner[sdc_grid_index(s, tb, cur)] = 1 | (in->in.forced ? 2 : 0) | (in->in.suppressed ? 4 : 0);
        for (;;) {
            size_t g = sdc_grid_index(s, tb, cur);
            double *v = gv + g * 6;
            v[0] += in->in.value;
            v[1] += in->in.denominator;
            v[2] += in->in.contributors;
            /* top-3 of the union of contributions (contributors are distinct across inner cells) */
            for (int q = 0; q < 3; q++) {
                double x = in->in.top[q];
                if (!(x > 0))
                    break;
                for (int p = 0; p < 3; p++)
                    if (x > v[3 + p]) {
                        double tmp = v[3 + p];
                        v[3 + p] = x;
                        x = tmp;
                    }
            }
            /* next ancestor combination (odometer over dims in the table) */
            int k;
            for (k = tb->nd - 1; k >= 0; k--) {
                int dd = tb->dims[k];
                if (++pos[k] < len[k]) {
                    cur[dd] = up[dd][pos[k]];
                    break;
                }
                pos[k] = 0;
                cur[dd] = in->coord[dd];
            }
            if (k < 0)
                break;
        }
    }
}

/* Cell ids of table t's grid points: a new cell, or with linked tables the
 * cell of the same full coordinates another table made (which must agree
 * on the value). */
static om_status enumerate_grid(om_sdc *s, int t, const double *gv, const uint8_t *ginner, om_u64map *keys,
                                size_t *ncell, om_error *err)
{
    sdc_table *tb = &s->table[t];
    int32_t co[SDC_MAX_DIMS];
    /* enumerate the grid */
    for (size_t d = 0; d < s->nd; d++)
        co[d] = s->dim[d].root;
    for (int k = 0; k < tb->nd; k++)
        co[tb->dims[k]] = 0;
    for (size_t g = 0; g < tb->ncell; g++) {
        /* co holds the coordinates of grid point g */
        int32_t id = (int32_t)*ncell;
        bool fresh = true;
        if (keys) {
            uint64_t key = 0;
            for (size_t d = 0; d < s->nd; d++)
                key = key * (uint64_t)s->dim[d].n + (uint64_t)co[d];
            uint32_t ex;
            if (om_u64map_put_new(keys, key, (uint32_t)*ncell, &ex) != OM_OK) {
                return om_error_nomem(err);
            }
            if (ex != (uint32_t)*ncell) {
                id = (int32_t)ex;
                fresh = false;
            }
        }
        tb->grid2cell[g] = id;
        const double *v = gv + g * 6;
        if (fresh) {
            memcpy(s->coord + (size_t)id * s->nd, co, s->nd * sizeof *co);
            s->value[id] = v[0];
            s->denom[id] = v[1];
            s->contrib[id] = v[2];
            memcpy(s->top + (size_t)id * 3, v + 3, 3 * sizeof *v);
            (*ncell)++;
        } else if (fabs(s->value[id] - v[0]) > 1e-9 * (1 + fabs(v[0]))) {
            char where[600];
            size_t w = 0;
            for (size_t d = 0; d < s->nd && w < sizeof where - 1; d++)
                w += (size_t)snprintf(where + w, sizeof where - w, "%s%s=%s", d ? "," : "", s->dim[d].name,
                                      s->dim[d].code[co[d]]);
            om_status e = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                       "expected linked tables to agree on shared cell %s, found %.17g "
                                       "and %.17g",
                                       where, s->value[id], v[0]);
            return e;
        }
        s->tables[id] |= 1u << t;
        if (ginner[g]) {
            s->inner_flag[id] = 1;
            s->forced[id] |= (uint8_t)(ginner[g] & 6);
        } else {
            bool all_leaf = true;
            for (int k = 0; k < tb->nd; k++)
                if (!is_leaf(&s->dim[tb->dims[k]], co[tb->dims[k]]) ||
                    co[tb->dims[k]] >= s->dim[tb->dims[k]].ntree)
                    all_leaf = false;
            if (all_leaf) {
                s->inner_flag[id] = 1;
                s->sum.absent_inner++;
            }
        }
        /* advance odometer */
        for (int k = tb->nd - 1; k >= 0; k--) {
            int dd = tb->dims[k];
            if (++co[dd] < s->dim[dd].n)
                break;
            co[dd] = 0;
        }
    }
    return OM_OK;
}

/* The additivity constraints as CSR rows. */
static om_status build_constraints(om_sdc *s, om_error *err)
{
    /* constraints */
    size_t caprow = 1024;
    s->row_start = malloc(caprow * sizeof *s->row_start);
    if (!s->row_start)
        return om_error_nomem(err);
    s->row_start[0] = 0;
    for (int t = 0; t < s->ntables; t++) {
        sdc_table *tb = &s->table[t];
        for (int k = 0; k < tb->nd; k++) {
            int dd = tb->dims[k];
            const sdc_dim *dm = &s->dim[dd];
            /* iterate all grid points whose dim-dd coordinate is internal */
            for (size_t g = 0; g < tb->ncell; g++) {
                int32_t x = (int32_t)((g / tb->stride[k]) % (size_t)dm->n);
                if (is_leaf(dm, x))
                    continue;
                size_t base = g - (size_t)x * tb->stride[k];
                if (start_row(s, &caprow, tb->grid2cell[g]) != OM_OK)
                    return om_error_nomem(err);
                for (int32_t c = dm->child_start[x]; c < dm->child_start[x + 1]; c++)
                    if (add_row_entry(s, tb->grid2cell[base + (size_t)dm->child[c] * tb->stride[k]], -1) != OM_OK)
                        return om_error_nomem(err);
                s->row_start[++s->nrow] = s->nnz;
            }
            /* groupings: group = sum of its members */
            if (!dm->ingrp_start)
                continue;
            for (size_t g = 0; g < tb->ncell; g++) {
                int32_t x = (int32_t)((g / tb->stride[k]) % (size_t)dm->n);
                if (x < dm->ntree)
                    continue;
                size_t base = g - (size_t)x * tb->stride[k];
                if (start_row(s, &caprow, tb->grid2cell[g]) != OM_OK)
                    return om_error_nomem(err);
                for (int32_t m = 0; m < dm->ntree; m++)
                    for (int32_t e = dm->ingrp_start[m]; e < dm->ingrp_start[m + 1]; e++)
                        if (dm->ingrp[e] == x &&
                            add_row_entry(s, tb->grid2cell[base + (size_t)m * tb->stride[k]], -1) != OM_OK)
                            return om_error_nomem(err);
                s->row_start[++s->nrow] = s->nnz;
            }
        }
    }
    return OM_OK;
}

/* The transpose of the constraint rows: per cell, the rows it is in. */
static om_status transpose_rows(om_sdc *s, om_error *err)
{
    /* transpose of the constraint rows */
    s->cell_row_start = calloc(s->ncell + 1, sizeof *s->cell_row_start);
    s->cell_row = malloc((s->nnz + 1) * sizeof *s->cell_row);
    if (!s->cell_row_start || !s->cell_row)
        return om_error_nomem(err);
    for (size_t e = 0; e < s->nnz; e++)
        s->cell_row_start[s->row_cell[e] + 1]++;
    for (size_t i = 0; i < s->ncell; i++)
        s->cell_row_start[i + 1] += s->cell_row_start[i];
    {
        size_t *fill = malloc((s->ncell + 1) * sizeof *fill);
        if (!fill)
            return om_error_nomem(err);
        memcpy(fill, s->cell_row_start, (s->ncell + 1) * sizeof *fill);
        for (size_t r = 0; r < s->nrow; r++)
            for (size_t e = s->row_start[r]; e < s->row_start[r + 1]; e++)
                s->cell_row[fill[s->row_cell[e]]++] = (int32_t)r;
        free(fill);
    }
    for (size_t i = 0; i < s->ncell; i++)
        if (s->inner_flag[i])
            s->sum.inner++;
    s->sum.cells = s->ncell;
    s->built = true;
    return OM_OK;
}

static om_status build_cells(om_sdc *s, int32_t **up, om_error *err)
{
    om_status st;
    size_t total = 0;
    if ((st = assign_tables(s, err)) != OM_OK || (st = table_grids(s, &total, err)) != OM_OK)
        return st;
    /* cell arrays; full keys for sharing cells between tables */
    size_t cap = total;
    s->coord = malloc(cap * s->nd * sizeof *s->coord);
    s->value = calloc(cap, sizeof *s->value);
    s->denom = calloc(cap, sizeof *s->denom);
    s->contrib = calloc(cap, sizeof *s->contrib);
    s->top = calloc(cap * 3, sizeof *s->top);
    s->tables = calloc(cap, sizeof *s->tables);
    s->inner_flag = calloc(cap, 1);
    s->forced = calloc(cap, 1);
    s->status = calloc(cap, 1);
    s->audited = calloc(cap, 1);
    s->fails = calloc(cap, 1);
    s->lower = calloc(cap, sizeof *s->lower);
    s->upper = calloc(cap, sizeof *s->upper);
    om_u64map *keys = s->ntables > 1 ? om_u64map_new(total) : NULL;
    uint8_t *have = calloc(cap, 1);
    if (!s->coord || !s->value || !s->denom || !s->contrib || !s->top || !s->tables || !s->inner_flag ||
        !s->forced || !s->status || !s->audited || !s->fails || !s->lower || !s->upper || !have ||
        (s->ntables > 1 && !keys)) {
        om_u64map_free(keys);
        free(have);
        return om_error_nomem(err);
    }
    size_t ncell = 0;
    for (int t = 0; t < s->ntables; t++) {
        sdc_table *tb = &s->table[t];
        tb->grid2cell = malloc(tb->ncell * sizeof *tb->grid2cell);
        double *gv = calloc(tb->ncell * 6, sizeof *gv); /* value, denom, contrib, top1..3 */
        uint8_t *ginner = calloc(tb->ncell, 1);
        if (!tb->grid2cell || !gv || !ginner) {
            free(gv);
            free(ginner);
            om_u64map_free(keys);
            free(have);
            return om_error_nomem(err);
        }
        aggregate_inner(s, tb, up, gv, ginner);
        st = enumerate_grid(s, t, gv, ginner, keys, &ncell, err);
        free(gv);
        free(ginner);
        if (st != OM_OK) {
            om_u64map_free(keys);
            free(have);
            return st;
        }
    }
    om_u64map_free(keys);
    free(have);
    s->ncell = ncell;
    if ((st = build_constraints(s, err)) != OM_OK)
        return st;
    return transpose_rows(s, err);
}

size_t om_sdc_ncells(const om_sdc *s) { return s->built ? s->ncell : 0; }
size_t om_sdc_ndims(const om_sdc *s) { return s->nd; }
const char *om_sdc_dim_name(const om_sdc *s, size_t dim) { return dim < s->nd ? s->dim[dim].name : NULL; }
size_t om_sdc_ntables(const om_sdc *s) { return (size_t)s->ntables; }

bool om_sdc_cell_in_table(const om_sdc *s, size_t i, size_t t)
{
    return i < s->ncell && t < (size_t)s->ntables && (s->tables[i] >> t) & 1u;
}

void om_sdc_cell(const om_sdc *s, size_t i, om_sdc_cell_info *out)
{
    memset(out, 0, sizeof *out);
    if (!s->built || i >= s->ncell)
        return;
    for (size_t d = 0; d < s->nd; d++)
        out->codes[d] = s->dim[d].code[s->coord[i * s->nd + d]];
    int t = 0;
    while (t < s->ntables && !((s->tables[i] >> t) & 1u))
        t++;
    out->table = t;
    out->inner = s->inner_flag[i];
    out->value = s->value[i];
    out->status = (om_sdc_status)s->status[i];
    out->audited = s->audited[i];
    out->fails = s->fails[i];
    out->lower = s->lower[i];
    out->upper = s->upper[i];
}

long om_sdc_find(const om_sdc *s, const char *const *codes)
{
    if (!s->built)
        return -1;
    int32_t co[SDC_MAX_DIMS];
    uint8_t mask = 0;
    for (size_t d = 0; d < s->nd; d++) {
        const sdc_dim *dm = &s->dim[d];
        if (!codes[d]) {
            co[d] = dm->root;
            continue;
        }
        co[d] = -1;
        if (strcmp(codes[d], dm->code[dm->root]) == 0)
            co[d] = dm->root;
        else {
            int32_t p = om_strmap_get(dm->map, codes[d], strlen(codes[d]));
            if (p >= 0)
                co[d] = dm->prov2final[p];
            for (int32_t g = dm->ntree; g < dm->n && co[d] < 0; g++)
                if (strcmp(dm->code[g], codes[d]) == 0)
                    co[d] = g;
        }
        if (co[d] < 0)
            return -1;
        if (co[d] != dm->root)
            mask |= (uint8_t)(1u << d);
    }
    for (int t = 0; t < s->ntables; t++) {
        const sdc_table *tb = &s->table[t];
        if ((mask & tb->mask) != mask)
            continue;
        return tb->grid2cell[sdc_grid_index(s, tb, co)];
    }
    return -1;
}

void om_sdc_set_status(om_sdc *s, size_t i, om_sdc_status st)
{
    if (s->built && i < s->ncell)
        s->status[i] = (uint8_t)st;
}

void om_sdc_get_summary(const om_sdc *s, om_sdc_summary *out)
{
    *out = s->sum;
}

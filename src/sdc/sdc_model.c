/* The table model of om_sdc: dimensions with hierarchies, inner cells,
 * generated margins and the additivity constraints.
 *
 * Each dimension is a tree (a synthetic root "Total" over the parentless
 * codes unless one code is the only root).  A table is the set of
 * dimensions its inner cells use; its cells are the full product of the
 * nodes of those dimensions (absent dimensions at their root), so every
 * margin exists.  The value of a cell is the sum of the inner cells below it
 * (each inner cell is added to the product of its ancestor chains, at most
 * depth^k additions).  Cells are identified by their full coordinates, so
 * linked tables that share margins share those cells.  The constraints are,
 * per table, per dimension d and internal node p of d and per combination
 * of the other coordinates: cell(p, ...) - sum_children cell(c, ...) = 0,
 * stored as a sparse row list (CSR). */
#define _POSIX_C_SOURCE 200809L
#include "sdc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *om_sdc_status_name(om_sdc_status s)
{
    switch (s) {
    case OM_SDC_PUBLISHED: return "published";
    case OM_SDC_PRIMARY: return "primary";
    case OM_SDC_SECONDARY: return "secondary";
    case OM_SDC_POOLED: return "pooled";
    case OM_SDC_MERGED: return "merged";
    case OM_SDC_SMOOTHED: return "smoothed";
    case OM_SDC_ROUNDED: return "rounded";
    case OM_SDC_HIDDEN: return "hidden";
    }
    return "unknown";
}

void om_sdc_rules_default(om_sdc_rules *r)
{
    memset(r, 0, sizeof *r);
    r->protection_pct = 10.0;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (p)
        memcpy(p, s, n + 1);
    return p;
}

om_status om_sdc_new(om_sdc **out, size_t ndims, const char *const *dim_names, om_error *err)
{
    *out = NULL;
    if (ndims == 0 || ndims > SDC_MAX_DIMS)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected 1 to %d dimensions, found %zu", SDC_MAX_DIMS, ndims);
    for (size_t d = 0; d < ndims; d++) {
        if (!dim_names[d] || !*dim_names[d])
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a dimension name, found an empty one");
        for (size_t e = 0; e < d; e++)
            if (strcmp(dim_names[d], dim_names[e]) == 0)
                return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                    "expected distinct dimension names, found '%s' twice", dim_names[d]);
    }
    om_sdc *s = calloc(1, sizeof *s);
    if (!s)
        return om_error_nomem(err);
    s->nd = ndims;
    s->merge_dim = -1;
    s->seen = om_strmap_new(1024);
    bool ok = s->seen != NULL;
    for (size_t d = 0; d < ndims && ok; d++) {
        s->dim[d].name = xstrdup(dim_names[d]);
        s->dim[d].map = om_strmap_new(64);
        ok = s->dim[d].name && s->dim[d].map;
    }
    if (!ok) {
        om_sdc_free(s);
        return om_error_nomem(err);
    }
    *out = s;
    return OM_OK;
}

static void dim_free(sdc_dim *d)
{
    free(d->name);
    om_strmap_free(d->map);
    for (int32_t i = 0; i < d->np; i++)
        free(d->pcode[i]);
    if (d->synthetic_root && d->code)
        free(d->code[d->root]);
    free(d->pcode);
    free(d->pparent);
    free(d->pparent_line);
    free(d->code);
    free(d->parent);
    free(d->depth);
    free(d->pre);
    free(d->size);
    free(d->child_start);
    free(d->child);
    free(d->prov2final);
    free(d->bypre);
    for (int32_t g = 0; g < d->ngname; g++)
        free(d->gname[g]);
    free(d->gname);
    free(d->gm_group);
    free(d->gm_member);
    free(d->ingrp_start);
    free(d->ingrp);
}

void om_sdc_free(om_sdc *s)
{
    if (!s)
        return;
    for (size_t d = 0; d < s->nd; d++)
        dim_free(&s->dim[d]);
    for (int t = 0; t < s->ntables; t++)
        free(s->table[t].grid2cell);
    free(s->inner);
    om_strmap_free(s->seen);
    free(s->coord);
    free(s->value);
    free(s->denom);
    free(s->contrib);
    free(s->top);
    free(s->tables);
    free(s->inner_flag);
    free(s->forced);
    free(s->status);
    free(s->audited);
    free(s->fails);
    free(s->lower);
    free(s->upper);
    free(s->row_start);
    free(s->row_cell);
    free(s->row_coef);
    free(s->cell_row_start);
    free(s->cell_row);
    free(s->merged_prov);
    for (size_t k = 0; k < s->nmap; k++) {
        free(s->map_child[k]);
        free(s->map_unit[k]);
    }
    free(s->map_child);
    free(s->map_unit);
    free(s);
}

/* Provisional node id of `code` in dimension d, creating it. */
static int32_t dim_intern(sdc_dim *d, const char *code)
{
    size_t len = strlen(code);
    int32_t id = om_strmap_get(d->map, code, len);
    if (id >= 0)
        return id;
    if (d->np == d->capp) {
        int32_t nc = d->capp ? d->capp * 2 : 64;
        char **pc = realloc(d->pcode, (size_t)nc * sizeof *pc);
        if (!pc)
            return -1;
        d->pcode = pc;
        int32_t *pp = realloc(d->pparent, (size_t)nc * sizeof *pp);
        if (!pp)
            return -1;
        d->pparent = pp;
        long *pl = realloc(d->pparent_line, (size_t)nc * sizeof *pl);
        if (!pl)
            return -1;
        d->pparent_line = pl;
        d->capp = nc;
    }
    char *c = xstrdup(code);
    if (!c || om_strmap_put(d->map, code, len, d->np) != OM_OK) {
        free(c);
        return -1;
    }
    d->pcode[d->np] = c;
    d->pparent[d->np] = -1;
    d->pparent_line[d->np] = 0;
    return d->np++;
}

om_status om_sdc_set_parent(om_sdc *s, size_t dim, const char *child, const char *parent,
                            om_error *err)
{
    if (s->built)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "the model is already built");
    if (dim >= s->nd)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "no dimension %zu", dim);
    if (!*child || !*parent)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a code, found an empty field");
    if (strcmp(child, parent) == 0)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a parent different from the child, found '%s' twice", child);
    sdc_dim *d = &s->dim[dim];
    int32_t c = dim_intern(d, child);
    int32_t p = c < 0 ? -1 : dim_intern(d, parent);
    if (c < 0 || p < 0)
        return om_error_nomem(err);
    if (d->pparent[c] >= 0 && d->pparent[c] != p)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected one parent for '%s', found '%s' and '%s'", child,
                            d->pcode[d->pparent[c]], parent);
    d->pparent[c] = p;
    d->has_hier = true;
    return OM_OK;
}

om_status om_sdc_add_group(om_sdc *s, size_t dim, const char *group, const char *member, om_error *err)
{
    if (s->built)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "the model is already built");
    if (dim >= s->nd)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "no dimension %zu", dim);
    if (!*group || !*member)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a code, found an empty field");
    sdc_dim *d = &s->dim[dim];
    int32_t g;
    for (g = 0; g < d->ngname; g++)
        if (strcmp(d->gname[g], group) == 0)
            break;
    if (g == d->ngname) {
        if (d->ngname == d->capg) {
            int32_t nc = d->capg ? 2 * d->capg : 16;
            char **p = realloc(d->gname, (size_t)nc * sizeof *p);
            if (!p)
                return om_error_nomem(err);
            d->gname = p;
            d->capg = nc;
        }
        if (!(d->gname[g] = xstrdup(group)))
            return om_error_nomem(err);
        d->ngname++;
    }
    int32_t m = dim_intern(d, member);
    if (m < 0)
        return om_error_nomem(err);
    for (size_t k = 0; k < d->ngm; k++)
        if (d->gm_group[k] == g && d->gm_member[k] == m)
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected '%s' once in group '%s', found it twice",
                                member, group);
    if (d->ngm == d->capgm) {
        size_t nc = d->capgm ? 2 * d->capgm : 64;
        int32_t *a = realloc(d->gm_group, nc * sizeof *a);
        if (!a)
            return om_error_nomem(err);
        d->gm_group = a;
        int32_t *b = realloc(d->gm_member, nc * sizeof *b);
        if (!b)
            return om_error_nomem(err);
        d->gm_member = b;
        d->capgm = nc;
    }
    d->gm_group[d->ngm] = g;
    d->gm_member[d->ngm] = m;
    d->ngm++;
    return OM_OK;
}

om_status om_sdc_add(om_sdc *s, const char *const *codes, const om_sdc_input *in, om_error *err)
{
    if (s->built)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "the model is already built");
    if (!(in->value >= 0) || !isfinite(in->value))
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a finite non-negative value, found %g", in->value);
    sdc_inner r;
    memset(&r, 0, sizeof r);
    r.in = *in;
    char key[4 + 4 * SDC_MAX_DIMS];
    for (size_t d = 0; d < s->nd; d++) {
        int32_t id = -1;
        if (codes[d]) {
            if (!*codes[d])
                return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                    "expected a code in column '%s', found an empty field",
                                    s->dim[d].name);
            if (strcmp(codes[d], OM_SDC_TOTAL) == 0)
                return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                    "expected an inner code in column '%s', found the margin code '%s'",
                                    s->dim[d].name, OM_SDC_TOTAL);
            id = dim_intern(&s->dim[d], codes[d]);
            if (id < 0)
                return om_error_nomem(err);
            r.mask |= (uint8_t)(1u << d);
        }
        r.coord[d] = id;
        memcpy(key + 4 * d, &id, 4);
    }
    if (!r.mask)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected at least one code, found none");
    int32_t existing;
    if (om_strmap_put_new(s->seen, key, 4 * s->nd, (int32_t)s->ninner, &existing) != OM_OK)
        return om_error_nomem(err);
    if (existing != (int32_t)s->ninner)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected one row per cell, found a second row for the same codes");
    if (s->ninner == s->capinner &&
        om_grow(&s->inner, &s->capinner, s->ninner + 1, sizeof *s->inner, 1024, err) != OM_OK)
        return OM_ERR_NOMEM;
    s->inner[s->ninner++] = r;
    return OM_OK;
}

/* ------------------------------------------------------------ reading */

static om_status field_code(const om_csv *c, size_t i, char *buf, size_t size, om_error *err)
{
    om_field f = om_csv_field(c, i);
    if (f.len == 0)
        return om_csv_fail(c, i, err, "expected a code, found an empty field");
    if (f.len >= size)
        return om_csv_fail(c, i, err, "expected a code of at most %zu bytes, found %zu", size - 1, f.len);
    memcpy(buf, f.ptr, f.len);
    buf[f.len] = '\0';
    return OM_OK;
}

static om_status read_csv(om_sdc *s, om_csv *c, bool linked, om_error *err)
{
    om_status st = om_csv_read_header(c, err);
    if (st != OM_OK)
        return st;
    const char *names[SDC_MAX_DIMS + 1];
    int idx[SDC_MAX_DIMS + 1];
    for (size_t d = 0; d < s->nd; d++)
        names[d] = s->dim[d].name;
    names[s->nd] = "count";
    if (linked) {
        size_t have = 0;
        for (size_t d = 0; d < s->nd; d++)
            have += (idx[d] = om_csv_col(c, names[d])) >= 0;
        if (!have)
            return om_csv_fail(c, 0, err, "expected a header with at least one of the dimension columns, found none");
        if ((st = om_csv_require(c, names + s->nd, 1, idx + s->nd, err)) != OM_OK)
            return st;
    } else if ((st = om_csv_require(c, names, s->nd + 1, idx, err)) != OM_OK)
        return st;
    int csup = om_csv_col(c, "suppressed");
    int cprim = om_csv_col(c, "primary"), cden = om_csv_col(c, "denominator");
    int ccon = om_csv_col(c, "contributors");
    int ctop[3] = {om_csv_col(c, "top1"), om_csv_col(c, "top2"), om_csv_col(c, "top3")};
    size_t nf = om_csv_header_count(c);
    bool magnitude = ccon >= 0 || ctop[0] >= 0;
    char buf[SDC_MAX_DIMS][256];
    const char *codes[SDC_MAX_DIMS];
    bool got;
    while ((st = om_csv_next(c, &got, err)) == OM_OK && got) {
        if (om_csv_nfields(c) == 1 && om_csv_field(c, 0).len == 0)
            continue; /* blank line */
        if ((st = om_csv_expect_fields(c, nf, err)) != OM_OK)
            return st;
        size_t first = 0;
        for (size_t d = s->nd; d-- > 0;) {
            codes[d] = NULL;
            if (idx[d] < 0)
                continue;
            if ((st = field_code(c, (size_t)idx[d], buf[d], sizeof buf[d], err)) != OM_OK)
                return st;
            codes[d] = buf[d];
            first = (size_t)idx[d];
            if (s->dim[d].has_hier) {
                int32_t k = om_strmap_get(s->dim[d].map, buf[d], strlen(buf[d]));
                if (k < 0 || s->dim[d].pparent[k] < 0)
                    return om_csv_fail(c, (size_t)idx[d], err,
                                       "expected a code with a parent in the hierarchy of '%s', found '%s'",
                                       s->dim[d].name, buf[d]);
            }
        }
        om_sdc_input in;
        memset(&in, 0, sizeof in);
        size_t ci = (size_t)idx[s->nd];
        /* A frequency table holds whole counts; a magnitude table (with
         * contributors or top1) holds amounts.  Either way at most 2^53:
         * larger values break the audit LP's numerics (GLPK fails). */
        if (magnitude) {
            if ((st = om_csv_share(c, ci, 0, (double)OM_CSV_COUNT_MAX, &in.value, err)) != OM_OK)
                return st;
        } else {
            int64_t v;
            if ((st = om_csv_count(c, ci, 0, &v, err)) != OM_OK)
                return st;
            in.value = (double)v;
        }
        if (cprim >= 0 && !om_csv_empty(c, (size_t)cprim)) {
            om_field f = om_csv_field(c, (size_t)cprim);
            if (f.len != 1 || (f.ptr[0] != '0' && f.ptr[0] != '1'))
                return om_csv_fail(c, (size_t)cprim, err, "expected 0 or 1 in column 'primary', found '%.*s'",
                                   (int)(f.len > 40 ? 40 : f.len), f.ptr);
            in.forced = f.ptr[0] == '1';
        }
        if (csup >= 0 && !om_csv_empty(c, (size_t)csup)) {
            om_field f = om_csv_field(c, (size_t)csup);
            if (f.len != 1 || (f.ptr[0] != '0' && f.ptr[0] != '1'))
                return om_csv_fail(c, (size_t)csup, err, "expected 0 or 1 in column 'suppressed', found '%.*s'",
                                   (int)(f.len > 40 ? 40 : f.len), f.ptr);
            in.suppressed = f.ptr[0] == '1';
        }
        double *opt[5] = {&in.denominator, &in.contributors, &in.top[0], &in.top[1], &in.top[2]};
        int ocol[5] = {cden, ccon, ctop[0], ctop[1], ctop[2]};
        for (int k = 0; k < 5; k++) {
            if (ocol[k] < 0 || om_csv_empty(c, (size_t)ocol[k]))
                continue;
            if (k < 2) { /* denominator, contributors: counts */
                int64_t v;
                if ((st = om_csv_count(c, (size_t)ocol[k], 0, &v, err)) != OM_OK)
                    return st;
                *opt[k] = (double)v;
            } else if ((st = om_csv_share(c, (size_t)ocol[k], 0, (double)OM_CSV_COUNT_MAX, opt[k], err)) != OM_OK) {
                return st;
            }
        }
        om_error e2 = OM_ERROR_INIT;
        if ((st = om_sdc_add(s, codes, &in, &e2)) != OM_OK) {
            if (st == OM_ERR_INPUT)
                return om_csv_fail(c, first, err, "%s", e2.msg);
            if (err)
                *err = e2;
            return st;
        }
    }
    return st;
}

om_status om_sdc_read_csv(om_sdc *s, om_csv *c, om_error *err) { return read_csv(s, c, false, err); }

/* A two-column file of codes (`first,second`): each row goes to add(); an
 * input error from it is reported at column `blame` of that row. */
typedef om_status (*pair_fn)(om_sdc *s, size_t dim, const char *first, const char *second,
                             const om_csv *c, om_error *err);

static om_status read_pairs(om_sdc *s, size_t dim, om_csv *c, const char *const names[2],
                            int blame, pair_fn add, om_error *err)
{
    om_status st = om_csv_read_header(c, err);
    if (st != OM_OK)
        return st;
    int idx[2];
    if ((st = om_csv_require(c, names, 2, idx, err)) != OM_OK)
        return st;
    size_t nf = om_csv_header_count(c);
    char fb[256], sb[256];
    bool got;
    while ((st = om_csv_next(c, &got, err)) == OM_OK && got) {
        if (om_csv_nfields(c) == 1 && om_csv_field(c, 0).len == 0)
            continue;
        if ((st = om_csv_expect_fields(c, nf, err)) != OM_OK)
            return st;
        if ((st = field_code(c, (size_t)idx[0], fb, sizeof fb, err)) != OM_OK ||
            (st = field_code(c, (size_t)idx[1], sb, sizeof sb, err)) != OM_OK)
            return st;
        om_error e2 = OM_ERROR_INIT;
        if ((st = add(s, dim, fb, sb, c, &e2)) != OM_OK) {
            if (st == OM_ERR_INPUT)
                return om_csv_fail(c, (size_t)idx[blame], err, "%s", e2.msg);
            if (err)
                *err = e2;
            return st;
        }
    }
    return st;
}

static om_status add_group_pair(om_sdc *s, size_t dim, const char *member, const char *group,
                                const om_csv *c, om_error *err)
{
    (void)c;
    return om_sdc_add_group(s, dim, group, member, err);
}

om_status om_sdc_read_groups(om_sdc *s, size_t dim, om_csv *c, om_error *err)
{
    static const char *const names[2] = {"member", "group"};
    return read_pairs(s, dim, c, names, 0, add_group_pair, err);
}

om_status om_sdc_read_csv_linked(om_sdc *s, om_csv *c, om_error *err) { return read_csv(s, c, true, err); }

static om_status set_parent_pair(om_sdc *s, size_t dim, const char *child, const char *parent,
                                 const om_csv *c, om_error *err)
{
    om_status st = om_sdc_set_parent(s, dim, child, parent, err);
    if (st == OM_OK) /* remembered so that a cycle can be reported at its line */
        s->dim[dim].pparent_line[om_strmap_get(s->dim[dim].map, child, strlen(child))] =
            om_csv_line(c);
    return st;
}

om_status om_sdc_read_hier(om_sdc *s, size_t dim, om_csv *c, om_error *err)
{
    static const char *const names[2] = {"child", "parent"};
    om_status st = read_pairs(s, dim, c, names, 1, set_parent_pair, err);
    if (st != OM_OK)
        return st;
    /* a cycle is reported at the line of one of its edges */
    sdc_dim *d = &s->dim[dim];
    for (int32_t i = 0; i < d->np; i++) {
        int32_t x = i, steps = 0;
        while (x >= 0 && steps <= d->np) {
            x = d->pparent[x];
            steps++;
        }
        if (x >= 0)
            return om_error_set(err, OM_ERR_INPUT, om_csv_name(c), d->pparent_line[x], 0,
                                "expected a tree in column 'parent', found a cycle through '%s'", d->pcode[x]);
    }
    return st;
}

/* ------------------------------------------------------------ build */

/* qsort has no context argument in C11: comparator state is per thread */
static _Thread_local char **g_codes;
static int cmp_code_idx(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return strcmp(g_codes[x], g_codes[y]);
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
        d->code[d->root] = xstrdup(OM_SDC_TOTAL);
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
    char **code = realloc(d->code, (size_t)ntot * sizeof *code);
    if (code)
        d->code = code;
    int32_t *pa = realloc(d->parent, (size_t)ntot * sizeof *pa);
    if (pa)
        d->parent = pa;
    int32_t *de = realloc(d->depth, (size_t)ntot * sizeof *de);
    if (de)
        d->depth = de;
    int32_t *pr = realloc(d->pre, (size_t)ntot * sizeof *pr);
    if (pr)
        d->pre = pr;
    int32_t *sz = realloc(d->size, (size_t)ntot * sizeof *sz);
    if (sz)
        d->size = sz;
    int32_t *cs = realloc(d->child_start, ((size_t)ntot + 1) * sizeof *cs);
    if (cs)
        d->child_start = cs;
    d->ingrp_start = calloc((size_t)n + 1, sizeof *d->ingrp_start);
    d->ingrp = malloc((d->ngm + 1) * sizeof *d->ingrp);
    if (!code || !pa || !de || !pr || !sz || !cs || !d->ingrp_start || !d->ingrp)
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


/* Room for one more constraint row in row_start (doubling). */
static om_status reserve_row(om_sdc *s, size_t *caprow)
{
    if (s->nrow + 2 <= *caprow)
        return OM_OK;
    size_t *rs = realloc(s->row_start, *caprow * 2 * sizeof *rs);
    if (!rs)
        return OM_ERR_NOMEM;
    s->row_start = rs;
    *caprow *= 2;
    return OM_OK;
}

static om_status build_cells(om_sdc *s, int32_t **up, om_error *err)
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
    int32_t co[SDC_MAX_DIMS];
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
        /* enumerate the grid */
        for (size_t d = 0; d < s->nd; d++)
            co[d] = s->dim[d].root;
        for (int k = 0; k < tb->nd; k++)
            co[tb->dims[k]] = 0;
        for (size_t g = 0; g < tb->ncell; g++) {
            /* co holds the coordinates of grid point g */
            int32_t id = (int32_t)ncell;
            bool fresh = true;
            if (keys) {
                uint64_t key = 0;
                for (size_t d = 0; d < s->nd; d++)
                    key = key * (uint64_t)s->dim[d].n + (uint64_t)co[d];
                uint32_t ex;
                if (om_u64map_put_new(keys, key, (uint32_t)ncell, &ex) != OM_OK) {
                    free(gv);
                    free(ginner);
                    om_u64map_free(keys);
                    free(have);
                    return om_error_nomem(err);
                }
                if (ex != (uint32_t)ncell) {
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
                ncell++;
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
                free(gv);
                free(ginner);
                om_u64map_free(keys);
                free(have);
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
        free(gv);
        free(ginner);
    }
    om_u64map_free(keys);
    free(have);
    s->ncell = ncell;
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
                if (reserve_row(s, &caprow) != OM_OK)
                    return om_error_nomem(err);
                if (add_row_entry(s, tb->grid2cell[g], 1) != OM_OK)
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
                if (reserve_row(s, &caprow) != OM_OK)
                    return om_error_nomem(err);
                if (add_row_entry(s, tb->grid2cell[g], 1) != OM_OK)
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

/* ------------------------------------------------ pooling and merging */

/* Replace the coordinate in `dim` of every inner row by newid[old] and sum
 * the rows that then coincide. */
static om_status regroup(om_sdc *s, size_t dim, const int32_t *newid, om_error *err)
{
    om_strmap_free(s->seen);
    s->seen = om_strmap_new(s->ninner + 16);
    if (!s->seen)
        return om_error_nomem(err);
    size_t w = 0;
    char key[4 * SDC_MAX_DIMS];
    for (size_t r = 0; r < s->ninner; r++) {
        sdc_inner row = s->inner[r];
        if (row.mask & (1u << dim))
            row.coord[dim] = newid[row.coord[dim]];
        for (size_t d = 0; d < s->nd; d++)
            memcpy(key + 4 * d, &row.coord[d], 4);
        int32_t ex;
        if (om_strmap_put_new(s->seen, key, 4 * s->nd, (int32_t)w, &ex) != OM_OK)
            return om_error_nomem(err);
        if (ex == (int32_t)w) {
            s->inner[w++] = row;
            continue;
        }
        om_sdc_input *t = &s->inner[ex].in;
        t->value += row.in.value;
        t->denominator += row.in.denominator;
        t->contributors += row.in.contributors;
        t->forced = t->forced || row.in.forced;
        t->suppressed = t->suppressed || row.in.suppressed;
        for (int q = 0; q < 3; q++) {
            double x = row.in.top[q];
            for (int p = 0; p < 3 && x > 0; p++)
                if (x > t->top[p]) {
                    double tmp = t->top[p];
                    t->top[p] = x;
                    x = tmp;
                }
        }
    }
    s->ninner = w;
    return OM_OK;
}

om_status om_sdc_pool_years(om_sdc *s, size_t dim, int window, om_error *err)
{
    if (s->built || dim >= s->nd || window < 1)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "pooling needs an unbuilt model, a dimension and a window");
    if (window == 1)
        return OM_OK;
    sdc_dim *d = &s->dim[dim];
    int32_t np = d->np;
    int64_t *year = malloc(((size_t)np + 1) * sizeof *year);
    int32_t *newid = malloc(((size_t)np + 1) * sizeof *newid);
    uint8_t *used = calloc((size_t)np + 1, 1);
    if (!year || !newid || !used) {
        free(year);
        free(newid);
        free(used);
        return om_error_nomem(err);
    }
    for (size_t r = 0; r < s->ninner; r++)
        if (s->inner[r].mask & (1u << dim))
            used[s->inner[r].coord[dim]] = 1;
    int64_t y0 = INT64_MAX, y1 = INT64_MIN;
    om_status st = OM_OK;
    for (int32_t k = 0; k < np && st == OM_OK; k++) {
        newid[k] = k;
        if (!used[k])
            continue;
        if (!om_parse_i64(d->pcode[k], strlen(d->pcode[k]), &year[k]) || year[k] < 0 || year[k] > 99999)
            st = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a year in column '%s', found '%s'", d->name,
                              d->pcode[k]);
        else {
            if (year[k] < y0)
                y0 = year[k];
            if (year[k] > y1)
                y1 = year[k];
        }
    }
    for (int32_t k = 0; k < np && st == OM_OK; k++) {
        if (!used[k])
            continue;
        int64_t a = y0 + (year[k] - y0) / window * window, b = a + window - 1;
        if (b > y1)
            b = y1;
        char lab[48];
        snprintf(lab, sizeof lab, "%lld-%lld", (long long)a, (long long)b);
        newid[k] = dim_intern(d, lab);
        if (newid[k] < 0)
            st = om_error_nomem(err);
    }
    if (st == OM_OK)
        st = regroup(s, dim, newid, err);
    if (st == OM_OK)
        s->pool_window = window;
    free(year);
    free(newid);
    free(used);
    return st;
}

om_status om_sdc_merge_small(om_sdc *s, size_t dim, double min_size, om_error *err)
{
    if (s->built || dim >= s->nd)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "merging needs an unbuilt model and a dimension");
    sdc_dim *d = &s->dim[dim];
    int32_t np = d->np;
    double *size = calloc((size_t)np + 1, sizeof *size);
    uint8_t *used = calloc((size_t)np + 1, 1);
    int32_t *ids = malloc(((size_t)np + 1) * sizeof *ids), *unit = malloc(((size_t)np + 1) * sizeof *unit);
    int32_t *par = calloc((size_t)np + 1, sizeof *par), *newid = malloc(((size_t)np + 1) * sizeof *newid);
    const char **codes = calloc((size_t)np + 1, sizeof *codes);
    om_status st = OM_OK;
    if (!size || !used || !ids || !unit || !par || !newid || !codes) {
        st = om_error_nomem(err);
        goto out;
    }
    for (size_t r = 0; r < s->ninner; r++)
        if (s->inner[r].mask & (1u << dim)) {
            used[s->inner[r].coord[dim]] = 1;
            size[s->inner[r].coord[dim]] += s->inner[r].in.value;
        }
    size_t n = 0;
    for (int32_t k = 0; k < np; k++) {
        newid[k] = k;
        if (used[k]) {
            ids[n] = k;
            codes[n] = d->pcode[k];
            par[n] = d->pparent[k];
            size[n] = size[k]; /* compact in place: n <= k */
            n++;
        }
    }
    if ((st = om_sdc_merge_units(n, codes, par, size, min_size, unit, err)) != OM_OK)
        goto out;
    for (size_t i = 0; i < n && st == OM_OK; i++) {
        if ((size_t)unit[i] != i)
            continue;
        /* members of the unit represented by i, in code order */
        size_t len = 0, members = 0;
        for (size_t j = 0; j < n; j++)
            if ((size_t)unit[j] == i) {
                len += strlen(codes[j]) + 1;
                members++;
            }
        if (members < 2)
            continue;
        char *lab = malloc(len + 1);
        if (!lab) {
            st = om_error_nomem(err);
            break;
        }
        lab[0] = '\0';
        /* ascending code order: repeated selection (units are small) */
        const char *last = NULL;
        for (size_t m = 0; m < members; m++) {
            const char *best = NULL;
            for (size_t j = 0; j < n; j++)
                if ((size_t)unit[j] == i && (!last || strcmp(codes[j], last) > 0) &&
                    (!best || strcmp(codes[j], best) < 0))
                    best = codes[j];
            if (m)
                strcat(lab, "+");
            strcat(lab, best);
            last = best;
        }
        int32_t id = dim_intern(d, lab);
        if (id < 0) {
            free(lab);
            st = om_error_nomem(err);
            break;
        }
        d->pparent[id] = par[i];
        uint8_t *mp = realloc(s->merged_prov, (size_t)d->np);
        char **mc = realloc(s->map_child, (s->nmap + members) * sizeof *mc);
        char **mu = mc ? realloc(s->map_unit, (s->nmap + members) * sizeof *mu) : NULL;
        if (mc)
            s->map_child = mc;
        if (mu)
            s->map_unit = mu;
        if (!mp || !mc || !mu) {
            free(mp == s->merged_prov ? NULL : mp);
            free(lab);
            st = om_error_nomem(err);
            break;
        }
        if (s->nmerged_prov < d->np)
            memset(mp + s->nmerged_prov, 0, (size_t)(d->np - s->nmerged_prov));
        s->merged_prov = mp;
        s->nmerged_prov = d->np;
        s->merged_prov[id] = 1;
        for (size_t j = 0; j < n; j++)
            if ((size_t)unit[j] == i) {
                newid[ids[j]] = id;
                s->map_child[s->nmap] = xstrdup(codes[j]);
                s->map_unit[s->nmap] = xstrdup(lab);
                s->nmap++;
            }
        free(lab);
    }
    if (st == OM_OK)
        st = regroup(s, dim, newid, err);
    if (st == OM_OK)
        s->merge_dim = (int)dim;
out:
    free(size);
    free(used);
    free(ids);
    free(unit);
    free(par);
    free(newid);
    free(codes);
    return st;
}

bool om_sdc_merge_map(const om_sdc *s, size_t i, const char **child, const char **unit)
{
    if (i >= s->nmap)
        return false;
    *child = s->map_child[i];
    *unit = s->map_unit[i];
    return true;
}

void om_sdc_relabel(om_sdc *s)
{
    const sdc_dim *md = s->merge_dim >= 0 ? &s->dim[s->merge_dim] : NULL;
    uint8_t *mf = md ? calloc((size_t)md->n + 1, 1) : NULL;
    if (mf)
        for (int32_t p = 0; p < s->nmerged_prov && p < md->np; p++)
            if (s->merged_prov[p] && md->prov2final[p] >= 0)
                mf[md->prov2final[p]] = 1;
    for (size_t i = 0; i < s->ncell; i++) {
        if (s->status[i] != OM_SDC_PUBLISHED)
            continue;
        if (mf && mf[s->coord[i * s->nd + (size_t)s->merge_dim]])
            s->status[i] = OM_SDC_MERGED;
        else if (s->pool_window > 1)
            s->status[i] = OM_SDC_POOLED;
    }
    free(mf);
}

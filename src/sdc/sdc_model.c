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

char *om_sdc_xstrdup(const char *s)
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
        s->dim[d].name = om_sdc_xstrdup(dim_names[d]);
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
int32_t om_sdc_dim_intern(sdc_dim *d, const char *code)
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
    char *c = om_sdc_xstrdup(code);
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
    int32_t c = om_sdc_dim_intern(d, child);
    int32_t p = c < 0 ? -1 : om_sdc_dim_intern(d, parent);
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
        if (!(d->gname[g] = om_sdc_xstrdup(group)))
            return om_error_nomem(err);
        d->ngname++;
    }
    int32_t m = om_sdc_dim_intern(d, member);
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
            id = om_sdc_dim_intern(&s->dim[d], codes[d]);
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

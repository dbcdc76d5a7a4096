/* The table model of om_sdc, pooling and merging: years pooled into
 * windows and small units merged before protection. */
#define _POSIX_C_SOURCE 200809L
#include "sdc_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

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
        newid[k] = om_sdc_dim_intern(d, lab);
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
        int32_t id = om_sdc_dim_intern(d, lab);
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
                s->map_child[s->nmap] = om_sdc_xstrdup(codes[j]);
                s->map_unit[s->nmap] = om_sdc_xstrdup(lab);
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

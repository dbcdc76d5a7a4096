/* `omrade protect --smooth`: read one row per area (count, denominator,
 * optional neighbourhood), smooth the rates with om_sdc_eb_smooth
 * (Marshall 1991) and write them next to the area's codes.  The codes are
 * kept from the one reading of the input, so the file is read once. */
#include "omrade/csv.h"
#include "omrade/hash.h"
#include "omrade/sdc.h"

#include <stdlib.h>
#include <string.h>

struct om_sdc_smooth {
    om_arena *arena;
    size_t nd, n, cap;
    const char **dim_names; /* nd header names, as given */
    char **codes;           /* n x nd fields (arena) */
    size_t *code_len;       /* n x nd */
    double *e, *p;          /* count, denominator */
    int32_t *grp;           /* neighbourhood index, first-seen order */
    double *rate, *se, *lo, *hi;
    bool grouped;
};

void om_sdc_smooth_free(om_sdc_smooth *s)
{
    if (!s)
        return;
    om_arena_free(s->arena);
    free(s->dim_names);
    free(s->codes);
    free(s->code_len);
    free(s->e);
    free(s->p);
    free(s->grp);
    free(s->rate);
    free(s->se);
    free(s->lo);
    free(s->hi);
    free(s);
}

size_t om_sdc_smooth_count(const om_sdc_smooth *s)
{
    return s ? s->n : 0;
}

/* Room for one more row in every per-row array. */
static om_status grow_rows(om_sdc_smooth *s, om_error *err)
{
    if (s->n < s->cap)
        return OM_OK;
    size_t c = s->cap;
    size_t cc = c * s->nd, cl = c * s->nd, ce = c, cp = c, cg = c;
    size_t need = s->n + 1;
    if (om_grow(&s->e, &ce, need, sizeof *s->e, 1024, err) != OM_OK ||
        om_grow(&s->p, &cp, need, sizeof *s->p, 1024, err) != OM_OK ||
        om_grow(&s->grp, &cg, need, sizeof *s->grp, 1024, err) != OM_OK)
        return OM_ERR_NOMEM;
    if (s->nd > 0 && (om_grow(&s->codes, &cc, ce * s->nd, sizeof *s->codes, 1024 * s->nd, err) != OM_OK ||
                      om_grow(&s->code_len, &cl, ce * s->nd, sizeof *s->code_len, 1024 * s->nd, err) != OM_OK))
        return OM_ERR_NOMEM;
    s->cap = ce; /* every array now holds ce rows: same start, same doubling */
    return OM_OK;
}

static om_status read_rows(om_sdc_smooth *s, om_csv *c, const int *idx, om_error *err)
{
    om_strmap *groups = s->grouped ? om_strmap_new(64) : NULL;
    if (s->grouped && !groups)
        return om_error_nomem(err);
    const size_t nd = s->nd;
    bool got;
    om_status st;
    while ((st = om_csv_next(c, &got, err)) == OM_OK && got) {
        if ((st = om_csv_expect_fields(c, om_csv_header_count(c), err)) != OM_OK)
            break;
        if ((st = grow_rows(s, err)) != OM_OK)
            break;
        const size_t m = s->n;
        if ((st = om_csv_f64(c, (size_t)idx[nd], &s->e[m], err)) != OM_OK ||
            (st = om_csv_f64(c, (size_t)idx[nd + 1], &s->p[m], err)) != OM_OK)
            break;
        if (!(s->e[m] >= 0) || !(s->p[m] >= 0)) {
            st = om_csv_fail(c, (size_t)idx[nd], err, "expected non-negative count and denominator");
            break;
        }
        s->grp[m] = 0;
        if (groups) {
            om_field f = om_csv_field(c, (size_t)idx[nd + 2]);
            int32_t g;
            if (om_strmap_put_new(groups, f.ptr, f.len, (int32_t)om_strmap_size(groups), &g) != OM_OK) {
                st = om_error_nomem(err);
                break;
            }
            s->grp[m] = g;
        }
        for (size_t d = 0; d < nd; d++) {
            om_field f = om_csv_field(c, (size_t)idx[d]);
            char *copy = om_arena_strndup(s->arena, f.ptr ? f.ptr : "", f.len);
            if (!copy) {
                st = om_error_nomem(err);
                break;
            }
            s->codes[m * nd + d] = copy;
            s->code_len[m * nd + d] = f.len;
        }
        if (st != OM_OK)
            break;
        s->n++;
    }
    om_strmap_free(groups);
    return st;
}

om_status om_sdc_smooth_load(om_sdc_smooth **out, const char *path, const char *const *dims, size_t nd,
                             const char *group, om_error *err)
{
    *out = NULL;
    if (nd > 8)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at most 8 area columns, found %zu", nd);
    om_csv *c = NULL;
    om_status st;
    if ((st = om_csv_open(&c, path, NULL, err)) != OM_OK || (st = om_csv_read_header(c, err)) != OM_OK) {
        om_csv_free(c);
        return st;
    }
    const char *req[11];
    int idx[11];
    size_t n = 0;
    for (size_t d = 0; d < nd; d++)
        req[n++] = dims[d];
    req[n++] = "count";
    req[n++] = "denominator";
    if (group)
        req[n++] = group;
    if ((st = om_csv_require(c, req, n, idx, err)) != OM_OK) {
        om_csv_free(c);
        return st;
    }
    om_sdc_smooth *s = calloc(1, sizeof *s);
    if (!s || !(s->arena = om_arena_new(0)) || !(s->dim_names = malloc((nd ? nd : 1) * sizeof *s->dim_names))) {
        om_sdc_smooth_free(s);
        om_csv_free(c);
        return om_error_nomem(err);
    }
    s->nd = nd;
    s->grouped = group != NULL;
    for (size_t d = 0; d < nd; d++)
        s->dim_names[d] = om_arena_strndup(s->arena, dims[d], strlen(dims[d]));
    st = read_rows(s, c, idx, err);
    om_csv_free(c);
    const size_t m = s->n;
    if (st == OM_OK) {
        s->rate = malloc((m + 1) * sizeof *s->rate);
        s->se = malloc((m + 1) * sizeof *s->se);
        s->lo = malloc((m + 1) * sizeof *s->lo);
        s->hi = malloc((m + 1) * sizeof *s->hi);
        if (!s->rate || !s->se || !s->lo || !s->hi)
            st = om_error_nomem(err);
        else
            st = om_sdc_eb_smooth(m, s->e, s->p, group ? s->grp : NULL, s->rate, s->se, s->lo, s->hi, err);
    }
    if (st != OM_OK) {
        om_sdc_smooth_free(s);
        return st;
    }
    *out = s;
    return OM_OK;
}

void om_sdc_smooth_write(const om_sdc_smooth *s, FILE *fp)
{
    const size_t nd = s->nd;
    for (size_t d = 0; d < nd; d++)
        fprintf(fp, "%s,", s->dim_names[d]);
    fputs("count,denominator,rate,se,lower,upper,status\n", fp);
    for (size_t r = 0; r < s->n; r++) {
        for (size_t d = 0; d < nd; d++) {
            om_csv_write_field(fp, s->codes[r * nd + d], s->code_len[r * nd + d]);
            fputc(',', fp);
        }
        om_csv_write_double(fp, s->e[r]);
        fputc(',', fp);
        om_csv_write_double(fp, s->p[r]);
        double v[4] = {s->rate[r], s->se[r], s->lo[r], s->hi[r]};
        for (int k = 0; k < 4; k++) {
            char buf[40];
            om_fmt_fixed(buf, sizeof buf, v[k], 6);
            fprintf(fp, ",%s", buf);
        }
        fputs(",smoothed\n", fp);
    }
}

/* SCB export reader, output: the observations and variables of the tidy
 * table built from the layout. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/scb.h"

#include "omrade/hash.h"
#include "scb/scb_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- output */

static om_status push_obs(ctx *x, const om_scb_obs *o, om_error *err)
{
    om_scb_table *t = x->t;
    if (t->nobs == t->capobs && om_grow(&t->obs, &t->capobs, t->nobs + 1, sizeof *t->obs, 4096, NULL) != OM_OK)
        return om_scb_nomem(x, err);
    t->obs[t->nobs++] = *o;
    return OM_OK;
}

static om_status intern_var(ctx *x, const char *s, size_t n, int32_t *id, om_error *err)
{
    om_scb_table *t = x->t;
    int32_t v = om_strmap_get(t->varmap, s, n);
    if (v >= 0) {
        *id = v;
        return OM_OK;
    }
    if (t->nvars == t->capvars && om_grow(&t->vars, &t->capvars, t->nvars + 1, sizeof *t->vars, 64, NULL) != OM_OK)
        return om_scb_nomem(x, err);
    char *copy = om_scb_tdup(t, s, n);
    if (!copy || t->nvars >= INT32_MAX)
        return om_scb_nomem(x, err);
    v = (int32_t)t->nvars;
    if (om_strmap_put(t->varmap, s, n, v) != OM_OK)
        return om_scb_nomem(x, err);
    t->vars[t->nvars++] = copy;
    *id = v;
    return OM_OK;
}

/* The name of a value column without any label: the table's single unit
 * (Sort: "områdestyp" in 000005QX), else "value". */
static om_status intern_default(ctx *x, int32_t *id, om_error *err)
{
    const char *u = x->t->unit;
    if (*u && !strstr(u, "; "))
        return intern_var(x, u, strlen(u), id, err);
    return intern_var(x, "value", 5, id, err);
}


bool om_scb_sb_add(sbuf *b, const char *s, size_t n)
{
    if (om_grow(&b->p, &b->cap, b->n + n + 2, 1, 256, NULL) != OM_OK)
        return false;
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
    return true;
}

static bool sb_part(sbuf *b, const char *s, size_t n)
{
    if (n == 0)
        return true;
    if (b->n && !om_scb_sb_add(b, "|", 1))
        return false;
    return om_scb_sb_add(b, s, n);
}

/* Label ending in " YYYY": strip the year. */
static bool split_year(str *s, int32_t *year)
{
    if (s->n < 6 || s->s[s->n - 5] != ' ')
        return false;
    if (!om_scb_year_like(s->s + s->n - 4, 4, year))
        return false;
    const char *p = s->s;
    size_t n = s->n - 5;
    om_scb_trim(&p, &n);
    if (n == 0)
        return false;
    s->s = p;
    s->n = n;
    return true;
}

om_status om_scb_build(ctx *x, om_error *err)
{
    scb_grid *g = &x->g;
    om_scb_table *t = x->t;
    long ns = x->nstub, nv = x->nval, ncol = ns + nv;
    om_status st = OM_OK;
    colhdr *ch = calloc((size_t)(ncol ? ncol : 1), sizeof *ch);
    str *lab = calloc((size_t)(ncol ? ncol : 1), sizeof *lab);
    colkind *kind = calloc((size_t)(ncol ? ncol : 1), sizeof *kind);
    int32_t *colvar = calloc((size_t)(ncol ? ncol : 1), sizeof *colvar);
    const scb_cell **fill = calloc((size_t)(ns ? ns : 1), sizeof *fill);
    sbuf sb = {0};
    om_u64map *seen = NULL;
    om_strmap *colmap = NULL, *dimsmap = NULL;
    long *vcol = NULL;
    int32_t *dvar = NULL;
    if (!ch || !lab || !kind || !colvar || !fill) {
        st = om_scb_nomem(x, err);
        goto done;
    }
    for (long k = 0; k < ncol; k++) {
        ch[k].parts = calloc(x->nhdr ? x->nhdr : 1, sizeof(str));
        if (!ch[k].parts) {
            st = om_scb_nomem(x, err);
            goto done;
        }
    }
    /* header rows */
    size_t year_rows = 0;
    for (size_t h = 0; h < x->nhdr && ncol; h++) {
        st = om_scb_header_labels(x, x->hdr[h], lab, err);
        if (st != OM_OK)
            goto done;
        bool any = false, years = true;
        for (long k = ns; k < ncol; k++) {
            if (!lab[k].n)
                continue;
            any = true;
            if (!om_scb_year_like(lab[k].s, lab[k].n, NULL))
                years = false;
        }
        if (any && years) {
            year_rows++;
            for (long k = ns; k < ncol; k++) {
                int32_t y;
                if (lab[k].n && om_scb_year_like(lab[k].s, lab[k].n, &y) && !ch[k].year)
                    ch[k].year = y;
            }
            continue;
        }
        for (long k = 0; k < ncol; k++) {
            str s = lab[k];
            if (!s.n)
                continue;
            if (om_scb_is_year_name(s.s, s.n)) {
                ch[k].year_name = true;
                continue;
            }
            if (k < ns)
                continue;
            int32_t y;
            /* a year over a column in a row of other labels: PxWeb's
             * "region","kön","2020","2021" header */
            if (om_scb_year_like(s.s, s.n, &y)) {
                if (!ch[k].year)
                    ch[k].year = y;
                continue;
            }
            if (split_year(&s, &y) && !ch[k].year)
                ch[k].year = y;
            ch[k].parts[ch[k].nparts++] = s;
        }
    }
    /* classify columns */
    for (long k = 0; k < ncol; k++) {
        long rel = k - ns; /* < 0: stub */
        size_t nonempty = 0, text = 0, years = 0, geo_ok = 0, geo_checked = 0;
        const scb_cell *carry = NULL;
        for (size_t i = 0; i < x->nrows; i++) {
            const drow *d = &x->rows[i];
            long col = rel < 0 ? d->rc + rel : d->rc + 1 + rel;
            scb_cell c = om_scb_cell_at(g, d->row, col);
            if (rel < 0) {
                if (c.len)
                    carry = &g->cells[g->rows[d->row].first + (size_t)col];
                else if (carry)
                    c = *carry;
            }
            if (!c.len)
                continue;
            nonempty++;
            if (om_scb_year_like(c.s, c.len, NULL))
                years++;
            if (!om_scb_cell_is_value(&c, g->delim))
                text++;
            /* geography needs every cell to name the row's region or a
             * parent: stop trying after the first miss */
            if (d->area >= 0 && geo_ok == geo_checked) {
                geo_checked++;
                if (c.len <= 300 &&
                    (!om_scb_cell_is_plain_number(&c, g->delim) || om_scb_code_shaped(c.s, c.len))) {
                    om_level l;
                    int32_t a = om_geo_resolve(x->geo, c.s, c.len, &l);
                    if (a >= 0 && om_scb_area_covers(x->geo, d->level, d->area, l, a))
                        geo_ok++;
                }
            }
        }
        if (nonempty == 0)
            kind[k] = COL_EMPTY;
        else if (years == nonempty && (rel < 0 || ch[k].year_name))
            kind[k] = COL_YEAR;
        else if (geo_checked && geo_ok == geo_checked)
            kind[k] = COL_GEO;
        else if (rel < 0 || text == nonempty)
            kind[k] = COL_TEXT;
        else
            kind[k] = COL_VALUE;
    }
    /* text dimension columns come before the values; a text-only column
     * after them holds notes pasted into the sheet */
    bool seen_value = false;
    for (long k = ns; k < ncol; k++) {
        if (kind[k] == COL_VALUE)
            seen_value = true;
        else if (kind[k] == COL_TEXT && seen_value)
            kind[k] = COL_NOTE;
    }
    bool row_text = false;
    for (long k = 0; k < ncol; k++) {
        switch (kind[k]) {
        case COL_EMPTY:
            if (k >= ns)
                t->sum.empty_columns++;
            break;
        case COL_VALUE: t->sum.value_columns++; break;
        case COL_TEXT:
            t->sum.text_columns++;
            row_text = true;
            break;
        case COL_GEO: t->sum.geo_columns++; break;
        case COL_YEAR: break;
        case COL_NOTE:
            for (size_t i = 0; i < x->nrows; i++)
                t->sum.note_cells +=
                    om_scb_cell_at(g, x->rows[i].row, x->rows[i].rc + 1 + (k - ns)).len != 0;
            break;
        }
    }
    t->sum.empty_columns += (size_t)(x->nright > nv ? x->nright - nv : 0);
    /* Value columns: their header variable (parts joined) and a check that
     * no two of them carry the same labels and year.  With that, two
     * observations can only clash when two rows have the same region, row
     * year and text dimensions, which is checked per row below: one hash
     * insert per row instead of one per value. */
    long nvc = 0;
    for (long k = ns; k < ncol; k++)
        nvc += kind[k] == COL_VALUE;
    vcol = malloc((size_t)(nvc ? nvc : 1) * sizeof *vcol);
    colmap = om_strmap_new((size_t)nvc);
    dimsmap = om_strmap_new(64);
    seen = om_u64map_new(x->nrows);
    if (!vcol || !colmap || !dimsmap || !seen) {
        st = om_scb_nomem(x, err);
        goto done;
    }
    nvc = 0;
    for (long k = ns; k < ncol; k++) {
        if (kind[k] != COL_VALUE)
            continue;
        vcol[nvc] = k;
        sb.n = 0;
        for (size_t p = 0; p < ch[k].nparts; p++)
            if (!sb_part(&sb, ch[k].parts[p].s, ch[k].parts[p].n)) {
                st = om_scb_nomem(x, err);
                goto done;
            }
        if (!row_text) {
            st = sb.n ? intern_var(x, sb.p, sb.n, &colvar[k], err)
                      : intern_default(x, &colvar[k], err);
            if (st != OM_OK)
                goto done;
        }
        char yb[8];
        int yn = snprintf(yb, sizeof yb, "%d\x1f", (int)ch[k].year);
        if (!om_scb_sb_add(&sb, yb, (size_t)yn)) {
            st = om_scb_nomem(x, err);
            goto done;
        }
        int32_t prev;
        if (om_strmap_put_new(colmap, sb.p, sb.n, (int32_t)k, &prev) != OM_OK) {
            st = om_scb_nomem(x, err);
            goto done;
        }
        if (prev != (int32_t)k) {
            const drow *d = &x->rows[0];
            st = om_scb_grid_fail(g, d->row, (size_t)(d->rc + 1 + (k - ns)), err,
                               "expected distinct labels over the value columns, found columns "
                               "%ld and %ld labelled '%.*s'",
                               d->rc + 2 + (prev - ns), d->rc + 2 + (k - ns),
                               (int)(sb.n - (size_t)yn > 200 ? 200 : sb.n - (size_t)yn), sb.p);
            goto done;
        }
        nvc++;
    }
    /* observations */
    if (x->nrows && nvc && x->nrows <= SIZE_MAX / 64 / (size_t)nvc) {
        size_t want = x->nrows * (size_t)nvc;
        om_scb_obs *o = realloc(t->obs, want * sizeof *o);
        if (o) {
            t->obs = o;
            t->capobs = want;
        }
    }
    for (long k = 0; k < ns; k++)
        fill[k] = NULL;
    for (size_t i = 0; i < x->nrows; i++) {
        const drow *d = &x->rows[i];
        scb_cell rcell = om_scb_cell_at(g, d->row, d->rc);
        char *rtext = om_scb_tdup(t, rcell.s, rcell.len);
        if (!rtext) {
            st = om_scb_nomem(x, err);
            goto done;
        }
        t->sum.data_rows++;
        int32_t row_year = 0;
        long row_year_col = -1;
        sb.n = 0;
        if (sb.p)
            sb.p[0] = '\0';
        for (long k = 0; k < ncol; k++) {
            if (kind[k] != COL_YEAR && kind[k] != COL_TEXT)
                continue;
            long rel = k - ns;
            long col = rel < 0 ? d->rc + rel : d->rc + 1 + rel;
            scb_cell c = om_scb_cell_at(g, d->row, col);
            if (rel < 0) {
                if (c.len)
                    fill[k] = &g->cells[g->rows[d->row].first + (size_t)col];
                else if (fill[k])
                    c = *fill[k];
            }
            if (kind[k] == COL_YEAR && c.len) {
                om_scb_year_like(c.s, c.len, &row_year);
                row_year_col = col;
            } else if (kind[k] == COL_TEXT && !sb_part(&sb, c.s, c.len)) {
                st = om_scb_nomem(x, err);
                goto done;
            }
        }
        /* the row's text dimensions, interned: variables per value column
         * are cached in dvar[dims_id * nvc + j] */
        int32_t dims_id = 0;
        if (row_text) {
            int32_t nd = (int32_t)om_strmap_size(dimsmap);
            if (om_strmap_put_new(dimsmap, sb.p ? sb.p : "", sb.n, nd, &dims_id) != OM_OK) {
                st = om_scb_nomem(x, err);
                goto done;
            }
            if (dims_id == nd) {
                int32_t *nv2 = realloc(dvar, (size_t)(nd + 1) * (size_t)(nvc ? nvc : 1) *
                                                 sizeof *nv2);
                if (!nv2) {
                    st = om_scb_nomem(x, err);
                    goto done;
                }
                dvar = nv2;
                for (long j = 0; j < nvc; j++)
                    dvar[(size_t)nd * (size_t)nvc + (size_t)j] = -1;
            }
        }
        /* one row per region, row year and text dimensions */
        if (nvc && d->area >= 0 && d->area < (1 << 20) && dims_id < (1 << 30)) {
            uint64_t key = (uint64_t)d->area | ((uint64_t)d->level << 20) |
                           ((uint64_t)(row_year ? row_year - 1899 : 0) << 23) |
                           ((uint64_t)dims_id << 31);
            uint32_t first;
            if (om_u64map_put_new(seen, key, (uint32_t)i, &first) != OM_OK) {
                st = om_scb_nomem(x, err);
                goto done;
            }
            if (first != (uint32_t)i) {
                st = om_scb_grid_fail(g, d->row, (size_t)d->rc, err,
                                   "expected one row per region%s, found a second one for '%s' "
                                   "(first on line %ld)",
                                   row_text ? " and dimension values" : "", rtext,
                                   g->rows[x->rows[first].row].line);
                goto done;
            }
        }
        for (long j = 0; j < nvc; j++) {
            long k = vcol[j];
            long col = d->rc + 1 + (k - ns);
            scb_cell c = om_scb_cell_at(g, d->row, col);
            om_scb_obs o;
            o.level = d->level;
            o.area = d->area;
            o.region_text = rtext;
            o.line = g->rows[d->row].line;
            o.year = ch[k].year;
            if (row_year) {
                if (o.year && o.year != row_year) {
                    st = om_scb_grid_fail(g, d->row, (size_t)row_year_col, err,
                                       "expected the year %d of the column header, found %d",
                                       (int)o.year, (int)row_year);
                    goto done;
                }
                o.year = row_year;
            }
            if (!o.year)
                o.year = x->opt->default_year;
            o.missing = om_scb_missing_marker(c.s, c.len);
            if (o.missing) {
                o.value = NAN;
                t->sum.missing++;
            } else if (!om_scb_parse_number(c.s, c.len, g->delim, &o.value)) {
                str hd = ch[k].nparts ? ch[k].parts[ch[k].nparts - 1] : (str){"", 0};
                st = om_scb_grid_fail(g, d->row, (size_t)col, err,
                                   "expected a number or a missing-value mark such as '..' in "
                                   "column '%.*s', found '%.*s'",
                                   (int)(hd.n > 100 ? 100 : hd.n), hd.s,
                                   (int)(c.len > 100 ? 100 : c.len), c.s);
                goto done;
            }
            if (row_text) {
                int32_t *slot = &dvar[(size_t)dims_id * (size_t)nvc + (size_t)j];
                if (*slot < 0) {
                    sbuf v = {0};
                    bool ok = sb_part(&v, sb.p ? sb.p : "", sb.n);
                    for (size_t p = 0; ok && p < ch[k].nparts; p++)
                        ok = sb_part(&v, ch[k].parts[p].s, ch[k].parts[p].n);
                    if (!ok) {
                        free(v.p);
                        st = om_scb_nomem(x, err);
                        goto done;
                    }
                    st = v.n ? intern_var(x, v.p, v.n, slot, err) : intern_default(x, slot, err);
                    free(v.p);
                    if (st != OM_OK)
                        goto done;
                }
                o.variable = *slot;
            } else {
                o.variable = colvar[k];
            }
            st = push_obs(x, &o, err);
            if (st != OM_OK)
                goto done;
        }
    }
    t->sum.values = t->nobs;
    t->sum.header_rows = x->nhdr;
    /* layout text */
    {
        char buf[400];
        int n = snprintf(buf, sizeof buf, "%s", g->is_xlsx ? "xlsx" : "csv");
        if (!g->is_xlsx)
            n += snprintf(buf + n, sizeof buf - (size_t)n, " '%s'",
                          g->delim == '\t' ? "\\t" : (g->delim == ';' ? ";" : ","));
        if (x->title_row != SIZE_MAX)
            n += snprintf(buf + n, sizeof buf - (size_t)n, ", title");
        n += snprintf(buf + n, sizeof buf - (size_t)n, ", %zu header rows", x->nhdr);
        if (year_rows)
            n += snprintf(buf + n, sizeof buf - (size_t)n, " (%zu year)", year_rows);
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      ", region in column %ld, %zu value columns, %zu text, %zu geography",
                      x->nrows ? x->rows[0].rc + 1 : 0, t->sum.value_columns,
                      t->sum.text_columns, t->sum.geo_columns);
        size_t ycols = 0;
        for (long k = 0; k < ncol; k++)
            ycols += kind[k] == COL_YEAR;
        if (ycols)
            n += snprintf(buf + n, sizeof buf - (size_t)n, ", year column");
        if (x->dend < g->nrows)
            snprintf(buf + n, sizeof buf - (size_t)n, ", footer");
        t->layout = om_scb_tdup(t, buf, strlen(buf));
        if (!t->layout)
            st = om_scb_nomem(x, err);
    }
done:
    if (ch)
        for (long k = 0; k < ncol; k++)
            free(ch[k].parts);
    free(ch);
    free(lab);
    free(kind);
    free(colvar);
    free(fill);
    free(sb.p);
    om_u64map_free(seen);
    om_strmap_free(colmap);
    om_strmap_free(dimsmap);
    free(vcol);
    free(dvar);
    return st;
}

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

/* om_scb_build's state, shared by its phases below. */
typedef struct build_state {
    scb_grid *g;
    om_scb_table *t;
    long ns, nv, ncol; /* stub and value columns */
    colhdr *ch;
    str *lab;
    colkind *kind;
    int32_t *colvar;
    const scb_cell **fill;
    sbuf sb;
    om_u64map *seen;
    om_strmap *colmap, *dimsmap;
    long *vcol; /* the value columns */
    long nvc;
    int32_t *dvar;
    size_t year_rows;
    bool row_text;
} build_state;

static om_status header_rows(ctx *x, build_state *b, om_error *err)
{
    om_status st = OM_OK;
    /* header rows */
    b->year_rows = 0;
    for (size_t h = 0; h < x->nhdr && b->ncol; h++) {
        st = om_scb_header_labels(x, x->hdr[h], b->lab, err);
        if (st != OM_OK)
            return st;
        bool any = false, years = true;
        for (long k = b->ns; k < b->ncol; k++) {
            if (!b->lab[k].n)
                continue;
            any = true;
            if (!om_scb_year_like(b->lab[k].s, b->lab[k].n, NULL))
                years = false;
        }
        if (any && years) {
            b->year_rows++;
            for (long k = b->ns; k < b->ncol; k++) {
                int32_t y;
                if (b->lab[k].n && om_scb_year_like(b->lab[k].s, b->lab[k].n, &y) && !b->ch[k].year)
                    b->ch[k].year = y;
            }
            continue;
        }
        for (long k = 0; k < b->ncol; k++) {
            str s = b->lab[k];
            if (!s.n)
                continue;
            if (om_scb_is_year_name(s.s, s.n)) {
                b->ch[k].year_name = true;
                continue;
            }
            if (k < b->ns)
                continue;
            int32_t y;
            /* a year over a column in a row of other labels: PxWeb's
             * "region","kön","2020","2021" header */
            if (om_scb_year_like(s.s, s.n, &y)) {
                if (!b->ch[k].year)
                    b->ch[k].year = y;
                continue;
            }
            if (split_year(&s, &y) && !b->ch[k].year)
                b->ch[k].year = y;
            b->ch[k].parts[b->ch[k].nparts++] = s;
        }
    }
    return st;
}

static void classify_columns(ctx *x, build_state *b)
{
    /* classify columns */
    for (long k = 0; k < b->ncol; k++) {
        long rel = k - b->ns; /* < 0: stub */
        size_t nonempty = 0, text = 0, years = 0, geo_ok = 0, geo_checked = 0;
        const scb_cell *carry = NULL;
        for (size_t i = 0; i < x->nrows; i++) {
            const drow *d = &x->rows[i];
            long col = rel < 0 ? d->rc + rel : d->rc + 1 + rel;
            scb_cell c = om_scb_cell_at(b->g, d->row, col);
            if (rel < 0) {
                if (c.len)
                    carry = &b->g->cells[b->g->rows[d->row].first + (size_t)col];
                else if (carry)
                    c = *carry;
            }
            if (!c.len)
                continue;
            nonempty++;
            if (om_scb_year_like(c.s, c.len, NULL))
                years++;
            if (!om_scb_cell_is_value(&c, b->g->delim))
                text++;
            /* geography needs every cell to name the row's region or a
             * parent: stop trying after the first miss */
            if (d->area >= 0 && geo_ok == geo_checked) {
                geo_checked++;
                if (c.len <= 300 &&
                    (!om_scb_cell_is_plain_number(&c, b->g->delim) || om_scb_code_shaped(c.s, c.len))) {
                    om_level l;
                    int32_t a = om_geo_resolve(x->geo, c.s, c.len, &l);
                    if (a >= 0 && om_scb_area_covers(x->geo, d->level, d->area, l, a))
                        geo_ok++;
                }
            }
        }
        if (nonempty == 0)
            b->kind[k] = COL_EMPTY;
        else if (years == nonempty && (rel < 0 || b->ch[k].year_name))
            b->kind[k] = COL_YEAR;
        else if (geo_checked && geo_ok == geo_checked)
            b->kind[k] = COL_GEO;
        else if (rel < 0 || text == nonempty)
            b->kind[k] = COL_TEXT;
        else
            b->kind[k] = COL_VALUE;
    }
    /* text dimension columns come before the values; a text-only column
     * after them holds notes pasted into the sheet */
    bool seen_value = false;
    for (long k = b->ns; k < b->ncol; k++) {
        if (b->kind[k] == COL_VALUE)
            seen_value = true;
        else if (b->kind[k] == COL_TEXT && seen_value)
            b->kind[k] = COL_NOTE;
    }
    b->row_text = false;
    for (long k = 0; k < b->ncol; k++) {
        switch (b->kind[k]) {
        case COL_EMPTY:
            if (k >= b->ns)
                b->t->sum.empty_columns++;
            break;
        case COL_VALUE: b->t->sum.value_columns++; break;
        case COL_TEXT:
            b->t->sum.text_columns++;
            b->row_text = true;
            break;
        case COL_GEO: b->t->sum.geo_columns++; break;
        case COL_YEAR: break;
        case COL_NOTE:
            for (size_t i = 0; i < x->nrows; i++)
                b->t->sum.note_cells +=
                    om_scb_cell_at(b->g, x->rows[i].row, x->rows[i].rc + 1 + (k - b->ns)).len != 0;
            break;
        }
    }
    b->t->sum.empty_columns += (size_t)(x->nright > b->nv ? x->nright - b->nv : 0);
}

static om_status value_columns(ctx *x, build_state *b, om_error *err)
{
    om_status st = OM_OK;
    /* Value columns: their header variable (parts joined) and a check that
     * no two of them carry the same labels and year.  With that, two
     * observations can only clash when two rows have the same region, row
     * year and text dimensions, which is checked per row below: one hash
     * insert per row instead of one per value. */
    b->nvc = 0;
    for (long k = b->ns; k < b->ncol; k++)
        b->nvc += b->kind[k] == COL_VALUE;
    b->vcol = malloc((size_t)(b->nvc ? b->nvc : 1) * sizeof *b->vcol);
    b->colmap = om_strmap_new((size_t)b->nvc);
    b->dimsmap = om_strmap_new(64);
    b->seen = om_u64map_new(x->nrows);
    if (!b->vcol || !b->colmap || !b->dimsmap || !b->seen) {
        st = om_scb_nomem(x, err);
        return st;
    }
    b->nvc = 0;
    for (long k = b->ns; k < b->ncol; k++) {
        if (b->kind[k] != COL_VALUE)
            continue;
        b->vcol[b->nvc] = k;
        b->sb.n = 0;
        for (size_t p = 0; p < b->ch[k].nparts; p++)
            if (!sb_part(&b->sb, b->ch[k].parts[p].s, b->ch[k].parts[p].n)) {
                st = om_scb_nomem(x, err);
                return st;
            }
        if (!b->row_text) {
            st = b->sb.n ? intern_var(x, b->sb.p, b->sb.n, &b->colvar[k], err)
                      : intern_default(x, &b->colvar[k], err);
            if (st != OM_OK)
                return st;
        }
        char yb[8];
        int yn = snprintf(yb, sizeof yb, "%d\x1f", (int)b->ch[k].year);
        if (!om_scb_sb_add(&b->sb, yb, (size_t)yn)) {
            st = om_scb_nomem(x, err);
            return st;
        }
        int32_t prev;
        if (om_strmap_put_new(b->colmap, b->sb.p, b->sb.n, (int32_t)k, &prev) != OM_OK) {
            st = om_scb_nomem(x, err);
            return st;
        }
        if (prev != (int32_t)k) {
            const drow *d = &x->rows[0];
            st = om_scb_grid_fail(b->g, d->row, (size_t)(d->rc + 1 + (k - b->ns)), err,
                               "expected distinct labels over the value columns, found columns "
                               "%ld and %ld labelled '%.*s'",
                               d->rc + 2 + (prev - b->ns), d->rc + 2 + (k - b->ns),
                               (int)(b->sb.n - (size_t)yn > 200 ? 200 : b->sb.n - (size_t)yn), b->sb.p);
            return st;
        }
        b->nvc++;
    }
    return st;
}

static om_status observations(ctx *x, build_state *b, om_error *err)
{
    om_status st = OM_OK;
    /* observations */
    if (x->nrows && b->nvc && x->nrows <= SIZE_MAX / 64 / (size_t)b->nvc) {
        size_t want = x->nrows * (size_t)b->nvc;
        om_scb_obs *o = realloc(b->t->obs, want * sizeof *o);
        if (o) {
            b->t->obs = o;
            b->t->capobs = want;
        }
    }
    for (long k = 0; k < b->ns; k++)
        b->fill[k] = NULL;
    for (size_t i = 0; i < x->nrows; i++) {
        const drow *d = &x->rows[i];
        scb_cell rcell = om_scb_cell_at(b->g, d->row, d->rc);
        char *rtext = om_scb_tdup(b->t, rcell.s, rcell.len);
        if (!rtext) {
            st = om_scb_nomem(x, err);
            return st;
        }
        b->t->sum.data_rows++;
        int32_t row_year = 0;
        long row_year_col = -1;
        b->sb.n = 0;
        if (b->sb.p)
            b->sb.p[0] = '\0';
        for (long k = 0; k < b->ncol; k++) {
            if (b->kind[k] != COL_YEAR && b->kind[k] != COL_TEXT)
                continue;
            long rel = k - b->ns;
            long col = rel < 0 ? d->rc + rel : d->rc + 1 + rel;
            scb_cell c = om_scb_cell_at(b->g, d->row, col);
            if (rel < 0) {
                if (c.len)
                    b->fill[k] = &b->g->cells[b->g->rows[d->row].first + (size_t)col];
                else if (b->fill[k])
                    c = *b->fill[k];
            }
            if (b->kind[k] == COL_YEAR && c.len) {
                om_scb_year_like(c.s, c.len, &row_year);
                row_year_col = col;
            } else if (b->kind[k] == COL_TEXT && !sb_part(&b->sb, c.s, c.len)) {
                st = om_scb_nomem(x, err);
                return st;
            }
        }
        /* the row's text dimensions, interned: variables per value column
         * are cached in dvar[dims_id * nvc + j] */
        int32_t dims_id = 0;
        if (b->row_text) {
            int32_t nd = (int32_t)om_strmap_size(b->dimsmap);
            if (om_strmap_put_new(b->dimsmap, b->sb.p ? b->sb.p : "", b->sb.n, nd, &dims_id) != OM_OK) {
                st = om_scb_nomem(x, err);
                return st;
            }
            if (dims_id == nd) {
                int32_t *nv2 = realloc(b->dvar, (size_t)(nd + 1) * (size_t)(b->nvc ? b->nvc : 1) *
                                                 sizeof *nv2);
                if (!nv2) {
                    st = om_scb_nomem(x, err);
                    return st;
                }
                b->dvar = nv2;
                for (long j = 0; j < b->nvc; j++)
                    b->dvar[(size_t)nd * (size_t)b->nvc + (size_t)j] = -1;
            }
        }
        /* one row per region, row year and text dimensions */
        if (b->nvc && d->area >= 0 && d->area < (1 << 20) && dims_id < (1 << 30)) {
            uint64_t key = (uint64_t)d->area | ((uint64_t)d->level << 20) |
                           ((uint64_t)(row_year ? row_year - 1899 : 0) << 23) |
                           ((uint64_t)dims_id << 31);
            uint32_t first;
            if (om_u64map_put_new(b->seen, key, (uint32_t)i, &first) != OM_OK) {
                st = om_scb_nomem(x, err);
                return st;
            }
            if (first != (uint32_t)i) {
                st = om_scb_grid_fail(b->g, d->row, (size_t)d->rc, err,
                                   "expected one row per region%s, found a second one for '%s' "
                                   "(first on line %ld)",
                                   b->row_text ? " and dimension values" : "", rtext,
                                   b->g->rows[x->rows[first].row].line);
                return st;
            }
        }
        for (long j = 0; j < b->nvc; j++) {
            long k = b->vcol[j];
            long col = d->rc + 1 + (k - b->ns);
            scb_cell c = om_scb_cell_at(b->g, d->row, col);
            om_scb_obs o;
            o.level = d->level;
            o.area = d->area;
            o.region_text = rtext;
            o.line = b->g->rows[d->row].line;
            o.year = b->ch[k].year;
            if (row_year) {
                if (o.year && o.year != row_year) {
                    st = om_scb_grid_fail(b->g, d->row, (size_t)row_year_col, err,
                                       "expected the year %d of the column header, found %d",
                                       (int)o.year, (int)row_year);
                    return st;
                }
                o.year = row_year;
            }
            if (!o.year)
                o.year = x->opt->default_year;
            o.missing = om_scb_missing_marker(c.s, c.len);
            if (o.missing) {
                o.value = NAN;
                b->t->sum.missing++;
            } else if (!om_scb_parse_number(c.s, c.len, b->g->delim, &o.value)) {
                str hd = b->ch[k].nparts ? b->ch[k].parts[b->ch[k].nparts - 1] : (str){"", 0};
                st = om_scb_grid_fail(b->g, d->row, (size_t)col, err,
                                   "expected a number or a missing-value mark such as '..' in "
                                   "column '%.*s', found '%.*s'",
                                   (int)(hd.n > 100 ? 100 : hd.n), hd.s,
                                   (int)(c.len > 100 ? 100 : c.len), c.s);
                return st;
            }
            if (b->row_text) {
                int32_t *slot = &b->dvar[(size_t)dims_id * (size_t)b->nvc + (size_t)j];
                if (*slot < 0) {
                    sbuf v = {0};
                    bool ok = sb_part(&v, b->sb.p ? b->sb.p : "", b->sb.n);
                    for (size_t p = 0; ok && p < b->ch[k].nparts; p++)
                        ok = sb_part(&v, b->ch[k].parts[p].s, b->ch[k].parts[p].n);
                    if (!ok) {
                        free(v.p);
                        st = om_scb_nomem(x, err);
                        return st;
                    }
                    st = v.n ? intern_var(x, v.p, v.n, slot, err) : intern_default(x, slot, err);
                    free(v.p);
                    if (st != OM_OK)
                        return st;
                }
                o.variable = *slot;
            } else {
                o.variable = b->colvar[k];
            }
            st = push_obs(x, &o, err);
            if (st != OM_OK)
                return st;
        }
    }
    return st;
}

static om_status layout_text(ctx *x, build_state *b, om_error *err)
{
    om_status st = OM_OK;
    /* layout text */
    {
        char buf[400];
        int n = snprintf(buf, sizeof buf, "%s", b->g->is_xlsx ? "xlsx" : "csv");
        if (!b->g->is_xlsx)
            n += snprintf(buf + n, sizeof buf - (size_t)n, " '%s'",
                          b->g->delim == '\t' ? "\\t" : (b->g->delim == ';' ? ";" : ","));
        if (x->title_row != SIZE_MAX)
            n += snprintf(buf + n, sizeof buf - (size_t)n, ", title");
        n += snprintf(buf + n, sizeof buf - (size_t)n, ", %zu header rows", x->nhdr);
        if (b->year_rows)
            n += snprintf(buf + n, sizeof buf - (size_t)n, " (%zu year)", b->year_rows);
        n += snprintf(buf + n, sizeof buf - (size_t)n,
                      ", region in column %ld, %zu value columns, %zu text, %zu geography",
                      x->nrows ? x->rows[0].rc + 1 : 0, b->t->sum.value_columns,
                      b->t->sum.text_columns, b->t->sum.geo_columns);
        size_t ycols = 0;
        for (long k = 0; k < b->ncol; k++)
            ycols += b->kind[k] == COL_YEAR;
        if (ycols)
            n += snprintf(buf + n, sizeof buf - (size_t)n, ", year column");
        if (x->dend < b->g->nrows)
            snprintf(buf + n, sizeof buf - (size_t)n, ", footer");
        b->t->layout = om_scb_tdup(b->t, buf, strlen(buf));
        if (!b->t->layout)
            st = om_scb_nomem(x, err);
    }
    return st;
}

om_status om_scb_build(ctx *x, om_error *err)
{
    build_state b;
    memset(&b, 0, sizeof b);
    b.g = &x->g;
    b.t = x->t;
    b.ns = x->nstub;
    b.nv = x->nval;
    b.ncol = b.ns + b.nv;
    om_status st = OM_OK;
    b.ch = calloc((size_t)(b.ncol ? b.ncol : 1), sizeof *b.ch);
    b.lab = calloc((size_t)(b.ncol ? b.ncol : 1), sizeof *b.lab);
    b.kind = calloc((size_t)(b.ncol ? b.ncol : 1), sizeof *b.kind);
    b.colvar = calloc((size_t)(b.ncol ? b.ncol : 1), sizeof *b.colvar);
    b.fill = calloc((size_t)(b.ns ? b.ns : 1), sizeof *b.fill);
    if (!b.ch || !b.lab || !b.kind || !b.colvar || !b.fill) {
        st = om_scb_nomem(x, err);
        goto done;
    }
    for (long k = 0; k < b.ncol; k++) {
        b.ch[k].parts = calloc(x->nhdr ? x->nhdr : 1, sizeof(str));
        if (!b.ch[k].parts) {
            st = om_scb_nomem(x, err);
            goto done;
        }
    }
    if ((st = header_rows(x, &b, err)) != OM_OK)
        goto done;
    classify_columns(x, &b);
    if ((st = value_columns(x, &b, err)) != OM_OK)
        goto done;
    if ((st = observations(x, &b, err)) != OM_OK)
        goto done;
    b.t->sum.values = b.t->nobs;
    b.t->sum.header_rows = x->nhdr;
    if ((st = layout_text(x, &b, err)) != OM_OK)
        goto done;
done:
    if (b.ch)
        for (long k = 0; k < b.ncol; k++)
            free(b.ch[k].parts);
    free(b.ch);
    free(b.lab);
    free(b.kind);
    free(b.colvar);
    free(b.fill);
    free(b.sb.p);
    om_u64map_free(b.seen);
    om_strmap_free(b.colmap);
    om_strmap_free(b.dimsmap);
    free(b.vcol);
    free(b.dvar);
    return st;
}

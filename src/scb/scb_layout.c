/* SCB export reader, layout: title, first data row, data block and
 * columns found from the content (steps 1-3 and 5 of scb.c's comment). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/scb.h"

#include "omrade/hash.h"
#include "scb/scb_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------- context */


/* Region cell of row r: the finest-level resolvable cell, leftmost on ties.
 * Returns its column or -1. */
static long find_region(ctx *x, size_t r, om_level *lv, int32_t *area)
{
    const scb_row *row = &x->g.rows[r];
    long best = -1;
    om_level bl = OM_LEVEL_NONE;
    int32_t ba = -1;
    bool plain_right = false; /* a non-year number right of cell i */
    for (long i = (long)row->width - 1; i >= 0; i--) {
        const scb_cell *c = &x->g.cells[row->first + (size_t)i];
        bool plain = om_scb_cell_is_plain_number(c, x->g.delim);
        if (c->len == 0 || c->len > 300 || (om_scb_year_like(c->s, c->len, NULL) && !plain_right)) {
            plain_right |= plain;
            continue;
        }
        plain_right |= plain;
        /* a number names no area unless it has a code's shape (0114, 01) */
        if (plain && !om_scb_code_shaped(c->s, c->len))
            continue;
        om_level l;
        int32_t a = om_geo_resolve(x->geo, c->s, c->len, &l);
        if (a < 0)
            continue;
        if (best < 0 || l <= bl) {
            best = i;
            bl = l;
            ba = a;
        }
    }
    *lv = bl;
    *area = ba;
    return best;
}

static bool has_value_right(const ctx *x, size_t r, long rc)
{
    const scb_row *row = &x->g.rows[r];
    for (long i = rc + 1; i < (long)row->width; i++) {
        const scb_cell *c = &x->g.cells[row->first + (size_t)i];
        if (c->len && om_scb_cell_is_value(c, x->g.delim))
            return true;
    }
    return false;
}

/* Same non-empty cells in the same order. */
static bool rows_equal_text(const scb_grid *g, size_t a, size_t b)
{
    const scb_row *ra = &g->rows[a], *rb = &g->rows[b];
    uint32_t i = 0, k = 0;
    for (;;) {
        while (i < ra->width && g->cells[ra->first + i].len == 0)
            i++;
        while (k < rb->width && g->cells[rb->first + k].len == 0)
            k++;
        if (i == ra->width || k == rb->width)
            return i == ra->width && k == rb->width;
        const scb_cell *ca = &g->cells[ra->first + i], *cb = &g->cells[rb->first + k];
        if (ca->len != cb->len || memcmp(ca->s, cb->s, ca->len) != 0)
            return false;
        i++;
        k++;
    }
}

char *om_scb_tdup(om_scb_table *t, const char *s, size_t n)
{
    return om_arena_strndup(t->arena, s, n);
}

om_status om_scb_nomem(ctx *x, om_error *err)
{
    return om_error_set(err, OM_ERR_NOMEM, x->g.name, 0, 0, "out of memory");
}

static om_status push_drow(ctx *x, size_t r, long rc, om_level l, int32_t a, om_error *err)
{
    if (x->nrows == x->caprows && om_grow(&x->rows, &x->caprows, x->nrows + 1, sizeof *x->rows, 1024, NULL) != OM_OK)
        return om_scb_nomem(x, err);
    x->rows[x->nrows++] = (drow){r, rc, l, a};
    return OM_OK;
}

bool om_scb_area_covers(const om_geo *g, om_level rl, int32_t ra, om_level l, int32_t a)
{
    if (rl == OM_LEVEL_NONE || l < rl)
        return false;
    return om_geo_parent(g, rl, ra, l) == a;
}

/* ------------------------------------------------------------- layout */

om_status om_scb_find_layout(ctx *x, om_error *err)
{
    scb_grid *g = &x->g;
    size_t r0 = 0;
    while (r0 < g->nrows && om_scb_row_blank(g, r0))
        r0++;
    if (r0 == g->nrows)
        return om_error_set(err, OM_ERR_INPUT, g->name, 1, 1,
                            "expected an SCB table, found an empty file");
    x->title_row = SIZE_MAX;
    x->hstart = r0;
    if (om_scb_row_nonempty(g, r0) == 1 && r0 + 1 < g->nrows) {
        scb_cell c = om_scb_cell_at(g, r0, om_scb_row_last(g, r0));
        om_level l;
        if (!om_scb_cell_is_value(&c, g->delim) && om_geo_resolve(x->geo, c.s, c.len, &l) < 0) {
            x->title_row = r0;
            x->hstart = r0 + 1;
        }
    }
    /* first data row */
    size_t d0 = SIZE_MAX;
    long rc0 = -1;
    om_level l0 = OM_LEVEL_NONE;
    int32_t a0 = -1;
    for (size_t r = x->hstart; r < g->nrows && d0 == SIZE_MAX; r++) {
        om_level l;
        int32_t a;
        long rc = find_region(x, r, &l, &a);
        if (rc >= 0 && has_value_right(x, r, rc)) {
            d0 = r;
            rc0 = rc;
            l0 = l;
            a0 = a;
        }
    }
    if (d0 == SIZE_MAX) {
        x->novalues = true;
        for (size_t r = x->hstart; r < g->nrows && d0 == SIZE_MAX; r++) {
            om_level l;
            int32_t a;
            long rc = find_region(x, r, &l, &a);
            if (rc >= 0) {
                d0 = r;
                rc0 = rc;
                l0 = l;
                a0 = a;
            }
        }
    }
    if (d0 == SIZE_MAX)
        return om_error_set(err, OM_ERR_INPUT, g->name, g->rows[x->hstart].line, 1,
                            "expected rows with a region code or 'Kommun (RegSO)' label known "
                            "to the registry %s, found none",
                            om_geo_vintage(x->geo));
    x->dist = (long)g->rows[d0].width - rc0;
    /* An unresolvable label on the very first data rows would otherwise pass
     * for a header row: rows of the data shape with a plain number are data. */
    size_t first = d0;
    for (size_t r = x->hstart; r < d0; r++) {
        if (om_scb_row_blank(g, r))
            continue;
        long rc = g->is_xlsx ? rc0 : (long)g->rows[r].width - x->dist;
        if (!g->is_xlsx && g->rows[r].width != g->rows[d0].width)
            continue;
        scb_cell c = om_scb_cell_at(g, r, rc);
        bool plain = false;
        for (long i = rc + 1; i < (long)g->rows[r].width && !plain; i++) {
            scb_cell v = om_scb_cell_at(g, r, i);
            plain = om_scb_cell_is_plain_number(&v, g->delim);
        }
        if (rc >= 0 && c.len && plain &&
            (!om_scb_cell_is_value(&c, g->delim) || om_geo_code_level(c.s, c.len) != OM_LEVEL_NONE)) {
            first = r;
            break;
        }
    }
    x->d0 = first;
    /* header rows */
    x->hdr = malloc((first - x->hstart + 1) * sizeof *x->hdr);
    if (!x->hdr)
        return om_scb_nomem(x, err);
    for (size_t r = x->hstart; r < first; r++)
        if (!om_scb_row_blank(g, r))
            x->hdr[x->nhdr++] = r;
    /* the data block */
    long prev_rc = rc0;
    size_t r = first;
    for (; r < g->nrows; r++) {
        if (om_scb_row_blank(g, r))
            break;
        bool rep = false;
        for (size_t h = 0; h < x->nhdr && !rep; h++)
            rep = rows_equal_text(g, r, x->hdr[h]);
        if (rep) {
            x->t->sum.repeated_headers++;
            continue;
        }
        om_level l;
        int32_t a;
        long rc;
        if (r == d0) {
            rc = rc0;
            l = l0;
            a = a0;
        } else {
            rc = find_region(x, r, &l, &a);
        }
        long exp = g->is_xlsx ? prev_rc : (long)g->rows[r].width - x->dist;
        if (rc < 0) {
            scb_cell c = om_scb_cell_at(g, r, exp);
            if (exp < 0 || c.len == 0 ||
                (om_scb_cell_is_value(&c, g->delim) && om_geo_code_level(c.s, c.len) == OM_LEVEL_NONE))
                break;
            if (!x->novalues && !has_value_right(x, r, exp))
                break;
            rc = exp;
            l = OM_LEVEL_NONE;
            a = -1;
        } else if (!x->novalues && !has_value_right(x, r, rc)) {
            /* a region without any number: still data when the row has the
             * data's shape (its cells are then checked as values) */
            bool shape = g->is_xlsx ? rc == prev_rc : (long)g->rows[r].width - rc == x->dist;
            if (!shape || om_scb_row_nonempty(g, r) < 2)
                break;
        }
        if (!g->is_xlsx && (long)g->rows[r].width - rc != x->dist) {
            scb_cell ce = om_scb_cell_at(g, r, exp);
            bool label = exp >= 0 && ce.len &&
                         (!om_scb_cell_is_value(&ce, g->delim) || om_scb_code_shaped(ce.s, ce.len));
            if (rc != exp && label) {
                /* the finest region is elsewhere; the expected cell decides */
                scb_cell c = om_scb_cell_at(g, r, exp);
                l = OM_LEVEL_NONE;
                a = c.len ? om_geo_resolve(x->geo, c.s, c.len, &l) : -1;
                if (a < 0)
                    l = OM_LEVEL_NONE;
                rc = exp;
            } else {
                return om_scb_grid_fail(g, r, g->rows[r].width, err,
                                     "expected %ld values after the region as on line %ld, "
                                     "found %ld",
                                     x->dist - 1, g->rows[d0].line,
                                     (long)g->rows[r].width - rc - 1);
            }
        }
        if (a < 0) {
            x->t->sum.unresolved_rows++;
            if (x->opt->fail_unresolved) {
                scb_cell c = om_scb_cell_at(g, r, rc);
                return om_scb_grid_fail(g, r, (size_t)rc, err,
                                     "expected a region code or 'Kommun (RegSO)' label known to "
                                     "the registry %s, found '%.*s'",
                                     om_geo_vintage(x->geo), (int)(c.len > 200 ? 200 : c.len),
                                     c.s);
            }
        }
        om_status s = push_drow(x, r, rc, l, a, err);
        if (s != OM_OK)
            return s;
        prev_rc = rc;
    }
    x->dend = r;
    if (x->nrows == 0)
        return om_scb_grid_fail(g, first, 0, err,
                             "expected data rows with a region and values, found none");
    /* a data row after the block (after a blank line) would be lost */
    for (size_t k = r; k < g->nrows; k++) {
        om_level l;
        int32_t a;
        if (om_scb_row_blank(g, k))
            continue;
        long rc = find_region(x, k, &l, &a);
        if (rc >= 0 && !x->novalues && l < OM_LEVEL_RIKET) {
            bool plain = false;
            for (long i = rc + 1; i < (long)g->rows[k].width && !plain; i++) {
                scb_cell v = om_scb_cell_at(g, k, i);
                plain = om_scb_cell_is_plain_number(&v, g->delim);
            }
            scb_cell c = om_scb_cell_at(g, k, rc);
            if (plain && !om_scb_year_like(c.s, c.len, NULL))
                return om_scb_grid_fail(g, k, (size_t)rc, err,
                                     "expected the footnotes after the table that ends on line "
                                     "%ld, found another data row",
                                     g->rows[x->rows[x->nrows - 1].row].line);
        }
    }
    /* column extents */
    x->nstub = 0;
    x->nval = 0;
    x->nright = 0;
    for (size_t i = 0; i < x->nrows; i++) {
        const drow *d = &x->rows[i];
        if (d->rc > x->nstub)
            x->nstub = d->rc;
        long last = om_scb_row_last(g, d->row);
        if (last - d->rc > x->nval)
            x->nval = last - d->rc;
        long right = (long)g->rows[d->row].width - d->rc - 1;
        if (right > x->nright)
            x->nright = right;
    }
    return OM_OK;
}

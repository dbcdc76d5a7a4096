/* Reading SCB statistical-database exports into a tidy long table.
 *
 * The file becomes a grid of text cells (grid.c for CSV, xlsx.c for .xlsx);
 * the layout is then found from the content, in this order:
 *
 *  1. Title: a first row with exactly one cell that is text, not a number
 *     and not a region ("Antal hushåll efter region, år och hushållstyp").
 *  2. First data row: the first row holding a region cell (a code or label
 *     that om_geo_resolve() knows; the finest level wins, then the leftmost
 *     cell) with a number or a missing marker to its right.  A four-digit
 *     year such as 2023 is also a kommun code (Malung-Sälen); it counts as a
 *     region only when a non-year number follows it.  Tables without any
 *     value (mapping tables) fall back to the first row with a region.
 *  3. Data block: following rows while they hold a region at the expected
 *     place (CSV: the same number of cells from the region to the end of the
 *     row; .xlsx: the same column), or an unresolvable label there followed
 *     by values (kept and counted, or an error with fail_unresolved).  A
 *     blank row or a row of another shape ends the block; rows equal to a
 *     header row are skipped as repeated headers.
 *  4. Header rows (between title and data) label the value columns.  In
 *     .xlsx, and in CSV rows as wide as the data rows, cells are placed by
 *     column and an empty cell continues the label on its left (a merged
 *     span).  The xlsx-to-CSV conversion drops empty cells, so shorter CSV
 *     rows are placed by count: as many cells as value columns map one to
 *     one, more cells put the extra ones over the region and stub columns,
 *     fewer cells (m dividing n) span n/m columns each, as PxWeb nests its
 *     dimensions.  A row of years is the year row; a label ending in a year
 *     ("Antal 2021") gives the year of its column.
 *  5. Columns, relative to the region cell of each row: stub columns to its
 *     left (merged cells are filled down) and columns to its right are
 *     classified as year (all cells years, or a column named år/year),
 *     geography (every cell names the row's region or a parent of it: a
 *     kommun code, the label again), text dimensions (no numbers; their
 *     values join the variable) or values (numbers and missing markers; any
 *     other text there is an error).  Text columns must come before the
 *     value columns.
 *  6. Footer: the rows after the data block.  Rows before the first known
 *     "Key:" line are footnotes; the keys (Senaste uppdatering, Källa,
 *     Kontaktperson, Sort, Datatyp, Referenstid, Databas, Intern
 *     referenskod) give the metadata.
 *
 * Missing markers follow SCB's symbol list ("Teckenförklaring"): ".."
 * figure not available or too uncertain, "." cannot occur, "-"/"–" nothing
 * to report, "x" suppressed; an empty value cell is missing too. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/scb.h"

#include "omrade/hash.h"
#include "scb/scb_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_BYTES ((size_t)512 << 20)
#define DEFAULT_MAX_CELLS ((size_t)64 << 20)

struct om_scb_table {
    om_arena *arena;
    om_scb_obs *obs;
    size_t nobs, capobs;
    char **vars;
    size_t nvars, capvars;
    om_strmap *varmap;
    om_scb_summary sum;
    const char *title, *table_id, *source, *updated, *unit, *layout;
    const char **foot;
    size_t nfoot, capfoot;
    struct meta {
        const char *key, *val;
    } *meta;
    size_t nmeta, capmeta;
};

/* ------------------------------------------------------------- cells */

typedef struct {
    const char *s;
    size_t n;
} str;

static const scb_cell empty_cell = {"", 0};

static scb_cell cell_at(const scb_grid *g, size_t r, long c)
{
    const scb_row *row = &g->rows[r];
    if (c < 0 || (size_t)c >= row->width)
        return empty_cell;
    return g->cells[row->first + (size_t)c];
}

static bool row_blank(const scb_grid *g, size_t r)
{
    const scb_row *row = &g->rows[r];
    for (uint32_t i = 0; i < row->width; i++)
        if (g->cells[row->first + i].len)
            return false;
    return true;
}

static size_t row_nonempty(const scb_grid *g, size_t r)
{
    const scb_row *row = &g->rows[r];
    size_t k = 0;
    for (uint32_t i = 0; i < row->width; i++)
        k += g->cells[row->first + i].len != 0;
    return k;
}

/* Index of the last non-empty cell, -1 when blank. */
static long row_last(const scb_grid *g, size_t r)
{
    const scb_row *row = &g->rows[r];
    for (long i = (long)row->width - 1; i >= 0; i--)
        if (g->cells[row->first + (size_t)i].len)
            return i;
    return -1;
}

static bool year_like(const char *s, size_t n, int32_t *year)
{
    if (n != 4)
        return false;
    int v = 0;
    for (size_t i = 0; i < 4; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (!om_year_valid(v))
        return false;
    if (year)
        *year = v;
    return true;
}

/* SCB's symbols for a value that is not there; NULL for anything else. */
static const char *missing_marker(const char *s, size_t n)
{
    static const char *const marks[] = {"..", "...", ".", "-", "\xE2\x80\x93", "\xE2\x80\x94",
                                        "x", "X"};
    if (n == 0)
        return "";
    if (n > 3 || (s[0] != '.' && s[0] != '-' && s[0] != 'x' && s[0] != 'X' &&
                  (unsigned char)s[0] != 0xE2))
        return NULL;
    for (size_t i = 0; i < sizeof marks / sizeof *marks; i++)
        if (strlen(marks[i]) == n && memcmp(marks[i], s, n) == 0)
            return marks[i];
    return NULL;
}

/* A number as SCB writes it: '.' decimals, or a decimal comma in ';'
 * files, and blanks or no-break spaces between groups of thousands. */
static bool parse_number(const char *s, size_t n, char delim, double *v)
{
    if (n == 0 || n > 64)
        return false;
    if (om_parse_double(s, n, v))
        return isfinite(*v);
    char buf[80];
    size_t k = 0;
    bool comma = false;
    /* digits since the last grouping blank; -1 before the first blank */
    int group = -1;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        size_t skip = 0;
        if (ch == ' ')
            skip = 1;
        else if (ch == 0xC2 && i + 1 < n && (unsigned char)s[i + 1] == 0xA0)
            skip = 2;
        else if (ch == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                 (unsigned char)s[i + 2] == 0xAF)
            skip = 3;
        if (skip) {
            /* a grouping blank follows 1-3 digits and then 3 more: "10 521 556" */
            if (comma || k == 0 || buf[k - 1] < '0' || buf[k - 1] > '9' || group == 0 ||
                (group > 0 && group != 3))
                return false;
            group = 0;
            i += skip - 1;
            continue;
        }
        if (ch == ',' && delim != ',') {
            if (comma || (group >= 0 && group != 3))
                return false;
            comma = true;
            ch = '.';
        } else if (ch >= '0' && ch <= '9') {
            if (group >= 0 && !comma)
                group++;
        } else if (group >= 0 && !comma) {
            return false;
        }
        buf[k++] = (char)ch;
    }
    if ((k == n && !comma) || (group >= 0 && !comma && group != 3))
        return false;
    return om_parse_double(buf, k, v) && isfinite(*v);
}

/* Could the text be an area code (2, 4, 8 or 9 characters)? */
static bool code_shaped(const char *s, size_t n)
{
    return (n == 2 || n == 4 || n == 8 || n == 9) && om_geo_code_level(s, n) != OM_LEVEL_NONE;
}

static bool cell_is_value(const scb_cell *c, char delim)
{
    double v;
    return c->len && (missing_marker(c->s, c->len) || parse_number(c->s, c->len, delim, &v));
}

static bool cell_is_plain_number(const scb_cell *c, char delim)
{
    double v;
    int32_t y;
    return c->len && parse_number(c->s, c->len, delim, &v) && !year_like(c->s, c->len, &y);
}

/* ------------------------------------------------------------- context */

typedef struct {
    size_t row;
    long rc;          /* column of the region cell */
    om_level level;   /* OM_LEVEL_NONE when unresolved */
    int32_t area;
} drow;

typedef enum { COL_EMPTY, COL_VALUE, COL_TEXT, COL_YEAR, COL_GEO, COL_NOTE } colkind;

typedef struct {
    const om_geo *geo;
    const om_scb_options *opt;
    scb_grid g;
    om_scb_table *t;
    size_t title_row; /* SIZE_MAX when none */
    size_t hstart;    /* first header row */
    size_t d0;        /* first data row */
    size_t dend;      /* first row after the data block */
    drow *rows;
    size_t nrows, caprows;
    bool novalues;
    long dist;        /* CSV: cells from region to row end, incl. the region */
    long nstub;       /* columns left of the region (max) */
    long nval;        /* columns right of the region holding something */
    long nright;      /* columns right of the region (CSV incl. empty trailing ones) */
    size_t *hdr;      /* header rows */
    size_t nhdr;
} ctx;

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
        bool plain = cell_is_plain_number(c, x->g.delim);
        if (c->len == 0 || c->len > 300 || (year_like(c->s, c->len, NULL) && !plain_right)) {
            plain_right |= plain;
            continue;
        }
        plain_right |= plain;
        /* a number names no area unless it has a code's shape (0114, 01) */
        if (plain && !code_shaped(c->s, c->len))
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
        if (c->len && cell_is_value(c, x->g.delim))
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

static char *tdup(om_scb_table *t, const char *s, size_t n)
{
    return om_arena_strndup(t->arena, s, n);
}

static om_status nomem(ctx *x, om_error *err)
{
    return om_error_set(err, OM_ERR_NOMEM, x->g.name, 0, 0, "out of memory");
}

static om_status push_drow(ctx *x, size_t r, long rc, om_level l, int32_t a, om_error *err)
{
    if (x->nrows == x->caprows && om_grow(&x->rows, &x->caprows, x->nrows + 1, sizeof *x->rows, 1024, NULL) != OM_OK)
        return nomem(x, err);
    x->rows[x->nrows++] = (drow){r, rc, l, a};
    return OM_OK;
}

static bool area_covers(const om_geo *g, om_level rl, int32_t ra, om_level l, int32_t a)
{
    if (rl == OM_LEVEL_NONE || l < rl)
        return false;
    return om_geo_parent(g, rl, ra, l) == a;
}

/* ------------------------------------------------------------- layout */

static om_status find_layout(ctx *x, om_error *err)
{
    scb_grid *g = &x->g;
    size_t r0 = 0;
    while (r0 < g->nrows && row_blank(g, r0))
        r0++;
    if (r0 == g->nrows)
        return om_error_set(err, OM_ERR_INPUT, g->name, 1, 1,
                            "expected an SCB table, found an empty file");
    x->title_row = SIZE_MAX;
    x->hstart = r0;
    if (row_nonempty(g, r0) == 1 && r0 + 1 < g->nrows) {
        scb_cell c = cell_at(g, r0, row_last(g, r0));
        om_level l;
        if (!cell_is_value(&c, g->delim) && om_geo_resolve(x->geo, c.s, c.len, &l) < 0) {
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
        if (row_blank(g, r))
            continue;
        long rc = g->is_xlsx ? rc0 : (long)g->rows[r].width - x->dist;
        if (!g->is_xlsx && g->rows[r].width != g->rows[d0].width)
            continue;
        scb_cell c = cell_at(g, r, rc);
        bool plain = false;
        for (long i = rc + 1; i < (long)g->rows[r].width && !plain; i++) {
            scb_cell v = cell_at(g, r, i);
            plain = cell_is_plain_number(&v, g->delim);
        }
        if (rc >= 0 && c.len && plain &&
            (!cell_is_value(&c, g->delim) || om_geo_code_level(c.s, c.len) != OM_LEVEL_NONE)) {
            first = r;
            break;
        }
    }
    x->d0 = first;
    /* header rows */
    x->hdr = malloc((first - x->hstart + 1) * sizeof *x->hdr);
    if (!x->hdr)
        return nomem(x, err);
    for (size_t r = x->hstart; r < first; r++)
        if (!row_blank(g, r))
            x->hdr[x->nhdr++] = r;
    /* the data block */
    long prev_rc = rc0;
    size_t r = first;
    for (; r < g->nrows; r++) {
        if (row_blank(g, r))
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
            scb_cell c = cell_at(g, r, exp);
            if (exp < 0 || c.len == 0 ||
                (cell_is_value(&c, g->delim) && om_geo_code_level(c.s, c.len) == OM_LEVEL_NONE))
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
            if (!shape || row_nonempty(g, r) < 2)
                break;
        }
        if (!g->is_xlsx && (long)g->rows[r].width - rc != x->dist) {
            scb_cell ce = cell_at(g, r, exp);
            bool label = exp >= 0 && ce.len &&
                         (!cell_is_value(&ce, g->delim) || code_shaped(ce.s, ce.len));
            if (rc != exp && label) {
                /* the finest region is elsewhere; the expected cell decides */
                scb_cell c = cell_at(g, r, exp);
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
                scb_cell c = cell_at(g, r, rc);
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
        if (row_blank(g, k))
            continue;
        long rc = find_region(x, k, &l, &a);
        if (rc >= 0 && !x->novalues && l < OM_LEVEL_RIKET) {
            bool plain = false;
            for (long i = rc + 1; i < (long)g->rows[k].width && !plain; i++) {
                scb_cell v = cell_at(g, k, i);
                plain = cell_is_plain_number(&v, g->delim);
            }
            scb_cell c = cell_at(g, k, rc);
            if (plain && !year_like(c.s, c.len, NULL))
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
        long last = row_last(g, d->row);
        if (last - d->rc > x->nval)
            x->nval = last - d->rc;
        long right = (long)g->rows[d->row].width - d->rc - 1;
        if (right > x->nright)
            x->nright = right;
    }
    return OM_OK;
}

/* ------------------------------------------------------------- headers */

typedef struct {
    int32_t year;        /* from a year row or a "... 2021" label */
    bool year_name;      /* header says "år"/"year": a year column */
    str *parts;          /* labels top to bottom */
    size_t nparts;
} colhdr;

static bool is_year_name(const char *s, size_t n)
{
    static const char *const names[] = {"år", "År", "year", "Year", "YEAR", "ar", "Ar", "årtal"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0)
            return true;
    return false;
}

/* Labels of header row h over relative columns: out[k] for k in
 * [-nstub, nval) stored at out[k + nstub]. */
static om_status header_labels(ctx *x, size_t h, str *out, om_error *err)
{
    scb_grid *g = &x->g;
    long ns = x->nstub, nv = x->nval;
    for (long k = 0; k < ns + nv; k++)
        out[k] = (str){"", 0};
    const drow *d = &x->rows[0];
    if (g->is_xlsx || g->rows[h].width == g->rows[d->row].width) {
        for (long k = -ns; k < nv; k++) {
            long col = k < 0 ? d->rc + k : d->rc + 1 + k;
            scb_cell c = cell_at(g, h, col);
            out[k + ns] = (str){c.s, c.len};
        }
        /* an empty cell continues the label on its left (merged span) */
        for (long k = 1; k < nv; k++)
            if (out[k + ns].n == 0)
                out[k + ns] = out[k - 1 + ns];
        return OM_OK;
    }
    const scb_row *row = &g->rows[h];
    size_t m = row_nonempty(g, h);
    str *cells = malloc((m ? m : 1) * sizeof *cells);
    if (!cells)
        return nomem(x, err);
    size_t k = 0;
    for (uint32_t i = 0; i < row->width; i++) {
        const scb_cell *c = &g->cells[row->first + i];
        if (c->len)
            cells[k++] = (str){c->s, c->len};
    }
    if (nv == 0) {
        free(cells);
        return OM_OK;
    }
    if (m >= (size_t)nv) {
        for (long j = 0; j < nv; j++)
            out[ns + j] = cells[m - (size_t)nv + (size_t)j];
        /* the extra cells sit over the region column (the last of them)
         * and the stub columns left of it */
        long extra = (long)m - nv;
        for (long e = 1; e < extra && e <= ns; e++)
            out[ns - e] = cells[(size_t)(extra - 1 - e)];
    } else if (nv % (long)m == 0) {
        long span = nv / (long)m;
        for (long j = 0; j < nv; j++)
            out[ns + j] = cells[(size_t)(j / span)];
    } else {
        free(cells);
        return om_scb_grid_fail(g, h, 0, err,
                             "expected %ld column labels (or a number dividing it) over the "
                             "values, found %zu",
                             nv, m);
    }
    free(cells);
    return OM_OK;
}

/* ------------------------------------------------------------- output */

static om_status push_obs(ctx *x, const om_scb_obs *o, om_error *err)
{
    om_scb_table *t = x->t;
    if (t->nobs == t->capobs && om_grow(&t->obs, &t->capobs, t->nobs + 1, sizeof *t->obs, 4096, NULL) != OM_OK)
        return nomem(x, err);
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
        return nomem(x, err);
    char *copy = tdup(t, s, n);
    if (!copy || t->nvars >= INT32_MAX)
        return nomem(x, err);
    v = (int32_t)t->nvars;
    if (om_strmap_put(t->varmap, s, n, v) != OM_OK)
        return nomem(x, err);
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

typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

static bool sb_add(sbuf *b, const char *s, size_t n)
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
    if (b->n && !sb_add(b, "|", 1))
        return false;
    return sb_add(b, s, n);
}

/* Label ending in " YYYY": strip the year. */
static bool split_year(str *s, int32_t *year)
{
    if (s->n < 6 || s->s[s->n - 5] != ' ')
        return false;
    if (!year_like(s->s + s->n - 4, 4, year))
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

static om_status build(ctx *x, om_error *err)
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
        st = nomem(x, err);
        goto done;
    }
    for (long k = 0; k < ncol; k++) {
        ch[k].parts = calloc(x->nhdr ? x->nhdr : 1, sizeof(str));
        if (!ch[k].parts) {
            st = nomem(x, err);
            goto done;
        }
    }
    /* header rows */
    size_t year_rows = 0;
    for (size_t h = 0; h < x->nhdr && ncol; h++) {
        st = header_labels(x, x->hdr[h], lab, err);
        if (st != OM_OK)
            goto done;
        bool any = false, years = true;
        for (long k = ns; k < ncol; k++) {
            if (!lab[k].n)
                continue;
            any = true;
            if (!year_like(lab[k].s, lab[k].n, NULL))
                years = false;
        }
        if (any && years) {
            year_rows++;
            for (long k = ns; k < ncol; k++) {
                int32_t y;
                if (lab[k].n && year_like(lab[k].s, lab[k].n, &y) && !ch[k].year)
                    ch[k].year = y;
            }
            continue;
        }
        for (long k = 0; k < ncol; k++) {
            str s = lab[k];
            if (!s.n)
                continue;
            if (is_year_name(s.s, s.n)) {
                ch[k].year_name = true;
                continue;
            }
            if (k < ns)
                continue;
            int32_t y;
            /* a year over a column in a row of other labels: PxWeb's
             * "region","kön","2020","2021" header */
            if (year_like(s.s, s.n, &y)) {
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
            scb_cell c = cell_at(g, d->row, col);
            if (rel < 0) {
                if (c.len)
                    carry = &g->cells[g->rows[d->row].first + (size_t)col];
                else if (carry)
                    c = *carry;
            }
            if (!c.len)
                continue;
            nonempty++;
            if (year_like(c.s, c.len, NULL))
                years++;
            if (!cell_is_value(&c, g->delim))
                text++;
            /* geography needs every cell to name the row's region or a
             * parent: stop trying after the first miss */
            if (d->area >= 0 && geo_ok == geo_checked) {
                geo_checked++;
                if (c.len <= 300 &&
                    (!cell_is_plain_number(&c, g->delim) || code_shaped(c.s, c.len))) {
                    om_level l;
                    int32_t a = om_geo_resolve(x->geo, c.s, c.len, &l);
                    if (a >= 0 && area_covers(x->geo, d->level, d->area, l, a))
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
                    cell_at(g, x->rows[i].row, x->rows[i].rc + 1 + (k - ns)).len != 0;
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
        st = nomem(x, err);
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
                st = nomem(x, err);
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
        if (!sb_add(&sb, yb, (size_t)yn)) {
            st = nomem(x, err);
            goto done;
        }
        int32_t prev;
        if (om_strmap_put_new(colmap, sb.p, sb.n, (int32_t)k, &prev) != OM_OK) {
            st = nomem(x, err);
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
        scb_cell rcell = cell_at(g, d->row, d->rc);
        char *rtext = tdup(t, rcell.s, rcell.len);
        if (!rtext) {
            st = nomem(x, err);
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
            scb_cell c = cell_at(g, d->row, col);
            if (rel < 0) {
                if (c.len)
                    fill[k] = &g->cells[g->rows[d->row].first + (size_t)col];
                else if (fill[k])
                    c = *fill[k];
            }
            if (kind[k] == COL_YEAR && c.len) {
                year_like(c.s, c.len, &row_year);
                row_year_col = col;
            } else if (kind[k] == COL_TEXT && !sb_part(&sb, c.s, c.len)) {
                st = nomem(x, err);
                goto done;
            }
        }
        /* the row's text dimensions, interned: variables per value column
         * are cached in dvar[dims_id * nvc + j] */
        int32_t dims_id = 0;
        if (row_text) {
            int32_t nd = (int32_t)om_strmap_size(dimsmap);
            if (om_strmap_put_new(dimsmap, sb.p ? sb.p : "", sb.n, nd, &dims_id) != OM_OK) {
                st = nomem(x, err);
                goto done;
            }
            if (dims_id == nd) {
                int32_t *nv2 = realloc(dvar, (size_t)(nd + 1) * (size_t)(nvc ? nvc : 1) *
                                                 sizeof *nv2);
                if (!nv2) {
                    st = nomem(x, err);
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
                st = nomem(x, err);
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
            scb_cell c = cell_at(g, d->row, col);
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
            o.missing = missing_marker(c.s, c.len);
            if (o.missing) {
                o.value = NAN;
                t->sum.missing++;
            } else if (!parse_number(c.s, c.len, g->delim, &o.value)) {
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
                        st = nomem(x, err);
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
        t->layout = tdup(t, buf, strlen(buf));
        if (!t->layout)
            st = nomem(x, err);
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

/* ------------------------------------------------------------- footer */

static const char *const meta_keys[] = {"Senaste uppdatering", "Källa", "Kontaktperson", "Sort",
                                        "Datatyp", "Referenstid", "Databas",
                                        "Intern referenskod", "Enhet", "Dokumentation",
                                        "Officiell statistik"};

static bool push_str(om_scb_table *t, const char ***arr, size_t *n, size_t *cap, const char *s)
{
    if (*n == *cap && om_grow(arr, cap, *n + 1, sizeof **arr, 16, NULL) != OM_OK)
        return false;
    (*arr)[(*n)++] = s;
    (void)t;
    return true;
}

static om_status footer(ctx *x, om_error *err)
{
    scb_grid *g = &x->g;
    om_scb_table *t = x->t;
    long key = -1;
    sbuf val = {0};
    om_status st = OM_OK;
    const char *cur_key = NULL;
    for (size_t r = x->dend; r <= g->nrows; r++) {
        sbuf line = {0};
        if (r < g->nrows) {
            if (row_blank(g, r))
                continue;
            t->sum.footer_rows++;
            const scb_row *row = &g->rows[r];
            for (uint32_t i = 0; i < row->width; i++) {
                const scb_cell *c = &g->cells[row->first + i];
                if (!c->len)
                    continue;
                if ((line.n && !sb_add(&line, ", ", 2)) || !sb_add(&line, c->s, c->len)) {
                    free(line.p);
                    st = nomem(x, err);
                    goto out;
                }
            }
        }
        long k = -1;
        if (r < g->nrows) {
            for (size_t i = 0; i < sizeof meta_keys / sizeof *meta_keys; i++) {
                size_t kl = strlen(meta_keys[i]);
                if ((line.n == kl + 1 && line.p[kl] == ':' && memcmp(line.p, meta_keys[i], kl) == 0) ||
                    (line.n == kl && memcmp(line.p, meta_keys[i], kl) == 0 &&
                     strcmp(meta_keys[i], "Officiell statistik") == 0))
                    k = (long)i;
            }
        }
        if (k >= 0 || r == g->nrows) {
            if (cur_key) {
                char *v = tdup(t, val.p ? val.p : "", val.n);
                if (v && t->nmeta == t->capmeta)
                    (void)om_grow(&t->meta, &t->capmeta, t->nmeta + 1, sizeof *t->meta, 16, NULL);
                if (!v || t->nmeta == t->capmeta) {
                    free(line.p);
                    st = nomem(x, err);
                    goto out;
                }
                t->meta[t->nmeta].key = cur_key;
                t->meta[t->nmeta++].val = v;
            }
            if (r < g->nrows) {
                cur_key = meta_keys[k];
                key = k;
                val.n = 0;
                if (val.p)
                    val.p[0] = '\0';
            }
        } else if (key < 0) {
            char *f = tdup(t, line.p, line.n);
            if (!f || !push_str(t, &t->foot, &t->nfoot, &t->capfoot, f)) {
                free(line.p);
                st = nomem(x, err);
                goto out;
            }
        } else {
            if ((val.n && !sb_add(&val, "\n", 1)) || !sb_add(&val, line.p, line.n)) {
                free(line.p);
                st = nomem(x, err);
                goto out;
            }
        }
        free(line.p);
    }
    /* well-known fields */
    for (size_t i = 0; i < t->nmeta; i++) {
        const char *k = t->meta[i].key, *v = t->meta[i].val;
        const char *nl = strchr(v, '\n');
        size_t first = nl ? (size_t)(nl - v) : strlen(v);
        if (strcmp(k, "Intern referenskod") == 0 && !*t->table_id)
            t->table_id = tdup(t, v, first);
        else if (strcmp(k, "Källa") == 0 && !*t->source)
            t->source = tdup(t, v, first);
        else if (strcmp(k, "Senaste uppdatering") == 0 && !*t->updated) {
            /* the first line that is a date (per-content sections put the
             * content name first) */
            const char *p = v;
            while (*p) {
                const char *e = strchr(p, '\n');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                if (n >= 8 && p[0] >= '0' && p[0] <= '9') {
                    t->updated = tdup(t, p, n);
                    break;
                }
                p += n + (e ? 1 : 0);
            }
        } else if (strcmp(k, "Sort") == 0 && !*t->unit) {
            sbuf u = {0};
            const char *p = v;
            bool ok = true;
            while (*p && ok) {
                const char *e = strchr(p, '\n');
                size_t n = e ? (size_t)(e - p) : strlen(p);
                if (n && p[n - 1] != ':') {
                    bool dup = false;
                    for (const char *q = u.p; q && *q && !dup;) {
                        const char *qe = strstr(q, "; ");
                        size_t qn = qe ? (size_t)(qe - q) : strlen(q);
                        dup = qn == n && memcmp(q, p, n) == 0;
                        q = qe ? qe + 2 : q + qn;
                    }
                    if (!dup)
                        ok = (!u.n || sb_add(&u, "; ", 2)) && sb_add(&u, p, n);
                }
                p += n + (e ? 1 : 0);
            }
            t->unit = ok ? tdup(t, u.p ? u.p : "", u.n) : NULL;
            free(u.p);
        }
        if (!t->table_id || !t->source || !t->updated || !t->unit) {
            st = nomem(x, err);
            goto out;
        }
    }
out:
    free(val.p);
    return st;
}

/* ------------------------------------------------------------- entry */

static om_status read_all(const char *path, size_t cap, char **buf, size_t *len, om_error *err)
{
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) {
        /* a missing or unreadable input is bad input (exit 2), as in om_csv_open */
        int e = errno;
        return om_error_set(err, e == ENOENT || e == ENOTDIR || e == EACCES || e == EISDIR ? OM_ERR_INPUT : OM_ERR_IO,
                            name, 0, 0, "cannot open the input: %s", strerror(e));
    }
    struct stat fst;
    if (f != stdin && fstat(fileno(f), &fst) == 0 && S_ISDIR(fst.st_mode)) {
        fclose(f);
        return om_error_set(err, OM_ERR_INPUT, name, 0, 0, "expected a file, found a directory");
    }
    if (f != stdin)
        om_afile_note_input(path);
    size_t n = 0, c = 1 << 16;
    char *b = malloc(c);
    om_status st = OM_OK;
    if (!b) {
        st = om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
        goto out;
    }
    for (;;) {
        if (n == c) {
            if (c >= cap) {
                st = om_error_set(err, OM_ERR_NOMEM, name, 0, 0,
                                  "expected at most %zu bytes, found more (raise the cap)", cap);
                goto out;
            }
            size_t nc = c * 2 > cap ? cap : c * 2;
            char *nb = realloc(b, nc);
            if (!nb) {
                st = om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
                goto out;
            }
            b = nb;
            c = nc;
        }
        size_t r = fread(b + n, 1, c - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f))
                st = om_error_set(err, OM_ERR_IO, name, 0, 0, "cannot read: %s",
                                  strerror(errno));
            break;
        }
    }
out:
    if (f != stdin)
        fclose(f);
    if (st != OM_OK) {
        free(b);
        return st;
    }
    *buf = b;
    *len = n;
    return OM_OK;
}

/* Windows-1252 (a superset of ISO-8859-1 in 0xA0-0xFF) to UTF-8: older
 * PxWeb downloads ("Ansi") are in this encoding.  0x80-0x9F map through the
 * code page table (WHATWG Encoding Standard, index-windows-1252); the five
 * unassigned bytes map to the C1 controls as browsers do. */
static om_status latin1_to_utf8(const void *in, size_t len, size_t cap, char **out,
                                size_t *outlen, const char *name, om_error *err)
{
    static const uint16_t c1[32] = {
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};
    const unsigned char *p = in;
    if (len > cap / 3)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0,
                            "expected at most %zu bytes, found %zu (raise the cap)", cap / 3, len);
    char *o = malloc(len * 3 + 1);
    if (!o)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned u = p[i];
        if (u >= 0x80 && u < 0xA0)
            u = c1[u - 0x80];
        if (u < 0x80) {
            o[k++] = (char)u;
        } else if (u < 0x800) {
            o[k++] = (char)(0xC0 | (u >> 6));
            o[k++] = (char)(0x80 | (u & 0x3F));
        } else {
            o[k++] = (char)(0xE0 | (u >> 12));
            o[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
            o[k++] = (char)(0x80 | (u & 0x3F));
        }
    }
    *out = o;
    *outlen = k;
    return OM_OK;
}

/* UTF-16 with a byte-order mark (Excel's "Unicode text" export, tab
 * separated) to UTF-8.  An unpaired surrogate is an input error. */
static om_status utf16_to_utf8(const unsigned char *p, size_t len, bool le, size_t cap,
                               char **out, size_t *outlen, const char *name, om_error *err)
{
    if (len / 2 > cap / 3)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0,
                            "expected at most %zu bytes, found %zu (raise the cap)", cap, len);
    char *o = malloc(len / 2 * 3 + 1);
    if (!o)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    size_t k = 0;
    for (size_t i = 2; i + 1 < len; i += 2) {
        unsigned u = le ? (unsigned)p[i] | (unsigned)p[i + 1] << 8
                        : (unsigned)p[i] << 8 | (unsigned)p[i + 1];
        if (u >= 0xD800 && u < 0xDC00 && i + 3 < len) {
            unsigned w = le ? (unsigned)p[i + 2] | (unsigned)p[i + 3] << 8
                            : (unsigned)p[i + 2] << 8 | (unsigned)p[i + 3];
            if (w >= 0xDC00 && w < 0xE000) {
                u = 0x10000 + ((u - 0xD800) << 10) + (w - 0xDC00);
                i += 2;
            }
        }
        if (u >= 0xD800 && u < 0xE000) {
            free(o);
            return om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                                "expected UTF-16 text, found an unpaired surrogate at byte %zu",
                                i);
        }
        if (u < 0x80) {
            o[k++] = (char)u;
        } else if (u < 0x800) {
            o[k++] = (char)(0xC0 | (u >> 6));
            o[k++] = (char)(0x80 | (u & 0x3F));
        } else if (u < 0x10000) {
            o[k++] = (char)(0xE0 | (u >> 12));
            o[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
            o[k++] = (char)(0x80 | (u & 0x3F));
        } else {
            o[k++] = (char)(0xF0 | (u >> 18));
            o[k++] = (char)(0x80 | ((u >> 12) & 0x3F));
            o[k++] = (char)(0x80 | ((u >> 6) & 0x3F));
            o[k++] = (char)(0x80 | (u & 0x3F));
        }
    }
    *out = o;
    *outlen = k;
    return OM_OK;
}

om_status om_scb_read_mem(om_scb_table **out, const char *name, const void *data, size_t len,
                          const om_geo *geo, const om_scb_options *opt_in, om_error *err)
{
    *out = NULL;
    om_scb_options opt = {0};
    if (opt_in)
        opt = *opt_in;
    if (!opt.max_bytes)
        opt.max_bytes = DEFAULT_MAX_BYTES;
    if (!opt.max_cells)
        opt.max_cells = DEFAULT_MAX_CELLS;
    if (!geo)
        return om_error_set(err, OM_ERR_USAGE, name, 0, 0, "expected a geography registry, found none");
    if (opt.default_year && !om_year_valid(opt.default_year))
        return om_error_set(err, OM_ERR_USAGE, name, 0, 0, "expected a default year in %d-%d, found %d", OM_YEAR_MIN,
                            OM_YEAR_MAX, (int)opt.default_year);
    if (len > opt.max_bytes)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0,
                            "expected at most %zu bytes, found %zu (raise the cap)", opt.max_bytes,
                            len);
    char *utf8 = NULL;
    ctx x;
    memset(&x, 0, sizeof x);
    x.geo = geo;
    x.opt = &opt;
    om_scb_table *t = calloc(1, sizeof *t);
    if (!t)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    x.t = t;
    t->arena = om_arena_new(0);
    t->varmap = om_strmap_new(64);
    t->title = t->table_id = t->source = t->updated = t->unit = t->layout = "";
    om_status st;
    if (!t->arena || !t->varmap) {
        st = om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
        goto fail;
    }
    bool zip = len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
    const unsigned char *u8 = data;
    if (len >= 8 && memcmp(data, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
        st = om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                          "expected CSV or .xlsx, found a legacy Excel .xls workbook (save it "
                          "as .xlsx or CSV)");
        goto fail;
    }
    if (len >= 2 && ((u8[0] == 0xFF && u8[1] == 0xFE) || (u8[0] == 0xFE && u8[1] == 0xFF)) &&
        opt.format != OM_SCB_XLSX) {
        st = utf16_to_utf8(u8, len, u8[0] == 0xFF, opt.max_bytes, &utf8, &len, name, err);
        if (st != OM_OK)
            goto fail;
        data = utf8;
    } else if (opt.latin1 &&
               !(opt.format == OM_SCB_XLSX || (opt.format == OM_SCB_AUTO && zip))) {
        st = latin1_to_utf8(data, len, opt.max_bytes, &utf8, &len, name, err);
        if (st != OM_OK)
            goto fail;
        data = utf8;
    }
    if (opt.format == OM_SCB_XLSX || (opt.format == OM_SCB_AUTO && zip))
        st = om_scb_grid_xlsx(&x.g, name, data, len, opt.max_bytes, opt.max_cells, err);
    else
        st = om_scb_grid_csv(&x.g, name, data, len, opt.delim, opt.max_cells, err);
    free(utf8);
    utf8 = NULL;
    if (st != OM_OK)
        goto fail;
    st = find_layout(&x, err);
    if (st != OM_OK)
        goto fail;
    if (x.title_row != SIZE_MAX) {
        scb_cell c = cell_at(&x.g, x.title_row, row_last(&x.g, x.title_row));
        t->title = tdup(t, c.s, c.len);
        if (!t->title) {
            st = nomem(&x, err);
            goto fail;
        }
    }
    st = footer(&x, err);
    if (st != OM_OK)
        goto fail;
    st = build(&x, err);
    if (st != OM_OK)
        goto fail;
    t->sum.values = t->nobs;
    om_scb_grid_free(&x.g);
    free(x.rows);
    free(x.hdr);
    *out = t;
    return OM_OK;
fail:
    free(utf8);
    om_scb_grid_free(&x.g);
    free(x.rows);
    free(x.hdr);
    om_scb_free(t);
    return st;
}

om_status om_scb_read(om_scb_table **out, const char *path, const om_geo *geo,
                      const om_scb_options *opt, om_error *err)
{
    *out = NULL;
    size_t cap = opt && opt->max_bytes ? opt->max_bytes : DEFAULT_MAX_BYTES;
    char *buf = NULL;
    size_t len = 0;
    om_status st = read_all(path, cap, &buf, &len, err);
    if (st != OM_OK)
        return st;
    st = om_scb_read_mem(out, strcmp(path, "-") == 0 ? "<stdin>" : path, buf, len, geo, opt, err);
    free(buf);
    return st;
}

void om_scb_free(om_scb_table *t)
{
    if (!t)
        return;
    free(t->obs);
    free(t->vars);
    om_strmap_free(t->varmap);
    free((void *)t->foot);
    free(t->meta);
    om_arena_free(t->arena);
    free(t);
}

size_t om_scb_nobs(const om_scb_table *t)
{
    return t->nobs;
}

const om_scb_obs *om_scb_obs_at(const om_scb_table *t, size_t i)
{
    return i < t->nobs ? &t->obs[i] : NULL;
}

size_t om_scb_nvariables(const om_scb_table *t)
{
    return t->nvars;
}

const char *om_scb_variable(const om_scb_table *t, int32_t i)
{
    return i >= 0 && (size_t)i < t->nvars ? t->vars[i] : "";
}

const om_scb_summary *om_scb_summary_get(const om_scb_table *t)
{
    return &t->sum;
}

const char *om_scb_title(const om_scb_table *t) { return t->title; }
const char *om_scb_table_id(const om_scb_table *t) { return t->table_id; }
const char *om_scb_source(const om_scb_table *t) { return t->source; }
const char *om_scb_updated(const om_scb_table *t) { return t->updated; }
const char *om_scb_unit(const om_scb_table *t) { return t->unit; }
const char *om_scb_layout(const om_scb_table *t) { return t->layout; }

size_t om_scb_nfootnotes(const om_scb_table *t)
{
    return t->nfoot;
}

const char *om_scb_footnote(const om_scb_table *t, size_t i)
{
    return i < t->nfoot ? t->foot[i] : "";
}

size_t om_scb_nmeta(const om_scb_table *t)
{
    return t->nmeta;
}

void om_scb_meta(const om_scb_table *t, size_t i, const char **key, const char **value)
{
    *key = i < t->nmeta ? t->meta[i].key : "";
    *value = i < t->nmeta ? t->meta[i].val : "";
}

om_status om_scb_sheet_csv(const char *path, char **out, size_t *outlen, om_error *err)
{
    *out = NULL;
    *outlen = 0;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    char *buf = NULL;
    size_t len = 0;
    om_status st = read_all(path, (size_t)512 << 20, &buf, &len, err);
    if (st != OM_OK)
        return st;
    scb_grid g;
    memset(&g, 0, sizeof g);
    st = om_scb_grid_xlsx(&g, name, buf, len, (size_t)512 << 20, (size_t)64 << 20, err);
    free(buf);
    if (st != OM_OK) {
        om_scb_grid_free(&g);
        return st;
    }
    FILE *fp = open_memstream(out, outlen);
    if (!fp) {
        om_scb_grid_free(&g);
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    for (size_t r = 0; r < g.nrows; r++) {
        for (uint32_t c = 0; c < g.rows[r].width; c++) {
            const scb_cell *cell = &g.cells[g.rows[r].first + c];
            if (c)
                fputc(',', fp);
            om_csv_write_field(fp, cell->s, cell->len);
        }
        fputc('\n', fp);
    }
    om_scb_grid_free(&g);
    if (fclose(fp) != 0) {
        free(*out);
        *out = NULL;
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    }
    return OM_OK;
}

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
#include "common/common_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DEFAULT_MAX_BYTES ((size_t)512 << 20)
#define DEFAULT_MAX_CELLS ((size_t)64 << 20)

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
    st = om_scb_find_layout(&x, err);
    if (st != OM_OK)
        goto fail;
    if (x.title_row != SIZE_MAX) {
        scb_cell c = om_scb_cell_at(&x.g, x.title_row, om_scb_row_last(&x.g, x.title_row));
        t->title = om_scb_tdup(t, c.s, c.len);
        if (!t->title) {
            st = om_scb_nomem(&x, err);
            goto fail;
        }
    }
    st = om_scb_footer(&x, err);
    if (st != OM_OK)
        goto fail;
    st = om_scb_build(&x, err);
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

OM_ARRAY_ACCESSORS(om_scb_table, om_scb_obs, om_scb_nobs, om_scb_obs_at, nobs, obs)

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

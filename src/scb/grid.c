/* The cell grid of an SCB export: common helpers and the CSV source.
 *
 * CSV quirks met in the real exports (data/scb/): a BOM, CRLF and also
 * CR CR LF line ends (a CSV written on Windows and converted once more),
 * quoted cells spanning several lines (footnotes), ',' or ';' separators,
 * rows left-trimmed of their empty cells by an xlsx-to-CSV conversion.  The
 * separator is detected from the lines themselves; rows keep every field
 * (also trailing empty ones) so that the analysis can compare row widths. */
#define _POSIX_C_SOURCE 200809L
#include "scb/scb_internal.h"

#include <stdlib.h>
#include <string.h>

void om_scb_grid_free(scb_grid *g)
{
    if (!g)
        return;
    om_csv_free(g->csv);
    om_arena_free(g->arena);
    free(g->cells);
    free(g->rows);
    memset(g, 0, sizeof *g);
}

om_status om_scb_grid_add_row(scb_grid *g, uint32_t width, long line, scb_cell **cells,
                           om_error *err)
{
    size_t need = g->ncells + width;
    if (need > g->max_cells || need < g->ncells)
        return om_error_set(err, OM_ERR_NOMEM, g->name, line, 0,
                            "expected at most %zu cells, found more (raise the cap)",
                            g->max_cells);
    if (om_grow(&g->cells, &g->capcells, need, sizeof *g->cells, 1024, NULL) != OM_OK ||
        om_grow(&g->rows, &g->caprows, g->nrows + 1, sizeof *g->rows, 256, NULL) != OM_OK)
        return om_error_set(err, OM_ERR_NOMEM, g->name, line, 0, "out of memory");
    scb_row *r = &g->rows[g->nrows++];
    r->first = g->ncells;
    r->width = width;
    r->line = line;
    *cells = g->cells + g->ncells;
    g->ncells = need;
    return OM_OK;
}

void om_scb_trim(const char **s, size_t *n)
{
    const unsigned char *p = (const unsigned char *)*s;
    size_t len = *n;
    for (;;) {
        if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
            p += 3;
            len -= 3;
        } else if (len >= 2 && p[0] == 0xC2 && p[1] == 0xA0) {
            p += 2;
            len -= 2;
        } else if (len && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r' || p[0] == '\n')) {
            p++;
            len--;
        } else {
            break;
        }
    }
    for (;;) {
        if (len >= 2 && p[len - 2] == 0xC2 && p[len - 1] == 0xA0)
            len -= 2;
        else if (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r' ||
                         p[len - 1] == '\n'))
            len--;
        else
            break;
    }
    *s = (const char *)p;
    *n = len;
}

om_status om_scb_grid_fail(const scb_grid *g, size_t row, size_t col, om_error *err,
                        const char *fmt, ...)
{
    char msg[700];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    const scb_row *r = row < g->nrows ? &g->rows[row] : NULL;
    if (g->csv && r) {
        const char *base = om_csv_data(g->csv);
        const char *at = col < r->width ? g->cells[r->first + col].s : NULL;
        if (!at && r->width)
            at = g->cells[r->first + r->width - 1].s;
        if (at && at >= base && at <= base + om_csv_length(g->csv))
            return om_csv_fail_at(g->csv, (size_t)(at - base), err, "%s", msg);
    }
    return om_error_set(err, OM_ERR_INPUT, g->name, r ? r->line : 0, r ? (long)col + 1 : 0, "%s",
                        msg);
}

/* Separator detection.  For each candidate, count its occurrences outside
 * quotes on each of the first lines; the separator is the candidate whose
 * most frequent non-zero count covers the most lines (a decimal comma in a
 * ';' file varies from line to line, the real separator does not).  Ties go
 * to ','. */
static char detect_delim(const char *d, size_t len)
{
    static const char cand[3] = {',', ';', '\t'};
    enum { MAXL = 200, MAXC = 64 };
    /* hist[c][k]: lines with k occurrences of cand[c] (k capped) */
    static const size_t none = 0;
    size_t hist[3][MAXC + 1];
    memset(hist, 0, sizeof hist);
    size_t cnt[3] = {0, 0, 0};
    bool inq = false;
    int lines = 0;
    for (size_t i = 0; i < len && lines < MAXL; i++) {
        char ch = d[i];
        if (ch == '"') {
            inq = !inq;
        } else if (!inq && ch == '\n') {
            for (int c = 0; c < 3; c++)
                hist[c][cnt[c] > MAXC ? MAXC : cnt[c]]++;
            memset(cnt, 0, sizeof cnt);
            lines++;
        } else if (!inq) {
            for (int c = 0; c < 3; c++)
                if (ch == cand[c])
                    cnt[c]++;
        }
    }
    if (lines < MAXL)
        for (int c = 0; c < 3; c++)
            hist[c][cnt[c] > MAXC ? MAXC : cnt[c]]++;
    char best = ',';
    size_t best_score = none;
    for (int c = 0; c < 3; c++) {
        size_t score = 0;
        for (int k = 1; k <= MAXC; k++)
            if (hist[c][k] > score)
                score = hist[c][k];
        if (score > best_score) {
            best_score = score;
            best = cand[c];
        }
    }
    return best;
}

om_status om_scb_grid_csv(scb_grid *g, const char *name, const char *data, size_t len, char delim,
                       size_t max_cells, om_error *err)
{
    memset(g, 0, sizeof *g);
    g->name = name;
    g->max_cells = max_cells;
    /* CR CR LF -> CR LF: drop a CR that another CR follows.  Line numbers do
     * not change, so positions in messages still match the file. */
    char *norm = malloc(len ? len : 1);
    if (!norm)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\r')
            continue;
        norm[n++] = data[i];
    }
    g->delim = delim ? delim : detect_delim(norm, n);
    om_csv_options copt = {0};
    copt.delim = g->delim;
    copt.max_fields = 16384;
    om_status s = om_csv_open_mem(&g->csv, name, norm, n, &copt, err);
    free(norm);
    if (s != OM_OK)
        return s;
    const char *base = om_csv_data(g->csv);
    size_t last = 0;
    long line = 1;
    for (;;) {
        size_t off = om_csv_offset(g->csv);
        for (size_t i = last; i < off; i++)
            line += base[i] == '\n';
        last = off;
        bool got;
        s = om_csv_next(g->csv, &got, err);
        if (s != OM_OK)
            return s;
        if (!got)
            break;
        size_t nf = om_csv_nfields(g->csv);
        scb_cell *cells;
        s = om_scb_grid_add_row(g, (uint32_t)nf, line, &cells, err);
        if (s != OM_OK)
            return s;
        for (size_t i = 0; i < nf; i++) {
            om_field f = om_csv_field(g->csv, i);
            const char *p = f.ptr ? f.ptr : base + off;
            size_t fl = f.len;
            om_scb_trim(&p, &fl);
            cells[i].s = p;
            cells[i].len = (uint32_t)fl;
        }
    }
    return OM_OK;
}

/* Allocations side by side: the change from one key to another, and the
 * sensitivity and stability of an allocation across the years or the
 * linkage methods it was computed from (issue 16, item 4).  Each input is
 * an output of `omrade allocate` (unit,weight,share,amount); amounts are
 * read exactly as öre (om_money_parse), so changes are exact to the öre.
 *
 * Per unit: the amount by each input, change = last - first (kronor and
 * percent of the first), min, max and range_pct = (max - min) / mean of the
 * amounts x 100, a unit's spread across the inputs relative to its typical
 * amount (the "stability" of a key across years: 0 when every year gives
 * the unit the same amount).  The same table can be written as an XLSX
 * workbook (libxlsxwriter) for a decision memo, with a second sheet naming
 * the inputs and their sums. */
#define _GNU_SOURCE
#include "omrade/need.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

typedef struct {
    om_strmap *map;
    char **unit;
    int64_t *ore;
    size_t n;
} alloc_file;

static void alloc_file_free(alloc_file *a)
{
    om_strmap_free(a->map);
    for (size_t i = 0; i < a->n; i++)
        free(a->unit[i]);
    free(a->unit);
    free(a->ore);
}

static om_status alloc_file_read(const char *path, alloc_file *A, om_error *err)
{
    memset(A, 0, sizeof *A);
    om_csv *c = NULL;
    const char *names[2] = {"unit", "amount"};
    int idx[2];
    size_t cap = 0;
    om_status s = om_csv_open_cols(&c, path, NULL, names, 2, idx, err);
    if (s == OM_OK && !(A->map = om_strmap_new(256)))
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    while (om_csv_row(c, &s, err)) {
        om_field u = om_csv_field(c, (size_t)idx[0]), a = om_csv_field(c, (size_t)idx[1]);
        int64_t ore;
        if (!om_money_parse(a.ptr, a.len, &ore)) {
            s = om_csv_fail(c, (size_t)idx[1], err, "expected an amount in kronor with at most two decimals, "
                                                    "found '%.*s'",
                            (int)(a.len > 40 ? 40 : a.len), a.ptr);
            break;
        }
        int32_t prev;
        if (om_strmap_put_new(A->map, u.ptr, u.len, (int32_t)A->n, &prev) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if ((size_t)prev != A->n) {
            s = om_csv_fail(c, (size_t)idx[0], err, "expected each unit once, found '%.*s' again",
                            (int)(u.len > 40 ? 40 : u.len), u.ptr);
            break;
        }
        void *const cols[2] = {&A->unit, &A->ore};
        const size_t sizes[2] = {sizeof *A->unit, sizeof *A->ore};
        if ((s = om_grow_all(cols, sizes, 2, &cap, A->n + 1, 256, err)) != OM_OK)
            break;
        if (!(A->unit[A->n] = strndup(u.ptr, u.len))) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        A->ore[A->n++] = ore;
    }
    if (s == OM_OK && A->n == 0)
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected at least one unit, found none");
    om_csv_free(c);
    return s;
}

/* range_pct of one unit's amounts (NaN when they are all 0) */
static double range_pct(size_t k, const int64_t *v, int64_t *mn, int64_t *mx)
{
    long double sum = 0;
    *mn = *mx = v[0];
    for (size_t f = 0; f < k; f++) {
        sum += v[f];
        if (v[f] < *mn)
            *mn = v[f];
        if (v[f] > *mx)
            *mx = v[f];
    }
    return sum > 0 ? (double)((long double)(*mx - *mn) * k * 100 / sum) : NAN;
}

static void write_money(FILE *out, int64_t ore)
{
    char b[40];
    om_money_format(b, sizeof b, ore);
    fputs(b, out);
}

/* The workbook: written to a temporary file beside `path` (libxlsxwriter
 * writes only to files), renamed over it when complete. */
static om_status write_xlsx(const char *path, size_t k, const char *const *paths, const alloc_file *F,
                            const int64_t *tot, om_error *err)
{
    size_t len = strlen(path);
    char *tmp = malloc(len + 8);
    if (!tmp)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    memcpy(tmp, path, len);
    memcpy(tmp + len, ".XXXXXX", 8);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        om_status s = om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot create a file beside it: %s",
                                   strerror(errno));
        free(tmp);
        return s;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(tmp);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, "allocations") : NULL;
    lxw_worksheet *src = wb ? workbook_add_worksheet(wb, "inputs") : NULL;
    om_status s = OM_OK;
    if (!ws || !src) {
        s = om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot start the workbook");
        if (wb)
            workbook_close(wb);
        unlink(tmp);
        free(tmp);
        return s;
    }
    lxw_format *bold = workbook_add_format(wb), *kr = workbook_add_format(wb), *pct = workbook_add_format(wb);
    format_set_bold(bold);
    format_set_num_format(kr, "#,##0.00");
    format_set_num_format(pct, "0.00");
    char name[32];
    lxw_col_t col = 0;
    worksheet_write_string(ws, 0, col++, "unit", bold);
    for (size_t f = 0; f < k; f++) {
        snprintf(name, sizeof name, "amount_%zu", f + 1);
        worksheet_write_string(ws, 0, col++, name, bold);
    }
    static const char *const tail[] = {"change", "change_pct", "min", "max", "range_pct"};
    for (size_t t = 0; t < 5; t++)
        worksheet_write_string(ws, 0, col++, tail[t], bold);
    worksheet_freeze_panes(ws, 1, 1);
    worksheet_set_column(ws, 0, 0, 14, NULL);
    worksheet_set_column(ws, 1, (lxw_col_t)(k + 5), 16, NULL);
    int64_t *v = malloc(k * sizeof *v);
    if (!v)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; s == OM_OK && i < F[0].n; i++) {
        lxw_row_t row = (lxw_row_t)(i + 1);
        col = 0;
        worksheet_write_string(ws, row, col++, F[0].unit[i], NULL);
        for (size_t f = 0; f < k; f++) {
            v[f] = F[f].ore[f ? om_strmap_get(F[f].map, F[0].unit[i], strlen(F[0].unit[i])) : (int32_t)i];
            worksheet_write_number(ws, row, col++, (double)v[f] / 100, kr);
        }
        int64_t mn, mx, ch = v[k - 1] - v[0];
        double rp = range_pct(k, v, &mn, &mx);
        worksheet_write_number(ws, row, col++, (double)ch / 100, kr);
        if (v[0] > 0)
            worksheet_write_number(ws, row, col, (double)ch * 100 / (double)v[0], pct);
        col++;
        worksheet_write_number(ws, row, col++, (double)mn / 100, kr);
        worksheet_write_number(ws, row, col++, (double)mx / 100, kr);
        if (!isnan(rp))
            worksheet_write_number(ws, row, col, rp, pct);
    }
    free(v);
    worksheet_write_string(src, 0, 0, "input", bold);
    worksheet_write_string(src, 0, 1, "file", bold);
    worksheet_write_string(src, 0, 2, "sum", bold);
    worksheet_set_column(src, 1, 1, 40, NULL);
    worksheet_set_column(src, 2, 2, 18, NULL);
    for (size_t f = 0; f < k; f++) {
        snprintf(name, sizeof name, "amount_%zu", f + 1);
        worksheet_write_string(src, (lxw_row_t)(f + 1), 0, name, NULL);
        worksheet_write_string(src, (lxw_row_t)(f + 1), 1, paths[f], NULL);
        worksheet_write_number(src, (lxw_row_t)(f + 1), 2, (double)tot[f] / 100, kr);
    }
    lxw_error e = workbook_close(wb);
    if (s == OM_OK && e != LXW_NO_ERROR)
        s = om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot write the workbook: %s", lxw_strerror(e));
    if (s == OM_OK && rename(tmp, path) != 0)
        s = om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
    if (s != OM_OK)
        unlink(tmp);
    free(tmp);
    return s;
}

om_status om_alloc_compare(size_t k, const char *const *paths, FILE *out, const char *xlsx_path,
                           om_alloc_comparison *c, om_error *err)
{
    memset(c, 0, sizeof *c);
    if (k < 2 || k > OM_ALLOC_COMPARE_MAX)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected 2 to %d allocations, found %zu",
                            OM_ALLOC_COMPARE_MAX, k);
    alloc_file F[OM_ALLOC_COMPARE_MAX];
    memset(F, 0, sizeof F);
    om_status s = OM_OK;
    for (size_t f = 0; s == OM_OK && f < k; f++)
        s = alloc_file_read(paths[f], &F[f], err);
    /* the same units in every input: a unit missing from one input would
     * make its change meaningless, so it is an error, named */
    for (size_t f = 1; s == OM_OK && f < k; f++) {
        for (size_t i = 0; s == OM_OK && i < F[0].n; i++)
            if (om_strmap_get(F[f].map, F[0].unit[i], strlen(F[0].unit[i])) < 0)
                s = om_error_set(err, OM_ERR_INPUT, paths[f], 0, 0, "expected unit '%s' (of %s), found it missing",
                                 F[0].unit[i], paths[0]);
        if (s == OM_OK && F[f].n != F[0].n)
            for (size_t i = 0; s == OM_OK && i < F[f].n; i++)
                if (om_strmap_get(F[0].map, F[f].unit[i], strlen(F[f].unit[i])) < 0)
                    s = om_error_set(err, OM_ERR_INPUT, paths[f], 0, 0, "expected only the units of %s, found '%s'",
                                     paths[0], F[f].unit[i]);
    }
    int64_t v[OM_ALLOC_COMPARE_MAX];
    if (s == OM_OK) {
        c->files = k;
        c->units = (int64_t)F[0].n;
        for (size_t f = 0; f < k; f++)
            for (size_t i = 0; i < F[f].n; i++)
                c->total[f] += F[f].ore[i];
        fputs("unit", out);
        for (size_t f = 0; f < k; f++)
            fprintf(out, ",amount_%zu", f + 1);
        fputs(",change,change_pct,min,max,range_pct\n", out);
        c->max_range_pct = -1;
        int64_t step[OM_ALLOC_COMPARE_MAX] = {0}, moved2 = 0;
        for (size_t i = 0; i < F[0].n; i++) {
            for (size_t f = 0; f < k; f++)
                v[f] = F[f].ore[f ? om_strmap_get(F[f].map, F[0].unit[i], strlen(F[0].unit[i])) : (int32_t)i];
            int64_t mn, mx, ch = v[k - 1] - v[0];
            double rp = range_pct(k, v, &mn, &mx);
            om_csv_write_str(out, F[0].unit[i]);
            for (size_t f = 0; f < k; f++) {
                fputc(',', out);
                write_money(out, v[f]);
            }
            fputc(',', out);
            write_money(out, ch);
            fputc(',', out);
            if (v[0] > 0)
                om_csv_write_double(out, (double)ch * 100 / (double)v[0]);
            fputc(',', out);
            write_money(out, mn);
            fputc(',', out);
            write_money(out, mx);
            fputc(',', out);
            if (!isnan(rp))
                om_csv_write_double(out, rp);
            fputc('\n', out);
            c->units_changed += ch != 0;
            moved2 += ch < 0 ? -ch : ch;
            for (size_t f = 0; f + 1 < k; f++)
                step[f] += v[f + 1] > v[f] ? v[f + 1] - v[f] : v[f] - v[f + 1];
            if ((ch < 0 ? -ch : ch) > (c->max_change < 0 ? -c->max_change : c->max_change) ||
                !c->max_change_unit[0]) {
                c->max_change = ch;
                snprintf(c->max_change_unit, sizeof c->max_change_unit, "%s", F[0].unit[i]);
            }
            if (!isnan(rp) && rp > c->max_range_pct) {
                c->max_range_pct = rp;
                snprintf(c->max_range_unit, sizeof c->max_range_unit, "%s", F[0].unit[i]);
            }
        }
        c->moved = moved2 / 2;
        for (size_t f = 0; f + 1 < k; f++)
            if (step[f] / 2 > c->moved_step_max || f == 0) {
                c->moved_step_max = step[f] / 2;
                c->moved_step_at = f;
            }
        if (ferror(out))
            s = om_afile_stream_error(out, err);
    }
    if (s == OM_OK && xlsx_path)
        s = write_xlsx(xlsx_path, k, paths, F, c->total, err);
    for (size_t f = 0; f < k; f++)
        alloc_file_free(&F[f]);
    return s;
}

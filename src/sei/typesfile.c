/* Area-type files: the one reader behind `omrade types`, `omrade link` and
 * `omrade rates` (declared in omrade/sei.h).
 *
 * SCB publishes area types (områdestyper, table 000005QX) about a year after
 * the RegSO statistics they classify, so users combine several files: an
 * older export, a newer one, types computed with `omrade sei`.  Files are
 * therefore merged into one dense table per year (one byte per registry
 * RegSO), and every value keeps where it was read (file, line, column), so
 * that a RegSO-year given twice can be refused with both places named:
 * twice within one file is a broken file; twice across files is accepted
 * only when the types agree (an overlap of two exports), because silently
 * letting one file win would change which areas a statistic counts.
 *
 * Layouts: the long `area,year,area_type` table (read with om_csv, so every
 * error has a line and column) and SCB's wide export, read with om_scb (the
 * project's reader for every statistical-database layout, CSV or .xlsx);
 * the column of a wide value is recovered from the year in the header row
 * when the file is a CSV whose header names the years. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/formats.h"
#include "omrade/csv.h"
#include "omrade/scb.h"
#include "omrade/sei.h"
#include "sei_internal.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct ayear {
    int32_t year;
    int32_t ntyped;
    int8_t *type;    /* -1 absent, 0 unclassified, 1..5 */
    uint16_t *file;  /* index into files[] */
    long *line;
    int32_t *col;
} ayear;

struct om_areatypes {
    const om_geo *g;
    int32_t nreg;
    ayear *years;
    size_t ny, cap;
    char **files;
    size_t nfiles;
    om_areatypes_stats stats;
};

om_status om_areatypes_new(om_areatypes **out, const om_geo *g, om_error *err)
{
    *out = calloc(1, sizeof **out);
    if (!*out)
        return om_error_nomem(err);
    (*out)->g = g;
    (*out)->nreg = om_geo_count(g, OM_LEVEL_REGSO);
    return OM_OK;
}

void om_areatypes_free(om_areatypes *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->ny; i++) {
        free(t->years[i].type);
        free(t->years[i].file);
        free(t->years[i].line);
        free(t->years[i].col);
    }
    for (size_t i = 0; i < t->nfiles; i++)
        free(t->files[i]);
    free(t->files);
    free(t->years);
    free(t);
}

static ayear *find_year(const om_areatypes *t, int32_t year, size_t *pos)
{
    size_t lo = om_sei__year_pos(t->years, t->ny, sizeof *t->years, offsetof(ayear, year), year);
    if (pos)
        *pos = lo;
    return lo < t->ny && t->years[lo].year == year ? &t->years[lo] : NULL;
}

/* The year's slot, created in year order when absent; NULL when out of memory. */
static ayear *get_year(om_areatypes *t, int32_t year)
{
    size_t lo;
    ayear *y = find_year(t, year, &lo);
    if (y)
        return y;
    if (t->ny == t->cap &&
        om_grow(&t->years, &t->cap, t->ny + 1, sizeof *t->years, 8, NULL) != OM_OK)
        return NULL;
    size_t n = t->nreg > 0 ? (size_t)t->nreg : 1;
    ayear a = {year, 0, malloc(n), malloc(n * sizeof(uint16_t)), malloc(n * sizeof(long)),
               malloc(n * sizeof(int32_t))};
    if (!a.type || !a.file || !a.line || !a.col) {
        free(a.type);
        free(a.file);
        free(a.line);
        free(a.col);
        return NULL;
    }
    memset(a.type, -1, n);
    memmove(&t->years[lo + 1], &t->years[lo], (t->ny - lo) * sizeof *t->years);
    t->years[lo] = a;
    t->ny++;
    return &t->years[lo];
}

static const char *type_text(int type, char buf[8])
{
    if (type == 0)
        return "empty";
    snprintf(buf, 8, "%d", type);
    return buf;
}

/* Store one value of the last file of t->files, read on `line`: the area
 * at column acol, the type at tcol.  A repeat within the file is reported
 * at the area; two files' disagreement at both type values. */
static om_status store(om_areatypes *t, int32_t regso, int32_t year, int type, long line,
                       long acol, long tcol, om_error *err)
{
    uint16_t file = (uint16_t)(t->nfiles - 1);
    const char *name = t->files[file];
    ayear *y = get_year(t, year);
    if (!y)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    int old = y->type[regso];
    if (old >= 0) {
        const char *code = om_geo_code(t->g, OM_LEVEL_REGSO, regso);
        if (y->file[regso] == file)
            return om_error_set(err, OM_ERR_INPUT, name, line, acol,
                                "expected one row per RegSO and year, found %s %ld again (first "
                                "on line %ld)",
                                code, (long)year, y->line[regso]);
        if (old != type) {
            char a[8], b[8];
            return om_error_set(err, OM_ERR_INPUT, name, line, tcol,
                                "expected area type %s for %s in %ld as in %s:%ld:%ld, found %s "
                                "(two type files disagree)",
                                type_text(old, a), code, (long)year, t->files[y->file[regso]],
                                y->line[regso], (long)y->col[regso], type_text(type, b));
        }
        t->stats.repeated++;
        return OM_OK;
    }
    y->type[regso] = (int8_t)type;
    y->file[regso] = file;
    y->line[regso] = line;
    y->col[regso] = (int32_t)tcol;
    if (type > 0)
        y->ntyped++;
    return OM_OK;
}

static bool missing(om_field f)
{
    return f.len == 0 || (f.len == 2 && f.ptr[0] == '.' && f.ptr[1] == '.');
}

/* Long layout: area,year,area_type (other columns ignored). */
static om_status read_long(om_areatypes *t, om_csv *c, const om_areatypes_options *opt,
                           om_error *err)
{
    const om_format *f = om_format_find(OM_FORMAT_AREATYPES);
    const char *names[3] = {opt->area ? opt->area : f->cols[0].name, opt->year ? opt->year : f->cols[1].name,
                            opt->type ? opt->type : f->cols[2].name};
    int col[3];
    om_status st = om_csv_require(c, names, 3, col, err);
    size_t nf = st == OM_OK ? om_csv_header_count(c) : 0;
    while (om_csv_row(c, &st, err)) {
        t->stats.rows++;
        if ((st = om_csv_expect_fields(c, nf, err)) != OM_OK)
            break;
        int32_t r = om_sei__regso_at(c, (size_t)col[0], t->g);
        bool known = r >= 0;
        if (!known && !opt->count_unknown) {
            st = om_sei__regso_fail(c, (size_t)col[0], t->g, err);
            break;
        }
        int64_t year, v = 0;
        if ((st = om_sei__year_at(c, (size_t)col[1], names[1], &year, err)) != OM_OK)
            break;
        om_field vf = om_csv_field(c, (size_t)col[2]);
        if (!missing(vf)) {
            if ((st = om_csv_i64(c, (size_t)col[2], &v, err)) != OM_OK)
                break;
            if (v < 1 || v > 5) {
                st = om_csv_fail(c, (size_t)col[2], err,
                                 "expected an area type 1-5 in column '%s', found '%.*s'", names[2],
                                 (int)(vf.len > 40 ? 40 : vf.len), vf.ptr);
                break;
            }
        }
        if (!known) {
            t->stats.unknown_area++;
            continue;
        }
        if (v == 0)
            t->stats.missing++;
        st = store(t, r, (int32_t)year, (int)v, om_csv_line(c), om_csv_column(c, (size_t)col[0]),
                   om_csv_column(c, (size_t)col[2]), err);
    }
    return st;
}

/* SCB's export through om_scb.  `hdr` (may be NULL) is a CSV reader over
 * the same bytes positioned after the header row: it is walked along with
 * the observations (which come in file order) to give each value the
 * character column of its year's field. */
static om_status read_scb(om_areatypes *t, const char *name, const void *data, size_t len,
                          const char *path, om_csv *hdr, const om_areatypes_options *opt,
                          om_error *err)
{
    om_scb_options so = {0};
    so.fail_unresolved = !opt->count_unknown;
    om_scb_table *tab = NULL;
    om_status st = data ? om_scb_read_mem(&tab, name, data, len, t->g, &so, err)
                        : om_scb_read(&tab, path, t->g, &so, err);
    if (st != OM_OK)
        return st;
    if (om_scb_nvariables(tab) > 1)
        st = om_error_set(err, OM_ERR_INPUT, name, 0, 0,
                          "expected a table with one variable (the area type), found %zu "
                          "('%s', '%s', ...)",
                          om_scb_nvariables(tab), om_scb_variable(tab, 0), om_scb_variable(tab, 1));
    const om_scb_summary *sum = om_scb_summary_get(tab);
    t->stats.rows += (int64_t)sum->data_rows;
    t->stats.notes += (int64_t)sum->footer_rows;
    long cur = 1; /* line of hdr's current record */
    for (size_t i = 0; i < om_scb_nobs(tab) && st == OM_OK; i++) {
        const om_scb_obs *o = om_scb_obs_at(tab, i);
        long col = 0;
        bool got = true;
        om_error e2 = OM_ERROR_INIT;
        while (hdr && got && cur < o->line) {
            if (om_csv_next(hdr, &got, &e2) != OM_OK)
                hdr = NULL; /* a layout om_csv cannot follow: no columns */
            else if (got)
                cur = om_csv_line(hdr);
        }
        for (size_t k = 1; hdr && cur == o->line && k < om_csv_header_count(hdr); k++) {
            om_field h = om_csv_header_field(hdr, k);
            int64_t y;
            if (om_parse_i64(h.ptr, h.len, &y) && y == o->year) {
                col = om_csv_column(hdr, k);
                break;
            }
        }
        if (o->level != OM_LEVEL_REGSO) {
            if (opt->count_unknown) {
                t->stats.unknown_area++;
                continue;
            }
            st = om_error_set(err, OM_ERR_INPUT, name, o->line, 0,
                              "expected a RegSO, found %s '%s'", om_level_name(o->level),
                              o->region_text);
            break;
        }
        if (!om_year_valid(o->year)) {
            st = om_error_set(err, OM_ERR_INPUT, name, o->line, col,
                              "expected a year for the area types, found none");
            break;
        }
        int type = 0;
        if (!o->missing) {
            if (!(o->value == 1 || o->value == 2 || o->value == 3 || o->value == 4 ||
                  o->value == 5)) {
                st = om_error_set(err, OM_ERR_INPUT, name, o->line, col,
                                  "expected an area type 1-5 for '%s', found %g", o->region_text,
                                  o->value);
                break;
            }
            type = (int)o->value;
        } else {
            t->stats.missing++;
        }
        st = store(t, o->area, o->year, type, o->line, col ? 1 : 0, col, err);
    }
    om_scb_free(tab);
    return st;
}

om_status om_areatypes_read(om_areatypes *t, const char *path, const om_areatypes_options *opt,
                            om_error *err)
{
    om_areatypes_options dflt = {0};
    if (!opt)
        opt = &dflt;
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    if (t->nfiles >= UINT16_MAX)
        return om_error_set(err, OM_ERR_USAGE, name, 0, 0, "expected at most %d type files",
                            UINT16_MAX);
    char **nf = realloc(t->files, (t->nfiles + 1) * sizeof *nf);
    if (!nf)
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    t->files = nf;
    if (!(t->files[t->nfiles] = strdup(name)))
        return om_error_set(err, OM_ERR_NOMEM, name, 0, 0, "out of memory");
    t->nfiles++;
    /* A long table has an `area` column (then year and type columns are
     * required: a wrong header must not pass as an SCB layout); anything
     * else is an SCB export, read from the bytes already in memory so that
     * standard input works. */
    om_csv *c = NULL;
    om_error e2 = OM_ERROR_INIT;
    om_status st = om_csv_open(&c, path, NULL, &e2);
    if (st == OM_ERR_INPUT && strcmp(path, "-") != 0)
        return read_scb(t, name, NULL, 0, path, NULL, opt, err); /* e.g. an .xlsx file */
    if (st != OM_OK) {
        if (err)
            *err = e2;
        return st;
    }
    bool hdr = om_csv_read_header(c, &e2) == OM_OK;
    const char *area = opt->area ? opt->area : "area";
    if (hdr && (om_csv_col(c, area) >= 0 || opt->area)) {
        st = read_long(t, c, opt, err);
    } else {
        /* An export whose header names a year twice (two downloads pasted
         * side by side) would otherwise surface as a duplicate value far
         * from its cause. */
        for (size_t i = 1; hdr && st == OM_OK && i < om_csv_header_count(c); i++)
            for (size_t k = 1; k < i; k++) {
                om_field a = om_csv_header_field(c, k), b = om_csv_header_field(c, i);
                int64_t y;
                if (a.len == b.len && a.len && !memcmp(a.ptr, b.ptr, a.len) &&
                    om_parse_i64(b.ptr, b.len, &y)) {
                    st = om_error_set(err, OM_ERR_INPUT, name, 1, 0,
                                      "expected each year once in the header of an SCB export, "
                                      "found %lld in columns %zu and %zu",
                                      (long long)y, k + 1, i + 1);
                    break;
                }
            }
        if (st == OM_OK)
            st = read_scb(t, name, om_csv_data(c), om_csv_length(c), path, hdr ? c : NULL, opt,
                          err);
    }
    om_csv_free(c);
    return st;
}

size_t om_areatypes_nyears(const om_areatypes *t)
{
    return t->ny;
}

int32_t om_areatypes_year_at(const om_areatypes *t, size_t i)
{
    return i < t->ny ? t->years[i].year : 0;
}

int32_t om_areatypes_ntyped(const om_areatypes *t, int32_t year)
{
    const ayear *y = find_year(t, year, NULL);
    return y ? y->ntyped : 0;
}

int om_areatypes_get(const om_areatypes *t, int32_t regso, int32_t year)
{
    const ayear *y = find_year(t, year, NULL);
    return y && regso >= 0 && regso < t->nreg ? y->type[regso] : -1;
}

bool om_areatypes_origin(const om_areatypes *t, int32_t regso, int32_t year, const char **file,
                         long *line, long *column)
{
    const ayear *y = find_year(t, year, NULL);
    if (!y || regso < 0 || regso >= t->nreg || y->type[regso] < 0)
        return false;
    *file = t->files[y->file[regso]];
    *line = y->line[regso];
    *column = y->col[regso];
    return true;
}

const om_areatypes_stats *om_areatypes_stats_get(const om_areatypes *t)
{
    return &t->stats;
}

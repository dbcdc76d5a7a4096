/* omrade build, inputs: area types, SEI, the barometer indicators, the
 * need indices and the inequality indices read into the database or the slice store, each
 * through the reader or schema of its format (omrade/formats.h). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/formats.h"
#include "omrade/build.h"
#include "omrade/csv.h"
#include "omrade/geo.h"
#include "omrade/hash.h"
#include "omrade/sdc.h"
#include "omrade/sei.h"
#include "barometer_internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Area types.  Two layouts: the contract `area,year,area_type` (extra
 * columns ignored) and SCB's statistical-database export, where the header
 * is `,YEAR[,YEAR...]`, the first column is "Kommun (RegSO)" and a footnote
 * block follows the data (first row with an empty value cell). */
/* Area types: every --types file through the one reader of the format
 * (om_areatypes, include/omrade/sei.h), merged; the same RegSO-year with two
 * types in two files is an error naming both.  Per file, for provenance:
 * rows (footnote rows of SCB exports included), values of areas that are
 * not a RegSO (unlinked), footnote rows and empty types (rejected). */
om_status om_barometer_load_types(bctx *b, om_error *err)
{
    om_areatypes *t = NULL;
    om_status s = om_areatypes_new(&t, b->geo, err);
    om_areatypes_options o;
    memset(&o, 0, sizeof o);
    o.count_unknown = true;
    for (size_t f = 0; s == OM_OK && f < b->opt->n_types; f++) {
        const char *path = b->opt->types[f];
        om_areatypes_stats before = *om_areatypes_stats_get(t);
        if ((s = om_areatypes_read(t, path, &o, err)) != OM_OK)
            break;
        const om_areatypes_stats *now = om_areatypes_stats_get(t);
        input_stats is = {0};
        int64_t rows = now->rows - before.rows, notes = now->notes - before.notes;
        int64_t unknown = now->unknown_area - before.unknown_area, missing = now->missing - before.missing;
        is.rows = rows + notes;
        is.unlinked = unknown;
        is.rejected = notes + missing;
        is.loaded = rows - (unknown + missing < rows ? unknown + missing : rows);
        if (unknown && !b->rep->first_unlinked[0])
            snprintf(b->rep->first_unlinked, sizeof b->rep->first_unlinked, "an area of %s", path);
        for (size_t k = 0; k < om_areatypes_nyears(t); k++) {
            int32_t y = om_areatypes_year_at(t, k);
            for (int32_t r = 0; r < om_geo_count(b->geo, OM_LEVEL_REGSO); r++) {
                const char *file;
                long line, col;
                if (om_areatypes_origin(t, r, y, &file, &line, &col) && strcmp(file, path) == 0) {
                    om_barometer_note_year(&is, y);
                    break;
                }
            }
        }
        s = om_barometer_finish_input(b, "area_types", path, &is, err);
    }
    sqlite3_stmt *st = NULL;
    if (s == OM_OK)
        s = om_barometer_prep(b, "INSERT INTO area_types(code,year,area_type,source) VALUES(?,?,?,?)"
                                 " ON CONFLICT(code,year) DO UPDATE SET area_type=excluded.area_type",
                              &st, err);
    for (size_t k = 0; s == OM_OK && k < om_areatypes_nyears(t); k++) {
        int32_t y = om_areatypes_year_at(t, k);
        for (int32_t r = 0; s == OM_OK && r < om_geo_count(b->geo, OM_LEVEL_REGSO); r++) {
            int v = om_areatypes_get(t, r, y);
            if (v < 1)
                continue; /* not given, or unclassified (counted as rejected) */
            const char *file = "";
            long line, col;
            om_areatypes_origin(t, r, y, &file, &line, &col);
            const char *base = strrchr(file, '/');
            sqlite3_bind_text(st, 1, om_geo_code(b->geo, OM_LEVEL_REGSO, r), -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, y);
            sqlite3_bind_int(st, 3, v);
            sqlite3_bind_text(st, 4, base ? base + 1 : file, -1, SQLITE_TRANSIENT);
            s = om_barometer_step_done(b, st, err);
        }
    }
    sqlite3_finalize(st);
    om_areatypes_free(t);
    return s;
}

/* Strict number syntax, as omrade and SCB write numbers:
 * -?digits[.digits][(e|E)[+-]digits].  No blanks, hex, inf or nan (which
 * the C library's strtod would take), so a bad value can never be
 * published as a number. */
static bool number_syntax(om_field f)
{
    size_t i = 0, n = f.len;
    const char *p = f.ptr;
    if (i < n && p[i] == '-')
        i++;
    size_t d0 = i;
    while (i < n && p[i] >= '0' && p[i] <= '9')
        i++;
    if (i == d0)
        return false;
    if (i < n && p[i] == '.') {
        size_t f0 = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == f0)
            return false;
    }
    if (i < n && (p[i] == 'e' || p[i] == 'E')) {
        i++;
        if (i < n && (p[i] == '+' || p[i] == '-'))
            i++;
        size_t e0 = i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            i++;
        if (i == e0)
            return false;
    }
    return i == n;
}

/* A number in [lo, hi] in column col; an empty field is absent (*present
 * false) when `optional`, an error otherwise. */
static om_status strict_double(const om_csv *c, int col, double lo, double hi, bool optional, bool *present,
                               double *v, om_error *err)
{
    *v = 0;
    *present = false;
    om_field f = om_csv_field(c, (size_t)col);
    if (f.len == 0 && optional)
        return OM_OK;
    om_field h = om_csv_header_field(c, (size_t)col);
    if (!number_syntax(f) || !om_parse_double(f.ptr, f.len, v) || !isfinite(*v))
        return om_csv_fail(c, (size_t)col, err, "expected a number in column '%.*s', found '%.*s'", (int)h.len, h.ptr,
                           (int)(f.len > 40 ? 40 : f.len), f.ptr);
    if (*v < lo || *v > hi)
        return om_csv_fail(c, (size_t)col, err, "expected a number from %g to %g in column '%.*s', found %.*s", lo, hi,
                           (int)h.len, h.ptr, (int)(f.len > 40 ? 40 : f.len), f.ptr);
    *present = true;
    return OM_OK;
}

/* Bind a strictly parsed optional number (NULL when empty). */
static om_status bind_opt_double(sqlite3_stmt *st, int i, const om_csv *c, int col, double lo, double hi,
                                 double *v, om_error *err)
{
    bool present = false;
    om_status s = col < 0 ? OM_OK : strict_double(c, col, lo, hi, true, &present, v, err);
    if (s == OM_OK) {
        if (present)
            sqlite3_bind_double(st, i, *v);
        else
            sqlite3_bind_null(st, i);
    }
    return s;
}

/* `omrade sei` output: area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type.
 * RegSO rows go to area_types; their area type is used only when no --types
 * file is given (so published types are never mixed with computed ones); the
 * index and its parts also become value-only indicators at the area's level. */
om_status om_barometer_load_sei(bctx *b, const char *path, om_error *err)
{
    static const char *const ids[] = {"low_econ_pct", "pre_upper_pct", "assist_unemp_pct", "sei"};
    int ix[8];
    om_csv *c = NULL;
    sqlite3_stmt *st = NULL;
    om_status s = om_barometer_open_input(&c, path, err);
    if (s == OM_OK)
        s = om_format_columns(om_format_find(OM_FORMAT_SEI), c, ix, err);
    if (s == OM_OK)
        s = om_barometer_prep(b,
                              "INSERT INTO area_types(code,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,"
                              "area_type,source) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(code,year) DO UPDATE SET "
                              "low_econ_pct=excluded.low_econ_pct, pre_upper_pct=excluded.pre_upper_pct,"
                              "assist_unemp_pct=excluded.assist_unemp_pct, sei=excluded.sei, z=excluded.z,"
                              "area_type=COALESCE(area_type, excluded.area_type)",
                              &st, err);
    int32_t idn[4], total = s == OM_OK ? om_barometer_intern(b->store, "total", 5) : -1;
    for (int k = 0; k < 4 && s == OM_OK; k++)
        if ((idn[k] = om_barometer_intern(b->store, ids[k], strlen(ids[k]))) < 0 || total < 0)
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    input_stats is = {0};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    while (s == OM_OK) {
        bool got;
        if ((s = om_barometer_next_row(c, &is, &got, err)) != OM_OK || !got)
            break;
        int64_t y, t = 0;
        if ((s = om_csv_i64(c, (size_t)ix[1], &y, err)) != OM_OK)
            break;
        if (y < 1900 || y > 2100) {
            s = om_csv_fail(c, (size_t)ix[1], err, "expected a year 1900-2100, found %lld", (long long)y);
            break;
        }
        om_field a = om_csv_field(c, (size_t)ix[0]);
        om_level lv;
        int32_t idx = om_geo_resolve(b->geo, a.ptr, a.len, &lv);
        if (idx < 0 || lv == OM_LEVEL_DESO) {
            om_barometer_note_unlinked(b, &is, a.ptr, a.len);
            continue;
        }
        const char *code = om_geo_code(b->geo, lv, idx);
        if (!om_csv_empty(c, (size_t)ix[7])) {
            if ((s = om_csv_i64(c, (size_t)ix[7], &t, err)) != OM_OK)
                break;
            if (t < 1 || t > 5) {
                s = om_csv_fail(c, (size_t)ix[7], err, "expected an area type 1-5, found %lld", (long long)t);
                break;
            }
        }
        double v[5];
        sqlite3_bind_text(st, 1, code, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, y);
        /* the three parts are shares in per cent; SEI and z are finite */
        for (int k = 0; k < 5 && s == OM_OK; k++)
            s = bind_opt_double(st, 3 + k, c, ix[2 + k], k < 3 ? 0 : -1e6, k < 3 ? 100 : 1e6, &v[k], err);
        if (s != OM_OK)
            break;
        if (t && b->opt->n_types == 0) /* --types, when given, is the only source of types */
            sqlite3_bind_int64(st, 8, t);
        sqlite3_bind_text(st, 9, base, -1, SQLITE_STATIC);
        if (lv == OM_LEVEL_REGSO && (s = om_barometer_step_done(b, st, err)) != OM_OK)
            break;
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        for (int k = 0; k < 4 && s == OM_OK; k++) {
            om_field f = om_csv_field(c, (size_t)ix[2 + k]);
            if (f.len == 0)
                continue;
            b->store->meta[idn[k]].value_only = true;
            bslice *sl = om_barometer_slice_get(b->store, b->geo, idn[k], lv, (int)y, total, total, total, total);
            if (!sl) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            int32_t i = lv == OM_LEVEL_RIKET ? 0 : idx;
            sl->st[i] = ST_PUBLISHED;
            sl->num[i] = v[k];
            sl->den[i] = NAN;
        }
        om_barometer_note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = om_barometer_finish_input(b, "sei", path, &is, err);
    sqlite3_finalize(st);
    om_csv_free(c);
    return s;
}

static bool one_of(om_field f, const char *const *set)
{
    for (; *set; set++)
        if (om_barometer_field_is(f, *set))
            return true;
    return false;
}

/* Does `name` end in `suffix`? */
static bool ends_with(const char *name, size_t len, const char *suffix)
{
    size_t sl = strlen(suffix);
    return len >= sl && memcmp(name + len - sl, suffix, sl) == 0;
}

/* Barometer indicators: level,code,year,indicator,sex,age,born,
 * numerator,denominator, optionally edu (the education level, absent =
 * total) and lower,upper (the interval of numerator / denominator,
 * unscaled; `omrade rates --barometer`).  IX_*: the schema's order. */
enum { IX_LEVEL, IX_CODE, IX_YEAR, IX_IND, IX_SEX, IX_AGE, IX_BORN, IX_EDU, IX_NUM, IX_DEN, IX_LO, IX_HI, IX_N };

om_status om_barometer_load_indicators(bctx *b, const char *path, om_error *err)
{
    static const char *const sexes[] = {"total", "man", "woman", NULL};
    static const char *const borns[] = {"total", "sweden", "abroad", NULL};
    static const char *const edus[] = {"total", "pre_upper_secondary", "upper_secondary", "post_secondary", NULL};
    int ix[IX_N];
    om_csv *c = NULL;
    om_status s = om_barometer_open_input(&c, path, err);
    if (s == OM_OK)
        s = om_format_columns(om_format_find(OM_FORMAT_BAROMETER_INDICATORS), c, ix, err);
    if (s == OM_OK && (ix[IX_LO] < 0) != (ix[IX_HI] < 0))
        s = om_error_set(err, OM_ERR_INPUT, path, 1, 1, "expected both interval columns lower and upper, found %s only",
                         ix[IX_LO] < 0 ? "upper" : "lower");
    input_stats is = {0};
    uint64_t total_bytes = s == OM_OK ? om_csv_length(c) : 0, next_report = 0;
    while (s == OM_OK) {
        bool got;
        if ((s = om_barometer_next_row(c, &is, &got, err)) != OM_OK || !got)
            break;
        if (b->opt->progress.fn && om_csv_offset(c) >= next_report) {
            b->opt->progress.fn(b->opt->progress.user, "indicators", om_csv_offset(c), total_bytes);
            next_report = om_csv_offset(c) + total_bytes / 100;
        }
        om_field lvf = om_csv_field(c, (size_t)ix[IX_LEVEL]), cf = om_csv_field(c, (size_t)ix[IX_CODE]);
        om_field ind = om_csv_field(c, (size_t)ix[IX_IND]), sex = om_csv_field(c, (size_t)ix[IX_SEX]);
        om_field age = om_csv_field(c, (size_t)ix[IX_AGE]), born = om_csv_field(c, (size_t)ix[IX_BORN]);
        om_field edu = ix[IX_EDU] < 0 ? (om_field){"total", 5} : om_csv_field(c, (size_t)ix[IX_EDU]);
        om_level lv = om_barometer_field_is(lvf, "riket")    ? OM_LEVEL_RIKET
                      : om_barometer_field_is(lvf, "lan")    ? OM_LEVEL_LAN
                      : om_barometer_field_is(lvf, "kommun") ? OM_LEVEL_KOMMUN
                      : om_barometer_field_is(lvf, "regso")  ? OM_LEVEL_REGSO
                                                             : OM_LEVEL_NONE;
        if (lv == OM_LEVEL_NONE) {
            s = om_csv_fail(c, (size_t)ix[IX_LEVEL], err, "expected level riket, lan, kommun or regso, found '%.*s'",
                            (int)lvf.len, lvf.ptr);
            break;
        }
        if (!one_of(sex, sexes)) {
            s = om_csv_fail(c, (size_t)ix[IX_SEX], err, "expected sex total, man or woman, found '%.*s'",
                            (int)sex.len, sex.ptr);
            break;
        }
        if (!one_of(born, borns)) {
            s = om_csv_fail(c, (size_t)ix[IX_BORN], err, "expected born total, sweden or abroad, found '%.*s'",
                            (int)born.len, born.ptr);
            break;
        }
        if (!one_of(edu, edus)) {
            s = om_csv_fail(c, (size_t)ix[IX_EDU], err,
                            "expected edu total, pre_upper_secondary, upper_secondary or post_secondary, found '%.*s'",
                            (int)edu.len, edu.ptr);
            break;
        }
        if (ind.len == 0 || ind.len > 64 || age.len == 0 || age.len > 16) {
            s = om_csv_fail(c, ind.len == 0 || ind.len > 64 ? (size_t)ix[IX_IND] : (size_t)ix[IX_AGE], err,
                            "expected a non-empty indicator id (<= 64 bytes) and age band (<= 16 bytes)");
            break;
        }
        int64_t y;
        double num, den;
        bool present;
        /* denominators are persons (at most 2^31); numerators counts of
         * persons or, for means, sums (SEK, days) below 1e15 */
        if ((s = om_csv_i64(c, (size_t)ix[IX_YEAR], &y, err)) != OM_OK ||
            (s = strict_double(c, ix[IX_NUM], 0, 1e15, false, &present, &num, err)) != OM_OK ||
            (s = strict_double(c, ix[IX_DEN], 0, 2147483647.0, false, &present, &den, err)) != OM_OK)
            break;
        if (y < 1900 || y > 2100) {
            s = om_csv_fail(c, (size_t)ix[IX_YEAR], err, "expected a year 1900-2100, found %lld", (long long)y);
            break;
        }
        /* an indirectly standardised ratio's denominator is the expected
         * number of events, not persons */
        bool isr = ends_with(ind.ptr, ind.len, "_isr");
        double lo = NAN, hi = NAN;
        bool lp = false, hp = false;
        if (ix[IX_LO] >= 0 && ((s = strict_double(c, ix[IX_LO], 0, 1e300, true, &lp, &lo, err)) != OM_OK ||
                               (s = strict_double(c, ix[IX_HI], 0, 1e300, true, &hp, &hi, err)) != OM_OK))
            break;
        if (lp != hp || (lp && lo > hi)) {
            s = om_csv_fail(c, (size_t)ix[lp ? IX_HI : IX_LO], err,
                            "expected an interval with lower <= upper, or lower and upper both empty");
            break;
        }
        if (!lp)
            lo = hi = NAN;
        if (!isr && den != floor(den)) {
            s = om_csv_fail(c, (size_t)ix[IX_DEN], err, "expected a whole number of persons, found %g", den);
            break;
        }
        {
            char idbuf[80];
            snprintf(idbuf, sizeof idbuf, "%.*s", (int)(ind.len < 64 ? ind.len : 64), ind.ptr);
            const om_indicator_rule *rule = om_build_indicator_rule(idbuf);
            if (rule->id && !rule->mean && (num != floor(num) || num > den)) {
                s = om_csv_fail(c, (size_t)ix[IX_NUM], err,
                                "expected a share's numerator: a whole number <= the denominator %g, found %g",
                                den, num);
                break;
            }
        }
        int32_t idx;
        if (lv == OM_LEVEL_RIKET)
            idx = om_barometer_field_is(cf, "00") || om_barometer_field_is(cf, "riket") ? 0 : -1;
        else
            idx = om_geo_find(b->geo, lv, cf.ptr, cf.len);
        if (idx < 0) {
            om_barometer_note_unlinked(b, &is, cf.ptr, cf.len);
            continue;
        }
        store *x = b->store;
        int32_t ii = om_barometer_intern(x, ind.ptr, ind.len), si = om_barometer_intern(x, sex.ptr, sex.len);
        int32_t ai = om_barometer_intern(x, age.ptr, age.len), bi = om_barometer_intern(x, born.ptr, born.len);
        int32_t ei = om_barometer_intern(x, edu.ptr, edu.len);
        if (ei >= 0 && edu.len != 5 && lv == OM_LEVEL_REGSO) {
            /* the protection's edu relation is entered from kommun up
             * (RegSO by education would be too small to publish) */
            s = om_csv_fail(c, (size_t)ix[IX_EDU], err, "expected edu total at level regso, found '%.*s'",
                            (int)edu.len, edu.ptr);
            break;
        }
        bslice *sl = ii < 0 || si < 0 || ai < 0 || bi < 0 || ei < 0
                         ? NULL
                         : om_barometer_slice_get(x, b->geo, ii, lv, (int)y, si, ai, bi, ei);
        if (!sl) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (sl->st[idx] != ST_ABSENT) {
            s = om_csv_fail(c, (size_t)ix[IX_CODE], err,
                            "expected one row per level,code,year,indicator,sex,age,born,edu, found a duplicate");
            break;
        }
        if (lp && !sl->lo) {
            sl->lo = malloc((size_t)sl->n * sizeof(double));
            sl->hi = malloc((size_t)sl->n * sizeof(double));
            if (!sl->lo || !sl->hi) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            for (int32_t k = 0; k < sl->n; k++)
                sl->lo[k] = sl->hi[k] = NAN;
        }
        sl->st[idx] = ST_PUBLISHED;
        sl->num[idx] = num;
        sl->den[idx] = den;
        if (sl->lo) {
            sl->lo[idx] = lo;
            sl->hi[idx] = hi;
        }
        if (num > den)
            x->meta[ii].ratio_gt = true;
        om_barometer_note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = om_barometer_finish_input(b, "indicators", path, &is, err);
    om_csv_free(c);
    return s;
}

/* Need indices: src/barometer/need.c (read with their counts, protected
 * after the barometer's cells, om_barometer_finish_need()). */

/* Inequality index (`omrade seg`): year,level,code,name,index,value,
 * corrected,se,lower,upper,expected,n_deso,n_persons,flag.  `corrected` (the
 * bootstrap bias-corrected estimate, docs/seg.md) is optional so that files
 * written before it existed still load (NULL, and their lower/upper are
 * then a percentile interval, not one around a corrected value). */
om_status om_barometer_load_seg(bctx *b, const char *path, om_error *err)
{
    int fx[14], ix[13], icorr = -1;
    om_csv *c = NULL;
    sqlite3_stmt *st = NULL;
    om_status s = om_barometer_open_input(&c, path, err);
    if (s == OM_OK)
        s = om_format_columns(om_format_find(OM_FORMAT_SEG), c, fx, err);
    if (s == OM_OK) {
        /* the schema's order has `corrected` after `value` (fx[6]) */
        for (int k = 0, q = 0; k < 14; k++)
            if (k != 6)
                ix[q++] = fx[k];
        icorr = fx[6];
        s = om_barometer_prep(b,
                              "INSERT INTO inequality(year, level, code, name, idx, value, se, lower, upper, "
                              "expected, n_deso, n_persons, flag, corrected) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                              &st, err);
    }
    input_stats is = {0};
    while (s == OM_OK) {
        bool got;
        if ((s = om_barometer_next_row(c, &is, &got, err)) != OM_OK || !got)
            break;
        int64_t y;
        if ((s = om_csv_i64(c, (size_t)ix[0], &y, err)) != OM_OK)
            break;
        om_field lvf = om_csv_field(c, (size_t)ix[1]), cf = om_csv_field(c, (size_t)ix[2]);
        char lvname[16];
        snprintf(lvname, sizeof lvname, "%.*s", (int)(lvf.len < 15 ? lvf.len : 15), lvf.ptr);
        om_level lv = om_level_parse(lvname);
        const char *code = NULL;
        if (lv == OM_LEVEL_RIKET)
            code = "00";
        else if (lv != OM_LEVEL_NONE) {
            int32_t idx = om_geo_find(b->geo, lv, cf.ptr, cf.len);
            code = idx < 0 ? NULL : om_geo_code(b->geo, lv, idx);
        }
        if (!code) {
            om_barometer_note_unlinked(b, &is, cf.ptr, cf.len);
            continue;
        }
        sqlite3_bind_int64(st, 1, y);
        sqlite3_bind_text(st, 2, om_level_name(lv), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
        for (int k = 3; k <= 4; k++) {
            om_field f = om_csv_field(c, (size_t)ix[k]);
            sqlite3_bind_text(st, k + 1, f.ptr ? f.ptr : "", (int)f.len, SQLITE_TRANSIENT);
        }
        /* numbers may be empty (no bootstrap, undefined index) but a
         * non-empty field must be a number: an error with its position,
         * not a silent NULL */
        const int num_col[8] = {ix[5], ix[6], ix[7], ix[8], ix[9], ix[10], ix[11], icorr};
        for (int k = 0; k < 8 && s == OM_OK; k++) {
            double v;
            if (num_col[k] < 0)
                sqlite3_bind_null(st, k == 7 ? 14 : k + 6);
            else
                s = bind_opt_double(st, k == 7 ? 14 : k + 6, c, num_col[k], -1e12, 1e12, &v, err);
        }
        if (s != OM_OK)
            break;
        om_field fl = om_csv_field(c, (size_t)ix[12]);
        if (fl.len)
            sqlite3_bind_text(st, 13, fl.ptr, (int)fl.len, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(st, 13);
        if ((s = om_barometer_step_done(b, st, err)) != OM_OK)
            break;
        om_barometer_note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = om_barometer_finish_input(b, "inequality", path, &is, err);
    sqlite3_finalize(st);
    om_csv_free(c);
    return s;
}

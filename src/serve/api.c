/* The barometer's read-only JSON API (endpoints in docs/barometer.md).
 *
 * Each tabular endpoint is one parameterised SQL statement; its result is
 * written as JSON {"columns":[...],"rows":[[...],...]}, CSV (the same
 * columns, empty fields for NULL, numbers exact via om_fmt_double) or XLSX
 * (libxlsxwriter), chosen by `format=`.  Every cell carries a `status`:
 * published, primary (suppressed: too few persons) or secondary (suppressed
 * to protect other values); suppressed cells have NULL numbers in every
 * format.  A database built before the two kinds were told apart says
 * `suppressed` for both (om_serve__status_name). */
#define _GNU_SOURCE /* fopencookie */
#include "serve_internal.h"
#include "omrade/csv.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>
#include <zlib.h>

void om_serve_error(om_resp *r, int status, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
    cJSON_AddNumberToObject(e, "status", status);
    cJSON_AddStringToObject(e, "message", msg);
    free(r->body);
    r->body = cJSON_PrintUnformatted(o);
    r->len = r->body ? strlen(r->body) : 0;
    cJSON_Delete(o);
    r->status = status;
    r->ctype = "application/json; charset=utf-8";
    r->disposition[0] = '\0';
    r->max_age = 0;
}

/* ------------------------------------------------- slice cell access */

/* The unaligned double stored at p as the function's result; NaN (no
 * value) as NULL. */
static void result_stored_double(sqlite3_context *ctx, const unsigned char *p)
{
    double v;
    memcpy(&v, p, sizeof v);
    if (v != v)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_double(ctx, v);
}

/* SQL function cell(cells, n, idx, what): one area's entry of a slice BLOB
 * (layout in include/omrade/build.h).  what 0: status code (0 no data, 1
 * published, 2 primary, 3 secondary suppression); 1: numerator; 2:
 * denominator (NULL unless published); 3: the status word (NULL for no
 * data).  NULL for a malformed blob or an index out of range.  The
 * function's user data says whether the database tells primary from
 * secondary (see om_serve_register). */
static void cell_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *b = sqlite3_value_blob(argv[0]);
    int len = sqlite3_value_bytes(argv[0]);
    sqlite3_int64 n = sqlite3_value_int64(argv[1]), i = sqlite3_value_int64(argv[2]);
    int what = sqlite3_value_int(argv[3]);
    if (!b || n <= 0 || (sqlite3_int64)len != n * 17 || i < 0 || i >= n) {
        sqlite3_result_null(ctx);
        return;
    }
    if (what == 0) {
        sqlite3_result_int(ctx, b[i]);
        return;
    }
    if (what == 3) {
        const char *w = om_serve__status_name(b[i], *(const bool *)sqlite3_user_data(ctx));
        if (w)
            sqlite3_result_text(ctx, w, -1, SQLITE_STATIC);
        else
            sqlite3_result_null(ctx);
        return;
    }
    if (b[i] != 1) {
        sqlite3_result_null(ctx);
        return;
    }
    result_stored_double(ctx, b + n + (what == 1 ? 0 : n * 8) + i * 8);
}

/* lim(limits, n, idx, which): one area's interval limit from a BLOB of
 * table intervals (n lower then n upper limits, unscaled doubles; NaN =
 * none): which 0 lower, 1 upper.  NULL for a malformed blob, an index out
 * of range or no limit.  The caller shows it only for a published cell. */
static void lim_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const unsigned char *b = sqlite3_value_blob(argv[0]);
    int len = sqlite3_value_bytes(argv[0]);
    sqlite3_int64 n = sqlite3_value_int64(argv[1]), i = sqlite3_value_int64(argv[2]);
    int which = sqlite3_value_int(argv[3]);
    if (!b || n <= 0 || (sqlite3_int64)len != n * 16 || i < 0 || i >= n || which < 0 || which > 1) {
        sqlite3_result_null(ctx);
        return;
    }
    result_stored_double(ctx, b + (which ? n * 8 : 0) + i * 8);
}

/* status_name(code): the status word of a type_values status code. */
static void status_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *w = om_serve__status_name(sqlite3_value_int(argv[0]), *(const bool *)sqlite3_user_data(ctx));
    if (w)
        sqlite3_result_text(ctx, w, -1, SQLITE_STATIC);
    else
        sqlite3_result_null(ctx);
}

int om_serve_register(sqlite3 *db)
{
    /* Databases of the current contract have type_values.status (1, 2, 3);
     * older ones a 0/1 `suppressed` and status byte 2 for both kinds. */
    static const bool SPLIT = true, LEGACY = false;
    const bool *split = om_serve__has_column(db, "type_values", "status") ? &SPLIT : &LEGACY;
    int rc = SQLITE_OK;
    /* Databases built before the education breakdown (issue 14) have no
     * slices.edu: every slice is edu = total.  A temporary view of the same
     * name (the temp schema is searched first, and may be written on a
     * read-only connection) lets every query name edu. */
    if (om_serve__has_column(db, "slices", "cells") && !om_serve__has_column(db, "slices", "edu"))
        rc = sqlite3_exec(db,
                          "CREATE TEMP VIEW slices AS SELECT indicator, level, year, sex, age, born, 'total' AS "
                          "edu, n, n_published, n_suppressed, cells FROM main.slices",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK && om_serve__has_column(db, "intervals", "limits") &&
        !om_serve__has_column(db, "intervals", "edu"))
        rc = sqlite3_exec(db,
                          "CREATE TEMP VIEW intervals AS SELECT indicator, level, year, sex, age, born, 'total' "
                          "AS edu, n, limits FROM main.intervals",
                          NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "cell", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS,
                                     (void *)split, cell_fn, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "lim", 4, SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                     lim_fn, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "status_name", 1,
                                     SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, (void *)split,
                                     status_fn, NULL, NULL);
    return rc;
}

/* Value and count columns of a slice cell, for SELECT lists (s = slices,
 * i = indicators, a = areas). */
#define CELL_COLS                                                                                  \
    "CASE WHEN cell(s.cells, s.n, a.idx, 0) = 1 THEN CASE i.kind WHEN 'value' THEN "               \
    "cell(s.cells, s.n, a.idx, 1) ELSE cell(s.cells, s.n, a.idx, 1) * i.scale / "                  \
    "NULLIF(cell(s.cells, s.n, a.idx, 2), 0) END END AS value, CASE i.kind WHEN 'ratio' THEN "      \
    "cell(s.cells, s.n, a.idx, 1) END AS numerator, CASE i.kind WHEN 'ratio' THEN "                 \
    "cell(s.cells, s.n, a.idx, 2) END AS denominator, cell(s.cells, s.n, a.idx, 3) AS status"

/* ------------------------------------------------------------ helpers */

static bool allowed(const om_query *q, const char *const *names, om_resp *r)
{
    for (size_t i = 0; i < q->n; i++) {
        bool ok = strcmp(q->kv[i].key, "format") == 0;
        for (const char *const *n = names; *n && !ok; n++)
            ok = strcmp(q->kv[i].key, *n) == 0;
        if (!ok) {
            om_serve_error(r, 400, "unknown parameter '%s'", q->kv[i].key);
            return false;
        }
    }
    return true;
}

static const char *need(const om_query *q, const char *key, om_resp *r)
{
    const char *v = om_query_get(q, key);
    if (!v || !*v)
        om_serve_error(r, 400, "expected parameter '%s'", key);
    return v && *v ? v : NULL;
}

static const char *with_default(const om_query *q, const char *key, const char *def)
{
    const char *v = om_query_get(q, key);
    return v && *v ? v : def;
}

static bool parse_year(const char *s, int *y, om_resp *r)
{
    int64_t v;
    if (!s || !om_parse_i64(s, strlen(s), &v) || !om_year_valid(v)) {
        om_serve_error(r, 400, "expected year %d-%d, found '%s'", OM_YEAR_MIN, OM_YEAR_MAX, s ? s : "");
        return false;
    }
    *y = (int)v;
    return true;
}

static bool in_set(const char *v, const char *const *set)
{
    for (; *set; set++)
        if (strcmp(v, *set) == 0)
            return true;
    return false;
}

static bool check_set(const char *key, const char *v, const char *const *set, om_resp *r)
{
    if (in_set(v, set))
        return true;
    char list[128] = "";
    for (const char *const *s = set; *s; s++) {
        strncat(list, *s, sizeof list - strlen(list) - 1);
        if (s[1])
            strncat(list, ", ", sizeof list - strlen(list) - 1);
    }
    om_serve_error(r, 400, "expected %s one of %s, found '%s'", key, list, v);
    return false;
}

static const char *const LEVELS[] = {"riket", "lan", "kommun", "regso", NULL};
static const char *const SEXES[] = {"total", "man", "woman", NULL};
static const char *const BORNS[] = {"total", "sweden", "abroad", NULL};
static const char *const EDUS[] = {"total", "pre_upper_secondary", "upper_secondary", "post_secondary", NULL};
static const char *const FORMATS[] = {"json", "csv", "xlsx", NULL};

static void set_json(om_resp *r, cJSON *o)
{
    free(r->body);
    r->body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!r->body) {
        om_serve_error(r, 500, "out of memory");
        return;
    }
    r->len = strlen(r->body);
    r->status = 200;
    r->ctype = "application/json; charset=utf-8";
}

/* The tables gathered in o as the response when all were read (ok); else
 * o is dropped and the response is the error a failed table set. */
static void set_json_if(om_resp *r, cJSON *o, bool ok)
{
    if (ok)
        set_json(r, o);
    else
        cJSON_Delete(o);
}

static cJSON *column_json(sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_INTEGER: return cJSON_CreateNumber((double)sqlite3_column_int64(st, i));
    case SQLITE_FLOAT: return cJSON_CreateNumber(sqlite3_column_double(st, i));
    case SQLITE_NULL: return cJSON_CreateNull();
    default: return cJSON_CreateString((const char *)sqlite3_column_text(st, i));
    }
}

/* Table as JSON; the statement is stepped to the end (not finalized). */
static cJSON *table_json(sqlite3_stmt *st)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *cols = cJSON_AddArrayToObject(o, "columns"), *rows = cJSON_AddArrayToObject(o, "rows");
    int nc = sqlite3_column_count(st);
    for (int i = 0; i < nc; i++)
        cJSON_AddItemToArray(cols, cJSON_CreateString(sqlite3_column_name(st, i)));
    while (sqlite3_step(st) == SQLITE_ROW) {
        cJSON *row = cJSON_CreateArray();
        for (int i = 0; i < nc; i++)
            cJSON_AddItemToArray(row, column_json(st, i));
        cJSON_AddItemToArray(rows, row);
    }
    return o;
}

static void table_csv(sqlite3_stmt *st, om_resp *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp) {
        om_serve_error(r, 500, "out of memory");
        return;
    }
    int nc = sqlite3_column_count(st);
    for (int i = 0; i < nc; i++) {
        if (i)
            fputc(',', fp);
        om_csv_write_str(fp, sqlite3_column_name(st, i));
    }
    fputc('\n', fp);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int i = 0; i < nc; i++) {
            if (i)
                fputc(',', fp);
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER: om_csv_write_i64(fp, sqlite3_column_int64(st, i)); break;
            case SQLITE_FLOAT: om_csv_write_double(fp, sqlite3_column_double(st, i)); break;
            case SQLITE_NULL: break;
            default: om_csv_write_str(fp, (const char *)sqlite3_column_text(st, i));
            }
        }
        fputc('\n', fp);
    }
    fclose(fp);
    free(r->body);
    r->body = buf;
    r->len = len;
    r->status = 200;
    r->ctype = "text/csv; charset=utf-8";
}

/* libxlsxwriter 1.1.4 writes only to files: a private temporary file is
 * written, read back and removed. */
static void table_xlsx(sqlite3_stmt *st, const char *sheet, om_resp *r)
{
    char path[] = "/tmp/omrade-xlsx-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        om_serve_error(r, 500, "cannot create a temporary file for the XLSX download");
        return;
    }
    close(fd);
    lxw_workbook *wb = workbook_new(path);
    lxw_worksheet *ws = wb ? workbook_add_worksheet(wb, sheet) : NULL;
    if (!ws) {
        workbook_close(wb);
        unlink(path);
        om_serve_error(r, 500, "cannot create the XLSX workbook");
        return;
    }
    lxw_format *bold = workbook_add_format(wb);
    format_set_bold(bold);
    int nc = sqlite3_column_count(st);
    for (int i = 0; i < nc; i++)
        worksheet_write_string(ws, 0, (lxw_col_t)i, sqlite3_column_name(st, i), bold);
    lxw_row_t row = 1;
    while (sqlite3_step(st) == SQLITE_ROW && row < 1048576) {
        for (int i = 0; i < nc; i++) {
            switch (sqlite3_column_type(st, i)) {
            case SQLITE_INTEGER:
            case SQLITE_FLOAT:
                worksheet_write_number(ws, row, (lxw_col_t)i, sqlite3_column_double(st, i), NULL);
                break;
            case SQLITE_NULL: break;
            default:
                worksheet_write_string(ws, row, (lxw_col_t)i, (const char *)sqlite3_column_text(st, i), NULL);
            }
        }
        row++;
    }
    if (workbook_close(wb) != LXW_NO_ERROR) {
        unlink(path);
        om_serve_error(r, 500, "cannot write the XLSX workbook");
        return;
    }
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (f)
        fclose(f);
    unlink(path);
    if (!buf) {
        om_serve_error(r, 500, "cannot read back the XLSX workbook");
        return;
    }
    free(r->body);
    r->body = buf;
    r->len = (size_t)n;
    r->status = 200;
    r->ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
}

/* Run a prepared statement and render it in the requested format. */
static void table(sqlite3_stmt *st, const om_query *q, const char *name, om_resp *r)
{
    const char *fmt = with_default(q, "format", "json");
    if (strcmp(fmt, "csv") == 0) {
        table_csv(st, r);
        snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"omrade-%s.csv\"", name);
    } else if (strcmp(fmt, "xlsx") == 0) {
        table_xlsx(st, name, r);
        if (r->status == 200)
            snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"omrade-%s.xlsx\"",
                     name);
    } else {
        set_json(r, table_json(st));
    }
}

static sqlite3_stmt *prep(sqlite3 *db, const char *sql, om_resp *r)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        om_serve_error(r, 500, "database error: %s", sqlite3_errmsg(db));
        return NULL;
    }
    return st;
}

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
    else
        sqlite3_bind_null(st, i);
}

/* ---------------------------------------------------------- endpoints */

static void ep_areas(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"level", "within", NULL};
    const char *level;
    if (!allowed(q, p, r) || !(level = need(q, "level", r)) || !check_set("level", level, LEVELS, r))
        return;
    sqlite3_stmt *st = prep(db,
                            "SELECT code, name, label, kommun, lan FROM areas WHERE level = ?1 AND "
                            "(?2 IS NULL OR kommun = ?2 OR lan = ?2) ORDER BY code",
                            r);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, level, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 2, om_query_get(q, "within"));
    table(st, q, "areas", r);
    sqlite3_finalize(st);
}

/* Same folding as the build (ASCII and ÅÄÖÉÜ lower-cased), plus LIKE escapes. */
static void fold_like(const char *s, char *out, size_t size)
{
    size_t o = 0;
    out[o++] = '%';
    for (size_t i = 0; s[i] && o + 4 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (c == '%' || c == '_' || c == '\\')
            out[o++] = '\\';
        if (c == 0xC3 && s[i + 1]) {
            unsigned char d = om_utf8_sv_lower_c3((unsigned char)s[i + 1]);
            out[o++] = (char)c;
            out[o++] = (char)d;
            i++;
            continue;
        }
        out[o++] = (char)c;
    }
    out[o++] = '%';
    out[o] = '\0';
}

static void ep_search(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"q", "limit", NULL};
    const char *text;
    if (!allowed(q, p, r) || !(text = need(q, "q", r)))
        return;
    int64_t limit = 20;
    const char *l = om_query_get(q, "limit");
    if (l && (!om_parse_i64(l, strlen(l), &limit) || limit < 1 || limit > 100)) {
        om_serve_error(r, 400, "expected limit 1-100, found '%s'", l);
        return;
    }
    char pat[3 * OM_QUERY_MAX_VALUE];
    fold_like(text, pat, sizeof pat);
    sqlite3_stmt *st = prep(db,
                            "SELECT level, code, name, label, kommun, lan FROM areas WHERE level IN "
                            "('lan','kommun','regso') AND (search LIKE ?1 ESCAPE '\\' OR code = ?2) "
                            "ORDER BY CASE level WHEN 'lan' THEN 0 WHEN 'kommun' THEN 1 ELSE 2 END, "
                            "instr(search, substr(?1, 2, length(?1) - 2)) > 1, label LIMIT ?3",
                            r);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, pat, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, limit);
    table(st, q, "search", r);
    sqlite3_finalize(st);
}

typedef struct cellsel {
    const char *indicator, *sex, *age, *born, *edu;
} cellsel;

static bool get_cellsel(const om_query *q, cellsel *c, om_resp *r)
{
    if (!(c->indicator = need(q, "indicator", r)))
        return false;
    c->sex = with_default(q, "sex", "total");
    c->age = with_default(q, "age", "total");
    c->born = with_default(q, "born", "total");
    c->edu = with_default(q, "edu", "total");
    return check_set("sex", c->sex, SEXES, r) && check_set("born", c->born, BORNS, r) &&
           check_set("edu", c->edu, EDUS, r);
}

/* Binds the selection: the indicator as ?1, sex, age and born as
 * ?sex_at, ?sex_at+1 and ?sex_at+2, the education level as ?9 where the
 * statement has it (the slices' queries; area-type aggregates have none). */
static void bind_cellsel(sqlite3_stmt *st, const cellsel *c, int sex_at)
{
    sqlite3_bind_text(st, 1, c->indicator, -1, SQLITE_TRANSIENT);
    if (sqlite3_bind_parameter_count(st) >= 9)
        sqlite3_bind_text(st, 9, c->edu, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, sex_at, c->sex, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, sex_at + 1, c->age, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, sex_at + 2, c->born, -1, SQLITE_TRANSIENT);
}

/* Value and count columns of one slice bound as parameters ?20 cells, ?21 n,
 * ?22 scale, ?23 kind: a bound BLOB is read in place, whereas a column BLOB
 * would be copied out of the table for every cell() call (33 ms instead of
 * a few for the 3,363 RegSO of one slice). */
#define CELL_COLS_P                                                                                \
    "CASE WHEN cell(?20, ?21, a.idx, 0) = 1 THEN CASE ?23 WHEN 'value' THEN cell(?20, ?21, a.idx, 1) " \
    "ELSE cell(?20, ?21, a.idx, 1) * ?22 / NULLIF(cell(?20, ?21, a.idx, 2), 0) END END AS value, "   \
    "CASE ?23 WHEN 'ratio' THEN cell(?20, ?21, a.idx, 1) END AS numerator, CASE ?23 WHEN 'ratio' "   \
    "THEN cell(?20, ?21, a.idx, 2) END AS denominator, cell(?20, ?21, a.idx, 3) AS status"

static void ep_values(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"indicator", "level", "year", "sex", "age", "born", "edu", "within", NULL};
    cellsel c;
    const char *level;
    int year;
    if (!allowed(q, p, r) || !get_cellsel(q, &c, r) || !(level = need(q, "level", r)) ||
        !check_set("level", level, LEVELS, r) || !parse_year(need(q, "year", r), &year, r))
        return;
    sqlite3_stmt *sl = prep(db,
                            "SELECT s.cells, s.n, i.scale, i.kind FROM slices s JOIN indicators i ON "
                            "i.id = s.indicator WHERE s.indicator = ?1 AND s.level = ?2 AND s.year = ?3 AND "
                            "s.sex = ?4 AND s.age = ?5 AND s.born = ?6 AND s.edu = ?9",
                            r);
    if (!sl)
        return;
    bind_cellsel(sl, &c, 4);
    sqlite3_bind_text(sl, 2, level, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(sl, 3, year);
    bool found = sqlite3_step(sl) == SQLITE_ROW;
    /* the slice's intervals (table intervals, databases with health
     * indicators only): then the columns lower,upper on the value's scale,
     * for published cells only */
    sqlite3_stmt *iv = NULL;
    bool with_iv = found && sqlite3_prepare_v2(db,
                                               "SELECT limits FROM intervals WHERE indicator = ?1 AND level = ?2 "
                                               "AND year = ?3 AND sex = ?4 AND age = ?5 AND born = ?6 AND edu = ?9",
                                               -1, &iv, NULL) == SQLITE_OK;
    if (with_iv) {
        bind_cellsel(iv, &c, 4);
        sqlite3_bind_text(iv, 2, level, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(iv, 3, year);
        with_iv = sqlite3_step(iv) == SQLITE_ROW;
    }
    sqlite3_stmt *st = prep(db,
                            with_iv ? "SELECT a.code, a.name, " CELL_COLS_P ", CASE WHEN cell(?20, ?21, a.idx, 0) = 1 "
                                      "THEN lim(?24, ?21, a.idx, 0) * ?22 END AS lower, CASE WHEN cell(?20, ?21, "
                                      "a.idx, 0) = 1 THEN lim(?24, ?21, a.idx, 1) * ?22 END AS upper FROM areas a "
                                      "WHERE a.level = ?2 AND cell(?20, ?21, a.idx, 0) > 0 AND (?7 IS NULL OR "
                                      "a.kommun = ?7 OR a.lan = ?7 OR a.code = ?7) ORDER BY a.idx"
                                    : "SELECT a.code, a.name, " CELL_COLS_P " FROM areas a WHERE a.level = ?2 AND "
                                      "cell(?20, ?21, a.idx, 0) > 0 AND (?7 IS NULL OR a.kommun = ?7 OR a.lan = ?7 OR "
                                      "a.code = ?7) ORDER BY a.idx",
                            r);
    if (!st) {
        sqlite3_finalize(iv);
        sqlite3_finalize(sl);
        return;
    }
    if (with_iv) /* valid while `iv` sits on its row */
        sqlite3_bind_blob(st, 24, sqlite3_column_blob(iv, 0), sqlite3_column_bytes(iv, 0), SQLITE_STATIC);
    sqlite3_bind_text(st, 2, level, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 7, om_query_get(q, "within"));
    if (found) { /* the blob stays valid while `sl` sits on its row */
        sqlite3_bind_blob(st, 20, sqlite3_column_blob(sl, 0), sqlite3_column_bytes(sl, 0), SQLITE_STATIC);
        sqlite3_bind_int64(st, 21, sqlite3_column_int64(sl, 1));
        sqlite3_bind_double(st, 22, sqlite3_column_double(sl, 2));
        sqlite3_bind_text(st, 23, (const char *)sqlite3_column_text(sl, 3), -1, SQLITE_TRANSIENT);
    }
    table(st, q, "values", r);
    sqlite3_finalize(st);
    sqlite3_finalize(iv);
    sqlite3_finalize(sl);
}

static void ep_series(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"indicator", "code", "sex", "age", "born", "edu", NULL};
    cellsel c;
    const char *codes;
    if (!allowed(q, p, r) || !get_cellsel(q, &c, r) || !(codes = need(q, "code", r)))
        return;
    /* code is a comma-separated list of up to 8 codes (e.g. an area and riket) */
    sqlite3_stmt *st = prep(db,
                            "SELECT a.code, a.name, s.year, " CELL_COLS " FROM areas a JOIN slices s ON "
                            "s.level = a.level JOIN indicators i ON i.id = s.indicator WHERE "
                            "s.indicator = ?1 AND s.sex = ?2 AND s.age = ?3 AND s.born = ?4 AND s.edu = ?9 AND "
                            "instr(',' || ?5 || ',', ',' || a.code || ',') > 0 AND "
                            "cell(s.cells, s.n, a.idx, 0) > 0 ORDER BY a.code, s.year",
                            r);
    if (!st)
        return;
    bind_cellsel(st, &c, 2);
    sqlite3_bind_text(st, 5, codes, -1, SQLITE_TRANSIENT);
    table(st, q, "series", r);
    sqlite3_finalize(st);
}

static void ep_types(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"year", "within", NULL};
    int year;
    if (!allowed(q, p, r) || !parse_year(need(q, "year", r), &year, r))
        return;
    sqlite3_stmt *st = prep(db,
                            "SELECT t.code, a.name, a.kommun, a.lan, t.area_type, t.sei, t.low_econ_pct, "
                            "t.pre_upper_pct, t.assist_unemp_pct FROM area_types t JOIN areas a ON "
                            "a.code = t.code WHERE t.year = ?1 AND (?2 IS NULL OR a.kommun = ?2 OR "
                            "a.lan = ?2) ORDER BY t.code",
                            r);
    if (!st)
        return;
    sqlite3_bind_int(st, 1, year);
    bind_text_or_null(st, 2, om_query_get(q, "within"));
    table(st, q, "area-types", r);
    sqlite3_finalize(st);
}

/* The indicator whose denominators count persons (all ages): 'population'
 * if present, else the all-ages share with the fewest suppressed cells. */
#define POP_INDICATOR                                                                              \
    "(SELECT indicator FROM slices WHERE level = 'regso' AND year = ?1 AND sex = 'total' AND "     \
    "age = 'total' AND born = 'total' AND edu = 'total' AND indicator IN (SELECT id FROM "         \
    "indicators WHERE kind = "                                                                      \
    "'ratio' AND unit IN ('%', 'count')) ORDER BY indicator = 'population' DESC, n_suppressed, "  \
    "indicator LIMIT 1)"

static void ep_typesummary(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"year", "within", NULL};
    int year;
    if (!allowed(q, p, r) || !parse_year(need(q, "year", r), &year, r))
        return;
    const char *within = with_default(q, "within", "00");
    /* Population per area type, riket or a län, in a database of the
     * current contract: the area-type aggregate of type_values, protected
     * together with the RegSO cells, so it is published as it is (status
     * published, primary or secondary), not as a sum over published RegSO.
     * A kommun (no aggregate) or an older database: the sum of the
     * published RegSO denominators, status 'partial' when RegSO were
     * suppressed (the sum is then a lower bound and regso_suppressed says
     * how many are missing). */
    bool aggregate = om_serve__has_column(db, "type_values", "status") && strlen(within) == 2;
    sqlite3_stmt *st = prep(db,
                            aggregate
                                ? "SELECT t.area_type, COUNT(*) AS n_regso, (SELECT CASE WHEN v.status = 1 "
                                  "THEN v.denominator END FROM type_values v WHERE v.indicator = " POP_INDICATOR
                                  " AND v.year = ?1 AND v.sex = 'total' AND v.age = 'total' AND v.born = "
                                  "'total' AND v.within = ?2 AND v.area_type = CAST(t.area_type AS TEXT)) AS "
                                  "population, (SELECT status_name(v.status) FROM type_values v WHERE "
                                  "v.indicator = " POP_INDICATOR " AND v.year = ?1 AND v.sex = 'total' AND "
                                  "v.age = 'total' AND v.born = 'total' AND v.within = ?2 AND v.area_type = "
                                  "CAST(t.area_type AS TEXT)) AS population_status, NULL AS regso_suppressed "
                                  "FROM area_types t JOIN areas a ON a.code = t.code WHERE t.year = ?1 AND "
                                  "t.area_type IS NOT NULL AND (?2 = '00' OR a.lan = ?2) GROUP BY t.area_type "
                                  "ORDER BY t.area_type"
                                : "WITH p AS (SELECT cells, n FROM slices WHERE level = 'regso' AND year = ?1 "
                                  "AND sex = 'total' AND age = 'total' AND born = 'total' AND edu = 'total' AND "
                                  "indicator = "
                                  POP_INDICATOR ") SELECT t.area_type, COUNT(*) AS n_regso, "
                                  "SUM(cell(p.cells, p.n, a.idx, 2)) AS population, CASE WHEN p.n IS NULL THEN "
                                  "NULL WHEN SUM(cell(p.cells, p.n, a.idx, 0) >= 2) > 0 THEN 'partial' ELSE "
                                  "'published' END AS population_status, SUM(cell(p.cells, p.n, a.idx, 0) >= 2) "
                                  "AS regso_suppressed FROM area_types t JOIN areas a ON a.code = t.code LEFT "
                                  "JOIN p WHERE t.year = ?1 AND t.area_type IS NOT NULL AND (?2 = '00' OR "
                                  "a.kommun = ?2 OR a.lan = ?2) GROUP BY t.area_type ORDER BY t.area_type",
                            r);
    if (!st)
        return;
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, within, -1, SQLITE_TRANSIENT);
    table(st, q, "type-summary", r);
    sqlite3_finalize(st);
}

static void ep_bytype(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"indicator", "year", "sex", "age", "born", "within", NULL};
    cellsel c;
    int year;
    if (!allowed(q, p, r) || !get_cellsel(q, &c, r) || !parse_year(need(q, "year", r), &year, r))
        return;
    /* area_type '1'..'5' and '1-2' (types 1 and 2 together) in the current
     * contract; an older database has integers 1..5 and `suppressed`.
     * Numbers only of published rows, whatever the database holds. */
    sqlite3_stmt *st = prep(db,
                            om_serve__has_column(db, "type_values", "status")
                                ? "SELECT CAST(area_type AS TEXT) AS area_type, n_regso, CASE WHEN status = 1 "
                                  "THEN value END AS value, CASE WHEN status = 1 THEN numerator END AS numerator, "
                                  "CASE WHEN status = 1 THEN denominator END AS denominator, status_name(status) "
                                  "AS status, type_year FROM type_values WHERE "
                                  "indicator = ?1 AND year = ?2 AND sex = ?3 AND age = ?4 AND born = ?5 AND "
                                  "within = ?6 ORDER BY CAST(area_type AS TEXT)"
                                : "SELECT CAST(area_type AS TEXT) AS area_type, n_regso, value, numerator, "
                                  "denominator, status_name(suppressed + 1) AS status, type_year FROM "
                                  "type_values WHERE indicator = ?1 AND year = ?2 AND sex = ?3 AND age = ?4 AND "
                                  "born = ?5 AND within = ?6 ORDER BY area_type",
                            r);
    if (!st)
        return;
    bind_cellsel(st, &c, 3);
    sqlite3_bind_int(st, 2, year);
    sqlite3_bind_text(st, 6, with_default(q, "within", "00"), -1, SQLITE_TRANSIENT);
    table(st, q, "by-area-type", r);
    sqlite3_finalize(st);
}

/* An indicator per area type over all its years (issue 14 item 4): the
 * rows of /api/bytype for every year, each with the type year used, since
 * area types come a year after the statistics (docs/barometer.md). */
static void ep_typetrend(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"indicator", "sex", "age", "born", "within", NULL};
    cellsel c;
    if (!allowed(q, p, r) || !get_cellsel(q, &c, r))
        return;
    if (!om_serve__has_column(db, "type_values", "status")) {
        om_serve_error(r, 404, "expected a database with area-type statuses (rebuild it with omrade build)");
        return;
    }
    sqlite3_stmt *st = prep(db,
                            "SELECT year, CAST(area_type AS TEXT) AS area_type, n_regso, CASE WHEN status = 1 "
                            "THEN value END AS value, CASE WHEN status = 1 THEN numerator END AS numerator, "
                            "CASE WHEN status = 1 THEN denominator END AS denominator, status_name(status) AS "
                            "status, type_year FROM type_values WHERE indicator = ?1 AND sex = ?2 AND age = ?3 "
                            "AND born = ?4 AND within = ?5 ORDER BY year, CAST(area_type AS TEXT)",
                            r);
    if (!st)
        return;
    bind_cellsel(st, &c, 2);
    sqlite3_bind_text(st, 5, with_default(q, "within", "00"), -1, SQLITE_TRANSIENT);
    table(st, q, "by-area-type-over-time", r);
    sqlite3_finalize(st);
}

static void ep_inequality(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"code", "index", NULL};
    const char *code;
    if (!allowed(q, p, r) || !(code = need(q, "code", r)))
        return;
    /* corrected: the bias-corrected estimate that lower-upper surround
     * (docs/seg.md); NULL in databases built before it existed */
    sqlite3_stmt *st = prep(db,
                            om_serve__has_column(db, "inequality", "corrected")
                                ? "SELECT code, name, idx AS 'index', year, value, corrected, se, lower, upper, "
                                  "expected, n_deso, n_persons, flag FROM inequality WHERE code = ?1 AND (?2 IS "
                                  "NULL OR idx = ?2) ORDER BY idx, year"
                                : "SELECT code, name, idx AS 'index', year, value, NULL AS corrected, se, lower, "
                                  "upper, expected, n_deso, n_persons, flag FROM inequality WHERE code = ?1 AND "
                                  "(?2 IS NULL OR idx = ?2) ORDER BY idx, year",
                            r);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    bind_text_or_null(st, 2, om_query_get(q, "index"));
    table(st, q, "inequality", r);
    sqlite3_finalize(st);
}

/* The change view (issue 15; tables written by src/barometer/change.c).
 * transitions: the 5 x 5 matrix of RegSO of riket ('00'), a län or a
 * kommun from one area type to another, per pair of consecutive type years,
 * all 25 cells (zeros included).  anchored: per year and area type the
 * RegSO of the unit with that type computed from SEI relative to the year
 * (as SCB) and anchored to the first SEI year (not SCB's types). */
static bool has_change_tables(sqlite3 *db, om_resp *r)
{
    if (om_serve__has_column(db, "type_transitions", "code"))
        return true;
    om_serve_error(r, 404, "this database has no change tables (built before omrade movers/transitions "
                           "were part of omrade build); rebuild it");
    return false;
}

static void ep_transitions(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"code", "from_year", NULL};
    const char *code;
    int year = 0;
    if (!allowed(q, p, r) || !(code = need(q, "code", r)))
        return;
    if (om_query_get(q, "from_year") && !parse_year(om_query_get(q, "from_year"), &year, r))
        return;
    if (!has_change_tables(db, r))
        return;
    sqlite3_stmt *st = prep(db,
                            "WITH k(k) AS (VALUES(1),(2),(3),(4),(5)), pr AS (SELECT DISTINCT from_year, "
                            "to_year, level FROM type_transitions WHERE code = ?1 AND (?2 = 0 OR from_year = "
                            "?2)) SELECT pr.from_year, pr.to_year, pr.level, ?1 AS code, f.k AS from_type, "
                            "g.k AS to_type, COALESCE((SELECT n_regso FROM type_transitions x WHERE x.code = "
                            "?1 AND x.from_year = pr.from_year AND x.from_type = f.k AND x.to_type = g.k), 0) "
                            "AS n_regso FROM pr, k f, k g ORDER BY pr.from_year, f.k, g.k",
                            r);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, year);
    table(st, q, "transitions", r);
    sqlite3_finalize(st);
}

static void ep_anchored(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"within", NULL};
    if (!allowed(q, p, r) || !has_change_tables(db, r))
        return;
    sqlite3_stmt *st = prep(db,
                            "WITH t AS (SELECT x.* FROM type_anchored x JOIN areas a ON a.code = x.code "
                            "WHERE ?1 = '00' OR a.kommun = ?1 OR a.lan = ?1), k(k) AS (VALUES(1),(2),(3),"
                            "(4),(5)), y AS (SELECT DISTINCT year, anchor_year FROM t) SELECT y.year, "
                            "y.anchor_year, k.k AS area_type, (SELECT COUNT(*) FROM t WHERE t.year = y.year "
                            "AND t.area_type = k.k) AS n_relative, (SELECT COUNT(*) FROM t WHERE t.year = "
                            "y.year AND t.area_type_anchored = k.k) AS n_anchored FROM y, k ORDER BY y.year, "
                            "k.k",
                            r);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, with_default(q, "within", "00"), -1, SQLITE_TRANSIENT);
    table(st, q, "anchored-types", r);
    sqlite3_finalize(st);
}

/* Need indices (table need, `omrade build --need`): per unit, year and
 * index, the value, its status (published, primary, secondary: the build's
 * disclosure control, src/barometer/need.c) and its rank among the published
 * units of the same level, year and index (1 = the highest value = the most
 * need; ties share the rank); `units` counts those published units.
 * Suppressed values have no value and no rank.  Databases built before the
 * table existed answer with no rows; before it had a status, every value
 * says published. */
static void ep_need(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"code", "index", "year", "level", NULL};
    const char *ys = om_query_get(q, "year"), *level = om_query_get(q, "level");
    int year = 0;
    if (!allowed(q, p, r) || (ys && !parse_year(ys, &year, r)) || (level && !check_set("level", level, LEVELS, r)))
        return;
    if (!om_serve__has_column(db, "need", "idx")) {
        sqlite3_stmt *st = prep(db,
                                "SELECT NULL AS code, NULL AS name, NULL AS level, NULL AS year, NULL AS 'index', "
                                "NULL AS value, NULL AS status, NULL AS rank, NULL AS units WHERE 0",
                                r);
        if (st) {
            table(st, q, "need", r);
            sqlite3_finalize(st);
        }
        return;
    }
    bool has_status = om_serve__has_column(db, "need", "status");
    sqlite3_stmt *st = prep(db,
                            has_status
                                ? "SELECT n.code, a.name, n.level, n.year, n.idx AS 'index', "
                                  "CASE WHEN n.status = 1 THEN n.value END AS value, status_name(n.status) AS status, "
                                  "CASE WHEN n.status = 1 THEN n.rank END AS rank, n.units "
                                  "FROM (SELECT code, level, year, idx, value, status, RANK() OVER (PARTITION BY level, "
                                  "year, idx, status = 1 ORDER BY value DESC) AS rank, SUM(status = 1) OVER (PARTITION "
                                  "BY level, year, idx) AS units FROM need) n LEFT JOIN areas a ON a.code = n.code "
                                  "WHERE (?1 IS NULL OR n.code = ?1) AND (?2 IS NULL OR n.idx = ?2) "
                                  "AND (?3 IS NULL OR n.year = ?3) AND (?4 IS NULL OR n.level = ?4) "
                                  "ORDER BY n.level, n.code, n.idx, n.year"
                                : "SELECT n.code, a.name, n.level, n.year, n.idx AS 'index', n.value, "
                                  "'published' AS status, n.rank, n.units "
                                  "FROM (SELECT code, level, year, idx, value, RANK() OVER (PARTITION BY level, year, "
                                  "idx ORDER BY value DESC) AS rank, COUNT(*) OVER (PARTITION BY level, year, idx) AS "
                                  "units FROM need) n LEFT JOIN areas a ON a.code = n.code "
                                  "WHERE (?1 IS NULL OR n.code = ?1) AND (?2 IS NULL OR n.idx = ?2) "
                                  "AND (?3 IS NULL OR n.year = ?3) AND (?4 IS NULL OR n.level = ?4) "
                                  "ORDER BY n.level, n.code, n.idx, n.year",
                            r);
    if (!st)
        return;
    bind_text_or_null(st, 1, om_query_get(q, "code"));
    bind_text_or_null(st, 2, om_query_get(q, "index"));
    if (ys)
        sqlite3_bind_int(st, 3, year);
    bind_text_or_null(st, 4, om_query_get(q, "level"));
    table(st, q, "need", r);
    sqlite3_finalize(st);
}

/* The police's list of utsatta områden with each area's overlap with RegSO
 * and kommuner (tables police_areas, police_overlap: `omrade build
 * --police`): one row per area and unit, share = the part of the police
 * area's area in the unit, the RegSO's area type of the list's year; an
 * area overlapping no unit has one row with level NULL.  Databases without
 * the tables (no --police, or omrade built without GDAL) answer no rows. */
static void ep_police(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"level", NULL};
    const char *level = om_query_get(q, "level");
    if (!allowed(q, p, r) || (level && !check_set("level", level, LEVELS, r)))
        return;
    bool have = om_serve__has_column(db, "police_overlap", "share");
    sqlite3_stmt *st = prep(db,
                            have ? "SELECT p.id, p.name, p.category, p.rank, p.ort, p.region, p.list_year, o.level, "
                                   "o.code, a.name AS area_name, o.share, o.area_type, o.type_year "
                                   "FROM police_areas p LEFT JOIN police_overlap o ON o.id = p.id "
                                   "AND (?1 IS NULL OR o.level = ?1) LEFT JOIN areas a ON a.code = o.code "
                                   "ORDER BY p.rank, p.ort, p.name, p.id, o.level DESC, o.share DESC, o.code"
                                 : "SELECT NULL AS id, NULL AS name, NULL AS category, NULL AS rank, NULL AS ort, "
                                   "NULL AS region, NULL AS list_year, NULL AS level, NULL AS code, NULL AS area_name, "
                                   "NULL AS share, NULL AS area_type, NULL AS type_year WHERE 0",
                            r);
    if (!st)
        return;
    bind_text_or_null(st, 1, level);
    table(st, q, "police", r);
    sqlite3_finalize(st);
}

/* Run `sql` with one text parameter and add its table under `key`; false
 * (with r set to a 500 answer) when the statement cannot be prepared. */
static bool add_table(sqlite3 *db, cJSON *o, const char *key, const char *sql, const char *param, om_resp *r)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        om_serve_error(r, 500, "database error in '%s': %s", key, sqlite3_errmsg(db));
        return false;
    }
    if (param)
        sqlite3_bind_text(st, 1, param, -1, SQLITE_TRANSIENT);
    cJSON_AddItemToObject(o, key, table_json(st));
    sqlite3_finalize(st);
    return true;
}

static void ep_area(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"code", NULL};
    const char *code;
    if (!allowed(q, p, r) || !(code = need(q, "code", r)))
        return;
    sqlite3_stmt *st = prep(db,
                            "SELECT a.level, a.code, a.name, a.label, a.kommun, k.name, a.lan, l.name "
                            "FROM areas a LEFT JOIN areas k ON k.code = a.kommun LEFT JOIN areas l ON "
                            "l.code = a.lan WHERE a.code = ?1",
                            r);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, code, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        om_serve_error(r, 404, "no area with code '%s'", code);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    static const char *const keys[] = {"level", "code", "name", "label", "kommun", "kommun_name",
                                       "lan", "lan_name"};
    for (int i = 0; i < 8; i++)
        cJSON_AddItemToObject(o, keys[i], column_json(st, i));
    sqlite3_finalize(st);
    bool ok = add_table(db, o, "types",
              "SELECT year, area_type, sei, low_econ_pct, pre_upper_pct, assist_unemp_pct FROM "
              "area_types WHERE code = ?1 ORDER BY year",
              code, r);
    ok = ok && add_table(db, o, "indicators",
              "SELECT s.indicator, i.label_sv, i.label_en, i.unit, s.year, s.age, " CELL_COLS
              " FROM areas a JOIN indicators i JOIN slices s ON s.level = a.level AND s.indicator = "
              "i.id AND s.sex = 'total' AND s.born = 'total' AND s.edu = 'total' AND s.age = i.main_age "
              "WHERE a.code = ?1 AND cell(s.cells, s.n, a.idx, 0) > 0 AND s.year = (SELECT MAX(s2.year) "
              "FROM slices s2 WHERE s2.indicator = i.id AND s2.level = a.level AND s2.sex = 'total' AND "
              "s2.born = 'total' AND s2.edu = 'total' AND s2.age = i.main_age AND "
              "cell(s2.cells, s2.n, a.idx, 0) > 0) ORDER BY "
              "s.indicator",
              code, r);
    ok = ok && add_table(db, o, "inequality",
              om_serve__has_column(db, "inequality", "corrected")
                  ? "SELECT idx AS 'index', year, value, corrected, lower, upper, expected, flag FROM "
                    "inequality WHERE code = ?1 ORDER BY idx, year"
                  : "SELECT idx AS 'index', year, value, NULL AS corrected, lower, upper, expected, flag "
                    "FROM inequality WHERE code = ?1 ORDER BY idx, year",
              code, r);
    set_json_if(r, o, ok);
}

static void ep_meta(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {NULL};
    if (!allowed(q, p, r))
        return;
    cJSON *o = cJSON_CreateObject();
    bool ok = add_table(db, o, "meta", "SELECT key, value FROM meta ORDER BY key", NULL, r);
    ok = ok && add_table(db, o, "inputs", "SELECT kind, file, rows, loaded, unlinked, rejected, years FROM inputs",
                         NULL, r);
#define META_INDICATORS(extra)                                                                     \
    "SELECT i.id, i.label_sv, i.label_en, i.unit, i.kind, i.main_age, (SELECT "                     \
    "group_concat(level) FROM (SELECT DISTINCT level FROM slices s WHERE s.indicator = i.id)) "     \
    "AS levels, (SELECT group_concat(year) FROM (SELECT DISTINCT year FROM slices s WHERE "         \
    "s.indicator = i.id ORDER BY year)) AS years, i.main_age || COALESCE(',' || (SELECT "           \
    "group_concat(age) FROM (SELECT DISTINCT age FROM slices s WHERE s.indicator = i.id AND "       \
    "s.age <> i.main_age ORDER BY age)), '') AS ages, (SELECT group_concat(edu) FROM (SELECT "      \
    "DISTINCT edu FROM slices s WHERE s.indicator = i.id ORDER BY CASE edu WHEN 'total' THEN 0 "    \
    "WHEN 'pre_upper_secondary' THEN 1 WHEN 'upper_secondary' THEN 2 ELSE 3 END)) AS edus" extra    \
    " FROM indicators i ORDER BY i.kind = "                                                         \
    "'value', i.label_sv"
    /* theme and definitions: databases built since the health theme */
    ok = ok && add_table(db, o, "indicators",
                         om_serve__has_column(db, "indicators", "theme")
                             ? META_INDICATORS(", i.theme, i.def_sv, i.def_en")
                             : META_INDICATORS(", NULL AS theme, NULL AS def_sv, NULL AS def_en"),
                         NULL, r);
#undef META_INDICATORS
    ok = ok && add_table(db, o, "type_years",
              "SELECT year, COUNT(*) AS n_regso FROM area_types WHERE area_type IS NOT NULL GROUP BY "
              "year ORDER BY year",
              NULL, r);
    ok = ok && add_table(db, o, "inequality",
              "SELECT idx AS 'index', level, MIN(year) AS first_year, MAX(year) AS last_year FROM "
              "inequality GROUP BY idx, level",
              NULL, r);
    ok = ok && add_table(db, o, "layers", "SELECT layer, schematic, length(topojson) AS bytes FROM geometry",
                         NULL, r);
    set_json_if(r, o, ok);
}

/* The bulk download: every cell as long CSV (export.c), the same bytes as
 * `omrade export`, gzip-compressed while it is written.  The uncompressed
 * CSV is far too big to hold per request (9.8 million cells, 728 MB for
 * the synthetic population at scale 0.01); deflate level 1 brings that to
 * about 76 MB, which the server then caches like any answer.  The CSV goes
 * through a stdio stream (fopencookie) whose writes feed zlib, so only the
 * compressed bytes are ever in memory. */
typedef struct gzsink {
    z_stream z;
    char *buf;
    size_t len, cap;
    bool failed;
} gzsink;

static bool gz_pump(gzsink *g, const char *in, size_t n, int flush)
{
    g->z.next_in = (Bytef *)(uintptr_t)in;
    g->z.avail_in = (uInt)n;
    do {
        if (g->cap - g->len < 65536 && om_grow(&g->buf, &g->cap, g->cap + 1, 1, (size_t)1 << 20, NULL) != OM_OK)
            return false;
        g->z.next_out = (Bytef *)(g->buf + g->len);
        g->z.avail_out = (uInt)(g->cap - g->len);
        int rc = deflate(&g->z, flush);
        if (rc == Z_STREAM_ERROR)
            return false;
        g->len = g->cap - g->z.avail_out;
        if (flush == Z_FINISH && rc == Z_STREAM_END)
            return true;
    } while (g->z.avail_in > 0 || g->z.avail_out == 0 || flush == Z_FINISH);
    return true;
}

static ssize_t gz_write(void *cookie, const char *data, size_t n)
{
    gzsink *g = cookie;
    if (g->failed || !gz_pump(g, data, n, Z_NO_FLUSH)) {
        g->failed = true;
        return 0; /* stdio sets the error flag; om_serve__export reports it */
    }
    return (ssize_t)n;
}

static void ep_export(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {NULL};
    if (!allowed(q, p, r))
        return;
    gzsink g;
    memset(&g, 0, sizeof g);
    /* windowBits 15 + 16: the gzip wrapper (RFC 1952) */
    if (deflateInit2(&g.z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        om_serve_error(r, 500, "out of memory");
        return;
    }
    cookie_io_functions_t io = {NULL, gz_write, NULL, NULL};
    FILE *fp = fopencookie(&g, "w", io);
    om_status st = OM_ERR_NOMEM;
    om_error err = OM_ERROR_INIT;
    if (fp) {
        om_export_report rep;
        st = om_serve__export(db, fp, &rep, &err);
        if (fclose(fp) != 0 && st == OM_OK)
            st = om_error_nomem(&err);
    }
    if (st == OM_OK && (g.failed || !gz_pump(&g, NULL, 0, Z_FINISH)))
        st = om_error_nomem(&err);
    deflateEnd(&g.z);
    if (st != OM_OK) {
        free(g.buf);
        om_serve_error(r, 500, "cannot export the database: %s", err.msg[0] ? err.msg : "out of memory");
        return;
    }
    free(r->body);
    r->body = g.buf;
    r->len = g.len;
    r->status = 200;
    r->ctype = "application/gzip";
    snprintf(r->disposition, sizeof r->disposition, "attachment; filename=\"omrade-barometer.csv.gz\"");
    r->max_age = 3600;
}

void om_serve_api(sqlite3 *db, const char *path, const om_query *q, om_resp *r)
{
    static const struct {
        const char *path;
        void (*fn)(sqlite3 *, const om_query *, om_resp *);
    } routes[] = {{"/api/meta", ep_meta},
                  {"/api/areas", ep_areas},
                  {"/api/search", ep_search},
                  {"/api/values", ep_values},
                  {"/api/series", ep_series},
                  {"/api/types", ep_types},
                  {"/api/typesummary", ep_typesummary},
                  {"/api/bytype", ep_bytype},
                  {"/api/typetrend", ep_typetrend},
                  {"/api/inequality", ep_inequality},
                  {"/api/transitions", ep_transitions},
                  {"/api/anchored", ep_anchored},
                  {"/api/need", ep_need},
                  {"/api/police", ep_police},
                  {"/api/area", ep_area},
                  {"/api/export.csv.gz", ep_export}};
    r->status = 0;
    r->max_age = 300;
    r->disposition[0] = '\0';
    if (strncmp(path, "/api/v2/", 8) == 0) {
        om_serve__pxapi(db, path, q, r);
        if (r->status == 0)
            om_serve_error(r, 500, "internal error: no answer");
        return;
    }
    const char *fmt = om_query_get(q, "format");
    if (fmt && !check_set("format", fmt, FORMATS, r))
        return;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(path, routes[i].path) == 0) {
            if (fmt && strcmp(fmt, "json") != 0 &&
                (routes[i].fn == ep_meta || routes[i].fn == ep_area || routes[i].fn == ep_export)) {
                om_serve_error(r, 400, "expected format json for %s, found '%s'", path, fmt);
                return;
            }
            routes[i].fn(db, q, r);
            if (r->status == 0)
                om_serve_error(r, 500, "internal error: no answer");
            return;
        }
    }
    om_serve_error(r, 404, "no API endpoint '%s' (see /api/meta and docs/barometer.md)", path);
}

/* Every cell of a barometer database as one long CSV (`omrade export`, and
 * the bulk download /api/export.csv.gz).
 *
 * Columns: indicator,year,sex,age,born,edu,level,code,within,area_type,
 * status,numerator,denominator,value.  Geographic cells come from the
 * slices BLOBs (layout in include/omrade/build.h) in the order indicator,
 * year, sex, age, born, edu, level (riket, län, kommun, RegSO), registry
 * order; then
 * the area-type aggregates of type_values (level `area_type`, code empty,
 * `within` the region they cover) in key order.  Cells with status 0 (no
 * data) are not cells of the publication and are not written.  Numbers of
 * suppressed cells are empty (the database keeps none); for indicators of
 * kind 'value' (e.g. SEI) the number is in `value` alone, as in the API. */
#define _POSIX_C_SOURCE 200809L
#include "serve_internal.h"
#include "omrade/csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Status codes of the database contract: 1 published, 2 primary, 3
 * secondary.  A database from before the split (type_values without a
 * status column) marks both kinds 2 and cannot say which: "suppressed". */
const char *om_serve__status_name(int code, bool split)
{
    switch (code) {
    case 1: return "published";
    case 2: return split ? "primary" : "suppressed";
    case 3: return "secondary";
    case 4: return "withheld"; /* a small län's cross (table design), protected */
    default: return NULL;
    }
}

bool om_serve__has_column(sqlite3 *db, const char *table, const char *column)
{
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2", -1, &st, NULL) ==
        SQLITE_OK) {
        sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, column, -1, SQLITE_STATIC);
        found = sqlite3_step(st) == SQLITE_ROW;
    }
    sqlite3_finalize(st);
    return found;
}

static void count_status(om_export_report *rep, const char *name)
{
    rep->rows++;
    if (strcmp(name, "published") == 0)
        rep->published++;
    else if (strcmp(name, "primary") == 0)
        rep->primary++;
    else if (strcmp(name, "secondary") == 0)
        rep->secondary++;
    else
        rep->suppressed++;
}

static void write_opt(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

/* Area codes of one level in registry order (areas.idx 0..n-1). */
typedef struct codes {
    char level[16];
    char **code;
    int64_t n;
} codes;

static void codes_free(codes *c)
{
    for (int64_t i = 0; i < c->n; i++)
        free(c->code[i]);
    free(c->code);
    memset(c, 0, sizeof *c);
}

static om_status codes_load(sqlite3 *db, const char *level, int64_t n, codes *c, om_error *err)
{
    codes_free(c);
    snprintf(c->level, sizeof c->level, "%s", level);
    c->code = calloc((size_t)(n > 0 ? n : 1), sizeof *c->code);
    if (!c->code)
        return om_error_nomem(err);
    c->n = n;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT idx, code FROM areas WHERE level = ?1", -1, &st, NULL) != SQLITE_OK)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a barometer database (table areas): %s",
                            sqlite3_errmsg(db));
    sqlite3_bind_text(st, 1, level, -1, SQLITE_TRANSIENT);
    om_status s = OM_OK;
    while (s == OM_OK && sqlite3_step(st) == SQLITE_ROW) {
        int64_t i = sqlite3_column_int64(st, 0);
        const char *code = (const char *)sqlite3_column_text(st, 1);
        if (i < 0 || i >= n || !code)
            continue; /* an area beyond the slices' length has no cells */
        if (!(c->code[i] = strdup(code)))
            s = om_error_nomem(err);
    }
    sqlite3_finalize(st);
    return s;
}

/* The row's key, the first six columns of both queries: indicator, year
 * (a number), sex, age, born, edu. */
enum { KEY_COLS = 6 };
static void write_key(FILE *fp, sqlite3_stmt *st)
{
    for (int k = 0; k < KEY_COLS; k++) {
        if (k)
            fputc(',', fp);
        if (k == 1)
            om_csv_write_i64(fp, sqlite3_column_int64(st, 1));
        else
            om_csv_write_str(fp, (const char *)sqlite3_column_text(st, k));
    }
}

static om_status export_slices(sqlite3 *db, FILE *fp, om_export_report *rep, om_error *err)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT s.indicator, s.year, s.sex, s.age, s.born, s.edu, s.level, s.n, s.cells, "
                           "i.kind, i.scale FROM slices s JOIN indicators i ON i.id = s.indicator ORDER BY "
                           "s.indicator, s.year, s.sex, s.age, s.born, CASE s.edu WHEN 'total' THEN 0 WHEN "
                           "'pre_upper_secondary' THEN 1 WHEN 'upper_secondary' THEN 2 ELSE 3 END, CASE "
                           "s.level WHEN 'riket' THEN 0 WHEN 'lan' THEN 1 WHEN 'kommun' THEN 2 ELSE 3 END, "
                           "s.level",
                           -1, &st, NULL) != SQLITE_OK)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a barometer database (tables slices, indicators): %s", sqlite3_errmsg(db));
    codes lv[4] = {{{0}, NULL, 0}};
    size_t next = 0;
    om_status s = OM_OK;
    int rc;
    while (s == OM_OK && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *level = (const char *)sqlite3_column_text(st, KEY_COLS);
        int64_t n = sqlite3_column_int64(st, KEY_COLS + 1);
        const unsigned char *b = sqlite3_column_blob(st, KEY_COLS + 2);
        int64_t len = sqlite3_column_bytes(st, KEY_COLS + 2);
        if (!level || n <= 0 || !b || len != n * 17) {
            s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                             "expected a cells BLOB of 17 x %lld bytes in slice %s/%s/%lld, found %lld bytes",
                             (long long)n, (const char *)sqlite3_column_text(st, 0), level ? level : "",
                             (long long)sqlite3_column_int64(st, 1), (long long)len);
            break;
        }
        codes *c = NULL;
        for (size_t k = 0; k < 4; k++)
            if (lv[k].code && strcmp(lv[k].level, level) == 0 && lv[k].n == n)
                c = &lv[k];
        if (!c) {
            c = &lv[next];
            next = (next + 1) % 4;
            if ((s = codes_load(db, level, n, c, err)) != OM_OK)
                break;
        }
        bool ratio = strcmp((const char *)sqlite3_column_text(st, KEY_COLS + 3), "ratio") == 0;
        double scale = sqlite3_column_double(st, KEY_COLS + 4);
        for (int64_t i = 0; i < n; i++) {
            const char *status = om_serve__status_name(b[i], rep->split);
            if (!status || b[i] == 4)
                continue; /* 0: no data, 4: withheld by the table design (not a cell of
                             the publication, as a withheld slice) */
            if (!c->code[i]) {
                s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                 "expected an area %s with idx %lld in table areas, found none", level,
                                 (long long)i);
                break;
            }
            double num, den;
            memcpy(&num, b + n + i * 8, sizeof num);
            memcpy(&den, b + n + n * 8 + i * 8, sizeof den);
            write_key(fp, st);
            fputc(',', fp);
            om_csv_write_str(fp, level);
            fputc(',', fp);
            om_csv_write_str(fp, c->code[i]);
            fprintf(fp, ",,,%s", status);
            bool pub = b[i] == 1;
            if (ratio) {
                write_opt(fp, pub ? num : NAN);
                write_opt(fp, pub ? den : NAN);
                write_opt(fp, pub && den != 0 ? num * scale / den : NAN);
            } else {
                fputs(",,", fp);
                write_opt(fp, pub ? num : NAN);
            }
            fputc('\n', fp);
            count_status(rep, status);
        }
    }
    if (s == OM_OK && rc != SQLITE_DONE)
        s = om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot read the database: %s", sqlite3_errmsg(db));
    for (size_t k = 0; k < 4; k++)
        codes_free(&lv[k]);
    sqlite3_finalize(st);
    return s;
}

static om_status export_types(sqlite3 *db, FILE *fp, om_export_report *rep, om_error *err)
{
    /* the contract's status column, or the legacy 0/1 `suppressed` */
    const char *sql = rep->split
        ? "SELECT indicator, year, sex, age, born, 'total', within, CAST(area_type AS TEXT), status, "
          "numerator, denominator, value FROM type_values ORDER BY indicator, year, sex, age, born, within, "
          "CAST(area_type AS TEXT)"
        : "SELECT indicator, year, sex, age, born, 'total', within, CAST(area_type AS TEXT), suppressed + 1, "
          "numerator, denominator, value FROM type_values ORDER BY indicator, year, sex, age, born, "
          "within, CAST(area_type AS TEXT)";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a barometer database (table type_values): %s", sqlite3_errmsg(db));
    om_status s = OM_OK;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *status = om_serve__status_name(sqlite3_column_int(st, KEY_COLS + 2), rep->split);
        if (!status) {
            s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                             "expected status 1, 2 or 3 in type_values (indicator %s, year %lld), found %d",
                             (const char *)sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
                             sqlite3_column_int(st, KEY_COLS + 2));
            break;
        }
        write_key(fp, st);
        fputs(",area_type,,", fp);
        om_csv_write_str(fp, (const char *)sqlite3_column_text(st, KEY_COLS));
        fputc(',', fp);
        om_csv_write_str(fp, (const char *)sqlite3_column_text(st, KEY_COLS + 1));
        fprintf(fp, ",%s", status);
        bool pub = sqlite3_column_int(st, KEY_COLS + 2) == 1;
        for (int k = KEY_COLS + 3; k <= KEY_COLS + 5; k++)
            write_opt(fp, pub && sqlite3_column_type(st, k) != SQLITE_NULL ? sqlite3_column_double(st, k) : NAN);
        fputc('\n', fp);
        count_status(rep, status);
    }
    if (s == OM_OK && rc != SQLITE_DONE)
        s = om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot read the database: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return s;
}

om_status om_serve__export(sqlite3 *db, FILE *fp, om_export_report *rep, om_error *err)
{
    memset(rep, 0, sizeof *rep);
    rep->split = om_serve__has_column(db, "type_values", "status");
    fputs("indicator,year,sex,age,born,edu,level,code,within,area_type,status,numerator,denominator,value\n", fp);
    om_status s = export_slices(db, fp, rep, err);
    if (s == OM_OK)
        s = export_types(db, fp, rep, err);
    if (s == OM_OK && ferror(fp))
        s = om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot write the CSV");
    return s;
}

om_status om_serve_export(const char *db, FILE *out, om_export_report *rep, om_error *err)
{
    om_export_report dummy;
    if (!rep)
        rep = &dummy;
    memset(rep, 0, sizeof *rep);
    sqlite3 *conn = NULL;
    /* SQLITE_OPEN_READONLY without CREATE: a missing file is an error, not a new database */
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        om_error_set(err, OM_ERR_INPUT, db, 0, 0, "expected a barometer database, found %s",
                     conn ? sqlite3_errmsg(conn) : "out of memory");
        sqlite3_close(conn);
        return OM_ERR_INPUT;
    }
    /* a database from before slices.edu reads as edu = total (om_serve_register) */
    om_status s = om_serve_register(conn) == SQLITE_OK
                      ? om_serve__export(conn, out, rep, err)
                      : om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a barometer database, found %s",
                                     sqlite3_errmsg(conn));
    if (s != OM_OK && !err->file[0])
        snprintf(err->file, sizeof err->file, "%s", db);
    sqlite3_close(conn);
    return s;
}

om_status om_serve_meta_value(const char *db, const char *key, char *buf, size_t size, bool *found,
                              om_error *err)
{
    *found = false;
    if (size)
        buf[0] = 0;
    sqlite3 *conn = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_open_v2(db, &conn, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(conn, "SELECT value FROM meta WHERE key = ?1", -1, &st, NULL) != SQLITE_OK) {
        om_error_set(err, OM_ERR_INPUT, db, 0, 0, "expected a barometer database, found %s",
                     conn ? sqlite3_errmsg(conn) : "out of memory");
        sqlite3_close(conn);
        return OM_ERR_INPUT;
    }
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0)) {
        *found = true;
        if (size)
            snprintf(buf, size, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(conn);
    return OM_OK;
}

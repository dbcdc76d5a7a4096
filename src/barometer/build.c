/* omrade build: assemble the barometer database (see include/omrade/build.h).
 *
 * Everything is linked to the built-in geography registry (DeSO 2018 /
 * RegSO 2020).  Indicator rows are inserted after om_build_protect(); the
 * area-type aggregates (indicator by area type, nationally and per län) are
 * sums of the *published* RegSO cells only, then protected themselves: were
 * suppressed cells included, an aggregate minus its published members would
 * give the suppressed cell back (differencing).  Differencing between levels
 * (kommun total minus its RegSO) needs secondary suppression, which is
 * om_sdc's job (see docs/barometer.md). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/formats.h"
#include "omrade/build.h"
#include "omrade/csv.h"
#include "omrade/geo.h"
#include "omrade/hash.h"
#include "omrade/sdc.h"
#include "omrade/sei.h"
#include "barometer_internal.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <pthread.h>
#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char *const SCHEMA =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE inputs(kind TEXT, file TEXT, rows INTEGER, loaded INTEGER, unlinked INTEGER,"
    " rejected INTEGER, years TEXT);"
    "CREATE TABLE areas(level TEXT NOT NULL, idx INTEGER NOT NULL, code TEXT PRIMARY KEY, name TEXT,"
    " label TEXT, kommun TEXT, lan TEXT, search TEXT);"
    "CREATE INDEX areas_level ON areas(level, idx);"
    "CREATE TABLE area_types(code TEXT NOT NULL, year INTEGER NOT NULL, area_type INTEGER,"
    " sei REAL, z REAL, low_econ_pct REAL, pre_upper_pct REAL, assist_unemp_pct REAL,"
    " source TEXT, PRIMARY KEY(code, year));"
    "CREATE TABLE indicators(id TEXT PRIMARY KEY, label_sv TEXT, label_en TEXT, unit TEXT,"
    " scale REAL, kind TEXT, main_age TEXT, sensitive INTEGER, rule TEXT, theme TEXT, def_sv TEXT,"
    " def_en TEXT);"
    "CREATE TABLE slices(indicator TEXT NOT NULL, level TEXT NOT NULL, year INTEGER NOT NULL,"
    " sex TEXT NOT NULL, age TEXT NOT NULL, born TEXT NOT NULL, edu TEXT NOT NULL DEFAULT 'total',"
    " n INTEGER NOT NULL, n_published INTEGER, n_suppressed INTEGER, cells BLOB NOT NULL);"
    "CREATE TABLE type_values(indicator TEXT, year INTEGER, type_year INTEGER, sex TEXT, age TEXT,"
    " born TEXT, within TEXT, area_type TEXT, n_regso INTEGER, numerator REAL,"
    " denominator REAL, value REAL, status INTEGER,"
    " PRIMARY KEY(indicator, year, sex, age, born, within, area_type)) WITHOUT ROWID;"
    "CREATE TABLE inequality(year INTEGER, level TEXT, code TEXT, name TEXT, idx TEXT, value REAL,"
    " corrected REAL, se REAL, lower REAL, upper REAL, expected REAL, n_deso INTEGER,"
    " n_persons INTEGER, flag TEXT);"
    "CREATE INDEX ineq_code ON inequality(code, idx, year);"
    "CREATE TABLE geometry(layer TEXT PRIMARY KEY, schematic INTEGER, topojson BLOB);"
    "CREATE TABLE need(year INTEGER, level TEXT, code TEXT, idx TEXT, value REAL,"
    " status INTEGER, PRIMARY KEY(code, idx, year));";



static om_status sql_fail(bctx *b, om_error *err, const char *what)
{
    return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "SQLite error while %s: %s", what,
                        sqlite3_errmsg(b->db));
}

om_status om_barometer_exec(bctx *b, const char *sql, om_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "SQLite error: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return OM_ERR_INTERNAL;
    }
    return OM_OK;
}

om_status om_barometer_prep(bctx *b, const char *sql, sqlite3_stmt **st, om_error *err)
{
    if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) != SQLITE_OK)
        return sql_fail(b, err, "preparing a statement");
    return OM_OK;
}

om_status om_barometer_step_done(bctx *b, sqlite3_stmt *st, om_error *err)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return sql_fail(b, err, "writing");
    return OM_OK;
}

/* Lower-case ASCII and the Swedish letters ÅÄÖÉÜ (UTF-8) so that search is
 * case-insensitive without ICU; the server folds queries the same way. */
static void fold(const char *s, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; s[i] && o + 3 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z') {
            out[o++] = (char)(c + 32);
        } else if (c == 0xC3 && s[i + 1]) {
            unsigned char d = om_utf8_sv_lower_c3((unsigned char)s[i + 1]);
            out[o++] = (char)c;
            out[o++] = (char)d;
            i++;
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = '\0';
}

static om_status load_areas(bctx *b, om_error *err)
{
    sqlite3_stmt *st = NULL;
    om_status s = om_barometer_prep(b, "INSERT INTO areas VALUES(?,?,?,?,?,?,?,?)", &st, err);
    char buf[512];
    for (int l = OM_LEVEL_DESO; s == OM_OK && l <= OM_LEVEL_RIKET; l++) {
        for (int32_t i = 0; s == OM_OK && i < om_geo_count(b->geo, (om_level)l); i++) {
            sqlite3_bind_text(st, 1, om_level_name((om_level)l), -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, i);
            sqlite3_bind_text(st, 3, om_geo_code(b->geo, (om_level)l, i), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, om_geo_name(b->geo, (om_level)l, i), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 5, om_geo_label(b->geo, (om_level)l, i), -1, SQLITE_STATIC);
            if (l <= OM_LEVEL_KOMMUN)
                sqlite3_bind_text(st, 6, om_geo_code(b->geo, OM_LEVEL_KOMMUN,
                                                     om_geo_parent(b->geo, (om_level)l, i, OM_LEVEL_KOMMUN)),
                                  -1, SQLITE_STATIC);
            if (l <= OM_LEVEL_LAN)
                sqlite3_bind_text(st, 7, om_geo_code(b->geo, OM_LEVEL_LAN,
                                                     om_geo_parent(b->geo, (om_level)l, i, OM_LEVEL_LAN)),
                                  -1, SQLITE_STATIC);
            fold(om_geo_label(b->geo, (om_level)l, i), buf, sizeof buf);
            sqlite3_bind_text(st, 8, buf, -1, SQLITE_TRANSIENT);
            s = om_barometer_step_done(b, st, err);
        }
    }
    sqlite3_finalize(st);
    return s;
}


void om_barometer_note_year(input_stats *is, int64_t y)
{
    if (is->ymin == 0 || y < is->ymin)
        is->ymin = (int)y;
    if (y > is->ymax)
        is->ymax = (int)y;
}

om_status om_barometer_open_input(om_csv **c, const char *path, om_error *err)
{
    om_status s = om_csv_open(c, path, NULL, err);
    if (s == OM_OK)
        s = om_csv_read_header(*c, err);
    return s;
}

om_status om_barometer_next_row(om_csv *c, input_stats *is, bool *got, om_error *err)
{
    om_status s = om_csv_next(c, got, err);
    if (s == OM_OK && *got)
        is->rows++;
    return s;
}

void om_barometer_note_unlinked(bctx *b, input_stats *is, const char *text, size_t len)
{
    is->unlinked++;
    if (!b->rep->first_unlinked[0]) {
        size_t n = len < sizeof b->rep->first_unlinked - 1 ? len : sizeof b->rep->first_unlinked - 1;
        memcpy(b->rep->first_unlinked, text, n);
        b->rep->first_unlinked[n] = '\0';
    }
}

om_status om_barometer_finish_input(bctx *b, const char *kind, const char *path, const input_stats *is,
                              om_error *err)
{
    char years[32];
    if (is->ymin)
        snprintf(years, sizeof years, is->ymin == is->ymax ? "%d" : "%d-%d", is->ymin, is->ymax);
    else
        years[0] = '\0';
    const char *base = strrchr(path, '/');
    sqlite3_bind_text(b->ins_input, 1, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(b->ins_input, 2, base ? base + 1 : path, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(b->ins_input, 3, is->rows);
    sqlite3_bind_int64(b->ins_input, 4, is->loaded);
    sqlite3_bind_int64(b->ins_input, 5, is->unlinked);
    sqlite3_bind_int64(b->ins_input, 6, is->rejected);
    sqlite3_bind_text(b->ins_input, 7, years, -1, SQLITE_TRANSIENT);
    b->rep->rows_read += is->rows;
    b->rep->rows_loaded += is->loaded;
    b->rep->rows_unlinked += is->unlinked;
    b->rep->rows_rejected += is->rejected;
    return om_barometer_step_done(b, b->ins_input, err);
}


bool om_barometer_field_is(om_field f, const char *s)
{
    return f.len == strlen(s) && memcmp(f.ptr, s, f.len) == 0;
}

static om_status read_file(const char *path, char **out, size_t *len, om_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot open");
    struct stat sb;
    if (fstat(fileno(f), &sb) != 0 || sb.st_size > (off_t)64 * 1024 * 1024) {
        fclose(f);
        return om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected a map layer under 64 MB");
    }
    char *buf = malloc((size_t)sb.st_size + 1);
    if (!buf) {
        fclose(f);
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    size_t n = fread(buf, 1, (size_t)sb.st_size, f);
    fclose(f);
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return OM_OK;
}

/* Map layers: DIR/{lan,kommun,regso,police,deso}.topo.json (made by `omrade geom`).
 * Each must parse as a TopoJSON Topology; a top-level "schematic" member
 * marks schematic geometry. */
static om_status load_geometry(bctx *b, const char *dir, om_error *err)
{
    static const char *const layers[] = {"lan", "kommun", "regso", "police", "deso"};
    sqlite3_stmt *st = NULL;
    om_status s = om_barometer_prep(b, "INSERT OR REPLACE INTO geometry VALUES(?,?,?)", &st, err);
    for (size_t i = 0; s == OM_OK && i < sizeof layers / sizeof *layers; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.topo.json", dir, layers[i]);
        if (access(path, R_OK) != 0)
            continue;
        char *buf = NULL;
        size_t len = 0;
        if ((s = read_file(path, &buf, &len, err)) != OM_OK)
            break;
        cJSON *j = cJSON_ParseWithLength(buf, len);
        cJSON *type = j ? cJSON_GetObjectItemCaseSensitive(j, "type") : NULL;
        if (!cJSON_IsString(type) || strcmp(type->valuestring, "Topology") != 0) {
            s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected a TopoJSON Topology, found %s",
                             j ? "other JSON" : "invalid JSON");
        } else {
            sqlite3_bind_text(st, 1, layers[i], -1, SQLITE_STATIC);
            sqlite3_bind_int(st, 2, cJSON_GetObjectItemCaseSensitive(j, "schematic") != NULL);
            sqlite3_bind_blob(st, 3, buf, (int)len, SQLITE_STATIC);
            s = om_barometer_step_done(b, st, err);
            b->rep->layers++;
        }
        cJSON_Delete(j);
        free(buf);
    }
    sqlite3_finalize(st);
    return s;
}

static om_status put_meta(bctx *b, sqlite3_stmt *st, const char *k, const char *v, om_error *err)
{
    sqlite3_bind_text(st, 1, k, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, v, -1, SQLITE_TRANSIENT);
    return om_barometer_step_done(b, st, err);
}

static om_status write_meta(bctx *b, om_error *err)
{
    sqlite3_stmt *st = NULL;
    om_status s = om_barometer_prep(b, "INSERT OR REPLACE INTO meta VALUES(?,?)", &st, err);
    char buf[512];
    if (s == OM_OK) {
        snprintf(buf, sizeof buf, "%d", OM_BUILD_SCHEMA_VERSION);
        s = put_meta(b, st, "schema_version", buf, err);
    }
    if (s == OM_OK)
        s = put_meta(b, st, "omrade_version", OM_VERSION_STRING, err);
    if (s == OM_OK)
        s = put_meta(b, st, "geography", om_geo_vintage(b->geo), err);
    if (s == OM_OK)
        s = put_meta(b, st, "linkage",
                     b->opt->linkage ? b->opt->linkage
                                     : "areas linked by exact code at their level (indicators, "
                                       "inequality) or by SCB label/code resolution to RegSO 2020 "
                                       "(area types, SEI) in the built-in DeSO 2018/RegSO 2020 registry",
                     err);
    if (s == OM_OK)
        s = put_meta(b, st, "suppression", om_build_rules_text(&b->opt->rules, buf, sizeof buf), err);
    if (s == OM_OK)
        s = put_meta(b, st, "data_source", b->opt->synthetic ? "synthetic" : "register", err);
    if (s == OM_OK)
        s = put_meta(b, st, "protection",
                     b->opt->no_secondary
                         ? "primary suppression only (--no-secondary): not safe to publish"
                         : "one linked protection per indicator family and year over every published cell: "
                           "sex, birth region and age margins, RegSO-kommun-län-riket, area-type aggregates "
                           "(riket and län); secondary cells chosen by cost (level first) and proven by "
                           "linear programming against all published cells (docs/barometer.md)",
                     err);
    if (s == OM_OK && !b->opt->regso_breakdowns)
        s = put_meta(b, st, "regso_breakdowns",
                     "sensitive indicators are published per RegSO as totals only; by sex, birth region "
                     "and age from kommun up",
                     err);
    if (s == OM_OK && b->opt->lan_cross_min > 0) {
        char text[256];
        snprintf(text, sizeof text,
                 "sensitive indicators are published cross-classified (two or more of sex, birth region "
                 "and age band) in a län where the indicator's population is at least %lld; in smaller "
                 "län these cells are withheld (status 4) and protected like suppressed cells",
                 (long long)b->opt->lan_cross_min);
        s = put_meta(b, st, "lan_crosses", text, err);
    }
    if (s == OM_OK && !b->opt->kommun_crosses)
        s = put_meta(b, st, "kommun_crosses",
                     "sensitive indicators are published per kommun by one of sex, birth region and age "
                     "at a time; cross-classified (e.g. women born abroad aged 20-34) from län up",
                     err);
    if (s == OM_OK)
        s = put_meta(b, st, "geometry_note",
                     "län and kommun: real SCB boundaries (WGS84); RegSO: schematic cells derived "
                     "inside each kommun unless a real layer was supplied",
                     err);
    sqlite3_finalize(st);
    return s;
}

om_status om_build_run(const om_build_options *opt, om_build_report *rep, om_error *err)
{
    om_build_report dummy;
    if (!rep)
        rep = &dummy;
    memset(rep, 0, sizeof *rep);
    if (!opt || !opt->out || !*opt->out)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected an output file (--out)");
    if (opt->police && !opt->n_police_units)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected --police-units FILE with --police");
    if (opt->n_types + opt->n_sei + opt->n_indicators + opt->n_seg + opt->n_need == 0 && !opt->geometry_dir &&
        !opt->police)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at least one input (--types, --sei, --indicators, --seg, --need, --geometry)");
    bctx b = {0};
    b.opt = opt;
    b.rep = rep;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", opt->out, (long)getpid());
    unlink(tmp);
    om_status s = om_geo_new_builtin(&b.geo, err);
    if (s != OM_OK)
        return s;
    b.store = calloc(1, sizeof *b.store);
    if (!b.store || !(b.store->keys = om_strmap_new(4096)) || !(b.store->names = om_strmap_new(256))) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto fail;
    }
    if (sqlite3_open_v2(tmp, &b.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        s = om_error_set(err, OM_ERR_IO, opt->out, 0, 0, "cannot create the database: %s",
                         b.db ? sqlite3_errmsg(b.db) : "out of memory");
        goto fail;
    }
    if ((s = om_barometer_exec(&b, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=16384;"
                      "BEGIN;", err)) != OM_OK ||
        (s = om_barometer_exec(&b, SCHEMA, err)) != OM_OK ||
        (s = om_barometer_prep(&b, "INSERT INTO inputs VALUES(?,?,?,?,?,?,?)", &b.ins_input, err)) != OM_OK ||
        (s = load_areas(&b, err)) != OM_OK)
        goto fail;
    if (s == OM_OK && opt->n_types)
        s = om_barometer_load_types(&b, err);
    for (size_t i = 0; s == OM_OK && i < opt->n_sei; i++)
        s = om_barometer_load_sei(&b, opt->sei[i], err);
    if (s == OM_OK)
        s = om_barometer__change_tables(b.db, b.geo, opt, err);
    for (size_t i = 0; s == OM_OK && i < opt->n_indicators; i++)
        s = om_barometer_load_indicators(&b, opt->indicators[i], err);
    for (size_t i = 0; s == OM_OK && i < opt->n_seg; i++)
        s = om_barometer_load_seg(&b, opt->seg[i], err);
    for (size_t i = 0; s == OM_OK && i < opt->n_need; i++)
        s = om_barometer_load_need(&b, opt->need[i], err);
    if (s == OM_OK && opt->geometry_dir)
        s = load_geometry(&b, opt->geometry_dir, err);
    if (s == OM_OK && opt->police)
        s = om_barometer__police(b.db, b.geo, opt, rep, err);
    if (s == OM_OK)
        s = om_barometer__first_paint(b.db, err);
    if (s == OM_OK)
        s = om_barometer_finish_indicators(&b, err);
    if (s == OM_OK)
        s = om_barometer_finish_need(&b, err);
    if (s == OM_OK)
        s = write_meta(&b, err);
    if (s == OM_OK)
        s = om_barometer_exec(&b, "COMMIT; ANALYZE;", err);
    if (s != OM_OK)
        goto fail;
    sqlite3_finalize(b.ins_input);
    b.ins_input = NULL;
    if (sqlite3_close(b.db) != SQLITE_OK) {
        s = om_error_set(err, OM_ERR_INTERNAL, opt->out, 0, 0, "cannot close the database");
        b.db = NULL;
        goto fail;
    }
    b.db = NULL;
    if (rename(tmp, opt->out) != 0) {
        s = om_error_set(err, OM_ERR_IO, opt->out, 0, 0, "cannot rename the finished database into place");
        goto fail;
    }
    om_geo_free(b.geo);
    om_barometer_store_free(b.store);
    om_barometer_need_free(b.need);
    return OM_OK;
fail:
    sqlite3_finalize(b.ins_input);
    if (b.db)
        sqlite3_close(b.db);
    unlink(tmp);
    om_geo_free(b.geo);
    om_barometer_store_free(b.store);
    om_barometer_need_free(b.need);
    return s;
}

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
    " scale REAL, kind TEXT, main_age TEXT, sensitive INTEGER, rule TEXT);"
    "CREATE TABLE slices(indicator TEXT NOT NULL, level TEXT NOT NULL, year INTEGER NOT NULL,"
    " sex TEXT NOT NULL, age TEXT NOT NULL, born TEXT NOT NULL, n INTEGER NOT NULL,"
    " n_published INTEGER, n_suppressed INTEGER, cells BLOB NOT NULL);"
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
    " PRIMARY KEY(code, idx, year));";

/* Labels and units of the barometer indicators named in issue 7 and the
 * synth contract; unknown ids get their id as label and a unit inferred from
 * the data (share in % when every numerator <= denominator). */
static const struct {
    const char *id, *sv, *en, *unit;
} CATALOGUE[] = {
    {"sei", "Socioekonomiskt index (SEI)", "Socioeconomic index (SEI)", "index"},
    {"low_econ_pct", "Låg ekonomisk standard (SEI-del)", "Low economic standard (SEI part)", "%"},
    {"pre_upper_pct", "Förgymnasial utbildning (SEI-del)", "Pre-upper-secondary education (SEI part)", "%"},
    {"assist_unemp_pct", "Ekonomiskt bistånd/arbetslöshet (SEI-del)",
     "Social assistance/unemployment (SEI part)", "%"},
    {"population", "Folkmängd", "Population", "count"},
    {"income_cu_mean", "Disponibel inkomst per konsumtionsenhet (medel)",
     "Disposable income per consumption unit (mean)", "SEK"},
    {"low_econ", "Låg ekonomisk standard", "Low economic standard", "%"},
    {"income_quintile_1", "Lägsta inkomstfemtedelen", "Lowest income quintile", "%"},
    {"children_low_income", "Barn i hushåll med låg ekonomisk standard", "Children in low-income households", "%"},
    {"econ_assistance", "Ekonomiskt bistånd", "Social assistance", "%"},
    {"econ_assistance_any", "Ekonomiskt bistånd någon gång under året", "Social assistance at some time in the year", "%"},
    {"assist_unemp_long", "Ekonomiskt bistånd minst tio månader och/eller arbetslös mer än sex månader",
     "Social assistance for at least ten months and/or unemployed more than six months", "%"},
    {"pre_upper_secondary", "Förgymnasial utbildning", "Pre-upper-secondary education", "%"},
    {"post_secondary", "Eftergymnasial utbildning", "Post-secondary education", "%"},
    {"gainful_employment", "Förvärvsarbetande", "In gainful employment", "%"},
    {"long_term_unemployment", "Långtidsarbetslöshet", "Long-term unemployment", "%"},
    {"neet_20_24", "Unga 20–24 som varken arbetar eller studerar", "Young people 20–24 not in employment, education or training", "%"},
    {"born_abroad", "Utrikes födda", "Born abroad", "%"},
    {"house_small", "Bor i småhus", "Living in a small house", "%"},
    {"house_multi", "Bor i flerbostadshus", "Living in a multi-dwelling building", "%"},
    {"tenure_rent", "Bor i hyresrätt", "Living in a rented dwelling", "%"},
    {"tenure_coop", "Bor i bostadsrätt", "Living in a cooperative dwelling", "%"},
    {"tenure_own", "Bor i äganderätt", "Living in an owned dwelling", "%"},
    {"dwelling_m2_mean", "Bostadsyta per person (m², medel)", "Dwelling space per person (m², mean)", "m²"},
    {"sickness_absence_days_mean", "Sjukpenningdagar per person (medel)", "Sickness benefit days per person (mean)", "days"},
    {"voter_turnout_2014", "Valdeltagande 2014", "Voter turnout 2014", "%"},
    {"voter_turnout_2018", "Valdeltagande 2018", "Voter turnout 2018", "%"},
    {"voter_turnout_2022", "Valdeltagande 2022", "Voter turnout 2022", "%"},
    {"merit_value_mean", "Meritvärde åk 9 (medel)", "Grade point average, year 9 (mean)", "points"},
    {"upper_secondary_eligibility", "Behörighet till gymnasiet", "Eligible for upper secondary school", "%"},
};

typedef struct bctx {
    sqlite3 *db;
    om_geo *geo;
    const om_build_options *opt;
    om_build_report *rep;
    sqlite3_stmt *ins_input;
    store *store;
} bctx;

static om_status sql_fail(bctx *b, om_error *err, const char *what)
{
    return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "SQLite error while %s: %s", what,
                        sqlite3_errmsg(b->db));
}

static om_status exec(bctx *b, const char *sql, om_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "SQLite error: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return OM_ERR_INTERNAL;
    }
    return OM_OK;
}

static om_status prep(bctx *b, const char *sql, sqlite3_stmt **st, om_error *err)
{
    if (sqlite3_prepare_v2(b->db, sql, -1, st, NULL) != SQLITE_OK)
        return sql_fail(b, err, "preparing a statement");
    return OM_OK;
}

static om_status step_done(bctx *b, sqlite3_stmt *st, om_error *err)
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
            unsigned char d = (unsigned char)s[i + 1];
            if (d == 0x85 || d == 0x84 || d == 0x96 || d == 0x89 || d == 0x9C)
                d = (unsigned char)(d + 0x20);
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
    om_status s = prep(b, "INSERT INTO areas VALUES(?,?,?,?,?,?,?,?)", &st, err);
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
            s = step_done(b, st, err);
        }
    }
    sqlite3_finalize(st);
    return s;
}

/* Per-input bookkeeping for the provenance table. */
typedef struct input_stats {
    int64_t rows, loaded, unlinked, rejected;
    int ymin, ymax;
} input_stats;

static void note_year(input_stats *is, int64_t y)
{
    if (is->ymin == 0 || y < is->ymin)
        is->ymin = (int)y;
    if (y > is->ymax)
        is->ymax = (int)y;
}

static void note_unlinked(bctx *b, input_stats *is, const char *text, size_t len)
{
    is->unlinked++;
    if (!b->rep->first_unlinked[0]) {
        size_t n = len < sizeof b->rep->first_unlinked - 1 ? len : sizeof b->rep->first_unlinked - 1;
        memcpy(b->rep->first_unlinked, text, n);
        b->rep->first_unlinked[n] = '\0';
    }
}

static om_status finish_input(bctx *b, const char *kind, const char *path, const input_stats *is,
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
    return step_done(b, b->ins_input, err);
}


static bool field_is(om_field f, const char *s)
{
    return f.len == strlen(s) && memcmp(f.ptr, s, f.len) == 0;
}

/* Area types.  Two layouts: the contract `area,year,area_type` (extra
 * columns ignored) and SCB's statistical-database export, where the header
 * is `,YEAR[,YEAR...]`, the first column is "Kommun (RegSO)" and a footnote
 * block follows the data (first row with an empty value cell). */
/* Area types: every --types file through the one reader of the format
 * (om_areatypes, include/omrade/sei.h), merged; the same RegSO-year with two
 * types in two files is an error naming both.  Per file, for provenance:
 * rows (footnote rows of SCB exports included), values of areas that are
 * not a RegSO (unlinked), footnote rows and empty types (rejected). */
static om_status load_types(bctx *b, om_error *err)
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
                    note_year(&is, y);
                    break;
                }
            }
        }
        s = finish_input(b, "area_types", path, &is, err);
    }
    sqlite3_stmt *st = NULL;
    if (s == OM_OK)
        s = prep(b, "INSERT INTO area_types(code,year,area_type,source) VALUES(?,?,?,?)"
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
            s = step_done(b, st, err);
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

/* ------------------------------------------------------- slice store
 *
 * Indicator cells are held in memory as dense slices: one slice per
 * (indicator, level, year, sex, age, born) with one entry per area of the
 * level in the registry's dense order (status, numerator, denominator).
 * The long input (about 10 million rows at any synth scale) thus becomes a
 * few thousand arrays; protection and the area-type aggregates run over
 * arrays, and the database stores one BLOB per slice, which is also the
 * server's unit of reading ("all RegSO of one slice" is one row). */

static void store_free(store *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        free(x->v[i].st);
        free(x->v[i].num);
        free(x->v[i].den);
    }
    for (size_t i = 0; i < x->nnames; i++)
        free(x->name[i]);
    free(x->name);
    free(x->v);
    free(x->meta);
    om_strmap_free(x->keys);
    om_strmap_free(x->names);
    free(x);
}

static int32_t intern(store *x, const char *p, size_t len)
{
    int32_t id = om_strmap_get(x->names, p, len);
    if (id >= 0)
        return id;
    if (x->nnames == x->capnames) {
        size_t cap = x->capnames ? x->capnames * 2 : 64;
        char **nn = realloc(x->name, cap * sizeof *nn);
        bind_meta *nm = realloc(x->meta, cap * sizeof *nm);
        if (nn)
            x->name = nn;
        if (nm)
            x->meta = nm;
        if (!nn || !nm)
            return -1;
        x->capnames = cap;
    }
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, p, len);
    c[len] = '\0';
    id = (int32_t)x->nnames;
    if (om_strmap_put(x->names, p, len, id) != OM_OK) {
        free(c);
        return -1;
    }
    x->name[x->nnames] = c;
    memset(&x->meta[x->nnames], 0, sizeof x->meta[0]);
    x->meta[x->nnames].main_age = -1;
    x->nnames++;
    return id;
}

/* The slice for a key, created on first use (NULL when out of memory). */
static bslice *slice_get(store *x, const om_geo *g, int32_t ind, om_level level, int year, int32_t sex,
                         int32_t age, int32_t born)
{
    int32_t key[6] = {ind, (int32_t)level, year, sex, age, born};
    int32_t i = om_strmap_get(x->keys, (const char *)key, sizeof key);
    if (i >= 0)
        return &x->v[i];
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 256;
        bslice *nv = realloc(x->v, cap * sizeof *nv);
        if (!nv)
            return NULL;
        x->v = nv;
        x->cap = cap;
    }
    bslice *sl = &x->v[x->n];
    memset(sl, 0, sizeof *sl);
    sl->ind = ind;
    sl->level = level;
    sl->year = year;
    sl->sex = sex;
    sl->age = age;
    sl->born = born;
    sl->n = level == OM_LEVEL_RIKET ? 1 : om_geo_count(g, level);
    sl->st = calloc((size_t)sl->n, 1);
    sl->num = malloc((size_t)sl->n * sizeof(double));
    sl->den = malloc((size_t)sl->n * sizeof(double));
    if (!sl->st || !sl->num || !sl->den ||
        om_strmap_put(x->keys, (const char *)key, sizeof key, (int32_t)x->n) != OM_OK) {
        free(sl->st);
        free(sl->num);
        free(sl->den);
        return NULL;
    }
    bind_meta *m = &x->meta[ind];
    if (m->main_age < 0 || (level == OM_LEVEL_REGSO && !m->main_age_regso)) {
        m->main_age = age;
        m->main_age_regso = level == OM_LEVEL_REGSO;
    }
    return &x->v[x->n++];
}

/* `omrade sei` output: area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type.
 * RegSO rows go to area_types; their area type is used only when no --types
 * file is given (so published types are never mixed with computed ones); the
 * index and its parts also become value-only indicators at the area's level. */
static om_status load_sei(bctx *b, const char *path, om_error *err)
{
    static const char *const ids[] = {"low_econ_pct", "pre_upper_pct", "assist_unemp_pct", "sei"};
    int ix[8];
    om_csv *c = NULL;
    sqlite3_stmt *st = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_format_columns(om_format_find(OM_FORMAT_SEI), c, ix, err);
    if (s == OM_OK)
        s = prep(b,
                 "INSERT INTO area_types(code,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,"
                 "area_type,source) VALUES(?,?,?,?,?,?,?,?,?) ON CONFLICT(code,year) DO UPDATE SET "
                 "low_econ_pct=excluded.low_econ_pct, pre_upper_pct=excluded.pre_upper_pct,"
                 "assist_unemp_pct=excluded.assist_unemp_pct, sei=excluded.sei, z=excluded.z,"
                 "area_type=COALESCE(area_type, excluded.area_type)",
                 &st, err);
    int32_t idn[4], total = s == OM_OK ? intern(b->store, "total", 5) : -1;
    for (int k = 0; k < 4 && s == OM_OK; k++)
        if ((idn[k] = intern(b->store, ids[k], strlen(ids[k]))) < 0 || total < 0)
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    input_stats is = {0};
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    while (s == OM_OK) {
        bool got;
        if ((s = om_csv_next(c, &got, err)) != OM_OK || !got)
            break;
        is.rows++;
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
            note_unlinked(b, &is, a.ptr, a.len);
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
        if (lv == OM_LEVEL_REGSO && (s = step_done(b, st, err)) != OM_OK)
            break;
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        for (int k = 0; k < 4 && s == OM_OK; k++) {
            om_field f = om_csv_field(c, (size_t)ix[2 + k]);
            if (f.len == 0)
                continue;
            b->store->meta[idn[k]].value_only = true;
            bslice *sl = slice_get(b->store, b->geo, idn[k], lv, (int)y, total, total, total);
            if (!sl) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            int32_t i = lv == OM_LEVEL_RIKET ? 0 : idx;
            sl->st[i] = ST_PUBLISHED;
            sl->num[i] = v[k];
            sl->den[i] = NAN;
        }
        note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = finish_input(b, "sei", path, &is, err);
    sqlite3_finalize(st);
    om_csv_free(c);
    return s;
}

static bool one_of(om_field f, const char *const *set)
{
    for (; *set; set++)
        if (field_is(f, *set))
            return true;
    return false;
}

/* Barometer indicators: level,code,year,indicator,sex,age,born,numerator,denominator. */
static om_status load_indicators(bctx *b, const char *path, om_error *err)
{
    static const char *const sexes[] = {"total", "man", "woman", NULL};
    static const char *const borns[] = {"total", "sweden", "abroad", NULL};
    int ix[9];
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_format_columns(om_format_find(OM_FORMAT_BAROMETER_INDICATORS), c, ix, err);
    input_stats is = {0};
    uint64_t total_bytes = s == OM_OK ? om_csv_length(c) : 0, next_report = 0;
    while (s == OM_OK) {
        bool got;
        if ((s = om_csv_next(c, &got, err)) != OM_OK || !got)
            break;
        is.rows++;
        if (b->opt->progress.fn && om_csv_offset(c) >= next_report) {
            b->opt->progress.fn(b->opt->progress.user, "indicators", om_csv_offset(c), total_bytes);
            next_report = om_csv_offset(c) + total_bytes / 100;
        }
        om_field lvf = om_csv_field(c, (size_t)ix[0]), cf = om_csv_field(c, (size_t)ix[1]);
        om_field ind = om_csv_field(c, (size_t)ix[3]), sex = om_csv_field(c, (size_t)ix[4]);
        om_field age = om_csv_field(c, (size_t)ix[5]), born = om_csv_field(c, (size_t)ix[6]);
        om_level lv = field_is(lvf, "riket") ? OM_LEVEL_RIKET : field_is(lvf, "lan") ? OM_LEVEL_LAN
                      : field_is(lvf, "kommun") ? OM_LEVEL_KOMMUN : field_is(lvf, "regso") ? OM_LEVEL_REGSO
                      : OM_LEVEL_NONE;
        if (lv == OM_LEVEL_NONE) {
            s = om_csv_fail(c, (size_t)ix[0], err, "expected level riket, lan, kommun or regso, found '%.*s'",
                            (int)lvf.len, lvf.ptr);
            break;
        }
        if (!one_of(sex, sexes)) {
            s = om_csv_fail(c, (size_t)ix[4], err, "expected sex total, man or woman, found '%.*s'",
                            (int)sex.len, sex.ptr);
            break;
        }
        if (!one_of(born, borns)) {
            s = om_csv_fail(c, (size_t)ix[6], err, "expected born total, sweden or abroad, found '%.*s'",
                            (int)born.len, born.ptr);
            break;
        }
        if (ind.len == 0 || ind.len > 64 || age.len == 0 || age.len > 16) {
            s = om_csv_fail(c, ind.len == 0 || ind.len > 64 ? (size_t)ix[3] : (size_t)ix[5], err,
                            "expected a non-empty indicator id (<= 64 bytes) and age band (<= 16 bytes)");
            break;
        }
        int64_t y;
        double num, den;
        bool present;
        /* denominators are persons (at most 2^31); numerators counts of
         * persons or, for means, sums (SEK, days) below 1e15 */
        if ((s = om_csv_i64(c, (size_t)ix[2], &y, err)) != OM_OK ||
            (s = strict_double(c, ix[7], 0, 1e15, false, &present, &num, err)) != OM_OK ||
            (s = strict_double(c, ix[8], 0, 2147483647.0, false, &present, &den, err)) != OM_OK)
            break;
        if (y < 1900 || y > 2100) {
            s = om_csv_fail(c, (size_t)ix[2], err, "expected a year 1900-2100, found %lld", (long long)y);
            break;
        }
        if (den != floor(den)) {
            s = om_csv_fail(c, (size_t)ix[8], err, "expected a whole number of persons, found %g", den);
            break;
        }
        {
            char idbuf[80];
            snprintf(idbuf, sizeof idbuf, "%.*s", (int)(ind.len < 64 ? ind.len : 64), ind.ptr);
            const om_indicator_rule *rule = om_build_indicator_rule(idbuf);
            if (rule->id && !rule->mean && (num != floor(num) || num > den)) {
                s = om_csv_fail(c, (size_t)ix[7], err,
                                "expected a share's numerator: a whole number <= the denominator %g, found %g",
                                den, num);
                break;
            }
        }
        int32_t idx;
        if (lv == OM_LEVEL_RIKET)
            idx = field_is(cf, "00") || field_is(cf, "riket") ? 0 : -1;
        else
            idx = om_geo_find(b->geo, lv, cf.ptr, cf.len);
        if (idx < 0) {
            note_unlinked(b, &is, cf.ptr, cf.len);
            continue;
        }
        store *x = b->store;
        int32_t ii = intern(x, ind.ptr, ind.len), si = intern(x, sex.ptr, sex.len);
        int32_t ai = intern(x, age.ptr, age.len), bi = intern(x, born.ptr, born.len);
        bslice *sl = ii < 0 || si < 0 || ai < 0 || bi < 0 ? NULL : slice_get(x, b->geo, ii, lv, (int)y, si, ai, bi);
        if (!sl) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        if (sl->st[idx] != ST_ABSENT) {
            s = om_csv_fail(c, (size_t)ix[1], err,
                            "expected one row per level,code,year,indicator,sex,age,born, found a duplicate");
            break;
        }
        sl->st[idx] = ST_PUBLISHED;
        sl->num[idx] = num;
        sl->den[idx] = den;
        if (num > den)
            x->meta[ii].ratio_gt = true;
        note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = finish_input(b, "indicators", path, &is, err);
    om_csv_free(c);
    return s;
}

/* Protection, area-type aggregates, the slices and the catalogue. */
static om_status finish_indicators(bctx *b, om_error *err)
{
    store *x = b->store;
    sqlite3_stmt *ins = NULL, *tv = NULL, *cat = NULL, *ty = NULL;
    int32_t nreg = om_geo_count(b->geo, OM_LEVEL_REGSO);
    /* area types in memory: types[year - 1900][regso] (0 = none) */
    int8_t *types[201] = {0};
    bprotect bp;
    memset(&bp, 0, sizeof bp);
    double *scale = NULL;
    bool *used = NULL;
    unsigned char *blob = NULL;
    om_status s = prep(b, "SELECT code, year, area_type FROM area_types WHERE area_type IS NOT NULL", &ty, err);
    if (s != OM_OK)
        goto done;
    while (sqlite3_step(ty) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(ty, 0);
        int y = sqlite3_column_int(ty, 1) - 1900;
        int32_t r = om_geo_find(b->geo, OM_LEVEL_REGSO, code, strlen(code));
        if (y < 0 || y > 200 || r < 0)
            continue;
        if (!types[y] && !(types[y] = calloc((size_t)nreg, 1))) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        types[y][r] = (int8_t)sqlite3_column_int(ty, 2);
    }
    /* disclosure control of everything below at once (protect.c) */
    bp.x = x;
    bp.geo = b->geo;
    bp.types = types;
    bp.rules = &b->opt->rules;
    bp.no_secondary = b->opt->no_secondary;
    bp.regso_breakdowns = b->opt->regso_breakdowns;
    bp.kommun_crosses = b->opt->kommun_crosses;
    bp.lan_cross_min = b->opt->lan_cross_min;
    bp.progress = b->opt->progress;
    if ((s = om_barometer_protect_all(&bp, err)) != OM_OK)
        goto done;
    b->rep->cells_secondary = bp.secondary;
    b->rep->groups_failed = bp.components_failed;
    b->rep->cells_primary = bp.primary;
    b->rep->components = (int64_t)bp.components;
    b->rep->lp_solves = bp.lp_solves;
    b->rep->cells_withheld = bp.withheld + bp.withheld_kommun;
    b->rep->cells_withheld_kommun = bp.withheld_kommun;
    b->rep->cells_withheld_lan = bp.withheld_lan;
    if ((s = prep(b, "INSERT INTO slices VALUES(?,?,?,?,?,?,?,?,?,?)", &ins, err)) != OM_OK ||
        (s = prep(b, "INSERT INTO type_values VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", &tv, err)) != OM_OK ||
        (s = prep(b, "INSERT INTO indicators VALUES(?,?,?,?,?,?,?,?,?)", &cat, err)) != OM_OK)
        goto done;
    /* catalogue first: the scale is needed for the aggregates */
    scale = calloc(x->nnames ? x->nnames : 1, sizeof *scale);
    used = calloc(x->nnames ? x->nnames : 1, sizeof *used);
    if (!scale || !used) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < x->n; i++)
        used[x->v[i].ind] = true;
    for (size_t id = 0; id < x->nnames && s == OM_OK; id++) {
        if (!used[id])
            continue;
        const bind_meta *m = &x->meta[id];
        const char *name = x->name[id], *sv = name, *en = name;
        const om_indicator_rule *rule = om_build_indicator_rule(name);
        const char *unit = m->value_only ? "index" : (rule->id ? rule->mean : m->ratio_gt) ? "mean" : "%";
        for (size_t k = 0; k < sizeof CATALOGUE / sizeof CATALOGUE[0]; k++)
            if (strcmp(CATALOGUE[k].id, name) == 0) {
                sv = CATALOGUE[k].sv;
                en = CATALOGUE[k].en;
                unit = CATALOGUE[k].unit;
            }
        /* health rates of `omrade rates --barometer` (docs/rates.md):
         * OUTCOME_per100k per 100,000, OUTCOME_fatalityNd in per cent */
        char hsv[160], hen[160];
        size_t nl = strlen(name);
        const char *fat = strstr(name, "_fatality");
        if (nl > 8 && strcmp(name + nl - 8, "_per100k") == 0) {
            snprintf(hsv, sizeof hsv, "%.*s per 100 000 invånare", (int)(nl - 8), name);
            snprintf(hen, sizeof hen, "%.*s per 100,000 population", (int)(nl - 8), name);
            sv = hsv, en = hen, unit = "per 100,000";
        } else if (fat && nl > 1 && name[nl - 1] == 'd' && atoi(fat + 9) > 0) {
            snprintf(hsv, sizeof hsv, "%.*s: döda inom %d dagar", (int)(fat - name), name, atoi(fat + 9));
            snprintf(hen, sizeof hen, "%.*s: died within %d days", (int)(fat - name), name, atoi(fat + 9));
            sv = hsv, en = hen, unit = "%";
        }
        /* shares are per cent; means and value-only indicators as they are */
        scale[id] = !m->value_only && strcmp(unit, "%") == 0             ? 100.0
                    : !m->value_only && strcmp(unit, "per 100,000") == 0 ? 100000.0
                                                                          : 1.0;
        sqlite3_bind_text(cat, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 2, sv, -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 3, en, -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 4, unit, -1, SQLITE_STATIC);
        sqlite3_bind_double(cat, 5, scale[id]);
        sqlite3_bind_text(cat, 6, m->value_only ? "value" : "ratio", -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 7, m->main_age >= 0 ? x->name[m->main_age] : "total", -1, SQLITE_STATIC);
        sqlite3_bind_int(cat, 8, m->value_only ? 0 : rule->sensitive);
        sqlite3_bind_text(cat, 9, m->value_only ? "values computed by omrade sei from the same microdata" : rule->why,
                          -1, SQLITE_STATIC);
        s = step_done(b, cat, err);
    }
    size_t bloblen = (size_t)nreg * 17 + 64;
    blob = malloc(bloblen);
    if (!blob && s == OM_OK)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < x->n && s == OM_OK; i++) {
        bslice *sl = &x->v[i];
        if (sl->withheld)
            continue;
        int32_t npub = 0, nsup = 0;
        for (int32_t k = 0; k < sl->n; k++) {
            if (sl->st[k] == ST_ABSENT || sl->st[k] == ST_WITHHELD) {
                sl->num[k] = sl->den[k] = NAN;
            } else if (sl->st[k] != ST_PUBLISHED) { /* primary or secondary (protect.c) */
                sl->num[k] = sl->den[k] = NAN;   /* no unprotected number leaves this function */
                nsup++;
            } else {
                npub++;
            }
        }
        b->rep->cells_suppressed += nsup;
        b->rep->cells_published += npub;
        /* blob: n status bytes, n numerators, n denominators (IEEE 754 doubles,
         * native byte order: the database is read on the machine that built it) */
        size_t n = (size_t)sl->n;
        memcpy(blob, sl->st, n);
        memcpy(blob + n, sl->num, n * sizeof(double));
        memcpy(blob + n + n * sizeof(double), sl->den, n * sizeof(double));
        sqlite3_bind_text(ins, 1, x->name[sl->ind], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, om_level_name(sl->level), -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 3, sl->year);
        sqlite3_bind_text(ins, 4, x->name[sl->sex], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, x->name[sl->age], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 6, x->name[sl->born], -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 7, sl->n);
        sqlite3_bind_int(ins, 8, npub);
        sqlite3_bind_int(ins, 9, nsup);
        sqlite3_bind_blob(ins, 10, blob, (int)(n * 17), SQLITE_STATIC);
        s = step_done(b, ins, err);
    }
    /* area-type aggregates: sums of all RegSO cells (protect.c), protected
     * with them; the population (denominator) is public and always shown */
    for (size_t a = 0; a < bp.nagg && s == OM_OK; a++) {
        const btype_cell *ag = &bp.agg[a];
        if (ag->st == ST_ABSENT)
            continue;
        const bslice *sl = &x->v[ag->slice];
        bool pub = ag->st == ST_PUBLISHED;
        char tcode[4];
        snprintf(tcode, sizeof tcode, "%s", ag->type == 6 ? "1-2" : (const char[]){(char)('0' + ag->type), 0});
        sqlite3_bind_text(tv, 1, x->name[sl->ind], -1, SQLITE_STATIC);
        sqlite3_bind_int(tv, 2, sl->year);
        sqlite3_bind_int(tv, 3, ag->type_year);
        sqlite3_bind_text(tv, 4, x->name[sl->sex], -1, SQLITE_STATIC);
        sqlite3_bind_text(tv, 5, x->name[sl->age], -1, SQLITE_STATIC);
        sqlite3_bind_text(tv, 6, x->name[sl->born], -1, SQLITE_STATIC);
        sqlite3_bind_text(tv, 7, ag->within < 0 ? "00" : om_geo_code(b->geo, OM_LEVEL_LAN, ag->within), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(tv, 8, tcode, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(tv, 9, ag->n_regso);
        if (pub) {
            sqlite3_bind_double(tv, 10, ag->num);
            if (ag->den > 0)
                sqlite3_bind_double(tv, 12, ag->num * scale[sl->ind] / ag->den);
        }
        sqlite3_bind_double(tv, 11, ag->den);
        sqlite3_bind_int(tv, 13, ag->st);
        b->rep->cells_suppressed += !pub;
        b->rep->cells_published += pub;
        s = step_done(b, tv, err);
    }
    if (s == OM_OK)
        s = exec(b, "CREATE UNIQUE INDEX slices_key ON slices(indicator, level, year, sex, age, born);", err);
done:
    for (int y = 0; y <= 200; y++)
        free(types[y]);
    free(bp.agg);
    free(blob);
    free(scale);
    free(used);
    sqlite3_finalize(ins);
    sqlite3_finalize(tv);
    sqlite3_finalize(cat);
    sqlite3_finalize(ty);
    return s;
}

/* Need indices per unit (`omrade need --index ... --year Y`, docs/need.md):
 * year,unit and any of the index columns below; each value becomes a row
 * (year, level, code, idx, value) of table need, for the barometer's
 * comparison of the indices per kommun.  The unit is a kommun, län or
 * RegSO code of the registry (tried in that order); other units are counted
 * as unlinked, empty values (an index undefined for the unit) are skipped.
 * Both sorteringsnyckel forms write `key,group`; the 2011 form has low
 * education among its parts and the 2013 form dropped it (Öppna jämförelser
 * ekonomiskt bistånd), so a file with `low_education` and `low_income` is
 * stored as key2011/group2011 and one with `low_income` only as
 * key2013/group2013, and the two can be compared in one database. */
static om_status load_need(bctx *b, const char *path, om_error *err)
{
    static const char *const cols[] = {"cni", "key", "group", "sei_0_5", "z_0_5", "sei_6_17", "z_6_17"};
    enum { NCOLS = sizeof cols / sizeof cols[0] };
    static const char *const base[2] = {"year", "unit"};
    int bx[2], ix[NCOLS], found = 0;
    om_csv *c = NULL;
    sqlite3_stmt *st = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, base, 2, bx, err);
    for (int k = 0; s == OM_OK && k < NCOLS; k++)
        found += (ix[k] = om_csv_col(c, cols[k])) >= 0;
    if (s == OM_OK && !found)
        s = om_error_set(err, OM_ERR_INPUT, path, 1, 1,
                         "expected an index column (cni, key, group, sei_0_5, z_0_5, sei_6_17 or z_6_17)");
    const char *names[NCOLS];
    memcpy(names, cols, sizeof names);
    if (s == OM_OK && om_csv_col(c, "low_income") >= 0) {
        bool y2011 = om_csv_col(c, "low_education") >= 0;
        names[1] = y2011 ? "key2011" : "key2013";
        names[2] = y2011 ? "group2011" : "group2013";
    }
    if (s == OM_OK)
        s = prep(b, "INSERT INTO need(year, level, code, idx, value) VALUES(?,?,?,?,?)", &st, err);
    input_stats is = {0};
    static const om_level levels[] = {OM_LEVEL_KOMMUN, OM_LEVEL_LAN, OM_LEVEL_REGSO};
    while (s == OM_OK) {
        bool got;
        if ((s = om_csv_next(c, &got, err)) != OM_OK || !got)
            break;
        is.rows++;
        int64_t y;
        if ((s = om_csv_i64(c, (size_t)bx[0], &y, err)) != OM_OK)
            break;
        if (y < OM_YEAR_MIN || y > OM_YEAR_MAX) {
            s = om_csv_fail(c, (size_t)bx[0], err, "expected a year %d-%d, found %lld", OM_YEAR_MIN, OM_YEAR_MAX,
                            (long long)y);
            break;
        }
        om_field u = om_csv_field(c, (size_t)bx[1]);
        const char *code = NULL;
        om_level lv = OM_LEVEL_NONE;
        for (size_t k = 0; !code && k < sizeof levels / sizeof levels[0]; k++) {
            int32_t idx = om_geo_find(b->geo, levels[k], u.ptr, u.len);
            if (idx >= 0)
                code = om_geo_code(b->geo, lv = levels[k], idx);
        }
        if (!code) {
            note_unlinked(b, &is, u.ptr, u.len);
            continue;
        }
        for (int k = 0; s == OM_OK && k < NCOLS; k++) {
            double v;
            if (ix[k] < 0 || om_csv_empty(c, (size_t)ix[k]))
                continue;
            if ((s = om_csv_f64(c, (size_t)ix[k], &v, err)) != OM_OK)
                break;
            sqlite3_bind_int64(st, 1, y);
            sqlite3_bind_text(st, 2, om_level_name(lv), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, code, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, names[k], -1, SQLITE_STATIC);
            sqlite3_bind_double(st, 5, v);
            s = step_done(b, st, err);
        }
        if (s != OM_OK)
            break;
        note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = finish_input(b, "need", path, &is, err);
    sqlite3_finalize(st);
    om_csv_free(c);
    return s;
}

/* Inequality index (`omrade seg`): year,level,code,name,index,value,
 * corrected,se,lower,upper,expected,n_deso,n_persons,flag.  `corrected` (the
 * bootstrap bias-corrected estimate, docs/seg.md) is optional so that files
 * written before it existed still load (NULL, and their lower/upper are
 * then a percentile interval, not one around a corrected value). */
static om_status load_seg(bctx *b, const char *path, om_error *err)
{
    int fx[14], ix[13], icorr = -1;
    om_csv *c = NULL;
    sqlite3_stmt *st = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_format_columns(om_format_find(OM_FORMAT_SEG), c, fx, err);
    if (s == OM_OK) {
        /* the schema's order has `corrected` after `value` (fx[6]) */
        for (int k = 0, q = 0; k < 14; k++)
            if (k != 6)
                ix[q++] = fx[k];
        icorr = fx[6];
        s = prep(b,
                 "INSERT INTO inequality(year, level, code, name, idx, value, se, lower, upper, "
                 "expected, n_deso, n_persons, flag, corrected) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                 &st, err);
    }
    input_stats is = {0};
    while (s == OM_OK) {
        bool got;
        if ((s = om_csv_next(c, &got, err)) != OM_OK || !got)
            break;
        is.rows++;
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
            note_unlinked(b, &is, cf.ptr, cf.len);
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
        if ((s = step_done(b, st, err)) != OM_OK)
            break;
        note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = finish_input(b, "inequality", path, &is, err);
    sqlite3_finalize(st);
    om_csv_free(c);
    return s;
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

/* Map layers: DIR/{lan,kommun,regso,police}.topo.json (made by web/scripts/geo.mjs).
 * Each must parse as a TopoJSON Topology; a top-level "schematic" member
 * marks schematic geometry. */
static om_status load_geometry(bctx *b, const char *dir, om_error *err)
{
    static const char *const layers[] = {"lan", "kommun", "regso", "police"};
    sqlite3_stmt *st = NULL;
    om_status s = prep(b, "INSERT OR REPLACE INTO geometry VALUES(?,?,?)", &st, err);
    for (size_t i = 0; s == OM_OK && i < 4; i++) {
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
            s = step_done(b, st, err);
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
    return step_done(b, st, err);
}

static om_status write_meta(bctx *b, om_error *err)
{
    sqlite3_stmt *st = NULL;
    om_status s = prep(b, "INSERT OR REPLACE INTO meta VALUES(?,?)", &st, err);
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
    if (opt->n_types + opt->n_sei + opt->n_indicators + opt->n_seg + opt->n_need == 0 && !opt->geometry_dir)
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
    if ((s = exec(&b, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA page_size=16384;"
                      "BEGIN;", err)) != OM_OK ||
        (s = exec(&b, SCHEMA, err)) != OM_OK ||
        (s = prep(&b, "INSERT INTO inputs VALUES(?,?,?,?,?,?,?)", &b.ins_input, err)) != OM_OK ||
        (s = load_areas(&b, err)) != OM_OK)
        goto fail;
    if (s == OM_OK && opt->n_types)
        s = load_types(&b, err);
    for (size_t i = 0; s == OM_OK && i < opt->n_sei; i++)
        s = load_sei(&b, opt->sei[i], err);
    if (s == OM_OK)
        s = om_barometer__change_tables(b.db, b.geo, opt, err);
    for (size_t i = 0; s == OM_OK && i < opt->n_indicators; i++)
        s = load_indicators(&b, opt->indicators[i], err);
    for (size_t i = 0; s == OM_OK && i < opt->n_seg; i++)
        s = load_seg(&b, opt->seg[i], err);
    for (size_t i = 0; s == OM_OK && i < opt->n_need; i++)
        s = load_need(&b, opt->need[i], err);
    if (s == OM_OK && opt->geometry_dir)
        s = load_geometry(&b, opt->geometry_dir, err);
    if (s == OM_OK)
        s = finish_indicators(&b, err);
    if (s == OM_OK)
        s = write_meta(&b, err);
    if (s == OM_OK)
        s = exec(&b, "COMMIT; ANALYZE;", err);
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
    store_free(b.store);
    return OM_OK;
fail:
    sqlite3_finalize(b.ins_input);
    if (b.db)
        sqlite3_close(b.db);
    unlink(tmp);
    om_geo_free(b.geo);
    store_free(b.store);
    return s;
}

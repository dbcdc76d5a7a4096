/* A read API in the shape of Statistics Sweden's PxWebApi 2 (the API of
 * SCB's statistical database since 2025; OpenAPI description "PxAPI-2" in
 * github.com/statisticssweden/PxApiSpecs), so clients written for SCB's
 * tables (pxweb for R, pyscbwrapper-like scripts, JSON-stat readers) can read
 * the barometer with a change of base URL:
 *
 *   GET /api/v2/tables[?lang=&query=&pageNumber=&pageSize=]   table list
 *   GET /api/v2/tables/{id}[?lang=]                            one table
 *   GET /api/v2/tables/{id}/metadata[?lang=]                   JSON-stat 2.0
 *       dataset without values: every dimension and category
 *   GET /api/v2/tables/{id}/data[?lang=&valueCodes[DIM]=...&outputFormat=json-stat2]
 *       JSON-stat 2.0 dataset of the selection
 *
 * One table per indicator (id = indicator id) with the dimensions, named as
 * in SCB's tables: Region (riket, län, kommun, RegSO), Kon (sex), Alder
 * (age band), Fodelseregion (born in Sweden / abroad), UtbildningsNiva
 * (education level, SCB's name in the education register's tables:
 * total, pre-upper-secondary, upper secondary, post-secondary; from kommun
 * up, for the indicators that have it), ContentsCode (value, and for
 * ratios numerator and denominator) and Tid (year).
 *
 * Selections (valueCodes[DIM]) follow PxWebApi 2's selection expressions:
 * a comma-separated list of codes; '*' all; codes with the wildcards '*'
 * and '?'; TOP(n[,offset]) and BOTTOM(n[,offset]) (for Tid the latest /
 * earliest n, elsewhere the first / last n in the category order);
 * FROM(code), TO(code) and RANGE(code,code), inclusive, in category order.
 * Without a selection: Kon, Fodelseregion, UtbildningsNiva total; Alder
 * the indicator's main age band; ContentsCode all; Tid the latest year (TOP(1)); Region riket
 * (00).  At most PX_MAX_CELLS cells per answer (403 otherwise, as PxWeb).
 *
 * Suppressed cells have value null and status '..' (too few persons,
 * primary) or '...' (protected to protect other values, secondary), SCB's
 * symbols; the legend is in the dataset's note.  Numbers are exact (the
 * same as /api/values). */
#include "serve_internal.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

enum { PX_MAX_CELLS = 150000, PX_MAX_CATS = 8192, PX_NDIM = 7 };
enum { D_REGION, D_SEX, D_AGE, D_BORN, D_EDU, D_CONTENTS, D_TIME };
static const char *const DIM_ID[PX_NDIM] = {"Region",          "Kon",          "Alder", "Fodelseregion",
                                            "UtbildningsNiva", "ContentsCode", "Tid"};
static const char *const DIM_SV[PX_NDIM] = {"region",          "kön",           "ålder", "födelseregion",
                                            "utbildningsnivå", "tabellinnehåll", "år"};
static const char *const DIM_EN[PX_NDIM] = {"region", "sex", "age", "region of birth", "level of education",
                                            "observations", "year"};

typedef struct pxcat {
    char *code, *label;
    int level; /* Region: 0 riket .. 3 regso; else 0 */
    int idx;   /* Region: areas.idx */
} pxcat;

typedef struct pxdim {
    pxcat *c;
    size_t n;
    size_t *sel; /* selected category indexes, in category order */
    size_t nsel;
} pxdim;

typedef struct pxtable {
    char id[64];
    char *label, *unit, *kind, *main_age;
    double scale;
    bool en, split;
    pxdim d[PX_NDIM];
} pxtable;

static const char *const LEVEL_NAMES[] = {"riket", "lan", "kommun", "regso"};

static char *dupstr(const unsigned char *s)
{
    const char *t = s ? (const char *)s : "";
    size_t n = strlen(t);
    char *o = malloc(n + 1);
    if (o)
        memcpy(o, t, n + 1);
    return o;
}

static void table_free(pxtable *t)
{
    free(t->label);
    free(t->unit);
    free(t->kind);
    free(t->main_age);
    for (int i = 0; i < PX_NDIM; i++) {
        for (size_t j = 0; j < t->d[i].n; j++) {
            free(t->d[i].c[j].code);
            free(t->d[i].c[j].label);
        }
        free(t->d[i].c);
        free(t->d[i].sel);
    }
}

static bool add_cat(pxdim *d, const char *code, const char *label, int level, int idx)
{
    if (d->n >= PX_MAX_CATS * 4)
        return false;
    pxcat *c = realloc(d->c, (d->n + 1) * sizeof *c);
    if (!c)
        return false;
    d->c = c;
    c[d->n].code = dupstr((const unsigned char *)code);
    c[d->n].label = dupstr((const unsigned char *)label);
    c[d->n].level = level;
    c[d->n].idx = idx;
    if (!c[d->n].code || !c[d->n].label) {
        free(c[d->n].code);
        free(c[d->n].label);
        return false;
    }
    d->n++;
    return true;
}

/* Category labels: {code, Swedish, English} rows ending in {NULL}; the
 * code itself when it is not listed. */
typedef const char *const catlabels[3];

static const char *label_in(const catlabels *t, const char *code, bool en)
{
    for (; (*t)[0]; t++)
        if (strcmp((*t)[0], code) == 0)
            return (*t)[en ? 2 : 1];
    return code;
}

static const char *sex_label(const char *code, bool en)
{
    static const catlabels t[] = {
        {"total", "totalt", "total"}, {"man", "män", "men"}, {"woman", "kvinnor", "women"}, {NULL, NULL, NULL}};
    return label_in(t, code, en);
}

static const char *born_label(const char *code, bool en)
{
    static const catlabels t[] = {{"total", "totalt", "total"},
                                  {"sweden", "födda i Sverige", "born in Sweden"},
                                  {"abroad", "utrikes födda", "born abroad"},
                                  {NULL, NULL, NULL}};
    return label_in(t, code, en);
}

/* SCB's labels of the levels (Utbildningsregistret, SUN2000 grouped). */
static const char *edu_label(const char *code, bool en)
{
    static const catlabels t[] = {{"total", "totalt", "total"},
                                  {"pre_upper_secondary", "förgymnasial utbildning", "pre-upper secondary education"},
                                  {"upper_secondary", "gymnasial utbildning", "upper secondary education"},
                                  {"post_secondary", "eftergymnasial utbildning", "post-secondary education"},
                                  {NULL, NULL, NULL}};
    return label_in(t, code, en);
}

/* Distinct values of one slices column for the indicator, in the order
 * `order` gives, as categories of `d`. */
static bool load_distinct(sqlite3 *db, const char *ind, const char *col, const char *order, pxdim *d,
                          const char *(*label)(const char *, bool), bool en)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT DISTINCT %s FROM slices WHERE indicator = ?1 ORDER BY %s", col, order);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return false;
    sqlite3_bind_text(st, 1, ind, -1, SQLITE_TRANSIENT);
    bool ok = true;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *v = (const char *)sqlite3_column_text(st, 0);
        v = v ? v : "";
        ok = add_cat(d, v, label ? label(v, en) : v, 0, 0);
    }
    sqlite3_finalize(st);
    return ok;
}

static const char *age_label(const char *code, bool en)
{
    return strcmp(code, "total") == 0 ? (en ? "all ages" : "alla åldrar") : code;
}

/* Load table `id` (an indicator): 404 when there is none, 500 on a database
 * error; r is then set. */
static bool table_load(sqlite3 *db, const char *id, bool en, pxtable *t, om_resp *r)
{
    memset(t, 0, sizeof *t);
    t->en = en;
    t->split = om_serve__has_column(db, "type_values", "status");
    snprintf(t->id, sizeof t->id, "%s", id);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT label_sv, label_en, unit, kind, scale, main_age FROM indicators WHERE id = ?1",
                           -1, &st, NULL) != SQLITE_OK) {
        om_serve_error(r, 500, "database error: %s", sqlite3_errmsg(db));
        return false;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        om_serve_error(r, 404, "no table '%s' (see /api/v2/tables)", id);
        return false;
    }
    t->label = dupstr(sqlite3_column_text(st, en ? 1 : 0));
    t->unit = dupstr(sqlite3_column_text(st, 2));
    t->kind = dupstr(sqlite3_column_text(st, 3));
    t->scale = sqlite3_column_double(st, 4);
    t->main_age = dupstr(sqlite3_column_text(st, 5));
    sqlite3_finalize(st);
    bool ok = t->label && t->unit && t->kind && t->main_age;
    /* Region: the areas of every level the indicator has, riket first. */
    if (ok && sqlite3_prepare_v2(db,
                                 "SELECT a.code, a.name, a.level, a.idx FROM areas a WHERE a.level IN (SELECT "
                                 "DISTINCT level FROM slices WHERE indicator = ?1) ORDER BY CASE a.level WHEN "
                                 "'riket' THEN 0 WHEN 'lan' THEN 1 WHEN 'kommun' THEN 2 ELSE 3 END, a.idx",
                                 -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
        while (ok && sqlite3_step(st) == SQLITE_ROW) {
            const char *lv = (const char *)sqlite3_column_text(st, 2);
            int level = 3;
            for (int i = 0; i < 4; i++)
                if (lv && strcmp(lv, LEVEL_NAMES[i]) == 0)
                    level = i;
            const char *name = (const char *)sqlite3_column_text(st, 1);
            ok = add_cat(&t->d[D_REGION], (const char *)sqlite3_column_text(st, 0),
                         level == 0 ? (en ? "Sweden" : "Riket") : name ? name : "", level,
                         sqlite3_column_int(st, 3));
        }
        sqlite3_finalize(st);
    } else {
        ok = false;
    }
    ok = ok && load_distinct(db, id, "sex", "CASE sex WHEN 'total' THEN 0 WHEN 'man' THEN 1 ELSE 2 END, sex",
                             &t->d[D_SEX], sex_label, en);
    ok = ok && load_distinct(db, id, "age", "age <> 'total', age", &t->d[D_AGE], age_label, en);
    ok = ok && load_distinct(db, id, "born",
                             "CASE born WHEN 'total' THEN 0 WHEN 'sweden' THEN 1 ELSE 2 END, born",
                             &t->d[D_BORN], born_label, en);
    ok = ok && load_distinct(db, id, "edu",
                             "CASE edu WHEN 'total' THEN 0 WHEN 'pre_upper_secondary' THEN 1 WHEN "
                             "'upper_secondary' THEN 2 ELSE 3 END, edu",
                             &t->d[D_EDU], edu_label, en);
    ok = ok && load_distinct(db, id, "CAST(year AS TEXT)", "1", &t->d[D_TIME], NULL, en);
    /* ContentsCode: the value, and for ratios its numerator and denominator. */
    if (ok) {
        char lab[512];
        ok = add_cat(&t->d[D_CONTENTS], "value", t->label, 0, 0);
        if (ok && strcmp(t->kind, "ratio") == 0) {
            snprintf(lab, sizeof lab, "%s, %s", t->label, en ? "numerator" : "täljare");
            ok = add_cat(&t->d[D_CONTENTS], "numerator", lab, 0, 0);
            snprintf(lab, sizeof lab, "%s, %s", t->label, en ? "denominator" : "nämnare");
            ok = ok && add_cat(&t->d[D_CONTENTS], "denominator", lab, 0, 0);
        }
    }
    if (!ok) {
        table_free(t);
        om_serve_error(r, 500, "cannot read table '%s': %s", id, sqlite3_errmsg(db));
    }
    return ok;
}

/* --------------------------------------------------------- selections */

/* Glob match with '*' (any run) and '?' (one byte), case-sensitive as
 * codes are.  Iterative, remembering only the last '*' (the classic
 * wildcard-matching algorithm, O(len(p) * len(s))), so a pattern of many
 * stars from a client cannot make it backtrack exponentially. */
static bool glob(const char *p, const char *s)
{
    const char *star = NULL, *mark = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            mark = s;
        } else if (*p == '?' || *p == *s) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++mark;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return !*p;
}

static ssize_t find_code(const pxdim *d, const char *code)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->c[i].code, code) == 0)
            return (ssize_t)i;
    return -1;
}

/* Parse a function call "NAME(a[,b])" (name case-insensitive); false if
 * `s` is not one.  a and b are written into the buffers. */
static bool call(const char *s, const char *name, char *a, char *b, size_t cap)
{
    size_t n = strlen(name);
    if (strncasecmp(s, name, n) != 0 || s[n] != '(')
        return false;
    const char *open = s + n + 1, *close = strrchr(s, ')');
    if (!close || close[1] != '\0' || close < open)
        return false;
    const char *comma = memchr(open, ',', (size_t)(close - open));
    const char *ea = comma ? comma : close;
    if ((size_t)(ea - open) >= cap)
        return false;
    memcpy(a, open, (size_t)(ea - open));
    a[ea - open] = '\0';
    b[0] = '\0';
    if (comma) {
        if ((size_t)(close - comma - 1) >= cap)
            return false;
        memcpy(b, comma + 1, (size_t)(close - comma - 1));
        b[close - comma - 1] = '\0';
    }
    return true;
}

static bool count_arg(const char *s, long *v)
{
    char *end;
    if (!*s || !isdigit((unsigned char)*s))
        return false;
    *v = strtol(s, &end, 10);
    return *end == '\0' && *v >= 0 && *v <= PX_MAX_CATS * 4;
}

/* Select in dimension `k` by expression `expr`; 400 with a message that
 * names the dimension and what was found otherwise. */
static bool select_expr(pxtable *t, int k, const char *expr, om_resp *r)
{
    pxdim *d = &t->d[k];
    bool *on = calloc(d->n ? d->n : 1, sizeof *on);
    if (!on) {
        om_serve_error(r, 500, "out of memory");
        return false;
    }
    char a[OM_QUERY_MAX_VALUE], b[OM_QUERY_MAX_VALUE];
    long n, off;
    bool ok = true;
    if (call(expr, "top", a, b, sizeof a) || call(expr, "bottom", a, b, sizeof a)) {
        bool top = tolower((unsigned char)expr[0]) == 't';
        off = 0;
        if (!count_arg(a, &n) || n < 1 || (b[0] && !count_arg(b, &off))) {
            om_serve_error(r, 400, "expected %s(n[,offset]) with whole numbers in valueCodes[%s], found '%s'",
                           top ? "TOP" : "BOTTOM", DIM_ID[k], expr);
            free(on);
            return false;
        }
        /* Time runs latest first for TOP, as in PxWeb; other dimensions
         * keep their category order. */
        bool from_end = (k == D_TIME) == top;
        for (long i = off; i < off + n && (size_t)i < d->n; i++)
            on[from_end ? d->n - 1 - (size_t)i : (size_t)i] = true;
    } else if (call(expr, "from", a, b, sizeof a) || call(expr, "to", a, b, sizeof a) ||
               call(expr, "range", a, b, sizeof a)) {
        char which = (char)tolower((unsigned char)expr[0]);
        const char *lo = which == 't' ? NULL : a, *hi = which == 'f' ? NULL : which == 't' ? a : b;
        ssize_t il = lo ? find_code(d, lo) : 0, ih = hi ? find_code(d, hi) : (ssize_t)d->n - 1;
        if ((which == 'r' && !b[0]) || (which != 'r' && b[0]) || il < 0 || ih < 0) {
            om_serve_error(r, 400, "expected FROM(code), TO(code) or RANGE(code,code) with codes of %s, found '%s'",
                           DIM_ID[k], expr);
            free(on);
            return false;
        }
        for (ssize_t i = il; i <= ih; i++)
            on[i] = true;
    } else {
        /* a list of codes, each possibly with wildcards */
        const char *p = expr;
        while (ok) {
            const char *e = strchr(p, ',');
            size_t len = e ? (size_t)(e - p) : strlen(p);
            memcpy(a, p, len);
            a[len] = '\0';
            bool any = false;
            if (strpbrk(a, "*?")) {
                for (size_t i = 0; i < d->n; i++)
                    if (glob(a, d->c[i].code))
                        on[i] = any = true;
            } else {
                ssize_t i = find_code(d, a);
                if (i >= 0)
                    on[i] = any = true;
            }
            if (!any) {
                om_serve_error(r, 400, "expected codes of %s in valueCodes[%s], found '%s' (see the metadata)",
                               DIM_ID[k], DIM_ID[k], a);
                ok = false;
            }
            if (!e)
                break;
            p = e + 1;
        }
    }
    if (ok) {
        free(d->sel);
        d->sel = malloc((d->n ? d->n : 1) * sizeof *d->sel);
        d->nsel = 0;
        if (!d->sel) {
            om_serve_error(r, 500, "out of memory");
            ok = false;
        } else {
            for (size_t i = 0; i < d->n; i++)
                if (on[i])
                    d->sel[d->nsel++] = i;
        }
    }
    free(on);
    return ok;
}

/* The default selection of a dimension not named in the query. */
static const char *default_expr(const pxtable *t, int k)
{
    switch (k) {
    case D_REGION: return find_code(&t->d[k], "00") >= 0 ? "00" : "top(1)";
    case D_SEX:
    case D_BORN:
    case D_EDU: return find_code(&t->d[k], "total") >= 0 ? "total" : "top(1)";
    case D_AGE: return find_code(&t->d[k], t->main_age) >= 0 ? t->main_age : "top(1)";
    case D_TIME: return "top(1)";
    default: return "*";
    }
}

/* ------------------------------------------------------------ output */

static cJSON *dimension_json(const pxtable *t, int k, bool selected)
{
    const pxdim *d = &t->d[k];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "label", t->en ? DIM_EN[k] : DIM_SV[k]);
    cJSON *cat = cJSON_AddObjectToObject(o, "category");
    cJSON *index = cJSON_AddObjectToObject(cat, "index"), *label = cJSON_AddObjectToObject(cat, "label");
    size_t n = selected ? d->nsel : d->n;
    for (size_t j = 0; j < n; j++) {
        const pxcat *c = &d->c[selected ? d->sel[j] : j];
        cJSON_AddNumberToObject(index, c->code, (double)j);
        cJSON_AddStringToObject(label, c->code, c->label);
    }
    if (k == D_CONTENTS) {
        cJSON *unit = cJSON_AddObjectToObject(cat, "unit");
        for (size_t j = 0; j < n; j++) {
            const pxcat *c = &d->c[selected ? d->sel[j] : j];
            cJSON *u = cJSON_AddObjectToObject(unit, c->code);
            bool count = strcmp(c->code, "value") != 0;
            cJSON_AddStringToObject(u, "base", count ? (t->en ? "persons" : "personer") : t->unit);
            cJSON_AddNumberToObject(u, "decimals", count || strcmp(t->unit, "count") == 0 ? 0 : 1);
        }
    }
    /* PxWebApi 2 extension: can the dimension be left out (elimination) and
     * by which value. */
    cJSON *ext = cJSON_AddObjectToObject(o, "extension");
    bool elim = k == D_SEX || k == D_AGE || k == D_BORN || k == D_EDU;
    cJSON_AddBoolToObject(ext, "elimination", elim);
    if (elim)
        cJSON_AddStringToObject(ext, "eliminationValueCode", default_expr(t, k));
    return o;
}

static void add_common(cJSON *o, const pxtable *t, sqlite3 *db)
{
    cJSON_AddStringToObject(o, "version", "2.0");
    cJSON_AddStringToObject(o, "class", "dataset");
    cJSON_AddStringToObject(o, "label", t->label);
    cJSON_AddStringToObject(o, "source", t->en ? "The area barometer (omrade), built on Statistics Sweden's area "
                                                 "types and register statistics"
                                               : "Områdesbarometern (omrade), byggd på SCB:s områdestyper och "
                                                 "registerstatistik");
    sqlite3_stmt *st = NULL;
    bool synthetic = sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = 'data_source'", -1, &st, NULL) ==
                         SQLITE_OK &&
                     sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) &&
                     strcmp((const char *)sqlite3_column_text(st, 0), "synthetic") == 0;
    sqlite3_finalize(st);
    cJSON *note = cJSON_AddArrayToObject(o, "note");
    if (synthetic)
        cJSON_AddItemToArray(note, cJSON_CreateString(t->en ? "Synthetic data: not real persons."
                                                            : "Syntetiska data: inte verkliga personer."));
    cJSON_AddItemToArray(note, cJSON_CreateString(t->en ? ".. Suppressed: too few persons"
                                                        : ".. Skyddad: för få personer"));
    cJSON_AddItemToArray(note, cJSON_CreateString(t->en ? "... Protected to protect other values"
                                                        : "... Skyddad för att skydda andra värden"));
    cJSON *role = cJSON_AddObjectToObject(o, "role");
    cJSON_AddItemToObject(role, "time", cJSON_CreateStringArray(&DIM_ID[D_TIME], 1));
    cJSON_AddItemToObject(role, "geo", cJSON_CreateStringArray(&DIM_ID[D_REGION], 1));
    cJSON_AddItemToObject(role, "metric", cJSON_CreateStringArray(&DIM_ID[D_CONTENTS], 1));
}

static void add_px_ext(cJSON *o, const pxtable *t)
{
    cJSON *ext = cJSON_AddObjectToObject(o, "extension");
    cJSON *px = cJSON_AddObjectToObject(ext, "px");
    cJSON_AddStringToObject(px, "tableid", t->id);
    cJSON_AddStringToObject(px, "language", t->en ? "en" : "sv");
    cJSON_AddStringToObject(px, "contents", t->label);
    cJSON_AddNumberToObject(px, "decimals", strcmp(t->unit, "count") == 0 ? 0 : 1);
}

/* One slice's cell (layout in include/omrade/build.h): status byte, then
 * numerators, then denominators. */
static void put_cell(const pxtable *t, const unsigned char *b, sqlite3_int64 n, sqlite3_int64 i, size_t contents,
                     double *v, const char **status)
{
    *v = NAN;
    *status = NULL;
    if (!b || i < 0 || i >= n)
        return;
    int code = b[i];
    if (code != 1) {
        const char *w = om_serve__status_name(code, t->split);
        if (w && strcmp(w, "secondary") == 0)
            *status = "...";
        else if (w)
            *status = "..";
        return;
    }
    double num, den;
    memcpy(&num, b + n + i * 8, sizeof num);
    memcpy(&den, b + n + n * 8 + i * 8, sizeof den);
    const char *what = t->d[D_CONTENTS].c[contents].code;
    if (strcmp(what, "numerator") == 0)
        *v = num;
    else if (strcmp(what, "denominator") == 0)
        *v = den;
    else if (strcmp(t->kind, "value") == 0)
        *v = num;
    else if (den != 0)
        *v = num * t->scale / den;
}

static void add_dims(cJSON *o, const pxtable *t, bool selected)
{
    cJSON *id = cJSON_AddArrayToObject(o, "id"), *size = cJSON_AddArrayToObject(o, "size");
    cJSON *dim = cJSON_AddObjectToObject(o, "dimension");
    for (int k = 0; k < PX_NDIM; k++) {
        cJSON_AddItemToArray(id, cJSON_CreateString(DIM_ID[k]));
        cJSON_AddItemToArray(size, cJSON_CreateNumber((double)(selected ? t->d[k].nsel : t->d[k].n)));
        cJSON_AddItemToObject(dim, DIM_ID[k], dimension_json(t, k, selected));
    }
}

static bool lang_en(const om_query *q, om_resp *r, bool *en)
{
    const char *l = om_query_get(q, "lang");
    if (!l || !*l || strcmp(l, "sv") == 0) {
        *en = false;
        return true;
    }
    if (strcmp(l, "en") == 0) {
        *en = true;
        return true;
    }
    om_serve_error(r, 400, "expected lang sv or en, found '%s'", l);
    return false;
}

static bool only_params(const om_query *q, const char *const *names, bool value_codes, om_resp *r)
{
    for (size_t i = 0; i < q->n; i++) {
        const char *k = q->kv[i].key;
        bool ok = value_codes && strncmp(k, "valueCodes[", 11) == 0;
        for (const char *const *n = names; *n && !ok; n++)
            ok = strcmp(k, *n) == 0;
        if (!ok) {
            om_serve_error(r, 400, "unknown parameter '%s' (PxWebApi 2 subset: see docs/barometer.md)", k);
            return false;
        }
    }
    return true;
}

/* ---------------------------------------------------------- endpoints */

static cJSON *links(const char *base, const char *id, bool en)
{
    cJSON *a = cJSON_CreateArray();
    static const char *const rels[] = {"self", "metadata", "data"};
    static const char *const sfx[] = {"", "/metadata", "/data"};
    for (int i = 0; i < 3; i++) {
        char href[256];
        snprintf(href, sizeof href, "%s/%s%s?lang=%s", base, id, sfx[i], en ? "en" : "sv");
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "rel", rels[i]);
        cJSON_AddStringToObject(l, "hreflang", en ? "en" : "sv");
        cJSON_AddStringToObject(l, "href", href);
        cJSON_AddItemToArray(a, l);
    }
    return a;
}

/* One entry of the table list from the current row of the list statement. */
static cJSON *table_entry(sqlite3_stmt *st, bool en)
{
    cJSON *o = cJSON_CreateObject();
    const char *id = (const char *)sqlite3_column_text(st, 0);
    cJSON_AddStringToObject(o, "type", "Table");
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "label", (const char *)sqlite3_column_text(st, en ? 2 : 1));
    cJSON_AddStringToObject(o, "description", "");
    cJSON_AddStringToObject(o, "firstPeriod", (const char *)sqlite3_column_text(st, 3));
    cJSON_AddStringToObject(o, "lastPeriod", (const char *)sqlite3_column_text(st, 4));
    cJSON_AddStringToObject(o, "category", "public");
    cJSON_AddItemToObject(o, "variableNames", cJSON_CreateStringArray(DIM_ID, PX_NDIM));
    cJSON_AddStringToObject(o, "source", en ? "The area barometer (omrade)" : "Områdesbarometern (omrade)");
    cJSON_AddStringToObject(o, "timeUnit", "Annual");
    cJSON_AddItemToObject(o, "links", links("/api/v2/tables", id, en));
    return o;
}

#define TABLE_LIST_SQL                                                                             \
    "SELECT i.id, i.label_sv, i.label_en, (SELECT CAST(MIN(year) AS TEXT) FROM slices s WHERE "      \
    "s.indicator = i.id), (SELECT CAST(MAX(year) AS TEXT) FROM slices s WHERE s.indicator = i.id) " \
    "FROM indicators i WHERE EXISTS (SELECT 1 FROM slices s WHERE s.indicator = i.id) "

static bool page_arg(const om_query *q, const char *key, int64_t def, int64_t max, int64_t *v, om_resp *r)
{
    const char *s = om_query_get(q, key);
    *v = def;
    if (s && (!om_parse_i64(s, strlen(s), v) || *v < 1 || *v > max)) {
        om_serve_error(r, 400, "expected %s 1-%lld, found '%s'", key, (long long)max, s);
        return false;
    }
    return true;
}

/* Replies 200 with o (freed) as the JSON body. */
static void set_body(om_resp *r, cJSON *o)
{
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!body) {
        om_serve_error(r, 500, "out of memory");
        return;
    }
    free(r->body);
    r->body = body;
    r->len = strlen(body);
    r->status = 200;
    r->ctype = "application/json; charset=utf-8";
}

static void ep_tables(sqlite3 *db, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"lang", "query", "pageNumber", "pageSize", NULL};
    bool en;
    int64_t page, size;
    if (!only_params(q, p, false, r) || !lang_en(q, r, &en) || !page_arg(q, "pageNumber", 1, 100000, &page, r) ||
        !page_arg(q, "pageSize", 20, 1000, &size, r))
        return;
    const char *text = om_query_get(q, "query");
    sqlite3_stmt *st = NULL;
    /* query: words that must all occur in the id or the label (either
     * language), case-insensitive for ASCII as SQLite's instr on lower(). */
    if (sqlite3_prepare_v2(db,
                           TABLE_LIST_SQL "AND (?1 IS NULL OR instr(lower(i.id || ' ' || i.label_sv || ' ' || "
                                          "i.label_en), lower(?1)) > 0) ORDER BY i.id",
                           -1, &st, NULL) != SQLITE_OK) {
        om_serve_error(r, 500, "database error: %s", sqlite3_errmsg(db));
        return;
    }
    if (text && *text)
        sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "language", en ? "en" : "sv");
    cJSON *tables = cJSON_AddArrayToObject(o, "tables");
    int64_t total = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (total >= (page - 1) * size && total < page * size)
            cJSON_AddItemToArray(tables, table_entry(st, en));
        total++;
    }
    sqlite3_finalize(st);
    cJSON *pg = cJSON_AddObjectToObject(o, "page");
    cJSON_AddNumberToObject(pg, "pageNumber", (double)page);
    cJSON_AddNumberToObject(pg, "pageSize", (double)size);
    cJSON_AddNumberToObject(pg, "totalElements", (double)total);
    cJSON_AddNumberToObject(pg, "totalPages", (double)((total + size - 1) / size));
    cJSON_AddItemToObject(o, "links", cJSON_CreateArray());
    set_body(r, o);
}

static void ep_table(sqlite3 *db, const char *id, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"lang", NULL};
    bool en;
    if (!only_params(q, p, false, r) || !lang_en(q, r, &en))
        return;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, TABLE_LIST_SQL "AND i.id = ?1", -1, &st, NULL) != SQLITE_OK) {
        om_serve_error(r, 500, "database error: %s", sqlite3_errmsg(db));
        return;
    }
    sqlite3_bind_text(st, 1, id, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_finalize(st);
        om_serve_error(r, 404, "no table '%s' (see /api/v2/tables)", id);
        return;
    }
    cJSON *o = table_entry(st, en);
    sqlite3_finalize(st);
    set_body(r, o);
}

static void ep_metadata(sqlite3 *db, const char *id, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"lang", NULL};
    bool en;
    pxtable t;
    if (!only_params(q, p, false, r) || !lang_en(q, r, &en) || !table_load(db, id, en, &t, r))
        return;
    cJSON *o = cJSON_CreateObject();
    add_common(o, &t, db);
    add_dims(o, &t, false);
    add_px_ext(o, &t);
    cJSON_AddItemToObject(o, "links", links("/api/v2/tables", id, en));
    table_free(&t);
    set_body(r, o);
}

static void ep_data(sqlite3 *db, const char *id, const om_query *q, om_resp *r)
{
    static const char *const p[] = {"lang", "outputFormat", NULL};
    bool en;
    if (!only_params(q, p, true, r) || !lang_en(q, r, &en))
        return;
    const char *of = om_query_get(q, "outputFormat");
    if (of && *of && strcmp(of, "json-stat2") != 0) {
        om_serve_error(r, 400, "expected outputFormat json-stat2, found '%s' (CSV, XLSX, PX: the site's downloads)",
                       of);
        return;
    }
    pxtable t;
    if (!table_load(db, id, en, &t, r))
        return;
    /* every valueCodes[X] must name a dimension */
    for (size_t i = 0; i < q->n; i++) {
        const char *k = q->kv[i].key;
        if (strncmp(k, "valueCodes[", 11) != 0)
            continue;
        bool known = false;
        for (int d = 0; d < PX_NDIM; d++) {
            size_t n = strlen(DIM_ID[d]);
            known = known || (strncmp(k + 11, DIM_ID[d], n) == 0 && strcmp(k + 11 + n, "]") == 0);
        }
        if (!known) {
            om_serve_error(r, 400, "expected valueCodes[X] with X one of Region, Kon, Alder, Fodelseregion, "
                                   "UtbildningsNiva, ContentsCode, Tid, found '%s'", k);
            table_free(&t);
            return;
        }
    }
    double cells = 1;
    for (int k = 0; k < PX_NDIM; k++) {
        char key[OM_QUERY_MAX_KEY];
        snprintf(key, sizeof key, "valueCodes[%s]", DIM_ID[k]);
        const char *e = om_query_get(q, key);
        if (!select_expr(&t, k, e && *e ? e : default_expr(&t, k), r)) {
            table_free(&t);
            return;
        }
        cells *= (double)t.d[k].nsel;
    }
    if (cells > PX_MAX_CELLS) {
        om_serve_error(r, 403, "expected at most %d cells, the selection has %.0f (select fewer values)",
                       PX_MAX_CELLS, cells);
        table_free(&t);
        return;
    }
    size_t ncell = (size_t)cells;
    double *val = malloc((ncell ? ncell : 1) * sizeof *val);
    const char **sta = calloc(ncell ? ncell : 1, sizeof *sta);
    sqlite3_stmt *sl = NULL;
    if (!val || !sta ||
        sqlite3_prepare_v2(db,
                           "SELECT cells, n FROM slices WHERE indicator = ?1 AND level = ?2 AND year = ?3 AND "
                           "sex = ?4 AND age = ?5 AND born = ?6 AND edu = ?7",
                           -1, &sl, NULL) != SQLITE_OK) {
        free(val);
        free(sta);
        table_free(&t);
        om_serve_error(r, 500, "cannot read the data: %s", sqlite3_errmsg(db));
        return;
    }
    for (size_t i = 0; i < ncell; i++)
        val[i] = NAN;
    /* Strides of the row-major cube (the last dimension, Tid, fastest). */
    size_t stride[PX_NDIM];
    stride[PX_NDIM - 1] = 1;
    for (int k = PX_NDIM - 2; k >= 0; k--)
        stride[k] = stride[k + 1] * t.d[k + 1].nsel;
    pxdim *R = &t.d[D_REGION];
    for (size_t a = 0; a < t.d[D_SEX].nsel; a++)
        for (size_t b = 0; b < t.d[D_AGE].nsel; b++)
            for (size_t c = 0; c < t.d[D_BORN].nsel; c++)
                for (size_t e = 0; e < t.d[D_EDU].nsel; e++)
                for (size_t y = 0; y < t.d[D_TIME].nsel; y++)
                    for (int level = 0; level < 4; level++) {
                        bool any = false;
                        for (size_t g = 0; g < R->nsel && !any; g++)
                            any = R->c[R->sel[g]].level == level;
                        if (!any)
                            continue;
                        sqlite3_reset(sl);
                        sqlite3_bind_text(sl, 1, t.id, -1, SQLITE_STATIC);
                        sqlite3_bind_text(sl, 2, LEVEL_NAMES[level], -1, SQLITE_STATIC);
                        sqlite3_bind_int(sl, 3, atoi(t.d[D_TIME].c[t.d[D_TIME].sel[y]].code));
                        sqlite3_bind_text(sl, 4, t.d[D_SEX].c[t.d[D_SEX].sel[a]].code, -1, SQLITE_STATIC);
                        sqlite3_bind_text(sl, 5, t.d[D_AGE].c[t.d[D_AGE].sel[b]].code, -1, SQLITE_STATIC);
                        sqlite3_bind_text(sl, 6, t.d[D_BORN].c[t.d[D_BORN].sel[c]].code, -1, SQLITE_STATIC);
                        sqlite3_bind_text(sl, 7, t.d[D_EDU].c[t.d[D_EDU].sel[e]].code, -1, SQLITE_STATIC);
                        if (sqlite3_step(sl) != SQLITE_ROW)
                            continue; /* no such slice: the cells stay null */
                        const unsigned char *blob = sqlite3_column_blob(sl, 0);
                        sqlite3_int64 n = sqlite3_column_int64(sl, 1);
                        if (sqlite3_column_bytes(sl, 0) != n * 17)
                            blob = NULL;
                        for (size_t g = 0; g < R->nsel; g++) {
                            const pxcat *reg = &R->c[R->sel[g]];
                            if (reg->level != level)
                                continue;
                            for (size_t m = 0; m < t.d[D_CONTENTS].nsel; m++) {
                                size_t at = g * stride[D_REGION] + a * stride[D_SEX] + b * stride[D_AGE] +
                                            c * stride[D_BORN] + e * stride[D_EDU] + m * stride[D_CONTENTS] +
                                            y * stride[D_TIME];
                                put_cell(&t, blob, n, reg->idx, t.d[D_CONTENTS].sel[m], &val[at], &sta[at]);
                            }
                        }
                    }
    sqlite3_finalize(sl);
    cJSON *o = cJSON_CreateObject();
    add_common(o, &t, db);
    add_dims(o, &t, true);
    cJSON *value = cJSON_AddArrayToObject(o, "value");
    cJSON *status = NULL;
    for (size_t i = 0; i < ncell; i++) {
        cJSON_AddItemToArray(value, val[i] == val[i] ? cJSON_CreateNumber(val[i]) : cJSON_CreateNull());
        if (sta[i]) {
            if (!status)
                status = cJSON_CreateObject();
            char k[32];
            snprintf(k, sizeof k, "%zu", i);
            cJSON_AddStringToObject(status, k, sta[i]);
        }
    }
    if (status)
        cJSON_AddItemToObject(o, "status", status);
    add_px_ext(o, &t);
    free(val);
    free(sta);
    table_free(&t);
    set_body(r, o);
}

void om_serve__pxapi(sqlite3 *db, const char *path, const om_query *q, om_resp *r)
{
    const char *rest = path + strlen("/api/v2/tables");
    if (strcmp(path, "/api/v2/tables") == 0 || strcmp(path, "/api/v2/tables/") == 0) {
        ep_tables(db, q, r);
        return;
    }
    if (strncmp(path, "/api/v2/tables/", 15) != 0) {
        om_serve_error(r, 404, "no API endpoint '%s' (PxWebApi 2 subset: /api/v2/tables)", path);
        return;
    }
    rest = path + 15;
    const char *slash = strchr(rest, '/');
    size_t idlen = slash ? (size_t)(slash - rest) : strlen(rest);
    char id[64];
    if (idlen == 0 || idlen >= sizeof id) {
        om_serve_error(r, 404, "no table '%.*s' (see /api/v2/tables)", (int)(idlen < 64 ? idlen : 64), rest);
        return;
    }
    memcpy(id, rest, idlen);
    id[idlen] = '\0';
    if (!slash)
        ep_table(db, id, q, r);
    else if (strcmp(slash, "/metadata") == 0)
        ep_metadata(db, id, q, r);
    else if (strcmp(slash, "/data") == 0)
        ep_data(db, id, q, r);
    else
        om_serve_error(r, 404, "no API endpoint '%s' (PxWebApi 2 subset: /tables/{id}, /metadata, /data)", path);
}

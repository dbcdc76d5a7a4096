/* Geography registry: dense per-level indices with parent arrays.
 *
 * Ordering: kommun and län by code; RegSO by code (codes start with the
 * kommun code, so each kommun's RegSOs are contiguous); DeSO by (RegSO, code)
 * so each RegSO's DeSOs are contiguous too.  Children are then a run
 * [first, first+count), computed once. */
#include "omrade/geo.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

extern const unsigned char om_embed_koppling[];
extern const size_t om_embed_koppling_len;
extern const unsigned char om_embed_lan[];
extern const size_t om_embed_lan_len;
extern const unsigned char om_embed_deso2025[];
extern const size_t om_embed_deso2025_len;

typedef struct {
    int32_t n;
    char **code, **name, **label;
    int32_t *parent;    /* index at the next level up */
    int32_t *first_child, *nchild; /* children at the next level down */
    om_strmap *by_code;
} level_t;

struct om_geo {
    level_t lv[OM_LEVEL_COUNT];
    om_strmap *by_label; /* "Kommun (RegSO)" -> RegSO */
    om_strmap *by_folded_label; /* the same with every en/em dash as '-' */
    om_strmap *kommun_by_name, *lan_by_name;
    om_arena *arena;
    char vintage[64];
    int year[2]; /* vintage year of the DeSO and RegSO codes; 0 when unknown */
};

static const char *level_names[OM_LEVEL_COUNT] = {"deso", "regso", "kommun", "lan", "riket"};

const char *om_level_name(om_level l)
{
    return l >= 0 && l < OM_LEVEL_COUNT ? level_names[l] : "none";
}

om_level om_level_parse(const char *s)
{
    for (int i = 0; i < OM_LEVEL_COUNT; i++)
        if (strcmp(s, level_names[i]) == 0)
            return (om_level)i;
    if (strcmp(s, "län") == 0 || strcmp(s, "county") == 0)
        return OM_LEVEL_LAN;
    if (strcmp(s, "municipality") == 0)
        return OM_LEVEL_KOMMUN;
    if (strcmp(s, "national") == 0 || strcmp(s, "sweden") == 0)
        return OM_LEVEL_RIKET;
    return OM_LEVEL_NONE;
}

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

bool om_geo_code_valid(om_level level, const char *c, size_t n)
{
    switch (level) {
    case OM_LEVEL_DESO:
        return n == 9 && digits(c, 4) && (c[4] == 'A' || c[4] == 'B' || c[4] == 'C') &&
               digits(c + 5, 4);
    case OM_LEVEL_REGSO:
        return n == 8 && digits(c, 4) && c[4] == 'R' && digits(c + 5, 3);
    case OM_LEVEL_KOMMUN:
        return n == 4 && digits(c, 4);
    case OM_LEVEL_LAN:
        return n == 2 && digits(c, 2) && !(c[0] == '0' && c[1] == '0');
    case OM_LEVEL_RIKET:
        return n == 2 && c[0] == '0' && c[1] == '0';
    default:
        return false;
    }
}

om_level om_geo_code_level(const char *code, size_t len)
{
    for (int l = 0; l < OM_LEVEL_COUNT; l++)
        if (om_geo_code_valid((om_level)l, code, len))
            return (om_level)l;
    return OM_LEVEL_NONE;
}

void om_geo_free(om_geo *g)
{
    if (!g)
        return;
    for (int l = 0; l < OM_LEVEL_COUNT; l++) {
        om_strmap_free(g->lv[l].by_code);
        free(g->lv[l].code);
        free(g->lv[l].name);
        free(g->lv[l].label);
        free(g->lv[l].parent);
        free(g->lv[l].first_child);
        free(g->lv[l].nchild);
    }
    om_strmap_free(g->by_label);
    om_strmap_free(g->by_folded_label);
    om_strmap_free(g->kommun_by_name);
    om_strmap_free(g->lan_by_name);
    om_arena_free(g->arena);
    free(g);
}

/* One row of the mapping table while loading. */
typedef struct {
    const char *deso, *regso, *regso_name, *kommun, *kommun_name;
    long line; /* input line, for errors found after reading */
} row_t;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static om_status alloc_level(level_t *L, int32_t n)
{
    L->n = n;
    L->code = calloc((size_t)n, sizeof(char *));
    L->name = calloc((size_t)n, sizeof(char *));
    L->label = calloc((size_t)n, sizeof(char *));
    L->parent = malloc((size_t)n * sizeof(int32_t));
    L->first_child = calloc((size_t)n, sizeof(int32_t));
    L->nchild = calloc((size_t)n, sizeof(int32_t));
    L->by_code = om_strmap_new((size_t)n);
    if (!L->code || !L->name || !L->label || !L->parent || !L->first_child || !L->nchild ||
        !L->by_code)
        return OM_ERR_NOMEM;
    return OM_OK;
}

/* Build a level from a sorted, deduplicated list of codes. */
static om_status fill_codes(level_t *L, char **sorted, int32_t n)
{
    om_status s = alloc_level(L, n);
    if (s != OM_OK)
        return s;
    for (int32_t i = 0; i < n; i++) {
        L->code[i] = sorted[i];
        if (om_strmap_put(L->by_code, sorted[i], strlen(sorted[i]), i) != OM_OK)
            return OM_ERR_NOMEM;
    }
    return OM_OK;
}

static int32_t dedup(char **v, int32_t n)
{
    int32_t w = 0;
    for (int32_t i = 0; i < n; i++)
        if (w == 0 || strcmp(v[w - 1], v[i]) != 0)
            v[w++] = v[i];
    return w;
}

typedef struct {
    int32_t regso;
    const char *code;
    const char *name;
} deso_key;

static int cmp_deso(const void *a, const void *b)
{
    const deso_key *x = a, *y = b;
    if (x->regso != y->regso)
        return x->regso < y->regso ? -1 : 1;
    return strcmp(x->code, y->code);
}

static om_status load_lan_names(om_geo *g, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open_mem(&c, "lan.csv", om_embed_lan, om_embed_lan_len, NULL, err);
    if (s != OM_OK)
        return s;
    s = om_csv_read_header(c, err);
    bool got;
    while (s == OM_OK && (s = om_csv_next(c, &got, err)) == OM_OK && got) {
        om_field code = om_csv_field(c, 0), name = om_csv_field(c, 1);
        int32_t i = om_strmap_get(g->lv[OM_LEVEL_LAN].by_code, code.ptr, code.len);
        if (i >= 0) {
            g->lv[OM_LEVEL_LAN].name[i] = om_arena_strndup(g->arena, name.ptr, name.len);
            if (!g->lv[OM_LEVEL_LAN].name[i])
                s = OM_ERR_NOMEM;
        }
    }
    om_csv_free(c);
    return s;
}

/* Copy s into buf with en dash (U+2013) and em dash (U+2014) replaced by
 * '-': SCB's mapping writes "Kungshamn–Smögen" with en dashes where tables
 * re-published by others use hyphens.  Returns the new length, or 0 when it
 * does not fit. */
static size_t dash_fold(const char *s, size_t n, char *buf, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k + 1 >= cap)
            return 0;
        if ((unsigned char)s[i] == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
            ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
            buf[k++] = '-';
            i += 2;
            continue;
        }
        buf[k++] = s[i];
    }
    return k;
}

static om_status build(om_geo *g, row_t *rows, int32_t nrows, om_error *err, const char *src)
{
    om_status s = OM_OK;
    char **tmp = malloc((size_t)(nrows > 0 ? nrows : 1) * sizeof(char *));
    if (!tmp)
        return om_error_set(err, OM_ERR_NOMEM, src, 0, 0, "out of memory");
    /* kommun */
    for (int32_t i = 0; i < nrows; i++)
        tmp[i] = (char *)rows[i].kommun;
    qsort(tmp, (size_t)nrows, sizeof *tmp, cmp_str);
    int32_t nk = dedup(tmp, nrows);
    if ((s = fill_codes(&g->lv[OM_LEVEL_KOMMUN], tmp, nk)) != OM_OK)
        goto nomem;
    /* län: first two digits of the kommun code */
    for (int32_t i = 0; i < nk; i++) {
        tmp[i] = om_arena_strndup(g->arena, g->lv[OM_LEVEL_KOMMUN].code[i], 2);
        if (!tmp[i])
            goto nomem;
    }
    int32_t nl = dedup(tmp, nk);
    if ((s = fill_codes(&g->lv[OM_LEVEL_LAN], tmp, nl)) != OM_OK)
        goto nomem;
    /* RegSO */
    for (int32_t i = 0; i < nrows; i++)
        tmp[i] = (char *)rows[i].regso;
    qsort(tmp, (size_t)nrows, sizeof *tmp, cmp_str);
    int32_t nr = dedup(tmp, nrows);
    if ((s = fill_codes(&g->lv[OM_LEVEL_REGSO], tmp, nr)) != OM_OK)
        goto nomem;
    /* DeSO ordered by (RegSO, code) */
    deso_key *dk = malloc((size_t)(nrows > 0 ? nrows : 1) * sizeof *dk);
    if (!dk)
        goto nomem;
    for (int32_t i = 0; i < nrows; i++) {
        dk[i].regso = om_strmap_get(g->lv[OM_LEVEL_REGSO].by_code, rows[i].regso,
                                    strlen(rows[i].regso));
        dk[i].code = rows[i].deso;
        dk[i].name = rows[i].regso_name;
    }
    qsort(dk, (size_t)nrows, sizeof *dk, cmp_deso);
    level_t *D = &g->lv[OM_LEVEL_DESO];
    if ((s = alloc_level(D, nrows)) != OM_OK) {
        free(dk);
        goto nomem;
    }
    for (int32_t i = 0; i < nrows; i++) {
        D->code[i] = (char *)dk[i].code;
        D->name[i] = (char *)dk[i].code; /* DeSO have no names of their own */
        D->parent[i] = dk[i].regso;
        int32_t ex;
        if (om_strmap_put_new(D->by_code, dk[i].code, strlen(dk[i].code), i, &ex) != OM_OK) {
            free(dk);
            goto nomem;
        }
        if (ex != i) {
            om_error_set(err, OM_ERR_INPUT, src, 0, 0, "duplicate DeSO code '%s'", dk[i].code);
            free(dk);
            free(tmp);
            return OM_ERR_INPUT;
        }
    }
    free(dk);
    /* names and parents from the rows */
    level_t *R = &g->lv[OM_LEVEL_REGSO], *K = &g->lv[OM_LEVEL_KOMMUN], *Ln = &g->lv[OM_LEVEL_LAN];
    for (int32_t i = 0; i < nrows; i++) {
        int32_t r = om_strmap_get(R->by_code, rows[i].regso, strlen(rows[i].regso));
        int32_t k = om_strmap_get(K->by_code, rows[i].kommun, strlen(rows[i].kommun));
        if (R->name[r] && (R->parent[r] != k || strcmp(R->name[r], rows[i].regso_name) != 0)) {
            free(tmp);
            return om_error_set(err, OM_ERR_INPUT, src, rows[i].line, 0,
                                "expected RegSO %s with one name and kommun, found '%s' in %s "
                                "and earlier '%s' in %s",
                                rows[i].regso, rows[i].regso_name, rows[i].kommun, R->name[r],
                                K->code[R->parent[r]]);
        }
        R->name[r] = (char *)rows[i].regso_name;
        R->parent[r] = k;
        if (strncmp(rows[i].regso, rows[i].kommun, 4) != 0 ||
            strncmp(rows[i].deso, rows[i].kommun, 4) != 0) {
            free(tmp);
            return om_error_set(err, OM_ERR_INPUT, src, rows[i].line, 0,
                                "expected DeSO %s and RegSO %s to start with kommun code %s",
                                rows[i].deso, rows[i].regso, rows[i].kommun);
        }
        if (K->name[k] && strcmp(K->name[k], rows[i].kommun_name) != 0) {
            free(tmp);
            return om_error_set(err, OM_ERR_INPUT, src, rows[i].line, 0,
                                "expected one name for kommun %s, found '%s' and '%s'",
                                rows[i].kommun, rows[i].kommun_name, K->name[k]);
        }
        K->name[k] = (char *)rows[i].kommun_name;
    }
    for (int32_t k = 0; k < K->n; k++)
        K->parent[k] = om_strmap_get(Ln->by_code, K->code[k], 2);
    for (int32_t l = 0; l < Ln->n; l++)
        Ln->parent[l] = 0;
    level_t *S = &g->lv[OM_LEVEL_RIKET];
    if (alloc_level(S, 1) != OM_OK)
        goto nomem;
    S->code[0] = "00";
    S->name[0] = "Riket";
    S->parent[0] = 0;
    if (om_strmap_put(S->by_code, "00", 2, 0) != OM_OK)
        goto nomem;
    if ((s = load_lan_names(g, err)) != OM_OK) {
        free(tmp);
        return s;
    }
    for (int32_t l = 0; l < Ln->n; l++)
        if (!Ln->name[l])
            Ln->name[l] = Ln->code[l];
    /* children runs (each level is ordered by its parent) */
    for (int lev = OM_LEVEL_REGSO; lev < OM_LEVEL_COUNT; lev++) {
        level_t *P = &g->lv[lev], *C = &g->lv[lev - 1];
        for (int32_t i = 0; i < P->n; i++)
            P->first_child[i] = -1;
        for (int32_t i = 0; i < C->n; i++) {
            int32_t p = C->parent[i];
            if (P->first_child[p] < 0)
                P->first_child[p] = i;
            P->nchild[p]++;
        }
    }
    /* labels and name lookups */
    g->by_label = om_strmap_new((size_t)R->n);
    g->by_folded_label = om_strmap_new((size_t)R->n);
    g->kommun_by_name = om_strmap_new((size_t)K->n);
    g->lan_by_name = om_strmap_new((size_t)Ln->n);
    if (!g->by_label || !g->by_folded_label || !g->kommun_by_name || !g->lan_by_name)
        goto nomem;
    for (int lev = 0; lev < OM_LEVEL_COUNT; lev++)
        for (int32_t i = 0; i < g->lv[lev].n; i++)
            g->lv[lev].label[i] = g->lv[lev].name[i];
    for (int32_t r = 0; r < R->n; r++) {
        const char *kn = K->name[R->parent[r]];
        size_t n = strlen(kn) + strlen(R->name[r]) + 4;
        char *lab = om_arena_alloc(g->arena, n);
        if (!lab)
            goto nomem;
        snprintf(lab, n, "%s (%s)", kn, R->name[r]);
        R->label[r] = lab;
        int32_t ex;
        if (om_strmap_put_new(g->by_label, lab, strlen(lab), r, &ex) != OM_OK)
            goto nomem;
        if (ex != r) {
            free(tmp);
            return om_error_set(err, OM_ERR_INPUT, src, 0, 0, "RegSO label '%s' is not unique",
                                lab);
        }
        char fb[512];
        size_t fk = dash_fold(lab, strlen(lab), fb, sizeof fb);
        if (fk && om_strmap_put_new(g->by_folded_label, fb, fk, r, &ex) != OM_OK)
            goto nomem;
    }
    for (int32_t k = 0; k < K->n; k++)
        if (om_strmap_put(g->kommun_by_name, K->name[k], strlen(K->name[k]), k) != OM_OK)
            goto nomem;
    for (int32_t l = 0; l < Ln->n; l++)
        if (om_strmap_put(g->lan_by_name, Ln->name[l], strlen(Ln->name[l]), l) != OM_OK)
            goto nomem;
    free(tmp);
    return OM_OK;
nomem:
    free(tmp);
    return om_error_set(err, OM_ERR_NOMEM, src, 0, 0, "out of memory");
}

static int strncasecmp_ascii(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int x = tolower((unsigned char)a[i]), y = tolower((unsigned char)b[i]);
        if (x != y)
            return x - y;
    }
    return 0;
}

/* Find a header column whose name starts with `prefix` (case-insensitive). */
static int col_prefix(const om_csv *c, const char *prefix, const char *not_prefix)
{
    size_t pn = strlen(prefix), nn = not_prefix ? strlen(not_prefix) : 0;
    for (size_t i = 0; i < om_csv_header_count(c); i++) {
        om_field f = om_csv_header_field(c, i);
        if (f.len >= pn && strncasecmp_ascii(f.ptr, prefix, pn) == 0 &&
            !(nn && f.len >= nn && strncasecmp_ascii(f.ptr, not_prefix, nn) == 0))
            return (int)i;
    }
    return -1;
}

/* Does header h contain `sub` (ASCII case-insensitive)? */
static bool has_sub(om_field h, const char *sub)
{
    size_t n = strlen(sub);
    for (size_t i = 0; i + n <= h.len; i++)
        if (strncasecmp_ascii(h.ptr + i, sub, n) == 0)
            return true;
    return false;
}

/* The year a column name ends with ("DeSO_2018", "RegSOkod 2020"); 0 when none. */
static int header_year(om_field h)
{
    if (h.len < 4 || !digits(h.ptr + h.len - 4, 4))
        return 0;
    if (h.len > 4 && h.ptr[h.len - 5] >= '0' && h.ptr[h.len - 5] <= '9')
        return 0;
    int y = (h.ptr[h.len - 4] - '0') * 1000 + (h.ptr[h.len - 3] - '0') * 100 +
            (h.ptr[h.len - 2] - '0') * 10 + (h.ptr[h.len - 1] - '0');
    return y >= 1990 ? y : 0;
}

size_t om_geo_code_suffix(const char *code, size_t len, om_level *level, int *year)
{
    /* SCB's statistical database API names the vintage after the code:
     * "0114C1010_DeSO2025", "0114R001_RegSO2025". */
    static const struct {
        const char *tag;
        om_level level;
    } tags[] = {{"_DeSO", OM_LEVEL_DESO}, {"_RegSO", OM_LEVEL_REGSO}};
    if (level)
        *level = OM_LEVEL_NONE;
    if (year)
        *year = 0;
    for (size_t t = 0; t < 2; t++) {
        size_t tn = strlen(tags[t].tag);
        if (len < tn + 4 + 1 || !digits(code + len - 4, 4) ||
            strncasecmp_ascii(code + len - 4 - tn, tags[t].tag, tn) != 0)
            continue;
        if (level)
            *level = tags[t].level;
        if (year)
            *year = (int)strtol(code + len - 4, NULL, 10);
        return len - 4 - tn;
    }
    return len;
}

int om_geo_year(const om_geo *g, om_level level)
{
    return level == OM_LEVEL_DESO || level == OM_LEVEL_REGSO ? g->year[level] : 0;
}

/* Strip SCB's vintage suffix from a DeSO/RegSO field of a mapping file and
 * check it against the vintage year named by the column header (or by the
 * first suffixed code when the header names none). */
static om_status strip_suffix(om_geo *g, const om_csv *c, size_t col, om_level want,
                              om_field *f, om_error *err)
{
    om_level sl;
    int y;
    size_t n = om_geo_code_suffix(f->ptr, f->len, &sl, &y);
    if (n == f->len)
        return OM_OK;
    if (sl != want)
        return om_csv_fail(c, col, err, "expected a %s code, found '%.*s'",
                           want == OM_LEVEL_DESO ? "DeSO" : "RegSO", (int)(f->len > 40 ? 40 : f->len),
                           f->ptr);
    if (g->year[want] && g->year[want] != y)
        return om_csv_fail(c, col, err, "expected a %s code of vintage %d, found '%.*s'",
                           want == OM_LEVEL_DESO ? "DeSO" : "RegSO", g->year[want],
                           (int)(f->len > 40 ? 40 : f->len), f->ptr);
    g->year[want] = y;
    f->len = n;
    return OM_OK;
}

/* Kommun names for mapping files that have none (SCB's 2025 key file, a
 * plain deso,regso file): the 290 kommuner are unchanged since 2007, so the
 * built-in registry's names apply. */
static const char *builtin_kommun_name(om_geo **bi, const char *code, om_error *err)
{
    if (!*bi && om_geo_new_builtin(bi, err) != OM_OK)
        return NULL;
    int32_t k = om_geo_find(*bi, OM_LEVEL_KOMMUN, code, strlen(code));
    return k >= 0 ? om_geo_name(*bi, OM_LEVEL_KOMMUN, k) : code;
}

/* Columns of a DeSO -> RegSO mapping, found by name (ASCII case-insensitive):
 *   DeSO code     first column starting with "deso"
 *   RegSO code    a "regsokod..." column, else the first "regso..." column
 *                 without "namn"/"name"
 *   RegSO name    another "regso..." column (optional)
 *   kommun code   "kommun" or "kommunkod" (optional: the DeSO's first 4 digits)
 *   kommun name   "kommunnamn..." (optional: the built-in names)
 * This covers SCB's 2018 key file (Kommun,Kommunnamn,DeSO_2018,RegSO_2020,
 * RegSOkod_2020), the 2025 one as flattened in data/ (deso_2025,regso_2025,
 * regso_namn_2025,kommun) and a plain deso,regso file. */
static om_status load_from_csv(om_geo *g, om_csv *c, om_error *err)
{
    om_status s = om_csv_read_header(c, err);
    if (s != OM_OK)
        return s;
    int ck = -1, ckn = col_prefix(c, "kommunnamn", NULL), cd = col_prefix(c, "deso", NULL);
    int crk = col_prefix(c, "regsokod", NULL), crn = -1;
    for (size_t i = 0; i < om_csv_header_count(c); i++) {
        om_field f = om_csv_header_field(c, i);
        if ((f.len == 6 && strncasecmp_ascii(f.ptr, "kommun", 6) == 0) ||
            (f.len == 9 && strncasecmp_ascii(f.ptr, "kommunkod", 9) == 0))
            ck = (int)i;
    }
    for (size_t i = 0; i < om_csv_header_count(c); i++) {
        om_field f = om_csv_header_field(c, i);
        if (f.len < 5 || strncasecmp_ascii(f.ptr, "regso", 5) != 0 || (int)i == crk)
            continue;
        bool named = has_sub(f, "namn") || has_sub(f, "name");
        if (crk < 0 && !named)
            crk = (int)i;
        else if (crn < 0 || named)
            crn = crn >= 0 && has_sub(om_csv_header_field(c, (size_t)crn), "nam") ? crn : (int)i;
    }
    if (cd < 0 || crk < 0)
        return om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 1, 1,
                            "expected a header with a DeSO and a RegSO code column (SCB's "
                            "Kommun,Kommunnamn,DeSO_<year>,RegSO_<year>,RegSOkod_<year>, or "
                            "deso,regso)");
    g->year[OM_LEVEL_DESO] = header_year(om_csv_header_field(c, (size_t)cd));
    g->year[OM_LEVEL_REGSO] = header_year(om_csv_header_field(c, (size_t)crk));
    om_strmap *seen = om_strmap_new(8192);
    size_t cap = 8192, n = 0;
    row_t *rows = malloc(cap * sizeof *rows);
    om_geo *bi = NULL;
    if (!rows || !seen) {
        free(rows);
        om_strmap_free(seen);
        return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
    }
    bool got;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        if (om_csv_nfields(c) == 1 && om_csv_empty(c, 0))
            continue; /* blank line */
        if (om_csv_nfields(c) < om_csv_header_count(c)) {
            s = om_csv_expect_fields(c, om_csv_header_count(c), err);
            break;
        }
        om_field fd = om_csv_field(c, (size_t)cd), fr = om_csv_field(c, (size_t)crk);
        if ((s = strip_suffix(g, c, (size_t)cd, OM_LEVEL_DESO, &fd, err)) != OM_OK ||
            (s = strip_suffix(g, c, (size_t)crk, OM_LEVEL_REGSO, &fr, err)) != OM_OK)
            break;
        if (!om_geo_code_valid(OM_LEVEL_DESO, fd.ptr, fd.len)) {
            s = om_csv_fail(c, (size_t)cd, err, "expected a DeSO code like 0114C1010, found '%.*s'",
                            (int)(fd.len > 40 ? 40 : fd.len), fd.ptr);
            break;
        }
        if (!om_geo_code_valid(OM_LEVEL_REGSO, fr.ptr, fr.len)) {
            s = om_csv_fail(c, (size_t)crk, err, "expected a RegSO code like 0114R001, found '%.*s'",
                            (int)(fr.len > 40 ? 40 : fr.len), fr.ptr);
            break;
        }
        om_field fk = ck >= 0 ? om_csv_field(c, (size_t)ck) : (om_field){fd.ptr, 4};
        if (!om_geo_code_valid(OM_LEVEL_KOMMUN, fk.ptr, fk.len)) {
            s = om_csv_fail(c, (size_t)ck, err, "expected a kommun code like 0114, found '%.*s'",
                            (int)(fk.len > 40 ? 40 : fk.len), fk.ptr);
            break;
        }
        /* A DeSO lies in exactly one RegSO (SCB: "DeSO nästlar i RegSO"). */
        int32_t first;
        if (om_strmap_put_new(seen, fd.ptr, fd.len, (int32_t)n, &first) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
            break;
        }
        if (first != (int32_t)n) {
            s = om_csv_fail(c, (size_t)crk, err,
                            "expected each DeSO once, found %.*s again (line %ld maps it to RegSO "
                            "%s, this line to %.*s)",
                            (int)fd.len, fd.ptr, rows[first].line, rows[first].regso,
                            (int)(fr.len > 40 ? 40 : fr.len), fr.ptr);
            break;
        }
        if (n == cap) {
            if (cap >= (1u << 22)) {
                s = om_csv_fail(c, 0, err, "expected at most %zu DeSO rows", cap);
                break;
            }
            if (om_grow(&rows, &cap, n + 1, sizeof *rows, 0, NULL) != OM_OK) {
                s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
                break;
            }
        }
        rows[n].line = om_csv_line(c);
        rows[n].deso = om_arena_strndup(g->arena, fd.ptr, fd.len);
        rows[n].regso = om_arena_strndup(g->arena, fr.ptr, fr.len);
        rows[n].kommun = om_arena_strndup(g->arena, fk.ptr, fk.len);
        if (!rows[n].deso || !rows[n].regso || !rows[n].kommun) {
            s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
            break;
        }
        if (ckn >= 0) {
            om_field f = om_csv_field(c, (size_t)ckn);
            rows[n].kommun_name = om_arena_strndup(g->arena, f.ptr, f.len);
        } else {
            const char *kn = builtin_kommun_name(&bi, rows[n].kommun, err);
            if (!kn) {
                s = err ? err->status : OM_ERR_INTERNAL;
                break;
            }
            rows[n].kommun_name = om_arena_strndup(g->arena, kn, strlen(kn));
        }
        if (crn >= 0) {
            om_field f = om_csv_field(c, (size_t)crn);
            rows[n].regso_name = om_arena_strndup(g->arena, f.ptr, f.len);
        } else {
            rows[n].regso_name = rows[n].regso; /* no names: the code stands in */
        }
        if (!rows[n].kommun_name || !rows[n].regso_name) {
            s = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
            break;
        }
        n++;
    }
    om_geo_free(bi);
    om_strmap_free(seen);
    if (s == OM_OK && n == 0)
        s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 2, 1,
                         "expected at least one DeSO row, found none");
    if (s == OM_OK)
        s = build(g, rows, (int32_t)n, err, om_csv_name(c));
    free(rows);
    return s;
}

static om_status geo_from(om_geo **out, om_csv *c, const char *vintage, om_error *err)
{
    *out = NULL;
    om_geo *g = calloc(1, sizeof *g);
    if (!g || !(g->arena = om_arena_new(0))) {
        free(g);
        return om_error_nomem(err);
    }
    om_status s = load_from_csv(g, c, err);
    if (s != OM_OK) {
        om_geo_free(g);
        return s;
    }
    if (vintage)
        snprintf(g->vintage, sizeof g->vintage, "%s", vintage);
    else if (g->year[OM_LEVEL_DESO] && g->year[OM_LEVEL_REGSO])
        snprintf(g->vintage, sizeof g->vintage, "DeSO%d-RegSO%d", g->year[OM_LEVEL_DESO],
                 g->year[OM_LEVEL_REGSO]);
    else { /* no years anywhere: the file's base name without extension */
        const char *b = strrchr(om_csv_name(c), '/');
        b = b ? b + 1 : om_csv_name(c);
        const char *dot = strrchr(b, '.');
        int bn = dot && dot > b ? (int)(dot - b) : (int)strlen(b);
        snprintf(g->vintage, sizeof g->vintage, "%.*s", bn, b);
    }
    *out = g;
    return OM_OK;
}

om_status om_geo_new_builtin(om_geo **out, om_error *err)
{
    om_csv *c = NULL;
    *out = NULL;
    om_status s = om_csv_open_mem(&c, "koppling-deso2018-regso2020.csv", om_embed_koppling,
                                  om_embed_koppling_len, NULL, err);
    if (s == OM_OK)
        s = geo_from(out, c, OM_GEO_BUILTIN_VINTAGE, err);
    om_csv_free(c);
    return s;
}

/* Is the first line of the input separated by ';' rather than ','?  SCB's
 * older key files (kopplingstabell-deso-regso) are. */
static bool semicolons(const om_csv *c)
{
    const char *d = om_csv_data(c);
    size_t n = om_csv_length(c), sc = 0, cc = 0, i = 0;
    while (i < n && d[i] == '#') /* the provenance block */
        while (i < n && d[i++] != '\n')
            ;
    for (; i < n && d[i] != '\n'; i++) {
        sc += d[i] == ';';
        cc += d[i] == ',';
    }
    return sc > cc;
}

/* SCB's xlsx key files start with title rows above the header.  When the
 * first line after any '#' lines has no field starting with "deso", return
 * a copy in which every line before the first one that has (within 20) is
 * "#", so line numbers in errors stay those of the input; NULL when there
 * is nothing to skip or no such line. */
static char *titles_as_comments(const char *d, size_t n, size_t *outlen)
{
    size_t i = 0, line = 0, hdr = SIZE_MAX, nskip = 0;
    while (i < n && line < 20) {
        size_t e = i;
        while (e < n && d[e] != '\n')
            e++;
        if (d[i] != '#') {
            for (size_t k = i; k + 4 <= e; k++) /* a field starting with "deso" */
                if ((k == i || d[k - 1] == ',' || d[k - 1] == ';' || d[k - 1] == '"') &&
                    strncasecmp_ascii(d + k, "deso", 4) == 0) {
                    hdr = i;
                    break;
                }
            if (hdr != SIZE_MAX)
                break;
            nskip++;
        }
        i = e + 1;
        line++;
    }
    if (hdr == SIZE_MAX || nskip == 0)
        return NULL;
    char *c = malloc(2 * line + (n - hdr) + 1);
    if (!c)
        return NULL;
    size_t w = 0;
    for (size_t k = 0; k < line; k++) {
        c[w++] = '#';
        c[w++] = '\n';
    }
    memcpy(c + w, d + hdr, n - hdr);
    *outlen = w + (n - hdr);
    return c;
}

static om_status load_data(om_geo **out, const char *name, const char *data, size_t len,
                           const char *vintage, om_error *err)
{
    size_t tl = 0;
    char *t = titles_as_comments(data, len, &tl);
    om_csv *c = NULL;
    om_status s = om_csv_open_mem(&c, name, t ? t : data, t ? tl : len, NULL, err);
    free(t);
    if (s == OM_OK && semicolons(c)) {
        om_csv_free(c);
        c = NULL;
        t = titles_as_comments(data, len, &tl);
        om_csv_options o = {.delim = ';'};
        s = om_csv_open_mem(&c, name, t ? t : data, t ? tl : len, &o, err);
        free(t);
    }
    if (s == OM_OK)
        s = geo_from(out, c, vintage, err);
    om_csv_free(c);
    return s;
}

om_status om_geo_load_mem(om_geo **out, const char *name, const void *data, size_t len,
                          const char *vintage, om_error *err)
{
    *out = NULL;
    return load_data(out, name, data, len, vintage, err);
}

om_status om_geo_load(om_geo **out, const char *path, const char *vintage, om_error *err)
{
    om_csv *c = NULL;
    *out = NULL;
    /* Read through the CSV reader (mmap, stdin, UTF-8 check), then parse
     * from its bytes so title rows and ';' can be handled on one copy. */
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s == OM_OK)
        s = load_data(out, om_csv_name(c), om_csv_data(c), om_csv_length(c), vintage, err);
    om_csv_free(c);
    return s;
}

om_status om_geo_open(om_geo **out, const char *spec, om_error *err)
{
    *out = NULL;
    if (!spec || !*spec || strcmp(spec, "DeSO2018") == 0 || strcmp(spec, "DeSO2018-RegSO2020") == 0)
        return om_geo_new_builtin(out, err);
    if (strcmp(spec, "DeSO2025") == 0 || strcmp(spec, "DeSO2025-RegSO2025") == 0) {
        om_csv *c = NULL;
        om_status s = om_csv_open_mem(&c, "deso2025-regso2025.csv", om_embed_deso2025,
                                      om_embed_deso2025_len, NULL, err);
        if (s == OM_OK)
            s = geo_from(out, c, "DeSO2025-RegSO2025", err);
        om_csv_free(c);
        return s;
    }
    return om_geo_load(out, spec, NULL, err);
}

const char *om_geo_vintage(const om_geo *g)
{
    return g->vintage;
}

int32_t om_geo_count(const om_geo *g, om_level level)
{
    return level >= 0 && level < OM_LEVEL_COUNT ? g->lv[level].n : 0;
}

static bool valid_idx(const om_geo *g, om_level level, int32_t idx)
{
    return level >= 0 && level < OM_LEVEL_COUNT && idx >= 0 && idx < g->lv[level].n;
}

const char *om_geo_code(const om_geo *g, om_level level, int32_t idx)
{
    return valid_idx(g, level, idx) ? g->lv[level].code[idx] : NULL;
}

const char *om_geo_name(const om_geo *g, om_level level, int32_t idx)
{
    return valid_idx(g, level, idx) ? g->lv[level].name[idx] : NULL;
}

const char *om_geo_label(const om_geo *g, om_level level, int32_t idx)
{
    return valid_idx(g, level, idx) ? g->lv[level].label[idx] : NULL;
}

int32_t om_geo_parent(const om_geo *g, om_level level, int32_t idx, om_level up)
{
    if (!valid_idx(g, level, idx) || up < level || up >= OM_LEVEL_COUNT)
        return -1;
    for (int l = level; l < (int)up; l++)
        idx = g->lv[l].parent[idx];
    return idx;
}

void om_geo_children(const om_geo *g, om_level level, int32_t idx, om_level down,
                     int32_t *first, int32_t *count)
{
    *first = 0;
    *count = 0;
    if (!valid_idx(g, level, idx) || down > level || down < 0)
        return;
    int32_t lo = idx, hi = idx; /* inclusive range at the current level */
    for (int l = level; l > (int)down; l--) {
        const level_t *P = &g->lv[l];
        int32_t nlo = P->first_child[lo];
        int32_t nhi = P->first_child[hi] + P->nchild[hi] - 1;
        lo = nlo;
        hi = nhi;
    }
    *first = lo;
    *count = hi - lo + 1;
}

int32_t om_geo_find(const om_geo *g, om_level level, const char *code, size_t len)
{
    if (level < 0 || level >= OM_LEVEL_COUNT)
        return -1;
    int32_t i = om_strmap_get(g->lv[level].by_code, code, len);
    if (i >= 0 || len < 9)
        return i;
    om_level sl;
    int y;
    size_t n = om_geo_code_suffix(code, len, &sl, &y);
    if (n == len || sl != level || (g->year[level] && g->year[level] != y))
        return -1; /* a code of another vintage is not this registry's area */
    return om_strmap_get(g->lv[level].by_code, code, n);
}

static bool is_blank(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

/* Trim blanks, NBSP (C2 A0), a BOM and surrounding quotes. */
static void trim(const char **ps, size_t *pn)
{
    const char *s = *ps;
    size_t n = *pn;
    for (;;) {
        bool changed = false;
        if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
            (unsigned char)s[2] == 0xBF) {
            s += 3;
            n -= 3;
            changed = true;
        }
        while (n && is_blank((unsigned char)s[0])) {
            s++;
            n--;
            changed = true;
        }
        while (n && is_blank((unsigned char)s[n - 1])) {
            n--;
            changed = true;
        }
        if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
            s += 2;
            n -= 2;
            changed = true;
        }
        if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0) {
            n -= 2;
            changed = true;
        }
        if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
            s++;
            n -= 2;
            changed = true;
        }
        if (!changed)
            break;
    }
    *ps = s;
    *pn = n;
}

int32_t om_geo_resolve(const om_geo *g, const char *text, size_t len, om_level *level)
{
    const char *s = text;
    size_t n = len;
    trim(&s, &n);
    if (n >= 6 && strncasecmp_ascii(s, "regso", 5) == 0 && (s[5] == '-' || s[5] == ' ')) {
        s += 6;
        n -= 6;
        trim(&s, &n);
    }
    om_level sl;
    int sy;
    size_t sn = om_geo_code_suffix(s, n, &sl, &sy);
    if (sn != n) {
        if (om_geo_code_level(s, sn) != sl)
            return -1;
        int32_t i = om_geo_find(g, sl, s, n);
        if (i >= 0 && level)
            *level = sl;
        return i;
    }
    om_level l = om_geo_code_level(s, n);
    if (l != OM_LEVEL_NONE) {
        int32_t i = om_geo_find(g, l, s, n);
        if (i >= 0 && level)
            *level = l;
        return i;
    }
    int32_t r = om_strmap_get(g->by_label, s, n);
    if (r >= 0) {
        if (level)
            *level = OM_LEVEL_REGSO;
        return r;
    }
    char fb[512];
    size_t fk = dash_fold(s, n, fb, sizeof fb);
    if (fk && (r = om_strmap_get(g->by_folded_label, fb, fk)) >= 0) {
        if (level)
            *level = OM_LEVEL_REGSO;
        return r;
    }
    /* "Kommun (RegSO)" with blanks inside the parentheses, e.g. "Ale ( Alafors )" */
    const char *lp = memchr(s, '(', n);
    if (lp && n > 0 && s[n - 1] == ')') {
        const char *ks = s, *rs = lp + 1;
        size_t kn = (size_t)(lp - s), rn = (size_t)(s + n - 1 - rs);
        trim(&ks, &kn);
        trim(&rs, &rn);
        char buf[512];
        if (kn + rn + 4 < sizeof buf) {
            int m = snprintf(buf, sizeof buf, "%.*s (%.*s)", (int)kn, ks, (int)rn, rs);
            r = om_strmap_get(g->by_label, buf, (size_t)m);
            if (r >= 0) {
                if (level)
                    *level = OM_LEVEL_REGSO;
                return r;
            }
        }
    }
    /* "CODE Name" as in PxWeb's "code and text" exports */
    const char *sp = memchr(s, ' ', n);
    if (sp) {
        size_t cn = (size_t)(sp - s);
        om_level cl = om_geo_code_level(s, cn);
        if (cl != OM_LEVEL_NONE) {
            int32_t i = om_geo_find(g, cl, s, cn);
            if (i >= 0 && level)
                *level = cl;
            return i;
        }
    }
    int32_t k = om_strmap_get(g->kommun_by_name, s, n);
    if (k >= 0) {
        if (level)
            *level = OM_LEVEL_KOMMUN;
        return k;
    }
    int32_t ln = om_strmap_get(g->lan_by_name, s, n);
    if (ln >= 0) {
        if (level)
            *level = OM_LEVEL_LAN;
        return ln;
    }
    if (n == 5 && memcmp(s, "Riket", 5) == 0) {
        if (level)
            *level = OM_LEVEL_RIKET;
        return 0;
    }
    return -1;
}

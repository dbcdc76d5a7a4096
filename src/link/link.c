/* Loading persons, residence and area types into dense arrays; linkage.
 *
 * Why this shape: at national scale (10.5 M persons x 14 years) a join of
 * events to residence by (lopnr, year) is the expensive step of every rate
 * table.  Mapping lopnr to a dense index once and keeping residence as a
 * person-by-year array of 16-bit area indices (DeSO fits: 5,984 areas)
 * turns each later join into two array reads.  CSV slices are parsed on
 * threads (om_csv_split); the residence array is written concurrently, a
 * cell kept by the first row that finds it empty, and repeated person-years
 * are counted at the end as rows kept minus cells filled (exact whatever
 * the threads' interleaving). */
#define _DEFAULT_SOURCE
#include "link_internal.h"

#include "omrade/sei.h"

#include <sys/mman.h>

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Presets.  sos1 and sos2 are Socialstyrelsen's two methods for linking the
 * latest statistics year while area types lag RegSO by a year (omrade issue
 * 11); dec31, prev and latest are omrade's earlier methods, kept by name.
 * Order matters for om_link_method_name(): the first match names offsets. */
static const om_link_preset presets[] = {
    {"sos1", {0, -1},
     "Socialstyrelsens metod 1: senaste RegSO (folkbokföring 31 december statistikåret) med "
     "föregående års områdestyp",
     "Socialstyrelsen's method 1: the latest RegSO (residence on 31 Dec of the statistics year) "
     "with the previous year's area type"},
    {"sos2", {-1, -1},
     "Socialstyrelsens metod 2: föregående års RegSO (folkbokföring 31 december året före) med "
     "samma års områdestyp",
     "Socialstyrelsen's method 2: the previous year's RegSO (residence on 31 Dec of the year "
     "before) with that year's area type"},
    {"dec31", {-1, 0},
     "folkbokföring 31 december året före statistikåret, statistikårets områdestyp",
     "residence on 31 Dec before the statistics year, area type of the statistics year"},
    {"prev", {-1, -1},
     "folkbokföring 31 december året före statistikåret, samma års områdestyp (som sos2)",
     "residence on 31 Dec before the statistics year, area type of that previous year (as sos2)"},
    {"latest", {OM_LINK_LATEST, OM_LINK_LATEST},
     "senaste folkbokföring i data, senaste områdestypsår i data",
     "latest residence in the data, latest area-type year in the data"},
};
static const char *const born_names[OM_BORN_N] = {"sweden", "nordic", "eu", "other", "unknown"};

size_t om_link_npresets(void)
{
    return sizeof presets / sizeof presets[0];
}

const om_link_preset *om_link_preset_at(size_t i)
{
    return i < om_link_npresets() ? &presets[i] : NULL;
}

const om_link_preset *om_link_preset_find(const char *s)
{
    for (size_t i = 0; s && i < om_link_npresets(); i++)
        if (!strcmp(s, presets[i].name))
            return &presets[i];
    return NULL;
}

bool om_link_offset_parse(const char *s, int *off)
{
    if (!strcmp(s, "Y"))
        *off = 0;
    else if (!strcmp(s, "Y-1"))
        *off = -1;
    else if (!strcmp(s, "latest"))
        *off = OM_LINK_LATEST;
    else
        return false;
    return true;
}

const char *om_link_offset_name(int off)
{
    return off == 0 ? "Y" : off == -1 ? "Y-1" : off == OM_LINK_LATEST ? "latest" : "?";
}

bool om_link_method_equal(om_link_method a, om_link_method b)
{
    return a.residence == b.residence && a.type == b.type;
}

bool om_link_method_parse(const char *s, om_link_method *m)
{
    const om_link_preset *p = om_link_preset_find(s);
    if (p) {
        *m = p->method;
        return true;
    }
    const char *slash = s ? strchr(s, '/') : NULL;
    char r[16];
    if (!slash || slash - s >= (ptrdiff_t)sizeof r)
        return false;
    memcpy(r, s, (size_t)(slash - s));
    r[slash - s] = 0;
    return om_link_offset_parse(r, &m->residence) && om_link_offset_parse(slash + 1, &m->type);
}

const char *om_link_method_name(om_link_method m, char *buf, size_t size)
{
    for (size_t i = 0; i < om_link_npresets(); i++)
        if (om_link_method_equal(presets[i].method, m)) {
            snprintf(buf, size, "%s", presets[i].name);
            return buf;
        }
    snprintf(buf, size, "%s/%s", om_link_offset_name(m.residence), om_link_offset_name(m.type));
    return buf;
}

const char *om_link_born_name(int g)
{
    return g >= 0 && g < OM_BORN_N ? born_names[g] : "";
}

/* ------------------------------------------------------------ parsing */

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* Eight ASCII digits in one word (first digit in the low byte): the
 * SWAR test and conversion of simdjson (Lemire, "Parsing numbers at
 * gigabytes per second" and simdjson's parse_eight_digits_unrolled): a
 * byte is a digit iff its high nibble is 3 and adding 6 keeps it 3; the
 * digits are then combined pairwise, 2 -> 4 -> 8, with three multiplies. */
static inline bool eight_digits(uint64_t w)
{
    return ((w & 0xF0F0F0F0F0F0F0F0ull) |
            (((w + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) == 0x3333333333333333ull;
}

static inline uint64_t eight_value(uint64_t w)
{
    w = ((w & 0x0F0F0F0F0F0F0F0Full) * 2561) >> 8;
    w = ((w & 0x00FF00FF00FF00FFull) * 6553601) >> 16;
    return ((w & 0x0000FFFF0000FFFFull) * 42949672960001ull) >> 32;
}
#endif

/* A register id of 1-19 digits (no sign, no spaces).  Ids of 8-16 digits
 * (Swedish lopnr are 10-13) take two overlapping word loads inside the
 * field: the second word's leading bytes, already in the first, are
 * replaced by '0'. */
bool om_link_parse_u64(const char *p, size_t n, uint64_t *out)
{
    if (n == 0 || n > 19)
        return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n >= 8 && n <= 16) {
        static const uint64_t pow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000,
                                          100000000};
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + n - 8, 8);
        size_t k = n - 8; /* b's last k digits are new */
        uint64_t seen = k == 0 ? ~UINT64_C(0) : (UINT64_C(1) << (8 * (8 - k))) - 1;
        b = (b & ~seen) | (0x3030303030303030ull & seen);
        if (!eight_digits(a) || !eight_digits(b))
            return false;
        *out = eight_value(a) * pow10[k] + eight_value(b);
        return true;
    }
#endif
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned d = (unsigned char)p[i] - '0';
        if (d > 9)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool om_link_valid_u64(const char *p, size_t n)
{
    if (n == 0 || n > 19)
        return false;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n >= 8 && n <= 16) { /* the two overlapping words of om_link_parse_u64 */
        uint64_t a, b;
        memcpy(&a, p, 8);
        memcpy(&b, p + n - 8, 8);
        return eight_digits(a) && eight_digits(b);
    }
#endif
    for (size_t i = 0; i < n; i++)
        if ((unsigned)((unsigned char)p[i] - '0') > 9)
            return false;
    return true;
}

/* Days from civil date: H. Hinnant, "chrono-Compatible Low-Level Date
 * Algorithms" (days_from_civil), era-based proleptic Gregorian. */
int32_t om_link_days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153u * (unsigned)(m + (m > 2 ? -3 : 9)) + 2) / 5 + (unsigned)d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (int32_t)(era * 146097 + (int)doe - 719468);
}

static int digits(const char *p, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        unsigned d = (unsigned char)p[i] - '0';
        if (d > 9)
            return -1;
        v = v * 10 + (int)d;
    }
    return v;
}

bool om_link_parse_date(const char *p, size_t n, int32_t *days, int *year)
{
    int y, m, d;
    if (n == 10 && p[4] == '-' && p[7] == '-') {
        y = digits(p, 4);
        m = digits(p + 5, 2);
        d = digits(p + 8, 2);
    } else if (n == 8) {
        y = digits(p, 4);
        m = digits(p + 4, 2);
        d = digits(p + 6, 2);
    } else {
        return false;
    }
    if (y < 0 || m < 1 || m > 12 || d < 1)
        return false;
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (d > mdays[m - 1] + (m == 2 && leap))
        return false;
    *days = om_link_days_from_civil(y, m, d);
    *year = y;
    return true;
}

/* ------------------------------------------------------------ threads */

/* Register extracts (ids, dates, codes) are read without the UTF-8 pass:
 * it is a serial scan of the whole file before the threads start, and the
 * fields we keep are digits and code bytes compared as bytes. */
const om_csv_options om_link_numeric_extract = {.no_utf8_check = true};

typedef struct {
    om_csv *slice;
    om_link_slice_fn fn;
    void *ctx;
    int t;
    om_status st;
    om_error err;
} slice_job;

static void *slice_main(void *arg)
{
    slice_job *j = arg;
    j->st = j->fn(j->slice, j->ctx, j->t, &j->err);
    return NULL;
}

om_status om_link_parallel(om_csv *c, int nthreads, om_link_slice_fn fn, void *ctx,
                           om_error *err)
{
    if (nthreads < 1)
        nthreads = 1;
    if (nthreads > 64)
        nthreads = 64;
    size_t off[65];
    om_csv_split(c, (size_t)nthreads, off);
    slice_job jobs[64];
    pthread_t th[64];
    om_status s = OM_OK;
    int started = 0;
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (slice_job){NULL, fn, ctx, t, OM_OK, OM_ERROR_INIT};
        s = om_csv_open_slice(&jobs[t].slice, c, off[t], off[t + 1], err);
        if (s != OM_OK)
            break;
    }
    if (s == OM_OK) {
        for (int t = 1; t < nthreads; t++) {
            if (pthread_create(&th[t], NULL, slice_main, &jobs[t]) != 0) {
                jobs[t].st = om_error_set(&jobs[t].err, OM_ERR_INTERNAL, NULL, 0, 0,
                                          "cannot start a thread");
                break;
            }
            started = t;
        }
        slice_main(&jobs[0]);
        for (int t = 1; t <= started; t++)
            pthread_join(th[t], NULL);
        for (int t = 0; t < nthreads; t++)
            if (jobs[t].st != OM_OK) {
                if (err)
                    *err = jobs[t].err;
                s = jobs[t].st;
                break;
            }
    }
    for (int t = 0; t < nthreads; t++)
        om_csv_free(jobs[t].slice);
    return s;
}


om_status om_codemap_init(om_codemap *m, size_t expected)
{
    memset(m, 0, sizeof *m);
    m->cap = 16;
    while (m->cap < expected * 2 + 1)
        m->cap <<= 1;
    m->slots = calloc(m->cap, sizeof *m->slots);
    m->longer = om_strmap_new(16);
    if (!m->slots || !m->longer) {
        om_codemap_free(m);
        return OM_ERR_NOMEM;
    }
    return OM_OK;
}

void om_codemap_free(om_codemap *m)
{
    free(m->slots);
    om_strmap_free(m->longer);
    memset(m, 0, sizeof *m);
}

static void codemap_place(om_code_slot *slots, size_t cap, om_code_slot x)
{
    size_t i = om_hash_u64(x.lo ^ om_hash_u64(x.hi)) & (cap - 1);
    while (slots[i].hi)
        i = (i + 1) & (cap - 1);
    slots[i] = x;
}

om_status om_codemap_put(om_codemap *m, const char *p, size_t n, int32_t value)
{
    om_code_key k = om_code_key_of(p, n);
    if (!k.hi)
        return om_strmap_put(m->longer, p, n, value);
    size_t mask = m->cap - 1;
    for (size_t i = om_hash_u64(k.lo ^ om_hash_u64(k.hi)) & mask; m->slots[i].hi; i = (i + 1) & mask)
        if (m->slots[i].lo == k.lo && m->slots[i].hi == k.hi) {
            m->slots[i].value = value;
            return OM_OK;
        }
    if ((m->size + 1) * 2 > m->cap) {
        size_t nc = m->cap * 2;
        om_code_slot *ns = calloc(nc, sizeof *ns);
        if (!ns)
            return OM_ERR_NOMEM;
        for (size_t i = 0; i < m->cap; i++)
            if (m->slots[i].hi)
                codemap_place(ns, nc, m->slots[i]);
        free(m->slots);
        m->slots = ns;
        m->cap = nc;
    }
    codemap_place(m->slots, m->cap, (om_code_slot){k.lo, k.hi, value});
    m->size++;
    return OM_OK;
}

/* Progress from slice 0 of n: its share of the input stands for all. */
void om_link_report(const om_progress *pr, const char *what, om_csv *c, size_t begin,
                    int nthreads)
{
    if (pr && pr->fn) {
        size_t off = om_csv_offset(c), len = om_csv_length(c);
        uint64_t span = len > begin ? (len - begin) / (size_t)(nthreads > 0 ? nthreads : 1) : 1;
        uint64_t done = (uint64_t)(off - begin);
        pr->fn(pr->user, what, done < span ? done * 1000 / (span ? span : 1) : 1000, 1000);
    }
}

om_status om_link_next_row(om_csv *c, int t, int64_t *rows, const om_progress *pr, const char *what,
                           size_t begin, int nthreads, bool *got, om_error *err)
{
    om_status st = om_csv_next(c, got, err);
    if (st != OM_OK || !*got)
        return st;
    if ((++*rows & 0xFFFF) == 0) {
        if (t == 0)
            om_link_report(pr, what, c, begin, nthreads);
        om_csv_release(c);
    }
    return OM_OK;
}

om_status om_link_id_fail(om_csv *c, size_t col, om_field f, om_error *err)
{
    return om_csv_fail(c, col, err, "expected a non-negative integer id, found '%.*s'",
                       (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
}

om_status om_link_field_id(om_csv *c, size_t col, uint64_t *id, om_error *err)
{
    om_field f = om_csv_field(c, col);
    if (!f.ptr || !om_link_parse_u64(f.ptr, f.len, id))
        return om_link_id_fail(c, col, f, err);
    return OM_OK;
}

/* ------------------------------------------------------------ persons */

typedef struct {
    int64_t *lopnr;
    int16_t *by;
    uint8_t *sex, *born;
    int32_t *death;
    size_t n, cap;
} prow_vec;

typedef struct {
    int col[5]; /* id, sex, birth, country, death (-1 absent for optional) */
    prow_vec v[64];
    const om_progress *pr;
    int nthreads;
} persons_ctx;

static bool pv_grow(prow_vec *v)
{
    void *const cols[] = {&v->lopnr, &v->by, &v->sex, &v->born, &v->death};
    const size_t sizes[] = {sizeof *v->lopnr, sizeof *v->by, sizeof *v->sex, sizeof *v->born,
                            sizeof *v->death};
    /* doubling as om_grow, on huge pages once a column is large */
    size_t nc = v->cap ? v->cap * 2 : (size_t)1 << 16;
    if (nc > SIZE_MAX / sizeof *v->lopnr)
        return false;
    for (int k = 0; k < 5; k++)
        if (!om_link_big_grow(cols[k], v->n * sizes[k], nc * sizes[k]))
            return false;
    v->cap = nc;
    return true;
}

static void pv_free(prow_vec *v)
{
    free(v->lopnr);
    free(v->by);
    free(v->sex);
    free(v->born);
    free(v->death);
}

static int parse_born(const char *p, size_t n)
{
    for (int g = 0; g < OM_BORN_UNKNOWN; g++)
        if (strlen(born_names[g]) == n && memcmp(born_names[g], p, n) == 0)
            return g;
    return n == 0 ? OM_BORN_UNKNOWN : -1;
}

static om_status persons_slice(om_csv *c, void *vctx, int t, om_error *err)
{
    persons_ctx *ctx = vctx;
    prow_vec *v = &ctx->v[t];
    size_t begin = om_csv_offset(c);
    uint64_t k = 0;
    for (;;) {
        bool got;
        om_status s = om_csv_next(c, &got, err);
        if (s != OM_OK)
            return s;
        if (!got)
            break;
        if ((++k & 0xFFFF) == 0) {
            if (t == 0)
                om_link_report(ctx->pr, "persons", c, begin, ctx->nthreads);
            om_csv_release(c);
        }
        if (v->n == v->cap && !pv_grow(v))
            return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
        uint64_t id;
        om_status fs = om_link_field_id(c, (size_t)ctx->col[0], &id, err);
        if (fs != OM_OK)
            return fs;
        om_field f = om_csv_field(c, (size_t)ctx->col[1]);
        if (!f.ptr || f.len != 1 || (f.ptr[0] != '1' && f.ptr[0] != '2'))
            return om_csv_fail(c, (size_t)ctx->col[1], err,
                               "expected sex 1 (man) or 2 (woman), found '%.*s'",
                               (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
        uint8_t sex = (uint8_t)(f.ptr[0] - '0');
        f = om_csv_field(c, (size_t)ctx->col[2]);
        int32_t bd;
        int by;
        if (!f.ptr || !om_link_parse_date(f.ptr, f.len, &bd, &by) || by < OM_YEAR_MIN - 120 ||
            by > OM_YEAR_MAX)
            return om_csv_fail(c, (size_t)ctx->col[2], err,
                               "expected a birth date YYYY-MM-DD, found '%.*s'",
                               (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
        int born = OM_BORN_UNKNOWN;
        if (ctx->col[3] >= 0) {
            f = om_csv_field(c, (size_t)ctx->col[3]);
            born = parse_born(f.ptr ? f.ptr : "", f.len);
            if (born < 0)
                return om_csv_fail(c, (size_t)ctx->col[3], err,
                                   "expected a country group sweden, nordic, eu, other or empty, "
                                   "found '%.*s'",
                                   (int)(f.len > 40 ? 40 : f.len), f.ptr);
        }
        int32_t death = OM_NO_DEATH;
        if (ctx->col[4] >= 0) {
            f = om_csv_field(c, (size_t)ctx->col[4]);
            int dy;
            if (f.len && !om_link_parse_date(f.ptr, f.len, &death, &dy))
                return om_csv_fail(c, (size_t)ctx->col[4], err,
                                   "expected a death date YYYY-MM-DD or empty, found '%.*s'",
                                   (int)(f.len > 40 ? 40 : f.len), f.ptr);
        }
        v->lopnr[v->n] = (int64_t)id;
        v->by[v->n] = (int16_t)by;
        v->sex[v->n] = sex;
        v->born[v->n] = (uint8_t)born;
        v->death[v->n] = death;
        v->n++;
    }
    return OM_OK;
}

static const char *or_default(const char *s, const char *d)
{
    return s ? s : d;
}

/* The person index built by all threads at once, each inserting and
 * copying the rows it parsed (row number = dense index) with
 * om_u64map_put_new_shared: the serial insert of 10^7 random ids was the
 * longest single-threaded step of loading.  False when an id repeats (the
 * first occurrence in file order must win, which the threads cannot tell):
 * the caller then builds the index again in order. */
typedef struct {
    om_link *l;
    const prow_vec *v;
    size_t off;
    bool ok;
} pindex_job;

static void *pindex_main(void *arg)
{
    pindex_job *j = arg;
    const prow_vec *v = j->v;
    om_link *l = j->l;
    for (size_t i = 0; i < v->n; i++) {
        if (i + 16 < v->n)
            om_u64map_prefetch(l->map, (uint64_t)v->lopnr[i + 16]);
        if (!om_u64map_put_new_shared(l->map, (uint64_t)v->lopnr[i], (uint32_t)(j->off + i))) {
            j->ok = false;
            return NULL;
        }
    }
    if (v->n == 0) /* a thread with no rows has no arrays (memcpy from NULL) */
        return NULL;
    memcpy(l->lopnr + j->off, v->lopnr, v->n * sizeof *v->lopnr);
    memcpy(l->birth_year + j->off, v->by, v->n * sizeof *v->by);
    memcpy(l->sex + j->off, v->sex, v->n);
    memcpy(l->born + j->off, v->born, v->n);
    memcpy(l->death_day + j->off, v->death, v->n * sizeof *v->death);
    return NULL;
}

static bool index_shared(om_link *l, const persons_ctx *ctx, int nthreads)
{
    pindex_job jobs[64];
    pthread_t th[64];
    size_t off = 0;
    for (int t = 0; t < nthreads; t++) {
        jobs[t] = (pindex_job){l, &ctx->v[t], off, true};
        off += ctx->v[t].n;
    }
    int started = 1;
    while (started < nthreads && pthread_create(&th[started], NULL, pindex_main, &jobs[started]) == 0)
        started++;
    for (int t = started; t < nthreads; t++) /* no thread for these: done here */
        pindex_main(&jobs[t]);
    pindex_main(&jobs[0]);
    bool ok = true;
    for (int t = 1; t < started; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < nthreads; t++)
        ok = ok && jobs[t].ok;
    return ok;
}

static om_status load_persons(om_link *l, const char *path, const om_link_options *opt,
                              int nthreads, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, &om_link_numeric_extract, err);
    if (s != OM_OK)
        return s;
    persons_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        om_csv_free(c);
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    ctx->pr = &opt->progress;
    ctx->nthreads = nthreads;
    const char *req[3] = {or_default(opt->p_id, "lopnr"), or_default(opt->p_sex, "sex"),
                          or_default(opt->p_birth, "birth_date")};
    s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, req, 3, ctx->col, err);
    if (s == OM_OK) {
        const char *cn = or_default(opt->p_country, "country_group");
        const char *dn = or_default(opt->p_death, "death_date");
        ctx->col[3] = om_csv_col(c, cn);
        ctx->col[4] = om_csv_col(c, dn);
        if (opt->p_country && ctx->col[3] < 0)
            s = om_csv_require(c, &cn, 1, &ctx->col[3], err);
        if (s == OM_OK && opt->p_death && ctx->col[4] < 0)
            s = om_csv_require(c, &dn, 1, &ctx->col[4], err);
    }
    if (s == OM_OK)
        s = om_link_parallel(c, nthreads, persons_slice, ctx, err);
    size_t total = 0;
    for (int t = 0; t < nthreads; t++)
        total += ctx->v[t].n;
    if (s == OM_OK) {
        l->lopnr = om_link_big_alloc(total * sizeof *l->lopnr);
        l->birth_year = om_link_big_alloc(total * sizeof *l->birth_year);
        l->sex = om_link_big_alloc(total);
        l->born = om_link_big_alloc(total);
        l->death_day = om_link_big_alloc(total * sizeof *l->death_day);
        l->map = om_u64map_new(total);
        if (!l->lopnr || !l->birth_year || !l->sex || !l->born || !l->death_day || !l->map)
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    size_t n = 0;
    bool serial = s == OM_OK && !index_shared(l, ctx, nthreads);
    if (s == OM_OK && !serial)
        n = total; /* no id repeated: the dense index is the row number */
    if (serial) {
        om_u64map_free(l->map);
        if (!(l->map = om_u64map_new(total)))
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    /* Repeated ids: again in file order, the dense index is the row number
     * among the first occurrences. */
    for (int t = 0; s == OM_OK && serial && t < nthreads; t++) {
        prow_vec *v = &ctx->v[t];
        for (size_t i = 0; i < v->n; i++) {
            uint32_t ex;
            if (i + 16 < v->n) /* random ids: fetch the slot ahead of its insert */
                om_u64map_prefetch(l->map, (uint64_t)v->lopnr[i + 16]);
            if (om_u64map_put_new(l->map, (uint64_t)v->lopnr[i], (uint32_t)n, &ex) != OM_OK) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            if (ex != n) {
                l->stats.persons_dup++;
                continue;
            }
            l->lopnr[n] = v->lopnr[i];
            l->birth_year[n] = v->by[i];
            l->sex[n] = v->sex[i];
            l->born[n] = v->born[i];
            l->death_day[n] = v->death[i];
            n++;
        }
        pv_free(v);
        memset(v, 0, sizeof *v);
    }
    for (int t = 0; t < nthreads; t++)
        pv_free(&ctx->v[t]);
    free(ctx);
    om_csv_free(c);
    l->n = n;
    l->stats.persons = (int64_t)n;
    if (s == OM_OK && n >= UINT32_MAX)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "too many persons (%zu)", n);
    return s;
}

/* ------------------------------------------------------------ residence */

typedef struct {
    om_link *l;
    int col[3];
    om_codemap codes; /* area code -> index at l->level */
    bool has_codes;
    const om_progress *pr;
    int nthreads;
    int64_t rows[64], unknown_id[64], unknown_area[64];
} res_ctx;

void *om_link_big_alloc(size_t bytes)
{
    const size_t huge = (size_t)2 << 20;
    if (bytes < huge)
        return malloc(bytes ? bytes : 1);
    if (bytes > SIZE_MAX - huge)
        return NULL;
    const size_t size = (bytes + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, size);
#ifdef MADV_HUGEPAGE
    if (p)
        madvise(p, size, MADV_HUGEPAGE);
#endif
    return p;
}

bool om_link_big_grow(void *pp, size_t used, size_t bytes)
{
    void *old;
    memcpy(&old, pp, sizeof old); /* pp is a T **: see om_grow (common/grow.c) */
    void *p;
    if (bytes < ((size_t)2 << 20)) {
        p = realloc(old, bytes ? bytes : 1);
    } else {
        /* a copy, not realloc: the block moves to huge pages; doubling
         * keeps the copying to about the final size */
        p = om_link_big_alloc(bytes);
        if (p && used)
            memcpy(p, old, used);
        if (p)
            free(old);
    }
    if (!p)
        return false;
    memcpy(pp, &p, sizeof p);
    return true;
}

/* Room for OM_RES_CHUNK years' area columns, on transparent huge pages
 * (om_link_big_alloc: the columns are written at random and then read by
 * every statistics pass: at 10^7 persons 14 years are 280 MB, 70,000 page
 * faults and TLB misses on 4 KiB pages).  The columns of a chunk are
 * adjacent, so a year's column shares its first and last huge page with
 * its neighbours: one 2 MiB-aligned block per year rounded each column of
 * 1.05 M persons (2.1 MB) up to 4 MB, all of it zeroed by the kernel on
 * first touch.  Freed with free(). */
static uint16_t *year_alloc(size_t n)
{
    return om_link_big_alloc(n * sizeof(uint16_t));
}

static uint16_t *year_column(om_link *l, int y)
{
    uint16_t **slot = &l->res[y - OM_YEAR_MIN];
    uint16_t *col = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (col)
        return col;
    pthread_mutex_lock(&l->mu);
    col = *slot;
    const size_t n = l->n ? l->n : 1, stride = (n + 31) & ~(size_t)31; /* columns 64-byte aligned */
    int k = l->res_ncols / OM_RES_CHUNK;
    if (!col && l->res_ncols % OM_RES_CHUNK == 0 && !(l->res_chunk[k] = year_alloc(stride * OM_RES_CHUNK)))
        k = -1;
    if (!col && k >= 0) {
        col = l->res_chunk[k] + (size_t)(l->res_ncols++ % OM_RES_CHUNK) * stride;
        memset(col, 0xFF, n * sizeof *col);
        __atomic_store_n(slot, col, __ATOMIC_RELEASE);
    }
    pthread_mutex_unlock(&l->mu);
    return col;
}

/* Rows of a residence slice waiting for their area and person lookups
 * (see rates.c: batched hash probes overlap their cache misses).  An area
 * code is resolved here too: a row whose code differs from the previous
 * row's (a new person, or a move) probes the area table at random, and
 * with the input streaming through the cache that probe often misses; the
 * batch's probes are issued together. */
#define RES_BATCH 64
#define RES_AREA_PENDING (-2) /* the area of key[i] is still to be looked up */
typedef struct {
    uint64_t id[RES_BATCH];
    om_code_key key[RES_BATCH];
    int32_t area[RES_BATCH]; /* RES_AREA_PENDING, or the area index */
    int16_t year[RES_BATCH];
    int n;
    uint32_t hint;    /* person of the last resolved row */
    uint64_t last_id; /* its lopnr */
    bool seq;         /* the previous new person was the next in persons.csv */
    om_code_key last_key; /* the last area code looked up, and its area */
    int32_t last_area;
} res_batch;

/* Areas of the batch's rows, -1 for an unknown code: the table slots of
 * all codes that differ from their predecessor are fetched before the
 * first is compared. */
static void res_areas(const om_codemap *codes, res_batch *b)
{
    for (int i = 0; i < b->n; i++)
        if (b->area[i] == RES_AREA_PENDING && (i == 0 || !om_code_key_eq(b->key[i], b->key[i - 1])))
            om_codemap_prefetch(codes, b->key[i]);
    for (int i = 0; i < b->n; i++) {
        if (b->area[i] != RES_AREA_PENDING)
            continue;
        om_code_key k = b->key[i];
        if (!om_code_key_eq(k, b->last_key)) {
            b->last_key = k;
            b->last_area = om_codemap_get(codes, k, NULL, 0);
        }
        b->area[i] = b->last_area;
    }
}

static bool res_flush(om_link *l, const om_codemap *codes, res_batch *b, int64_t *unknown_area,
                      int64_t *unknown_id)
{
    uint32_t p[RES_BATCH];
    bool ok[RES_BATCH];
    res_areas(codes, b);
    /* Files are usually sorted by person: a row is often the same person as
     * the previous one, or the next person in persons.csv. */
    for (int i = 0; i < b->n; i++) {
        if (b->area[i] < 0) {
            ok[i] = false;
            continue;
        }
        uint64_t id = b->id[i];
        if (id == b->last_id) {
            p[i] = b->hint;
            ok[i] = true;
            continue;
        }
        if (b->seq && b->hint + 1 < l->n && l->lopnr[b->hint + 1] == (int64_t)id) {
            p[i] = b->hint + 1;
            ok[i] = true;
        } else {
            ok[i] = om_u64map_get(l->map, id, &p[i]);
            b->seq = ok[i] && p[i] == b->hint + 1;
        }
        if (ok[i]) {
            b->hint = p[i];
            b->last_id = id;
        }
    }
    uint16_t *col = NULL;
    int last_y = -1;
    for (int i = 0; i < b->n; i++) {
        if (!ok[i]) {
            if (b->area[i] < 0)
                (*unknown_area)++;
            else
                (*unknown_id)++;
            continue;
        }
        if (b->year[i] != last_y) {
            col = year_column(l, b->year[i]);
            if (!col)
                return false;
            last_y = b->year[i];
        }
        /* The first value seen is kept.  Plain (relaxed) loads and stores,
         * not an atomic exchange: a locked instruction per row (~30 cycles,
         * and no overlap with the loads around it).  Two threads may both find a cell empty and both
         * store; the repeats are therefore counted at the end, as the rows
         * kept minus the cells filled (load_residence), not here. */
        if (__atomic_load_n(&col[p[i]], __ATOMIC_RELAXED) == OM_RES_NONE)
            __atomic_store_n(&col[p[i]], (uint16_t)b->area[i], __ATOMIC_RELAXED);
    }
    b->n = 0;
    return true;
}

/* One slice of a residence file.  A row is counted once, in the first
 * category that applies: unknown area code, unknown id, repeated
 * person-year, kept. */
static om_status res_slice(om_csv *c, void *vctx, int t, om_error *err)
{
    res_ctx *ctx = vctx;
    om_link *l = ctx->l;
    size_t begin = om_csv_offset(c);
    int64_t rows = 0, unknown_id = 0, unknown_area = 0;
    const size_t ci = (size_t)ctx->col[0], cy = (size_t)ctx->col[1], ca = (size_t)ctx->col[2];
    res_batch *b = calloc(1, sizeof *b);
    if (!b)
        return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
    b->last_id = UINT64_MAX;
    b->last_area = -1;
    om_status st = OM_OK;
    /* Files sorted by person repeat the id text of the previous row (13
     * rows a person here): an id of 8-16 bytes equal to the last one
     * parsed, compared as the parser's two overlapping words, is that id. */
    uint64_t id = 0, last_a = 0, last_b = 0;
    size_t last_len = 0;
    for (;;) {
        bool got;
        st = om_link_next_row(c, t, &rows, ctx->pr, "residence", begin, ctx->nthreads, &got, err);
        if (st != OM_OK || !got)
            break;
        om_field fi = om_csv_field(c, ci);
        bool same = false;
        if (fi.ptr && last_len && fi.len == last_len) { /* last_len: 0 (none) or 8-16 */
            uint64_t a, b2;
            memcpy(&a, fi.ptr, 8);
            memcpy(&b2, fi.ptr + fi.len - 8, 8);
            same = a == last_a && b2 == last_b;
        }
        if (!same) {
            if (!fi.ptr || !om_link_parse_u64(fi.ptr, fi.len, &id)) {
                st = om_link_id_fail(c, ci, fi, err);
                break;
            }
            last_len = 0;
            if (fi.len >= 8 && fi.len <= 16) {
                memcpy(&last_a, fi.ptr, 8);
                memcpy(&last_b, fi.ptr + fi.len - 8, 8);
                last_len = fi.len;
            }
        }
        om_field fy = om_csv_field(c, cy);
        int y = fy.ptr && fy.len == 4 ? digits(fy.ptr, 4) : -1;
        if (y < OM_YEAR_MIN || y > OM_YEAR_MAX) {
            st = om_csv_fail(c, cy, err, "expected a year %d-%d, found '%.*s'", OM_YEAR_MIN,
                             OM_YEAR_MAX, (int)(fy.len > 40 ? 40 : fy.len), fy.ptr ? fy.ptr : "");
            break;
        }
        om_field fa = om_csv_field(c, ca);
        om_code_key k = {0, 0};
        int32_t a = RES_AREA_PENDING;
        if (fa.ptr)
            k = om_code_key_of(fa.ptr, fa.len);
        if (!k.hi) /* no field, or a code too long to pack: looked up now */
            a = fa.ptr ? om_codemap_get(&ctx->codes, k, fa.ptr, fa.len) : -1;
        b->id[b->n] = id;
        b->key[b->n] = k;
        b->area[b->n] = a;
        b->year[b->n] = (int16_t)y;
        if (++b->n == RES_BATCH && !res_flush(l, &ctx->codes, b, &unknown_area, &unknown_id)) {
            st = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
            break;
        }
    }
    if (st == OM_OK && !res_flush(l, &ctx->codes, b, &unknown_area, &unknown_id))
        st = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
    free(b);
    ctx->rows[t] += rows;
    ctx->unknown_id[t] += unknown_id;
    ctx->unknown_area[t] += unknown_area;
    return st;
}

static om_status area_maps(om_link *l, om_level level, om_error *err)
{
    const om_geo *g = l->geo;
    l->level = level;
    l->narea = om_geo_count(g, level);
    l->nregso = om_geo_count(g, OM_LEVEL_REGSO);
    l->area_regso = malloc((size_t)l->narea * sizeof(int32_t));
    l->area_kommun = malloc((size_t)l->narea * sizeof(int32_t));
    l->area_lan = malloc((size_t)l->narea * sizeof(int32_t));
    if (!l->area_regso || !l->area_kommun || !l->area_lan)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (int32_t i = 0; i < l->narea; i++) {
        l->area_regso[i] = om_geo_parent(g, level, i, OM_LEVEL_REGSO);
        l->area_kommun[i] = om_geo_parent(g, level, i, OM_LEVEL_KOMMUN);
        l->area_lan[i] = om_geo_parent(g, level, i, OM_LEVEL_LAN);
    }
    return OM_OK;
}

static om_status load_residence(om_link *l, const char *const *paths, size_t npaths,
                                const om_link_options *opt, int nthreads, om_error *err)
{
    om_status s = OM_OK;
    res_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    ctx->l = l;
    ctx->pr = &opt->progress;
    ctx->nthreads = nthreads;
    const char *req[3] = {or_default(opt->r_id, "lopnr"), or_default(opt->r_year, "year"),
                          or_default(opt->r_area, "deso")};
    for (size_t k = 0; s == OM_OK && k < npaths; k++) {
        om_csv *c = NULL;
        s = om_csv_open(&c, paths[k], &om_link_numeric_extract, err);
        if (s != OM_OK)
            break;
        s = om_csv_read_header(c, err);
        if (s == OM_OK)
            s = om_csv_require(c, req, 3, ctx->col, err);
        if (s == OM_OK && !ctx->has_codes) {
            /* Level from the first data row's code syntax. */
            size_t save = om_csv_offset(c);
            om_csv *peek = NULL;
            bool got = false;
            s = om_csv_open_slice(&peek, c, save, om_csv_length(c), err);
            if (s == OM_OK)
                s = om_csv_next(peek, &got, err);
            om_level lv = OM_LEVEL_DESO;
            if (s == OM_OK && got) {
                om_field f = om_csv_field(peek, (size_t)ctx->col[2]);
                lv = f.ptr ? om_geo_code_level(f.ptr, f.len) : OM_LEVEL_NONE;
                if (lv != OM_LEVEL_DESO && lv != OM_LEVEL_REGSO)
                    s = om_csv_fail(peek, (size_t)ctx->col[2], err,
                                    "expected a DeSO or RegSO code, found '%.*s'",
                                    (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
            }
            om_csv_free(peek);
            if (s == OM_OK)
                s = area_maps(l, lv, err);
            if (s == OM_OK) {
                ctx->has_codes = om_codemap_init(&ctx->codes, (size_t)l->narea) == OM_OK;
                if (!ctx->has_codes)
                    s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                for (int32_t i = 0; s == OM_OK && i < l->narea; i++) {
                    const char *code = om_geo_code(l->geo, lv, i);
                    if (om_codemap_put(&ctx->codes, code, strlen(code), i) != OM_OK)
                        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                }
            }
        }
        if (s == OM_OK)
            s = om_link_parallel(c, nthreads, res_slice, ctx, err);
        om_csv_free(c);
    }
    if (s == OM_OK && !ctx->has_codes)
        s = area_maps(l, OM_LEVEL_DESO, err);
    for (int t = 0; t < 64; t++) {
        l->stats.res_rows += ctx->rows[t];
        l->stats.res_unknown_id += ctx->unknown_id[t];
        l->stats.res_unknown_area += ctx->unknown_area[t];
    }
    if (ctx->has_codes)
        om_codemap_free(&ctx->codes);
    free(ctx);
    if (s != OM_OK)
        return s;
    l->year0 = 0;
    l->year1 = -1;
    for (int y = OM_YEAR_MIN; y <= OM_YEAR_MAX; y++)
        if (l->res[y - OM_YEAR_MIN]) {
            if (!l->year0)
                l->year0 = y;
            l->year1 = y;
        }
    if (!l->year0)
        return om_error_set(err, OM_ERR_INPUT, npaths ? paths[0] : NULL, 0, 0,
                            "expected residence rows for known persons, found none");
    /* Fill gaps so every year in [year0, year1] has a column, and compute
     * each person's latest residence year. */
    for (int y = l->year0; y <= l->year1; y++)
        if (!year_column(l, y))
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (l->year1 - l->year0 >= 0xFF)
        return om_error_set(err, OM_ERR_INPUT, paths[0], 0, 0,
                            "expected residence years spanning under 255 years, found %d-%d",
                            l->year0, l->year1);
    l->latest = malloc(l->n ? l->n : 1);
    if (!l->latest)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    memset(l->latest, 0xFF, l->n ? l->n : 1);
    /* Locals and a branch-free body: the loop vectorises (it ran serially
     * at ~3 ns a person-year, the counter and bound reloaded through l). */
    const size_t n = l->n;
    uint8_t *latest = l->latest;
    int64_t kept = 0;
    for (int y = l->year0; y <= l->year1; y++) {
        const uint16_t *col = l->res[y - OM_YEAR_MIN];
        const uint8_t yy = (uint8_t)(y - l->year0);
        for (size_t p = 0; p < n; p++) {
            const bool has = col[p] != OM_RES_NONE;
            latest[p] = has ? yy : latest[p];
            kept += has;
        }
    }
    l->stats.res_person_years = kept;
    /* every row that had a known area and person either filled its cell
     * or repeated a filled one */
    l->stats.res_dup = l->stats.res_rows - l->stats.res_unknown_id - l->stats.res_unknown_area -
                       l->stats.res_person_years;
    return OM_OK;
}

/* ------------------------------------------------------------ area types */

/* Area types through the project's one reader of type files (om_areatypes,
 * omrade/sei.h), which merges several files and refuses conflicting or
 * repeated RegSO-years; here each year with at least one type becomes a
 * dense byte array indexed by RegSO. */
static om_status load_types(om_link *l, const char *const *paths, size_t n,
                            const om_link_options *opt, om_error *err)
{
    om_areatypes *a = NULL;
    om_status s = om_areatypes_new(&a, l->geo, err);
    om_areatypes_options ao = {opt->t_area, opt->t_year, opt->t_type, true};
    for (size_t i = 0; s == OM_OK && i < n; i++)
        s = om_areatypes_read(a, paths[i], &ao, err);
    if (s == OM_OK) {
        const om_areatypes_stats *st = om_areatypes_stats_get(a);
        l->stats.type_rows = st->rows + st->notes;
        l->stats.type_unknown_area = st->unknown_area;
        l->stats.type_missing = st->missing;
        l->stats.type_notes = st->notes;
        l->stats.type_repeated = st->repeated;
        l->has_types = true;
    }
    for (size_t i = 0; s == OM_OK && i < om_areatypes_nyears(a); i++) {
        int32_t y = om_areatypes_year_at(a, i);
        /* years outside the residence range the linkage can address are
         * never asked for */
        if (y < OM_YEAR_MIN || y > OM_YEAR_MAX || om_areatypes_ntyped(a, y) == 0)
            continue;
        uint8_t *col = malloc((size_t)l->nregso);
        if (!col) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        for (int32_t r = 0; r < l->nregso; r++) {
            int t = om_areatypes_get(a, r, y);
            col[r] = (uint8_t)(t > 0 ? t : 0);
        }
        l->types[y - OM_YEAR_MIN] = col;
        if (l->ty1 < l->ty0)
            l->ty0 = y;
        l->ty1 = y;
    }
    if (s == OM_OK && l->ty1 < l->ty0)
        s = om_error_set(err, OM_ERR_INPUT, n ? paths[0] : NULL, 0, 0,
                         "expected area types 1-5 for known RegSO, found none");
    om_areatypes_free(a);
    return s;
}

/* ------------------------------------------------------------ public */

om_status om_link_load(om_link **out, const om_geo *geo, const char *persons,
                       const char *const *residence, size_t nres, const char *const *types,
                       size_t ntypes, const om_link_options *opt, om_error *err)
{
    *out = NULL;
    om_link_options dflt;
    memset(&dflt, 0, sizeof dflt);
    if (!opt)
        opt = &dflt;
    int nthreads = opt->threads > 0 ? opt->threads : 2;
    if (nthreads > 64)
        nthreads = 64;
    om_link *l = calloc(1, sizeof *l);
    if (!l)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    pthread_mutex_init(&l->mu, NULL);
    l->geo = geo;
    l->ty0 = 1;
    l->ty1 = 0;
    om_status s = load_persons(l, persons, opt, nthreads, err);
    if (s == OM_OK && l->n == 0) /* name the empty file, not the next one */
        s = om_error_set(err, OM_ERR_INPUT, persons, 0, 0, "expected at least one person, found none");
    if (s == OM_OK)
        s = load_residence(l, residence, nres, opt, nthreads, err);
    if (s == OM_OK && ntypes)
        s = load_types(l, types, ntypes, opt, err);
    if (s != OM_OK) {
        om_link_free(l);
        return s;
    }
    *out = l;
    return OM_OK;
}

void om_link_free(om_link *l)
{
    if (!l)
        return;
    om_u64map_free(l->map);
    free(l->lopnr);
    free(l->birth_year);
    free(l->sex);
    free(l->born);
    free(l->death_day);
    for (size_t k = 0; k < sizeof l->res_chunk / sizeof l->res_chunk[0]; k++)
        free(l->res_chunk[k]);
    free(l->latest);
    for (size_t y = 0; y < sizeof l->types / sizeof l->types[0]; y++)
        free(l->types[y]);
    free(l->area_regso);
    free(l->area_kommun);
    free(l->area_lan);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

const om_link_load_stats *om_link_stats(const om_link *l)
{
    return &l->stats;
}

size_t om_link_persons(const om_link *l)
{
    return l->n;
}

void om_link_years(const om_link *l, int *first, int *last)
{
    *first = l->year0;
    *last = l->year1;
}

void om_link_type_years(const om_link *l, int *first, int *last)
{
    if (l->ty1 < l->ty0) {
        *first = *last = 0;
        return;
    }
    *first = l->ty0;
    *last = l->ty1;
}

bool om_link_has_type_year(const om_link *l, int y)
{
    return y >= OM_YEAR_MIN && y <= OM_YEAR_MAX && l->types[y - OM_YEAR_MIN] != NULL;
}

om_level om_link_area_level(const om_link *l)
{
    return l->level;
}

bool om_link_person(const om_link *l, int64_t lopnr, uint32_t *person)
{
    return lopnr >= 0 && om_u64map_get(l->map, (uint64_t)lopnr, person);
}

int64_t om_link_lopnr(const om_link *l, uint32_t person)
{
    return person < l->n ? l->lopnr[person] : -1;
}

void om_link_person_info(const om_link *l, uint32_t person, int *sex, int *birth_year, int *born)
{
    bool in = person < l->n;
    *sex = in ? l->sex[person] : 0;
    *birth_year = in ? l->birth_year[person] : 0;
    *born = in ? l->born[person] : OM_BORN_UNKNOWN;
}

/* The residence year whose 31 Dec register is the population of statistics
 * year y under m (`latest` keeps omrade's earlier rule: Y-1). */
static int population_year(om_link_method m, int y)
{
    return m.residence == OM_LINK_LATEST ? y - 1 : y + m.residence;
}

bool om_link_stat_years(const om_link *l, const om_link_method *m, size_t n, int *first,
                        int *last)
{
    *first = OM_YEAR_MIN - 10;
    *last = OM_YEAR_MAX + 10;
    for (size_t i = 0; i < n; i++) {
        int off = population_year(m[i], 0);
        if (l->year0 - off > *first)
            *first = l->year0 - off;
        if (l->year1 - off < *last)
            *last = l->year1 - off;
    }
    return *first <= *last;
}

static bool offset_ok(int off)
{
    return off == OM_LINK_LATEST || (off <= 0 && off >= -9);
}

om_status om_link_plan_year(const om_link *l, om_link_method m, int year, om_link_fallback fb,
                            om_link_plan *p, om_error *err)
{
    memset(p, 0, sizeof *p);
    if (!offset_ok(m.residence) || !offset_ok(m.type))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected residence and type years Y, Y-1 or latest");
    p->method = m;
    p->year = year;
    p->residence_year = population_year(m, year);
    p->residence_latest = m.residence == OM_LINK_LATEST;
    if (p->residence_year < l->year0 || p->residence_year > l->year1)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected statistics years whose residence year (%s) is within the "
                            "residence data %d-%d, found %d (residence %d)",
                            p->residence_latest ? "Y-1" : om_link_offset_name(m.residence),
                            l->year0, l->year1, year, p->residence_year);
    if (!l->has_types || fb == OM_LINK_TYPES_UNUSED)
        return OM_OK;
    int want = m.type == OM_LINK_LATEST ? l->ty1 : year + m.type;
    p->type_year_wanted = want;
    if (om_link_has_type_year(l, want)) {
        p->type_year = want;
        return OM_OK;
    }
    if (fb != OM_LINK_TYPES_NEAREST)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected area types of %d (type year %s of statistics year %d), "
                            "found type years %d-%d without it; give a types file with %d or "
                            "allow the nearest year (--type-fallback nearest)",
                            want, om_link_offset_name(m.type), year, l->ty0, l->ty1, want);
    /* Nearest year with types; on a tie the earlier, the one that was
     * published when the later was not yet. */
    for (int d = 1;; d++) {
        if (om_link_has_type_year(l, want - d)) {
            p->type_year = want - d;
            break;
        }
        if (om_link_has_type_year(l, want + d)) {
            p->type_year = want + d;
            break;
        }
    }
    return OM_OK;
}

int32_t om_link_area(const om_link *l, uint32_t p, const om_link_plan *plan, int *type,
                     int *res_year)
{
    return om_link_area_(l, p, plan, type, res_year);
}

void om_link_compare(const om_link *l, const om_link_plan *pa, const om_link_plan *pb,
                     om_link_comparison *out)
{
    memset(out, 0, sizeof *out);
    for (uint32_t p = 0; p < l->n; p++) {
        int t1, t2;
        bool in1 = om_link_area(l, p, pa, &t1, NULL) >= 0;
        bool in2 = om_link_area(l, p, pb, &t2, NULL) >= 0;
        if (in1 && in2) {
            out->tab[t1][t2]++;
            if (t1 && t2) {
                out->typed_both++;
                out->differ += t1 != t2;
            }
        } else if (in1) {
            out->only_a++;
        } else if (in2) {
            out->only_b++;
        }
    }
    out->share = out->typed_both ? (double)out->differ / (double)out->typed_both : NAN;
}

/* Loading persons, residence and area types into dense arrays; linkage.
 *
 * Why this shape: at national scale (10.5 M persons x 14 years) a join of
 * events to residence by (lopnr, year) is the expensive step of every rate
 * table.  Mapping lopnr to a dense index once and keeping residence as a
 * person-by-year array of 16-bit area indices (DeSO fits: 5,984 areas)
 * turns each later join into two array reads.  CSV slices are parsed on
 * threads (om_csv_split); the residence array is written concurrently, with
 * an atomic exchange per cell so a duplicated person-year is always seen. */
#define _DEFAULT_SOURCE
#include "internal.h"

#include <sys/mman.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const method_names[OM_LINK_METHODS] = {"dec31", "latest", "prev"};
static const char *const method_texts[OM_LINK_METHODS] = {
    "residence on 31 Dec before the event year, area type of the event year",
    "latest residence in the data, latest published area type",
    "residence on 31 Dec before the event year, area type of that previous year"};
static const char *const born_names[OM_BORN_N] = {"sweden", "nordic", "eu", "other", "unknown"};

const char *om_link_method_name(om_link_method m)
{
    return (unsigned)m < OM_LINK_METHODS ? method_names[m] : "";
}

const char *om_link_method_text(om_link_method m)
{
    return (unsigned)m < OM_LINK_METHODS ? method_texts[m] : "";
}

int om_link_method_parse(const char *s)
{
    for (int i = 0; i < OM_LINK_METHODS; i++)
        if (s && !strcmp(s, method_names[i]))
            return i;
    return -1;
}

const char *om_link_born_name(int g)
{
    return g >= 0 && g < OM_BORN_N ? born_names[g] : "";
}

/* ------------------------------------------------------------ parsing */

bool om_link_parse_u64(const char *p, size_t n, uint64_t *out)
{
    if (n == 0 || n > 19)
        return false;
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
const om_csv_options om_link_numeric_extract = {0, true, 0, 0};

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

/* Hand back the pages of input already parsed (bytes [*mark, offset)):
 * a mapped register extract is read once, and without this its pages would
 * count in the resident set until the reader is closed.  MADV_PAGEOUT only
 * reclaims clean file pages (a buffer read from a pipe has no backing file
 * and no swap here, so it stays), so the data stays valid either way. */
void om_link_release(om_csv *c, size_t *mark)
{
#ifdef MADV_PAGEOUT
    const uintptr_t pg = 4096;
    const char *d = om_csv_data(c);
    size_t off = om_csv_offset(c);
    uintptr_t a = ((uintptr_t)(d + *mark) + pg - 1) & ~(pg - 1);
    uintptr_t b = (uintptr_t)(d + off) & ~(pg - 1);
    if (b > a + ((uintptr_t)32 << 20)) {
        madvise((void *)a, b - a, MADV_PAGEOUT);
        *mark = (size_t)(b - (uintptr_t)d);
    }
#else
    (void)c;
    (void)mark;
#endif
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
    size_t nc = v->cap ? v->cap * 2 : 1 << 16;
    int64_t *a = realloc(v->lopnr, nc * sizeof *a);
    if (a)
        v->lopnr = a;
    int16_t *b = realloc(v->by, nc * sizeof *b);
    if (b)
        v->by = b;
    uint8_t *c = realloc(v->sex, nc);
    if (c)
        v->sex = c;
    uint8_t *d = realloc(v->born, nc);
    if (d)
        v->born = d;
    int32_t *e = realloc(v->death, nc * sizeof *e);
    if (e)
        v->death = e;
    if (!a || !b || !c || !d || !e)
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
    size_t begin = om_csv_offset(c), mark = begin;
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
            om_link_release(c, &mark);
        }
        if (v->n == v->cap && !pv_grow(v))
            return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
        om_field f = om_csv_field(c, (size_t)ctx->col[0]);
        uint64_t id;
        if (!f.ptr || !om_link_parse_u64(f.ptr, f.len, &id))
            return om_csv_fail(c, (size_t)ctx->col[0], err,
                               "expected a non-negative integer id, found '%.*s'",
                               (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
        f = om_csv_field(c, (size_t)ctx->col[1]);
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
        l->lopnr = malloc((total ? total : 1) * sizeof *l->lopnr);
        l->birth_year = malloc((total ? total : 1) * sizeof *l->birth_year);
        l->sex = malloc(total ? total : 1);
        l->born = malloc(total ? total : 1);
        l->death_day = malloc((total ? total : 1) * sizeof *l->death_day);
        l->map = om_u64map_new(total);
        if (!l->lopnr || !l->birth_year || !l->sex || !l->born || !l->death_day || !l->map)
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    /* Insert in file order: the dense index is the row number among the
     * first occurrences. */
    size_t n = 0;
    for (int t = 0; s == OM_OK && t < nthreads; t++) {
        prow_vec *v = &ctx->v[t];
        for (size_t i = 0; i < v->n; i++) {
            uint32_t ex;
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
    om_strmap *codes; /* area code -> index at l->level */
    const om_progress *pr;
    int nthreads;
    int64_t rows[64], unknown_id[64], unknown_area[64], dup[64];
} res_ctx;

static uint16_t *year_column(om_link *l, int y)
{
    uint16_t **slot = &l->res[y - OM_YEAR_MIN];
    uint16_t *col = __atomic_load_n(slot, __ATOMIC_ACQUIRE);
    if (col)
        return col;
    pthread_mutex_lock(&l->mu);
    col = *slot;
    if (!col) {
        col = malloc((l->n ? l->n : 1) * sizeof *col);
        if (col) {
            memset(col, 0xFF, (l->n ? l->n : 1) * sizeof *col);
            __atomic_store_n(slot, col, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&l->mu);
    return col;
}

/* Rows of a residence slice waiting for their person lookup (see
 * rates.c: batched hash probes overlap their cache misses). */
#define RES_BATCH 32
typedef struct {
    uint64_t id[RES_BATCH];
    uint16_t area[RES_BATCH];
    int16_t year[RES_BATCH];
    int n;
    uint32_t hint;    /* person of the last resolved row */
    uint64_t last_id; /* its lopnr */
    bool seq;         /* the previous new person was the next in persons.csv */
} res_batch;

static bool res_flush(om_link *l, res_batch *b, int64_t *unknown_id, int64_t *dup)
{
    uint32_t p[RES_BATCH];
    bool ok[RES_BATCH];
    /* Files are usually sorted by person: a row is often the same person as
     * the previous one, or the next person in persons.csv. */
    for (int i = 0; i < b->n; i++) {
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
            (*unknown_id)++;
            continue;
        }
        if (b->year[i] != last_y) {
            col = year_column(l, b->year[i]);
            if (!col)
                return false;
            last_y = b->year[i];
        }
        uint16_t old = __atomic_exchange_n(&col[p[i]], b->area[i], __ATOMIC_RELAXED);
        if (old != OM_RES_NONE) {
            /* keep the first value seen */
            __atomic_store_n(&col[p[i]], old, __ATOMIC_RELAXED);
            (*dup)++;
        }
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
    size_t begin = om_csv_offset(c), mark = begin;
    int64_t rows = 0, unknown_id = 0, unknown_area = 0, dup = 0;
    const size_t ci = (size_t)ctx->col[0], cy = (size_t)ctx->col[1], ca = (size_t)ctx->col[2];
    res_batch *b = calloc(1, sizeof *b);
    if (!b)
        return om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
    b->last_id = UINT64_MAX;
    om_status st = OM_OK;
    char last_code[16];
    size_t last_len = 0;
    int32_t last_area = -1;
    for (;;) {
        bool got;
        st = om_csv_next(c, &got, err);
        if (st != OM_OK || !got)
            break;
        rows++;
        if ((rows & 0xFFFF) == 0) {
            if (t == 0)
                om_link_report(ctx->pr, "residence", c, begin, ctx->nthreads);
            om_link_release(c, &mark);
        }
        om_field f = om_csv_field(c, ci);
        uint64_t id;
        if (!f.ptr || !om_link_parse_u64(f.ptr, f.len, &id)) {
            st = om_csv_fail(c, ci, err, "expected a non-negative integer id, found '%.*s'",
                             (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
            break;
        }
        om_field fy = om_csv_field(c, cy);
        int y = fy.ptr && fy.len == 4 ? digits(fy.ptr, 4) : -1;
        if (y < OM_YEAR_MIN || y > OM_YEAR_MAX) {
            st = om_csv_fail(c, cy, err, "expected a year %d-%d, found '%.*s'", OM_YEAR_MIN,
                             OM_YEAR_MAX, (int)(fy.len > 40 ? 40 : fy.len), fy.ptr ? fy.ptr : "");
            break;
        }
        om_field fa = om_csv_field(c, ca);
        int32_t a;
        /* A person's consecutive rows usually repeat the area. */
        if (fa.ptr && fa.len == last_len && last_area >= 0 && memcmp(fa.ptr, last_code, fa.len) == 0)
            a = last_area;
        else
            a = fa.ptr ? om_strmap_get(ctx->codes, fa.ptr, fa.len) : -1;
        if (a < 0) {
            unknown_area++;
            continue;
        }
        if (fa.len <= sizeof last_code) {
            memcpy(last_code, fa.ptr, fa.len);
            last_len = fa.len;
            last_area = a;
        }
        b->id[b->n] = id;
        b->area[b->n] = (uint16_t)a;
        b->year[b->n] = (int16_t)y;
        if (++b->n == RES_BATCH && !res_flush(l, b, &unknown_id, &dup)) {
            st = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
            break;
        }
    }
    if (st == OM_OK && !res_flush(l, b, &unknown_id, &dup))
        st = om_error_set(err, OM_ERR_NOMEM, om_csv_name(c), 0, 0, "out of memory");
    free(b);
    ctx->rows[t] += rows;
    ctx->unknown_id[t] += unknown_id;
    ctx->unknown_area[t] += unknown_area;
    ctx->dup[t] += dup;
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
        if (s == OM_OK && !ctx->codes) {
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
                ctx->codes = om_strmap_new((size_t)l->narea);
                if (!ctx->codes)
                    s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                for (int32_t i = 0; s == OM_OK && i < l->narea; i++) {
                    const char *code = om_geo_code(l->geo, lv, i);
                    if (om_strmap_put(ctx->codes, code, strlen(code), i) != OM_OK)
                        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                }
            }
        }
        if (s == OM_OK)
            s = om_link_parallel(c, nthreads, res_slice, ctx, err);
        om_csv_free(c);
    }
    if (s == OM_OK && !ctx->codes)
        s = area_maps(l, OM_LEVEL_DESO, err);
    for (int t = 0; t < 64; t++) {
        l->stats.res_rows += ctx->rows[t];
        l->stats.res_unknown_id += ctx->unknown_id[t];
        l->stats.res_unknown_area += ctx->unknown_area[t];
        l->stats.res_dup += ctx->dup[t];
    }
    om_strmap_free(ctx->codes);
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
    for (int y = l->year0; y <= l->year1; y++) {
        const uint16_t *col = l->res[y - OM_YEAR_MIN];
        uint8_t yy = (uint8_t)(y - l->year0);
        for (size_t p = 0; p < l->n; p++)
            if (col[p] != OM_RES_NONE) {
                l->latest[p] = yy;
                l->stats.res_person_years++;
            }
    }
    return OM_OK;
}

/* ------------------------------------------------------------ area types */

static om_status load_types(om_link *l, const char *path, const om_link_options *opt,
                            om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    const char *req[3] = {or_default(opt->t_area, "area"), or_default(opt->t_year, "year"),
                          or_default(opt->t_type, "area_type")};
    int col[3];
    typedef struct {
        int32_t regso;
        int16_t year;
        uint8_t type;
    } trow;
    trow *rows = NULL;
    size_t n = 0, cap = 0;
    int ty0 = OM_YEAR_MAX, ty1 = OM_YEAR_MIN;
    /* Two layouts: long (area,year,area_type, from omrade sei) and SCB's
     * statistical-database export: a label column ("Kommun (RegSO-namn)",
     * header empty or e.g. "Område") and one column per year named by the
     * year, followed by footnote rows. */
    bool wide = false;
    int ycol[64], yval[64], ny = 0;
    s = om_csv_read_header(c, err);
    if (s == OM_OK && om_csv_col(c, req[0]) < 0 && !opt->t_area && om_csv_header_count(c) >= 2 &&
        om_csv_header_count(c) <= 65) {
        wide = true;
        for (size_t i = 1; i < om_csv_header_count(c); i++) {
            om_field h = om_csv_header_field(c, i);
            int y = h.len == 4 ? digits(h.ptr, 4) : -1;
            if (y < OM_YEAR_MIN || y > OM_YEAR_MAX) {
                wide = false;
                break;
            }
            ycol[ny] = (int)i;
            yval[ny++] = y;
        }
    }
    if (s == OM_OK && wide)
        col[0] = 0;
    else if (s == OM_OK)
        s = om_csv_require(c, req, 3, col, err);
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        l->stats.type_rows++;
        if (!wide) {
            om_field fy = om_csv_field(c, (size_t)col[1]);
            int y = fy.ptr && fy.len == 4 ? digits(fy.ptr, 4) : -1;
            if (y < OM_YEAR_MIN || y > OM_YEAR_MAX) {
                s = om_csv_fail(c, (size_t)col[1], err, "expected a year, found '%.*s'",
                                (int)(fy.len > 40 ? 40 : fy.len), fy.ptr ? fy.ptr : "");
                break;
            }
            ycol[0] = col[2];
            yval[0] = y;
            ny = 1;
        } else {
            bool any = false;
            for (int k = 0; k < ny; k++)
                any |= om_csv_field(c, (size_t)ycol[k]).len > 0;
            if (!any) { /* a footnote or blank row of the export */
                l->stats.type_notes++;
                continue;
            }
        }
        om_field fa = om_csv_field(c, (size_t)col[0]);
        int32_t r = fa.ptr ? om_geo_find(l->geo, OM_LEVEL_REGSO, fa.ptr, fa.len) : -1;
        if (r < 0 && fa.ptr) {
            om_level lv;
            r = om_geo_resolve(l->geo, fa.ptr, fa.len, &lv);
            if (lv != OM_LEVEL_REGSO)
                r = -1;
        }
        for (int k = 0; s == OM_OK && k < ny; k++) {
            om_field ft = om_csv_field(c, (size_t)ycol[k]);
            if (ft.len == 0 || (ft.len == 2 && ft.ptr[0] == '.' && ft.ptr[1] == '.')) {
                l->stats.type_missing++;
                continue;
            }
            if (ft.len != 1 || ft.ptr[0] < '1' || ft.ptr[0] > '5') {
                s = om_csv_fail(c, (size_t)ycol[k], err,
                                "expected an area type 1-5 or empty, found '%.*s'",
                                (int)(ft.len > 40 ? 40 : ft.len), ft.ptr);
                break;
            }
            if (r < 0) {
                l->stats.type_unknown_area++;
                continue;
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 4096;
                trow *nr = realloc(rows, cap * sizeof *nr);
                if (!nr) {
                    s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                    break;
                }
                rows = nr;
            }
            int y = yval[k];
            rows[n++] = (trow){r, (int16_t)y, (uint8_t)(ft.ptr[0] - '0')};
            if (y < ty0)
                ty0 = y;
            if (y > ty1)
                ty1 = y;
        }
    }
    om_csv_free(c);
    if (s == OM_OK && n == 0)
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                         "expected area types for known RegSO, found none");
    if (s == OM_OK) {
        l->ty0 = ty0;
        l->ty1 = ty1;
        size_t sz = (size_t)(ty1 - ty0 + 1) * (size_t)l->nregso;
        l->types = calloc(sz, 1);
        if (!l->types)
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
        for (size_t i = 0; s == OM_OK && i < n; i++)
            l->types[(size_t)(rows[i].year - ty0) * (size_t)l->nregso + (size_t)rows[i].regso] =
                rows[i].type;
    }
    free(rows);
    return s;
}

/* ------------------------------------------------------------ public */

om_status om_link_load(om_link **out, const om_geo *geo, const char *persons,
                       const char *const *residence, size_t nres, const char *types,
                       const om_link_options *opt, om_error *err)
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
    if (s == OM_OK)
        s = load_residence(l, residence, nres, opt, nthreads, err);
    if (s == OM_OK && types)
        s = load_types(l, types, opt, err);
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
    for (size_t y = 0; y < sizeof l->res / sizeof l->res[0]; y++)
        free(l->res[y]);
    free(l->latest);
    free(l->types);
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

static int clamp_type_year(const om_link *l, int y)
{
    return y < l->ty0 ? l->ty0 : y > l->ty1 ? l->ty1 : y;
}

int32_t om_link_area(const om_link *l, uint32_t p, int year, om_link_method m, int *type)
{
    *type = 0;
    if (p >= l->n || year - 1 < l->year0 || year - 1 > l->year1)
        return -1;
    uint16_t base = l->res[year - 1 - OM_YEAR_MIN][p];
    if (base == OM_RES_NONE)
        return -1;
    uint16_t a = base;
    int ty = year;
    switch (m) {
    case OM_LINK_DEC31: ty = year; break;
    case OM_LINK_PREV: ty = year - 1; break;
    case OM_LINK_LATEST:
    default:
        a = l->res[l->year0 + l->latest[p] - OM_YEAR_MIN][p];
        ty = l->ty1;
        break;
    }
    if (l->types)
        *type = l->types[(size_t)(clamp_type_year(l, ty) - l->ty0) * (size_t)l->nregso +
                         (size_t)l->area_regso[a]];
    return a;
}

void om_link_compare(const om_link *l, int year, om_link_method m1, om_link_method m2,
                     int64_t tab[6][6], double *share)
{
    memset(tab, 0, sizeof(int64_t) * 36);
    int64_t both = 0, diff = 0;
    for (uint32_t p = 0; p < l->n; p++) {
        int t1, t2;
        if (om_link_area(l, p, year, m1, &t1) < 0)
            continue;
        om_link_area(l, p, year, m2, &t2);
        tab[t1][t2]++;
        if (t1 && t2) {
            both++;
            diff += t1 != t2;
        }
    }
    *share = both ? (double)diff / (double)both : NAN;
}

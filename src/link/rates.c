/* Events -> rate tables: the one aggregation kernel.
 *
 * Pipeline (why: national registers hold 10^8 event rows, so every step is a
 * pass over flat arrays):
 * 1. Each events file is split at line ends and parsed on threads.  A row
 *    becomes one 64-bit key (person, day in period, code id) when its code
 *    selects at least one outcome; a code's outcome mask is computed once per
 *    distinct code (thread-local intern table), not per row.
 * 2. Local code ids are remapped to global ones (per file, so the same code
 *    in two registers stays distinct) and keys are packed into the fewest
 *    bits; an LSD radix sort (11-bit digits, two threads per pass) orders
 *    them by person, day and code.  Equal neighbours are duplicate rows.
 * 3. Threads walk person-aligned ranges of the sorted keys and of the person
 *    index, linking each event/person-year with two array reads and adding
 *    into private dense cubes (dimension strides, plus an ESP age band when
 *    standardising); the cubes are summed.  Persons with >= 1 event fall out
 *    of the sort: a person's cells are collected, deduplicated and counted.
 * 4. Measures per cell come from om_stats (see include/omrade/stats.h).
 *
 * Event measures (step 3, per person in date order):
 * - Washout / first events.  An event counts only when the person has no
 *   event of the same outcome in the window before its date: the N
 *   calendar years before it, i.e. from the same date N years earlier (29
 *   February -> 28 February) up to the day before, or the N days before it.
 *   Socialstyrelsen's first-time AMI ("förstagångsinsjuknande") is an AMI
 *   with no AMI in the previous seven years (Statistik om hjärtinfarkter,
 *   HS0114; Folkhälsomyndigheten's indicator "Insjuknande i hjärtinfarkt":
 *   "första gången efter sju infarktfria år"), and its incident case
 *   ("incidenta fall", an attack) begins when more than 28 days have passed
 *   since the previous AMI event.  Every earlier event, counted or not,
 *   opens a window (a readmission within the window is part of the same
 *   history), whether or not it could be linked to a residence; events up to
 *   the window before the first event year are read for this alone
 *   (counts.history).
 * - Case fatality.  Socialstyrelsen's 28-day case fatality ("letalitet inom
 *   28 dagar") is the share of the cases in which the person died within 28
 *   days of the onset.  Here: death date - event date in 0..D days (the
 *   event day is day 0, so a death on day 28 counts and one on day 29 does
 *   not; the day of the event / days 1-28 split of the Swedish register
 *   studies, Rosén et al. 2000, J Intern Med 248:159-164, PubMed 15246134;
 *   docs/rates.md); the death date is the persons file's.  Deaths before the event
 *   date (register errors) are counted apart and left out.  Interval:
 *   Wilson, as for other proportions.
 * - Censoring of the case fatality.  An event can be classified only when
 *   its whole window of days 0..D lies within the follow-up of deaths: event
 *   date + D <= the last day the death dates cover (spec.followup_end, by
 *   default 31 Dec of the last event year).  Later events are left out of
 *   the fatality whatever happened to the person (keeping only those seen
 *   to die would bias it upwards) and counted as censored; they stay in the
 *   rate.  This is the rule of register-based case-fatality studies that
 *   require complete 28-day follow-up (e.g. Socialstyrelsen's AMI
 *   statistics count cases up to the end of the year and follow deaths
 *   into the next; Statistik om hjärtinfarkter, HS0114, Metod).  With the
 *   end on 31 Dec and D = 28: an event on 3 Dec (+28 = 31 Dec) is kept, one
 *   on 4 Dec is censored. */
#define _POSIX_C_SOURCE 200809L
#include "link_internal.h"
#include "rates_km.h"

#include "omrade/stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define CODE_BITS 18
#define DAY_BITS 14
#define MAX_CELLS ((size_t)1 << 28)

enum { D_OUTCOME, D_YEAR, D_TYPE, D_GEO, D_SEX, D_AGE, D_BORN, D_N };

struct om_rates {
    size_t ncells;
    om_rates_cell *cells;
    size_t nsii;
    om_rates_sii_row *sii;
    om_rates_counts *per; /* per outcome */
    om_rates_counts total;
    char age_labels[32][16];
    bool standardised;
    double std_w[OM_ESP_BANDS];
    int year_first, year_last;
    om_link_plan plans[41]; /* per statistics year year_first..year_last */
    rates_km *km;           /* spec.survival (rates_km.c) */
};

/* ---------------------------------------------------------------- parse */

typedef struct {
    uint64_t *keys;
    size_t n, cap;
    om_codemap codes; /* code -> local id */
    bool has_codes;
    char **code_str;  /* local id -> code (NUL-terminated) */
    uint64_t *code_mask;
    size_t ncodes, capcodes;
    int64_t rows, unknown_id, outside, not_selected;
} ev_local;

typedef struct {
    const om_link *l;
    const om_outcomes *o;
    const char *path;
    int col[3];
    int32_t day0, day1; /* period [day0, day1) */
    ev_local loc[64];
    const om_progress *pr;
    int nthreads;
} ev_ctx;

/* One thread's keys of one events file, with their code ids still local:
 * remap[local id] is the global one.  All are packed at once (pack_keys),
 * on all threads, straight into the array that is sorted. */
typedef struct {
    uint64_t *keys;
    size_t n;
    uint32_t *remap;
} ev_piece;

typedef struct {
    ev_piece *v;
    size_t n, cap, nkeys;
} ev_pieces;

static void ev_pieces_free(ev_pieces *ps)
{
    for (size_t i = 0; i < ps->n; i++) {
        free(ps->v[i].keys);
        free(ps->v[i].remap);
    }
    free(ps->v);
    memset(ps, 0, sizeof *ps);
}

static void ev_local_free(ev_local *v)
{
    free(v->keys);
    if (v->has_codes)
        om_codemap_free(&v->codes);
    for (size_t i = 0; i < v->ncodes; i++)
        free(v->code_str[i]);
    free(v->code_str);
    free(v->code_mask);
    memset(v, 0, sizeof *v);
}

static int32_t local_code(ev_ctx *ctx, ev_local *v, om_code_key k, const char *p, size_t n,
                          om_error *err, om_status *st)
{
    int32_t id = om_codemap_get(&v->codes, k, p, n);
    if (id >= 0)
        return id;
    if (v->ncodes >= ((size_t)1 << CODE_BITS)) {
        *st = om_error_set(err, OM_ERR_NOMEM, ctx->path, 0, 0,
                           "expected at most %d distinct codes, found more", 1 << CODE_BITS);
        return -1;
    }
    void *const cols[2] = {&v->code_str, &v->code_mask};
    const size_t sizes[2] = {sizeof *v->code_str, sizeof *v->code_mask};
    if (om_grow_all(cols, sizes, 2, &v->capcodes, v->ncodes + 1, 256, NULL) != OM_OK) {
        *st = om_error_set(err, OM_ERR_NOMEM, ctx->path, 0, 0, "out of memory");
        return -1;
    }
    char *s = malloc(n + 1);
    if (!s || om_codemap_put(&v->codes, p, n, (int32_t)v->ncodes) != OM_OK) {
        free(s);
        *st = om_error_set(err, OM_ERR_NOMEM, ctx->path, 0, 0, "out of memory");
        return -1;
    }
    memcpy(s, p, n);
    s[n] = '\0';
    v->code_str[v->ncodes] = s;
    v->code_mask[v->ncodes] = om_outcomes_mask(ctx->o, ctx->path, p, n);
    return (int32_t)v->ncodes++;
}

/* Rows waiting for their person lookup: the hash probes of a batch are
 * independent, so the processor overlaps their cache misses instead of
 * paying one full memory latency per row. */
#define EV_BATCH 32
typedef struct {
    uint64_t id[EV_BATCH];
    uint32_t rest[EV_BATCH]; /* day offset << CODE_BITS | code */
    int n;
} ev_batch;

static bool ev_flush(ev_local *v, const om_link *l, ev_batch *b, int64_t *unknown_id)
{
    uint32_t p[EV_BATCH];
    bool ok[EV_BATCH];
    for (int i = 0; i < b->n; i++)
        om_u64map_prefetch(l->map, b->id[i]);
    for (int i = 0; i < b->n; i++)
        ok[i] = om_u64map_get(l->map, b->id[i], &p[i]);
    if (v->n + (size_t)b->n > v->cap) {
        size_t nc = v->cap ? v->cap * 2 : 1 << 16;
        if (!om_link_big_grow(&v->keys, v->n * sizeof *v->keys, nc * sizeof *v->keys))
            return false;
        v->cap = nc;
    }
    for (int i = 0; i < b->n; i++) {
        if (!ok[i]) {
            (*unknown_id)++;
            continue;
        }
        v->keys[v->n++] = ((uint64_t)p[i] << 32) | b->rest[i];
    }
    b->n = 0;
    return true;
}

/* One slice of an events file.  Each row lands in exactly one category,
 * tested in this order (cheap tests first, so only selected rows cost a
 * person lookup): outside the period, code selecting no outcome, unknown
 * id, and later duplicate, no residence, no area type, linked. */
static om_status ev_slice(om_csv *c, void *vctx, int t, om_error *err)
{
    ev_ctx *ctx = vctx;
    ev_local *v = &ctx->loc[t];
    const om_link *l = ctx->l;
    v->has_codes = om_codemap_init(&v->codes, 1024) == OM_OK;
    ev_batch *b = malloc(sizeof *b);
    if (!v->has_codes || !b) {
        free(b);
        return om_error_set(err, OM_ERR_NOMEM, ctx->path, 0, 0, "out of memory");
    }
    b->n = 0;
    const size_t ci = (size_t)ctx->col[0], cd = (size_t)ctx->col[1], cc = (size_t)ctx->col[2];
    size_t begin = om_csv_offset(c);
    int64_t rows = 0, unknown_id = 0, outside = 0, not_selected = 0;
    om_status st = OM_OK;
    /* One-entry cache: consecutive rows often repeat a code. */
    om_code_key last_key = {0, 0};
    int32_t last_id = -1;
    om_code_key last_date = {0, 0};
    int32_t last_day = 0;
    for (;;) {
        bool got;
        st = om_link_next_row(c, t, &rows, ctx->pr, "events", begin, ctx->nthreads, &got, err);
        if (st != OM_OK || !got)
            break;
        /* The id is checked now (its error comes first) but converted
         * only for a row that selects an outcome. */
        om_field fi = om_csv_field(c, ci);
        if (!fi.ptr || !om_link_valid_u64(fi.ptr, fi.len)) {
            st = om_link_id_fail(c, ci, fi, err);
            break;
        }
        om_field fd = om_csv_field(c, cd);
        int32_t day;
        int y;
        /* Registers are often sorted by date: a row repeating the previous
         * row's date text reuses its day. */
        om_code_key dk = {0, 0};
        if (fd.ptr)
            dk = om_code_key_of(fd.ptr, fd.len);
        if (dk.hi && om_code_key_eq(dk, last_date)) {
            day = last_day;
        } else if (!fd.ptr || !om_link_parse_date(fd.ptr, fd.len, &day, &y)) {
            st = om_csv_fail(c, cd, err, "expected a date YYYY-MM-DD or YYYYMMDD, found '%.*s'",
                             (int)(fd.len > 40 ? 40 : fd.len), fd.ptr ? fd.ptr : "");
            break;
        } else {
            last_date = dk;
            last_day = day;
        }
        if (day < ctx->day0 || day >= ctx->day1) {
            outside++;
            continue;
        }
        om_field fc = om_csv_field(c, cc);
        if (!fc.ptr) {
            st = om_csv_fail(c, cc, err, "expected a code, found end of line");
            break;
        }
        int32_t code;
        om_code_key k = om_code_key_of(fc.ptr, fc.len);
        if (k.hi && om_code_key_eq(k, last_key)) {
            code = last_id;
        } else {
            code = local_code(ctx, v, k, fc.ptr, fc.len, err, &st);
            if (code < 0)
                break;
            last_key = k;
            last_id = code;
        }
        if (!v->code_mask[code]) {
            not_selected++;
            continue;
        }
        uint64_t id;
        om_link_parse_u64(fi.ptr, fi.len, &id); /* valid: checked above */
        b->id[b->n] = id;
        b->rest[b->n] = ((uint32_t)(day - ctx->day0) << CODE_BITS) | (uint32_t)code;
        if (++b->n == EV_BATCH && !ev_flush(v, l, b, &unknown_id)) {
            st = om_error_set(err, OM_ERR_NOMEM, ctx->path, 0, 0, "out of memory");
            break;
        }
    }
    if (st == OM_OK && !ev_flush(v, l, b, &unknown_id))
        st = om_error_set(err, OM_ERR_NOMEM, ctx->path, 0, 0, "out of memory");
    free(b);
    v->rows = rows;
    v->unknown_id = unknown_id;
    v->outside = outside;
    v->not_selected = not_selected;
    return st;
}

/* ---------------------------------------------------------------- sort */

typedef struct {
    const uint64_t *src;
    uint64_t *dst;
    size_t lo, hi;
    int shift;
    size_t *hist; /* 2048 */
    size_t *base; /* 2048: write positions for this thread */
} rs_job;

static void *rs_hist(void *arg)
{
    rs_job *j = arg;
    memset(j->hist, 0, 2048 * sizeof(size_t));
    for (size_t i = j->lo; i < j->hi; i++)
        j->hist[(j->src[i] >> j->shift) & 2047]++;
    return NULL;
}

static void *rs_scatter(void *arg)
{
    rs_job *j = arg;
    size_t *pos = j->base;
    for (size_t i = j->lo; i < j->hi; i++) {
        uint64_t k = j->src[i];
        j->dst[pos[(k >> j->shift) & 2047]++] = k;
    }
    return NULL;
}

/* fn on jobs[0..nt) (each `size` bytes), one thread each; a job whose
 * thread cannot start runs on the caller's. */
static void run2(void *(*fn)(void *), void *jobs, size_t size, int nt)
{
    pthread_t th[64];
    char *j = jobs;
    int started = 0;
    for (int t = 1; t < nt; t++) {
        if (pthread_create(&th[t], NULL, fn, j + (size_t)t * size) != 0)
            break;
        started = t;
    }
    fn(j);
    for (int t = started + 1; t < nt; t++)
        fn(j + (size_t)t * size);
    for (int t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
}

/* Sort a[0..n) on the low `bits` bits; tmp has room for n keys.  Returns
 * the array holding the result (a or tmp). */
static uint64_t *radix_sort(uint64_t *a, uint64_t *tmp, size_t n, int bits, int nt)
{
    if (nt > 64)
        nt = 64;
    if (n < ((size_t)1 << 16))
        nt = 1;
    rs_job jobs[64];
    size_t (*hist)[2048] = malloc((size_t)nt * sizeof *hist);
    size_t (*base)[2048] = malloc((size_t)nt * sizeof *base);
    if (!hist || !base) {
        free(hist);
        free(base);
        return NULL;
    }
    uint64_t *src = a, *dst = tmp;
    for (int shift = 0; shift < bits; shift += 11) {
        for (int t = 0; t < nt; t++)
            jobs[t] = (rs_job){src, dst, n / (size_t)nt * (size_t)t,
                               t == nt - 1 ? n : n / (size_t)nt * (size_t)(t + 1), shift, hist[t],
                               base[t]};
        run2(rs_hist, jobs, sizeof *jobs, nt);
        size_t off = 0;
        for (int b = 0; b < 2048; b++)
            for (int t = 0; t < nt; t++) {
                base[t][b] = off;
                off += hist[t][b];
            }
        run2(rs_scatter, jobs, sizeof *jobs, nt);
        uint64_t *x = src;
        src = dst;
        dst = x;
    }
    free(hist);
    free(base);
    return src;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

/* ---------------------------------------------------------------- cube */

typedef struct {
    size_t size[D_N], stride[D_N];
    size_t nout;   /* output cells */
    int nband;     /* 19 when standardising (internal age band), else 1 */
    int age_of[151]; /* age (0..150) -> age group */
    int nage;
} cube_shape;

typedef struct {
    double *ev, *pop, *n31; /* nout * nband */
    double *persons;        /* nout */
    double *fat_cases, *fat_deaths; /* nout; NULL without case fatality */
    om_rates_counts *per;   /* per outcome */
    om_rates_counts tot;
} cube;

static int bits_for(uint64_t v)
{
    int b = 0;
    while (b < 64 && (v >> b) != 0)
        b++;
    return b;
}

typedef struct {
    const om_link *l;
    const om_rates_spec *spec;
    const cube_shape *sh;
    size_t noutcome;
    const uint64_t *code_mask; /* global code -> outcomes */
    int dbits, cbits;
    int32_t day0;
    int year_first, year_last;
    const int16_t *day_year; /* day offset -> year; 0 before the period (washout history) */
    const int32_t *wstart;     /* washout: day offset -> first day offset of its window; NULL none */
    int32_t fu_end;            /* case fatality: last day of death follow-up (days since 1970) */
    const om_link_plan *plans; /* per year - year_first */
} agg_ctx;

typedef struct {
    const agg_ctx *a;
    cube c;
    const uint64_t *keys;
    size_t k0, k1;     /* key range */
    uint32_t p0, p1;   /* person range */
    bool fail;
    size_t *pcells;
    size_t npc, cappc;
    rates_km_buf km; /* spec.survival */
} agg_job;

static int geo_of(const om_link *l, unsigned dims, int32_t area)
{
    if (dims & OM_DIM_REGSO)
        return l->area_regso[area];
    if (dims & OM_DIM_KOMMUN)
        return l->area_kommun[area];
    if (dims & OM_DIM_LAN)
        return l->area_lan[area];
    return 0;
}

/* Output cell of a person in year y for outcome o, linked to area/type. */
static size_t cell_index(const agg_ctx *a, uint32_t p, int y, int o, int32_t area, int type,
                         int age)
{
    const cube_shape *sh = a->sh;
    const om_link *l = a->l;
    unsigned dims = a->spec->dims;
    size_t i = (size_t)o * sh->stride[D_OUTCOME];
    if (dims & OM_DIM_YEAR)
        i += (size_t)(y - a->year_first) * sh->stride[D_YEAR];
    if (dims & OM_DIM_TYPE)
        i += (size_t)(type - 1) * sh->stride[D_TYPE];
    if (dims & (OM_DIM_REGSO | OM_DIM_KOMMUN | OM_DIM_LAN))
        i += (size_t)geo_of(l, dims, area) * sh->stride[D_GEO];
    if (dims & OM_DIM_SEX)
        i += (size_t)(l->sex[p] - 1) * sh->stride[D_SEX];
    if (dims & OM_DIM_AGE)
        i += (size_t)sh->age_of[age < 0 ? 0 : age > 150 ? 150 : age] * sh->stride[D_AGE];
    if (dims & OM_DIM_BORN)
        i += (size_t)l->born[p] * sh->stride[D_BORN];
    return i;
}

static int band_of(const cube_shape *sh, int age)
{
    return sh->nband == 1 ? 0 : om_esp_band(age < 0 ? 0 : age);
}

static bool push_pc(agg_job *j, size_t cell)
{
    if (om_grow(&j->pcells, &j->cappc, j->npc + 1, sizeof *j->pcells, 64, NULL) != OM_OK)
        return false;
    j->pcells[j->npc++] = cell;
    return true;
}

static int cmp_size(const void *x, const void *y)
{
    size_t a = *(const size_t *)x, b = *(const size_t *)y;
    return a < b ? -1 : a > b;
}

static void flush_person(agg_job *j)
{
    if (j->npc > 1)
        qsort(j->pcells, j->npc, sizeof *j->pcells, cmp_size);
    for (size_t i = 0; i < j->npc; i++)
        if (i == 0 || j->pcells[i] != j->pcells[i - 1])
            j->c.persons[j->pcells[i]] += 1;
    j->npc = 0;
}

static void *agg_main(void *arg)
{
    agg_job *j = arg;
    const agg_ctx *a = j->a;
    const om_link *l = a->l;
    const cube_shape *sh = a->sh;
    const bool need_type = (a->spec->dims & OM_DIM_TYPE) != 0;
    const int nb = sh->nband;
    const uint64_t cmask = ((uint64_t)1 << a->cbits) - 1;
    const int pshift = a->dbits + a->cbits;
    /* events */
    uint64_t prev = ~(uint64_t)0;
    uint32_t cur = UINT32_MAX;
    const int fat_days = a->spec->fatality_days;
    /* washout: the person's latest event day offset per outcome */
    int32_t last[64];
    for (size_t i = j->k0; i < j->k1; i++) {
        uint64_t k = j->keys[i];
        uint32_t p = (uint32_t)(k >> pshift);
        if (p != cur) {
            flush_person(j);
            cur = p;
            for (size_t o = 0; o < a->noutcome; o++)
                last[o] = INT32_MIN;
        }
        uint64_t mask = a->code_mask[k & cmask];
        if (k == prev) {
            j->c.tot.duplicates++;
            for (size_t o = 0; o < a->noutcome; o++)
                if (mask >> o & 1)
                    j->c.per[o].duplicates++;
            continue;
        }
        prev = k;
        int32_t doff = (int32_t)((k >> a->cbits) & (((uint64_t)1 << a->dbits) - 1));
        int y = a->day_year[doff];
        if (a->wstart) {
            /* keys are in date order within a person: last[o] is the
             * latest earlier event of outcome o */
            uint64_t first = 0;
            for (size_t o = 0; o < a->noutcome; o++) {
                if (!(mask >> o & 1))
                    continue;
                if (last[o] < a->wstart[doff])
                    first |= (uint64_t)1 << o;
                last[o] = doff;
            }
            if (y == 0) {
                j->c.tot.history++;
                for (size_t o = 0; o < a->noutcome; o++)
                    if (mask >> o & 1)
                        j->c.per[o].history++;
                continue;
            }
            for (size_t o = 0; o < a->noutcome; o++)
                if ((mask & ~first) >> o & 1)
                    j->c.per[o].not_first++;
            if (!first) {
                j->c.tot.not_first++;
                continue;
            }
            mask = first;
        }
        int type;
        const om_link_plan *plan = &a->plans[y - a->year_first];
        int32_t area = om_link_area_(l, p, plan, &type, NULL);
        om_rates_counts *cnt = NULL;
        if (area < 0) {
            j->c.tot.no_residence++;
            for (size_t o = 0; o < a->noutcome; o++)
                if (mask >> o & 1)
                    j->c.per[o].no_residence++;
            continue;
        }
        if (need_type && type == 0) {
            j->c.tot.no_type++;
            for (size_t o = 0; o < a->noutcome; o++)
                if (mask >> o & 1)
                    j->c.per[o].no_type++;
            continue;
        }
        j->c.tot.linked++;
        bool subst = need_type && plan->type_year != plan->type_year_wanted;
        j->c.tot.type_substituted += subst;
        int age = y - l->birth_year[p];
        int band = band_of(sh, age);
        /* case fatality: 1 died on day 0..fat_days, 0 did not, -1 death
         * recorded before the event, -2 censored (window past the follow-up) */
        int fatal = 0;
        if (fat_days > 0) {
            int64_t eday = (int64_t)a->day0 + doff;
            if (l->death_day[p] != OM_NO_DEATH && (int64_t)l->death_day[p] < eday)
                fatal = -1;
            else if (eday + fat_days > (int64_t)a->fu_end)
                fatal = -2;
            else if (l->death_day[p] != OM_NO_DEATH)
                fatal = (int64_t)l->death_day[p] - eday <= fat_days;
        }
        if (fatal == -1)
            j->c.tot.death_before_event++;
        else if (fatal == -2)
            j->c.tot.censored++;
        for (size_t o = 0; o < a->noutcome; o++) {
            if (!(mask >> o & 1))
                continue;
            cnt = &j->c.per[o];
            cnt->linked++;
            cnt->type_substituted += subst;
            size_t cell = cell_index(a, p, y, (int)o, area, type, age);
            j->c.ev[cell * (size_t)nb + (size_t)band] += 1;
            if (a->spec->survival &&
                !om_rates_km_push(&j->km, cell, (int)o, (int64_t)a->day0 + doff, l->death_day[p], a->fu_end)) {
                j->fail = true;
                return NULL;
            }
            if (fat_days > 0) {
                if (fatal == -1) {
                    cnt->death_before_event++;
                } else if (fatal == -2) {
                    cnt->censored++;
                } else {
                    j->c.fat_cases[cell] += 1;
                    j->c.fat_deaths[cell] += fatal;
                }
            }
            if (!push_pc(j, cell)) {
                j->fail = true;
                return NULL;
            }
        }
    }
    flush_person(j);
    /* Population at risk: persons registered on 31 Dec of Y-1.  Without
     * person-years every weight is 1 and a person-year adds the same 1 to
     * the cell of each outcome: counted once, in an integer per cell of
     * outcome 0, and added to all outcomes at the end (pop and n31 are
     * still 0 here and the sums are integers below 2^53, so the doubles
     * are those of adding 1 at a time). */
    const size_t nbase = sh->stride[D_OUTCOME] * (size_t)nb;
    uint64_t *count = a->spec->person_years ? NULL : calloc(nbase ? nbase : 1, sizeof *count);
    if (!a->spec->person_years && !count) {
        j->fail = true;
        return NULL;
    }
    for (uint32_t p = j->p0; p < j->p1; p++) {
        for (int y = a->year_first; y <= a->year_last; y++) {
            int type;
            const om_link_plan *plan = &a->plans[y - a->year_first];
            int32_t area = om_link_area_(l, p, plan, &type, NULL);
            if (area < 0)
                continue;
            if (need_type && type == 0) {
                j->c.tot.pop_no_type++;
                continue;
            }
            if (need_type && plan->type_year != plan->type_year_wanted)
                j->c.tot.pop_type_substituted++;
            double w = 1;
            if (a->spec->person_years) {
                int32_t s = om_link_days_from_civil(y, 1, 1), e = om_link_days_from_civil(y + 1, 1, 1);
                double len = (double)(e - s);
                int32_t end = e;
                if (l->death_day[p] < e)
                    end = l->death_day[p] < s ? s : l->death_day[p];
                else if (y <= l->year1 && l->res[y - OM_YEAR_MIN][p] == OM_RES_NONE)
                    end = s + (e - s) / 2; /* left the register during y: mid-year */
                w = (double)(end - s) / len;
            }
            int age = y - l->birth_year[p];
            /* the outcomes' cells differ only in the outcome coordinate */
            size_t cell = cell_index(a, p, y, 0, area, type, age) * (size_t)nb + (size_t)band_of(sh, age);
            if (count) {
                count[cell]++;
                continue;
            }
            for (size_t o = 0; o < a->noutcome; o++, cell += nbase) {
                j->c.pop[cell] += w;
                j->c.n31[cell] += 1;
            }
        }
    }
    for (size_t cell = 0; count && cell < nbase; cell++)
        if (count[cell])
            for (size_t o = 0, k = cell; o < a->noutcome; o++, k += nbase) {
                j->c.pop[k] += (double)count[cell];
                j->c.n31[k] += (double)count[cell];
            }
    free(count);
    return NULL;
}

static bool cube_alloc(cube *c, const cube_shape *sh, size_t noutcome, bool fatality)
{
    size_t nf = sh->nout * (size_t)sh->nband;
    c->ev = calloc(nf, sizeof(double));
    c->pop = calloc(nf, sizeof(double));
    c->n31 = calloc(nf, sizeof(double));
    c->persons = calloc(sh->nout, sizeof(double));
    c->per = calloc(noutcome, sizeof(om_rates_counts));
    if (fatality) {
        c->fat_cases = calloc(sh->nout, sizeof(double));
        c->fat_deaths = calloc(sh->nout, sizeof(double));
        if (!c->fat_cases || !c->fat_deaths)
            return false;
    }
    return c->ev && c->pop && c->n31 && c->persons && c->per;
}

static void cube_free(cube *c)
{
    free(c->ev);
    free(c->pop);
    free(c->n31);
    free(c->persons);
    free(c->fat_cases);
    free(c->fat_deaths);
    free(c->per);
}

static void counts_add(om_rates_counts *d, const om_rates_counts *s)
{
    d->rows += s->rows;
    d->unknown_id += s->unknown_id;
    d->outside_period += s->outside_period;
    d->not_selected += s->not_selected;
    d->duplicates += s->duplicates;
    d->no_residence += s->no_residence;
    d->no_type += s->no_type;
    d->linked += s->linked;
    d->pop_no_type += s->pop_no_type;
    d->type_substituted += s->type_substituted;
    d->pop_type_substituted += s->pop_type_substituted;
    d->history += s->history;
    d->not_first += s->not_first;
    d->death_before_event += s->death_before_event;
    d->censored += s->censored;
}

/* ---------------------------------------------------------------- public */

void om_rates_free(om_rates *r)
{
    if (!r)
        return;
    free(r->cells);
    free(r->sii);
    free(r->per);
    om_rates_km_free(r->km);
    free(r);
}

const rates_km *om_rates_km_(const om_rates *r)
{
    return r->km;
}

size_t om_rates_ncells(const om_rates *r)
{
    return r->ncells;
}
const om_rates_cell *om_rates_cells(const om_rates *r)
{
    return r->cells;
}
size_t om_rates_nsii(const om_rates *r)
{
    return r->nsii;
}
const om_rates_sii_row *om_rates_sii(const om_rates *r)
{
    return r->sii;
}
const om_rates_counts *om_rates_outcome_counts(const om_rates *r, size_t o)
{
    return &r->per[o];
}
const om_rates_counts *om_rates_total_counts(const om_rates *r)
{
    return &r->total;
}
const char *om_rates_age_label(const om_rates *r, int i)
{
    return i >= 0 && i < 32 ? r->age_labels[i] : "";
}
const om_link_plan *om_rates_plan(const om_rates *r, int year)
{
    return year >= r->year_first && year <= r->year_last ? &r->plans[year - r->year_first] : NULL;
}
const double *om_rates_standard(const om_rates *r)
{
    return r->standardised ? r->std_w : NULL;
}

static om_status check_spec(const om_link *l, const om_outcomes *o, const om_rates_spec *spec,
                            int *yf, int *yl, om_link_plan *plans, om_error *err)
{
    if (!o || o->n == 0)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at least one outcome");
    unsigned geo = spec->dims & (OM_DIM_REGSO | OM_DIM_KOMMUN | OM_DIM_LAN);
    if (geo & (geo - 1))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at most one of regso, kommun, lan, found several");
    if ((spec->dims & OM_DIM_TYPE) && !l->has_types)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected an area-types file (--types) to tabulate by area type");
    if (!(spec->level >= 0.9 && spec->level <= 0.9999))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a confidence level from 90 to 99.99 %%, found %g %%",
                            spec->level * 100);
    if (spec->washout_years && spec->washout_days)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a washout in years or in days, found both");
    if (spec->washout_years < 0 || spec->washout_years > 30)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a washout of 1 to 30 years, found %d", spec->washout_years);
    if (spec->washout_days < 0 || spec->washout_days > 3650)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a washout of 1 to 3650 days, found %d", spec->washout_days);
    if (spec->fatality_days < 0 || spec->fatality_days > 3650)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected case-fatality days 1 to 3650, found %d", spec->fatality_days);
    if (spec->followup_end) {
        int y = spec->followup_end / 10000, m = spec->followup_end / 100 % 100, d = spec->followup_end % 100;
        if (y < OM_YEAR_MIN || y > 2100 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected the end of follow-up as a date %d-2100, found %d", OM_YEAR_MIN,
                                spec->followup_end);
    }
    om_status ks = spec->survival ? om_rates_km_check(spec, err) : OM_OK;
    if (ks != OM_OK)
        return ks;
    if (spec->byar_from < 0)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected Byar's limits from a count >= 0, found %d", spec->byar_from);
    if (spec->per < 0 || !isfinite(spec->per))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected rates per a positive number, found %g", spec->per);
    /* Default event years: those whose residence year (under the method)
     * is in the residence data. */
    int df, dl;
    if (!om_link_stat_years(l, &spec->method, 1, &df, &dl))
        df = dl = l->year0;
    *yf = spec->year_first ? spec->year_first : df;
    *yl = spec->year_last ? spec->year_last : dl;
    if (*yf > *yl || *yf < df || *yl > dl)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected event years within %d-%d (residence on 31 Dec of year %s "
                            "is needed), found %d-%d",
                            df, dl, spec->method.residence == OM_LINK_LATEST
                                        ? "Y-1"
                                        : om_link_offset_name(spec->method.residence),
                            *yf, *yl);
    if (*yl - *yf > 40)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a period of at most 40 years, found %d-%d", *yf, *yl);
    {
        /* the keys hold day offsets from the start of the washout history */
        int32_t d0 = om_link_days_from_civil(*yf - spec->washout_years, 1, 1) - spec->washout_days;
        int32_t d1 = om_link_days_from_civil(*yl + 1, 1, 1);
        if (d1 - d0 >= (1 << DAY_BITS))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected the event years plus the washout to span at most 44 "
                                "years, found %d-%d with %d years and %d days of washout",
                                *yf, *yl, spec->washout_years, spec->washout_days);
    }
    om_link_fallback fb = !(spec->dims & OM_DIM_TYPE) ? OM_LINK_TYPES_UNUSED : spec->type_fallback;
    for (int y = *yf; y <= *yl; y++) {
        om_status s = om_link_plan_year(l, spec->method, y, fb, &plans[y - *yf], err);
        if (s != OM_OK)
            return s;
    }
    if (spec->n_age < 0 || spec->n_age > 32)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at most 32 age groups");
    for (int i = 0; i < spec->n_age; i++)
        if ((i == 0 && spec->age_lower[0] != 0) ||
            (i > 0 && spec->age_lower[i] <= spec->age_lower[i - 1]) || spec->age_lower[i] > 150)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected ascending age limits starting at 0");
    if (spec->standard == OM_STD_SWEDEN &&
        (spec->standard_year < l->year0 || spec->standard_year > l->year1))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected a standard population year within %d-%d, found %d",
                            l->year0, l->year1, spec->standard_year);
    return OM_OK;
}

static void shape_init(cube_shape *sh, const om_link *l, const om_rates_spec *spec,
                       size_t noutcome, int yf, int yl, om_rates *r)
{
    unsigned d = spec->dims;
    int lower[32];
    int nage = spec->n_age;
    if (nage == 0) {
        nage = OM_ESP_BANDS;
        for (int i = 0; i < nage; i++)
            lower[i] = 5 * i;
    } else {
        memcpy(lower, spec->age_lower, sizeof lower);
    }
    for (int a = 0, g = 0; a <= 150; a++) {
        while (g + 1 < nage && a >= lower[g + 1])
            g++;
        sh->age_of[a] = g;
    }
    for (int g = 0; g < nage; g++) {
        if (g + 1 < nage)
            snprintf(r->age_labels[g], sizeof r->age_labels[g], "%d-%d", lower[g], lower[g + 1] - 1);
        else
            snprintf(r->age_labels[g], sizeof r->age_labels[g], "%d+", lower[g]);
    }
    sh->nage = nage;
    size_t geo = 1;
    if (d & OM_DIM_REGSO)
        geo = (size_t)om_geo_count(l->geo, OM_LEVEL_REGSO);
    else if (d & OM_DIM_KOMMUN)
        geo = (size_t)om_geo_count(l->geo, OM_LEVEL_KOMMUN);
    else if (d & OM_DIM_LAN)
        geo = (size_t)om_geo_count(l->geo, OM_LEVEL_LAN);
    sh->size[D_OUTCOME] = noutcome;
    sh->size[D_YEAR] = d & OM_DIM_YEAR ? (size_t)(yl - yf + 1) : 1;
    sh->size[D_TYPE] = d & OM_DIM_TYPE ? 5 : 1;
    sh->size[D_GEO] = geo;
    sh->size[D_SEX] = d & OM_DIM_SEX ? 2 : 1;
    sh->size[D_AGE] = d & OM_DIM_AGE ? (size_t)nage : 1;
    sh->size[D_BORN] = d & OM_DIM_BORN ? OM_BORN_N : 1;
    size_t s = 1;
    for (int k = D_N - 1; k >= 0; k--) {
        sh->stride[k] = s;
        s *= sh->size[k];
    }
    sh->nout = s;
    sh->nband = spec->standard != OM_STD_NONE && !(d & OM_DIM_AGE) ? OM_ESP_BANDS : 1;
}

/* Parse one events file into per-thread keys; then give codes global ids
 * (appended to *gmask) and add the keys with their remaps to *pcs. */
static om_status read_events(const om_link *l, const om_outcomes *o, const char *path,
                             const om_rates_spec *spec, int nthreads, int32_t day0, int32_t day1,
                             const om_progress *pr, om_strmap *gcodes, uint64_t **gmask,
                             size_t *ngcodes, size_t *capg, ev_pieces *pcs, om_rates_counts *tot,
                             om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, &om_link_numeric_extract, err);
    if (s != OM_OK)
        return s;
    ev_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        om_csv_free(c);
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    }
    *ctx = (ev_ctx){.l = l, .o = o, .path = path, .day0 = day0, .day1 = day1, .pr = pr, .nthreads = nthreads};
    const char *req[3] = {spec->e_id ? spec->e_id : "lopnr", spec->e_date ? spec->e_date : "date",
                          spec->e_code ? spec->e_code : "code"};
    s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, req, 3, ctx->col, err);
    if (s == OM_OK)
        s = om_link_parallel(c, nthreads, ev_slice, ctx, err);
    /* Global code ids: "file\x1fcode" so equal codes of different files
     * stay distinct rows for duplicate detection. */
    size_t plen = strlen(path);
    for (int t = 0; s == OM_OK && t < nthreads; t++) {
        ev_local *v = &ctx->loc[t];
        tot->rows += v->rows;
        tot->unknown_id += v->unknown_id;
        tot->outside_period += v->outside;
        tot->not_selected += v->not_selected;
        uint32_t *remap = malloc((v->ncodes ? v->ncodes : 1) * sizeof *remap);
        if (!remap) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        for (size_t i = 0; s == OM_OK && i < v->ncodes; i++) {
            size_t cl = strlen(v->code_str[i]);
            char *key = malloc(plen + 1 + cl);
            if (!key) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            memcpy(key, path, plen);
            key[plen] = '\x1f';
            memcpy(key + plen + 1, v->code_str[i], cl);
            int32_t g;
            if (om_strmap_put_new(gcodes, key, plen + 1 + cl, (int32_t)*ngcodes, &g) != OM_OK)
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            free(key);
            if (s != OM_OK)
                break;
            if ((size_t)g == *ngcodes) {
                if (*ngcodes >= ((size_t)1 << CODE_BITS)) {
                    s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0,
                                     "expected at most %d distinct codes, found more",
                                     1 << CODE_BITS);
                    break;
                }
                if (*ngcodes == *capg) {
                    size_t nc = *capg ? *capg * 2 : 1024;
                    uint64_t *nm = realloc(*gmask, nc * sizeof *nm);
                    if (!nm) {
                        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                        break;
                    }
                    *gmask = nm;
                    *capg = nc;
                }
                (*gmask)[*ngcodes] = v->code_mask[i];
                (*ngcodes)++;
            }
            remap[i] = (uint32_t)g;
        }
        if (s == OM_OK)
            s = om_grow(&pcs->v, &pcs->cap, pcs->n + 1, sizeof *pcs->v, 8, err);
        if (s == OM_OK) {
            pcs->v[pcs->n++] = (ev_piece){v->keys, v->n, remap};
            pcs->nkeys += v->n;
            v->keys = NULL; /* the piece owns them now */
            remap = NULL;
        }
        free(remap);
        ev_local_free(v);
    }
    for (int t = 0; t < 64; t++)
        ev_local_free(&ctx->loc[t]);
    free(ctx);
    om_csv_free(c);
    return s;
}

static void measures(om_rates *r, const cube_shape *sh, const cube *c,
                     const om_rates_spec *spec, const double *w, const size_t *cube_of)
{
    const double per = spec->per > 0 ? spec->per : 100000;
    const double byar_from = spec->byar_from > 0 ? spec->byar_from : 10;
    for (size_t i = 0; i < r->ncells; i++) {
        om_rates_cell *x = &r->cells[i];
        size_t ci = cube_of[i];
        const double *ev = &c->ev[ci * (size_t)sh->nband];
        const double *pop = &c->pop[ci * (size_t)sh->nband];
        om_stats_rate_ex(x->events, x->pop, per, spec->level, byar_from, &x->rate, &x->rate_lower,
                         &x->rate_upper);
        om_stats_wilson(x->persons, x->n, spec->level, &x->prop, &x->prop_lower, &x->prop_upper);
        x->fatality = x->fatality_lower = x->fatality_upper = NAN;
        if (c->fat_cases) {
            x->fat_cases = c->fat_cases[ci];
            x->fat_deaths = c->fat_deaths[ci];
            om_stats_wilson(x->fat_deaths, x->fat_cases, spec->level, &x->fatality,
                            &x->fatality_lower, &x->fatality_upper);
        }
        x->dsr = x->dsr_lower = x->dsr_upper = x->dsr_var = NAN;
        x->dsr_note = -1;
        if (sh->nband == OM_ESP_BANDS) {
            om_dsr d;
            om_stats_dsr_ex(OM_ESP_BANDS, ev, pop, w, per, spec->level, byar_from, &d);
            x->dsr = d.dsr;
            x->dsr_lower = d.lower;
            x->dsr_upper = d.upper;
            x->dsr_var = d.var;
            x->dsr_note = d.suppressed;
        }
        x->rr = x->rr_lower = x->rr_upper = NAN;
    }
}

/* The rate used for comparisons: the DSR when standardised and reported,
 * otherwise the crude rate, with its variance (Poisson: rate^2/events). */
static bool cmp_rate(const om_rates_cell *x, bool std, double *rate, double *var)
{
    if (std) {
        if (!isfinite(x->dsr))
            return false;
        *rate = x->dsr;
        *var = x->dsr_var;
        return true;
    }
    if (!(x->pop > 0) || !(x->events > 0))
        return false;
    *rate = x->rate;
    *var = x->rate * x->rate / x->events;
    return true;
}

/* The weights of the standard population: ESP 2013, a file's, or Sweden's
 * registered population of one year by ESP band. */
static void standard_weights(om_rates *r, const om_link *l, const om_rates_spec *spec)
{
    if (spec->standard == OM_STD_ESP2013)
        memcpy(r->std_w, om_esp2013, sizeof r->std_w);
    else if (spec->standard == OM_STD_FILE)
        memcpy(r->std_w, spec->standard_w, sizeof r->std_w);
    else if (spec->standard == OM_STD_SWEDEN) {
        memset(r->std_w, 0, sizeof r->std_w);
        const uint16_t *col = l->res[spec->standard_year - OM_YEAR_MIN];
        for (size_t p = 0; p < l->n; p++)
            if (col[p] != OM_RES_NONE)
                r->std_w[om_esp_band(spec->standard_year - l->birth_year[p] < 0
                                         ? 0
                                         : spec->standard_year - l->birth_year[p])] += 1;
    }
}

/* Packing of a share of the pieces: person | day | global code in the
 * fewest bits. */
typedef struct {
    const ev_pieces *pcs;
    const size_t *off; /* piece i goes to out + off[i] */
    uint64_t *out;
    int t, nt, dbits, cbits;
} pack_job;

static void *pack_main(void *arg)
{
    const pack_job *j = arg;
    const uint64_t lowmask = ((uint64_t)1 << CODE_BITS) - 1, dmask = ((uint64_t)1 << DAY_BITS) - 1;
    for (size_t i = (size_t)j->t; i < j->pcs->n; i += (size_t)j->nt) {
        const ev_piece *pc = &j->pcs->v[i];
        uint64_t *out = j->out + j->off[i];
        for (size_t k = 0; k < pc->n; k++) {
            uint64_t x = pc->keys[k];
            uint64_t p = x >> 32, d = (x >> CODE_BITS) & dmask, c = pc->remap[x & lowmask];
            out[k] = (p << (j->dbits + j->cbits)) | (d << j->cbits) | c;
        }
    }
    return NULL;
}

/* The pieces' keys packed (on nthreads threads, piece i by thread i mod
 * nthreads: each file gives one piece per thread of about equal size)
 * into *keys, then radix sorted; the pieces are freed. */
static om_status pack_keys(ev_pieces *pcs, uint64_t **keys, int pbits, int dbits, int cbits, int nthreads,
                           om_error *err)
{
    size_t nkeys = pcs->nkeys;
    size_t *off = malloc((pcs->n + 1) * sizeof *off);
    *keys = om_link_big_alloc(nkeys * sizeof **keys);
    if (!off || !*keys) {
        free(off);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    off[0] = 0;
    for (size_t i = 0; i < pcs->n; i++)
        off[i + 1] = off[i] + pcs->v[i].n;
    int nt = nthreads > 64 ? 64 : nthreads < 1 ? 1 : nthreads;
    pack_job jobs[64];
    for (int t = 0; t < nt; t++)
        jobs[t] = (pack_job){pcs, off, *keys, t, nt, dbits, cbits};
    run2(pack_main, jobs, sizeof *jobs, nt);
    free(off);
    ev_pieces_free(pcs);
    if (!nkeys)
        return OM_OK; /* no events (a header-only file): nothing to sort */
    uint64_t *tmp = om_link_big_alloc(nkeys * sizeof *tmp);
    if (!tmp)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    uint64_t *sorted = radix_sort(*keys, tmp, nkeys, pbits + dbits + cbits, nthreads);
    if (!sorted) {
        free(tmp);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (sorted == *keys) {
        free(tmp);
    } else {
        free(*keys);
        *keys = tmp;
    }
    return OM_OK;
}

/* The statistics year of each day day0..day1 (offsets from day0); 0 before
 * the period (washout history). */
static om_status day_years(int yf, int yl, int32_t day0, int32_t day1, int16_t **out, om_error *err)
{
    int16_t *day_year = calloc((size_t)(day1 - day0), sizeof *day_year);
    if (!day_year)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (int y = yf; y <= yl; y++)
        for (int32_t d = om_link_days_from_civil(y, 1, 1); d < om_link_days_from_civil(y + 1, 1, 1); d++)
            day_year[d - day0] = (int16_t)y;
    *out = day_year;
    return OM_OK;
}

/* Washout: the window start of each event day in the period (offsets from
 * day0; days before the period never count, so their window is moot). */
static om_status window_starts(int yf, int yl, int32_t day0, int32_t day1, const om_rates_spec *spec,
                               int32_t **out, om_error *err)
{
    int32_t *wstart = calloc((size_t)(day1 - day0), sizeof *wstart);
    if (!wstart)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (int y = yf; y <= yl; y++)
        for (int m = 1; m <= 12; m++)
            for (int d = 1; d <= days_in_month(y, m); d++) {
                int32_t day = om_link_days_from_civil(y, m, d);
                int32_t ws = day - spec->washout_days;
                if (spec->washout_years) {
                    int yy = y - spec->washout_years;
                    int dd = d > days_in_month(yy, m) ? days_in_month(yy, m) : d;
                    ws = om_link_days_from_civil(yy, m, dd);
                }
                wstart[day - day0] = ws - day0;
            }
    *out = wstart;
    return OM_OK;
}

/* Aggregate the sorted keys on nt threads, each into a private cube over
 * a person-aligned range of keys. */
static om_status aggregate(agg_job *jobs, int nt, const agg_ctx *actx, const uint64_t *keys, size_t nkeys,
                           size_t npersons, om_error *err)
{
    for (int t = 0; t < nt; t++) {
        jobs[t].a = actx;
        jobs[t].keys = keys;
        if (!cube_alloc(&jobs[t].c, actx->sh, actx->noutcome, actx->spec->fatality_days > 0))
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        /* person-aligned ranges */
        uint32_t pb = (uint32_t)((uint64_t)npersons * (uint64_t)t / (uint64_t)nt);
        uint32_t pe = (uint32_t)((uint64_t)npersons * (uint64_t)(t + 1) / (uint64_t)nt);
        jobs[t].p0 = pb;
        jobs[t].p1 = pe;
        /* first key with person >= pb */
        size_t lo = 0, hi = nkeys;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if ((uint32_t)(keys[mid] >> (actx->dbits + actx->cbits)) < pb)
                lo = mid + 1;
            else
                hi = mid;
        }
        jobs[t].k0 = lo;
        if (t > 0)
            jobs[t - 1].k1 = lo;
        jobs[t].k1 = nkeys;
    }
    pthread_t th[64];
    int started = 0;
    for (int t = 1; t < nt; t++) {
        if (pthread_create(&th[t], NULL, agg_main, &jobs[t]) != 0)
            break;
        started = t;
    }
    agg_main(&jobs[0]);
    for (int t = started + 1; t < nt; t++)
        agg_main(&jobs[t]);
    for (int t = 1; t <= started; t++)
        pthread_join(th[t], NULL);
    for (int t = 0; t < nt; t++)
        if (jobs[t].fail)
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return OM_OK;
}

/* The threads' cubes summed into the first; the counts into r. */
static void merge_cubes(om_rates *r, agg_job *jobs, int nt, const cube_shape *sh, size_t noutcome)
{
    cube *c = &jobs[0].c;
    size_t nf = sh->nout * (size_t)sh->nband;
    for (int t = 1; t < nt; t++) {
        for (size_t i = 0; i < nf; i++) {
            c->ev[i] += jobs[t].c.ev[i];
            c->pop[i] += jobs[t].c.pop[i];
            c->n31[i] += jobs[t].c.n31[i];
        }
        for (size_t i = 0; i < sh->nout; i++)
            c->persons[i] += jobs[t].c.persons[i];
        for (size_t i = 0; c->fat_cases && i < sh->nout; i++) {
            c->fat_cases[i] += jobs[t].c.fat_cases[i];
            c->fat_deaths[i] += jobs[t].c.fat_deaths[i];
        }
        for (size_t k = 0; k < noutcome; k++)
            counts_add(&c->per[k], &jobs[t].c.per[k]);
        counts_add(&c->tot, &jobs[t].c.tot);
    }
    for (size_t k = 0; k < noutcome; k++)
        counts_add(&r->per[k], &c->per[k]);
    counts_add(&r->total, &c->tot);
}

/* The non-empty cells of cube c, with their coordinates; where[i] is the
 * cell of cube index i (-1: empty), cube_of the reverse (both for the
 * caller to free). */
static om_status collect_cells(om_rates *r, const cube_shape *sh, const cube *c, const om_rates_spec *spec, int yf,
                               int64_t **wherep, size_t **cube_ofp, om_error *err)
{
    size_t n = 0;
    for (size_t i = 0; i < sh->nout; i++) {
        double nn = 0, ee = 0;
        for (int b = 0; b < sh->nband; b++) {
            nn += c->n31[i * (size_t)sh->nband + (size_t)b];
            ee += c->ev[i * (size_t)sh->nband + (size_t)b];
        }
        if (nn > 0 || ee > 0)
            n++;
    }
    r->cells = calloc(n ? n : 1, sizeof *r->cells);
    int64_t *where = *wherep = malloc((sh->nout ? sh->nout : 1) * sizeof *where);
    size_t *cube_of = *cube_ofp = malloc((n ? n : 1) * sizeof *cube_of); /* cell -> cube index */
    if (!r->cells || !where || !cube_of)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < sh->nout; i++) {
        where[i] = -1;
        double nn = 0, ee = 0, pp = 0;
        for (int b = 0; b < sh->nband; b++) {
            nn += c->n31[i * (size_t)sh->nband + (size_t)b];
            ee += c->ev[i * (size_t)sh->nband + (size_t)b];
            pp += c->pop[i * (size_t)sh->nband + (size_t)b];
        }
        if (!(nn > 0 || ee > 0))
            continue;
        om_rates_cell *x = &r->cells[r->ncells];
        where[i] = (int64_t)r->ncells++;
        size_t rem = i;
        int coord[D_N];
        for (int k = 0; k < D_N; k++) {
            coord[k] = (int)(rem / sh->stride[k]);
            rem %= sh->stride[k];
        }
        unsigned d = spec->dims;
        x->outcome = coord[D_OUTCOME];
        x->year = d & OM_DIM_YEAR ? yf + coord[D_YEAR] : -1;
        x->type = d & OM_DIM_TYPE ? coord[D_TYPE] + 1 : -1;
        x->area = d & (OM_DIM_REGSO | OM_DIM_KOMMUN | OM_DIM_LAN) ? coord[D_GEO] : -1;
        x->sex = d & OM_DIM_SEX ? coord[D_SEX] + 1 : -1;
        x->age = d & OM_DIM_AGE ? coord[D_AGE] : -1;
        x->born = d & OM_DIM_BORN ? coord[D_BORN] : -1;
        x->events = ee;
        x->persons = c->persons[i];
        x->pop = pp;
        x->n = nn;
        cube_of[r->ncells - 1] = i;
    }
    return OM_OK;
}

/* Rate ratios of every cell against the cell of the reference area type. */
static void rate_ratios(om_rates *r, const cube_shape *sh, const om_rates_spec *spec, int yf, const int64_t *where)
{
    size_t ts = sh->stride[D_TYPE];
    int ref = spec->ref_type >= 1 && spec->ref_type <= 5 ? spec->ref_type : 5;
    for (size_t k = 0; k < r->ncells; k++) {
        om_rates_cell *x = &r->cells[k];
        size_t i = 0;
        /* recompute the cube index from the coordinates */
        i += (size_t)x->outcome * sh->stride[D_OUTCOME];
        if (x->year >= 0)
            i += (size_t)(x->year - yf) * sh->stride[D_YEAR];
        i += (size_t)(x->type - 1) * ts;
        if (x->area >= 0)
            i += (size_t)x->area * sh->stride[D_GEO];
        if (x->sex >= 0)
            i += (size_t)(x->sex - 1) * sh->stride[D_SEX];
        if (x->age >= 0)
            i += (size_t)x->age * sh->stride[D_AGE];
        if (x->born >= 0)
            i += (size_t)x->born * sh->stride[D_BORN];
        size_t ri = i - (size_t)(x->type - 1) * ts + (size_t)(ref - 1) * ts;
        if (where[ri] < 0)
            continue;
        double r1, v1, r0, v0;
        const om_rates_cell *y = &r->cells[where[ri]];
        if (cmp_rate(x, r->standardised, &r1, &v1) && cmp_rate(y, r->standardised, &r0, &v0))
            om_stats_ratio(r1, v1, r0, v0, spec->level, &x->rr, &x->rr_lower, &x->rr_upper);
    }
}

/* SII and RII across the five area types of every cell without the type
 * (anchored at the cells of type coordinate 0). */
static om_status sii_rows(om_rates *r, const cube_shape *sh, const om_rates_spec *spec, const int64_t *where,
                          om_error *err)
{
    size_t ts = sh->stride[D_TYPE];
    /* SII groups: cells with type coordinate 0 (any) as anchors */
    size_t ngroups = sh->nout / 5;
    r->sii = calloc(ngroups ? ngroups : 1, sizeof *r->sii);
    if (!r->sii)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < sh->nout; i++) {
        if ((i / ts) % 5 != 0)
            continue;
        double pop[5], rate[5], var[5];
        int any = 0;
        const om_rates_cell *first = NULL;
        for (int t = 0; t < 5; t++) {
            int64_t w = where[i + (size_t)t * ts];
            pop[t] = rate[t] = var[t] = 0;
            if (w < 0)
                continue;
            const om_rates_cell *x = &r->cells[w];
            if (!first)
                first = x;
            pop[t] = x->pop;
            if (!cmp_rate(x, r->standardised, &rate[t], &var[t]))
                rate[t] = NAN, var[t] = 0;
            any++;
        }
        if (!any)
            continue;
        om_rates_sii_row *row = &r->sii[r->nsii++];
        om_sii si;
        om_stats_sii(5, pop, rate, var, spec->level, &si);
        row->outcome = first->outcome;
        row->year = first->year;
        row->area = first->area;
        row->sex = first->sex;
        row->age = first->age;
        row->born = first->born;
        row->sii = si.sii;
        row->sii_lower = si.sii_lower;
        row->sii_upper = si.sii_upper;
        row->rii = si.rii;
        row->rii_lower = si.rii_lower;
        row->rii_upper = si.rii_upper;
        row->groups = si.groups;
    }
    return OM_OK;
}

om_status om_rates_run(om_rates **out, const om_link *l, const om_outcomes *o,
                       const om_rates_spec *spec, om_error *err)
{
    *out = NULL;
    int yf = 0, yl = 0;
    om_link_plan plans[41];
    om_status s = check_spec(l, o, spec, &yf, &yl, plans, err);
    if (s != OM_OK)
        return s;
    om_rates *r = calloc(1, sizeof *r);
    if (!r)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    r->year_first = yf;
    r->year_last = yl;
    memcpy(r->plans, plans, sizeof plans);
    cube_shape sh;
    memset(&sh, 0, sizeof sh);
    shape_init(&sh, l, spec, o->n, yf, yl, r);
    if (sh.nout * (size_t)sh.nband > MAX_CELLS) {
        free(r);
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at most %zu cells, found %zu: use fewer dimensions",
                            MAX_CELLS, sh.nout * (size_t)sh.nband);
    }
    int nthreads = spec->threads > 0 ? (spec->threads > 64 ? 64 : spec->threads) : 2;
    standard_weights(r, l, spec);
    r->standardised = sh.nband == OM_ESP_BANDS;
    r->per = calloc(o->n, sizeof *r->per);
    const bool washout = spec->washout_years > 0 || spec->washout_days > 0;
    int32_t day1 = om_link_days_from_civil(yl + 1, 1, 1);
    int32_t day0 = om_link_days_from_civil(yf - spec->washout_years, 1, 1) - spec->washout_days;
    om_strmap *gcodes = om_strmap_new(4096);
    uint64_t *gmask = NULL, *keys = NULL;
    size_t ngcodes = 0, capg = 0;
    ev_pieces pcs = {NULL, 0, 0, 0};
    if (!r->per || !gcodes)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t f = 0; s == OM_OK && f < spec->nevents; f++)
        s = read_events(l, o, spec->events[f], spec, nthreads, day0, day1, &spec->progress, gcodes, &gmask,
                        &ngcodes, &capg, &pcs, &r->total, err);
    om_strmap_free(gcodes);
    /* pack keys: person | day | code in the fewest bits, then sort */
    int dbits = bits_for((uint64_t)(day1 - day0)), cbits = bits_for(ngcodes ? ngcodes - 1 : 0);
    if (cbits == 0)
        cbits = 1;
    int pbits = bits_for(l->n ? l->n - 1 : 0);
    if (s == OM_OK && pbits + dbits + cbits > 64)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "too many persons, days and codes");
    size_t nkeys = pcs.nkeys;
    if (s == OM_OK)
        s = pack_keys(&pcs, &keys, pbits, dbits, cbits, nthreads, err);
    ev_pieces_free(&pcs);
    int16_t *day_year = NULL;
    int32_t *wstart = NULL;
    if (s == OM_OK)
        s = day_years(yf, yl, day0, day1, &day_year, err);
    if (s == OM_OK && washout)
        s = window_starts(yf, yl, day0, day1, spec, &wstart, err);
    /* aggregate on threads with private cubes (one thread if cubes are big) */
    agg_ctx actx = {l,    spec,      &sh,    o->n, gmask, dbits, cbits, day0, yf,
                    yl,   day_year,  wstart, 0, r->plans};
    actx.fu_end = spec->followup_end
                      ? om_link_days_from_civil(spec->followup_end / 10000, spec->followup_end / 100 % 100,
                                                spec->followup_end % 100)
                      : day1 - 1;
    int nt = sh.nout * (size_t)sh.nband * 3 * sizeof(double) > ((size_t)256 << 20) ? 1 : nthreads;
    agg_job jobs[64];
    memset(jobs, 0, sizeof jobs);
    if (s == OM_OK)
        s = aggregate(jobs, nt, &actx, keys, nkeys, l->n, err);
    free(keys);
    free(day_year);
    free(wstart);
    free(gmask);
    if (s == OM_OK)
        merge_cubes(r, jobs, nt, &sh, o->n);
    int64_t *where = NULL;
    size_t *cube_of = NULL;
    if (s == OM_OK)
        s = collect_cells(r, &sh, &jobs[0].c, spec, yf, &where, &cube_of, err);
    if (s == OM_OK && spec->survival) {
        rates_km_buf *kb[64];
        for (int t = 0; t < nt; t++)
            kb[t] = &jobs[t].km;
        s = om_rates_km_build(&r->km, kb, nt, where, r->ncells, o->n, spec, err);
    }
    if (s == OM_OK)
        measures(r, &sh, &jobs[0].c, spec, r->std_w, cube_of);
    if (s == OM_OK && (spec->dims & OM_DIM_TYPE)) {
        rate_ratios(r, &sh, spec, yf, where);
        s = sii_rows(r, &sh, spec, where, err);
    }
    free(where);
    free(cube_of);
    for (int t = 0; t < nt; t++) {
        cube_free(&jobs[t].c);
        free(jobs[t].pcells);
        om_rates_km_buf_free(&jobs[t].km);
    }
    if (s != OM_OK) {
        om_rates_free(r);
        return s;
    }
    *out = r;
    return OM_OK;
}

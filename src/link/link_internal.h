/* Internal to src/link: the population representation shared by link.c
 * (loading, linkage) and rates.c (event aggregation), plus small parsers. */
#ifndef OM_LINK_INTERNAL_H
#define OM_LINK_INTERNAL_H

#include "omrade/csv.h"
#include "omrade/hash.h"
#include "omrade/link.h"

#include <pthread.h>
#include <string.h>

#define OM_RES_NONE 0xFFFFu
#define OM_NO_DEATH INT32_MAX
#define OM_RES_CHUNK 16 /* residence year columns allocated together (link.c) */

struct om_link {
    const om_geo *geo;
    om_level level;        /* level of residence areas (DeSO or RegSO) */
    int32_t narea;
    int32_t *area_regso;   /* area index -> RegSO index */
    int32_t *area_kommun, *area_lan;
    size_t n;              /* persons */
    om_u64map *map;        /* lopnr -> person */
    int64_t *lopnr;
    int16_t *birth_year;
    uint8_t *sex;          /* 1 man, 2 woman */
    uint8_t *born;         /* OM_BORN_* */
    int32_t *death_day;    /* days since 1970-01-01, OM_NO_DEATH when alive */
    int year0, year1;      /* residence years present */
    uint16_t *res[OM_YEAR_MAX - OM_YEAR_MIN + 1]; /* per year: n area indices */
    uint16_t *res_chunk[(OM_YEAR_MAX - OM_YEAR_MIN + OM_RES_CHUNK) / OM_RES_CHUNK]; /* res[] point in */
    int res_ncols;         /* columns handed out from res_chunk */
    uint8_t *latest;       /* latest residence year - year0, 0xFF none */
    bool has_types;        /* a types file was given */
    int ty0, ty1;          /* first and last year with a type; ty1 < ty0 when none */
    uint8_t *types[OM_YEAR_MAX - OM_YEAR_MIN + 1]; /* per year with a type: regso -> 0..5 */
    int32_t nregso;
    om_link_load_stats stats;
    pthread_mutex_t mu;
};

/* Parse helpers on raw fields: true on success. */
bool om_link_parse_u64(const char *p, size_t n, uint64_t *out);
/* True iff om_link_parse_u64 accepts p[0..n): 1-19 digits.  The check
 * without the conversion, for rows that may be dropped before their id is
 * needed (most event rows select no outcome). */
bool om_link_valid_u64(const char *p, size_t n);
/* "YYYY-MM-DD" or "YYYYMMDD" -> days since 1970-01-01 (proleptic Gregorian). */
bool om_link_parse_date(const char *p, size_t n, int32_t *days, int *year);
/* Days since 1970-01-01 of 1 January of year y. */
int32_t om_link_days_from_civil(int y, int m, int d);

/* Run fn over n slices of an open reader (header already read) on n
 * threads.  The first failing slice's error (in slice order) is returned. */
typedef om_status (*om_link_slice_fn)(om_csv *slice, void *ctx, int t, om_error *err);
om_status om_link_parallel(om_csv *c, int nthreads, om_link_slice_fn fn, void *ctx,
                           om_error *err);

void om_link_report(const om_progress *pr, const char *what, om_csv *c, size_t begin,
                    int nthreads);
/* The next row of slice t: *got false at its end; counts the row in *rows
 * and, every 65536 rows, reports progress (slice 0 only) and releases the
 * consumed input. */
om_status om_link_next_row(om_csv *c, int t, int64_t *rows, const om_progress *pr, const char *what,
                           size_t begin, int nthreads, bool *got, om_error *err);
/* The person id in column col: a non-negative integer, else a located error. */
om_status om_link_field_id(om_csv *c, size_t col, uint64_t *id, om_error *err);
/* The located error of om_link_field_id for field f of column col. */
om_status om_link_id_fail(om_csv *c, size_t col, om_field f, om_error *err);

/* A block of `bytes` for a large array written once from start to end
 * (person columns, event keys): from 2 MiB up, 2 MiB-aligned and advised
 * onto transparent huge pages.  A fresh 4 KiB page costs one page fault
 * each (~9 us in a virtual machine measured: 64 MB touched in 140 ms, on
 * huge pages in 4-7 ms), and `omrade rates` touched ~18,000 of them.
 * Freed with free(); NULL when out of memory. */
void *om_link_big_alloc(size_t bytes);
/* *pp grown to `bytes` keeping its first `used` bytes (om_link_big_alloc
 * from 2 MiB up, realloc below); false when out of memory, *pp unchanged. */
bool om_link_big_grow(void *pp, size_t used, size_t bytes);


/* Short codes (DeSO "0114C1010", RegSO "0114R001", ICD "I21") -> int32.
 * A code of up to 15 bytes is packed into two words with its length, so a
 * lookup is one multiply-hash and two word compares instead of a byte-wise
 * hash and memcmp over a string table (which was ~15 % of `omrade rates`).
 * Longer codes go to a string map.  Linear probing at most half full
 * (Knuth, TAOCP 3, 6.4, algorithm L). */
typedef struct {
    uint64_t lo, hi; /* hi == 0: empty slot */
    int32_t value;
} om_code_slot;

typedef struct {
    om_code_slot *slots;
    size_t cap, size;
    om_strmap *longer; /* codes over 15 bytes */
} om_codemap;

typedef struct {
    uint64_t lo, hi; /* hi == 0: longer than 15 bytes */
} om_code_key;

/* The packed key of p[0..n): bytes in order (little-endian loads; fields
 * that overlap are read twice, never past p + n), the top byte of hi
 * holds n + 1. */
static inline om_code_key om_code_key_of(const char *p, size_t n)
{
    om_code_key k = {0, 0};
    if (n > 15)
        return k;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n >= 8) {
        memcpy(&k.lo, p, 8);
        if (n > 8) {
            uint64_t t;
            memcpy(&t, p + n - 8, 8);
            k.hi = t >> (8 * (16 - n));
        }
    } else if (n >= 4) {
        uint32_t x, y;
        memcpy(&x, p, 4);
        memcpy(&y, p + n - 4, 4);
        k.lo = x | (uint64_t)y << (8 * (n - 4));
    } else {
        for (size_t i = 0; i < n; i++)
            k.lo |= (uint64_t)(unsigned char)p[i] << (8 * i);
    }
#else
    for (size_t i = 0; i < n; i++) {
        if (i < 8)
            k.lo |= (uint64_t)(unsigned char)p[i] << (8 * i);
        else
            k.hi |= (uint64_t)(unsigned char)p[i] << (8 * (i - 8));
    }
#endif
    k.hi |= (uint64_t)(n + 1) << 56;
    return k;
}

static inline bool om_code_key_eq(om_code_key a, om_code_key b)
{
    return a.lo == b.lo && a.hi == b.hi;
}

om_status om_codemap_init(om_codemap *m, size_t expected);
void om_codemap_free(om_codemap *m);
/* Set the value (>= 0) of code p[0..n), replacing any earlier one. */
om_status om_codemap_put(om_codemap *m, const char *p, size_t n, int32_t value);

/* The value of code p[0..n) whose key is k, or -1. */
static inline int32_t om_codemap_get(const om_codemap *m, om_code_key k, const char *p, size_t n)
{
    if (!k.hi)
        return om_strmap_get(m->longer, p, n);
    size_t mask = m->cap - 1;
    for (size_t i = om_hash_u64(k.lo ^ om_hash_u64(k.hi)) & mask;; i = (i + 1) & mask) {
        const om_code_slot *s = &m->slots[i];
        if (s->lo == k.lo && s->hi == k.hi)
            return s->value;
        if (!s->hi)
            return -1;
    }
}
/* Fetch the first slot probed for k (k.hi != 0) ahead of its lookup. */
static inline void om_codemap_prefetch(const om_codemap *m, om_code_key k)
{
    __builtin_prefetch(&m->slots[om_hash_u64(k.lo ^ om_hash_u64(k.hi)) & (m->cap - 1)]);
}
extern const om_csv_options om_link_numeric_extract;

/* om_link_area(), inline for the aggregation loops (rates.c), which call
 * it once per event and per person-year. */
static inline int32_t om_link_area_(const struct om_link *l, uint32_t p, const om_link_plan *plan,
                                    int *type, int *res_year)
{
    *type = 0;
    int ry = plan->residence_year;
    if (p >= l->n || ry < l->year0 || ry > l->year1)
        return -1;
    uint16_t a = l->res[ry - OM_YEAR_MIN][p];
    if (a == OM_RES_NONE)
        return -1;
    if (plan->residence_latest) {
        ry = l->year0 + l->latest[p];
        a = l->res[ry - OM_YEAR_MIN][p];
    }
    if (res_year)
        *res_year = ry;
    const uint8_t *col = plan->type_year ? l->types[plan->type_year - OM_YEAR_MIN] : NULL;
    if (col)
        *type = col[l->area_regso[a]];
    return a;
}

static inline uint32_t om_link_regso_of(const struct om_link *l, int32_t area)
{
    return (uint32_t)l->area_regso[area];
}

/* ---- outcome definitions (outcomes.c) ---- */
#define OM_MAX_OUTCOMES 64

typedef struct om_outcome_def {
    char name[64];
    char **pref;
    size_t np;
    bool all;
    char *file; /* NULL = every events file */
} om_outcome_def;

struct om_outcomes {
    size_t n;
    om_outcome_def def[OM_MAX_OUTCOMES];
};

/* Bit i set when outcome i applies to events file `path` and `code` starts
 * with one of its prefixes. */
uint64_t om_outcomes_mask(const om_outcomes *o, const char *path, const char *code, size_t len);

#endif

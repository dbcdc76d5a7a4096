/* Socioeconomic index (SEI) and area types.
 *
 * Method (SCB, "Regionala statistikområden (RegSO) – områdestyper", the
 * documentation of table 000005QX): SEI = mean of three shares in percent;
 * within a year z = (SEI − mean)/SD over all areas (unweighted, sample SD);
 * types 1: z > 2, 2: 1 < z ≤ 2, 3: 0 < z ≤ 1, 4: −1 ≤ z ≤ 0, 5: z < −1.
 *
 * Numerics.  The mean is a compensated sum (Neumaier, "Rundungsfehleranalyse
 * einiger Verfahren zur Summation endlicher Summen", ZAMM 54, 1974) divided
 * by n; the variance is the corrected two-pass algorithm
 *     s² = (Σ d² − (Σ d)²/n) / (n − 1),  d = x − mean,
 * of Chan, Golub & LeVeque, "Algorithms for computing the sample variance:
 * analysis and recommendations", The American Statistician 37(3), 1983,
 * eq. 1.7, whose error bound is independent of the magnitude of the mean.
 * Rounding still leaves z a few ulps off when the exact z is exactly on a
 * class boundary (e.g. SEI 0.3, mean 0.2, SD 0.1 gives 0.9999999999999998),
 * so z within 1e-9 of −1, 0, 1 or 2 is snapped onto it.  The computed z is
 * off by at most about n·u·max|x−mean|/SD ≈ 1e-12 for n = 3,363 (u = 2^-53);
 * inputs are shares with a resolution of about 1e-3 percentage points, so
 * no distinct real input lies within 1e-9 SD of a boundary by accident. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/formats.h"
#include "omrade/sei.h"
#include "omrade/csv.h"
#include "omrade/hash.h"
#include "common/common_internal.h"

#include <assert.h>
#include <float.h>
#include <pthread.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SNAP_TOL 1e-9

struct om_sei {
    om_arena *arena;  /* area strings */
    om_strmap *areas; /* area text -> area id */
    char **area_text; /* area id -> its text (in the arena), shared by rows */
    size_t area_cap;
    om_u64map *keys;  /* (area id << 32 | year) -> row index, for duplicates */
    om_sei_row *rows;
    size_t n, cap;
    om_sei_year *years;
    size_t nyears;
    int64_t flags[4];
};

const char *om_sei_flag_name(om_sei_flag f)
{
    switch (f) {
    case OM_SEI_OK: return "";
    case OM_SEI_MISSING: return "missing_value";
    case OM_SEI_ZERO_DENOM: return "zero_denominator";
    case OM_SEI_SD_UNDEFINED: return "sd_undefined";
    }
    return "";
}

om_status om_sei_new(om_sei **out, om_error *err)
{
    *out = NULL;
    om_sei *s = calloc(1, sizeof *s);
    if (!s)
        return om_error_nomem(err);
    s->arena = om_arena_new(0);
    s->areas = om_strmap_new(4096);
    s->keys = om_u64map_new(65536);
    if (!s->arena || !s->areas || !s->keys) {
        om_sei_free(s);
        return om_error_nomem(err);
    }
    *out = s;
    return OM_OK;
}

void om_sei_free(om_sei *s)
{
    if (!s)
        return;
    om_arena_free(s->arena);
    om_strmap_free(s->areas);
    om_u64map_free(s->keys);
    free(s->rows);
    free(s->years);
    free(s->area_text);
    free(s);
}

/* Append a row; on a duplicate area-year return OM_ERR_INPUT without a
 * message and the earlier row in *dup, so the caller can word the error. */
static om_status add_row(om_sei *s, const char *area, size_t len, int32_t year,
                         const double pct[OM_SEI_NIND], om_sei_flag flag, int flag_ind, long line,
                         size_t *dup, om_error *err)
{
    if (s->n == s->cap &&
        om_grow(&s->rows, &s->cap, s->n + 1, sizeof *s->rows, 1024, err) != OM_OK)
        return OM_ERR_NOMEM;
    int32_t id = om_strmap_get(s->areas, area, len);
    if (id < 0) {
        id = (int32_t)om_strmap_size(s->areas);
        if ((size_t)id == s->area_cap &&
            om_grow(&s->area_text, &s->area_cap, (size_t)id + 1, sizeof *s->area_text, 1024, err) != OM_OK)
            return OM_ERR_NOMEM;
        s->area_text[id] = om_arena_strndup(s->arena, area, len);
        if (!s->area_text[id] || om_strmap_put(s->areas, area, len, id) != OM_OK)
            return om_error_nomem(err);
    }
    uint32_t existing;
    uint64_t key = (uint64_t)(uint32_t)id << 32 | (uint32_t)year;
    if (om_u64map_put_new(s->keys, key, (uint32_t)s->n, &existing) != OM_OK)
        return om_error_nomem(err);
    if (existing != (uint32_t)s->n) {
        *dup = existing;
        return OM_ERR_INPUT;
    }
    om_sei_row *r = &s->rows[s->n++];
    memset(r, 0, sizeof *r);
    r->area = s->area_text[id];
    r->year = year;
    r->line = line;
    for (int k = 0; k < OM_SEI_NIND; k++)
        r->pct[k] = pct[k];
    r->sei = r->z = NAN;
    r->flag = flag;
    r->flag_indicator = flag_ind;
    return OM_OK;
}

/* Non-empty, no surrounding blanks, no control characters (a line break in
 * an area would break the one-line reports). */
static bool area_ok(const char *area, size_t len)
{
    if (len == 0 || area[0] == ' ' || area[len - 1] == ' ')
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)area[i] < 0x20 || area[i] == 0x7f)
            return false;
    return true;
}

static om_status api_checks(const char *area, size_t len, int32_t year, om_error *err)
{
    if (!area_ok(area, len))
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a non-empty area code without surrounding blanks or control "
                            "characters, found '%.*s'",
                            (int)(len > 40 ? 40 : len), area);
    if (!om_year_valid(year))
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a year %d-%d, found %ld", OM_YEAR_MIN,
                            OM_YEAR_MAX, (long)year);
    return OM_OK;
}

static om_status api_add(om_sei *s, const char *area, size_t len, int32_t year,
                         const double pct[OM_SEI_NIND], om_sei_flag flag, int ind, om_error *err)
{
    size_t dup = 0;
    om_status st = add_row(s, area, len, year, pct, flag, ind, 0, &dup, err);
    if (st == OM_ERR_INPUT)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected one row per area and year, found '%.*s' %ld twice",
                            (int)(len > 40 ? 40 : len), area, (long)year);
    return st;
}

om_status om_sei_add_shares(om_sei *s, const char *area, size_t len, int32_t year,
                            const double pct[OM_SEI_NIND], om_error *err)
{
    om_status st = api_checks(area, len, year, err);
    if (st != OM_OK)
        return st;
    om_sei_flag flag = OM_SEI_OK;
    int ind = -1;
    for (int k = 0; k < OM_SEI_NIND; k++) {
        if (isnan(pct[k])) {
            if (flag == OM_SEI_OK) {
                flag = OM_SEI_MISSING;
                ind = k;
            }
        } else if (!(pct[k] >= 0 && pct[k] <= 100)) {
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected a share between 0 and 100 percent, found %g", pct[k]);
        }
    }
    return api_add(s, area, len, year, pct, flag, ind, err);
}

/* 100·num/den: the product is exact for num < 2^46, so the result is the
 * correctly rounded quotient. */
static double share_of(int64_t num, int64_t den)
{
    return (double)num * 100.0 / (double)den;
}

om_status om_sei_add_counts(om_sei *s, const char *area, size_t len, int32_t year,
                            const int64_t num[OM_SEI_NIND], const int64_t den[OM_SEI_NIND],
                            om_error *err)
{
    om_status st = api_checks(area, len, year, err);
    if (st != OM_OK)
        return st;
    double pct[OM_SEI_NIND];
    om_sei_flag flag = OM_SEI_OK;
    int ind = -1;
    for (int k = 0; k < OM_SEI_NIND; k++) {
        pct[k] = NAN;
        om_sei_flag f = OM_SEI_OK;
        if (num[k] < 0 || den[k] < 0)
            f = OM_SEI_MISSING;
        else if (num[k] > den[k])
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected numerator <= denominator, found %lld > %lld",
                                (long long)num[k], (long long)den[k]);
        else if (den[k] == 0)
            f = OM_SEI_ZERO_DENOM;
        else
            pct[k] = share_of(num[k], den[k]);
        if (f != OM_SEI_OK && flag == OM_SEI_OK) {
            flag = f;
            ind = k;
        }
    }
    return api_add(s, area, len, year, pct, flag, ind, err);
}

/* ------------------------------------------------------------ reading */

/* The input's columns, from the schemas (omrade/formats.h): the three
 * shares of the "sei" format or the six counts of "sei-counts", after
 * area and year. */
static const char *share_col(int k)
{
    return om_format_find(OM_FORMAT_SEI)->cols[2 + k].name;
}
static const char *count_col(int k)
{
    return om_format_find(OM_FORMAT_SEI_COUNTS)->cols[2 + k].name;
}

static bool is_missing(om_field f)
{
    return f.len == 0 || (f.len == 2 && f.ptr[0] == '.' && f.ptr[1] == '.');
}

static om_status header_layout(const om_csv *c, int *area_col, int *year_col, bool *counts,
                               int *cols, om_error *err)
{
    static const char *const key_cols[2] = {"area", "year"};
    int kc[2];
    om_status st = om_csv_require(c, key_cols, 2, kc, err);
    if (st != OM_OK)
        return st;
    *area_col = kc[0];
    *year_col = kc[1];
    int ns = 0, nc = 0;
    int sidx[OM_SEI_NIND], cidx[2 * OM_SEI_NIND];
    for (int k = 0; k < OM_SEI_NIND; k++) {
        sidx[k] = om_csv_col(c, share_col(k));
        ns += sidx[k] >= 0;
    }
    for (int k = 0; k < 2 * OM_SEI_NIND; k++) {
        cidx[k] = om_csv_col(c, count_col(k));
        nc += cidx[k] >= 0;
    }
    if (ns == OM_SEI_NIND && nc == 0) {
        *counts = false;
        memcpy(cols, sidx, sizeof sidx);
        return OM_OK;
    }
    if (nc == 2 * OM_SEI_NIND && ns == 0) {
        *counts = true;
        memcpy(cols, cidx, sizeof cidx);
        return OM_OK;
    }
    if (ns > 0 && nc > 0)
        return om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 1, 1,
                            "expected either share columns (*_pct) or count columns (*_n, *_d), "
                            "found both");
    /* Name the first missing column of the set the header started on. */
    const char *names[2 * OM_SEI_NIND];
    for (int k = 0; k < (nc > 0 ? 2 * OM_SEI_NIND : OM_SEI_NIND); k++)
        names[k] = nc > 0 ? count_col(k) : share_col(k);
    size_t nn = nc > 0 ? 2 * OM_SEI_NIND : OM_SEI_NIND;
    int dummy[2 * OM_SEI_NIND];
    return om_csv_require(c, names, nn, dummy, err);
}

/* Plain digits, at most 18 (no overflow possible): the common case of a
 * count, parsed without om_parse_i64's per-digit overflow division.
 * Anything else goes through om_csv_i64() for its checks and messages. */
static bool plain_count(om_field f, int64_t *v)
{
    if (f.len == 0 || f.len > 18)
        return false;
    uint64_t x = 0;
    for (size_t i = 0; i < f.len; i++) {
        unsigned d = (unsigned)(unsigned char)f.ptr[i] - '0';
        if (d > 9)
            return false;
        x = x * 10 + d;
    }
    *v = (int64_t)x;
    return true;
}

/* Parse one count field: -1 when missing; errors for junk and negatives. */
static om_status read_count(const om_csv *c, int col, int64_t *v, om_error *err)
{
    om_field f = om_csv_field(c, (size_t)col);
    if (plain_count(f, v) && *v <= OM_CSV_COUNT_MAX)
        return OM_OK;
    if (is_missing(f)) {
        *v = -1;
        return OM_OK;
    }
    return om_csv_count(c, (size_t)col, 0, v, err);
}

static om_status read_rows(om_sei *s, om_csv *c, om_error *err)
{
    int area_col, year_col, cols[2 * OM_SEI_NIND];
    bool counts = false;
    om_status st = header_layout(c, &area_col, &year_col, &counts, cols, err);
    if (st != OM_OK)
        return st;
    size_t nf = om_csv_header_count(c);
    for (;;) {
        bool got;
        if ((st = om_csv_next(c, &got, err)) != OM_OK)
            return st;
        if (!got)
            break;
        long line = om_csv_line(c);
        if (om_csv_nfields(c) != nf) {
            size_t len = om_csv_length(c);
            bool last = om_csv_offset(c) >= len && len > 0 && om_csv_data(c)[len - 1] != '\n';
            size_t got_n = om_csv_nfields(c);
            return om_csv_fail(c, got_n < nf ? got_n : nf, err, "expected %zu fields, found %zu%s",
                               nf, got_n,
                               last ? " at the end of a file without a final line break "
                                      "(truncated?)"
                                    : "");
        }
        om_field a = om_csv_field(c, (size_t)area_col);
        if (!area_ok(a.ptr, a.len))
            return om_csv_fail(c, (size_t)area_col, err,
                               "expected a non-empty area code without surrounding blanks or "
                               "control characters, found '%.*s'",
                               (int)(a.len > 40 ? 40 : a.len), a.ptr);
        int64_t year;
        if (!plain_count(om_csv_field(c, (size_t)year_col), &year) &&
            (st = om_csv_i64(c, (size_t)year_col, &year, err)) != OM_OK)
            return st;
        if (!om_year_valid(year))
            return om_csv_fail(c, (size_t)year_col, err, "expected a year %d-%d in column 'year', found '%lld'",
                               OM_YEAR_MIN, OM_YEAR_MAX, (long long)year);
        double pct[OM_SEI_NIND];
        om_sei_flag flag = OM_SEI_OK;
        int ind = -1;
        for (int k = 0; k < OM_SEI_NIND; k++) {
            om_sei_flag f = OM_SEI_OK;
            pct[k] = NAN;
            if (!counts) {
                om_field v = om_csv_field(c, (size_t)cols[k]);
                if (is_missing(v)) {
                    f = OM_SEI_MISSING;
                } else {
                    if ((st = om_csv_f64(c, (size_t)cols[k], &pct[k], err)) != OM_OK)
                        return st;
                    if (!(pct[k] >= 0 && pct[k] <= 100))
                        return om_csv_fail(c, (size_t)cols[k], err,
                                           "expected a share between 0 and 100 in column '%s', "
                                           "found '%.*s'",
                                           share_col(k), (int)(v.len > 40 ? 40 : v.len), v.ptr);
                }
            } else {
                int64_t nu, de;
                if ((st = read_count(c, cols[2 * k], &nu, err)) != OM_OK ||
                    (st = read_count(c, cols[2 * k + 1], &de, err)) != OM_OK)
                    return st;
                if (nu < 0 || de < 0)
                    f = OM_SEI_MISSING;
                else if (nu > de)
                    return om_csv_fail(c, (size_t)cols[2 * k], err,
                                       "expected %s <= %s, found %lld > %lld", count_col(2 * k),
                                       count_col(2 * k + 1), (long long)nu, (long long)de);
                else if (de == 0)
                    f = OM_SEI_ZERO_DENOM;
                else
                    pct[k] = share_of(nu, de);
            }
            if (f != OM_SEI_OK && flag == OM_SEI_OK) {
                flag = f;
                ind = k;
            }
        }
        size_t dup = 0;
        st = add_row(s, a.ptr, a.len, (int32_t)year, pct, flag, ind, line, &dup, err);
        if (st == OM_ERR_INPUT)
            return om_csv_fail(c, (size_t)area_col, err,
                               "expected one row per area and year, found '%.*s' %lld again "
                               "(first on line %ld)",
                               (int)(a.len > 40 ? 40 : a.len), a.ptr, (long long)year,
                               s->rows[dup].line);
        if (st != OM_OK)
            return st;
    }
    return OM_OK;
}

static om_status read_csv(om_sei **out, om_csv *c, om_status st, om_error *err)
{
    om_sei *s = NULL;
    *out = NULL;
    if (st == OM_OK)
        st = om_csv_read_header(c, err);
    if (st == OM_OK)
        st = om_sei_new(&s, err);
    if (st == OM_OK)
        st = read_rows(s, c, err);
    om_csv_free(c);
    if (st != OM_OK) {
        om_sei_free(s);
        return st;
    }
    *out = s;
    return OM_OK;
}

om_status om_sei_read(om_sei **out, const char *path, om_error *err)
{
    om_csv *c = NULL;
    om_status st = om_csv_open(&c, path, NULL, err);
    return read_csv(out, c, st, err);
}

om_status om_sei_read_mem(om_sei **out, const char *name, const void *data, size_t len,
                          om_error *err)
{
    om_csv *c = NULL;
    om_status st = om_csv_open_mem(&c, name, data, len, NULL, err);
    return read_csv(out, c, st, err);
}

/* ------------------------------------------------------------ computing */

double om_sei_snap_z(double z)
{
    static const double t[4] = {-1.0, 0.0, 1.0, 2.0};
    for (int k = 0; k < 4; k++)
        if (fabs(z - t[k]) <= SNAP_TOL)
            return t[k];
    return z;
}

int om_sei_type_of_z(double z)
{
    if (isnan(z))
        return 0;
    if (z > 2)
        return 1;
    if (z > 1)
        return 2;
    if (z > 0)
        return 3;
    if (z >= -1)
        return 4;
    return 5;
}

static size_t year_index(const om_sei_year *y, size_t n, int32_t year)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (y[mid].year < year)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Neumaier's variant of Kahan summation. */
typedef struct {
    double sum, comp;
} ksum;

static void ksum_add(ksum *k, double x)
{
    double t = k->sum + x;
    if (fabs(k->sum) >= fabs(x))
        k->comp += (k->sum - t) + x;
    else
        k->comp += (x - t) + k->sum;
    k->sum = t;
}

static double ksum_value(const ksum *k)
{
    return k->sum + k->comp;
}

/* Mean of the three shares.  The sum and quotient are taken in long double
 * (64-bit significand on x86-64, 113 on AArch64), so the sum of three
 * doubles in [0, 100] with at most ~50 significant bits (decimal inputs)
 * is usually exact and the result is the double nearest the true mean:
 * shares 12.6, 13.7, 14.8 give 13.7, not 13.699999999999998. */
static double sei_of(const double pct[OM_SEI_NIND])
{
    long double sum = (long double)pct[0] + (long double)pct[1] + (long double)pct[2];
    return (double)(sum / 3.0L);
}

om_status om_sei_compute(om_sei *s, om_error *err)
{
    /* distinct years, ascending: few of them, and rows come in runs of one
     * year or cycle through the years, so remember the last one seen */
    size_t ny = 0, ycap = 16;
    int32_t *ys = malloc(ycap * sizeof *ys);
    if (!ys)
        return om_error_nomem(err);
    int32_t last = INT32_MIN;
    for (size_t i = 0; i < s->n; i++) {
        int32_t y = s->rows[i].year;
        if (y == last)
            continue;
        last = y;
        size_t lo = 0, hi = ny;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (ys[mid] < y)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < ny && ys[lo] == y)
            continue;
        if (ny == ycap) {
            int32_t *n2 = realloc(ys, 2 * ycap * sizeof *ys);
            if (!n2) {
                free(ys);
                return om_error_nomem(err);
            }
            ys = n2;
            ycap *= 2;
        }
        memmove(&ys[lo + 1], &ys[lo], (ny - lo) * sizeof *ys);
        ys[lo] = y;
        ny++;
    }
    free(s->years);
    s->years = calloc(ny ? ny : 1, sizeof *s->years);
    ksum *sum = calloc(ny ? ny : 1, sizeof *sum);
    ksum *dsum = calloc(ny ? ny : 1, sizeof *dsum);
    ksum *d2sum = calloc(ny ? ny : 1, sizeof *d2sum);
    uint32_t *yi = malloc((s->n ? s->n : 1) * sizeof *yi);
    if (!s->years || !sum || !dsum || !d2sum || !yi) {
        free(ys);
        free(sum);
        free(dsum);
        free(d2sum);
        free(yi);
        return om_error_nomem(err);
    }
    s->nyears = ny;
    for (size_t k = 0; k < ny; k++) {
        s->years[k].year = ys[k];
        s->years[k].mean = s->years[k].sd = NAN;
    }
    free(ys);
    memset(s->flags, 0, sizeof s->flags);

    /* pass 1: SEI and the mean */
    for (size_t i = 0; i < s->n; i++) {
        om_sei_row *r = &s->rows[i];
        size_t k = year_index(s->years, ny, r->year);
        yi[i] = (uint32_t)k;
        om_sei_year *y = &s->years[k];
        y->n_rows++;
        if (r->flag == OM_SEI_SD_UNDEFINED)
            r->flag = OM_SEI_OK; /* recomputed below */
        r->z = NAN;
        r->area_type = 0;
        if (r->flag != OM_SEI_OK) {
            r->sei = NAN;
            continue;
        }
        r->sei = sei_of(r->pct);
        y->n_valid++;
        ksum_add(&sum[k], r->sei);
    }
    for (size_t k = 0; k < ny; k++)
        if (s->years[k].n_valid > 0)
            s->years[k].mean = ksum_value(&sum[k]) / (double)s->years[k].n_valid;

    /* pass 2: corrected two-pass variance */
    for (size_t i = 0; i < s->n; i++) {
        const om_sei_row *r = &s->rows[i];
        if (r->flag != OM_SEI_OK)
            continue;
        double d = r->sei - s->years[yi[i]].mean;
        ksum_add(&dsum[yi[i]], d);
        ksum_add(&d2sum[yi[i]], d * d);
    }
    for (size_t k = 0; k < ny; k++) {
        om_sei_year *y = &s->years[k];
        if (y->n_valid < 2)
            continue;
        double n = (double)y->n_valid, ds = ksum_value(&dsum[k]);
        double var = (ksum_value(&d2sum[k]) - ds * ds / n) / (n - 1);
        double sd = var > 0 ? sqrt(var) : 0;
        /* All SEI equal: the computed SD is rounding noise (at most a few
         * ulps of the mean), and z would be meaningless. */
        if (sd > 64 * DBL_EPSILON * fabs(y->mean))
            y->sd = sd;
    }

    /* pass 3: z and types */
    for (size_t i = 0; i < s->n; i++) {
        om_sei_row *r = &s->rows[i];
        om_sei_year *y = &s->years[yi[i]];
        if (r->flag == OM_SEI_OK && isnan(y->sd)) {
            r->flag = OM_SEI_SD_UNDEFINED;
            r->flag_indicator = -1;
        }
        if (r->flag != OM_SEI_OK) {
            s->flags[r->flag]++;
            y->n_type[0]++;
            continue;
        }
        r->z = om_sei_snap_z((r->sei - y->mean) / y->sd);
        r->area_type = om_sei_type_of_z(r->z);
        y->n_type[r->area_type]++;
    }
    free(sum);
    free(dsum);
    free(d2sum);
    free(yi);
    return OM_OK;
}

OM_ARRAY_ACCESSORS(om_sei, om_sei_row, om_sei_count, om_sei_row_at, n, rows)

OM_ARRAY_ACCESSORS(om_sei, om_sei_year, om_sei_year_count, om_sei_year_at, nyears, years)

void om_sei_flag_counts(const om_sei *s, int64_t counts[4])
{
    memcpy(counts, s->flags, sizeof s->flags);
}

/* Format rows [begin, end) into buf (at least (end − begin)·ROW_MAX
 * bytes); returns the length.  Areas needing CSV quoting are written by
 * quote_area(). */
#define ROW_MAX 256

static size_t put_area(char *out, const char *area)
{
    size_t n = 0;
    bool quote = strpbrk(area, ",\"\r\n") != NULL;
    if (quote)
        out[n++] = '"';
    for (const char *p = area; *p; p++) {
        if (*p == '"')
            out[n++] = '"';
        out[n++] = *p;
    }
    if (quote)
        out[n++] = '"';
    return n;
}

static size_t format_rows(const om_sei *s, size_t begin, size_t end, char *buf)
{
    char *w = buf;
    for (size_t i = begin; i < end; i++) {
        const om_sei_row *r = &s->rows[i];
        w += put_area(w, r->area);
        assert(om_year_valid(r->year)); /* checked on input: four digits */
        *w++ = ',';
        *w++ = (char)('0' + r->year / 1000);
        *w++ = (char)('0' + r->year / 100 % 10);
        *w++ = (char)('0' + r->year / 10 % 10);
        *w++ = (char)('0' + r->year % 10);
        const double v[5] = {r->pct[0], r->pct[1], r->pct[2], r->sei, r->z};
        for (int k = 0; k < 5; k++) {
            *w++ = ',';
            if (!isnan(v[k]))
                w += om_fmt_double(w, 40, v[k]);
        }
        *w++ = ',';
        if (r->area_type)
            *w++ = (char)('0' + r->area_type);
        *w++ = '\n';
    }
    return (size_t)(w - buf);
}

typedef struct {
    const om_sei *s;
    size_t begin, end, len;
    char *buf;
} fmt_job;

static void *fmt_thread(void *arg)
{
    fmt_job *j = arg;
    j->len = format_rows(j->s, j->begin, j->end, j->buf);
    return NULL;
}

om_status om_sei_write_csv(const om_sei *s, FILE *fp, om_error *err)
{
    om_status hs = om_format_write_header(om_format_find(OM_FORMAT_SEI), fp, err);
    if (hs != OM_OK)
        return hs;
    /* Formatting the numbers is most of the work: split the rows over up to
     * four threads, each into its own buffer, written in order.  Bytes per
     * row: area (doubled for quotes, +2) + year + 5 numbers (< 26 each) +
     * type + separators, hence ROW_MAX plus twice the longest area. */
    size_t maxarea = 0;
    for (size_t i = 0; i < s->n; i++) {
        size_t l = strlen(s->rows[i].area);
        if (l > maxarea)
            maxarea = l;
    }
    size_t per_row = ROW_MAX + 2 * maxarea + 2;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t nt = s->n < 20000 ? 1 : cpus > 4 ? 4 : cpus < 1 ? 1 : (size_t)cpus;
    fmt_job jobs[4];
    pthread_t tid[4];
    bool started[4] = {false, false, false, false};
    om_status st = OM_OK;
    for (size_t t = 0; t < nt; t++) {
        jobs[t].s = s;
        jobs[t].begin = s->n * t / nt;
        jobs[t].end = s->n * (t + 1) / nt;
        jobs[t].len = 0;
        jobs[t].buf = malloc((jobs[t].end - jobs[t].begin) * per_row + 1);
        if (!jobs[t].buf)
            st = om_error_nomem(err);
    }
    for (size_t t = 1; t < nt && st == OM_OK; t++)
        started[t] = pthread_create(&tid[t], NULL, fmt_thread, &jobs[t]) == 0;
    if (st == OM_OK)
        fmt_thread(&jobs[0]);
    for (size_t t = 1; t < nt; t++) {
        if (started[t])
            pthread_join(tid[t], NULL);
        else if (st == OM_OK)
            fmt_thread(&jobs[t]); /* no thread: do it here */
    }
    for (size_t t = 0; t < nt; t++) {
        if (st == OM_OK)
            fwrite(jobs[t].buf, 1, jobs[t].len, fp);
        free(jobs[t].buf);
    }
    if (st != OM_OK)
        return st;
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}

/* Aggregation of person-level microdata into area indicators.
 *
 * SEI input (SCB, "Områdestyper efter socioekonomisk status / Regionala
 * statistikområden (RegSO)", method description): per area and year
 *   low_econ   persons (all ages) whose disposable income per consumption
 *              unit is below 60 % of the national median of that year
 *              (median over every resident person-year of the year);
 *   pre_upper  persons with at most pre-upper-secondary education (education
 *              code 1) among residents of SCB's age band with a known
 *              education;
 *   assist_unemp  "andel personer med ekonomiskt bistånd i minst tio månader
 *              och/eller arbetslösa längre än sex månader": persons of the
 *              band with assist_months >= 10 and/or unemp_days > 180 (one
 *              count per person), om_sei_long_assist_unemp().
 * SCB's age band is 20-64 up to 2022 and 20-65 from 2023, age = year - birth
 * year (om_sei_age_band(), the single definition).  Denominators are the
 * persons of the same population.
 *
 * Joins: persons.csv gives birth year, sex and birth region per lopnr (hash
 * index to a dense person number); residence.csv gives one DeSO per person
 * and year (dense person x year array); person_year.csv rows are linked
 * through both.  Rows that cannot be linked are counted, never dropped
 * silently.  The barometer needs the median first, so person_year.csv is
 * read twice.
 *
 * Memory (the full-scale synthetic population has 12 M persons, 140 M
 * person-years and a 6.3 GB person_year.csv): the inputs are mapped and
 * handed back behind the reader (om_csv_release), so a file never stays
 * resident as a whole; a person costs 8 bytes of lopnr, 4 of attributes and
 * about 6 of hash index; a person-year 2 bytes of DeSO, plus 4 of income
 * and 1 of flags for the SEI counts.  The barometer keeps the incomes only
 * until the medians are known and frees them before it allocates its cube.
 * docs/synth.md gives the measured peak. */
#include "synth_internal.h"

#include "omrade/formats.h"
#include "omrade/csv.h"
#include "omrade/sei.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define NY OM_SYNTH_NYEARS
#define Y0 OM_SYNTH_YEAR0

typedef struct ind {
    const om_geo *geo;
    int32_t np;
    size_t cap;
    uint64_t *lopnr;  /* per person */
    int16_t *byear;
    int8_t *sex, *abroad;
    uint32_t *slot;   /* 2^bits open-addressing slots: person + 1, 0 empty */
    unsigned bits;
    uint32_t last;    /* person of the last lookup (rows come grouped by person) */
    int16_t *res;   /* np x NY DeSO index, -1 none */
    int32_t *inc;   /* np x NY income, -1 none */
    uint8_t *flag;  /* np x NY: 1 pre_upper, 2 assist/unemp, 4 education known */
    double median[NY], p20[NY];
    om_indicators_summary sum;
} ind;

static void ind_free(ind *x)
{
    free(x->lopnr);
    free(x->slot);
    free(x->byear);
    free(x->sex);
    free(x->abroad);
    free(x->res);
    free(x->inc);
    free(x->flag);
}

/* lopnr -> person: linear probing on Fibonacci hashing (Knuth, TAOCP 3,
 * 6.4), the slots holding only the person number (the key is lopnr[p]).
 * Half the size of a general uint64 -> uint32 map, which matters at 12 M
 * persons. */
static size_t slot_of(uint64_t id, unsigned bits)
{
    return (size_t)((id * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - bits));
}

static uint32_t *slot_find(const ind *x, uint64_t id)
{
    size_t mask = ((size_t)1 << x->bits) - 1;
    size_t i = slot_of(id, x->bits);
    while (x->slot[i] && x->lopnr[x->slot[i] - 1] != id)
        i = (i + 1) & mask;
    return &x->slot[i];
}

/* Rows come grouped by person, in persons.csv's order when written by
 * omrade synth: the last person found, then the next one, are tried before
 * the index. */
static bool person_find(ind *x, uint64_t id, uint32_t *p)
{
    if (x->np == 0)
        return false;
    if (x->lopnr[x->last] != id && x->last + 1 < (uint32_t)x->np && x->lopnr[x->last + 1] == id) {
        x->last++;
    } else if (x->lopnr[x->last] != id) {
        uint32_t v = *slot_find(x, id);
        if (!v)
            return false;
        x->last = v - 1;
    }
    *p = x->last;
    return true;
}

/* Keep the index at most half full: rebuilt from lopnr[] at twice the size. */
static om_status index_grow(ind *x, om_error *err)
{
    if (x->slot && ((size_t)x->np + 1) * 2 <= (size_t)1 << x->bits)
        return OM_OK;
    unsigned bits = x->slot ? x->bits + 1 : 16;
    free(x->slot);
    x->bits = bits;
    x->slot = calloc((size_t)1 << bits, sizeof *x->slot);
    if (!x->slot)
        return om_error_nomem(err);
    for (int32_t p = 0; p < x->np; p++)
        *slot_find(x, x->lopnr[p]) = (uint32_t)p + 1;
    return OM_OK;
}

static om_status open_in(om_csv **c, const char *dir, const char *name, om_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    om_csv_options o;
    memset(&o, 0, sizeof o);
    o.no_utf8_check = false;
    om_status s = om_csv_open(c, path, &o, err);
    if (s == OM_OK && (s = om_csv_read_header(*c, err)) != OM_OK) {
        om_csv_free(*c);
        *c = NULL;
    }
    return s;
}

static om_status load_persons(ind *x, const char *dir, om_error *err)
{
    om_csv *c;
    om_status s = open_in(&c, dir, "persons.csv", err);
    if (s)
        return s;
    static const char *names[] = {"lopnr", "sex", "birth_date", "country_group"};
    int ix[4];
    if ((s = om_csv_require(c, names, 4, ix, err))) {
        om_csv_free(c);
        return s;
    }
    bool got;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        int64_t id, sex;
        if ((s = om_csv_i64(c, (size_t)ix[0], &id, err)) || (s = om_csv_i64(c, (size_t)ix[1], &sex, err)))
            break;
        om_field bd = om_csv_field(c, (size_t)ix[2]);
        int64_t by;
        if (bd.len != 10 || !om_parse_i64(bd.ptr, 4, &by) || by < 1850 || by > 2100) {
            s = om_csv_fail(c, (size_t)ix[2], err, "expected a date YYYY-MM-DD, found '%.*s'",
                            (int)bd.len, bd.ptr);
            break;
        }
        if (sex != 1 && sex != 2) {
            s = om_csv_fail(c, (size_t)ix[1], err, "expected sex 1 or 2, found %lld", (long long)sex);
            break;
        }
        if ((size_t)x->np == x->cap) {
            size_t nc = x->cap ? x->cap * 2 : 1 << 16;
            uint64_t *l = realloc(x->lopnr, nc * sizeof *l);
            if (l)
                x->lopnr = l;
            int16_t *b = realloc(x->byear, (size_t)nc * sizeof *b);
            if (b)
                x->byear = b;
            int8_t *sx = realloc(x->sex, (size_t)nc);
            if (sx)
                x->sex = sx;
            int8_t *ab = realloc(x->abroad, (size_t)nc);
            if (ab)
                x->abroad = ab;
            if (!l || !b || !sx || !ab) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            x->cap = nc;
        }
        if ((s = index_grow(x, err)))
            break;
        uint32_t *sl = slot_find(x, (uint64_t)id);
        if (*sl) {
            s = om_csv_fail(c, (size_t)ix[0], err, "expected a new lopnr, found duplicate %lld",
                            (long long)id);
            break;
        }
        *sl = (uint32_t)x->np + 1;
        x->lopnr[x->np] = (uint64_t)id;
        om_field cg = om_csv_field(c, (size_t)ix[3]);
        x->byear[x->np] = (int16_t)by;
        x->sex[x->np] = (int8_t)sex;
        x->abroad[x->np] = !(cg.len == 6 && memcmp(cg.ptr, "sweden", 6) == 0);
        x->np++;
        om_csv_release(c);
    }
    om_csv_free(c);
    x->sum.persons = x->np;
    return s;
}

static om_status load_residence(ind *x, const char *dir, om_error *err)
{
    size_t n = (size_t)x->np * NY;
    x->res = malloc((n ? n : 1) * sizeof *x->res);
    if (!x->res)
        return om_error_nomem(err);
    for (size_t i = 0; i < n; i++)
        x->res[i] = -1;
    om_csv *c;
    om_status s = open_in(&c, dir, "residence.csv", err);
    if (s)
        return s;
    static const char *names[] = {"lopnr", "year", "deso"};
    int ix[3];
    if ((s = om_csv_require(c, names, 3, ix, err))) {
        om_csv_free(c);
        return s;
    }
    bool got;
    char prev[16]; /* the last DeSO code looked up: most persons stay put */
    size_t prevlen = 0;
    int32_t di = -1;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        int64_t id, y;
        if ((s = om_csv_i64(c, (size_t)ix[0], &id, err)) || (s = om_csv_i64(c, (size_t)ix[1], &y, err)))
            break;
        x->sum.residence_rows++;
        om_csv_release(c);
        om_field d = om_csv_field(c, (size_t)ix[2]);
        uint32_t p;
        if (d.len != prevlen || prevlen == 0 || memcmp(d.ptr, prev, d.len) != 0) {
            di = om_geo_find(x->geo, OM_LEVEL_DESO, d.ptr, d.len);
            prevlen = d.len < sizeof prev ? d.len : 0;
            memcpy(prev, d.ptr, prevlen);
        }
        if (!person_find(x, (uint64_t)id, &p) || y < Y0 || y >= Y0 + NY || di < 0 ||
            x->res[(size_t)p * NY + (size_t)(y - Y0)] >= 0) {
            x->sum.rejected_residence++;
            continue;
        }
        x->res[(size_t)p * NY + (size_t)(y - Y0)] = (int16_t)di;
    }
    om_csv_free(c);
    return s;
}

typedef struct pyrow {
    uint32_t p;
    int y;
    int64_t f[17]; /* income..upsec_exam; INT64_MIN = empty (or no such column) */
} pyrow;

static const char *const py_names[] = {"lopnr",      "year",     "income_cu",   "education",
                                       "assist_months", "unemp_days", "employed", "studying",
                                       "sick_days",  "house_type", "tenure",    "dwelling_m2",
                                       "voted",      "merit",    "eligible_upper", "voted_region",
                                       "voted_kommun", "preschool", "upsec_exam"};
#define PY_CORE 6 /* columns required for the SEI input */
#define PY_ALL 15 /* columns required for the barometer */
#define PY_OPT 19 /* ... and the optional ones after them (files written before they existed) */

/* Parse one person_year row; returns false (and counts it) when unlinked. */
static om_status py_row(ind *x, om_csv *c, const int *ix, int ncols, pyrow *r, bool *linked,
                        om_error *err)
{
    int64_t id, y;
    om_status s;
    if ((s = om_csv_i64(c, (size_t)ix[0], &id, err)) || (s = om_csv_i64(c, (size_t)ix[1], &y, err)))
        return s;
    *linked = false;
    if (!person_find(x, (uint64_t)id, &r->p) || y < Y0 || y >= Y0 + NY ||
        x->res[(size_t)r->p * NY + (size_t)(y - Y0)] < 0)
        return OM_OK;
    r->y = (int)y;
    for (int k = 2; k < ncols; k++) {
        if (ix[k] < 0 || om_csv_empty(c, (size_t)ix[k])) {
            r->f[k - 2] = INT64_MIN;
        } else if ((s = om_csv_i64(c, (size_t)ix[k], &r->f[k - 2], err))) {
            return s;
        }
    }
    if (r->f[0] == INT64_MIN)
        return om_csv_fail(c, (size_t)ix[2], err, "expected an income, found an empty field");
    *linked = true;
    return OM_OK;
}

/* First pass over person_year.csv: incomes (for the medians) and, when
 * `flags`, the SEI flags of every linked person-year. */
static om_status pass1(ind *x, const char *dir, bool flags, om_error *err)
{
    size_t n = (size_t)x->np * NY;
    x->inc = malloc((n ? n : 1) * sizeof *x->inc);
    x->flag = flags ? calloc(n ? n : 1, 1) : NULL;
    if (!x->inc || (flags && !x->flag))
        return om_error_nomem(err);
    for (size_t i = 0; i < n; i++)
        x->inc[i] = -1;
    om_csv *c;
    om_status s = open_in(&c, dir, "person_year.csv", err);
    if (s)
        return s;
    int ix[PY_CORE];
    if ((s = om_csv_require(c, py_names, PY_CORE, ix, err))) {
        om_csv_free(c);
        return s;
    }
    bool got, linked;
    pyrow r;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        if ((s = py_row(x, c, ix, PY_CORE, &r, &linked, err)))
            break;
        x->sum.person_year_rows++;
        om_csv_release(c);
        if (!linked) {
            x->sum.unlinked_person_year++;
            continue;
        }
        size_t k = (size_t)r.p * NY + (size_t)(r.y - Y0);
        if (r.f[0] < 0 || r.f[0] > INT32_MAX) {
            s = om_csv_fail(c, (size_t)ix[2], err, "expected an income 0-%d, found %lld", INT32_MAX,
                            (long long)r.f[0]);
            break;
        }
        x->inc[k] = (int32_t)r.f[0];
        if (!flags)
            continue;
        uint8_t fl = 0;
        if (r.f[1] != INT64_MIN)
            fl |= 4 | (r.f[1] == 1 ? 1 : 0);
        int64_t as = r.f[2] == INT64_MIN ? 0 : r.f[2], un = r.f[3] == INT64_MIN ? 0 : r.f[3];
        if (om_sei_long_assist_unemp(as, un))
            fl |= 2;
        x->flag[k] = fl;
    }
    om_csv_free(c);
    return s;
}

/* Hoare's FIND (quickselect, CACM 4(7) 1961, algorithm 65) with a
 * median-of-three pivot: afterwards v[k] is the value a sort would put
 * there, with nothing larger before it and nothing smaller after.  Linear
 * on average, where sorting 12 M incomes per year took most of a second. */
static void select_k(int32_t *v, size_t n, size_t k)
{
    ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1, kk = (ptrdiff_t)k;
    while (lo < hi) {
        int32_t a = v[lo], b = v[lo + (hi - lo) / 2], c = v[hi];
        int32_t piv = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        ptrdiff_t i = lo, j = hi;
        while (i <= j) {
            while (v[i] < piv)
                i++;
            while (v[j] > piv)
                j--;
            if (i <= j) {
                int32_t t = v[i];
                v[i++] = v[j];
                v[j--] = t;
            }
        }
        /* v[lo..j] <= piv <= v[i..hi], and v[j+1..i-1] == piv */
        if (kk <= j)
            hi = j;
        else if (kk >= i)
            lo = i;
        else
            return;
    }
}

static om_status medians(ind *x, om_error *err)
{
    size_t n = (size_t)x->np;
    int32_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (int y = 0; y < NY; y++) {
        size_t k = 0;
        for (size_t p = 0; p < n; p++)
            if (x->inc[p * NY + (size_t)y] >= 0)
                v[k++] = x->inc[p * NY + (size_t)y];
        if (k == 0) {
            x->median[y] = x->p20[y] = NAN;
            continue;
        }
        /* the order statistics a sort would give: v[h], the largest of
         * v[0..h) and, inside that lower part, v[q] */
        size_t h = k / 2, q = (size_t)(0.2 * (double)k);
        select_k(v, k, h);
        int32_t below = v[0];
        for (size_t i = 1; i < h; i++)
            below = v[i] > below ? v[i] : below;
        x->median[y] = k % 2 ? v[h] : 0.5 * ((double)below + (double)v[h]);
        if (q < h)
            select_k(v, h, q);
        x->p20[y] = v[q]; /* lowest quintile: income below this */
    }
    free(v);
    return OM_OK;
}

static bool is_low(const ind *x, int yi, int64_t inc) { return (double)inc < 0.6 * x->median[yi]; }

/* The one place where a person-year becomes SEI counts (om_sei_person). */
static bool person_rec(const ind *x, int32_t p, int yi, om_sei_person *r)
{
    size_t k = (size_t)p * NY + (size_t)yi;
    if (x->res[k] < 0 || x->inc[k] < 0)
        return false;
    int y = Y0 + yi;
    bool band = om_sei_in_age_band(y, y - x->byear[p]);
    r->deso = x->res[k];
    r->den[OM_SEI_LOW_ECON] = 1;
    r->num[OM_SEI_LOW_ECON] = is_low(x, yi, x->inc[k]);
    r->den[OM_SEI_PRE_UPPER] = band && (x->flag[k] & 4);
    r->num[OM_SEI_PRE_UPPER] = r->den[OM_SEI_PRE_UPPER] && (x->flag[k] & 1);
    r->den[OM_SEI_ASSIST_UNEMP] = band;
    r->num[OM_SEI_ASSIST_UNEMP] = band && (x->flag[k] & 2);
    return true;
}

static om_status write_sei(ind *x, om_level level, FILE *out, om_error *err)
{
    int32_t na = om_geo_count(x->geo, level);
    int64_t(*cnt)[6] = calloc((size_t)na * NY, sizeof *cnt);
    if (!cnt)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (int32_t p = 0; p < x->np; p++)
        for (int yi = 0; yi < NY; yi++) {
            om_sei_person r;
            if (!person_rec(x, p, yi, &r))
                continue;
            int32_t a = om_geo_parent(x->geo, OM_LEVEL_DESO, r.deso, level);
            int64_t *c = cnt[(size_t)a * NY + (size_t)yi];
            for (int j = 0; j < OM_SEI_NIND; j++) {
                c[2 * j] += r.num[j];
                c[2 * j + 1] += r.den[j];
            }
        }
    om_format_write_header(om_format_find(OM_FORMAT_SEI_COUNTS), out, NULL);
    for (int32_t a = 0; a < na; a++)
        for (int yi = 0; yi < NY; yi++) {
            const int64_t *c = cnt[(size_t)a * NY + (size_t)yi];
            fprintf(out, "%s,%d", om_geo_code(x->geo, level, a), Y0 + yi);
            for (int j = 0; j < 6; j++) {
                fputc(',', out);
                om_csv_write_i64(out, c[j]);
            }
            fputc('\n', out);
        }
    free(cnt);
    return ferror(out) ? om_afile_stream_error(out, err) : OM_OK;
}

static om_status barometer_write(ind *x, const char *dir, bool with_edu_rows, FILE *out, const om_progress *pr,
                                 om_error *err);

/* Steps 1-3 of 4: persons, residence, person_year (first pass), medians;
 * the SEI flags only when `flags`. */
static om_status load_all(ind *x, const char *dir, bool flags, const om_progress *progress,
                          om_error *err)
{
    const char *what = "indicators";
    if (progress && progress->fn)
        progress->fn(progress->user, what, 0, 4);
    om_status s = load_persons(x, dir, err);
    if (!s) {
        if (progress && progress->fn)
            progress->fn(progress->user, what, 1, 4);
        s = load_residence(x, dir, err);
    }
    if (!s) {
        if (progress && progress->fn)
            progress->fn(progress->user, what, 2, 4);
        s = pass1(x, dir, flags, err);
    }
    if (!s)
        s = medians(x, err);
    return s;
}

om_status om_synth_indicators(const char *dir, om_level level, unsigned flags, FILE *out,
                              const om_progress *progress, om_indicators_summary *sum,
                              om_error *err)
{
    bool barometer = flags & OM_INDICATORS_BAROMETER;
    if (level != OM_LEVEL_REGSO && level != OM_LEVEL_DESO)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected level regso or deso, found %s",
                            om_level_name(level));
    ind x;
    memset(&x, 0, sizeof x);
    om_geo *geo = NULL;
    om_status s = om_geo_new_builtin(&geo, err);
    if (s)
        return s;
    x.geo = geo;
    const char *what = "indicators";
    s = load_all(&x, dir, !barometer, progress, err);
    if (!s && barometer) { /* the barometer needs only the medians of the incomes */
        free(x.inc);
        x.inc = NULL;
    }
    if (!s) {
        if (progress && progress->fn)
            progress->fn(progress->user, what, 3, 4);
        s = barometer ? barometer_write(&x, dir, (flags & OM_INDICATORS_EDU) != 0, out, progress, err)
                      : write_sei(&x, level, out, err);
    }
    if (!s && progress && progress->fn)
        progress->fn(progress->user, what, 4, 4);
    if (sum)
        *sum = x.sum;
    ind_free(&x);
    om_geo_free(geo);
    return s;
}

/* ------------------------------------------------------------ per person */

struct om_sei_micro {
    ind x;
    om_geo *geo;
};

om_status om_sei_micro_load(om_sei_micro **out, const char *dir, const om_progress *progress,
                            om_indicators_summary *sum, om_error *err)
{
    *out = NULL;
    om_sei_micro *m = calloc(1, sizeof *m);
    if (!m)
        return om_error_nomem(err);
    om_status s = om_geo_new_builtin(&m->geo, err);
    if (!s) {
        m->x.geo = m->geo;
        s = load_all(&m->x, dir, true, progress, err);
    }
    if (sum)
        *sum = m->x.sum;
    if (s) {
        om_sei_micro_free(m);
        return s;
    }
    if (progress && progress->fn)
        progress->fn(progress->user, "indicators", 4, 4);
    *out = m;
    return OM_OK;
}

void om_sei_micro_free(om_sei_micro *m)
{
    if (!m)
        return;
    ind_free(&m->x);
    om_geo_free(m->geo);
    free(m);
}

const om_geo *om_sei_micro_geo(const om_sei_micro *m) { return m->geo; }
int32_t om_sei_micro_persons(const om_sei_micro *m) { return m->x.np; }

void om_sei_micro_years(const om_sei_micro *m, int32_t *first, int32_t *last)
{
    (void)m;
    *first = Y0;
    *last = Y0 + NY - 1;
}

bool om_sei_micro_get(const om_sei_micro *m, int32_t p, int32_t year, om_sei_person *out)
{
    if (p < 0 || p >= m->x.np || year < Y0 || year >= Y0 + NY)
        return false;
    return person_rec(&m->x, p, year - Y0, out);
}

/* ------------------------------------------------------------ barometer */

/* Fine age bands of the cube; every published age group is a union. */
enum { NB = 10 };
static int band_of(int age)
{
    static const int lo[NB] = {0, 16, 17, 18, 20, 25, 35, 50, 65, 80};
    int b = 0;
    while (b + 1 < NB && age >= lo[b + 1])
        b++;
    return b;
}
#define BM(a, b) (((1u << ((b) + 1)) - 1) & ~((1u << (a)) - 1)) /* bands a..b */

/* Measures summed per cell (RegSO x year x sex x born x band). */
enum {
    M_N, M_INC, M_LOW, M_Q1, M_ASSIST, M_EDU, M_PRE, M_POST, M_EMP, M_LTU, M_NEET, M_ABROAD,
    M_HSMALL, M_HMULTI, M_TRENT, M_TCOOP, M_TOWN, M_M2, M_SICK, M_VOTE, M_VOTE_N, M_MERIT,
    M_MERIT_N, M_ELIG, M_ELIG_N, M_AUL, M_SEIN,
    /* issue 14: Segregationsbarometern's list */
    M_HIGH, M_SOLE, M_VREG, M_VREG_N, M_VKOM, M_VKOM_N, M_PRESCH, M_PRESCH_N, M_EX3, M_EX3_N, M_EX4,
    M_EX4_N, M_EX5, M_EX5_N, M_MIN, M_MOUT, M_POP2, NM
};

typedef struct agegrp {
    const char *label;
    unsigned mask;
} agegrp;

typedef struct indicator {
    const char *id;
    int num, den;
    int year; /* 0 = every year */
    int nages;
    agegrp ages[4];
} indicator;

#define ALL_AGES {{"total", BM(0, 9)}, {"0-17", BM(0, 2)}, {"18-64", BM(3, 7)}, {"65+", BM(8, 9)}}
#define AGES_20_64 {{"20-64", BM(4, 7)}, {"20-34", BM(4, 5)}, {"35-49", BM(6, 6)}, {"50-64", BM(7, 7)}}
#define AGES_25_64 {{"25-64", BM(5, 7)}, {"25-34", BM(5, 5)}, {"35-49", BM(6, 6)}, {"50-64", BM(7, 7)}}
#define AGES_18P {{"18+", BM(3, 9)}, {"18-64", BM(3, 7)}, {"65+", BM(8, 9)}}
/* SCB's SEI band, 20-64 up to 2022 and 20-65 from 2023: the bands reach to
 * 79, and M_AUL / M_SEIN count only persons inside om_sei_age_band() of the
 * year, so the top band contributes exactly the 65-year-olds from 2023.  One
 * label for both definitions keeps the series unbroken across 2022/2023. */
#define AGES_SEI {{"20-64/65", BM(4, 8)}, {"20-34", BM(4, 5)}, {"35-49", BM(6, 6)}, {"50-64/65", BM(7, 8)}}

static const indicator indicators[] = {
    {"income_cu_mean", M_INC, M_N, 0, 4, ALL_AGES},
    {"low_econ", M_LOW, M_N, 0, 4, ALL_AGES},
    {"income_quintile_1", M_Q1, M_N, 0, 4, ALL_AGES},
    {"children_low_income", M_LOW, M_N, 0, 1, {{"0-17", BM(0, 2)}}},
    {"econ_assistance_any", M_ASSIST, M_N, 0, 4, AGES_20_64},
    {"assist_unemp_long", M_AUL, M_SEIN, 0, 4, AGES_SEI},
    {"pre_upper_secondary", M_PRE, M_EDU, 0, 4, AGES_25_64},
    {"post_secondary", M_POST, M_EDU, 0, 4, AGES_25_64},
    {"gainful_employment", M_EMP, M_N, 0, 4, AGES_20_64},
    {"long_term_unemployment", M_LTU, M_N, 0, 4, AGES_20_64},
    {"neet_20_24", M_NEET, M_N, 0, 1, {{"20-24", BM(4, 4)}}},
    {"born_abroad", M_ABROAD, M_N, 0, 4, ALL_AGES},
    {"house_small", M_HSMALL, M_N, 0, 4, ALL_AGES},
    {"house_multi", M_HMULTI, M_N, 0, 4, ALL_AGES},
    {"tenure_rent", M_TRENT, M_N, 0, 4, ALL_AGES},
    {"tenure_coop", M_TCOOP, M_N, 0, 4, ALL_AGES},
    {"tenure_own", M_TOWN, M_N, 0, 4, ALL_AGES},
    {"dwelling_m2_mean", M_M2, M_N, 0, 4, ALL_AGES},
    {"sickness_absence_days_mean", M_SICK, M_N, 0, 4, AGES_20_64},
    {"voter_turnout_2014", M_VOTE, M_VOTE_N, 2014, 3, AGES_18P},
    {"voter_turnout_2018", M_VOTE, M_VOTE_N, 2018, 3, AGES_18P},
    {"voter_turnout_2022", M_VOTE, M_VOTE_N, 2022, 3, AGES_18P},
    {"merit_value_mean", M_MERIT, M_MERIT_N, 0, 1, {{"16", BM(1, 1)}}},
    {"upper_secondary_eligibility", M_ELIG, M_ELIG_N, 0, 1, {{"16", BM(1, 1)}}},
    {"high_income", M_HIGH, M_N, 0, 4, ALL_AGES},
    {"econ_assistance_sole", M_SOLE, M_N, 0, 4, AGES_20_64},
    {"voter_turnout_region_2014", M_VREG, M_VREG_N, 2014, 3, AGES_18P},
    {"voter_turnout_region_2018", M_VREG, M_VREG_N, 2018, 3, AGES_18P},
    {"voter_turnout_region_2022", M_VREG, M_VREG_N, 2022, 3, AGES_18P},
    {"voter_turnout_kommun_2014", M_VKOM, M_VKOM_N, 2014, 3, AGES_18P},
    {"voter_turnout_kommun_2018", M_VKOM, M_VKOM_N, 2018, 3, AGES_18P},
    {"voter_turnout_kommun_2022", M_VKOM, M_VKOM_N, 2022, 3, AGES_18P},
    /* band 0 is 0-15: only ages 1-5 are counted into these two sums */
    {"preschool_1_5", M_PRESCH, M_PRESCH_N, 0, 1, {{"1-5", BM(0, 0)}}},
    /* age 16 = the year the cohort started; counted in the year of the
     * deadline (start + 3, 4, 5), where Skolverket reports it */
    {"upper_secondary_exam_3y", M_EX3, M_EX3_N, 0, 1, {{"16", BM(1, 1)}}},
    {"upper_secondary_exam_4y", M_EX4, M_EX4_N, 0, 1, {{"16", BM(1, 1)}}},
    {"upper_secondary_exam_5y", M_EX5, M_EX5_N, 0, 1, {{"16", BM(1, 1)}}},
    /* per 1,000 of the mean population: the denominator is the population
     * of 31 Dec t-1 plus that of 31 Dec t (twice the mean), the
     * barometer's scale 2000 */
    {"migration_in", M_MIN, M_POP2, 0, 4, ALL_AGES},
    {"migration_out", M_MOUT, M_POP2, 0, 4, ALL_AGES},
};
#define NIND (sizeof indicators / sizeof *indicators)

/* cell index within one area's block: year x sex x born x band */
#define CELLS_PER_AREA (NY * 2 * 2 * NB)
static size_t cell(int yi, int sex, int born, int band)
{
    return (((size_t)yi * 2 + (size_t)sex) * 2 + (size_t)born) * NB + (size_t)band;
}

static char *put_str(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

static char *put_i64(char *p, int64_t v)
{
    char t[20];
    int n = 0;
    uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
    if (v < 0)
        *p++ = '-';
    do
        t[n++] = (char)('0' + u % 10);
    while ((u /= 10) != 0);
    while (n)
        *p++ = t[--n];
    return p;
}

/* The education cube (issue 14): highest education from person_year's
 * `education` (SUN2000 levels as omrade synth writes them, grouped as in
 * SCB's education register and Segregationsbarometern: 1 pre-upper-
 * secondary, 2 upper secondary, 3 post-secondary; docs/synth.md), for the
 * persons of the fine bands 20-24..50-64 only, by kommun (rolled up to län
 * and riket; a RegSO split three ways is too small to publish, and the
 * file stays small).  It holds the measures of EDU_M: an indicator gets
 * education rows when both its numerator and denominator are among them
 * and its age groups lie within 20-64 (econ_assistance_any,
 * gainful_employment, long_term_unemployment, neet_20_24,
 * sickness_absence_days_mean).  Persons with unknown education are in no
 * level, only in the total rows; the rows are for the indicator's main age
 * group (by sex and born), not its bands. */
enum { NEDU = 3, EDU_NM = 6 };
static const char *const EDU_LABEL[NEDU + 1] = {"total", "pre_upper_secondary", "upper_secondary",
                                                "post_secondary"};
#define EDU_BANDS BM(4, 7)
/* measure of the main cube -> measure of the education cube, -1 none */
static int edu_m(int m)
{
    static const int from[EDU_NM] = {M_N, M_ASSIST, M_EMP, M_LTU, M_NEET, M_SICK};
    for (int e = 0; e < EDU_NM; e++)
        if (from[e] == m)
            return e;
    return -1;
}

static bool edu_rows(const indicator *in)
{
    for (int ag = 0; ag < in->nages; ag++)
        if (in->ages[ag].mask & ~EDU_BANDS)
            return false;
    return edu_m(in->num) >= 0 && edu_m(in->den) >= 0;
}

/* The rows of one area: every published (indicator, sex, age, born) group
 * of a year is a sum of cube cells, a block of `nm` measures per cell.
 * With `edu` > 0 the block is one level of the education cube (measures
 * by edu_m()) and only the indicators of edu_rows() are written, at their
 * main age.  Rows are formatted by hand: fprintf with seven fields took a
 * fifth of the run for the ~10 M rows. */
static void write_area(FILE *out, om_level level, const char *code, const int64_t *blk, int nm, int edu)
{
    static const char *const sexes[3] = {"total", "man", "woman"};
    static const char *const borns[3] = {"total", "sweden", "abroad"};
    char line[256]; /* level, code and the fixed labels are short */
    for (int yi = 0; yi < NY; yi++) {
        char *head = put_str(line, om_level_name(level));
        *head++ = ',';
        head = put_str(head, code);
        *head++ = ',';
        head = put_i64(head, Y0 + yi);
        *head++ = ',';
        for (size_t ii = 0; ii < NIND; ii++) {
            const indicator *in = &indicators[ii];
            if ((in->year && in->year != Y0 + yi) || (edu && !edu_rows(in)))
                continue;
            int mn = edu ? edu_m(in->num) : in->num, md = edu ? edu_m(in->den) : in->den;
            int nages = level == OM_LEVEL_REGSO || edu ? 1 : in->nages;
            for (int sx = 0; sx < 3; sx++)
                for (int ag = 0; ag < nages; ag++)
                    for (int bo = 0; bo < 3; bo++) {
                        int64_t num = 0, den = 0;
                        for (int s2 = 0; s2 < 2; s2++) {
                            if (sx && s2 != sx - 1)
                                continue;
                            for (int b2 = 0; b2 < 2; b2++) {
                                if (bo && b2 != bo - 1)
                                    continue;
                                for (int band = 0; band < NB; band++)
                                    if (in->ages[ag].mask & (1u << band)) {
                                        const int64_t *v = blk + cell(yi, s2, b2, band) * (size_t)nm;
                                        num += v[mn];
                                        den += v[md];
                                    }
                            }
                        }
                        if (den == 0)
                            continue;
                        char *p = put_str(head, in->id);
                        *p++ = ',';
                        p = put_str(p, sexes[sx]);
                        *p++ = ',';
                        p = put_str(p, in->ages[ag].label);
                        *p++ = ',';
                        p = put_str(p, borns[bo]);
                        *p++ = ',';
                        p = put_str(p, EDU_LABEL[edu]);
                        *p++ = ',';
                        p = put_i64(p, num);
                        *p++ = ',';
                        p = put_i64(p, den);
                        *p++ = '\n';
                        fwrite(line, 1, (size_t)(p - line), out);
                    }
        }
    }
}

/* Economic assistance as the only income in the registers (issue 14):
 * assistance (ekonomiskt bistånd, socialtjänstlagen 4 kap. 1 §, as counted
 * in Socialstyrelsen's statistics) in at least one month of the year, and
 * none of the other sources the person-year records: not gainfully
 * employed, no day of registered unemployment (which carries unemployment
 * benefit or activity support), no sickness-benefit day, not studying (study
 * allowance).  The register counterpart of SCB's "huvudsaklig
 * inkomstkälla: ekonomiskt bistånd".  Empty fields are "none". */
static bool is_assist_sole(int64_t assist, int64_t employed, int64_t studying, int64_t unemp,
                           int64_t sick)
{
    return assist > 0 && employed != 1 && studying != 1 && unemp <= 0 && sick <= 0;
}

/* One pupil of the cohort starting upper secondary in year index yi with
 * `exam` = years to the examen (0 = none within five): counted in the
 * years of the 3-, 4- and 5-year deadlines that the data cover. */
static void exam_cohort(int64_t (*blk)[NM], int yi, int sex, int born, int64_t exam)
{
    static const int num[3] = {M_EX3, M_EX4, M_EX5}, den[3] = {M_EX3_N, M_EX4_N, M_EX5_N};
    for (int n = 3; n <= 5; n++) {
        if (yi + n >= NY)
            break;
        int64_t *v = blk[cell(yi + n, sex, born, band_of(16))];
        v[den[n - 3]]++;
        v[num[n - 3]] += exam >= 3 && exam <= n;
    }
}

/* Moves between RegSO from residence.csv alone (SCB's "inrikes
 * inflyttade/utflyttade", BE0101): a person registered in RegSO A on 31 Dec
 * t-1 and in RegSO B != A on 31 Dec t has moved out of A and into B in year
 * t.  Moves within a RegSO, immigration and emigration are not counted, nor
 * are moves that return to the same RegSO within the year.  The
 * denominator is the population of 31 Dec t-1 plus that of 31 Dec t of the
 * same birth year (age = t - birth year in both), twice SCB's mean
 * population; no rows in the first year of the data. */
static void migration(const ind *x, int64_t (*cube)[NM], uint8_t *used)
{
    const om_geo *g = x->geo;
    for (int32_t p = 0; p < x->np; p++)
        for (int yi = 1; yi < NY; yi++) {
            int32_t a = x->res[(size_t)p * NY + (size_t)yi - 1], b = x->res[(size_t)p * NY + (size_t)yi];
            if (a < 0 && b < 0)
                continue;
            int age = Y0 + yi - x->byear[p];
            size_t k = cell(yi, x->sex[p] - 1, x->abroad[p], band_of(age < 0 ? 0 : age));
            int32_t ra = a >= 0 ? om_geo_parent(g, OM_LEVEL_DESO, a, OM_LEVEL_REGSO) : -1;
            int32_t rb = b >= 0 ? om_geo_parent(g, OM_LEVEL_DESO, b, OM_LEVEL_REGSO) : -1;
            if (ra >= 0) {
                used[ra] = 1;
                cube[(size_t)ra * CELLS_PER_AREA + k][M_POP2]++;
            }
            if (rb >= 0) {
                used[rb] = 1;
                cube[(size_t)rb * CELLS_PER_AREA + k][M_POP2]++;
            }
            if (ra >= 0 && rb >= 0 && ra != rb) {
                cube[(size_t)ra * CELLS_PER_AREA + k][M_MOUT]++;
                cube[(size_t)rb * CELLS_PER_AREA + k][M_MIN]++;
            }
        }
}

static om_status barometer_write(ind *x, const char *dir, bool with_edu_rows, FILE *out, const om_progress *pr,
                                 om_error *err)
{
    (void)pr;
    const om_geo *g = x->geo;
    int32_t nreg = om_geo_count(g, OM_LEVEL_REGSO);
    int32_t nk = om_geo_count(g, OM_LEVEL_KOMMUN), nl = om_geo_count(g, OM_LEVEL_LAN);
    size_t nareas = (size_t)nreg + (size_t)nk + (size_t)nl + 1;
    int64_t(*cube)[NM] = calloc(nareas * CELLS_PER_AREA, sizeof *cube);
    /* education cube: kommun, län, riket blocks, NEDU levels each */
    size_t neareas = (size_t)nk + (size_t)nl + 1;
    int64_t(*ecube)[EDU_NM] = calloc(neareas * NEDU * CELLS_PER_AREA, sizeof *ecube);
    /* areas with at least one person-year: empty blocks are neither rolled
     * up nor scanned for output (they would only give zero denominators) */
    uint8_t *used = calloc(nareas, 1);
    if (!cube || !used || !ecube) {
        free(cube);
        free(ecube);
        free(used);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    om_csv *c;
    om_status s = open_in(&c, dir, "person_year.csv", err);
    int ix[PY_OPT];
    if (!s && (s = om_csv_require(c, py_names, PY_ALL, ix, err)))
        om_csv_free(c);
    for (int k = PY_ALL; !s && k < PY_OPT; k++)
        ix[k] = om_csv_col(c, py_names[k]);
    if (s) {
        free(cube);
        free(ecube);
        free(used);
        return s;
    }
    bool got, linked;
    pyrow r;
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        if ((s = py_row(x, c, ix, PY_OPT, &r, &linked, err)))
            break;
        om_csv_release(c);
        if (!linked)
            continue;
        int yi = r.y - Y0;
        int32_t deso = x->res[(size_t)r.p * NY + (size_t)yi];
        int32_t reg = om_geo_parent(g, OM_LEVEL_DESO, deso, OM_LEVEL_REGSO);
        used[reg] = 1;
        int age = r.y - x->byear[r.p];
        int64_t *v = cube[(size_t)reg * CELLS_PER_AREA +
                          cell(yi, x->sex[r.p] - 1, x->abroad[r.p], band_of(age < 0 ? 0 : age))];
        const int64_t E = INT64_MIN;
        int64_t inc = r.f[0], edu = r.f[1], as = r.f[2], un = r.f[3], emp = r.f[4], st = r.f[5],
                sick = r.f[6], house = r.f[7], ten = r.f[8], m2 = r.f[9], vote = r.f[10],
                merit = r.f[11], elig = r.f[12];
        /* the education cube takes this person-year's contribution to the
         * measures of EDU_M, so each measure is defined once, below */
        int band = band_of(age < 0 ? 0 : age);
        bool in_edu = edu >= 1 && edu <= NEDU && (EDU_BANDS & (1u << band));
        int64_t before[NM] = {0};
        if (in_edu)
            memcpy(before, v, sizeof before);
        v[M_N]++;
        v[M_INC] += inc;
        v[M_LOW] += is_low(x, yi, inc);
        v[M_Q1] += (double)inc < x->p20[yi];
        v[M_ASSIST] += as != E && as > 0; /* any month of assistance */
        if (om_sei_in_age_band(r.y, age)) { /* SEI's third indicator, as write_sei() */
            v[M_SEIN]++;
            v[M_AUL] += om_sei_long_assist_unemp(as != E ? as : 0, un != E ? un : 0);
        }
        v[M_EDU] += edu != E;
        v[M_PRE] += edu == 1;
        v[M_POST] += edu == 3;
        v[M_EMP] += emp == 1;
        v[M_LTU] += un != E && un > 180;
        v[M_NEET] += emp == 0 && st == 0;
        v[M_ABROAD] += x->abroad[r.p];
        v[M_HSMALL] += house == 1;
        v[M_HMULTI] += house == 2;
        v[M_TRENT] += ten == 1;
        v[M_TCOOP] += ten == 2;
        v[M_TOWN] += ten == 3;
        v[M_M2] += m2 != E ? m2 : 0;
        v[M_SICK] += sick != E ? sick : 0;
        v[M_VOTE] += vote == 1;
        v[M_VOTE_N] += vote != E;
        v[M_MERIT] += merit != E ? merit : 0;
        v[M_MERIT_N] += merit != E;
        v[M_ELIG] += elig == 1;
        v[M_ELIG_N] += elig != E;
        /* issue 14.  High economic standard (SCB, HE0110: "mer än dubbelt så
         * hög som medianinkomsten"): strictly above 200 % of the median. */
        v[M_HIGH] += (double)inc > 2.0 * x->median[yi];
        v[M_SOLE] += is_assist_sole(as, emp, st, un, sick);
        int64_t vreg = r.f[13], vkom = r.f[14], presch = r.f[15], exam = r.f[16];
        v[M_VREG] += vreg == 1;
        v[M_VREG_N] += vreg != E;
        v[M_VKOM] += vkom == 1;
        v[M_VKOM_N] += vkom != E;
        if (age >= 1 && age <= 5) { /* Skolverket's 1-5 years (age = year - birth year) */
            v[M_PRESCH] += presch == 1;
            v[M_PRESCH_N] += presch != E;
        }
        if (age == 16 && exam != E) /* the cohort starting this autumn */
            exam_cohort(cube + (size_t)reg * CELLS_PER_AREA, yi, x->sex[r.p] - 1, x->abroad[r.p], exam);
        if (in_edu) {
            size_t k = (size_t)om_geo_parent(g, OM_LEVEL_DESO, deso, OM_LEVEL_KOMMUN);
            int64_t *e = ecube[(k * NEDU + (size_t)(edu - 1)) * CELLS_PER_AREA +
                               cell(yi, x->sex[r.p] - 1, x->abroad[r.p], band)];
            for (int mm = 0; mm < NM; mm++)
                if (edu_m(mm) >= 0)
                    e[edu_m(mm)] += v[mm] - before[mm];
        }
    }
    om_csv_free(c);
    if (s) {
        free(cube);
        free(ecube);
        free(used);
        return s;
    }
    migration(x, cube, used);
    /* roll RegSO blocks up to kommun, län, riket */
    size_t base_k = (size_t)nreg, base_l = base_k + (size_t)nk, base_r = base_l + (size_t)nl;
    for (int32_t a = 0; a < nreg; a++) {
        if (!used[a])
            continue;
        size_t up[3] = {base_k + (size_t)om_geo_parent(g, OM_LEVEL_REGSO, a, OM_LEVEL_KOMMUN),
                        base_l + (size_t)om_geo_parent(g, OM_LEVEL_REGSO, a, OM_LEVEL_LAN), base_r};
        for (int u = 0; u < 3; u++)
            used[up[u]] = 1;
        for (size_t k = 0; k < CELLS_PER_AREA; k++)
            for (int u = 0; u < 3; u++)
                for (int mm = 0; mm < NM; mm++)
                    cube[up[u] * CELLS_PER_AREA + k][mm] += cube[(size_t)a * CELLS_PER_AREA + k][mm];
    }
    /* the education cube: kommun blocks up to län (after the kommuner) and
     * riket (last) */
    const size_t EB = NEDU * CELLS_PER_AREA;
    for (int32_t k = 0; k < nk; k++) {
        size_t up[2] = {(size_t)nk + (size_t)om_geo_parent(g, OM_LEVEL_KOMMUN, k, OM_LEVEL_LAN), neareas - 1};
        for (size_t q = 0; q < EB; q++)
            for (int u = 0; u < 2; u++)
                for (int mm = 0; mm < EDU_NM; mm++)
                    ecube[up[u] * EB + q][mm] += ecube[(size_t)k * EB + q][mm];
    }
    static const char *const with_edu[] = {"edu", NULL};
    om_format_write_header_with(om_format_find(OM_FORMAT_BAROMETER_INDICATORS), out, with_edu, NULL);
    const om_level levels[4] = {OM_LEVEL_RIKET, OM_LEVEL_LAN, OM_LEVEL_KOMMUN, OM_LEVEL_REGSO};
    const size_t bases[4] = {base_r, base_l, base_k, 0};
    const size_t ebases[4] = {neareas - 1, (size_t)nk, 0, 0};
    for (int li = 0; li < 4; li++) {
        int32_t n = om_geo_count(g, levels[li]);
        for (int32_t a = 0; a < n; a++) {
            if (!used[bases[li] + (size_t)a])
                continue;
            const char *code = om_geo_code(g, levels[li], a);
            write_area(out, levels[li], code, cube[(bases[li] + (size_t)a) * CELLS_PER_AREA], NM, 0);
            for (int e = 1; with_edu_rows && li < 3 && e <= NEDU; e++)
                write_area(out, levels[li], code,
                           ecube[((ebases[li] + (size_t)a) * NEDU + (size_t)(e - 1)) * CELLS_PER_AREA], EDU_NM, e);
        }
    }
    free(cube);
    free(ecube);
    free(used);
    return ferror(out) ? om_afile_stream_error(out, err) : OM_OK;
}

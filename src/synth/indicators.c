/* Aggregation of person-level microdata into area indicators.
 *
 * SEI input (SCB, "Områdestyper efter socioekonomisk status", method
 * description 2023): per area and year
 *   low_econ   persons (all ages) whose disposable income per consumption
 *              unit is below 60 % of the national median of that year
 *              (median over every resident person-year of the year);
 *   pre_upper  persons with at most pre-upper-secondary education (education
 *              code 1) among residents aged 20-64 up to 2022 and 20-65 from
 *              2023 (age = year - birth year) with a known education;
 *   assist_unemp  persons of the same ages with economic assistance during
 *              the year or more than 180 days (six months) unemployed.
 * Denominators are the persons of the same population.
 *
 * Joins: persons.csv gives birth year, sex and birth region per lopnr (hash
 * map to a dense index); residence.csv gives one DeSO per person and year
 * (dense person x year array); person_year.csv rows are linked through
 * both.  Rows that cannot be linked are counted, never dropped silently.
 * The barometer needs the median first, so person_year.csv is read twice. */
#include "synth_int.h"

#include "omrade/csv.h"

#include <stdlib.h>
#include <string.h>

#define NY OM_SYNTH_NYEARS
#define Y0 OM_SYNTH_YEAR0

typedef struct ind {
    const om_geo *geo;
    om_u64map *map;
    int32_t np, cap;
    int16_t *byear;
    int8_t *sex, *abroad;
    int16_t *res;   /* np x NY DeSO index, -1 none */
    int32_t *inc;   /* np x NY income, -1 none */
    uint8_t *flag;  /* np x NY: 1 pre_upper, 2 assist/unemp, 4 education known */
    double median[NY];
    om_indicators_summary sum;
} ind;

static void ind_free(ind *x)
{
    om_u64map_free(x->map);
    free(x->byear);
    free(x->sex);
    free(x->abroad);
    free(x->res);
    free(x->inc);
    free(x->flag);
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
    x->map = om_u64map_new(1 << 16);
    if (!x->map) {
        om_csv_free(c);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
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
        if (x->np == x->cap) {
            int32_t nc = x->cap ? x->cap * 2 : 1 << 16;
            int16_t *b = realloc(x->byear, (size_t)nc * sizeof *b);
            if (b)
                x->byear = b;
            int8_t *sx = realloc(x->sex, (size_t)nc);
            if (sx)
                x->sex = sx;
            int8_t *ab = realloc(x->abroad, (size_t)nc);
            if (ab)
                x->abroad = ab;
            if (!b || !sx || !ab) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            x->cap = nc;
        }
        uint32_t prev;
        if ((s = om_u64map_put_new(x->map, (uint64_t)id, (uint32_t)x->np, &prev)))
            break;
        if (prev != (uint32_t)x->np) {
            s = om_csv_fail(c, (size_t)ix[0], err, "expected a new lopnr, found duplicate %lld",
                            (long long)id);
            break;
        }
        om_field cg = om_csv_field(c, (size_t)ix[3]);
        x->byear[x->np] = (int16_t)by;
        x->sex[x->np] = (int8_t)sex;
        x->abroad[x->np] = !(cg.len == 6 && memcmp(cg.ptr, "sweden", 6) == 0);
        x->np++;
    }
    om_csv_free(c);
    x->sum.persons = x->np;
    return s;
}

static om_status load_residence(ind *x, const char *dir, om_error *err)
{
    size_t n = (size_t)x->np * NY;
    x->res = malloc((n ? n : 1) * sizeof *x->res);
    x->inc = malloc((n ? n : 1) * sizeof *x->inc);
    x->flag = calloc(n ? n : 1, 1);
    if (!x->res || !x->inc || !x->flag)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        x->res[i] = -1;
        x->inc[i] = -1;
    }
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
    while ((s = om_csv_next(c, &got, err)) == OM_OK && got) {
        int64_t id, y;
        if ((s = om_csv_i64(c, (size_t)ix[0], &id, err)) || (s = om_csv_i64(c, (size_t)ix[1], &y, err)))
            break;
        x->sum.residence_rows++;
        om_field d = om_csv_field(c, (size_t)ix[2]);
        uint32_t p;
        int32_t di = om_geo_find(x->geo, OM_LEVEL_DESO, d.ptr, d.len);
        if (!om_u64map_get(x->map, (uint64_t)id, &p) || y < Y0 || y >= Y0 + NY || di < 0 ||
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
    int64_t f[13]; /* income..eligible_upper; INT64_MIN = empty */
} pyrow;

static const char *const py_names[] = {"lopnr",      "year",     "income_cu",   "education",
                                       "assist_months", "unemp_days", "employed", "studying",
                                       "sick_days",  "house_type", "tenure",    "dwelling_m2",
                                       "voted",      "merit",    "eligible_upper"};
#define PY_CORE 6 /* columns required for the SEI input */
#define PY_ALL 15

/* Parse one person_year row; returns false (and counts it) when unlinked. */
static om_status py_row(ind *x, om_csv *c, const int *ix, int ncols, pyrow *r, bool *linked,
                        om_error *err)
{
    int64_t id, y;
    om_status s;
    if ((s = om_csv_i64(c, (size_t)ix[0], &id, err)) || (s = om_csv_i64(c, (size_t)ix[1], &y, err)))
        return s;
    *linked = false;
    if (!om_u64map_get(x->map, (uint64_t)id, &r->p) || y < Y0 || y >= Y0 + NY ||
        x->res[(size_t)r->p * NY + (size_t)(y - Y0)] < 0)
        return OM_OK;
    r->y = (int)y;
    for (int k = 2; k < ncols; k++) {
        if (om_csv_empty(c, (size_t)ix[k])) {
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

static bool sei_age(int y, int age) { return age >= 20 && age <= (y <= 2022 ? 64 : 65); }

static om_status pass1(ind *x, const char *dir, om_error *err)
{
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
        uint8_t fl = 0;
        if (r.f[1] != INT64_MIN)
            fl |= 4 | (r.f[1] == 1 ? 1 : 0);
        int64_t as = r.f[2] == INT64_MIN ? 0 : r.f[2], un = r.f[3] == INT64_MIN ? 0 : r.f[3];
        if (as > 0 || un > 180)
            fl |= 2;
        x->flag[k] = fl;
    }
    om_csv_free(c);
    return s;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
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
            x->median[y] = NAN;
            continue;
        }
        qsort(v, k, sizeof *v, cmp_i32);
        x->median[y] = k % 2 ? v[k / 2] : 0.5 * ((double)v[k / 2 - 1] + (double)v[k / 2]);
    }
    free(v);
    return OM_OK;
}

static bool is_low(const ind *x, int yi, int64_t inc) { return (double)inc < 0.6 * x->median[yi]; }

static om_status write_sei(ind *x, om_level level, FILE *out, om_error *err)
{
    int32_t na = om_geo_count(x->geo, level);
    int64_t(*cnt)[6] = calloc((size_t)na * NY, sizeof *cnt);
    if (!cnt)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (int32_t p = 0; p < x->np; p++)
        for (int yi = 0; yi < NY; yi++) {
            size_t k = (size_t)p * NY + (size_t)yi;
            if (x->res[k] < 0 || x->inc[k] < 0)
                continue;
            int32_t a = om_geo_parent(x->geo, OM_LEVEL_DESO, x->res[k], level);
            int64_t *c = cnt[(size_t)a * NY + (size_t)yi];
            int y = Y0 + yi;
            c[0] += is_low(x, yi, x->inc[k]);
            c[1]++;
            if (sei_age(y, y - x->byear[p])) {
                if (x->flag[k] & 4) {
                    c[2] += x->flag[k] & 1;
                    c[3]++;
                }
                c[4] += (x->flag[k] & 2) != 0;
                c[5]++;
            }
        }
    fputs("area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d\n",
          out);
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
    return ferror(out) ? om_error_set(err, OM_ERR_IO, NULL, 0, 0, "write error") : OM_OK;
}

static om_status barometer_write(ind *x, const char *dir, FILE *out, const om_progress *pr,
                                   om_error *err);

om_status om_synth_indicators(const char *dir, om_level level, bool barometer, FILE *out,
                              const om_progress *progress, om_indicators_summary *sum,
                              om_error *err)
{
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
    if (progress && progress->fn)
        progress->fn(progress->user, what, 0, 4);
    if (!(s = load_persons(&x, dir, err))) {
        if (progress && progress->fn)
            progress->fn(progress->user, what, 1, 4);
        s = load_residence(&x, dir, err);
    }
    if (!s) {
        if (progress && progress->fn)
            progress->fn(progress->user, what, 2, 4);
        s = pass1(&x, dir, err);
    }
    if (!s)
        s = medians(&x, err);
    if (!s) {
        if (progress && progress->fn)
            progress->fn(progress->user, what, 3, 4);
        s = barometer ? barometer_write(&x, dir, out, progress, err)
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

/* ------------------------------------------------------------ barometer */

static om_status barometer_write(ind *x, const char *dir, FILE *out, const om_progress *pr,
                                   om_error *err)
{
    (void)x;
    (void)dir;
    (void)out;
    (void)pr;
    return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "--barometer is not available yet");
}

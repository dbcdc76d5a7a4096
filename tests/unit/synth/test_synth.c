/* Unit tests of om_synth: the calibration table against SCB's published
 * totals, the 2023 targets and the generated microdata against SCB's
 * published 2023 area types (SEI recomputed here from SCB's formula, not
 * with the library's sei module), determinism across seeds and thread
 * counts, direction of the socioeconomic gradients, messy-record rates, and
 * demographic sanity checks. */
#define _GNU_SOURCE
#include "om_test.h"
#include "omrade/csv.h"
#include "omrade/hash.h"
#include "omrade/synth.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static om_synth_model *model;
typedef struct micro micro;
static void free_micro(micro *m);
static void release_big_micro(void);
static char root[256];
static char big[300]; /* scale 0.02, seed 11, shared by several tests */

static int setup(void **state)
{
    (void)state;
    om_error e = OM_ERROR_INIT;
    if (om_synth_model_new(&model, &e) != OM_OK)
        return -1;
    snprintf(root, sizeof root, "/tmp/om_synth_test.XXXXXX");
    if (!mkdtemp(root))
        return -1;
    snprintf(big, sizeof big, "%s/big", root);
    om_synth_options o;
    memset(&o, 0, sizeof o);
    o.scale = 0.02;
    o.seed = 11;
    o.threads = 2;
    return om_synth_generate(model, big, &o, NULL, &e) == OM_OK ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    om_synth_model_free(model);
    release_big_micro();
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    return system(cmd) == 0 ? 0 : -1;
}

/* SCB's SEI and type rule: SEI = mean of the three shares (percent), z over
 * areas with mean and sample SD; 1: z > 2, 2: 1 < z <= 2, 3: 0 < z <= 1,
 * 4: -1 <= z <= 0, 5: z < -1. */
static void sei_types(const double *sei, int n, int *type)
{
    double m = 0, ss = 0;
    for (int i = 0; i < n; i++)
        m += sei[i];
    m /= n;
    for (int i = 0; i < n; i++)
        ss += (sei[i] - m) * (sei[i] - m);
    double sd = sqrt(ss / (n - 1));
    for (int i = 0; i < n; i++) {
        double z = (sei[i] - m) / sd;
        type[i] = z > 2 ? 1 : z > 1 ? 2 : z > 0 ? 3 : z >= -1 ? 4 : 5;
    }
}

/* Published facts (data/README.md): DeSO population 2022 = 10,521,556 and
 * 2023 = 10,551,707 (SCB's national totals); 2023 area types 162/293/835/
 * 1,781/292 RegSO. */
static void test_calibration_table(void **state)
{
    (void)state;
    const om_geo *g = om_synth_model_geo(model);
    int64_t p22 = 0, p23 = 0, bands = 0;
    for (int32_t d = 0; d < om_geo_count(g, OM_LEVEL_DESO); d++) {
        p22 += om_synth_deso_pop2022(model, d);
        p23 += om_synth_deso_pop2023(model, d);
        for (int b = 0; b < 17; b++)
            bands += om_synth_deso_age2022(model, d, b);
    }
    assert_int_equal(p22, 10521556);
    assert_int_equal(p23, 10551707);
    assert_int_equal(bands, 10521556);
    int32_t nr = om_geo_count(g, OM_LEVEL_REGSO);
    int count[6] = {0};
    for (int32_t r = 0; r < nr; r++)
        count[om_synth_regso_type(model, r)]++;
    assert_int_equal(count[1], 162);
    assert_int_equal(count[2], 293);
    assert_int_equal(count[3], 835);
    assert_int_equal(count[4], 1781);
    assert_int_equal(count[5], 292);
    /* The targets reproduce every published type; the proxies alone do not
     * (so the calibration step matters). */
    size_t nn = nr > 0 && nr < 100000 ? (size_t)nr : 1;
    double *sei = calloc(nn, sizeof *sei), *sp = calloc(nn, sizeof *sp);
    int *t = calloc(nn, sizeof *t), *tp = calloc(nn, sizeof *tp);
    for (int32_t r = 0; r < nr; r++) {
        sei[r] = sp[r] = 0;
        for (int k = 0; k < 3; k++) {
            double v = om_synth_regso_target(model, r, k);
            assert_true(v >= 0 && v < 1);
            sei[r] += 100 * v / 3;
            sp[r] += 100 * om_synth_regso_proxy(model, r, k) / 3;
        }
    }
    sei_types(sei, nr, t);
    sei_types(sp, nr, tp);
    int agree = 0, agree_p = 0;
    for (int32_t r = 0; r < nr; r++) {
        agree += t[r] == om_synth_regso_type(model, r);
        agree_p += tp[r] == om_synth_regso_type(model, r);
    }
    assert_int_equal(agree, nr);
    assert_true(agree_p < nr);
    assert_true(agree_p > nr / 2);
    free(sei);
    free(sp);
    free(t);
    free(tp);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    *len = fread(b, 1, (size_t)n, f);
    fclose(f);
    return b;
}

static const char *const files[] = {"persons.csv",    "residence.csv", "person_year.csv",
                                    "deaths.csv",     "admissions.csv", "prescriptions.csv",
                                    "dental.csv",     "births.csv"};

static bool same_files(const char *a, const char *b)
{
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char pa[400], pb[400];
        snprintf(pa, sizeof pa, "%s/%s", a, files[i]);
        snprintf(pb, sizeof pb, "%s/%s", b, files[i]);
        size_t la = 0, lb = 0;
        char *x = slurp(pa, &la), *y = slurp(pb, &lb);
        bool same = x && y && la == lb && memcmp(x, y, la) == 0;
        free(x);
        free(y);
        if (!same)
            return false;
    }
    return true;
}

static void gen(const char *name, double scale, uint64_t seed, int threads, double messy,
                om_synth_summary *sum)
{
    char dir[400];
    snprintf(dir, sizeof dir, "%s/%s", root, name);
    om_synth_options o;
    memset(&o, 0, sizeof o);
    o.scale = scale;
    o.seed = seed;
    o.threads = threads;
    o.messy = messy;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_synth_generate(model, dir, &o, sum, &e), OM_OK);
}

static void test_determinism(void **state)
{
    (void)state;
    gen("d1", 0.002, 5, 1, 0.01, NULL);
    gen("d3", 0.002, 5, 3, 0.01, NULL);
    gen("d2", 0.002, 5, 2, 0.01, NULL);
    gen("e2", 0.002, 6, 2, 0.01, NULL);
    char a[400], b[400], c[400], d[400];
    snprintf(a, sizeof a, "%s/d1", root);
    snprintf(b, sizeof b, "%s/d3", root);
    snprintf(c, sizeof c, "%s/d2", root);
    snprintf(d, sizeof d, "%s/e2", root);
    assert_true(same_files(a, b));
    assert_true(same_files(a, c));
    assert_false(same_files(a, d));
    /* --split-years: the year files hold exactly the rows of the single file */
    char sdir[400];
    snprintf(sdir, sizeof sdir, "%s/split", root);
    om_synth_options so;
    memset(&so, 0, sizeof so);
    so.scale = 0.002;
    so.seed = 5;
    so.threads = 2;
    so.messy = 0.01;
    so.split_years = true;
    om_error se = OM_ERROR_INIT;
    assert_int_equal(om_synth_generate(model, sdir, &so, NULL, &se), OM_OK);
    for (size_t f = 1; f < sizeof files / sizeof *files; f++) {
        size_t whole = 0, parts = 0, len;
        char path[500], base[64];
        snprintf(path, sizeof path, "%s/%s", a, files[f]);
        char *x = slurp(path, &len);
        assert_non_null(x);
        for (size_t i = 0; i < len; i++)
            whole += x[i] == '\n';
        free(x);
        snprintf(base, sizeof base, "%.*s", (int)(strlen(files[f]) - 4), files[f]);
        for (int y = 2011; y <= 2024; y++) {
            snprintf(path, sizeof path, "%s/%s_%d.csv", sdir, base, y);
            x = slurp(path, &len);
            assert_non_null(x);
            for (size_t i = 0; i < len; i++)
                parts += x[i] == '\n';
            parts--; /* header */
            free(x);
        }
        assert_int_equal(parts, whole - 1);
    }
    /* bad options are usage errors */
    om_synth_options o;
    memset(&o, 0, sizeof o);
    o.scale = 2;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_synth_generate(model, a, &o, NULL, &e), OM_ERR_USAGE);
    o.scale = 0.01;
    o.messy = 0.9;
    assert_int_equal(om_synth_generate(model, a, &o, NULL, &e), OM_ERR_USAGE);
}

/* ---------------------------------------------------------------- SEI */

static void test_sei_calibration(void **state)
{
    (void)state;
    FILE *tmp = tmpfile();
    om_error e = OM_ERROR_INIT;
    om_indicators_summary s;
    assert_int_equal(om_synth_indicators(big, OM_LEVEL_REGSO, false, tmp, NULL, &s, &e), OM_OK);
    assert_int_equal(s.rejected_residence, 0);
    assert_int_equal(s.unlinked_person_year, 0);
    fflush(tmp);
    long len = ftell(tmp);
    rewind(tmp);
    char *buf = malloc((size_t)len);
    assert_int_equal(fread(buf, 1, (size_t)len, tmp), (size_t)len);
    fclose(tmp);
    const om_geo *g = om_synth_model_geo(model);
    int32_t nr = om_geo_count(g, OM_LEVEL_REGSO);
    size_t nn = nr > 0 && nr < 100000 ? (size_t)nr : 1;
    double *sei = calloc(nn, sizeof *sei);
    int *t = calloc(nn, sizeof *t);
    om_csv *c;
    assert_int_equal(om_csv_open_mem(&c, "ind", buf, (size_t)len, NULL, &e), OM_OK);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    bool got;
    int rows = 0;
    while (om_csv_next(c, &got, &e) == OM_OK && got) {
        int64_t y, v[6];
        assert_int_equal(om_csv_i64(c, 1, &y, &e), OM_OK);
        if (y != 2023)
            continue;
        for (int k = 0; k < 6; k++)
            assert_int_equal(om_csv_i64(c, (size_t)(2 + k), &v[k], &e), OM_OK);
        om_field f = om_csv_field(c, 0);
        int32_t r = om_geo_find(g, OM_LEVEL_REGSO, f.ptr, f.len);
        assert_true(r >= 0 && v[1] > 0 && v[3] > 0 && v[5] > 0);
        sei[r] = 100.0 * ((double)v[0] / v[1] + (double)v[2] / v[3] + (double)v[4] / v[5]) / 3;
        rows++;
    }
    om_csv_free(c);
    free(buf);
    assert_int_equal(rows, nr);
    sei_types(sei, nr, t);
    int agree = 0, n_syn[6] = {0}, n_pub[6] = {0};
    for (int32_t r = 0; r < nr; r++) {
        agree += t[r] == om_synth_regso_type(model, r);
        n_syn[t[r]]++;
        n_pub[om_synth_regso_type(model, r)]++;
    }
    /* issue 3: >= 85 % of RegSO in the published type, share per type within
     * +-1 percentage point (required from scale 0.1; holds here at 0.02). */
    print_message("scale 0.02: %d of %d RegSO in the published 2023 type\n", agree, (int)nr);
    assert_true(agree >= 0.85 * nr);
    for (int k = 1; k <= 5; k++)
        assert_true(fabs(100.0 * (n_syn[k] - n_pub[k]) / nr) <= 1.0);
    free(sei);
    free(t);
}

/* ------------------------------------------------------------ microdata */

struct micro {
    om_u64map *map;
    int32_t n, cap;
    int16_t *byear;
    int8_t *sex;
    int8_t (*type)[14]; /* area type of residence per year, 0 = none */
    int32_t (*deso)[14];
    bool *dead;
};

static void each_row(const char *dir, const char *name, void (*fn)(om_csv *, void *), void *ctx)
{
    char path[400];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    om_csv *c;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_csv_open(&c, path, NULL, &e), OM_OK);
    assert_int_equal(om_csv_read_header(c, &e), OM_OK);
    bool got;
    while (om_csv_next(c, &got, &e) == OM_OK && got)
        fn(c, ctx);
    om_csv_free(c);
}

static int64_t fi64(om_csv *c, size_t i)
{
    int64_t v = 0;
    om_error e = OM_ERROR_INIT;
    assert_int_equal(om_csv_i64(c, i, &v, &e), OM_OK);
    return v;
}

static void persons_row(om_csv *c, void *ctx)
{
    micro *m = ctx;
    uint32_t dummy;
    assert_int_equal(om_u64map_put_new(m->map, (uint64_t)fi64(c, 0), (uint32_t)m->n, &dummy), OM_OK);
    om_field bd = om_csv_field(c, 2);
    int64_t by;
    assert_true(om_parse_i64(bd.ptr, 4, &by));
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 4096;
        m->byear = realloc(m->byear, (size_t)m->cap * sizeof *m->byear);
        m->sex = realloc(m->sex, (size_t)m->cap);
        m->dead = realloc(m->dead, (size_t)m->cap);
    }
    m->byear[m->n] = (int16_t)by;
    m->sex[m->n] = (int8_t)fi64(c, 1);
    m->dead[m->n] = !om_csv_empty(c, 4);
    m->n++;
}

static void residence_row(om_csv *c, void *ctx)
{
    micro *m = ctx;
    uint32_t p;
    assert_true(om_u64map_get(m->map, (uint64_t)fi64(c, 0), &p));
    int64_t y = fi64(c, 1);
    assert_true(y >= 2011 && y <= 2024);
    om_field f = om_csv_field(c, 2);
    const om_geo *g = om_synth_model_geo(model);
    int32_t d = om_geo_find(g, OM_LEVEL_DESO, f.ptr, f.len);
    assert_true(d >= 0);
    assert_int_equal(m->type[p][y - 2011], 0); /* one row per person and year */
    m->type[p][y - 2011] =
        (int8_t)om_synth_regso_type(model, om_geo_parent(g, OM_LEVEL_DESO, d, OM_LEVEL_REGSO));
    m->deso[p][y - 2011] = d;
}

static void load_micro(const char *dir, micro *m)
{
    memset(m, 0, sizeof *m);
    m->map = om_u64map_new(1 << 16);
    each_row(dir, "persons.csv", persons_row, m);
    m->type = calloc((size_t)m->n, sizeof *m->type);
    m->deso = calloc((size_t)m->n, sizeof *m->deso);
    each_row(dir, "residence.csv", residence_row, m);
}

static void free_micro(micro *m)
{
    om_u64map_free(m->map);
    free(m->byear);
    free(m->sex);
    free(m->type);
    free(m->deso);
    free(m->dead);
}

/* Events per area type, attributed to the area type of residence in the
 * event year (deaths: 31 December of the year before), in an age range.  One
 * pass per file counts every category (code prefixes) of that file. */
typedef struct category {
    const char *prefix; /* code prefix(es), NUL-separated; "" = all */
    double ev[6];
} category;

typedef struct rates {
    micro *m;
    category *cat;
    int ncat;
    int prev_year;
    int age_lo, age_hi;
} rates;

static void event_row(om_csv *c, void *ctx)
{
    rates *r = ctx;
    uint32_t p;
    assert_true(om_u64map_get(r->m->map, (uint64_t)fi64(c, 0), &p));
    om_field d = om_csv_field(c, 1), code = om_csv_field(c, 2);
    int y = (d.ptr[0] - '0') * 1000 + (d.ptr[1] - '0') * 100 + (d.ptr[2] - '0') * 10 + (d.ptr[3] - '0');
    int yy = y - r->prev_year;
    if (yy < 2011 || yy > 2024)
        return;
    int age = y - r->m->byear[p];
    if (age < r->age_lo || age > r->age_hi)
        return;
    int t = r->m->type[p][yy - 2011];
    if (!t)
        return;
    for (int k = 0; k < r->ncat; k++) {
        bool match = r->cat[k].prefix[0] == 0;
        for (const char *s = r->cat[k].prefix; *s && !match; s += strlen(s) + 1)
            match = code.len >= strlen(s) && memcmp(code.ptr, s, strlen(s)) == 0;
        if (match)
            r->cat[k].ev[t]++;
    }
}

/* Ratio of the type 1 to the type 5 rate per person-year for each category. */
static void rate_ratios(micro *m, const char *file, category *cat, int ncat, int prev, int lo,
                        int hi, double *ratio, double *rate1)
{
    rates r = {m, cat, ncat, prev, lo, hi};
    each_row(big, file, event_row, &r);
    double py[6] = {0};
    for (int32_t p = 0; p < m->n; p++)
        for (int y = 0; y < 14; y++) {
            int age = 2011 + y + prev - m->byear[p];
            if (m->type[p][y] && age >= lo && age <= hi && (prev == 0 || y < 13))
                py[m->type[p][y]]++;
        }
    for (int k = 0; k < ncat; k++) {
        double r1 = cat[k].ev[1] / py[1], r5 = cat[k].ev[5] / py[5];
        ratio[k] = r1 / r5;
        rate1[k] = r1;
        print_message("%s %s ages %d-%d: type 1 %.5f, type 5 %.5f per person-year, ratio %.2f\n",
                      file, cat[k].prefix[0] ? cat[k].prefix : "all", lo, hi, r1, r5, ratio[k]);
    }
}

static micro bigm;
static bool bigm_loaded;
static void release_big_micro(void)
{
    if (bigm_loaded)
        free_micro(&bigm);
    bigm_loaded = false;
}
static micro *big_micro(void)
{
    if (!bigm_loaded) {
        load_micro(big, &bigm);
        bigm_loaded = true;
    }
    return &bigm;
}

/* issue 3: higher all-cause and avoidable mortality, more admissions and
 * analgesics in types 1-2; more cancer diagnoses but fewer cancer deaths in
 * type 5; more basic dental examinations and fewer emergency visits in
 * type 5. */
static void test_gradients(void **state)
{
    (void)state;
    micro *m = big_micro();
    double q[2], r1[2];
    category deaths[2] = {{"", {0}}, {"C\0", {0}}};
    rate_ratios(m, "deaths.csv", deaths, 2, 1, 45, 79, q, r1);
    assert_true(q[0] > 1.3);
    assert_true(r1[0] > 0.003 && r1[0] < 0.03); /* plausible annual mortality 45-79 */
    assert_true(q[1] > 1.2);
    category adm[2] = {{"", {0}}, {"C\0", {0}}};
    rate_ratios(m, "admissions.csv", adm, 2, 0, 45, 79, q, r1);
    assert_true(q[0] > 1.2);
    assert_true(q[1] < 0.9);
    category rx[1] = {{"N02\0M01\0", {0}}};
    rate_ratios(m, "prescriptions.csv", rx, 1, 0, 45, 79, q, r1);
    assert_true(q[0] > 1.3);
    category dent[2] = {{"basic\0", {0}}, {"emergency\0", {0}}};
    rate_ratios(m, "dental.csv", dent, 2, 0, 20, 64, q, r1);
    assert_true(q[0] < 0.8);
    assert_true(q[1] > 1.5);
}

/* SEI's third indicator as SCB defines it (SCB, "Områdestyper efter
 * socioekonomisk status / Regionala statistikområden (RegSO)", method
 * description): "andel personer med ekonomiskt bistånd i minst tio månader
 * och/eller arbetslösa längre än sex månader", ages 20-65 in 2023.  Written
 * out here (not with the library's om_sei_* functions): assist_months >= 10
 * or unemp_days > 180, age = 2023 - birth year in 20..65.  The generator
 * must give exactly round(target x n) of every RegSO's 2023 residents of
 * those ages this status, and shorter spells (1-9 months, 1-180 days) must
 * exist without counting. */
typedef struct au_count {
    micro *m;
    int64_t *n, *k;
    int64_t band, any_assist, short_assist, long_assist, short_unemp, long_unemp, both;
} au_count;

static void au_row(om_csv *c, void *ctx)
{
    au_count *x = ctx;
    if (fi64(c, 1) != 2023)
        return;
    uint32_t p;
    assert_true(om_u64map_get(x->m->map, (uint64_t)fi64(c, 0), &p));
    int age = 2023 - x->m->byear[p];
    if (age < 20 || age > 65)
        return;
    const om_geo *g = om_synth_model_geo(model);
    int32_t r = om_geo_parent(g, OM_LEVEL_DESO, x->m->deso[p][2023 - 2011], OM_LEVEL_REGSO);
    int64_t a = fi64(c, 4), u = fi64(c, 5);
    assert_true(a >= 0 && a <= 12 && u >= 0 && u <= 365);
    bool la = a >= 10, lu = u > 180;
    x->n[r]++;
    x->k[r] += la || lu;
    x->band++;
    x->any_assist += a > 0;
    x->short_assist += a > 0 && !la;
    x->long_assist += la;
    x->short_unemp += u > 0 && !lu;
    x->long_unemp += lu;
    x->both += la && lu;
}

static void test_assist_unemp_allocation(void **state)
{
    (void)state;
    micro *m = big_micro();
    const om_geo *g = om_synth_model_geo(model);
    int32_t nr = om_geo_count(g, OM_LEVEL_REGSO);
    size_t nn = nr > 0 && nr < 100000 ? (size_t)nr : 1;
    au_count x;
    memset(&x, 0, sizeof x);
    x.m = m;
    x.n = calloc(nn, sizeof *x.n);
    x.k = calloc(nn, sizeof *x.k);
    each_row(big, "person_year.csv", au_row, &x);
    int64_t n = 0, k = 0;
    for (int32_t r = 0; r < nr; r++) {
        assert_int_equal(x.k[r], lround(om_synth_regso_target(model, r, 2) * (double)x.n[r]));
        n += x.n[r];
        k += x.k[r];
    }
    assert_int_equal(n, x.band);
    double B = (double)x.band;
    print_message("2023, ages 20-65: SCB's third indicator %.2f %%; assistance any month %.2f %%, "
                  "1-9 months %.2f %%, 10-12 months %.2f %%; unemployed 1-180 days %.2f %%, "
                  "> 180 days %.2f %%, both long %.2f %%\n",
                  100 * k / B, 100 * x.any_assist / B, 100 * x.short_assist / B,
                  100 * x.long_assist / B, 100 * x.short_unemp / B, 100 * x.long_unemp / B,
                  100 * x.both / B);
    /* shorter spells exist but do not count; both conditions occur together */
    assert_true(x.short_assist > 0.5 * x.long_assist && x.short_assist < 3 * x.long_assist);
    assert_true(x.short_unemp > x.long_unemp);
    assert_true(x.both > 0 && x.both < x.long_assist && x.both < x.long_unemp);
    assert_int_equal(k, x.long_assist + x.long_unemp - x.both);
    free(x.n);
    free(x.k);
}

/* Demography: population 2023 = scale x 10,551,707 (the anchor year), growth
 * since 2011, moves most common at 18-30 and mostly within the kommun,
 * births about 1 % of the population per year. */
static void births_row(om_csv *c, void *ctx)
{
    int *n = ctx;
    om_field d = om_csv_field(c, 1);
    if (d.len == 10 && memcmp(d.ptr, "2020", 4) == 0)
        (*n)++;
}

static void test_demography(void **state)
{
    (void)state;
    micro *mp = big_micro();
    micro m = *mp;
    const om_geo *g = om_synth_model_geo(model);
    int64_t pop[14] = {0}, moves_young = 0, py_young = 0, moves_old = 0, py_old = 0, within = 0,
            moves = 0;
    for (int32_t p = 0; p < m.n; p++)
        for (int y = 0; y < 14; y++) {
            if (!m.type[p][y])
                continue;
            pop[y]++;
            if (y == 0 || !m.type[p][y - 1])
                continue;
            int age = 2011 + y - m.byear[p];
            bool moved = m.deso[p][y] != m.deso[p][y - 1];
            if (age >= 18 && age <= 30) {
                py_young++;
                moves_young += moved;
            } else if (age >= 40) {
                py_old++;
                moves_old += moved;
            }
            if (moved) {
                moves++;
                within += om_geo_parent(g, OM_LEVEL_DESO, m.deso[p][y], OM_LEVEL_KOMMUN) ==
                          om_geo_parent(g, OM_LEVEL_DESO, m.deso[p][y - 1], OM_LEVEL_KOMMUN);
            }
        }
    print_message("population 2011 %lld, 2023 %lld; moves/py 18-30 %.3f, 40+ %.3f; within kommun %.2f\n",
                  (long long)pop[0], (long long)pop[12], (double)moves_young / py_young,
                  (double)moves_old / py_old, (double)within / moves);
    assert_true(fabs(pop[12] - 0.02 * 10551707) < 0.002 * 0.02 * 10551707);
    assert_true(pop[0] < pop[12] && pop[0] > 0.85 * pop[12]);
    assert_true((double)moves_young / py_young > 3.0 * moves_old / py_old);
    assert_true(within > 0.55 * moves);
    int births2020 = 0;
    each_row(big, "births.csv", births_row, &births2020);
    assert_true(births2020 > 0.008 * pop[9] && births2020 < 0.014 * pop[9]);
}

/* ---------------------------------------------------------------- messy */

typedef struct messy_count {
    micro *m;
    int64_t rows, unknown, bad_date, dup;
    char prev[128];
} messy_count;

static void messy_row(om_csv *c, void *ctx)
{
    messy_count *x = ctx;
    x->rows++;
    uint32_t p;
    if (!om_u64map_get(x->m->map, (uint64_t)fi64(c, 0), &p))
        x->unknown++;
    om_field d = om_csv_field(c, 1);
    int64_t y;
    assert_true(om_parse_i64(d.ptr, 4, &y));
    x->bad_date += y < 2011 || y > 2024;
    char line[128];
    om_field a = om_csv_field(c, 0), k = om_csv_field(c, 2);
    snprintf(line, sizeof line, "%.*s,%.*s,%.*s", (int)a.len, a.ptr, (int)d.len, d.ptr, (int)k.len,
             k.ptr);
    x->dup += strcmp(line, x->prev) == 0;
    memcpy(x->prev, line, sizeof line);
}

static void test_messy(void **state)
{
    (void)state;
    const double P = 0.05;
    om_synth_summary s;
    gen("messy", 0.003, 9, 2, P, &s);
    char dir[400];
    snprintf(dir, sizeof dir, "%s/messy", root);
    micro m;
    load_micro(dir, &m);
    messy_count x;
    memset(&x, 0, sizeof x);
    x.m = &m;
    each_row(dir, "admissions.csv", messy_row, &x);
    each_row(dir, "prescriptions.csv", messy_row, &x);
    each_row(dir, "dental.csv", messy_row, &x);
    /* each row independently: unknown id with P, bad date with P, and an
     * exact duplicate with P (so dup / original rows = P) */
    double orig = (double)(x.rows - x.dup);
    print_message("messy: %lld rows, unknown %.4f, bad dates %.4f, duplicates %.4f\n",
                  (long long)x.rows, x.unknown / (double)x.rows, x.bad_date / (double)x.rows,
                  x.dup / orig);
    assert_true(fabs(x.unknown / (double)x.rows - P) < 0.006);
    assert_true(fabs(x.bad_date / (double)x.rows - P) < 0.006);
    assert_true(fabs(x.dup / orig - P) < 0.006);
    /* persons without any residence row and without a death: the messy ones
     * (P per generated person) */
    int64_t nores = 0;
    for (int32_t p = 0; p < m.n; p++) {
        bool any = false;
        for (int y = 0; y < 14; y++)
            any |= m.type[p][y] != 0;
        nores += !any && !m.dead[p];
    }
    assert_int_equal(nores, s.messy_persons);
    assert_true(fabs((double)nores / (m.n - nores) - P) < 0.01);
    assert_int_equal(m.n, s.persons);
    free_micro(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_calibration_table), cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_sei_calibration),   cmocka_unit_test(test_gradients),
        cmocka_unit_test(test_demography),        cmocka_unit_test(test_messy),
        cmocka_unit_test(test_assist_unemp_allocation),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}

/* The attacker of tests/unit/barometer/attack.h.  Included by test_attack.c
 * (tests/unit builds one translation unit per test file). */
#include "attack.h"

#include "omrade/build.h"
#include "omrade/csv.h"
#include "omrade/geo.h"
#include "omrade/hash.h"

#include <glpk.h>
#include <math.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ the model
 *
 * The indicators of `omrade indicators --barometer` (src/synth/indicators.c,
 * docs/synth.md) with their age groups: the first age is the main one (the
 * only one at RegSO) and equals the sum of the others, because each group is
 * a union of the same disjoint fine bands (0-15,16,17,18-19,20-24,25-34,
 * 35-49,50-64,65-79,80+):
 *   total = 0-17 + 18-64 + 65+;  20-64 = 20-34 + 35-49 + 50-64;
 *   25-64 = 25-34 + 35-49 + 50-64;  18+ = 18-64 + 65+.
 * `mean` marks magnitude cells (numerator a sum of money, m² or days), whose
 * only bound is numerator >= 0 (and a generous per-person maximum). */
typedef struct aind {
    const char *id;
    bool mean;
    double per_person_max; /* means: upper bound of the numerator per person */
    int nages;
    const char *ages[4];
} aind;

#define ALL_AGES 4, {"total", "0-17", "18-64", "65+"}
#define AGES_20_64 4, {"20-64", "20-34", "35-49", "50-64"}
#define AGES_25_64 4, {"25-64", "25-34", "35-49", "50-64"}
#define AGES_18P 3, {"18+", "18-64", "65+"}

static const aind IND[] = {
    {"income_cu_mean", true, 1e9, ALL_AGES},
    {"low_econ", false, 0, ALL_AGES},
    {"income_quintile_1", false, 0, ALL_AGES},
    {"children_low_income", false, 0, 1, {"0-17"}},
    {"econ_assistance_any", false, 0, AGES_20_64},
    /* SEI's third indicator, ages 20-64 up to 2022 and 20-65 from 2023 */
    {"assist_unemp_long", false, 0, 4, {"20-64/65", "20-34", "35-49", "50-64/65"}},
    {"pre_upper_secondary", false, 0, AGES_25_64},
    {"post_secondary", false, 0, AGES_25_64},
    {"gainful_employment", false, 0, AGES_20_64},
    {"long_term_unemployment", false, 0, AGES_20_64},
    {"neet_20_24", false, 0, 1, {"20-24"}},
    {"born_abroad", false, 0, ALL_AGES},
    {"house_small", false, 0, ALL_AGES},
    {"house_multi", false, 0, ALL_AGES},
    {"tenure_rent", false, 0, ALL_AGES},
    {"tenure_coop", false, 0, ALL_AGES},
    {"tenure_own", false, 0, ALL_AGES},
    {"dwelling_m2_mean", true, 1e5, ALL_AGES},
    {"sickness_absence_days_mean", true, 366, AGES_20_64},
    {"voter_turnout_2014", false, 0, AGES_18P},
    {"voter_turnout_2018", false, 0, AGES_18P},
    {"voter_turnout_2022", false, 0, AGES_18P},
    {"merit_value_mean", true, 1000, 1, {"16"}},
    {"upper_secondary_eligibility", false, 0, 1, {"16"}},
    /* issue 14 */
    {"high_income", false, 0, ALL_AGES},
    {"econ_assistance_sole", false, 0, AGES_20_64},
    {"voter_turnout_region_2014", false, 0, AGES_18P},
    {"voter_turnout_region_2018", false, 0, AGES_18P},
    {"voter_turnout_region_2022", false, 0, AGES_18P},
    {"voter_turnout_kommun_2014", false, 0, AGES_18P},
    {"voter_turnout_kommun_2018", false, 0, AGES_18P},
    {"voter_turnout_kommun_2022", false, 0, AGES_18P},
    {"preschool_1_5", false, 0, 1, {"1-5"}},
    {"upper_secondary_exam_3y", false, 0, 1, {"16"}},
    {"upper_secondary_exam_4y", false, 0, 1, {"16"}},
    {"upper_secondary_exam_5y", false, 0, 1, {"16"}},
    {"migration_in", false, 0, ALL_AGES},
    {"migration_out", false, 0, ALL_AGES},
};
#define NIND ((int)(sizeof IND / sizeof *IND))

/* Indicators whose numerators count disjoint subsets of the same
 * denominator (one tenure, one house type, one education level per person):
 * their sum is at most the denominator.  children_low_income is low_econ of
 * ages 0-17 (same numerator and denominator). */
static const char *const DISJOINT[][4] = {
    {"tenure_rent", "tenure_coop", "tenure_own", NULL},
    {"house_small", "house_multi", NULL},
    {"pre_upper_secondary", "post_secondary", NULL},
    /* below 60 % and above 200 % of the same median */
    {"low_econ", "high_income", NULL},
    /* in-movers are residents of 31 Dec t, out-movers of 31 Dec t-1: the
     * two together are at most the denominator (both populations) */
    {"migration_in", "migration_out", NULL},
};

int attack_indicator(const char *id)
{
    for (int i = 0; i < NIND; i++)
        if (strcmp(IND[i].id, id) == 0)
            return i;
    return -1;
}

int attack_age(int ind, const char *label)
{
    for (int g = 0; ind >= 0 && g < IND[ind].nages; g++)
        if (strcmp(IND[ind].ages[g], label) == 0)
            return g;
    return -1;
}

static double tol(double v) { return 1e-6 * fmax(1.0, fabs(v)); }

/* The requirement of issue 10 (k = minimum count):
 *  share, d < k:             the interval must be all of [0, d];
 *  share, 1 <= x < k:        upper bound >= k;
 *  share, 1 <= d - x < k:    lower bound <= d - k   (both when both apply);
 *  mean (magnitude), d < k:  the interval must contain [0.9 x, 1.1 x]
 *                            (the 10 % protection interval of the
 *                            p%-rule family, Hundepool et al. §4.2). */
bool attack_requirement(double x, double d, bool mean, int k, double *lo, double *hi)
{
    *lo = *hi = NAN;
    if (k <= 0)
        return false;
    if (mean) {
        if (d < k) {
            *lo = 0.9 * x;
            *hi = 1.1 * x;
            return true;
        }
        return false;
    }
    if (d < k) {
        *lo = 0;
        *hi = d;
        return true;
    }
    bool p = false;
    if (x >= 1 && x < k) {
        *hi = k;
        p = true;
    }
    if (d - x >= 1 && d - x < k) {
        *lo = d - k;
        p = true;
    }
    return p;
}

/* ------------------------------------------------------------ storage */

typedef struct acell {
    uint64_t key;
    double x, d;     /* truth */
    double val;      /* what the attacker knows (published or recovered) */
    double lo_req, hi_req;
    double lpmin, lpmax; /* exact LP bounds when solved for this cell, else NAN */
    uint8_t status;  /* 0 none, 1 published, 2 primary/suppressed, 3 secondary, 4 withheld by
                        the design (no requirement), 5 a small län's withheld cross (database
                        status 4: the primary rule's requirement applies) */
    bool known, recovered, primary, mean, lp_under, lp_open;
    int8_t level;
    int16_t tyear;   /* area-type aggregates: the year of the area types */
} acell;

struct attack {
    attack_options o;
    om_geo *geo;
    acell *c;
    size_t n, cap;
    om_u64map *map, *slices;
    /* relations: terms [first, first + n) of tv/tc; rhs; le (<=) or = */
    int64_t *rfirst;
    int32_t *rn;
    double *rrhs;
    bool *rle;
    size_t nr, capr;
    int32_t *tv;
    int8_t *tc;
    size_t nt, capt;
    size_t open_first; /* terms of the relation being built */
    int8_t *types[201]; /* area type per RegSO, by type year - 1900 (new schema) */
    int32_t *comp;      /* LP: union-find parent per cell */
    double *blo, *bhi;  /* bounds implied by propagation (outer bounds of the LP interval) */
    attack_result res;
    bool ran;
};

/* edu: 0 total, 1-3 the levels, A_EDU_UNKNOWN the persons of unknown
 * education (never published: total less the levels) */
static uint64_t key_of(int ind, int lv, int32_t area, int year, int sex, int age, int born, int edu)
{
    return ((((((((uint64_t)ind * 8 + (uint64_t)lv) * 8192 + (uint64_t)area) * 256 +
                (uint64_t)(year - 1900)) * 4 + (uint64_t)sex) * 4 + (uint64_t)age) * 4) + (uint64_t)born) * 8 +
           (uint64_t)edu;
}

static void key_parts(uint64_t k, int *ind, int *lv, int32_t *area, int *year, int *sex, int *age, int *born,
                      int *edu)
{
    *edu = (int)(k % 8); k /= 8;
    *born = (int)(k % 4); k /= 4;
    *age = (int)(k % 4); k /= 4;
    *sex = (int)(k % 4); k /= 4;
    *year = (int)(k % 256) + 1900; k /= 256;
    *area = (int32_t)(k % 8192); k /= 8192;
    *lv = (int)(k % 8); k /= 8;
    *ind = (int)k;
}

static void mismatch(attack *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void mismatch(attack *a, const char *fmt, ...)
{
    if (a->res.mismatches++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(a->res.first_mismatch, sizeof a->res.first_mismatch, fmt, ap);
        va_end(ap);
    }
}

attack *attack_new(const attack_options *opt)
{
    attack *a = calloc(1, sizeof *a);
    if (!a)
        return NULL;
    if (opt)
        a->o = *opt;
    if (a->o.k == 0)
        a->o.k = 5;
    om_error e = OM_ERROR_INIT;
    a->map = om_u64map_new(1 << 16);
    a->slices = om_u64map_new(1 << 12);
    if (om_geo_new_builtin(&a->geo, &e) != OM_OK || !a->map || !a->slices) {
        attack_free(a);
        return NULL;
    }
    return a;
}

void attack_free(attack *a)
{
    if (!a)
        return;
    om_geo_free(a->geo);
    om_u64map_free(a->map);
    om_u64map_free(a->slices);
    free(a->c);
    free(a->rfirst);
    free(a->rn);
    free(a->rrhs);
    free(a->rle);
    free(a->tv);
    free(a->tc);
    free(a->comp);
    free(a->blo);
    free(a->bhi);
    for (int y = 0; y <= 200; y++)
        free(a->types[y]);
    free(a);
}

static bool ind_wanted(const attack *a, int ind)
{
    if (!a->o.indicators || ind < 0)
        return true;
    for (const char *const *p = a->o.indicators; *p; p++)
        if (strcmp(*p, IND[ind].id) == 0)
            return true;
    return false;
}

static bool year_wanted(const attack *a, int y)
{
    if (!a->o.years)
        return true;
    for (const int *p = a->o.years; *p; p++)
        if (*p == y)
            return true;
    return false;
}

bool attack_add(attack *a, int ind, int level, int32_t area, int year, int sex, int age, int born, int edu,
                double x, double d, int status, double pub)
{
    uint64_t k = key_of(ind, level, area, year, sex, age, born, edu);
    uint32_t prev;
    if (a->n == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 1024;
        acell *nc = realloc(a->c, cap * sizeof *nc);
        if (!nc)
            return false;
        a->c = nc;
        a->cap = cap;
    }
    if (om_u64map_put_new(a->map, k, (uint32_t)a->n, &prev) != OM_OK || prev != (uint32_t)a->n)
        return false;
    acell *c = &a->c[a->n++];
    memset(c, 0, sizeof *c);
    c->key = k;
    c->x = x;
    c->d = d;
    c->status = (uint8_t)status;
    c->val = status == 1 ? pub : NAN;
    c->level = (int8_t)level;
    c->mean = ind >= 0 && ind < NIND && IND[ind].mean;
    c->lpmin = c->lpmax = NAN;
    c->lo_req = c->hi_req = NAN;
    return true;
}

void attack_slice(attack *a, int ind, int level, int year, int sex, int age, int born, int edu)
{
    (void)om_u64map_put(a->slices, key_of(ind, level, 0, year, sex, age, born, edu), 1);
}

static bool slice_exists(const attack *a, int ind, int level, int year, int sex, int age, int born, int edu)
{
    uint32_t v;
    return om_u64map_get(a->slices, key_of(ind, level, 0, year, sex, age, born, edu), &v);
}

/* -1 when the cell has no data (numerator and denominator 0). */
static int32_t find(const attack *a, int ind, int lv, int32_t area, int year, int sex, int age, int born, int edu)
{
    uint32_t v;
    return om_u64map_get(a->map, key_of(ind, lv, area, year, sex, age, born, edu), &v) ? (int32_t)v : -1;
}

/* ------------------------------------------------------------ loading */

static int sex_code(const char *s) { return !strcmp(s, "total") ? 0 : !strcmp(s, "man") ? 1 : !strcmp(s, "woman") ? 2 : -1; }
static int born_code(const char *s) { return !strcmp(s, "total") ? 0 : !strcmp(s, "sweden") ? 1 : !strcmp(s, "abroad") ? 2 : -1; }
static int edu_code(const char *s)
{
    return !strcmp(s, "total")                 ? 0
           : !strcmp(s, "pre_upper_secondary") ? 1
           : !strcmp(s, "upper_secondary")     ? 2
           : !strcmp(s, "post_secondary")      ? 3
                                               : -1;
}
static int level_code(const char *s)
{
    return !strcmp(s, "riket") ? A_RIKET : !strcmp(s, "lan") ? A_LAN : !strcmp(s, "kommun") ? A_KOMMUN
           : !strcmp(s, "regso") ? A_REGSO : -1;
}

static void fcopy(char *buf, size_t size, om_field f)
{
    size_t n = f.len < size - 1 ? f.len : size - 1;
    memcpy(buf, f.ptr, n);
    buf[n] = '\0';
}

static bool load_truth(attack *a, const char *path, char *msg, size_t msglen)
{
    static const char *const cols[] = {"level", "code", "year", "indicator", "sex",
                                       "age", "born", "numerator", "denominator"};
    om_csv *c = NULL;
    om_error e = OM_ERROR_INIT;
    int ix[9];
    om_status s = om_csv_open(&c, path, NULL, &e);
    if (!s)
        s = om_csv_read_header(c, &e);
    if (!s)
        s = om_csv_require(c, cols, 9, ix, &e);
    int iedu = s ? -1 : om_csv_col(c, "edu"); /* optional: absent = total */
    while (!s) {
        bool got;
        if ((s = om_csv_next(c, &got, &e)) || !got)
            break;
        char lv[16], code[16], ind[80], sex[16], age[16], born[16];
        fcopy(lv, sizeof lv, om_csv_field(c, (size_t)ix[0]));
        fcopy(code, sizeof code, om_csv_field(c, (size_t)ix[1]));
        fcopy(ind, sizeof ind, om_csv_field(c, (size_t)ix[3]));
        fcopy(sex, sizeof sex, om_csv_field(c, (size_t)ix[4]));
        fcopy(age, sizeof age, om_csv_field(c, (size_t)ix[5]));
        fcopy(born, sizeof born, om_csv_field(c, (size_t)ix[6]));
        char edu[32] = "total";
        if (iedu >= 0)
            fcopy(edu, sizeof edu, om_csv_field(c, (size_t)iedu));
        int64_t y;
        double x, d;
        if ((s = om_csv_i64(c, (size_t)ix[2], &y, &e)) || (s = om_csv_f64(c, (size_t)ix[7], &x, &e)) ||
            (s = om_csv_f64(c, (size_t)ix[8], &d, &e)))
            break;
        int ii = attack_indicator(ind);
        if (!year_wanted(a, (int)y) || !ind_wanted(a, ii))
            continue;
        int l = level_code(lv), sx = sex_code(sex), bo = born_code(born), ed = edu_code(edu);
        int ag = attack_age(ii, age);
        int32_t area = l == A_RIKET ? 0 : l > 0 ? om_geo_find(a->geo, (om_level)l, code, strlen(code)) : -1;
        if (ii < 0 || ag < 0 || l < 0 || sx < 0 || bo < 0 || ed < 0 || area < 0 || y < 1990 || y > 2100) {
            a->res.unmodelled_rows++;
            continue;
        }
        if (!attack_add(a, ii, l, area, (int)y, sx, ag, bo, ed, x, d, 0, NAN)) {
            snprintf(msg, msglen, "%s: duplicate row or out of memory at %s %s %lld %s", path, lv, code,
                     (long long)y, ind);
            om_csv_free(c);
            return false;
        }
    }
    om_csv_free(c);
    if (s) {
        om_error_format(&e, msg, msglen);
        return false;
    }
    return true;
}

static bool has_column(sqlite3 *db, const char *table, const char *col)
{
    char sql[128];
    snprintf(sql, sizeof sql, "PRAGMA table_info(%s)", table);
    sqlite3_stmt *st = NULL;
    bool found = false;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK)
        while (sqlite3_step(st) == SQLITE_ROW)
            if (strcmp((const char *)sqlite3_column_text(st, 1), col) == 0)
                found = true;
    sqlite3_finalize(st);
    return found;
}

static const char *text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

/* Slices: mark published/suppressed status on the truth cells. */
static bool load_slices(attack *a, sqlite3 *db, char *msg, size_t msglen)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           has_column(db, "slices", "edu")
                               ? "SELECT indicator, level, year, sex, age, born, n, cells, edu FROM slices"
                               : "SELECT indicator, level, year, sex, age, born, n, cells, 'total' FROM slices",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(msg, msglen, "reading slices: %s", sqlite3_errmsg(db));
        return false;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        int ii = attack_indicator(text(st, 0)), l = level_code(text(st, 1)), y = sqlite3_column_int(st, 2);
        int sx = sex_code(text(st, 3)), ag = attack_age(ii, text(st, 4)), bo = born_code(text(st, 5));
        int n = sqlite3_column_int(st, 6), ed = edu_code(text(st, 8));
        if (ii < 0 || ag < 0 || l < 0 || sx < 0 || bo < 0 || ed < 0 || !year_wanted(a, y) || !ind_wanted(a, ii))
            continue;
        const unsigned char *blob = sqlite3_column_blob(st, 7);
        if (sqlite3_column_bytes(st, 7) != n * 17 || n != (l == A_RIKET ? 1 : om_geo_count(a->geo, (om_level)l))) {
            snprintf(msg, msglen, "slice %s/%s/%d: expected %d areas of 17 bytes", text(st, 0), text(st, 1), y, n);
            sqlite3_finalize(st);
            return false;
        }
        attack_slice(a, ii, l, y, sx, ag, bo, ed);
        for (int k = 0; k < n; k++) {
            int status = blob[k];
            double num, den;
            memcpy(&num, blob + n + (size_t)k * 8, 8);
            memcpy(&den, blob + n + (size_t)n * 8 + (size_t)k * 8, 8);
            int32_t i = find(a, ii, l, k, y, sx, ag, bo, ed);
            if (status == 0) {
                if (i >= 0)
                    mismatch(a, "%s %s %d area %d: data in the truth, none in the database", text(st, 0),
                             text(st, 1), y, k);
                continue;
            }
            if (i < 0) {
                mismatch(a, "%s %s %d area %d: a cell in the database, none in the truth", text(st, 0),
                         text(st, 1), y, k);
                continue;
            }
            acell *c = &a->c[i];
            c->status = (uint8_t)(status == 4 ? 5 : status > 3 ? 2 : status);
            if (status == 1) {
                c->val = num;
                if (!(fabs(num - c->x) <= tol(c->x)) || !(fabs(den - c->d) <= tol(c->d)))
                    mismatch(a, "%s %s %d area %d: published %g/%g, truth %g/%g", text(st, 0), text(st, 1), y,
                             k, num, den, c->x, c->d);
            }
        }
    }
    sqlite3_finalize(st);
    return true;
}

/* Intervals (table intervals: the health indicators of `omrade rates
 * --barometer`).  Poisson and Wilson limits are functions of numerator and
 * denominator, so a limit next to a cell whose value is not published gives
 * the count back to anyone who inverts the formula: every such limit is a
 * leak, whatever the indicator (this check needs no model of it).  A row
 * without its slice (a slice withheld by design) must carry no limit. */
static bool load_intervals(attack *a, sqlite3 *db, char *msg, size_t msglen)
{
    if (!has_column(db, "intervals", "limits"))
        return true;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db,
                           has_column(db, "intervals", "edu")
                               ? "SELECT v.indicator, v.n, v.limits, s.cells, s.n FROM intervals v LEFT JOIN "
                                 "slices s ON s.indicator = v.indicator AND s.level = v.level AND s.year = v.year "
                                 "AND s.sex = v.sex AND s.age = v.age AND s.born = v.born AND s.edu = v.edu"
                               : "SELECT v.indicator, v.n, v.limits, s.cells, s.n FROM intervals v LEFT JOIN "
                                 "slices s ON s.indicator = v.indicator AND s.level = v.level AND s.year = v.year "
                                 "AND s.sex = v.sex AND s.age = v.age AND s.born = v.born",
                           -1, &st, NULL) != SQLITE_OK) {
        snprintf(msg, msglen, "reading intervals: %s", sqlite3_errmsg(db));
        return false;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_int(st, 1);
        const unsigned char *lim = sqlite3_column_blob(st, 2), *cells = sqlite3_column_blob(st, 3);
        bool has_slice = sqlite3_column_type(st, 3) != SQLITE_NULL;
        if (n <= 0 || sqlite3_column_bytes(st, 2) != n * 16 ||
            (has_slice && (sqlite3_column_int(st, 4) != n || sqlite3_column_bytes(st, 3) != n * 17))) {
            snprintf(msg, msglen, "intervals of %s: expected %d areas of 16 bytes beside the slice's", text(st, 0), n);
            sqlite3_finalize(st);
            return false;
        }
        for (int k = 0; k < n; k++) {
            double lo, hi;
            memcpy(&lo, lim + (size_t)k * 8, 8);
            memcpy(&hi, lim + ((size_t)n + (size_t)k) * 8, 8);
            int status = has_slice ? cells[k] : 0;
            if (status != 0)
                a->res.interval_cells++;
            if (status != 1 && (!isnan(lo) || !isnan(hi))) {
                a->res.interval_leaks++;
                mismatch(a, "%s area %d: an interval beside a cell of status %d", text(st, 0), k, status);
            }
        }
    }
    sqlite3_finalize(st);
    return true;
}

/* Area-type aggregates.  New schema: the sum over every RegSO of the type
 * (status 1/2/3) — a relation.  Old schema (`suppressed`): sums of the
 * published RegSO only, which tell nothing about a suppressed cell. */
static bool load_types(attack *a, sqlite3 *db, char *msg, size_t msglen)
{
    a->res.new_schema = has_column(db, "type_values", "status");
    if (!a->res.new_schema)
        return true;
    int32_t nreg = om_geo_count(a->geo, OM_LEVEL_REGSO);
    int8_t **types = a->types;
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(db, "SELECT code, year, area_type FROM area_types WHERE area_type IS NOT NULL",
                                 -1, &st, NULL) == SQLITE_OK;
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        const char *code = text(st, 0);
        int y = sqlite3_column_int(st, 1) - 1900;
        int32_t r = om_geo_find(a->geo, OM_LEVEL_REGSO, code, strlen(code));
        if (y < 0 || y > 200 || r < 0)
            continue;
        if (!types[y] && !(types[y] = calloc((size_t)nreg, 1)))
            ok = false;
        else
            types[y][r] = (int8_t)sqlite3_column_int(st, 2);
    }
    sqlite3_finalize(st);
    st = NULL;
    if (ok)
        ok = sqlite3_prepare_v2(db,
                                "SELECT indicator, year, type_year, sex, age, born, within, CAST(area_type AS TEXT),"
                                " numerator, status FROM type_values",
                                -1, &st, NULL) == SQLITE_OK;
    /* relations of the aggregates are added later (attack_relations) from
     * these members; the aggregate cell's truth is the sum of its members */
    while (ok && sqlite3_step(st) == SQLITE_ROW) {
        int ii = attack_indicator(text(st, 0)), y = sqlite3_column_int(st, 1), ty = sqlite3_column_int(st, 2);
        int sx = sex_code(text(st, 3)), ag = attack_age(ii, text(st, 4)), bo = born_code(text(st, 5));
        const char *within = text(st, 6), *at = text(st, 7);
        int status = sqlite3_column_int(st, 9);
        if (ii < 0 || ag != 0 || sx < 0 || bo < 0 || !year_wanted(a, y) || !ind_wanted(a, ii))
            continue;
        int tmask = !strcmp(at, "1-2") ? 6 : (at[0] >= '1' && at[0] <= '5' && !at[1]) ? 1 << (at[0] - '0') : 0;
        int32_t lan = strcmp(within, "00") == 0 ? -1 : om_geo_find(a->geo, OM_LEVEL_LAN, within, strlen(within));
        if (!tmask || (lan < 0 && strcmp(within, "00") != 0) || ty < 1900 || ty > 2100 || !types[ty - 1900]) {
            mismatch(a, "type_values %s %d %s/%s: unknown area type, region or type year", text(st, 0), y, within, at);
            continue;
        }
        double x = 0, d = 0;
        for (int32_t r = 0; r < nreg; r++) {
            if (!(tmask & (1 << types[ty - 1900][r])))
                continue;
            if (lan >= 0 && om_geo_parent(a->geo, OM_LEVEL_REGSO, r, OM_LEVEL_LAN) != lan)
                continue;
            int32_t i = find(a, ii, A_REGSO, r, y, sx, 0, bo, 0);
            if (i >= 0) {
                x += a->c[i].x;
                d += a->c[i].d;
            }
        }
        int32_t area = (lan + 1) * 8 + (tmask == 6 ? 6 : at[0] - '0');
        double pub = sqlite3_column_type(st, 8) == SQLITE_NULL ? NAN : sqlite3_column_double(st, 8);
        if (!attack_add(a, ii, A_TYPE, area, y, sx, 0, bo, 0, x, d, status, pub)) {
            ok = false;
            break;
        }
        a->c[a->n - 1].tyear = (int16_t)ty;
        if (status == 1 && !(fabs(pub - x) <= tol(x)))
            mismatch(a, "type_values %s %d %s/%s: published %g, sum of its RegSO %g", text(st, 0), y, within, at,
                     pub, x);
        a->res.type_cells++;
    }
    sqlite3_finalize(st);
    if (!ok)
        snprintf(msg, msglen, "reading area types: %s", sqlite3_errmsg(db));
    return ok;
}

/* ------------------------------------------------------------ relations */

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return true;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = realloc(*p, c * size);
    if (!q)
        return false;
    *p = q;
    *cap = c;
    return true;
}

/* Room for one more relation: the largest has 1 + 3,363 terms (an area
 * type over every RegSO of the country). */
static bool rel_begin(attack *a)
{
    size_t c1 = a->capt;
    if (!grow((void **)&a->tv, &c1, a->nt + 8192, sizeof *a->tv))
        return false;
    size_t c2 = a->capt;
    if (!grow((void **)&a->tc, &c2, a->nt + 8192, sizeof *a->tc))
        return false;
    a->capt = c1 < c2 ? c1 : c2;
    a->open_first = a->nt;
    return true;
}

static void rel_term(attack *a, int32_t cell, int coef)
{
    if (cell < 0) /* no data: a zero term */
        return;
    a->tv[a->nt] = cell;
    a->tc[a->nt] = (int8_t)coef;
    a->nt++;
}

/* Close the relation sum(terms) = rhs (or <= rhs) and check it on the
 * truth: a relation that the true values break is a modelling error. */
static bool rel_end(attack *a, bool le, double rhs, const char *what)
{
    size_t first = a->open_first, n = a->nt - first;
    double lhs = 0, mag = fabs(rhs);
    for (size_t t = first; t < a->nt; t++) {
        lhs += a->tc[t] * a->c[a->tv[t]].x;
        mag += fabs(a->c[a->tv[t]].x);
    }
    if (le ? lhs > rhs + tol(mag) : fabs(lhs - rhs) > tol(mag)) {
        acell *c = &a->c[a->tv[first]];
        int ind, lv, y, sx, ag, bo, ed;
        int32_t ar;
        key_parts(c->key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
        mismatch(a, "%s relation of %s level %d area %d %d sex %d age %d born %d: %.17g %s %.17g on the truth",
                 what, IND[ind].id, lv, ar, y, sx, ag, bo, lhs, le ? ">" : "!=", rhs);
    }
    if (n == 0) {
        a->nt = first;
        return true;
    }
    size_t cap = a->capr;
    if (!grow((void **)&a->rfirst, &cap, a->nr + 1, sizeof *a->rfirst))
        return false;
    cap = a->capr;
    if (!grow((void **)&a->rn, &cap, a->nr + 1, sizeof *a->rn))
        return false;
    cap = a->capr;
    if (!grow((void **)&a->rrhs, &cap, a->nr + 1, sizeof *a->rrhs))
        return false;
    cap = a->capr;
    if (!grow((void **)&a->rle, &cap, a->nr + 1, sizeof *a->rle))
        return false;
    a->capr = cap;
    a->rfirst[a->nr] = (int64_t)first;
    a->rn[a->nr] = (int32_t)n;
    a->rrhs[a->nr] = rhs;
    a->rle[a->nr] = le;
    a->nr++;
    return true;
}

/* RegSO of each (län, area type) for one type year, as index lists. */
typedef struct tindex {
    int32_t *first; /* (nlan * 6 + 1) offsets into list, key lan * 6 + type - 1 */
    int32_t *list;
} tindex;

static bool tindex_build(const attack *a, int ty, tindex *ti)
{
    int32_t nreg = om_geo_count(a->geo, OM_LEVEL_REGSO), nl = om_geo_count(a->geo, OM_LEVEL_LAN);
    ti->first = calloc((size_t)nl * 6 + 2, sizeof *ti->first);
    ti->list = malloc((size_t)nreg * sizeof *ti->list);
    if (!ti->first || !ti->list)
        return false;
    const int8_t *t = a->types[ty - 1900];
    for (int32_t r = 0; r < nreg; r++)
        if (t[r] >= 1 && t[r] <= 5)
            ti->first[om_geo_parent(a->geo, OM_LEVEL_REGSO, r, OM_LEVEL_LAN) * 6 + t[r] - 1 + 1]++;
    for (int32_t k = 0; k < nl * 6; k++)
        ti->first[k + 1] += ti->first[k];
    int32_t *fill = calloc((size_t)nl * 6 + 1, sizeof *fill);
    if (!fill)
        return false;
    for (int32_t r = 0; r < nreg; r++)
        if (t[r] >= 1 && t[r] <= 5) {
            int32_t k = om_geo_parent(a->geo, OM_LEVEL_REGSO, r, OM_LEVEL_LAN) * 6 + t[r] - 1;
            ti->list[ti->first[k] + fill[k]++] = r;
        }
    free(fill);
    return true;
}

enum { A_EDU_UNKNOWN = 4 };

/* Persons of unknown education: an education total (kommun and up) less
 * its published levels, one unknown cell per total, never published, with
 * the public denominator d_total - sum of the levels' d as its bound; none
 * when that is 0 (everyone has a level: the total is the plain sum).
 * Added before the relations so that cells do not move while they are
 * built. */
static bool edu_unknowns(attack *a)
{
    size_t n = a->n;
    for (size_t i = 0; i < n; i++) {
        int ind, lv, y, sx, ag, bo, ed;
        int32_t ar;
        key_parts(a->c[i].key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
        if (ed != 0 || lv == A_REGSO || lv == A_TYPE)
            continue;
        bool any = false;
        double x = a->c[i].x, d = a->c[i].d;
        for (int e = 1; e <= 3; e++) {
            any = any || slice_exists(a, ind, lv, y, sx, ag, bo, e);
            int32_t j = find(a, ind, lv, ar, y, sx, ag, bo, e);
            if (j >= 0) {
                x -= a->c[j].x;
                d -= a->c[j].d;
            }
        }
        if (any && d > 0.5 && !attack_add(a, ind, lv, ar, y, sx, ag, bo, A_EDU_UNKNOWN, x, d, 4, NAN))
            return false;
    }
    return true;
}

static bool build_relations(attack *a)
{
    if (!edu_unknowns(a))
        return false;
    const om_geo *g = a->geo;
    int32_t nl = om_geo_count(g, OM_LEVEL_LAN);
    int cli = attack_indicator("children_low_income"), low = attack_indicator("low_econ");
    tindex ti[201];
    memset(ti, 0, sizeof ti);
    bool ok = true;
    size_t n = a->n;
    for (size_t i = 0; ok && i < n; i++) {
        acell *c = &a->c[i];
        int ind, lv, y, sx, ag, bo, ed;
        int32_t ar;
        key_parts(c->key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
        /* relation 7: bounds */
        double hi = c->mean ? c->d * IND[ind].per_person_max : c->d;
        if (c->x < -tol(c->x) || c->x > hi + tol(hi))
            mismatch(a, "%s level %d area %d %d: truth %g outside [0, %g]", IND[ind].id, lv, ar, y, c->x, hi);
        if (lv == A_TYPE) {
            /* relation 5: an aggregate = sum of the RegSO of its type(s) in its region */
            int ty = c->tyear, lan = ar / 8 - 1, t = ar % 8;
            if (!ti[ty - 1900].first && !tindex_build(a, ty, &ti[ty - 1900])) {
                ok = false;
                break;
            }
            const tindex *x = &ti[ty - 1900];
            if (!(ok = rel_begin(a)))
                break;
            rel_term(a, (int32_t)i, 1);
            for (int32_t l = lan < 0 ? 0 : lan; l < (lan < 0 ? nl : lan + 1); l++)
                for (int tt = 1; tt <= 5; tt++) {
                    if (!(t == 6 ? tt <= 2 : tt == t))
                        continue;
                    int32_t k = l * 6 + tt - 1;
                    for (int32_t q = x->first[k]; q < x->first[k + 1]; q++)
                        rel_term(a, find(a, ind, A_REGSO, x->list[q], y, sx, 0, bo, ed), -1);
                }
            ok = ok && rel_end(a, false, 0, "area type");
            continue;
        }
        /* relation 1: total = man + woman; 2: total = sweden + abroad */
        if (sx == 0 && slice_exists(a, ind, lv, y, 1, ag, bo, ed) && slice_exists(a, ind, lv, y, 2, ag, bo, ed)) {
            ok = rel_begin(a);
            rel_term(a, (int32_t)i, 1);
            rel_term(a, find(a, ind, lv, ar, y, 1, ag, bo, ed), -1);
            rel_term(a, find(a, ind, lv, ar, y, 2, ag, bo, ed), -1);
            ok = ok && rel_end(a, false, 0, "sex");
        }
        if (ok && bo == 0 && slice_exists(a, ind, lv, y, sx, ag, 1, ed) && slice_exists(a, ind, lv, y, sx, ag, 2, ed)) {
            ok = rel_begin(a);
            rel_term(a, (int32_t)i, 1);
            rel_term(a, find(a, ind, lv, ar, y, sx, ag, 1, ed), -1);
            rel_term(a, find(a, ind, lv, ar, y, sx, ag, 2, ed), -1);
            ok = ok && rel_end(a, false, 0, "born");
        }
        /* relation 8: education total = its levels + unknown education */
        bool levels = false;
        for (int e = 1; e <= 3 && ed == 0 && lv != A_REGSO; e++)
            levels = levels || slice_exists(a, ind, lv, y, sx, ag, bo, e);
        if (ok && levels) {
            int32_t unk = find(a, ind, lv, ar, y, sx, ag, bo, A_EDU_UNKNOWN);
            ok = rel_begin(a);
            rel_term(a, (int32_t)i, 1);
            for (int e = 1; e <= 3; e++)
                rel_term(a, find(a, ind, lv, ar, y, sx, ag, bo, e), -1);
            rel_term(a, unk, -1);
            ok = ok && rel_end(a, false, 0, "education");
        }
        /* relation 3: main age = sum of its sub-bands */
        if (ok && ag == 0 && IND[ind].nages > 1) {
            bool all = true;
            for (int s = 1; s < IND[ind].nages; s++)
                all = all && slice_exists(a, ind, lv, y, sx, s, bo, ed);
            if (all) {
                ok = rel_begin(a);
                rel_term(a, (int32_t)i, 1);
                for (int s = 1; s < IND[ind].nages; s++)
                    rel_term(a, find(a, ind, lv, ar, y, sx, s, bo, ed), -1);
                ok = ok && rel_end(a, false, 0, "age");
            }
        }
        /* relation 4: kommun = sum of its RegSO (main age), län = sum of its
         * kommuner, riket = sum of the län */
        int down = lv == A_KOMMUN && ag == 0 ? A_REGSO : lv == A_LAN ? A_KOMMUN : lv == A_RIKET ? A_LAN : 0;
        if (ok && down && slice_exists(a, ind, down, y, sx, ag, bo, ed)) {
            int32_t first = 0, count = nl;
            if (lv != A_RIKET)
                om_geo_children(g, (om_level)lv, ar, (om_level)down, &first, &count);
            ok = rel_begin(a);
            rel_term(a, (int32_t)i, 1);
            for (int32_t k = first; k < first + count; k++)
                rel_term(a, find(a, ind, down, k, y, sx, ag, bo, ed), -1);
            ok = ok && rel_end(a, false, 0, "geography");
        }
        /* relation 6: children_low_income = low_econ aged 0-17 */
        if (ok && ind == cli && lv != A_REGSO && slice_exists(a, low, lv, y, sx, 1, bo, ed)) {
            ok = rel_begin(a);
            rel_term(a, (int32_t)i, 1);
            int32_t j = find(a, low, lv, ar, y, sx, 1, bo, ed);
            rel_term(a, j, -1);
            ok = ok && rel_end(a, false, 0, "children_low_income");
            /* one count, one status: published under one name and not under
             * the other would mean the build's model held as unknown what
             * the database gives away */
            if (j >= 0 && (a->c[j].status == 1) != (c->status == 1))
                mismatch(a, "children_low_income and low_econ 0-17: one count, status %d under one name and %d "
                         "under the other (level %d area %d %d)", c->status, a->c[j].status, lv, (int)ar, y);
        }
        /* relation 6: disjoint numerators of one denominator */
        for (size_t q = 0; ok && q < sizeof DISJOINT / sizeof *DISJOINT; q++) {
            if (strcmp(DISJOINT[q][0], IND[ind].id) != 0)
                continue;
            ok = rel_begin(a);
            rel_term(a, (int32_t)i, 1);
            for (int m = 1; m < 4 && DISJOINT[q][m]; m++) {
                int mi = attack_indicator(DISJOINT[q][m]);
                if (!slice_exists(a, mi, lv, y, sx, ag, bo, ed))
                    continue; /* not published: an unknown >= 0, left out of the sum */
                int32_t j = find(a, mi, lv, ar, y, sx, ag, bo, ed);
                if (j >= 0 && fabs(a->c[j].d - c->d) > tol(c->d))
                    mismatch(a, "%s and %s: different denominators %g and %g", IND[ind].id, DISJOINT[q][m],
                             c->d, a->c[j].d);
                rel_term(a, j, 1);
            }
            ok = ok && rel_end(a, true, c->d, "disjoint");
        }
    }
    for (int y = 0; y <= 200; y++) {
        free(ti[y].first);
        free(ti[y].list);
    }
    a->res.relations = (int64_t)a->nr;
    return ok;
}

/* ------------------------------------------------------------ attack (a): differencing
 *
 * Worklist over the equalities: each keeps its number of unknown terms;
 * when it drops to one, that unknown is the relation's remainder.  A
 * recovered value is known from then on and may open further relations. */
static void differencing(attack *a)
{
    size_t n = a->n, nr = a->nr;
    int32_t *nunk = calloc(nr ? nr : 1, sizeof *nunk);
    int64_t *off = calloc(n + 1, sizeof *off);
    int32_t *adj = malloc((a->nt ? a->nt : 1) * sizeof *adj);
    int32_t *queue = malloc((nr ? nr : 1) * sizeof *queue);
    if (!nunk || !off || !adj || !queue) {
        mismatch(a, "out of memory in differencing");
        goto done;
    }
    for (size_t r = 0; r < nr; r++)
        for (int64_t t = a->rfirst[r]; t < a->rfirst[r] + a->rn[r]; t++) {
            off[a->tv[t] + 1]++;
            nunk[r] += !a->c[a->tv[t]].known;
        }
    for (size_t i = 0; i < n; i++)
        off[i + 1] += off[i];
    {
        int64_t *fill = calloc(n + 1, sizeof *fill);
        if (!fill) {
            mismatch(a, "out of memory in differencing");
            goto done;
        }
        for (size_t r = 0; r < nr; r++)
            for (int64_t t = a->rfirst[r]; t < a->rfirst[r] + a->rn[r]; t++)
                adj[off[a->tv[t]] + fill[a->tv[t]]++] = (int32_t)r;
        free(fill);
    }
    size_t qh = 0, qt = 0;
    for (size_t r = 0; r < nr; r++)
        if (!a->rle[r] && nunk[r] == 1)
            queue[qt++] = (int32_t)r;
    while (qh < qt) {
        int32_t r = queue[qh++];
        if (nunk[r] != 1)
            continue;
        int32_t u = -1;
        int coef = 0;
        double rest = a->rrhs[r];
        for (int64_t t = a->rfirst[r]; t < a->rfirst[r] + a->rn[r]; t++) {
            const acell *c = &a->c[a->tv[t]];
            if (c->known)
                rest -= a->tc[t] * c->val;
            else {
                u = a->tv[t];
                coef = a->tc[t];
            }
        }
        acell *c = &a->c[u];
        c->val = rest / coef;
        c->known = c->recovered = true;
        if (!(fabs(c->val - c->x) <= tol(c->x)))
            mismatch(a, "differencing recovered %.17g for a cell whose truth is %.17g", c->val, c->x);
        for (int64_t k = off[u]; k < off[u + 1]; k++) {
            int32_t q = adj[k];
            if (--nunk[q] == 1 && !a->rle[q])
                queue[qt++] = q;
        }
    }
done:
    free(nunk);
    free(off);
    free(adj);
    free(queue);
}

/* ------------------------------------------------------------ attack (b): linear programming
 *
 * Per connected component of the unknowns (cells joined by a relation with
 * two or more unknowns), one GLPK problem: columns the unknown numerators
 * with their bounds, rows the relations with the known values moved to the
 * right-hand side.  A side of a primary cell's requirement is met as soon as
 * any feasible point reaches it, so each optimum is checked against every
 * open requirement: first the sum of all open upper (lower) requirements is
 * maximised (minimised) until no new one is met, then each remaining cell
 * gets its own min or max — the exact bound that decides it.  Warm starts
 * (presolver off) keep the re-solves short. */

static int32_t uf_find(int32_t *p, int32_t i)
{
    while (p[i] != i) {
        p[i] = p[p[i]];
        i = p[i];
    }
    return i;
}

static bool lp_capped(const attack *a) { return a->o.max_solves > 0 && a->res.lp_solves >= a->o.max_solves; }

static bool lp_solve(attack *a, glp_prob *lp)
{
    glp_smcp parm;
    glp_init_smcp(&parm);
    parm.msg_lev = GLP_MSG_OFF;
    parm.presolve = GLP_OFF;
    a->res.lp_solves++;
    int ret = glp_simplex(lp, &parm);
    if (ret != 0 || glp_get_status(lp) != GLP_OPT) {
        glp_adv_basis(lp, 0);
        ret = glp_simplex(lp, &parm);
    }
    return ret == 0 && glp_get_status(lp) == GLP_OPT;
}

/* Mark every open requirement that the current optimum meets; returns how many. */
static int lp_witness(attack *a, glp_prob *lp, const int32_t *cols, int m, bool *need_lo, bool *need_hi)
{
    int met = 0;
    for (int j = 0; j < m; j++) {
        const acell *c = &a->c[cols[j]];
        double v = glp_get_col_prim(lp, j + 1);
        if (need_hi[j] && v >= c->hi_req - tol(c->hi_req)) {
            need_hi[j] = false;
            met++;
        }
        if (need_lo[j] && v <= c->lo_req + tol(c->lo_req)) {
            need_lo[j] = false;
            met++;
        }
    }
    return met;
}

/* Bound propagation (feasibility-based bound tightening, e.g. Belotti et
 * al. 2010): every relation bounds each of its unknowns by the bounds of
 * the others, repeated until nothing tightens.  The bounds enclose the LP
 * interval, so a requirement they already fail is a proven leak without a
 * simplex solve — at national scale most leaks of a per-slice protection
 * are of this kind (a cell bounded by a margin minus published cells). */
static double upper_bound(const acell *c)
{
    int ind, lv, y, sx, ag, bo, ed;
    int32_t ar;
    key_parts(c->key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
    return c->mean ? c->d * IND[ind].per_person_max : c->d;
}

static bool propagate(attack *a)
{
    size_t n = a->n;
    a->blo = malloc((n ? n : 1) * sizeof *a->blo);
    a->bhi = malloc((n ? n : 1) * sizeof *a->bhi);
    if (!a->blo || !a->bhi)
        return false;
    for (size_t i = 0; i < n; i++) {
        const acell *c = &a->c[i];
        a->blo[i] = c->known ? c->val : 0;
        a->bhi[i] = c->known ? c->val : upper_bound(c);
    }
    for (int round = 0; round < 100; round++) {
        bool changed = false;
        for (size_t r = 0; r < a->nr; r++) {
            double smin = 0, smax = 0;
            int unknown = 0;
            for (int64_t t = a->rfirst[r]; t < a->rfirst[r] + a->rn[r]; t++) {
                int32_t i = a->tv[t];
                unknown += !a->c[i].known;
                smin += a->tc[t] > 0 ? a->blo[i] : -a->bhi[i];
                smax += a->tc[t] > 0 ? a->bhi[i] : -a->blo[i];
            }
            if (!unknown)
                continue;
            double b = a->rrhs[r];
            for (int64_t t = a->rfirst[r]; t < a->rfirst[r] + a->rn[r]; t++) {
                int32_t i = a->tv[t];
                if (a->c[i].known)
                    continue;
                double tmin = a->tc[t] > 0 ? a->blo[i] : -a->bhi[i], tmax = a->tc[t] > 0 ? a->bhi[i] : -a->blo[i];
                double rmin = smin - tmin, rmax = smax - tmax;
                /* c x in [b - rmax, b - rmin] (equality) or c x <= b - rmin */
                double lo = a->rle[r] ? -INFINITY : b - rmax, hi = b - rmin;
                double xlo = a->tc[t] > 0 ? lo : -hi, xhi = a->tc[t] > 0 ? hi : -lo;
                double eps = 1e-9 * fmax(1.0, fabs(a->bhi[i]));
                if (xlo > a->blo[i] + eps) {
                    a->blo[i] = xlo;
                    changed = true;
                }
                if (xhi < a->bhi[i] - eps) {
                    a->bhi[i] = xhi;
                    changed = true;
                }
            }
        }
        if (!changed)
            break;
    }
    for (size_t i = 0; i < n; i++)
        if (!a->c[i].known && (a->c[i].x < a->blo[i] - tol(a->c[i].x) || a->c[i].x > a->bhi[i] + tol(a->c[i].x)))
            mismatch(a, "bound propagation excluded the truth %.17g from [%.17g, %.17g]", a->c[i].x, a->blo[i],
                     a->bhi[i]);
    return true;
}

static void lp_component(attack *a, const int32_t *cols, int m, const int32_t *rows, int nrows, int32_t *colid)
{
    bool any = false;
    for (int j = 0; j < m && !any; j++)
        any = a->c[cols[j]].primary;
    if (!any)
        return;
    if (lp_capped(a)) {
        for (int j = 0; j < m; j++)
            a->c[cols[j]].lp_open = a->c[cols[j]].primary;
        return;
    }
    a->res.lp_components++;
    glp_prob *lp = glp_create_prob();
    glp_add_cols(lp, m);
    for (int j = 0; j < m; j++) {
        const acell *c = &a->c[cols[j]];
        int ind, lv, y, sx, ag, bo, ed;
        int32_t ar;
        key_parts(c->key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
        colid[cols[j]] = j + 1;
        (void)ind;
        glp_set_col_bnds(lp, j + 1, GLP_DB, 0, upper_bound(c));
    }
    size_t nz = 0;
    for (int r = 0; r < nrows; r++)
        nz += (size_t)a->rn[rows[r]];
    int *ia = malloc((nz + 1) * sizeof *ia), *ja = malloc((nz + 1) * sizeof *ja);
    double *ar = malloc((nz + 1) * sizeof *ar);
    bool *need_lo = calloc((size_t)m, 1), *need_hi = calloc((size_t)m, 1);
    if (!ia || !ja || !ar || !need_lo || !need_hi) {
        mismatch(a, "out of memory in the LP");
        goto done;
    }
    if (nrows)
        glp_add_rows(lp, nrows);
    size_t q = 0;
    for (int r = 0; r < nrows; r++) {
        int32_t rr = rows[r];
        double rhs = a->rrhs[rr];
        for (int64_t t = a->rfirst[rr]; t < a->rfirst[rr] + a->rn[rr]; t++) {
            const acell *c = &a->c[a->tv[t]];
            if (c->known) {
                rhs -= a->tc[t] * c->val;
            } else {
                q++;
                ia[q] = r + 1;
                ja[q] = colid[a->tv[t]];
                ar[q] = a->tc[t];
            }
        }
        glp_set_row_bnds(lp, r + 1, a->rle[rr] ? GLP_UP : GLP_FX, rhs, rhs);
    }
    glp_load_matrix(lp, (int)q, ia, ja, ar);
    for (int j = 0; j < m; j++) {
        acell *c = &a->c[cols[j]];
        need_lo[j] = c->primary && !isnan(c->lo_req);
        need_hi[j] = c->primary && !isnan(c->hi_req);
        a->res.lv[c->level].lp_checked += c->primary;
        /* sides already failed by the propagated bounds: proven, no solve */
        if (need_hi[j] && a->bhi[cols[j]] < c->hi_req - tol(c->hi_req)) {
            need_hi[j] = false;
            c->lp_under = true;
            c->lpmax = a->bhi[cols[j]];
        }
        if (need_lo[j] && a->blo[cols[j]] > c->lo_req + tol(c->lo_req)) {
            need_lo[j] = false;
            c->lp_under = true;
            c->lpmin = a->blo[cols[j]];
        }
    }
    int64_t solves0 = a->res.lp_solves;
    for (int side = 0; side < 2; side++) { /* 0: upper requirements (max), 1: lower (min) */
        bool *need = side == 0 ? need_hi : need_lo;
        glp_set_obj_dir(lp, side == 0 ? GLP_MAX : GLP_MIN);
        for (;;) {
            int open = 0;
            for (int j = 0; j < m; j++) {
                glp_set_obj_coef(lp, j + 1, need[j]);
                open += need[j];
            }
            if (!open || lp_capped(a))
                break;
            if (!lp_solve(a, lp)) {
                mismatch(a, "LP of a component with %d unknowns: no optimum (status %d)", m, glp_get_status(lp));
                goto done;
            }
            if (lp_witness(a, lp, cols, m, need_lo, need_hi) == 0)
                break;
        }
        for (int j = 0; j < m; j++)
            glp_set_obj_coef(lp, j + 1, 0);
        for (int j = 0; j < m; j++) {
            if (!need[j])
                continue;
            if (lp_capped(a)) {
                need[j] = false;
                a->c[cols[j]].lp_open = true;
                continue;
            }
            glp_set_obj_coef(lp, j + 1, 1);
            if (!lp_solve(a, lp)) {
                mismatch(a, "LP of a component with %d unknowns: no optimum (status %d)", m, glp_get_status(lp));
                goto done;
            }
            glp_set_obj_coef(lp, j + 1, 0);
            acell *c = &a->c[cols[j]];
            if (side == 0)
                c->lpmax = glp_get_obj_val(lp);
            else
                c->lpmin = glp_get_obj_val(lp);
            lp_witness(a, lp, cols, m, need_lo, need_hi);
            if (need[j]) {
                need[j] = false; /* decided: this side is under-protected */
                c->lp_under = true;
            }
        }
    }
    if (a->o.log && m >= 20000)
        fprintf(a->o.log, "  LP component: %d unknowns, %d relations, %lld solves\n", m, nrows,
                (long long)(a->res.lp_solves - solves0));
done:
    for (int j = 0; j < m; j++)
        colid[cols[j]] = 0;
    free(ia);
    free(ja);
    free(ar);
    free(need_lo);
    free(need_hi);
    glp_delete_prob(lp);
}

static void lp_attack(attack *a)
{
    size_t n = a->n, nr = a->nr;
    int32_t *p = malloc((n ? n : 1) * sizeof *p);
    int32_t *cid = malloc((n ? n : 1) * sizeof *cid), *colid = calloc(n ? n : 1, sizeof *colid);
    int32_t *rc = malloc((nr ? nr : 1) * sizeof *rc);
    if (!p || !cid || !colid || !rc) {
        mismatch(a, "out of memory in the LP attack");
        goto done;
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (int32_t)i;
    for (size_t r = 0; r < nr; r++) {
        int32_t first = -1;
        for (int64_t t = a->rfirst[r]; t < a->rfirst[r] + a->rn[r]; t++) {
            if (a->c[a->tv[t]].known)
                continue;
            if (first < 0)
                first = a->tv[t];
            else {
                int32_t x = uf_find(p, first), y = uf_find(p, a->tv[t]);
                if (x != y)
                    p[x] = y;
            }
        }
    }
    /* number the components, then list their cells and rows (counting sort) */
    int32_t nc = 0;
    for (size_t i = 0; i < n; i++)
        cid[i] = -1;
    for (size_t i = 0; i < n; i++) {
        if (a->c[i].known)
            continue;
        int32_t root = uf_find(p, (int32_t)i);
        if (cid[root] < 0)
            cid[root] = nc++;
    }
    {
        int64_t *coff = calloc((size_t)nc + 1, sizeof *coff), *roff = calloc((size_t)nc + 1, sizeof *roff);
        int32_t *clist = malloc((n ? n : 1) * sizeof *clist), *rlist = malloc((nr ? nr : 1) * sizeof *rlist);
        int64_t *fill = calloc((size_t)nc + 1, sizeof *fill);
        if (!coff || !roff || !clist || !rlist || !fill) {
            mismatch(a, "out of memory in the LP attack");
        } else {
            for (size_t i = 0; i < n; i++)
                if (!a->c[i].known)
                    coff[cid[uf_find(p, (int32_t)i)] + 1]++;
            for (size_t r = 0; r < nr; r++) {
                rc[r] = -1;
                for (int64_t t = a->rfirst[r]; t < a->rfirst[r] + a->rn[r] && rc[r] < 0; t++)
                    if (!a->c[a->tv[t]].known)
                        rc[r] = cid[uf_find(p, a->tv[t])];
                if (rc[r] >= 0)
                    roff[rc[r] + 1]++;
            }
            for (int32_t k = 0; k < nc; k++) {
                coff[k + 1] += coff[k];
                roff[k + 1] += roff[k];
            }
            for (size_t i = 0; i < n; i++)
                if (!a->c[i].known) {
                    int32_t k = cid[uf_find(p, (int32_t)i)];
                    clist[coff[k] + fill[k]++] = (int32_t)i;
                }
            memset(fill, 0, ((size_t)nc + 1) * sizeof *fill);
            for (size_t r = 0; r < nr; r++)
                if (rc[r] >= 0)
                    rlist[roff[rc[r]] + fill[rc[r]]++] = (int32_t)r;
            for (int32_t k = 0; k < nc; k++)
                lp_component(a, clist + coff[k], (int)(coff[k + 1] - coff[k]), rlist + roff[k],
                             (int)(roff[k + 1] - roff[k]), colid);
        }
        free(coff);
        free(roff);
        free(clist);
        free(rlist);
        free(fill);
    }
done:
    free(p);
    free(cid);
    free(colid);
    free(rc);
}

/* ------------------------------------------------------------ running and reporting */

static void add_counts(attack_counts *t, const attack_counts *c)
{
    t->cells += c->cells;
    t->published += c->published;
    t->suppressed += c->suppressed;
    t->primary += c->primary;
    t->primary_suppressed += c->primary_suppressed;
    t->secondary += c->secondary;
    t->primary_published += c->primary_published;
    t->rec_primary += c->rec_primary;
    t->rec_secondary += c->rec_secondary;
    t->lp_checked += c->lp_checked;
    t->lp_under += c->lp_under;
    t->lp_unaudited += c->lp_unaudited;
}

static void example(attack *a, const acell *c, const char *what)
{
    if (!a->o.log || a->o.examples <= 0)
        return;
    a->o.examples--;
    int ind, lv, y, sx, ag, bo, ed;
    int32_t ar;
    key_parts(c->key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
    static const char *const lvn[] = {"", "regso", "kommun", "lan", "riket", "type"};
    static const char *const sexn[] = {"total", "man", "woman"}, *const bornn[] = {"total", "sweden", "abroad"};
    static const char *const edun[] = {"total", "pre_upper", "upper", "post", "unknown"};
    const char *code = lv == A_TYPE ? "(area type)" : lv == A_RIKET ? "00" : om_geo_code(a->geo, (om_level)lv, ar);
    fprintf(a->o.log, "  %s: %s %s %s %d sex=%s age=%s born=%s edu=%s  truth %g/%g  interval [%g, %g]\n", what,
            IND[ind].id, lvn[lv], code, y, sexn[sx], IND[ind].ages[ag], bornn[bo], edun[ed], c->x, c->d,
            c->recovered ? c->val : c->lpmin, c->recovered ? c->val : c->lpmax);
}

void attack_run(attack *a, attack_result *r)
{
    if (!a->ran) {
        a->ran = true;
        for (size_t i = 0; i < a->n; i++) {
            acell *c = &a->c[i];
            c->known = c->status == 1;
            /* the publication's declared sensitivity (om_build_indicator_rule,
             * docs/barometer.md): non-sensitive counts have no requirement;
             * withheld cells (status 4, never published) are unknowns without one */
            int ind, lv, y, sx, ag, bo, ed;
            int32_t ar;
            key_parts(c->key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
            bool sensitive = a->o.all_sensitive ||
                             (ind >= 0 && ind < NIND && om_build_indicator_rule(IND[ind].id)->sensitive);
            c->primary = sensitive && c->status != 4 &&
                         attack_requirement(c->x, c->d, c->mean, a->o.k, &c->lo_req, &c->hi_req);
        }
        if (build_relations(a)) {
            differencing(a);
            if (a->o.lp && propagate(a))
                lp_attack(a);
            else if (a->o.lp)
                mismatch(a, "out of memory in bound propagation");
        } else {
            mismatch(a, "out of memory building the relations");
        }
        for (size_t i = 0; i < a->n; i++) {
            const acell *c = &a->c[i];
            attack_counts *t = &a->res.lv[c->level];
            bool sup = c->status == 2 || c->status == 3;
            t->cells++;
            t->published += c->status == 1;
            t->suppressed += sup;
            t->primary += c->primary;
            t->primary_suppressed += sup && c->primary;
            t->secondary += sup && !c->primary;
            t->primary_published += c->status == 1 && c->primary;
            t->rec_primary += c->recovered && c->primary;
            t->rec_secondary += c->recovered && !c->primary && sup; /* a withheld cell without a
                                                                       requirement may be derivable */
            t->lp_under += c->lp_under;
            t->lp_unaudited += c->lp_open && !c->lp_under;
            if (c->status == 1 && c->primary)
                example(a, c, "primary published");
            else if (c->recovered && c->primary)
                example(a, c, "primary recovered");
            else if (c->lp_under)
                example(a, c, "primary under-protected");
        }
        for (int l = 1; l < A_NLV; l++)
            add_counts(&a->res.all, &a->res.lv[l]);
    }
    *r = a->res;
}

bool attack_interval(const attack *a, int ind, int level, int32_t area, int year, int sex, int age, int born,
                     int edu, double *lo, double *hi, bool *recovered)
{
    int32_t i = find(a, ind, level, area, year, sex, age, born, edu);
    *lo = *hi = NAN;
    *recovered = false;
    if (i < 0)
        return false;
    const acell *c = &a->c[i];
    *recovered = c->recovered;
    if (c->known) {
        *lo = *hi = c->val;
        return true;
    }
    *lo = c->lpmin;
    *hi = c->lpmax;
    return !isnan(*lo) || !isnan(*hi);
}

bool attack_load(attack *a, const char *truth_csv, const char *dbpath, char *msg, size_t msglen)
{
    if (!load_truth(a, truth_csv, msg, msglen))
        return false;
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        snprintf(msg, msglen, "%s: cannot open: %s", dbpath, db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return false;
    }
    size_t ntruth = a->n;
    bool ok = load_slices(a, db, msg, msglen) && load_types(a, db, msg, msglen) &&
              load_intervals(a, db, msg, msglen);
    sqlite3_close(db);
    for (size_t i = 0; ok && i < ntruth; i++) {
        if (a->c[i].status != 0)
            continue;
        /* RegSO cells of sensitive indicators by sex, birth region or age,
         * and kommun cells by two or more of them, are withheld by design
         * (table redesign): unknown to the attacker */
        int ind, lv, y, sx, ag, bo, ed;
        int32_t ar;
        key_parts(a->c[i].key, &ind, &lv, &ar, &y, &sx, &ag, &bo, &ed);
        if (((lv == A_REGSO && (sx || bo || ag)) ||
             (lv == A_KOMMUN && (sx != 0) + (bo != 0) + (ag != 0) + (ed != 0) >= 2)) &&
            ind >= 0 && ind < NIND &&
            om_build_indicator_rule(IND[ind].id)->sensitive && !slice_exists(a, ind, lv, y, sx, ag, bo, ed))
            a->c[i].status = 4;
        else
            mismatch(a, "a truth cell (%g/%g: %s level %d area %d %d sex %d age %d born %d edu %d) is missing from "
                        "the database",
                     a->c[i].x, a->c[i].d, ind >= 0 && ind < NIND ? IND[ind].id : "?", lv, (int)ar, y, sx, ag, bo, ed);
    }
    return ok;
}

static void print_row(FILE *out, const char *name, const attack_counts *c)
{
    fprintf(out, "%-7s %9lld %9lld %9lld %9lld %9lld %9lld %6.1f %% %9lld %9lld %9lld\n", name,
            (long long)c->cells, (long long)c->suppressed, (long long)c->primary_suppressed,
            (long long)c->secondary, (long long)c->rec_primary, (long long)c->rec_secondary,
            c->suppressed ? 100.0 * (double)(c->rec_primary + c->rec_secondary) / (double)c->suppressed : 0.0,
            (long long)c->lp_checked, (long long)c->lp_under, (long long)c->primary_published);
}

void attack_print(const attack_result *r, FILE *out)
{
    fprintf(out, "schema: %s\n",
            r->new_schema ? "new (type_values status: area-type aggregates attacked as sums of their RegSO)"
                          : "old (type_values of published RegSO only: no relation)");
    fprintf(out, "%-7s %9s %9s %9s %9s %9s %9s %8s %9s %9s %9s\n", "level", "cells", "suppr", "primary",
            "second", "rec.prim", "rec.sec", "rec.%", "lp.prim", "lp.under", "prim.pub");
    static const char *const names[] = {"", "regso", "kommun", "lan", "riket", "type"};
    for (int l = 1; l < A_NLV; l++)
        if (r->lv[l].cells)
            print_row(out, names[l], &r->lv[l]);
    print_row(out, "all", &r->all);
    fprintf(out, "relations %lld, LP components %lld, LP solves %lld, unmodelled truth rows %lld\n",
            (long long)r->relations, (long long)r->lp_components, (long long)r->lp_solves,
            (long long)r->unmodelled_rows);
    if (r->all.lp_unaudited)
        fprintf(out, "LP solve cap reached: %lld primary cells not audited\n", (long long)r->all.lp_unaudited);
    fprintf(out, "violations: %lld primary recovered by differencing, %lld primary under-protected (LP), "
                 "%lld primary published; model mismatches %lld%s%s\n",
            (long long)r->all.rec_primary, (long long)r->all.lp_under, (long long)r->all.primary_published,
            (long long)r->mismatches, r->mismatches ? ": " : "", r->first_mismatch);
}

/* omrade build, the need indices (`omrade need --index ... --year Y`,
 * docs/need.md) and their disclosure control: table need(year, level, code,
 * idx, value, status).
 *
 * A need index is a function of counts of persons per unit, and a published
 * value gives those counts back: the child SEI of a unit is the mean of three
 * shares of its children, so SEI × 3 × children / 100 is the sum of three
 * counts, and the number of children per kommun is public (SCB's population
 * by age).  A kommun with 40 children 0-5, two of them in households with low
 * economic standard and none in the other two parts, has SEI 0-5 = 1.667,
 * which reveals the count 2.  So the build applies the barometer's primary
 * rule (om_build_protect(), docs/barometer.md) to every count behind every
 * value, read from the columns `omrade need` writes next to the index:
 *
 *   cni            the seven counts over `population`
 *   key, group     low_income, low_education (2011 form), no_work over
 *                  `population`
 *   sei_0_5, z_0_5 / sei_6_17, z_6_17   low_edu, low_econ, assist over the
 *                  children of the age group
 *
 * and adds secondary suppression for the ways the other values would give a
 * suppressed one back:
 *
 *   1. the level's total of each count is public (riket, or the barometer's
 *      riket cell), so one suppressed unit among the units of a level is the
 *      total minus the published ones: a second unit (the one with the
 *      smallest denominator) is suppressed too;
 *   2. a län's value minus its kommuner's (a kommun's minus its RegSO's) gives
 *      the one suppressed child back: the parent is suppressed then;
 *   3. a value whose counts include a count the barometer suppressed (the
 *      child SEI contains low_econ 0-17 = children_low_income, the sorting
 *      key low_econ of all ages) is suppressed where that barometer cell is;
 *   4. standardised values depend on every unit of the input: z-scores sum
 *      to 0 and their squares to n - 1, and CNI's population-weighted mean is
 *      1, so the published z, key, group and CNI of the other units give a
 *      suppressed unit's value back.  Where a unit is suppressed they are
 *      therefore recomputed over the published units only (the same
 *      definitions: z-scores with the unweighted mean and the sample SD, the
 *      key as the sum of the z-scores of the shares and its groups by rank,
 *      CNI rescaled so that its population-weighted mean over the published
 *      units is 1), and tell nothing about the suppressed ones.
 *
 * Suppressed values are stored with status 2 (primary) or 3 (secondary) and
 * no value, as the barometer's cells. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/build.h"
#include "omrade/csv.h"
#include "omrade/geo.h"
#include "barometer_internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { G_CNI, G_KEY, G_SEI05, G_SEI617, NG };
enum { NV = 7, MAXP = 7 };

static const char *const VCOL[NV] = {"cni", "key", "group", "sei_0_5", "z_0_5", "sei_6_17", "z_6_17"};
static const int VGROUP[NV] = {G_CNI, G_KEY, G_KEY, G_SEI05, G_SEI05, G_SEI617, G_SEI617};
enum { V_CNI, V_KEY, V_GROUP, V_SEI05, V_Z05, V_SEI617, V_Z617 };

/* The counts behind each group of values, as `omrade need` names them
 * (docs/need.md); the 2013 key has no low_education. */
static const struct {
    const char *den;
    int n;
    const char *num[MAXP];
} PARTS[NG] = {
    {"population", 7, {"under5", "born_outside", "elderly_alone", "unemployed", "single_parent", "moved_in",
                       "low_education"}},
    {"population", 3, {"low_income", "low_education", "no_work"}},
    {"children_0_5", 3, {"low_edu_0_5", "low_econ_0_5", "assist_0_5"}},
    {"children_6_17", 3, {"low_edu_6_17", "low_econ_6_17", "assist_6_17"}},
};

typedef struct nrow {
    size_t seq; /* input order over all files (ties of the pair rule) */
    int file, year;
    om_level lv;
    int32_t aidx;
    bool k2011; /* a sorting key of the 2011 form (with low_education) */
    bool has[NV];
    double v[NV];
    double den[NG];
    double num[NG][MAXP]; /* NaN: part absent (low_education of the 2013 key) */
    uint8_t st[NG];       /* 0 no value of the group, else ST_PUBLISHED/PRIMARY/SECONDARY */
} nrow;

struct om_need_store {
    nrow *r;
    size_t n, cap;
    int files;
};

void om_barometer_need_free(struct om_need_store *x)
{
    if (x)
        free(x->r);
    free(x);
}

om_status om_barometer_load_need(bctx *b, const char *path, om_error *err)
{
    int bx[2], ix[NV], px[NG][MAXP + 1], found = 0;
    bool want[NG] = {false};
    om_csv *c = NULL;
    static const char *const base[2] = {"year", "unit"};
    if (!b->need && !(b->need = calloc(1, sizeof *b->need)))
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    struct om_need_store *x = b->need;
    int file = x->files++;
    om_status s = om_barometer_open_input(&c, path, err);
    if (s == OM_OK)
        s = om_csv_require(c, base, 2, bx, err);
    for (int k = 0; s == OM_OK && k < NV; k++)
        if ((ix[k] = om_csv_col(c, VCOL[k])) >= 0)
            found++, want[VGROUP[k]] = true;
    if (s == OM_OK && !found)
        s = om_error_set(err, OM_ERR_INPUT, path, 1, 1,
                         "expected an index column (cni, key, group, sei_0_5, z_0_5, sei_6_17 or z_6_17)");
    bool k2011 = s == OM_OK && om_csv_col(c, "low_income") >= 0 && om_csv_col(c, "low_education") >= 0;
    for (int g = 0; s == OM_OK && g < NG; g++) {
        if (!want[g])
            continue;
        for (int p = 0; s == OM_OK && p <= PARTS[g].n; p++) {
            const char *name = p == 0 ? PARTS[g].den : PARTS[g].num[p - 1];
            px[g][p] = om_csv_col(c, name);
            if (px[g][p] < 0 && !(g == G_KEY && !k2011 && p == 2))
                s = om_error_set(err, OM_ERR_INPUT, path, 1, 1,
                                 "expected the column %s, found none (the build applies the publication rule to "
                                 "the counts behind each index value; `omrade need --index ... --year Y` writes them)",
                                 name);
        }
    }
    input_stats is = {0};
    static const om_level levels[] = {OM_LEVEL_KOMMUN, OM_LEVEL_LAN, OM_LEVEL_REGSO};
    while (s == OM_OK) {
        bool got;
        if ((s = om_barometer_next_row(c, &is, &got, err)) != OM_OK || !got)
            break;
        int64_t y;
        if ((s = om_csv_i64(c, (size_t)bx[0], &y, err)) != OM_OK)
            break;
        if (y < OM_YEAR_MIN || y > OM_YEAR_MAX) {
            s = om_csv_fail(c, (size_t)bx[0], err, "expected a year %d-%d, found %lld", OM_YEAR_MIN, OM_YEAR_MAX,
                            (long long)y);
            break;
        }
        om_field u = om_csv_field(c, (size_t)bx[1]);
        nrow r;
        memset(&r, 0, sizeof r);
        r.aidx = -1;
        for (size_t k = 0; r.aidx < 0 && k < sizeof levels / sizeof levels[0]; k++)
            if ((r.aidx = om_geo_find(b->geo, levels[k], u.ptr, u.len)) >= 0)
                r.lv = levels[k];
        if (r.aidx < 0) {
            om_barometer_note_unlinked(b, &is, u.ptr, u.len);
            continue;
        }
        r.file = file;
        r.seq = x->n;
        r.year = (int)y;
        r.k2011 = k2011;
        for (int k = 0; s == OM_OK && k < NV; k++) {
            if (ix[k] < 0 || om_csv_empty(c, (size_t)ix[k]))
                continue;
            if ((s = om_csv_f64(c, (size_t)ix[k], &r.v[k], err)) == OM_OK)
                r.has[k] = true, r.st[VGROUP[k]] = ST_PUBLISHED;
        }
        for (int g = 0; s == OM_OK && g < NG; g++) {
            if (!r.st[g])
                continue;
            s = om_csv_f64(c, (size_t)px[g][0], &r.den[g], err);
            for (int p = 0; s == OM_OK && p < PARTS[g].n; p++) {
                if (px[g][p + 1] < 0) {
                    r.num[g][p] = NAN;
                    continue;
                }
                if ((s = om_csv_f64(c, (size_t)px[g][p + 1], &r.num[g][p], err)) == OM_OK &&
                    om_build_protect(&b->opt->rules, r.num[g][p], r.den[g]))
                    r.st[g] = ST_PRIMARY;
            }
        }
        if (s != OM_OK)
            break;
        if ((s = om_grow(&x->r, &x->cap, x->n + 1, sizeof *x->r, 256, err)) != OM_OK)
            break;
        x->r[x->n++] = r;
        om_barometer_note_year(&is, y);
        is.loaded++;
    }
    if (s == OM_OK)
        s = om_barometer_finish_input(b, "need", path, &is, err);
    om_csv_free(c);
    return s;
}

/* Rows of one set: same file, year and level (the units one index was
 * standardised over). */
static bool same_set(const nrow *a, const nrow *b)
{
    return a->file == b->file && a->year == b->year && a->lv == b->lv;
}

/* Rule 3: the barometer's status of cell (indicator, level, year, age) with
 * sex and birth region total, at area idx; 0 when the barometer has no such
 * slice. */
static int baro_status(sqlite3_stmt *st, const char *ind, om_level lv, int year, const char *age, int32_t idx)
{
    sqlite3_reset(st);
    sqlite3_bind_text(st, 1, ind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, om_level_name(lv), -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, year);
    sqlite3_bind_text(st, 4, age, -1, SQLITE_STATIC);
    int v = 0;
    if (sqlite3_step(st) == SQLITE_ROW) {
        sqlite3_int64 n = sqlite3_column_int64(st, 0);
        const unsigned char *cells = sqlite3_column_blob(st, 1);
        if (cells && idx >= 0 && idx < n && sqlite3_column_bytes(st, 1) >= n)
            v = cells[idx];
    }
    sqlite3_reset(st);
    return v;
}

/* Rows sorted by set (file, year, level), input order within a set, so that
 * each set is one run. */
static int cmp_set(const void *pa, const void *pb)
{
    const nrow *a = pa, *b = pb;
    if (a->file != b->file)
        return a->file < b->file ? -1 : 1;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->lv != b->lv)
        return a->lv < b->lv ? -1 : 1;
    return (a->seq > b->seq) - (a->seq < b->seq);
}

/* End of the run of rows of the same set that starts at i. */
static size_t set_end(const struct om_need_store *x, size_t i)
{
    size_t j = i + 1;
    while (j < x->n && same_set(&x->r[j], &x->r[i]))
        j++;
    return j;
}

/* Two files with the same index for the same year and level (say the
 * child SEI under two guardian rules) would publish two versions of one
 * count, whose difference the rules above do not protect: refused. */
static om_status one_file_per_index(const struct om_need_store *x, om_error *err)
{
    static const char *const gname[NG] = {"cni", "the sorting key", "sei_0_5", "sei_6_17"};
    for (size_t i = 0; i < x->n; i = set_end(x, i)) {
        const nrow *a = &x->r[i];
        for (size_t j = 0; j < i; j = set_end(x, j)) {
            const nrow *b = &x->r[j];
            if (b->file == a->file || b->year != a->year || b->lv != a->lv)
                continue;
            for (int g = 0; g < NG; g++)
                if (a->st[g] && b->st[g] && (g != G_KEY || a->k2011 == b->k2011))
                    return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                        "expected one --need file per index, year and level, found %s for %d "
                                        "at %s level in --need files %d and %d (two versions of one index "
                                        "would publish differences that are not protected)",
                                        gname[g], a->year, om_level_name(a->lv), b->file + 1, a->file + 1);
        }
    }
    return OM_OK;
}

/* Rule 1 over every set and group; returns the number of cells suppressed. */
static size_t pair_rule(struct om_need_store *x)
{
    size_t changed = 0;
    for (size_t i = 0, e; i < x->n; i = e) {
        e = set_end(x, i);
        for (int g = 0; g < NG; g++) {
            size_t sup = 0, best = SIZE_MAX;
            for (size_t j = i; j < e; j++) {
                const nrow *r = &x->r[j];
                if (!r->st[g])
                    continue;
                if (r->st[g] != ST_PUBLISHED)
                    sup++;
                else if (best == SIZE_MAX || r->den[g] < x->r[best].den[g])
                    best = j;
            }
            if (sup == 1 && best != SIZE_MAX) {
                x->r[best].st[g] = ST_SECONDARY;
                changed++;
            }
        }
    }
    return changed;
}

/* A row's place (level, year, key form, area index), sorted for finding a
 * parent by binary search. */
typedef struct nplace {
    om_level lv;
    int year;
    bool k2011;
    int32_t aidx;
    size_t row;
} nplace;

static int cmp_place(const void *pa, const void *pb)
{
    const nplace *a = pa, *b = pb;
    if (a->lv != b->lv)
        return a->lv < b->lv ? -1 : 1;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    if (a->k2011 != b->k2011)
        return a->k2011 ? 1 : -1;
    if (a->aidx != b->aidx)
        return a->aidx < b->aidx ? -1 : 1;
    return (a->row > b->row) - (a->row < b->row);
}

/* Rule 2: a published parent (län of kommuner, kommun of RegSO) with exactly
 * one suppressed child of the same index and year is suppressed.  `place`
 * holds every row's place sorted by cmp_place, `cnt` n x NG counters. */
static size_t parent_rule(struct om_need_store *x, const om_geo *geo, const nplace *place, int32_t *cnt)
{
    size_t changed = 0;
    memset(cnt, 0, x->n * NG * sizeof *cnt);
    for (size_t i = 0; i < x->n; i++) {
        const nrow *c = &x->r[i];
        om_level up = c->lv == OM_LEVEL_KOMMUN ? OM_LEVEL_LAN : c->lv == OM_LEVEL_REGSO ? OM_LEVEL_KOMMUN
                                                                                         : OM_LEVEL_NONE;
        if (up == OM_LEVEL_NONE)
            continue;
        nplace key = {up, c->year, c->k2011, om_geo_parent(geo, c->lv, c->aidx, up), 0};
        size_t lo = 0, hi = x->n; /* the first place >= key */
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (cmp_place(&place[mid], &key) < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        for (size_t k = lo; k < x->n; k++) {
            const nplace *p = &place[k];
            if (p->lv != key.lv || p->year != key.year || p->k2011 != key.k2011 || p->aidx != key.aidx)
                break;
            for (int g = 0; g < NG; g++)
                cnt[p->row * NG + (size_t)g] += c->st[g] >= ST_PRIMARY;
        }
    }
    for (size_t i = 0; i < x->n; i++)
        for (int g = 0; g < NG; g++)
            if (x->r[i].st[g] == ST_PUBLISHED && cnt[i * NG + (size_t)g] == 1) {
                x->r[i].st[g] = ST_SECONDARY;
                changed++;
            }
    return changed;
}

/* Mean and sample SD of the n values x[0..n-1]; false when n < 2 or SD 0. */
static bool mean_sd(const double *v, size_t n, double *m, double *sd)
{
    if (n < 2)
        return false;
    double s = 0, q = 0;
    for (size_t i = 0; i < n; i++)
        s += v[i];
    *m = s / (double)n;
    for (size_t i = 0; i < n; i++)
        q += (v[i] - *m) * (v[i] - *m);
    *sd = sqrt(q / (double)(n - 1));
    return *sd > 0;
}

/* Rule 4 for one set (rows idx[0..n-1]) and group g with a suppressed row:
 * the standardised values recomputed over the published rows. */
static om_status restandardise(struct om_need_store *x, const size_t *idx, size_t n, int g, om_error *err)
{
    double *v = malloc((n + 1) * sizeof *v), *key = malloc((n + 1) * sizeof *key);
    size_t *pub = malloc((n + 1) * sizeof *pub), np = 0;
    if (!v || !key || !pub) {
        free(v);
        free(key);
        free(pub);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    for (size_t i = 0; i < n; i++)
        if (x->r[idx[i]].st[g] == ST_PUBLISHED)
            pub[np++] = idx[i];
    if (g == G_CNI) {
        /* CNI_u = S_u / S (docs/need.md); rescaled by the population-weighted
         * mean over the published units, the constant S drops out */
        double sw = 0, swv = 0;
        for (size_t i = 0; i < np; i++)
            if (x->r[pub[i]].has[V_CNI])
                sw += x->r[pub[i]].den[g], swv += x->r[pub[i]].den[g] * x->r[pub[i]].v[V_CNI];
        for (size_t i = 0; i < np; i++) {
            nrow *r = &x->r[pub[i]];
            if (r->has[V_CNI] && swv > 0)
                r->v[V_CNI] = r->v[V_CNI] * sw / swv;
            else
                r->has[V_CNI] = false;
        }
    } else if (g == G_SEI05 || g == G_SEI617) {
        int vs = g == G_SEI05 ? V_SEI05 : V_SEI617, vz = vs + 1;
        size_t k = 0;
        for (size_t i = 0; i < np; i++)
            if (x->r[pub[i]].has[vs])
                v[k++] = x->r[pub[i]].v[vs];
        double m = 0, sd = 0;
        bool ok = mean_sd(v, k, &m, &sd);
        for (size_t i = 0; i < np; i++) {
            nrow *r = &x->r[pub[i]];
            if (!r->has[vz])
                continue;
            r->has[vz] = ok && r->has[vs];
            if (r->has[vz])
                r->v[vz] = (r->v[vs] - m) / sd;
        }
    } else {
        /* the sorting key: the sum of the z-scores of the shares, then groups
         * of equal size by ascending key, ties in the lower group */
        size_t k = 0;
        for (size_t i = 0; i < np; i++)
            if (x->r[pub[i]].den[g] > 0)
                pub[k++] = pub[i];
        np = k;
        for (size_t i = 0; i < np; i++)
            key[i] = 0;
        bool ok = np >= 2;
        for (int p = 0; ok && p < PARTS[g].n; p++) {
            if (isnan(x->r[pub[0]].num[g][p]))
                continue;
            for (size_t i = 0; i < np; i++)
                v[i] = x->r[pub[i]].num[g][p] / x->r[pub[i]].den[g];
            double m, sd;
            if (!(ok = mean_sd(v, np, &m, &sd)))
                break;
            for (size_t i = 0; i < np; i++)
                key[i] += (v[i] - m) / sd;
        }
        int groups = x->r[idx[0]].k2011 ? 10 : 8;
        for (size_t i = 0; i < n; i++) {
            nrow *r = &x->r[idx[i]];
            if (r->st[g] == ST_PUBLISHED && !(r->den[g] > 0))
                r->has[V_KEY] = r->has[V_GROUP] = false;
        }
        for (size_t i = 0; i < np; i++) {
            nrow *r = &x->r[pub[i]];
            size_t below = 0;
            for (size_t j = 0; j < np; j++)
                below += key[j] < key[i];
            if (r->has[V_KEY])
                r->has[V_KEY] = ok, r->v[V_KEY] = key[i];
            if (r->has[V_GROUP])
                r->has[V_GROUP] = ok, r->v[V_GROUP] = (double)(below * (size_t)groups / np + 1);
        }
    }
    free(v);
    free(key);
    free(pub);
    return OM_OK;
}

om_status om_barometer_finish_need(bctx *b, om_error *err)
{
    struct om_need_store *x = b->need;
    if (!x || !x->n)
        return OM_OK;
    sqlite3_stmt *st = NULL;
    om_status s = OM_OK;
    bool have_slices = false;
    if (sqlite3_prepare_v2(b->db, "SELECT 1 FROM sqlite_master WHERE name = 'slices'", -1, &st, NULL) == SQLITE_OK)
        have_slices = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    st = NULL;
    /* rule 3 */
    if (have_slices) {
        s = om_barometer_prep(b, "SELECT n, cells FROM slices WHERE indicator = ?1 AND level = ?2 AND year = ?3 "
                                 "AND sex = 'total' AND born = 'total' AND age = ?4", &st, err);
        for (size_t i = 0; s == OM_OK && i < x->n; i++) {
            nrow *r = &x->r[i];
            if (r->st[G_KEY] == ST_PUBLISHED && baro_status(st, "low_econ", r->lv, r->year, "total", r->aidx) >= 2)
                r->st[G_KEY] = ST_SECONDARY;
            for (int g = G_SEI05; g <= G_SEI617; g++)
                if (r->st[g] == ST_PUBLISHED &&
                    (baro_status(st, "children_low_income", r->lv, r->year, "0-17", r->aidx) >= 2 ||
                     baro_status(st, "low_econ", r->lv, r->year, "0-17", r->aidx) >= 2))
                    r->st[g] = ST_SECONDARY;
        }
        sqlite3_finalize(st);
        st = NULL;
    }
    /* rules 1 and 2 until nothing changes (each pass only adds suppression) */
    qsort(x->r, x->n, sizeof *x->r, cmp_set);
    if (s == OM_OK)
        s = one_file_per_index(x, err);
    size_t *idx = s == OM_OK ? malloc(x->n * sizeof *idx) : NULL;
    int32_t *cnt = s == OM_OK ? malloc(x->n * NG * sizeof *cnt) : NULL;
    nplace *place = s == OM_OK ? malloc(x->n * sizeof *place) : NULL;
    if (s == OM_OK && (!idx || !cnt || !place))
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (s == OM_OK) {
        for (size_t i = 0; i < x->n; i++)
            place[i] = (nplace){x->r[i].lv, x->r[i].year, x->r[i].k2011, x->r[i].aidx, i};
        qsort(place, x->n, sizeof *place, cmp_place);
    }
    while (s == OM_OK && pair_rule(x) + parent_rule(x, b->geo, place, cnt) > 0) {
    }
    free(cnt);
    free(place);
    /* rule 4, per set */
    for (size_t i = 0, e; s == OM_OK && i < x->n; i = e) {
        e = set_end(x, i);
        size_t n = 0;
        for (size_t j = i; j < e; j++)
            idx[n++] = j;
        for (int g = 0; s == OM_OK && g < NG; g++) {
            bool any = false;
            for (size_t k = 0; k < n; k++)
                any |= x->r[idx[k]].st[g] >= ST_PRIMARY;
            if (any)
                s = restandardise(x, idx, n, g, err);
        }
    }
    free(idx);
    int64_t count[4] = {0};
    if (s == OM_OK)
        s = om_barometer_prep(b, "INSERT INTO need(year, level, code, idx, value, status) VALUES(?,?,?,?,?,?)",
                              &st, err);
    for (size_t i = 0; s == OM_OK && i < x->n; i++) {
        const nrow *r = &x->r[i];
        for (int k = 0; s == OM_OK && k < NV; k++) {
            int g = VGROUP[k];
            if (!r->st[g] || !r->has[k])
                continue;
            const char *name = VCOL[k];
            if (g == G_KEY)
                name = k == V_KEY ? (r->k2011 ? "key2011" : "key2013") : (r->k2011 ? "group2011" : "group2013");
            sqlite3_bind_int(st, 1, r->year);
            sqlite3_bind_text(st, 2, om_level_name(r->lv), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 3, om_geo_code(b->geo, r->lv, r->aidx), -1, SQLITE_STATIC);
            sqlite3_bind_text(st, 4, name, -1, SQLITE_STATIC);
            if (r->st[g] == ST_PUBLISHED)
                sqlite3_bind_double(st, 5, r->v[k]);
            else
                sqlite3_bind_null(st, 5);
            sqlite3_bind_int(st, 6, r->st[g]);
            count[r->st[g]]++;
            s = om_barometer_step_done(b, st, err);
        }
    }
    sqlite3_finalize(st);
    if (s == OM_OK) {
        char text[256];
        snprintf(text, sizeof text,
                 "need values: %lld published, %lld primary, %lld secondary (docs/need.md, \"Publication\")",
                 (long long)count[ST_PUBLISHED], (long long)count[ST_PRIMARY], (long long)count[ST_SECONDARY]);
        st = NULL;
        s = om_barometer_prep(b, "INSERT OR REPLACE INTO meta(key, value) VALUES('need_protection', ?)", &st, err);
        if (s == OM_OK) {
            sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
            s = om_barometer_step_done(b, st, err);
        }
        sqlite3_finalize(st);
    }
    return s;
}

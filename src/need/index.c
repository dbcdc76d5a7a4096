/* Need indices from counts per area, summed to units (docs/need.md).
 *
 * Care Need Index (CNI; Malmström et al. 1998, Scand J Soc Med 26:124;
 * Sundquist et al. 2003, J Epidemiol Community Health 57:347).  The seven
 * variables as SCB defines them for its CNI product ("Care Need Index (CNI)",
 * scb.se, regionala statistikprodukter): age under 5; born in Eastern
 * Europe, Asia, Africa or South America; over 65 and living alone;
 * unemployed or in a labour-market programme 16-64; single parent with
 * children 17 or younger; aged 1 or more and moved into the area; low
 * education 25-64.  SCB presents the index relative to the whole country
 * (1 = riket).  Computed here as
 *     CNI_u = sum_k w_k p_uk / sum_k w_k P_k
 * with p_uk = count_uk / population_u and P_k the same share over all units
 * of the input, so 1 = the input as a whole (or P_k = riket's, given as
 * the reference sum_k w_k P_k, o->cni_reference).  The weights w_k come
 * from GPs' ratings of workload (Malmström 1998; Sundquist et al. 2003):
 * under 5 3.23, born in Eastern Europe, Asia, Africa or South America
 * 5.72, over 65 living alone 6.15, unemployed 5.13, single parent 4.19,
 * moved in 4.19, low education 3.97.  They reproduce SCB's published
 * example delivery (scb.se, "Care Need Index (CNI)"): the weighted sums
 * sum_k w_k count_uk of its two units are 22,709.42 and 7,869.74 (shown
 * 22 709 and 7 869) and their CNI 1.5513 and 1.3204 imply the same riket
 * reference, 2.47614 and 2.47616 per person (tests/cli/need-cni-scb).
 * That is SCB's present form of the index: weighted counts per person
 * relative to riket; the arcsine-square-root standardisation of the 2003
 * paper is not part of it and not reproduced.
 *
 * Socioekonomisk sorteringsnyckel (Öppna jämförelser ekonomiskt bistånd,
 * Socialstyrelsen/SKL, 2011 and from 2013): the shares with low income,
 * low education (2011 only) and without work or benefits, "each normed
 * against its minimum and standardised", summed into a key and cut into 10
 * groups (2011) or 8 groups (2013).  Norming against the minimum (x - min or
 * x / min) changes only location and scale, which the standardisation
 * z = (x - mean) / sd removes, so the key is sum_k z_k over the units of
 * the input (unweighted mean, sample SD, as SCB's SEI in src/sei).  Groups:
 * equal counts of units by ascending key, group 1 = lowest key; units with
 * equal keys share the lower group.
 *
 * Child-adapted SEI (the pilot in child health services described in the
 * issue): for children 0-5 and 6-17 separately, the shares of children
 * whose guardians have at most pre-upper-secondary education, of children
 * in households with low economic standard, and of children with a guardian
 * with long-term economic assistance and/or long unemployment; the index is
 * the mean of the three shares in percent and its z-score over the units,
 * as SCB's SEI (mean of three shares, z with sample SD).  The guardian rule
 * (which guardian's education counts) is applied where the counts are made;
 * here the counts are taken as given. */
#define _POSIX_C_SOURCE 200809L /* strndup */
#include "omrade/need.h"

#include "need/need_internal.h"

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    om_need_index ix;
    const char *name;
    int ndenom;
    int nvar;
    const char *cols[10]; /* denominators first, then the counts; NULL-terminated */
    int denom_of[8];      /* per count: index of its denominator */
    int groups;           /* sorting key: number of groups */
} index_def;

static const index_def defs[] = {
    {OM_NEED_CNI, "cni", 1, 7,
     {"population", "under5", "born_outside", "elderly_alone", "unemployed", "single_parent",
      "moved_in", "low_education", NULL},
     {0, 0, 0, 0, 0, 0, 0}, 0},
    {OM_NEED_KEY2011, "key2011", 1, 3,
     {"population", "low_income", "low_education", "no_work", NULL}, {0, 0, 0}, 10},
    {OM_NEED_KEY2013, "key2013", 1, 2, {"population", "low_income", "no_work", NULL}, {0, 0}, 8},
    {OM_NEED_CHILD_SEI, "child-sei", 2, 6,
     {"children_0_5", "children_6_17", "low_edu_0_5", "low_econ_0_5", "assist_0_5",
      "low_edu_6_17", "low_econ_6_17", "assist_6_17", NULL},
     {0, 0, 0, 1, 1, 1}, 0},
};

/* In defs[] order: under5, born_outside, elderly_alone, unemployed,
 * single_parent, moved_in, low_education (sources in the comment above). */
static const double cni_weights_scb[OM_NEED_CNI_VARS] = {3.23, 5.72, 6.15, 5.13, 4.19, 4.19, 3.97};

static const index_def *def_of(om_need_index ix)
{
    for (size_t i = 0; i < sizeof defs / sizeof defs[0]; i++)
        if (defs[i].ix == ix)
            return &defs[i];
    return NULL;
}

bool om_need_index_parse(const char *s, om_need_index *out)
{
    for (size_t i = 0; s && i < sizeof defs / sizeof defs[0]; i++)
        if (strcmp(s, defs[i].name) == 0) {
            *out = defs[i].ix;
            return true;
        }
    return false;
}

const char *const *om_need_columns(om_need_index ix)
{
    const index_def *d = def_of(ix);
    return d ? d->cols : NULL;
}

#define MAXCOL 32
struct om_need_table {
    size_t n, cap;
    char **unit;
    size_t ncol;
    char *colname[MAXCOL];
    bool is_count[MAXCOL];
    double *val; /* n * MAXCOL */
    int year;    /* written as a first column when > 0 (om_need_opts.year) */
};

void om_need_table_free(om_need_table *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->unit[i]);
    for (size_t j = 0; j < t->ncol; j++)
        free(t->colname[j]);
    free(t->unit);
    free(t->val);
    free(t);
}

size_t om_need_units(const om_need_table *t)
{
    return t->n;
}

const char *om_need_unit(const om_need_table *t, size_t i)
{
    return i < t->n ? t->unit[i] : NULL;
}

double om_need_value(const om_need_table *t, size_t i, const char *name)
{
    for (size_t j = 0; i < t->n && j < t->ncol; j++)
        if (strcmp(t->colname[j], name) == 0)
            return t->val[i * MAXCOL + j];
    return NAN;
}

static int add_col(om_need_table *t, const char *name, bool is_count)
{
    if (t->ncol == MAXCOL)
        return -1;
    size_t l = strlen(name);
    char *c = malloc(l + 1);
    if (!c)
        return -1;
    memcpy(c, name, l + 1);
    t->colname[t->ncol] = c;
    t->is_count[t->ncol] = is_count;
    return (int)t->ncol++;
}

/* the unit row for `key`, created on first sight (input order kept) */
static om_status unit_row(om_need_table *t, om_strmap *map, const char *key, size_t len,
                          size_t *row, om_error *err)
{
    int32_t got;
    if (om_strmap_put_new(map, key, len, (int32_t)t->n, &got) != OM_OK)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if ((size_t)got == t->n) {
        if (t->n == t->cap) {
            size_t nc = t->cap ? t->cap * 2 : 64;
            char **nu = realloc(t->unit, nc * sizeof *nu);
            if (nu)
                t->unit = nu;
            double *nv = realloc(t->val, nc * MAXCOL * sizeof *nv);
            if (nv)
                t->val = nv;
            if (!nu || !nv)
                return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            t->cap = nc;
        }
        char *u = malloc(len + 1);
        if (!u)
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        memcpy(u, key, len);
        u[len] = 0;
        t->unit[t->n] = u;
        for (size_t j = 0; j < MAXCOL; j++)
            t->val[t->n * MAXCOL + j] = 0;
        t->n++;
    }
    *row = (size_t)got;
    return OM_OK;
}

void om_need_unitmap_free(unitmap *m)
{
    om_strmap_free(m->map);
    for (size_t i = 0; i < m->n; i++)
        free(m->name[i]);
    free(m->name);
}

om_status om_need_put_once(om_strmap *map, om_csv *c, size_t col, om_field key, size_t n, const char *what,
                           int shown, const char *path, om_error *err)
{
    int32_t prev;
    if (om_strmap_put_new(map, key.ptr, key.len, (int32_t)n, &prev) != OM_OK)
        return om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    if ((size_t)prev != n)
        return om_csv_fail(c, col, err, "expected each %s once, found '%.*s' again", what,
                           (int)(key.len > (size_t)shown ? (size_t)shown : key.len), key.ptr);
    return OM_OK;
}

om_status om_need_unitmap_read(const char *path, unitmap *m, om_error *err)
{
    memset(m, 0, sizeof *m);
    om_csv *c = NULL;
    static const char *const names[2] = {"code", "unit"};
    int idx[2];
    om_status s = om_csv_open_cols(&c, path, NULL, names, 2, idx, err);
    if (s != OM_OK)
        return s;
    size_t cap = 0;
    m->map = om_strmap_new(256);
    if (!m->map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    while (om_csv_row(c, &s, err)) {
        om_field code = om_csv_field(c, (size_t)idx[0]), un = om_csv_field(c, (size_t)idx[1]);
        if (!code.len || !un.len) {
            s = om_csv_fail(c, (size_t)idx[code.len ? 1 : 0], err,
                            "expected a code and a unit, found an empty field");
            break;
        }
        if ((s = om_need_put_once(m->map, c, (size_t)idx[0], code, m->n, "code", 40, path, err)) != OM_OK)
            break;
        if ((s = om_grow(&m->name, &cap, m->n + 1, sizeof *m->name, 256, err)) != OM_OK)
            break;
        if (!(m->name[m->n] = strndup(un.ptr, un.len))) {
            s = om_error_nomem(err);
            break;
        }
        m->n++;
    }
    om_csv_free(c);
    return s;
}

/* z-scores over the units where x is defined: unweighted mean, sample SD
 * (n - 1), as SCB's SEI; NaN where x is NaN or fewer than 2 values or SD 0 */
static void zscores(size_t n, const double *x, size_t stride, double *z, size_t zstride)
{
    double mean = 0, m2 = 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (isnan(v))
            continue;
        k++;
        double d = v - mean; /* Welford */
        mean += d / (double)k;
        m2 += d * (v - mean);
    }
    double sd = k > 1 ? sqrt(m2 / (double)(k - 1)) : NAN;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        z[i * zstride] = isnan(v) || !(sd > 0) ? NAN : (v - mean) / sd;
    }
}

om_status om_need_cni_weights_read(const char *path, double w[OM_NEED_CNI_VARS], om_error *err)
{
    const index_def *d = def_of(OM_NEED_CNI);
    bool seen[OM_NEED_CNI_VARS] = {false};
    om_csv *c = NULL;
    static const char *const names[2] = {"variable", "weight"};
    int idx[2];
    om_status s = om_csv_open_cols(&c, path, NULL, names, 2, idx, err);
    while (om_csv_row(c, &s, err)) {
        om_field f = om_csv_field(c, (size_t)idx[0]);
        int k = -1;
        for (int j = 0; j < OM_NEED_CNI_VARS; j++)
            if (f.len == strlen(d->cols[j + 1]) && memcmp(f.ptr, d->cols[j + 1], f.len) == 0)
                k = j;
        if (k < 0 || seen[k]) {
            s = om_csv_fail(c, (size_t)idx[0], err,
                            "expected %s CNI variable (under5, born_outside, elderly_alone, "
                            "unemployed, single_parent, moved_in, low_education), found '%.*s'",
                            k < 0 ? "a" : "each", (int)(f.len > 40 ? 40 : f.len), f.ptr);
            break;
        }
        seen[k] = true;
        s = om_csv_share(c, (size_t)idx[1], 0, 1e6, &w[k], err);
    }
    for (int j = 0; s == OM_OK && j < OM_NEED_CNI_VARS; j++)
        if (!seen[j])
            s = om_error_set(err, OM_ERR_INPUT, om_csv_name(c), 0, 0,
                             "expected a weight for every CNI variable, found none for '%s'",
                             d->cols[j + 1]);
    om_csv_free(c);
    return s;
}

om_status om_need_compute(const char *path, const om_need_opts *o, om_need_table **out,
                          om_error *err)
{
    *out = NULL;
    const index_def *d = def_of(o->index);
    if (!d)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a known index");
    if (d->ix == OM_NEED_CNI && !(o->cni_reference >= 0 && isfinite(o->cni_reference)))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected a CNI reference > 0, found %g",
                            o->cni_reference);
    unitmap um = {0};
    om_status s = OM_OK;
    if (o->units_path && (s = om_need_unitmap_read(o->units_path, &um, err)) != OM_OK) {
        om_need_unitmap_free(&um);
        return s;
    }
    om_need_table *t = calloc(1, sizeof *t);
    if (t)
        t->year = o->year;
    om_strmap *map = om_strmap_new(256);
    om_csv *c = NULL;
    int ncols = d->ndenom + d->nvar;
    int idx[12];
    if (!t || !map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    /* columns: denominators, then each count followed by its share */
    int colpos[10];
    for (int k = 0; s == OM_OK && k < ncols; k++) {
        if ((colpos[k] = add_col(t, d->cols[k], true)) < 0)
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        if (s == OM_OK && k >= d->ndenom) {
            char nm[64];
            snprintf(nm, sizeof nm, "%s_pct", d->cols[k]);
            if (add_col(t, nm, false) < 0)
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
    }
    const char *names[12];
    names[0] = "area";
    for (int k = 0; k < ncols; k++)
        names[k + 1] = d->cols[k];
    if (s == OM_OK)
        s = om_csv_open_cols(&c, path, NULL, names, (size_t)ncols + 1, idx, err);
    while (om_csv_row(c, &s, err)) {
        om_field a = om_csv_field(c, (size_t)idx[0]);
        const char *key = a.ptr;
        size_t klen = a.len;
        if (klen == 0) {
            s = om_csv_fail(c, (size_t)idx[0], err, "expected an area code, found an empty field");
            break;
        }
        if (o->units_path) {
            int32_t ui = om_strmap_get(um.map, a.ptr, a.len);
            if (ui < 0) {
                s = om_csv_fail(c, (size_t)idx[0], err,
                                "expected an area listed in %s, found '%.*s'", o->units_path,
                                (int)(a.len > 40 ? 40 : a.len), a.ptr);
                break;
            }
            key = um.name[ui];
            klen = strlen(key);
        } else if (o->level > 0) {
            bool digits = a.len >= (size_t)o->level;
            for (int k = 0; digits && k < o->level; k++)
                digits = a.ptr[k] >= '0' && a.ptr[k] <= '9';
            if (!digits) {
                s = om_csv_fail(c, (size_t)idx[0], err,
                                "expected an area code starting with the %d-digit %s code, found '%.*s'",
                                o->level, o->level == 4 ? "kommun" : "län",
                                (int)(a.len > 40 ? 40 : a.len), a.ptr);
                break;
            }
            klen = (size_t)o->level;
        }
        int64_t v[10];
        for (int k = 0; s == OM_OK && k < ncols; k++)
            s = om_csv_count(c, (size_t)idx[k + 1], 0, &v[k], err);
        for (int k = d->ndenom; s == OM_OK && k < ncols; k++)
            if (v[k] > v[d->denom_of[k - d->ndenom]])
                s = om_csv_fail(c, (size_t)idx[k + 1], err,
                                "expected %s <= %s, found %lld > %lld", d->cols[k],
                                d->cols[d->denom_of[k - d->ndenom]], (long long)v[k],
                                (long long)v[d->denom_of[k - d->ndenom]]);
        size_t row;
        if (s != OM_OK || (s = unit_row(t, map, key, klen, &row, err)) != OM_OK)
            break;
        for (int k = 0; k < ncols; k++)
            t->val[row * MAXCOL + (size_t)colpos[k]] += (double)v[k];
    }
    if (s == OM_OK && t->n == 0)
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected at least one area row, found none");
    om_csv_free(c);
    om_strmap_free(map);
    om_need_unitmap_free(&um);
    if (s != OM_OK) {
        om_need_table_free(t);
        return s;
    }

    size_t n = t->n;
    /* shares in percent; NaN where the denominator is 0 */
    double pooled[8] = {0}, pooled_d[2] = {0};
    for (int k = 0; k < d->ndenom; k++)
        for (size_t i = 0; i < n; i++)
            pooled_d[k] += t->val[i * MAXCOL + (size_t)colpos[k]];
    for (int k = d->ndenom; k < ncols; k++) {
        int dn = d->denom_of[k - d->ndenom];
        for (size_t i = 0; i < n; i++) {
            double cnt = t->val[i * MAXCOL + (size_t)colpos[k]];
            double den = t->val[i * MAXCOL + (size_t)colpos[dn]];
            t->val[i * MAXCOL + (size_t)colpos[k] + 1] = den > 0 ? 100.0 * cnt / den : NAN;
            pooled[k - d->ndenom] += cnt;
        }
    }
    if (d->ix == OM_NEED_CNI) {
        int jc = add_col(t, "cni", false);
        if (jc < 0) {
            om_need_table_free(t);
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        const double *w = o->cni_weights ? o->cni_weights : cni_weights_scb;
        double ref = 0;
        for (int k = 0; k < d->nvar; k++)
            ref += w[k] * (pooled_d[0] > 0 ? pooled[k] / pooled_d[0] : NAN);
        if (o->cni_reference > 0)
            ref = o->cni_reference;
        for (size_t i = 0; i < n; i++) {
            double num = 0;
            for (int k = 0; k < d->nvar; k++)
                num += w[k] * t->val[i * MAXCOL + (size_t)colpos[k + 1] + 1] / 100.0;
            t->val[i * MAXCOL + (size_t)jc] = ref > 0 ? num / ref : NAN;
        }
    } else if (d->groups > 0) {
        int jk = add_col(t, "key", false), jg = add_col(t, "group", true);
        double *z = malloc(n * sizeof *z);
        om_keyed *kk = malloc(n * sizeof *kk);
        if (jk < 0 || jg < 0 || !z || !kk) {
            free(z);
            free(kk);
            om_need_table_free(t);
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        for (size_t i = 0; i < n; i++)
            t->val[i * MAXCOL + (size_t)jk] = 0;
        for (int k = 0; k < d->nvar; k++) {
            zscores(n, t->val + colpos[k + d->ndenom] + 1, MAXCOL, z, 1);
            for (size_t i = 0; i < n; i++)
                t->val[i * MAXCOL + (size_t)jk] += z[i];
        }
        size_t m = 0;
        for (size_t i = 0; i < n; i++) {
            double kv = t->val[i * MAXCOL + (size_t)jk];
            t->val[i * MAXCOL + (size_t)jg] = NAN;
            if (!isnan(kv))
                kk[m++] = (om_keyed){kv, i};
        }
        om_keyed_sort(kk, m);
        for (size_t r = 0; r < m; r++) {
            size_t first = r; /* equal keys share the group of the first of them */
            while (first > 0 && kk[first - 1].key == kk[r].key)
                first--;
            t->val[kk[r].i * MAXCOL + (size_t)jg] =
                (double)(first * (size_t)d->groups / m + 1);
        }
        free(z);
        free(kk);
    } else {
        static const char *const sname[2] = {"sei_0_5", "sei_6_17"}, *const zname[2] = {"z_0_5", "z_6_17"};
        for (int g = 0; g < 2; g++) {
            int js = add_col(t, sname[g], false), jz = add_col(t, zname[g], false);
            if (js < 0 || jz < 0) {
                om_need_table_free(t);
                return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
            for (size_t i = 0; i < n; i++) {
                double sum = 0;
                for (int k = 0; k < 3; k++)
                    sum += t->val[i * MAXCOL + (size_t)colpos[d->ndenom + 3 * g + k] + 1];
                t->val[i * MAXCOL + (size_t)js] = sum / 3;
            }
            zscores(n, t->val + js, MAXCOL, t->val + jz, MAXCOL);
        }
    }
    *out = t;
    return OM_OK;
}

om_status om_need_write(FILE *fp, const om_need_table *t, om_error *err)
{
    if (t->year > 0)
        fputs("year,", fp);
    fputs("unit", fp);
    for (size_t j = 0; j < t->ncol; j++) {
        fputc(',', fp);
        fputs(t->colname[j], fp);
    }
    fputc('\n', fp);
    for (size_t i = 0; i < t->n; i++) {
        if (t->year > 0)
            fprintf(fp, "%d,", t->year);
        om_csv_write_str(fp, t->unit[i]);
        for (size_t j = 0; j < t->ncol; j++) {
            double v = t->val[i * MAXCOL + j];
            fputc(',', fp);
            if (t->is_count[j] && !isnan(v))
                om_csv_write_i64(fp, (int64_t)v);
            else
                om_csv_write_double(fp, v); /* NaN: empty field */
        }
        fputc('\n', fp);
    }
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}

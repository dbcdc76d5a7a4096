/* Anchored area types, the decomposition of ΔSEI and how sure each type is
 * (issue 15; declared in omrade/change.h).
 *
 * Anchored classification.  SCB's type of a RegSO in year Y comes from
 * z = (SEI − mean_Y) / SD_Y with mean and (sample) SD of SEI over all RegSO
 * of Y (SCB, "Områdestyper efter socioekonomisk status", method
 * description; omrade/sei.h).  Because every year is standardised anew, the
 * share of RegSO in each type is nearly constant and a country-wide
 * improvement is invisible.  Anchoring replaces mean_Y and SD_Y by those of
 * one base year B for every year: z_B = (SEI − mean_B) / SD_B, with the same
 * thresholds and the same snapping as om_sei_compute(), so in year B the
 * anchored type is SCB's type bit for bit.  Anchored types are not SCB's.
 *
 * Decomposition of ΔSEI.  SEI = (p1 + p2 + p3) / 3 (the plain mean of the
 * three shares in percent), so ΔSEI = Δp1/3 + Δp2/3 + Δp3/3 exactly in real
 * arithmetic: each share's part is its change divided by three.  In floating
 * point the sum of the parts equals the difference of the SEI to within a
 * few ulps.
 *
 * Uncertainty.  Each share p_k = 100·n_k/d_k is treated as a binomial
 * proportion of its denominator, Var(p_k) = 100²·π_k(1 − π_k)/d_k (the
 * Wald / normal approximation to the binomial, e.g. Agresti & Coull 1998,
 * "Approximate is better than 'exact' for interval estimation of binomial
 * proportions", Am. Stat. 52:119-126, eq. 1).  The three shares are taken
 * as independent, Var(SEI) = Σ Var(p_k) / 9; they are counted on largely
 * the same people, so this ignores their (positive) covariance.  The year's
 * mean and SD, averages over ~3,400 RegSO, are taken as fixed, so
 * se_z = se_SEI / SD_Y.  With z ~ Normal(ẑ, se_z²) the probability of each
 * type is a difference of normal CDFs at the thresholds −1, 0, 1, 2,
 * Φ(x) = erfc(−x/√2)/2 (erfc keeps the tails accurate down to underflow,
 * which gives exactly 0 and 1 for huge denominators).  A RegSO is
 * `borderline` when ẑ lies within one se_z of a threshold, and a type change
 * between two years is "within the noise" when |Δẑ| < sqrt(se_z,1² + se_z,2²),
 * one standard error of the difference of two independent estimates. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/change.h"
#include "omrade/csv.h"
#include "common/common_internal.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct om_change {
    om_sei *own; /* om_change_read(): the om_sei is ours */
    om_change_row *rows;
    size_t n;
    om_change_pair *pairs;
    size_t npairs;
    om_change_year *years;
    size_t nyears;
    bool has_se;
};

double om_change_se_sei(const double pct[OM_SEI_NIND], const int64_t den[OM_SEI_NIND])
{
    double v = 0;
    for (int k = 0; k < OM_SEI_NIND; k++) {
        if (den[k] <= 0 || !(pct[k] >= 0 && pct[k] <= 100))
            return NAN;
        double pi = pct[k] / 100;
        v += 1e4 * pi * (1 - pi) / (double)den[k];
    }
    return sqrt(v) / 3;
}

static double phi(double x)
{
    return 0.5 * erfc(-x * 0.70710678118654752440); /* 1/√2 */
}

void om_change_type_probs(double z, double se, double p[6])
{
    p[0] = 0;
    if (isnan(z) || isnan(se) || se < 0) {
        for (int k = 1; k <= 5; k++)
            p[k] = NAN;
        return;
    }
    if (se == 0) {
        int t = om_sei_type_of_z(z);
        for (int k = 1; k <= 5; k++)
            p[k] = k == t;
        return;
    }
    /* Upper tails from Φ of the negated argument, so that a mass far from
     * the centre underflows to 0 rather than to 1 − 1. */
    p[1] = phi((z - 2) / se);
    p[2] = phi((2 - z) / se) - phi((1 - z) / se);
    p[3] = phi((1 - z) / se) - phi((0 - z) / se);
    p[4] = phi((0 - z) / se) - phi((-1 - z) / se);
    p[5] = phi((-1 - z) / se);
    /* Φ(b) − Φ(a) of two values near 1 has an absolute error of ~1e-16 and
     * may come out a hair below 0. */
    for (int k = 2; k <= 4; k++)
        if (p[k] < 0)
            p[k] = 0;
}

static int cmp_row(const void *a, const void *b)
{
    const om_change_row *x = a, *y = b;
    int c = strcmp(x->area, y->area);
    if (c)
        return c;
    return (x->year > y->year) - (x->year < y->year);
}

static size_t year_index(const om_sei *s, int32_t year)
{
    size_t k = 0;
    while (k < om_sei_year_count(s) && om_sei_year_at(s, k)->year != year)
        k++;
    return k;
}

static const om_sei_year *year_of(const om_sei *s, int32_t year)
{
    return om_sei_year_at(s, year_index(s, year));
}

om_status om_change_new(om_change **out, const om_sei *s, const int64_t (*den)[OM_SEI_NIND],
                        const om_change_options *opt, om_error *err)
{
    *out = NULL;
    int32_t anchor = opt ? opt->anchor_year : 0;
    const om_sei_year *base = NULL;
    if (anchor) {
        base = year_of(s, anchor);
        if (!base)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected an anchor year present in the data, found %ld",
                                (long)anchor);
        if (isnan(base->sd))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected an anchor year with a defined SD of SEI, found %ld "
                                "(fewer than two valid areas or all SEI equal)",
                                (long)anchor);
    }
    om_change *c = calloc(1, sizeof *c);
    size_t n = om_sei_count(s), ny = om_sei_year_count(s);
    if (c) {
        c->rows = calloc(n ? n : 1, sizeof *c->rows);
        c->pairs = calloc(ny ? ny : 1, sizeof *c->pairs);
        c->years = calloc(ny ? ny : 1, sizeof *c->years);
    }
    if (!c || !c->rows || !c->pairs || !c->years) {
        om_change_free(c);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    c->n = n;
    c->has_se = den != NULL;
    c->nyears = ny;
    for (size_t k = 0; k < ny; k++)
        c->years[k].year = om_sei_year_at(s, k)->year;
    for (size_t i = 0; i < n; i++) {
        const om_sei_row *r = om_sei_row_at(s, i);
        size_t yk = year_index(s, r->year);
        const om_sei_year *y = om_sei_year_at(s, yk);
        om_change_row *o = &c->rows[i];
        o->area = r->area;
        o->year = r->year;
        memcpy(o->pct, r->pct, sizeof o->pct);
        o->sei = r->sei;
        o->z = r->z;
        o->area_type = r->area_type;
        o->z_anchored = NAN;
        if (base && !isnan(r->sei)) {
            /* The same expression as om_sei_compute()'s pass 3. */
            o->z_anchored = om_sei_snap_z((r->sei - base->mean) / base->sd);
            o->type_anchored = om_sei_type_of_z(o->z_anchored);
        }
        o->d_sei = NAN;
        for (int k = 0; k < OM_SEI_NIND; k++)
            o->d_part[k] = NAN;
        o->se_sei = den && r->area_type ? om_change_se_sei(r->pct, den[i]) : NAN;
        o->se_z = o->se_sei / y->sd;
        om_change_type_probs(r->area_type ? r->z : NAN, o->se_z, o->p_type);
        if (!isnan(o->se_z))
            for (int t = -1; t <= 2; t++)
                if (fabs(r->z - t) < o->se_z)
                    o->borderline = true;
        om_change_year *cy = &c->years[yk];
        if (r->area_type) {
            cy->n_typed++;
            if (!isnan(o->se_z)) {
                double q = 0, best = 0;
                for (int k = 1; k <= 5; k++) {
                    q += o->p_type[k] * o->p_type[k];
                    best = o->p_type[k] > best ? o->p_type[k] : best;
                }
                cy->n_se++;
                cy->n_borderline += o->borderline;
                cy->n_sure += best >= 0.95;
                cy->expected_flips += 1 - q;
            }
        }
    }
    qsort(c->rows, n, sizeof *c->rows, cmp_row);
    /* Pairs of consecutive years present in the data. */
    for (size_t k = 1; k < ny; k++) {
        om_change_pair *p = &c->pairs[c->npairs++];
        p->from_year = om_sei_year_at(s, k - 1)->year;
        p->to_year = om_sei_year_at(s, k)->year;
        p->has_se = c->has_se;
    }
    for (size_t i = 0; i < n; i++) {
        om_change_row *o = &c->rows[i];
        size_t k = 0;
        while (k < c->npairs && c->pairs[k].to_year != o->year)
            k++;
        if (k == c->npairs)
            continue; /* the first year */
        om_change_pair *p = &c->pairs[k];
        p->n_borderline += o->borderline;
        if (i == 0 || strcmp(c->rows[i - 1].area, o->area) != 0 ||
            c->rows[i - 1].year != p->from_year)
            continue;
        const om_change_row *q = &c->rows[i - 1];
        o->prev_year = q->year;
        o->d_sei = o->sei - q->sei;
        for (int j = 0; j < OM_SEI_NIND; j++)
            o->d_part[j] = (o->pct[j] - q->pct[j]) / 3;
        if (q->prev_year && o->area_type && o->area_type == q->area_type &&
            q->area_type == c->rows[i - 2].area_type)
            o->type_stable3 = o->area_type;
        if (!o->area_type || !q->area_type)
            continue;
        p->n_both++;
        if (o->area_type != q->area_type) {
            p->n_changed++;
            double se = sqrt(o->se_z * o->se_z + q->se_z * q->se_z);
            o->change_in_noise = fabs(o->z - q->z) < se;
            p->n_changed_in_noise += o->change_in_noise;
        }
        p->n_changed_anchored += o->type_anchored != q->type_anchored;
    }
    *out = c;
    return OM_OK;
}

/* The whole input in memory, so that the file (or standard input) is read
 * once and parsed twice: by om_sei for the shares and here for the
 * denominators. */
static om_status slurp(const char *path, char **buf, size_t *len, om_error *err)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!fp)
        return om_error_set(err, OM_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    om_status st = OM_OK;
    while (b) {
        if (n == cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
        size_t got = fread(b + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (!b)
        st = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    else if (ferror(fp))
        st = om_error_set(err, OM_ERR_IO, path, 0, 0, "read error: %s", strerror(errno));
    if (fp != stdin)
        fclose(fp);
    if (st != OM_OK) {
        free(b);
        return st;
    }
    *buf = b;
    *len = n;
    return OM_OK;
}

om_status om_change_read(om_change **out, const char *path, const om_change_options *opt,
                         om_error *err)
{
    *out = NULL;
    char *buf = NULL;
    size_t len = 0;
    om_status st = slurp(path, &buf, &len, err);
    if (st != OM_OK)
        return st;
    const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
    om_sei *s = NULL;
    int64_t(*den)[OM_SEI_NIND] = NULL;
    om_csv *c = NULL;
    st = om_sei_read_mem(&s, name, buf, len, err);
    if (st == OM_OK)
        st = om_sei_compute(s, err);
    if (st == OM_OK)
        st = om_csv_open_mem(&c, name, buf, len, NULL, err);
    if (st == OM_OK)
        st = om_csv_read_header(c, err);
    static const char *const dcols[OM_SEI_NIND] = {"low_econ_d", "pre_upper_d", "assist_unemp_d"};
    int col[OM_SEI_NIND], ncol = 0;
    if (st == OM_OK)
        for (int k = 0; k < OM_SEI_NIND; k++)
            ncol += (col[k] = om_csv_col(c, dcols[k])) >= 0;
    if (st == OM_OK && ncol == OM_SEI_NIND) {
        /* om_sei_read_mem() accepted every record and stores one row per
         * record in input order, so record i is row i. */
        size_t n = om_sei_count(s);
        den = calloc(n ? n : 1, sizeof *den);
        if (!den)
            st = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t i = 0; st == OM_OK; i++) {
            bool got;
            if ((st = om_csv_next(c, &got, err)) != OM_OK || !got)
                break;
            if (i >= n) {
                st = om_error_set(err, OM_ERR_INTERNAL, name, 0, 0,
                                  "expected %zu records, found more", n);
                break;
            }
            for (int k = 0; k < OM_SEI_NIND; k++) {
                om_field f = om_csv_field(c, (size_t)col[k]);
                int64_t v;
                den[i][k] = om_parse_i64(f.ptr, f.len, &v) ? v : -1; /* ".." / empty */
            }
        }
    }
    om_csv_free(c);
    if (st == OM_OK)
        st = om_change_new(out, s, (const int64_t(*)[OM_SEI_NIND])den, opt, err);
    free(den);
    free(buf);
    if (st != OM_OK) {
        om_sei_free(s);
        return st;
    }
    (*out)->own = s;
    return OM_OK;
}

void om_change_free(om_change *c)
{
    if (!c)
        return;
    om_sei_free(c->own);
    free(c->rows);
    free(c->pairs);
    free(c->years);
    free(c);
}

OM_ARRAY_ACCESSORS(om_change, om_change_row, om_change_count, om_change_row_at, n, rows)

OM_ARRAY_ACCESSORS(om_change, om_change_pair, om_change_pair_count, om_change_pair_at, npairs, pairs)

OM_ARRAY_ACCESSORS(om_change, om_change_year, om_change_year_count, om_change_year_at, nyears, years)

bool om_change_has_se(const om_change *c)
{
    return c->has_se;
}

static void put_d(FILE *fp, double v)
{
    fputc(',', fp);
    om_csv_write_double(fp, v);
}

static void put_type(FILE *fp, int t)
{
    if (t)
        fprintf(fp, ",%d", t);
    else
        fputc(',', fp);
}

om_status om_change_write_csv(const om_change *c, FILE *fp, om_error *err)
{
    fputs("area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type,z_anchored,"
          "area_type_anchored,area_type_stable3,prev_year,d_sei,d_low_econ,d_pre_upper,d_assist_unemp,se_sei,"
          "p_type1,p_type2,p_type3,p_type4,p_type5,borderline,change_in_noise\n",
          fp);
    for (size_t i = 0; i < c->n; i++) {
        const om_change_row *r = &c->rows[i];
        om_csv_write_str(fp, r->area);
        fprintf(fp, ",%ld", (long)r->year);
        for (int k = 0; k < OM_SEI_NIND; k++)
            put_d(fp, r->pct[k]);
        put_d(fp, r->sei);
        put_d(fp, r->z);
        put_type(fp, r->area_type);
        put_d(fp, r->z_anchored);
        put_type(fp, r->type_anchored);
        put_type(fp, r->type_stable3);
        if (r->prev_year)
            fprintf(fp, ",%ld", (long)r->prev_year);
        else
            fputc(',', fp);
        put_d(fp, r->d_sei);
        for (int k = 0; k < OM_SEI_NIND; k++)
            put_d(fp, r->d_part[k]);
        put_d(fp, r->se_sei);
        for (int k = 1; k <= 5; k++)
            put_d(fp, r->p_type[k]);
        bool se = !isnan(r->se_sei);
        fputs(!se ? "," : r->borderline ? ",1" : ",0", fp);
        fputs(!se || !r->prev_year || !r->area_type ? ","
              : r->change_in_noise                ? ",1"
                                                  : ",0",
              fp);
        fputc('\n', fp);
    }
    if (ferror(fp))
        return om_afile_stream_error(fp, err);
    return OM_OK;
}

/* Movers and stayers: the stepwise decomposition of an area's change of SEI
 * into out-movers, stayers and in-movers, and a Poisson bootstrap over
 * persons of SEI's standard error (declared, with the method and its
 * sources, in omrade/change.h).
 *
 * One pass over persons and years fills, per area and year, the counts of
 * the four groups (stayers in t-1 and in t, out-movers, in-movers) for each
 * share, and the count of persons per pattern of their six 0/1 values
 * (den, num of the three shares) for the bootstrap. */
#include "omrade/change.h"
#include "omrade/csv.h"
#include "omrade/rng.h"
#include "omrade/seg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { G_S0, G_S1, G_O, G_I, NG }; /* groups: stayers t-1, stayers t, out, in */
enum { NPAT = 64 };

typedef struct acc {
    int64_t m[NG][OM_SEI_NIND], n[NG][OM_SEI_NIND];
    int64_t persons, stayers, in_movers, in_arrived, out_movers, out_left;
    int64_t pat[NPAT];
} acc;

struct om_movers {
    const om_geo *g;
    om_level level;
    om_movers_row *rows;
    size_t n;
    om_movers_summary sum;
};

static int pattern(const om_sei_person *r)
{
    int b = 0;
    for (int k = 0; k < OM_SEI_NIND; k++)
        b |= (r->den[k] << (2 * k)) | (r->num[k] << (2 * k + 1));
    return b;
}

static double share(int64_t m, int64_t n)
{
    return n > 0 ? 100.0 * (double)m / (double)n : NAN;
}

/* SEI of one bootstrap replicate: Poisson(count) persons of each pattern. */
static double boot_sei(const int64_t pat[NPAT], om_rng256 *rng)
{
    int64_t m[OM_SEI_NIND] = {0}, n[OM_SEI_NIND] = {0};
    for (int b = 0; b < NPAT; b++) {
        if (!pat[b])
            continue;
        int64_t w = om_seg_poisson(rng, (double)pat[b]);
        for (int k = 0; k < OM_SEI_NIND; k++) {
            n[k] += w * ((b >> (2 * k)) & 1);
            m[k] += w * ((b >> (2 * k + 1)) & 1);
        }
    }
    double s = 0;
    for (int k = 0; k < OM_SEI_NIND; k++) {
        if (n[k] == 0)
            return NAN;
        s += share(m[k], n[k]);
    }
    return s / 3;
}

/* Sample standard deviation of `reps` replicates (Welford's update); NaN
 * when one replicate is undefined. */
static double boot_se(const int64_t pat[NPAT], int reps, uint64_t seed, int32_t area, int32_t year)
{
    om_rng256 rng;
    om_rng256_init(&rng, seed, (uint64_t)area, (uint64_t)year);
    double mean = 0, m2 = 0;
    for (int r = 0; r < reps; r++) {
        double x = boot_sei(pat, &rng);
        if (isnan(x))
            return NAN;
        double d = x - mean;
        mean += d / (r + 1);
        m2 += d * (x - mean);
    }
    return reps > 1 ? sqrt(m2 / (reps - 1)) : NAN;
}

static void fill_row(om_movers_row *r, const acc *a, const acc *prev, bool has_prev)
{
    r->persons = a->persons;
    double s = 0;
    for (int k = 0; k < OM_SEI_NIND; k++) {
        /* the year's area counts: stayers + in-movers (= every person of t) */
        r->num[k] = a->m[G_S1][k] + a->m[G_I][k];
        r->den[k] = a->n[G_S1][k] + a->n[G_I][k];
        s += share(r->num[k], r->den[k]);
    }
    r->sei = s / 3;
    double pct[OM_SEI_NIND];
    for (int k = 0; k < OM_SEI_NIND; k++)
        pct[k] = share(r->num[k], r->den[k]);
    r->se_binomial = om_change_se_sei(pct, r->den);
    r->se_bootstrap = NAN;
    r->d_sei = r->d_sei_out = r->d_sei_stayers = r->d_sei_in = NAN;
    for (int k = 0; k < OM_SEI_NIND; k++)
        r->d_out[k] = r->d_stay[k] = r->d_in[k] = NAN;
    if (!has_prev)
        return;
    r->stayers = a->stayers;
    r->in_movers = a->in_movers;
    r->in_arrived = a->in_arrived;
    r->out_movers = a->out_movers;
    r->out_left = a->out_left;
    double s0 = 0;
    for (int k = 0; k < OM_SEI_NIND; k++)
        s0 += share(prev->m[G_S1][k] + prev->m[G_I][k], prev->n[G_S1][k] + prev->n[G_I][k]);
    r->d_sei = r->sei - s0 / 3;
    bool ok = true;
    for (int k = 0; k < OM_SEI_NIND; k++)
        ok = ok && a->n[G_S0][k] > 0 && a->n[G_S1][k] > 0 && r->den[k] > 0;
    r->decomposed = ok;
    if (!ok)
        return;
    r->d_sei_out = r->d_sei_stayers = r->d_sei_in = 0;
    for (int k = 0; k < OM_SEI_NIND; k++) {
        double p0 = share(a->m[G_S0][k] + a->m[G_O][k], a->n[G_S0][k] + a->n[G_O][k]);
        double ps0 = share(a->m[G_S0][k], a->n[G_S0][k]);
        double ps1 = share(a->m[G_S1][k], a->n[G_S1][k]);
        double p1 = share(a->m[G_S1][k] + a->m[G_I][k], a->n[G_S1][k] + a->n[G_I][k]);
        r->d_out[k] = (ps0 - p0) / 3;
        r->d_stay[k] = (ps1 - ps0) / 3;
        r->d_in[k] = (p1 - ps1) / 3;
        r->d_sei_out += r->d_out[k];
        r->d_sei_stayers += r->d_stay[k];
        r->d_sei_in += r->d_in[k];
    }
}

om_status om_movers_run(om_movers **out, const om_sei_micro *m, const om_movers_options *opt, om_error *err)
{
    *out = NULL;
    if (opt->level != OM_LEVEL_REGSO && opt->level != OM_LEVEL_DESO)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected level regso or deso, found %s",
                            om_level_name(opt->level));
    if (opt->replicates < 0 || opt->replicates == 1)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected 0 or at least 2 bootstrap replicates, found %d",
                            opt->replicates);
    const om_geo *g = om_sei_micro_geo(m);
    int32_t y0, y1;
    om_sei_micro_years(m, &y0, &y1);
    size_t ny = (size_t)(y1 - y0 + 1), na = (size_t)om_geo_count(g, opt->level);
    acc *A = calloc(na * ny, sizeof *A);
    om_movers *v = calloc(1, sizeof *v);
    if (!A || !v) {
        free(A);
        free(v);
        return om_error_nomem(err);
    }
    v->g = g;
    v->level = opt->level;
    int32_t np = om_sei_micro_persons(m);
    for (int32_t p = 0; p < np; p++) {
        om_sei_person prev, cur;
        int32_t pa = -1; /* area of year-1, -1 none */
        for (int32_t y = y0; y <= y1; y++) {
            bool here = om_sei_micro_get(m, p, y, &cur);
            int32_t ca = here ? om_geo_parent(g, OM_LEVEL_DESO, cur.deso, opt->level) : -1;
            size_t yi = (size_t)(y - y0);
            if (here) {
                acc *a = &A[(size_t)ca * ny + yi];
                a->persons++;
                a->pat[pattern(&cur)]++;
                int gr = pa == ca ? G_S1 : G_I;
                for (int k = 0; k < OM_SEI_NIND; k++) {
                    a->m[gr][k] += cur.num[k];
                    a->n[gr][k] += cur.den[k];
                }
                if (pa == ca) {
                    a->stayers++;
                    for (int k = 0; k < OM_SEI_NIND; k++) {
                        a->m[G_S0][k] += prev.num[k];
                        a->n[G_S0][k] += prev.den[k];
                    }
                } else {
                    a->in_movers++;
                    a->in_arrived += pa < 0;
                }
            }
            if (pa >= 0 && pa != ca) { /* out-mover of pa, counted in year y */
                acc *a = &A[(size_t)pa * ny + yi];
                a->out_movers++;
                a->out_left += ca < 0;
                for (int k = 0; k < OM_SEI_NIND; k++) {
                    a->m[G_O][k] += prev.num[k];
                    a->n[G_O][k] += prev.den[k];
                }
            }
            if (here)
                prev = cur;
            pa = ca;
        }
    }
    /* rows: areas with a population in the year */
    size_t cap = 0;
    for (size_t i = 0; i < na * ny; i++)
        cap += A[i].persons > 0;
    v->rows = calloc(cap ? cap : 1, sizeof *v->rows);
    if (!v->rows) {
        free(A);
        om_movers_free(v);
        return om_error_nomem(err);
    }
    for (size_t ai = 0; ai < na; ai++)
        for (size_t yi = 0; yi < ny; yi++) {
            const acc *a = &A[ai * ny + yi];
            if (!a->persons)
                continue;
            om_movers_row *r = &v->rows[v->n++];
            r->idx = (int32_t)ai;
            r->year = y0 + (int32_t)yi;
            /* the first year has no previous year; an area empty in t-1 has
             * only in-movers and no previous SEI */
            bool has_prev = yi > 0 && A[ai * ny + yi - 1].persons > 0;
            r->prev_year = has_prev ? r->year - 1 : 0;
            fill_row(r, a, has_prev ? &A[ai * ny + yi - 1] : NULL, has_prev);
            if (opt->replicates > 0) {
                r->se_bootstrap = boot_se(a->pat, opt->replicates, opt->seed, r->idx, r->year);
                v->sum.boot_failed += isnan(r->se_bootstrap);
            }
            v->sum.rows++;
            v->sum.with_prev += has_prev;
            v->sum.decomposed += r->decomposed;
        }
    v->sum.not_decomposed = v->sum.with_prev - v->sum.decomposed;
    free(A);
    *out = v;
    return OM_OK;
}

void om_movers_free(om_movers *v)
{
    if (!v)
        return;
    free(v->rows);
    free(v);
}

size_t om_movers_count(const om_movers *v)
{
    return v->n;
}
const om_movers_row *om_movers_row_at(const om_movers *v, size_t i)
{
    return &v->rows[i];
}
const om_movers_summary *om_movers_summary_of(const om_movers *v)
{
    return &v->sum;
}

static void put_d(FILE *fp, double x)
{
    fputc(',', fp);
    om_csv_write_double(fp, x);
}

static void put_n(FILE *fp, bool have, int64_t x)
{
    fputc(',', fp);
    if (have)
        om_csv_write_i64(fp, x);
}

om_status om_movers_write_csv(const om_movers *v, FILE *fp, om_error *err)
{
    fputs("area,year,persons,sei,se_sei_binomial,se_sei_bootstrap,prev_year,stayers,in_movers,"
          "in_arrived,out_movers,out_left,d_sei,d_sei_out,d_sei_stayers,d_sei_in,"
          "d_low_econ_out,d_low_econ_stayers,d_low_econ_in,d_pre_upper_out,d_pre_upper_stayers,"
          "d_pre_upper_in,d_assist_unemp_out,d_assist_unemp_stayers,d_assist_unemp_in\n",
          fp);
    for (size_t i = 0; i < v->n; i++) {
        const om_movers_row *r = &v->rows[i];
        bool hp = r->prev_year != 0;
        om_csv_write_str(fp, om_geo_code(v->g, v->level, r->idx));
        fprintf(fp, ",%ld", (long)r->year);
        put_n(fp, true, r->persons);
        put_d(fp, r->sei);
        put_d(fp, r->se_binomial);
        put_d(fp, r->se_bootstrap);
        if (hp)
            fprintf(fp, ",%ld", (long)r->prev_year);
        else
            fputc(',', fp);
        put_n(fp, hp, r->stayers);
        put_n(fp, hp, r->in_movers);
        put_n(fp, hp, r->in_arrived);
        put_n(fp, hp, r->out_movers);
        put_n(fp, hp, r->out_left);
        put_d(fp, r->d_sei);
        put_d(fp, r->d_sei_out);
        put_d(fp, r->d_sei_stayers);
        put_d(fp, r->d_sei_in);
        for (int k = 0; k < OM_SEI_NIND; k++) {
            put_d(fp, r->d_out[k]);
            put_d(fp, r->d_stay[k]);
            put_d(fp, r->d_in[k]);
        }
        fputc('\n', fp);
    }
    return ferror(fp) ? om_afile_stream_error(fp, err) : OM_OK;
}

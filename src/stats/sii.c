/* Slope and relative index of inequality with a choice of weights, sign
 * and interval.
 *
 * Ridit x_g: the cumulative midpoint of the population shares in the given
 * order (Pamuk 1985).  Weighted least squares of y on (1, x):
 * beta = (X'WX)^-1 X'W y.  With W = diag(1/se^2) this is Hayes & Berry
 * (2002); with W = diag(population share) it is PHE's phe_sii, which fits
 * y sqrt(a) on sqrt(a) and x sqrt(a) without intercept (Low & Low 2004,
 * J Public Health 26:388-395) -- the same normal equations.
 * The covariance of beta for known group variances S is the sandwich
 * (X'WX)^-1 X'W S W X (X'WX)^-1, which reduces to (X'WX)^-1 when W = S^-1.
 * Monte Carlo intervals as PHE's SimulationFunc: values drawn from
 * N(T(value), sd) on the log (rates) or logit (proportions) scale, refitted,
 * order statistics at round(reps a/2) and round(reps (1 - a/2)). */
#include "omrade/health.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>

static double inv_t(om_sii_scale s, double t)
{
    return s == OM_SII_RATE ? exp(t) : s == OM_SII_PROPORTION ? 1 / (1 + exp(-t)) : t;
}

static double fwd_t(om_sii_scale s, double v)
{
    return s == OM_SII_RATE ? log(v) : s == OM_SII_PROPORTION ? log(v / (1 - v)) : v;
}

/* Intercept a and slope b of the WLS fit; c0[g], c1[g] the rows of
 * (X'WX)^-1 X'W so that a = sum c0 y, b = sum c1 y. */
static void wls_coef(size_t k, const double *x, const double *w, double *c0, double *c1)
{
    double Sw = 0, Swx = 0, Swxx = 0;
    for (size_t g = 0; g < k; g++) {
        Sw += w[g];
        Swx += w[g] * x[g];
        Swxx += w[g] * x[g] * x[g];
    }
    double det = Sw * Swxx - Swx * Swx;
    for (size_t g = 0; g < k; g++) {
        c0[g] = w[g] * (Swxx - Swx * x[g]) / det;
        c1[g] = w[g] * (Sw * x[g] - Swx) / det;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void ends(double a, double b, bool last_minus_first, double *sii, double *rii)
{
    double f0 = a, f1 = a + b;
    *sii = last_minus_first ? f1 - f0 : f0 - f1;
    *rii = last_minus_first ? f1 / f0 : f0 / f1;
}

om_status om_stats_sii_ex(size_t k, const double *pop, const double *value, const double *sd,
                          const om_sii_opts *o, om_sii *out, om_error *err)
{
    out->sii = out->sii_lower = out->sii_upper = NAN;
    out->rii = out->rii_lower = out->rii_upper = NAN;
    out->groups = 0;
    if (k < 2)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at least 2 groups, found %zu", k);
    if (o->reps != 0 && o->reps < 1000)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected 0 or at least 1000 Monte Carlo draws, found %ld", o->reps);
    double total = 0;
    for (size_t g = 0; g < k; g++) {
        if (!(pop[g] > 0) || !(sd[g] > 0) || !isfinite(value[g]) || !isfinite(sd[g]))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected a population above 0, a finite value and a standard "
                                "error above 0 in group %zu",
                                g + 1);
        if ((o->scale == OM_SII_RATE && !(value[g] > 0)) ||
            (o->scale == OM_SII_PROPORTION && !(value[g] > 0 && value[g] < 1)))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected a %s in group %zu, found %g",
                                o->scale == OM_SII_RATE ? "rate above 0" : "proportion in (0, 1)",
                                g + 1, value[g]);
        total += pop[g];
    }
    double *buf = malloc(6 * k * sizeof *buf);
    if (!buf)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    double *x = buf, *w = buf + k, *c0 = buf + 2 * k, *c1 = buf + 3 * k, *se = buf + 4 * k,
           *y = buf + 5 * k;
    double cum = 0;
    for (size_t g = 0; g < k; g++) {
        double share = pop[g] / total;
        x[g] = cum + share / 2;
        cum += share;
        /* standard error on the natural scale (delta method) */
        se[g] = o->scale == OM_SII_RATE         ? sd[g] * value[g]
                : o->scale == OM_SII_PROPORTION ? sd[g] * value[g] * (1 - value[g])
                                                : sd[g];
        w[g] = o->weight == OM_SII_POPULATION ? share : 1 / (se[g] * se[g]);
    }
    wls_coef(k, x, w, c0, c1);
    double a = 0, b = 0, vaa = 0, vbb = 0, vab = 0;
    for (size_t g = 0; g < k; g++) {
        a += c0[g] * value[g];
        b += c1[g] * value[g];
        double s2 = se[g] * se[g];
        vaa += c0[g] * c0[g] * s2;
        vbb += c1[g] * c1[g] * s2;
        vab += c0[g] * c1[g] * s2;
    }
    out->groups = (int)k;
    ends(a, b, o->last_minus_first, &out->sii, &out->rii);
    if (!(out->rii > 0))
        out->rii = NAN;
    double z = om_stats_z(o->level);
    om_status s = OM_OK;
    if (o->reps == 0) {
        out->sii_lower = out->sii - z * sqrt(vbb);
        out->sii_upper = out->sii + z * sqrt(vbb);
        /* ln RII = ln f_end - ln f_start; var(f0) = vaa, var(f1) = vaa +
         * vbb + 2 vab, cov(f0, f1) = vaa + vab */
        double f0 = a, f1 = a + b;
        if (f0 > 0 && f1 > 0) {
            double v0 = vaa, v1 = vaa + vbb + 2 * vab, c01 = vaa + vab;
            double vl = v0 / (f0 * f0) + v1 / (f1 * f1) - 2 * c01 / (f0 * f1);
            if (vl >= 0) {
                out->rii_lower = exp(log(out->rii) - z * sqrt(vl));
                out->rii_upper = exp(log(out->rii) + z * sqrt(vl));
            }
        }
    } else {
        double *sims = malloc(2 * (size_t)o->reps * sizeof *sims);
        gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!sims || !r) {
            free(sims);
            gsl_rng_free(r);
            free(buf);
            return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        gsl_rng_set(r, (unsigned long)o->seed);
        double *ss = sims, *rr = sims + o->reps;
        long nr = 0;
        for (long i = 0; i < o->reps; i++) {
            double aa = 0, bb = 0;
            for (size_t g = 0; g < k; g++) {
                y[g] = inv_t(o->scale, fwd_t(o->scale, value[g]) + gsl_ran_gaussian_ziggurat(r, sd[g]));
                aa += c0[g] * y[g];
                bb += c1[g] * y[g];
            }
            double si, ri;
            ends(aa, bb, o->last_minus_first, &si, &ri);
            ss[i] = si;
            rr[i] = ri; /* may be negative or infinite when an end is near 0 */
            nr++;
        }
        qsort(ss, (size_t)nr, sizeof *ss, cmp_double);
        qsort(rr, (size_t)nr, sizeof *rr, cmp_double);
        double al = (1 - o->level) / 2;
        long lo = lround((double)o->reps * al), hi = lround((double)o->reps * (1 - al));
        if (lo < 1)
            lo = 1;
        if (hi > o->reps)
            hi = o->reps;
        out->sii_lower = ss[lo - 1];
        out->sii_upper = ss[hi - 1];
        if (isfinite(out->rii)) {
            out->rii_lower = rr[lo - 1];
            out->rii_upper = rr[hi - 1];
        }
        free(sims);
        gsl_rng_free(r);
    }
    free(buf);
    return s;
}

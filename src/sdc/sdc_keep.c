/* Keeping information instead of suppressing it: empirical-Bayes smoothed
 * rates, rounding, merging of small areas. */
#define _POSIX_C_SOURCE 200809L
#include "sdc_internal.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Marshall (1991), "Mapping disease and mortality rates using empirical
 * Bayes estimators", Applied Statistics 40:283-294.  Method of moments over
 * the areas of a group: m = sum e / sum p, p_bar = sum p / n,
 * s2 = sum p_i (r_i - m)^2 / sum p - m / p_bar (set to 0 when negative),
 * C_i = s2 / (s2 + m / p_i), smoothed rate m + C_i (r_i - m).  Read as a
 * Gamma(alpha = m^2/s2, beta = m/s2) prior with Poisson counts, this is the
 * posterior mean (alpha + e_i) / (beta + p_i); the posterior Gamma gives
 * the standard deviation sqrt(alpha + e_i) / (beta + p_i) and the central
 * 95 % interval reported with it.  When s2 = 0 every area gets m, reported
 * with the uncertainty of m itself. */
/* Quantile of Gamma(shape, scale).  GSL's inversion fails to converge for
 * some shapes (e.g. the huge prior shape m^2/s2 when the between-area
 * variance s2 is tiny) and its default handler aborts; with the handler off
 * it returns NaN, and then the Wilson-Hilferty cube-root normal
 * approximation (Wilson & Hilferty 1931), accurate for large shapes, is
 * used. */
static double gamma_quantile(double p, double shape, double scale)
{
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double q = gsl_cdf_gamma_Pinv(p, shape, scale);
    gsl_set_error_handler(old);
    if (isfinite(q))
        return q;
    double v = 1.0 / (9.0 * shape), c = 1.0 - v + gsl_cdf_ugaussian_Pinv(p) * sqrt(v);
    return c > 0 ? shape * scale * c * c * c : 0;
}

static void eb_group(size_t n, const size_t *idx, const double *e, const double *p, double *rate, double *se,
                     double *lo, double *hi)
{
    double se_sum = 0, sp = 0;
    size_t k = 0;
    for (size_t q = 0; q < n; q++) {
        size_t i = idx[q];
        if (p[i] > 0) {
            se_sum += e[i];
            sp += p[i];
            k++;
        }
    }
    if (k == 0)
        return;
    double m = se_sum / sp, pbar = sp / (double)k, ss = 0;
    for (size_t q = 0; q < n; q++) {
        size_t i = idx[q];
        if (p[i] > 0)
            ss += p[i] * (e[i] / p[i] - m) * (e[i] / p[i] - m);
    }
    double s2 = ss / sp - m / pbar;
    if (s2 < 0)
        s2 = 0;
    for (size_t q = 0; q < n; q++) {
        size_t i = idx[q];
        if (!(p[i] > 0))
            continue;
        if (s2 == 0 || m == 0) {
            /* no between-area variance left: every area gets the group rate,
             * whose own uncertainty (Gamma posterior of sum e over sum p,
             * shape sum e + 1/2, Jeffreys) is what is reported */
            rate[i] = m;
            se[i] = sqrt(se_sum) / sp;
            lo[i] = gamma_quantile(0.025, se_sum + 0.5, 1.0 / sp);
            hi[i] = gamma_quantile(0.975, se_sum + 0.5, 1.0 / sp);
            continue;
        }
        double c = s2 / (s2 + m / p[i]);
        rate[i] = m + c * (e[i] / p[i] - m);
        double alpha = m * m / s2, beta = m / s2;
        double shape = alpha + e[i], rt = beta + p[i];
        se[i] = sqrt(shape) / rt;
        lo[i] = gamma_quantile(0.025, shape, 1.0 / rt);
        hi[i] = gamma_quantile(0.975, shape, 1.0 / rt);
    }
}

om_status om_sdc_eb_smooth(size_t n, const double *events, const double *pop, const int32_t *group, double *rate,
                           double *se, double *lo, double *hi, om_error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (!(events[i] >= 0) || !(pop[i] >= 0) || !isfinite(events[i]) || !isfinite(pop[i]))
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected non-negative events and population, found %g and %g in area %zu",
                                events[i], pop[i], i + 1);
        rate[i] = se[i] = lo[i] = hi[i] = NAN;
    }
    size_t *idx = malloc((n + 1) * sizeof *idx);
    if (!idx)
        return om_error_nomem(err);
    if (!group) {
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        eb_group(n, idx, events, pop, rate, se, lo, hi);
    } else {
        /* group by id: sort indices by group */
        uint8_t *done = calloc(n + 1, 1);
        if (!done) {
            free(idx);
            return om_error_nomem(err);
        }
        for (size_t i = 0; i < n; i++) {
            if (done[i])
                continue;
            size_t k = 0;
            for (size_t j = i; j < n; j++)
                if (!done[j] && group[j] == group[i]) {
                    idx[k++] = j;
                    done[j] = 1;
                }
            eb_group(k, idx, events, pop, rate, se, lo, hi);
        }
        free(done);
    }
    free(idx);
    return OM_OK;
}

double om_sdc_round(double value, int base)
{
    if (base <= 1)
        return value;
    return floor(value / base + 0.5) * base;
}

/* Merge small areas within their parent.  Without adjacency data the proxy
 * neighbour is the adjacent unit in code order (RegSO codes are numbered
 * within the kommun), the smaller of the two when both exist; the smallest
 * unit below the threshold is merged first, ties by code. */
om_status om_sdc_merge_units(size_t n, const char *const *codes, const int32_t *parent, const double *size,
                             double min_size, int32_t *unit, om_error *err)
{
    size_t *ord = malloc((n + 1) * sizeof *ord);
    double *usz = malloc((n + 1) * sizeof *usz);
    if (!ord || !usz) {
        free(ord);
        free(usz);
        return om_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        if (!(size[i] >= 0)) {
            free(ord);
            free(usz);
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "expected a non-negative size, found %g", size[i]);
        }
        unit[i] = (int32_t)i;
    }
    /* areas sorted by (parent, code): insertion sort is fine for the few
     * thousand areas of a registry level */
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && (parent[ord[j - 1]] > parent[i] ||
                         (parent[ord[j - 1]] == parent[i] && strcmp(codes[ord[j - 1]], codes[i]) > 0))) {
            ord[j] = ord[j - 1];
            j--;
        }
        ord[j] = i;
    }
    size_t a = 0;
    while (a < n) {
        size_t b = a;
        while (b < n && parent[ord[b]] == parent[ord[a]])
            b++;
        /* units of this parent: positions a..b-1; unit of ord[q] is unit[ord[q]] */
        for (;;) {
            /* unit sizes */
            for (size_t q = a; q < b; q++)
                usz[ord[q]] = 0;
            for (size_t q = a; q < b; q++)
                usz[unit[ord[q]]] += size[ord[q]];
            /* distinct units in code order of their representatives */
            size_t small = (size_t)-1, nunits = 0;
            for (size_t q = a; q < b; q++) {
                size_t u = ord[q];
                if ((size_t)unit[u] != u)
                    continue;
                nunits++;
                if (usz[u] < min_size && (small == (size_t)-1 || usz[u] < usz[small]))
                    small = u;
            }
            if (small == (size_t)-1 || nunits < 2)
                break;
            /* neighbours: the previous and next representative in code order */
            size_t prev = (size_t)-1, next = (size_t)-1;
            bool seen = false;
            for (size_t q = a; q < b; q++) {
                size_t u = ord[q];
                if ((size_t)unit[u] != u)
                    continue;
                if (u == small) {
                    seen = true;
                    continue;
                }
                if (!seen)
                    prev = u;
                else if (next == (size_t)-1)
                    next = u;
            }
            size_t with = prev;
            if (with == (size_t)-1 || (next != (size_t)-1 && usz[next] < usz[prev]))
                with = next;
            /* the representative is the member with the smallest code */
            size_t keep = strcmp(codes[with], codes[small]) < 0 ? with : small;
            size_t gone = keep == with ? small : with;
            for (size_t q = a; q < b; q++)
                if ((size_t)unit[ord[q]] == gone)
                    unit[ord[q]] = (int32_t)keep;
        }
        a = b;
    }
    free(ord);
    free(usz);
    return OM_OK;
}

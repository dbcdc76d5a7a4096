/* Kaplan-Meier product-limit estimator with Greenwood's variance.
 *
 * Kaplan EL, Meier P (1958), J Am Stat Assoc 53:457-481:
 *   S(t) = prod over event times t_j <= t of (1 - d_j / r_j).
 * Greenwood M (1926), Reports on Public Health and Medical Subjects 33:
 *   var S(t) = S(t)^2 sum_{t_j <= t} d_j / (r_j (r_j - d_j)).
 * Log-log limits (Kalbfleisch & Prentice 2002, The Statistical Analysis of
 * Failure Time Data, 2nd ed., sec. 1.4): with v = var / (S log S)^2,
 *   exp(-exp(log(-log S) +- z sqrt(v))), which stay within (0, 1). */
#include "omrade/health.h"

#include <math.h>
#include <stdlib.h>

typedef struct {
    double t;
    bool e;
} obs;

static int by_time(const void *a, const void *b)
{
    const obs *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

om_status om_stats_km(size_t n, const double *time, const bool *event, double level, bool loglog,
                      om_km_step *steps, size_t *nsteps, om_error *err)
{
    *nsteps = 0;
    obs *o = malloc((n ? n : 1) * sizeof *o);
    if (!o)
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (!(time[i] >= 0) || !isfinite(time[i])) {
            free(o);
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected times of 0 or more, found %g", time[i]);
        }
        o[i].t = time[i];
        o[i].e = event[i];
    }
    qsort(o, n, sizeof *o, by_time);
    double z = om_stats_z(level), S = 1, gw = 0, censored = 0;
    size_t i = 0, k = 0;
    while (i < n) {
        double t = o[i].t, d = 0, c = 0;
        size_t j = i;
        for (; j < n && o[j].t == t; j++) {
            if (o[j].e)
                d++;
            else
                c++;
        }
        double r = (double)(n - i);
        if (d > 0) {
            S *= 1 - d / r;
            if (r > d)
                gw += d / (r * (r - d));
            om_km_step *s = &steps[k++];
            s->time = t;
            s->at_risk = r;
            s->events = d;
            s->censored = censored;
            s->surv = S;
            /* when everyone left has the event S = 0 and Greenwood's sum is
             * undefined (r = d); its standard error is taken as 0 */
            s->se = S > 0 ? S * sqrt(gw) : 0;
            if (loglog) {
                if (S > 0 && S < 1 && gw > 0) {
                    double ls = log(S), h = z * sqrt(gw) / fabs(ls);
                    s->lower = exp(-exp(log(-ls) + h));
                    s->upper = exp(-exp(log(-ls) - h));
                } else {
                    s->lower = s->upper = NAN;
                }
            } else {
                s->lower = S - z * s->se < 0 ? 0 : S - z * s->se;
                s->upper = S + z * s->se > 1 ? 1 : S + z * s->se;
            }
            censored = c;
        } else {
            censored += c;
        }
        i = j;
    }
    *nsteps = k;
    free(o);
    return OM_OK;
}

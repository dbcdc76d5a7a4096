/* Life expectancy from an abridged life table: Chiang's method II with
 * Silcocks' variance for the open last band, with the conventions of Public
 * Health England's life expectancy calculator as implemented in
 * PHEindicatormethods::phe_life_expectancy (Fingertips technical guidance).
 *
 * Sources:
 * - Chiang CL (1968), Introduction to Stochastic Processes in Biostatistics,
 *   ch. 9 (Wiley), and Chiang CL (1984), The Life Table and its
 *   Applications: the life table and the variance of e_x (method II, a_i
 *   the fraction of the band lived by those who die in it).
 * - Silcocks PBS, Jenner DA, Reza R (2001), J Epidemiol Community Health
 *   55:38-43: in the open band life expectancy is the mean survival 1/M_w,
 *   so that band adds l_w^2 var(1/M_w) = l_w^2 / (D_w M_w^2) to the variance
 *   instead of Chiang's zero.
 * - Eayres DP, Williams ES (2004), J Epidemiol Community Health 58:243-249,
 *   and Toson B, Baker A (2003), ONS Methodology Series 33: the 5,000
 *   minimum population.
 *
 * Per band i with width n_i (start[i+1] - start[i]), a_i (0.1 for the band
 * starting at 0, else 0.5), M_i = D_i / P_i:
 *   q_i = n_i M_i / (1 + n_i (1 - a_i) M_i), or 1 when that would exceed 1
 *         (D_i > P_i / (n_i a_i)); q = 1 in the open band,
 *   l_0 = 100000, l_{i+1} = l_i (1 - q_i), d_i = l_i - l_{i+1} (d_w = l_w),
 *   L_i = n_i (l_{i+1} + a_i d_i), L_w = l_w / M_w,
 *   T_i = sum_{j>=i} L_j, e_i = T_i / l_i,
 *   var(q_i) = q_i^2 (1 - q_i) / D_i (0 when d_i = 0),
 *   var(e_i) = sum_{j>=i} l_j^2 ((1 - a_j) n_j + e_{j+1})^2 var(q_j)
 *              / l_i^2 + l_w^2 / (D_w M_w^2) / l_i^2,
 *   limits e_i +- z sqrt(var(e_i)).
 * PHE conventions kept: a whole group is empty when any band has no
 * population or more deaths than population, or the total population is at
 * most 5,000; a value (not its limits) is suppressed when the 95 % interval
 * is wider than 20 years, whatever the requested level.  Where PHE would
 * give an infinite value (no deaths in the open band) or 0 for an age no one
 * reaches, we leave the value empty and say why. */
#include "omrade/health.h"

#include "omrade/stats.h"

#include <math.h>
#include <stdlib.h>

static void empty_all(size_t n, om_le *out, om_le_note note, int band)
{
    for (size_t i = 0; i < n; i++) {
        out[i].le = out[i].lower = out[i].upper = out[i].se = NAN;
        out[i].note = note;
        out[i].note_band = band;
    }
}

om_status om_stats_lifeexp(size_t n, const double *start, const double *pop,
                           const double *deaths, double level, om_le *out, om_error *err)
{
    if (n < 2 || start[0] != 0)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at least two age bands, the first starting at 0");
    for (size_t i = 1; i < n; i++)
        if (!(start[i] > start[i - 1]))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected increasing band start ages, found %g after %g",
                                start[i], start[i - 1]);
    /* Group-wide checks in PHE's order. */
    double total = 0;
    for (size_t i = 0; i < n; i++)
        if (!(pop[i] > 0)) {
            empty_all(n, out, OM_LE_NO_POP, (int)i);
            return OM_OK;
        }
    for (size_t i = 0; i < n; i++)
        if (deaths[i] > pop[i]) {
            empty_all(n, out, OM_LE_DEATHS_OVER_POP, (int)i);
            return OM_OK;
        }
    for (size_t i = 0; i < n; i++)
        total += pop[i];
    if (total <= OM_LE_MIN_POP) {
        empty_all(n, out, OM_LE_SMALL_POP, -1);
        return OM_OK;
    }
    if (!(deaths[n - 1] > 0)) {
        empty_all(n, out, OM_LE_NO_OPEN_DEATHS, (int)(n - 1));
        return OM_OK;
    }

    /* Life table, one pass forward for l, one backward for T and var. */
    double *l = malloc((n + 1) * sizeof *l), *q = malloc(n * sizeof *q);
    if (!l || !q) {
        free(l);
        free(q);
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    l[0] = 100000;
    for (size_t i = 0; i < n; i++) {
        if (i == n - 1) {
            q[i] = 1;
        } else {
            double w = start[i + 1] - start[i], a = start[i] == 0 ? 0.1 : 0.5;
            double M = deaths[i] / pop[i];
            q[i] = deaths[i] <= pop[i] / w / a ? M * w / (1 + M * w * (1 - a)) : 1;
        }
        l[i + 1] = l[i] * (1 - q[i]);
    }
    double z = om_stats_z(level), z95 = om_stats_z(0.95);
    double Mw = deaths[n - 1] / pop[n - 1];
    double T = l[n - 1] / Mw;
    double S = l[n - 1] * l[n - 1] / (deaths[n - 1] * Mw * Mw); /* Silcocks' open-band term */
    double e_next = 0;
    for (size_t k = n; k-- > 0;) {
        if (k < n - 1) {
            double w = start[k + 1] - start[k], a = start[k] == 0 ? 0.1 : 0.5;
            double d = l[k] - l[k + 1];
            T += w * (l[k + 1] + a * d);
            if (d > 0 && deaths[k] > 0) {
                double vq = q[k] * q[k] * (1 - q[k]) / deaths[k];
                double f = (1 - a) * w + e_next;
                S += l[k] * l[k] * f * f * vq;
            }
        }
        om_le *o = &out[k];
        o->note = OM_LE_OK;
        o->note_band = -1;
        if (!(l[k] > 0)) {
            o->le = o->lower = o->upper = o->se = NAN;
            o->note = OM_LE_NO_SURVIVORS;
            e_next = 0;
            continue;
        }
        double e = T / l[k], se = sqrt(S / (l[k] * l[k]));
        o->le = e;
        o->se = se;
        o->lower = e - z * se;
        o->upper = e + z * se;
        if (z95 * se > 10) {
            o->le = NAN;
            o->note = OM_LE_WIDE_CI;
        }
        e_next = e;
    }
    free(l);
    free(q);
    return OM_OK;
}

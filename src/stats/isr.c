/* Indirectly standardised ratios (ISR, SMR).
 *
 * ratio = O / E * mult, E = sum_s R_s n_s with reference rates R_s; limits
 * L(O) / E * mult and U(O) / E * mult where (L, U) are Poisson limits for the
 * observed count: exact (Garwood 1936; Armitage & Berry 2002) below
 * `byar_from` events, Byar's approximation (Breslow & Day 1987, p. 69) from
 * it on.  PHEindicatormethods::calculate_ISRatio uses byar_from = 10 and
 * refvalue (our mult) = 1 by default; E is treated as fixed (the reference
 * is large), as there. */
#include "omrade/health.h"

#include "omrade/stats.h"

#include <math.h>

void om_stats_isr(double observed, double expected, double mult, double level, double byar_from,
                  double *ratio, double *lower, double *upper)
{
    if (!(expected > 0) || !(observed >= 0)) {
        *ratio = *lower = *upper = NAN;
        return;
    }
    double l, u;
    if (observed < byar_from)
        om_stats_poisson_exact(observed, level, &l, &u);
    else
        om_stats_poisson_byar(observed, level, &l, &u);
    *ratio = observed / expected * mult;
    *lower = l / expected * mult;
    *upper = u / expected * mult;
}

/* Funnel-plot control limits (Spiegelhalter DJ 2005, Funnel plots for
 * comparing institutional performance, Stat Med 24:1185-1202), with the
 * conventions of PHEindicatormethods' phe_funnels / Fingertips technical
 * guidance.
 *
 * Proportions: PHE's sigma_adjustment() finds the counts x whose Wilson
 * score interval at z ends exactly at the baseline p0.  Solving
 *   p0 (n + z^2) = x + z^2/2 -+ z sqrt(x (n - x) / n + z^2 / 4)
 * for x gives the quadratic x^2 (1 + z^2/n) - 2 x p0 (n + z^2)
 *   + p0 (n + z^2) (p0 (n + z^2) - z^2) = 0, whose discriminant is
 * z^2 (n + z^2)^2 p0 (1 - p0) / n, so that x / n = p0 -+ z sqrt(p0 (1 -
 * p0) / n): the normal-approximation funnel.  Clipped to [0, 1] as PHE does.
 *
 * Counts: the exact Poisson limits (Garwood 1936) of the observed count O;
 * a point with O events lies inside the funnel when its expected count E
 * satisfies L(O) <= E <= U(O), i.e. O / E within [O / U(O), O / L(O)]. */
#include "omrade/health.h"

#include "omrade/stats.h"

#include <math.h>

void om_stats_funnel_prop(double p0, double n, double level, double mult, double *lower,
                          double *upper)
{
    if (!(n > 0) || !(p0 >= 0 && p0 <= 1)) {
        *lower = *upper = NAN;
        return;
    }
    double h = om_stats_z(level) * sqrt(p0 * (1 - p0) / n);
    double lo = p0 - h, up = p0 + h;
    *lower = (lo < 0 ? 0 : lo) * mult;
    *upper = (up > 1 ? 1 : up) * mult;
}

void om_stats_funnel_poisson(double observed, double level, double *lower, double *upper)
{
    if (!(observed >= 0)) {
        *lower = *upper = NAN;
        return;
    }
    double l, u;
    om_stats_poisson_exact(observed, level, &l, &u);
    *lower = observed / u;
    *upper = observed > 0 ? observed / l : INFINITY;
}

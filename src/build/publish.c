/* The publication seam of the barometer: every count `omrade build` writes
 * passes through om_build_protect().
 *
 * Rule (primary threshold suppression, as in Statistics Sweden's and
 * Eurostat's practice for frequency tables — Hundepool et al., Statistical
 * Disclosure Control, Wiley 2012, ch. 5): a cell is suppressed when
 *   - the population (denominator) is smaller than k, or
 *   - the numerator is 1..k-1 (few persons with the attribute), or
 *   - denominator - numerator is 1..k-1 (few persons *without* it, which
 *     discloses the attribute of almost everyone in the group).
 * Zero cells with a large denominator are published.  Secondary suppression
 * (so that suppressed cells cannot be recovered from margins) is the job of
 * om_sdc; until that module is merged this function is the single place to
 * back with it. */
#include "omrade/build.h"

#include <math.h>

bool om_build_protect(const om_publish_rules *rules, double numerator, double denominator)
{
    if (!rules || rules->min_count <= 0)
        return false;
    double k = (double)rules->min_count;
    if (!isfinite(numerator) || !isfinite(denominator))
        return true;
    if (denominator < k)
        return true;
    if (numerator > 0 && numerator < k)
        return true;
    double rest = denominator - numerator;
    if (numerator <= denominator && rest > 0 && rest < k)
        return true;
    return false;
}

const char *om_build_rules_text(const om_publish_rules *rules, char *buf, size_t size)
{
    if (!rules || rules->min_count <= 0)
        snprintf(buf, size, "none (no suppression)");
    else
        snprintf(buf, size,
                 "primary threshold k=%lld: suppressed when denominator < k, numerator in 1..k-1, "
                 "or denominator-numerator in 1..k-1; suppressed cells keep no numbers",
                 (long long)rules->min_count);
    return buf;
}

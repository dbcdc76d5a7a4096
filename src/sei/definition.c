/* SCB's person-level definitions of the socioeconomic index (SCB,
 * "Områdestyper efter socioekonomisk status / Regionala statistikområden
 * (RegSO)", method description): the age band of the education and the
 * assistance/unemployment indicators, and the assistance/unemployment
 * condition itself.  include/omrade/sei.h states the definitions. */
#include "omrade/sei.h"

void om_sei_age_band(int year, int *lo, int *hi)
{
    *lo = 20;
    *hi = year <= 2022 ? 64 : 65; /* 20-64 up to 2022, 20-65 from 2023 */
}

bool om_sei_in_age_band(int year, int age)
{
    int lo, hi;
    om_sei_age_band(year, &lo, &hi);
    return age >= lo && age <= hi;
}

bool om_sei_long_assist_unemp(int64_t assist_months, int64_t unemp_days)
{
    return assist_months >= OM_SEI_ASSIST_MIN_MONTHS || unemp_days >= OM_SEI_UNEMP_MIN_DAYS;
}

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
#include <stdio.h>
#include <string.h>

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

/* The sensitivity table (issue 10, item 3).  Sources for "published openly":
 * SCB's open DeSO/RegSO tables (statistikdatabasen, "Regionala
 * statistikområden" and "DeSO" tables: population by age, sex and country
 * of birth, households by type of housing and tenure, education level,
 * gainful employment).  Economic assistance, unemployment, income and
 * health are sensitive personal data under the register agencies'
 * confidentiality rules (OSL 24:8, 26:1) and are never published below the
 * threshold. */
static const om_indicator_rule RULES[] = {
    {"income_cu_mean", "income_cu_mean", true, true, "income (sum of disposable incomes): sensitive"},
    {"low_econ", "low_econ", true, false, "income: sensitive"},
    {"children_low_income", "low_econ", true, false, "income; the same count as low_econ aged 0-17"},
    {"income_quintile_1", "income_quintile_1", true, false, "income: sensitive"},
    {"econ_assistance", "econ_assistance", true, false, "economic assistance: sensitive (social services)"},
    {"econ_assistance_any", "econ_assistance_any", true, false, "economic assistance: sensitive (social services)"},
    {"assist_unemp_long", "assist_unemp_long", true, false,
     "long economic assistance or unemployment: sensitive"},
    {"long_term_unemployment", "long_term_unemployment", true, false, "unemployment: sensitive"},
    {"neet_20_24", "neet_20_24", true, false, "neither working nor studying, small groups of young people: sensitive"},
    {"sickness_absence_days_mean", "sickness_absence_days_mean", true, true, "health (sickness benefit days): sensitive"},
    {"voter_turnout_2014", "voter_turnout_2014", true, false, "individual participation in an election: sensitive"},
    {"voter_turnout_2018", "voter_turnout_2018", true, false, "individual participation in an election: sensitive"},
    {"voter_turnout_2022", "voter_turnout_2022", true, false, "individual participation in an election: sensitive"},
    {"merit_value_mean", "merit_value_mean", true, true, "school grades of identifiable pupils: sensitive"},
    {"upper_secondary_eligibility", "upper_secondary_eligibility", true, false,
     "school results of identifiable pupils: sensitive"},
    {"high_income", "high_income", true, false, "income: sensitive"},
    {"econ_assistance_sole", "econ_assistance_sole", true, false, "economic assistance: sensitive (social services)"},
    {"voter_turnout_region_2014", "voter_turnout_region_2014", true, false, "individual participation in an election: sensitive"},
    {"voter_turnout_region_2018", "voter_turnout_region_2018", true, false, "individual participation in an election: sensitive"},
    {"voter_turnout_region_2022", "voter_turnout_region_2022", true, false, "individual participation in an election: sensitive"},
    {"voter_turnout_kommun_2014", "voter_turnout_kommun_2014", true, false, "individual participation in an election: sensitive"},
    {"voter_turnout_kommun_2018", "voter_turnout_kommun_2018", true, false, "individual participation in an election: sensitive"},
    {"voter_turnout_kommun_2022", "voter_turnout_kommun_2022", true, false, "individual participation in an election: sensitive"},
    {"preschool_1_5", "preschool_1_5", true, false, "preschool enrolment of identifiable small children: sensitive"},
    {"upper_secondary_exam_3y", "upper_secondary_exam_3y", true, false, "school results of identifiable pupils: sensitive"},
    {"upper_secondary_exam_4y", "upper_secondary_exam_4y", true, false, "school results of identifiable pupils: sensitive"},
    {"upper_secondary_exam_5y", "upper_secondary_exam_5y", true, false, "school results of identifiable pupils: sensitive"},
    /* SCB requires statistical confidentiality for moves by sex and age per
     * small area (BEFPAK, tables 105-107) */
    {"migration_in", "migration_in", true, false, "moves of identifiable persons between small areas: sensitive"},
    {"migration_out", "migration_out", true, false, "moves of identifiable persons between small areas: sensitive"},
    {"born_abroad", "born_abroad", false, false, "population by country of birth: published openly by SCB per RegSO"},
    {"population", "population", false, false, "population by age and sex: published openly by SCB per RegSO"},
    {"house_small", "house", false, false, "population by type of housing: published openly by SCB per DeSO"},
    {"house_multi", "house", false, false, "population by type of housing: published openly by SCB per DeSO"},
    {"tenure_rent", "tenure", false, false, "population by tenure: published openly by SCB per DeSO"},
    {"tenure_coop", "tenure", false, false, "population by tenure: published openly by SCB per DeSO"},
    {"tenure_own", "tenure", false, false, "population by tenure: published openly by SCB per DeSO"},
    {"dwelling_m2_mean", "dwelling_m2_mean", false, true, "dwelling space: published openly by SCB per DeSO"},
    {"pre_upper_secondary", "education", false, false, "education level 25-64: published openly by SCB per DeSO"},
    {"post_secondary", "education", false, false, "education level 25-64: published openly by SCB per DeSO"},
    {"gainful_employment", "gainful_employment", false, false,
     "gainful employment 20-64: published openly by SCB per DeSO"},
};

static const om_indicator_rule DEFAULT_RULE = {
    NULL, NULL, true, false, "not declared: treated as sensitive"};

const om_indicator_rule *om_build_indicator_rule(const char *id)
{
    for (size_t i = 0; id && i < sizeof RULES / sizeof RULES[0]; i++)
        if (strcmp(RULES[i].id, id) == 0)
            return &RULES[i];
    return &DEFAULT_RULE;
}

size_t om_build_indicator_rules(const om_indicator_rule **rules)
{
    *rules = RULES;
    return sizeof RULES / sizeof RULES[0];
}

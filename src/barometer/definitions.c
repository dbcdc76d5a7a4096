/* omrade build: the definitions of the indicators of `omrade indicators
 * --barometer` (src/synth/indicators.c), shown in the barometer's
 * definition box: population, numerator, denominator, the register the
 * counts come from in real microdata, and the years in the database.  The
 * wording follows the agencies' own definitions; the sources are named in
 * the texts (issue 14: "a definition page per indicator"). */
#include "barometer_internal.h"

#include <stdio.h>
#include <string.h>

typedef struct def_row {
    const char *id;
    const char *pop_sv, *pop_en; /* population (= the denominator unless den_* says otherwise) */
    const char *num_sv, *num_en;
    const char *den_sv, *den_en; /* NULL: the persons of the population */
    const char *src_sv, *src_en; /* the register */
    int den_per;                 /* populations summed in the denominator (2: twice the mean) */
} def_row;

#define RTB_SV "SCB, Registret över totalbefolkningen (RTB)"
#define RTB_EN "Statistics Sweden (SCB), the Total Population Register (RTB)"
#define IOS_SV "SCB, Inkomster och skatter (disponibel inkomst per konsumtionsenhet)"
#define IOS_EN "SCB, Income and taxation statistics (disposable income per consumption unit)"
#define EB_SV "Socialstyrelsen, registret över ekonomiskt bistånd"
#define EB_EN "National Board of Health and Welfare (Socialstyrelsen), the register of economic assistance"
#define UREG_SV "SCB, Utbildningsregistret"
#define UREG_EN "SCB, the Register of Education"
#define BOST_SV "SCB, hushålls- och bostadsstatistik (Lägenhetsregistret)"
#define BOST_EN "SCB, household and housing statistics (the Dwelling Register)"
#define VAL_SV "Valmyndigheten och SCB, registerbaserat valdeltagande (markerade röstlängder)"
#define VAL_EN "Election Authority (Valmyndigheten) and SCB, register-based turnout (marked electoral rolls)"
#define SKOLA_SV "Skolverket, betygs- och elevregistren"
#define SKOLA_EN "National Agency for Education (Skolverket), the grade and pupil registers"
#define ALL_SV "Folkbokförda i området 31 december"
#define ALL_EN "Persons registered in the area on 31 December"
#define P2064_SV "Folkbokförda 20–64 år i området 31 december"
#define P2064_EN "Persons aged 20–64 registered in the area on 31 December"
#define P2564_SV "Folkbokförda 25–64 år med känd utbildning i området 31 december"
#define P2564_EN "Persons aged 25–64 with a known education registered in the area on 31 December"
#define VOTE_R_SV "Röstberättigade i riksdagsvalet (18 år och äldre, svenska medborgare) folkbokförda i området"
#define VOTE_R_EN "Persons entitled to vote in the riksdag election (18 and older, Swedish citizens) registered in the area"
#define VOTE_L_SV                                                                                             \
    "Röstberättigade i region- och kommunval (kommunallagen 4 kap. 2 §: 18 år och äldre, svenska, EU- och "   \
    "nordiska medborgare samt andra utländska medborgare folkbokförda i Sverige tre år i följd före valdagen) " \
    "folkbokförda i området"
#define VOTE_L_EN                                                                                           \
    "Persons entitled to vote in regional and municipal elections (Local Government Act, ch. 4, s. 2: 18 "  \
    "and older, Swedish, EU and Nordic citizens, and other foreign citizens registered in Sweden for three " \
    "consecutive years before election day) registered in the area"
#define VOTE_NUM_SV "de som röstade"
#define VOTE_NUM_EN "those who voted"
#define EXAM_POP_SV                                                                                         \
    "Kohorten som började gymnasieskolan (nationella program och introduktionsprogram) hösten det år de "   \
    "fyllde 16, folkbokförd i området 31 december det året; redovisas det år tidsgränsen går ut"
#define EXAM_POP_EN                                                                                       \
    "The cohort starting upper secondary school (national and introduction programmes) in the autumn of " \
    "the year they turned 16, registered in the area on 31 December of that year; shown in the year the " \
    "deadline ends"
#define MIG_POP_SV                                                                                          \
    "Folkbokförda i området; kommun, län och riket summerar sina RegSO (flyttningar mellan RegSO, också inom " \
    "kommunen)"
#define MIG_POP_EN                                                                                         \
    "Persons registered in the area; kommun, län and riket are sums over their RegSO (moves between RegSO, " \
    "also inside the kommun)"
#define MIG_DEN_SV "medelfolkmängden (folkmängden 31 december året före och samma år, per födelseår), SCB:s nämnare för flyttningstal"
#define MIG_DEN_EN "the mean population (31 December of the year before and of the year, by year of birth), SCB's denominator for migration rates"

/* First match wins: "prefix*" rows after the longer prefixes they contain. */
static const def_row DEFS[] = {
    {"income_cu_mean", ALL_SV, ALL_EN, "summan av disponibel inkomst per konsumtionsenhet (kronor)",
     "the sum of disposable income per consumption unit (SEK)", NULL, NULL, IOS_SV, IOS_EN, 1},
    {"low_econ", ALL_SV, ALL_EN,
     "personer med disponibel inkomst per konsumtionsenhet under 60 % av medianen för hela riket samma år "
     "(låg ekonomisk standard)",
     "persons whose disposable income per consumption unit is below 60 % of the national median of the year "
     "(low economic standard)",
     NULL, NULL, IOS_SV, IOS_EN, 1},
    {"high_income", ALL_SV, ALL_EN,
     "personer med disponibel inkomst per konsumtionsenhet över 200 % av medianen för hela riket samma år (hög "
     "ekonomisk standard, SCB: \"mer än dubbelt så hög som medianinkomsten\"; exakt 200 % räknas inte)",
     "persons whose disposable income per consumption unit is above 200 % of the national median of the year "
     "(high economic standard, SCB: \"more than twice the median income\"; exactly 200 % does not count)",
     NULL, NULL, IOS_SV, IOS_EN, 1},
    {"income_quintile_1", ALL_SV, ALL_EN, "personer i rikets lägsta femtedel av disponibel inkomst per konsumtionsenhet",
     "persons in the national lowest fifth of disposable income per consumption unit", NULL, NULL, IOS_SV, IOS_EN,
     1},
    {"children_low_income", "Barn 0–17 år folkbokförda i området 31 december",
     "Children aged 0–17 registered in the area on 31 December",
     "barn i hushåll med låg ekonomisk standard (under 60 % av medianen)",
     "children in households with low economic standard (below 60 % of the median)", NULL, NULL, IOS_SV, IOS_EN,
     1},
    {"econ_assistance_any", P2064_SV, P2064_EN, "personer med ekonomiskt bistånd någon månad under året",
     "persons who received economic assistance in any month of the year", NULL, NULL, EB_SV, EB_EN, 1},
    {"econ_assistance_sole", P2064_SV, P2064_EN,
     "personer med ekonomiskt bistånd (socialtjänstlagen 4 kap. 1 §) minst en månad under året och ingen annan "
     "registrerad inkomst eller ersättning: inte förvärvsarbetande, ingen dag som arbetslös (arbetslöshetsersättning "
     "eller aktivitetsstöd), ingen sjukpenningdag, inte studerande (studiemedel) — registrets motsvarighet till SCB:s "
     "huvudsaklig inkomstkälla ekonomiskt bistånd",
     "persons who received economic assistance (Social Services Act, ch. 4, s. 1) in at least one month of the year "
     "and no other registered income or benefit: not gainfully employed, no day unemployed (unemployment benefit or "
     "activity support), no sickness-benefit day, not studying (study allowance) — the register counterpart of "
     "SCB's main source of income economic assistance",
     NULL, NULL, EB_SV " och Försäkringskassan, Arbetsförmedlingen, SCB (RAMS)",
     EB_EN " with the Social Insurance Agency, the Public Employment Service and SCB (RAMS)", 1},
    {"assist_unemp_long", "Folkbokförda 20–64 år (från 2023 20–65 år) i området 31 december",
     "Persons aged 20–64 (from 2023 20–65) registered in the area on 31 December",
     "personer med ekonomiskt bistånd minst tio månader och/eller arbetslösa mer än 180 dagar (SEI:s tredje del)",
     "persons with economic assistance in at least ten months and/or unemployed more than 180 days (the third "
     "part of SEI)",
     NULL, NULL, EB_SV " och Arbetsförmedlingen", EB_EN " and the Public Employment Service", 1},
    {"pre_upper_secondary", P2564_SV, P2564_EN, "personer med högst förgymnasial utbildning",
     "persons with at most pre-upper-secondary education", NULL, NULL, UREG_SV, UREG_EN, 1},
    {"post_secondary", P2564_SV, P2564_EN, "personer med eftergymnasial utbildning",
     "persons with post-secondary education", NULL, NULL, UREG_SV, UREG_EN, 1},
    {"gainful_employment", P2064_SV, P2064_EN, "förvärvsarbetande i november", "persons gainfully employed in November",
     NULL, NULL, "SCB, RAMS/BAS", "SCB, RAMS/BAS (register-based labour market statistics)", 1},
    {"long_term_unemployment", P2064_SV, P2064_EN, "personer arbetslösa mer än 180 dagar under året",
     "persons unemployed more than 180 days of the year", NULL, NULL, "Arbetsförmedlingen (via SCB:s LISA)",
     "the Public Employment Service (through SCB's LISA)", 1},
    {"neet_20_24", "Folkbokförda 20–24 år i området 31 december", "Persons aged 20–24 registered in the area on 31 December",
     "personer som varken förvärvsarbetar eller studerar", "persons neither gainfully employed nor studying", NULL,
     NULL, "SCB, LISA", "SCB, LISA", 1},
    {"born_abroad", ALL_SV, ALL_EN, "utrikes födda", "persons born abroad", NULL, NULL, RTB_SV, RTB_EN, 1},
    {"house_small", ALL_SV, ALL_EN, "personer som bor i småhus", "persons living in a small house", NULL, NULL, BOST_SV,
     BOST_EN, 1},
    {"house_multi", ALL_SV, ALL_EN, "personer som bor i flerbostadshus", "persons living in a multi-dwelling building",
     NULL, NULL, BOST_SV, BOST_EN, 1},
    {"tenure_rent", ALL_SV, ALL_EN, "personer som bor i hyresrätt", "persons living in a rented dwelling", NULL, NULL,
     BOST_SV, BOST_EN, 1},
    {"tenure_coop", ALL_SV, ALL_EN, "personer som bor i bostadsrätt", "persons living in a tenant-owned dwelling", NULL,
     NULL, BOST_SV, BOST_EN, 1},
    {"tenure_own", ALL_SV, ALL_EN, "personer som bor i äganderätt", "persons living in an owner-occupied dwelling", NULL,
     NULL, BOST_SV, BOST_EN, 1},
    {"dwelling_m2_mean", ALL_SV, ALL_EN, "summan av bostadsyta per person (m²)", "the sum of dwelling space per person (m²)",
     NULL, NULL, BOST_SV, BOST_EN, 1},
    {"sickness_absence_days_mean", P2064_SV, P2064_EN, "summan av dagar med sjukpenning",
     "the sum of days with sickness benefit", NULL, NULL, "Försäkringskassan (MiDAS, via SCB:s LISA)",
     "the Social Insurance Agency (MiDAS, through SCB's LISA)", 1},
    {"voter_turnout_region_*", VOTE_L_SV, VOTE_L_EN, VOTE_NUM_SV " i regionvalet", VOTE_NUM_EN " in the regional election", NULL, NULL, VAL_SV, VAL_EN, 1},
    {"voter_turnout_kommun_*", VOTE_L_SV, VOTE_L_EN, VOTE_NUM_SV " i kommunvalet", VOTE_NUM_EN " in the municipal election", NULL, NULL, VAL_SV, VAL_EN, 1},
    {"voter_turnout_*", VOTE_R_SV, VOTE_R_EN, VOTE_NUM_SV, VOTE_NUM_EN, NULL, NULL, VAL_SV, VAL_EN, 1},
    {"merit_value_mean", "Elever som lämnade årskurs 9 med betyg, folkbokförda i området", "Pupils leaving year 9 with grades, registered in the area",
     "summan av meritvärdena (högst 340)", "the sum of their merit values (at most 340)", NULL, NULL, SKOLA_SV, SKOLA_EN, 1},
    {"upper_secondary_eligibility", "Elever som lämnade årskurs 9, folkbokförda i området", "Pupils leaving year 9, registered in the area",
     "behöriga till ett nationellt gymnasieprogram", "eligible for a national upper-secondary programme", NULL, NULL,
     SKOLA_SV, SKOLA_EN, 1},
    {"preschool_1_5", "Barn 1–5 år (ålder = året minus födelseåret) folkbokförda i området",
     "Children aged 1–5 (age = the year minus the year of birth) registered in the area",
     "barn inskrivna i förskola den 15 oktober", "children enrolled in preschool on 15 October", NULL, NULL,
     "Skolverket, barn och personal i förskolan (15 oktober)", "Skolverket, children and staff in preschool (15 October)", 1},
    {"upper_secondary_exam_3y", EXAM_POP_SV, EXAM_POP_EN, "de som fått gymnasieexamen inom 3 år",
     "those who obtained an upper-secondary diploma (examen) within 3 years", NULL, NULL, SKOLA_SV, SKOLA_EN, 1},
    {"upper_secondary_exam_4y", EXAM_POP_SV, EXAM_POP_EN, "de som fått gymnasieexamen inom 4 år",
     "those who obtained an upper-secondary diploma (examen) within 4 years", NULL, NULL, SKOLA_SV, SKOLA_EN, 1},
    {"upper_secondary_exam_5y", EXAM_POP_SV, EXAM_POP_EN, "de som fått gymnasieexamen inom 5 år",
     "those who obtained an upper-secondary diploma (examen) within 5 years", NULL, NULL, SKOLA_SV, SKOLA_EN, 1},
    {"migration_in", MIG_POP_SV, MIG_POP_EN,
     "personer folkbokförda i ett annat RegSO i Sverige 31 december året före och i området 31 december (inrikes "
     "inflyttade; flytt inom samma RegSO räknas inte, inte heller invandring)",
     "persons registered in another RegSO in Sweden on 31 December of the year before and in the area on 31 December "
     "(domestic in-movers; moves within one RegSO do not count, nor does immigration)",
     MIG_DEN_SV, MIG_DEN_EN, RTB_SV, RTB_EN, 2},
    {"migration_out", MIG_POP_SV, MIG_POP_EN,
     "personer folkbokförda i området 31 december året före och i ett annat RegSO i Sverige 31 december (inrikes "
     "utflyttade; flytt inom samma RegSO räknas inte, inte heller utvandring)",
     "persons registered in the area on 31 December of the year before and in another RegSO in Sweden on 31 December "
     "(domestic out-movers; moves within one RegSO do not count, nor does emigration)",
     MIG_DEN_SV, MIG_DEN_EN, RTB_SV, RTB_EN, 2},
};

bool om_barometer_definition(const char *id, int y0, int y1, char *sv, size_t nsv, char *en, size_t nen,
                             int *den_per)
{
    for (size_t i = 0; i < sizeof DEFS / sizeof *DEFS; i++) {
        const def_row *d = &DEFS[i];
        size_t n = strlen(d->id);
        /* "prefix*": one row for the elections of every year */
        if (d->id[n - 1] == '*' ? strncmp(d->id, id, n - 1) != 0 : strcmp(d->id, id) != 0)
            continue;
        char years[32];
        if (y0 == y1)
            snprintf(years, sizeof years, "%d", y0);
        else
            snprintf(years, sizeof years, "%d–%d", y0, y1);
        snprintf(sv, nsv, "Population: %s. Täljare: %s. Nämnare: %s. Källa i registerdata: %s. År: %s.",
                 d->pop_sv, d->num_sv, d->den_sv ? d->den_sv : "samtliga i populationen", d->src_sv, years);
        snprintf(en, nen, "Population: %s. Numerator: %s. Denominator: %s. Source in register data: %s. Years: %s.",
                 d->pop_en, d->num_en, d->den_en ? d->den_en : "everybody in the population", d->src_en, years);
        *den_per = d->den_per;
        return true;
    }
    return false;
}

/* omrade build, slices: the in-memory slice store, the protection of the
 * publication over it, the area-type aggregates and the indicator
 * catalogue (see build.c for why aggregates use published cells only). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/formats.h"
#include "omrade/build.h"
#include "omrade/csv.h"
#include "omrade/geo.h"
#include "omrade/hash.h"
#include "omrade/sdc.h"
#include "omrade/sei.h"
#include "barometer_internal.h"

#include <math.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* Labels and units of the barometer indicators named in issue 7 and the
 * synth contract; unknown ids get their id as label and a unit inferred from
 * the data (share in % when every numerator <= denominator). */
static const struct {
    const char *id, *sv, *en, *unit;
} CATALOGUE[] = {
    {"sei", "Socioekonomiskt index (SEI)", "Socioeconomic index (SEI)", "index"},
    {"low_econ_pct", "Låg ekonomisk standard (SEI-del)", "Low economic standard (SEI part)", "%"},
    {"pre_upper_pct", "Förgymnasial utbildning (SEI-del)", "Pre-upper-secondary education (SEI part)", "%"},
    {"assist_unemp_pct", "Ekonomiskt bistånd/arbetslöshet (SEI-del)",
     "Social assistance/unemployment (SEI part)", "%"},
    {"population", "Folkmängd", "Population", "count"},
    {"income_cu_mean", "Disponibel inkomst per konsumtionsenhet (medel)",
     "Disposable income per consumption unit (mean)", "SEK"},
    {"low_econ", "Låg ekonomisk standard", "Low economic standard", "%"},
    {"income_quintile_1", "Lägsta inkomstfemtedelen", "Lowest income quintile", "%"},
    {"children_low_income", "Barn i hushåll med låg ekonomisk standard", "Children in low-income households", "%"},
    {"econ_assistance", "Ekonomiskt bistånd", "Social assistance", "%"},
    {"econ_assistance_any", "Ekonomiskt bistånd någon gång under året", "Social assistance at some time in the year", "%"},
    {"assist_unemp_long", "Ekonomiskt bistånd minst tio månader och/eller arbetslös mer än sex månader",
     "Social assistance for at least ten months and/or unemployed more than six months", "%"},
    {"pre_upper_secondary", "Förgymnasial utbildning", "Pre-upper-secondary education", "%"},
    {"post_secondary", "Eftergymnasial utbildning", "Post-secondary education", "%"},
    {"gainful_employment", "Förvärvsarbetande", "In gainful employment", "%"},
    {"long_term_unemployment", "Långtidsarbetslöshet", "Long-term unemployment", "%"},
    {"neet_20_24", "Unga 20–24 som varken arbetar eller studerar", "Young people 20–24 not in employment, education or training", "%"},
    {"born_abroad", "Utrikes födda", "Born abroad", "%"},
    {"house_small", "Bor i småhus", "Living in a small house", "%"},
    {"house_multi", "Bor i flerbostadshus", "Living in a multi-dwelling building", "%"},
    {"tenure_rent", "Bor i hyresrätt", "Living in a rented dwelling", "%"},
    {"tenure_coop", "Bor i bostadsrätt", "Living in a cooperative dwelling", "%"},
    {"tenure_own", "Bor i äganderätt", "Living in an owned dwelling", "%"},
    {"dwelling_m2_mean", "Bostadsyta per person (m², medel)", "Dwelling space per person (m², mean)", "m²"},
    {"sickness_absence_days_mean", "Sjukpenningdagar per person (medel)", "Sickness benefit days per person (mean)", "days"},
    {"voter_turnout_2014", "Valdeltagande 2014", "Voter turnout 2014", "%"},
    {"voter_turnout_2018", "Valdeltagande 2018", "Voter turnout 2018", "%"},
    {"voter_turnout_2022", "Valdeltagande 2022", "Voter turnout 2022", "%"},
    {"merit_value_mean", "Meritvärde åk 9 (medel)", "Grade point average, year 9 (mean)", "points"},
    {"upper_secondary_eligibility", "Behörighet till gymnasiet", "Eligible for upper secondary school", "%"},
    /* issue 14: the rest of Segregationsbarometern's list (definitions.c) */
    {"high_income", "Hög ekonomisk standard", "High economic standard", "%"},
    {"econ_assistance_sole", "Ekonomiskt bistånd utan andra inkomster eller ersättningar",
     "Social assistance without other income or benefits", "%"},
    {"voter_turnout_region_2014", "Valdeltagande regionval 2014", "Voter turnout, regional election 2014", "%"},
    {"voter_turnout_region_2018", "Valdeltagande regionval 2018", "Voter turnout, regional election 2018", "%"},
    {"voter_turnout_region_2022", "Valdeltagande regionval 2022", "Voter turnout, regional election 2022", "%"},
    {"voter_turnout_kommun_2014", "Valdeltagande kommunval 2014", "Voter turnout, municipal election 2014", "%"},
    {"voter_turnout_kommun_2018", "Valdeltagande kommunval 2018", "Voter turnout, municipal election 2018", "%"},
    {"voter_turnout_kommun_2022", "Valdeltagande kommunval 2022", "Voter turnout, municipal election 2022", "%"},
    {"preschool_1_5", "Inskrivna i förskola, 1–5 år", "Enrolled in preschool, ages 1–5", "%"},
    {"upper_secondary_exam_3y", "Gymnasieexamen inom 3 år", "Upper-secondary diploma within 3 years", "%"},
    {"upper_secondary_exam_4y", "Gymnasieexamen inom 4 år", "Upper-secondary diploma within 4 years", "%"},
    {"upper_secondary_exam_5y", "Gymnasieexamen inom 5 år", "Upper-secondary diploma within 5 years", "%"},
    {"migration_in", "Inflyttade från andra RegSO per 1 000 invånare", "Moving in from other RegSO per 1,000 population",
     "per 1,000"},
    {"migration_out", "Utflyttade till andra RegSO per 1 000 invånare", "Moving out to other RegSO per 1,000 population",
     "per 1,000"},
};
/* ------------------------------------------------------- slice store
 *
 * Indicator cells are held in memory as dense slices: one slice per
 * (indicator, level, year, sex, age, born) with one entry per area of the
 * level in the registry's dense order (status, numerator, denominator).
 * The long input (about 10 million rows at any synth scale) thus becomes a
 * few thousand arrays; protection and the area-type aggregates run over
 * arrays, and the database stores one BLOB per slice, which is also the
 * server's unit of reading ("all RegSO of one slice" is one row). */

void om_barometer_store_free(store *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        free(x->v[i].st);
        free(x->v[i].num);
        free(x->v[i].den);
        free(x->v[i].lo);
        free(x->v[i].hi);
    }
    for (size_t i = 0; i < x->nnames; i++)
        free(x->name[i]);
    free(x->name);
    free(x->v);
    free(x->meta);
    om_strmap_free(x->keys);
    om_strmap_free(x->names);
    free(x);
}

int32_t om_barometer_intern(store *x, const char *p, size_t len)
{
    int32_t id = om_strmap_get(x->names, p, len);
    if (id >= 0)
        return id;
    if (x->nnames == x->capnames) {
        size_t cap = x->capnames ? x->capnames * 2 : 64;
        char **nn = realloc(x->name, cap * sizeof *nn);
        bind_meta *nm = realloc(x->meta, cap * sizeof *nm);
        if (nn)
            x->name = nn;
        if (nm)
            x->meta = nm;
        if (!nn || !nm)
            return -1;
        x->capnames = cap;
    }
    char *c = malloc(len + 1);
    if (!c)
        return -1;
    memcpy(c, p, len);
    c[len] = '\0';
    id = (int32_t)x->nnames;
    if (om_strmap_put(x->names, p, len, id) != OM_OK) {
        free(c);
        return -1;
    }
    x->name[x->nnames] = c;
    memset(&x->meta[x->nnames], 0, sizeof x->meta[0]);
    x->meta[x->nnames].main_age = -1;
    x->nnames++;
    return id;
}

/* The health indicators of `omrade rates --barometer` (docs/rates.md), by
 * the suffix of their id O_<suffix>: theme "health", labels, unit and the
 * definition (population, numerator, denominator, source, years, interval)
 * in both languages.  False for other ids. */
typedef struct health_text {
    char sv[160], en[160], def_sv[900], def_en[900];
    const char *unit;
} health_text;

static bool health_catalogue(const char *name, int y0, int y1, health_text *h)
{
    size_t nl = strlen(name);
    const char *fat = strstr(name, "_fatality");
    int o, days = 0;
    enum { H_RATE, H_EB, H_ISR, H_FAT } kind;
    if (nl > 11 && strcmp(name + nl - 11, "_eb_per100k") == 0)
        kind = H_EB, o = (int)(nl - 11);
    else if (nl > 8 && strcmp(name + nl - 8, "_per100k") == 0)
        kind = H_RATE, o = (int)(nl - 8);
    else if (nl > 4 && strcmp(name + nl - 4, "_isr") == 0)
        kind = H_ISR, o = (int)(nl - 4);
    else if (fat && fat > name && name[nl - 1] == 'd' && (days = atoi(fat + 9)) > 0)
        kind = H_FAT, o = (int)(fat - name);
    else
        return false;
    char years[32];
    if (y0 == y1)
        snprintf(years, sizeof years, "%d", y0);
    else
        snprintf(years, sizeof years, "%d-%d", y0, y1);
    static const char src_sv[] = "Källa: händelseregistren (t.ex. patientregistret, dödsorsaksregistret) och "
                                 "befolkningen, länkade med omrade rates (se databasens proveniens).";
    static const char src_en[] = "Source: the event registers (e.g. the patient register, the cause-of-death "
                                 "register) and the population, linked by omrade rates (see the database's "
                                 "provenance).";
    switch (kind) {
    case H_RATE:
        snprintf(h->sv, sizeof h->sv, "%.*s per 100 000 invånare", o, name);
        snprintf(h->en, sizeof h->en, "%.*s per 100,000 population", o, name);
        h->unit = "per 100,000";
        snprintf(h->def_sv, sizeof h->def_sv,
                 "Händelser av utfallet %.*s per 100 000 i befolkningen under risk. Täljare: händelser under "
                 "året. Nämnare: folkbokförda i området 31 december året före (eller personår). %s År: %s. "
                 "Intervall: exakt Poisson (Byar från 10 händelser).",
                 o, name, src_sv, years);
        snprintf(h->def_en, sizeof h->def_en,
                 "Events of the outcome %.*s per 100,000 population at risk. Numerator: events in the year. "
                 "Denominator: persons registered in the area on 31 December of the year before (or "
                 "person-years). %s Years: %s. Interval: exact Poisson (Byar from 10 events).",
                 o, name, src_en, years);
        break;
    case H_EB:
        snprintf(h->sv, sizeof h->sv, "%.*s per 100 000 invånare, utjämnad (EB)", o, name);
        snprintf(h->en, sizeof h->en, "%.*s per 100,000 population, smoothed (EB)", o, name);
        h->unit = "per 100,000";
        snprintf(h->def_sv, sizeof h->def_sv,
                 "RegSO:s takt av %.*s per 100 000 utjämnad med empirisk Bayes (Marshall 1991) mot "
                 "medelvärdet för alla RegSO eller för kommunen. Täljare: väntat antal händelser (utjämnad "
                 "takt gånger befolkningen); nämnare: befolkningen under risk. Visas bara där den ojämnade "
                 "takten visas. %s År: %s. Intervall: aposteriorifördelningens (gamma) 95 %%.",
                 o, name, src_sv, years);
        snprintf(h->def_en, sizeof h->def_en,
                 "The RegSO's rate of %.*s per 100,000 smoothed by empirical Bayes (Marshall 1991) towards "
                 "the mean of all RegSOs or of its kommun. Numerator: expected events (smoothed rate times "
                 "the population); denominator: the population at risk. Shown only where the raw rate is. "
                 "%s Years: %s. Interval: the 95 %% Gamma posterior interval.",
                 o, name, src_en, years);
        break;
    case H_ISR:
        snprintf(h->sv, sizeof h->sv, "%.*s, indirekt standardiserad kvot (ISR)", o, name);
        snprintf(h->en, sizeof h->en, "%.*s, indirectly standardised ratio (ISR)", o, name);
        h->unit = "ratio";
        snprintf(h->def_sv, sizeof h->def_sv,
                 "Observerade händelser av %.*s delat med förväntade (1 = som förväntat). Täljare: "
                 "observerade händelser. Nämnare: förväntade händelser, summan över kön och femårsklasser "
                 "av referenstakten (hela körningens) gånger områdets befolkning under risk. %s År: %s. "
                 "Intervall: Poissongränser för de observerade delade med de förväntade.",
                 o, name, src_sv, years);
        snprintf(h->def_en, sizeof h->def_en,
                 "Observed events of %.*s divided by the expected (1 = as expected). Numerator: observed "
                 "events. Denominator: expected events, the sum over sex and 5-year age bands of the "
                 "reference rate (the whole run's) times the area's population at risk. %s Years: %s. "
                 "Interval: the Poisson limits of the observed count divided by the expected.",
                 o, name, src_en, years);
        break;
    case H_FAT:
        snprintf(h->sv, sizeof h->sv, "%.*s: döda inom %d dagar", o, name, days);
        snprintf(h->en, sizeof h->en, "%.*s: died within %d days", o, name, days);
        h->unit = "%";
        snprintf(h->def_sv, sizeof h->def_sv,
                 "Andel av fallen av %.*s där personen dog inom %d dagar (dag 0 = händelsedagen). Täljare: "
                 "döda inom %d dagar. Nämnare: fall med uppföljning. %s År: %s. Intervall: Wilsons.",
                 o, name, days, days, src_sv, years);
        snprintf(h->def_en, sizeof h->def_en,
                 "Share of the cases of %.*s in which the person died within %d days (day 0 = the event "
                 "day). Numerator: deaths within %d days. Denominator: cases with follow-up. %s Years: %s. "
                 "Interval: Wilson's score interval.",
                 o, name, days, days, src_en, years);
        break;
    }
    return true;
}

/* The slice for a key, created on first use (NULL when out of memory). */
int32_t om_barometer_slice_find(const store *x, int32_t ind, om_level level, int year, int32_t sex, int32_t age,
                                int32_t born, int32_t edu)
{
    int32_t key[7] = {ind, (int32_t)level, year, sex, age, born, edu};
    return om_strmap_get(x->keys, (const char *)key, sizeof key);
}

bslice *om_barometer_slice_get(store *x, const om_geo *g, int32_t ind, om_level level, int year, int32_t sex,
                         int32_t age, int32_t born, int32_t edu)
{
    int32_t key[7] = {ind, (int32_t)level, year, sex, age, born, edu};
    int32_t i = om_strmap_get(x->keys, (const char *)key, sizeof key);
    if (i >= 0)
        return &x->v[i];
    if (om_grow(&x->v, &x->cap, x->n + 1, sizeof *x->v, 256, NULL) != OM_OK)
        return NULL;
    bslice *sl = &x->v[x->n];
    *sl = (bslice){.ind = ind, .sex = sex, .age = age, .born = born, .edu = edu, .level = level, .year = year,
                   .n = level == OM_LEVEL_RIKET ? 1 : om_geo_count(g, level)};
    sl->st = calloc((size_t)sl->n, 1);
    sl->num = malloc((size_t)sl->n * sizeof(double));
    sl->den = malloc((size_t)sl->n * sizeof(double));
    if (!sl->st || !sl->num || !sl->den ||
        om_strmap_put(x->keys, (const char *)key, sizeof key, (int32_t)x->n) != OM_OK) {
        free(sl->st);
        free(sl->num);
        free(sl->den);
        return NULL;
    }
    bind_meta *m = &x->meta[ind];
    if (m->main_age < 0 || (level == OM_LEVEL_REGSO && !m->main_age_regso)) {
        m->main_age = age;
        m->main_age_regso = level == OM_LEVEL_REGSO;
    }
    return &x->v[x->n++];
}

/* Protection, area-type aggregates, the slices and the catalogue. */
om_status om_barometer_finish_indicators(bctx *b, om_error *err)
{
    store *x = b->store;
    sqlite3_stmt *ins = NULL, *tv = NULL, *cat = NULL, *ty = NULL, *iv = NULL;
    int32_t nreg = om_geo_count(b->geo, OM_LEVEL_REGSO);
    /* area types in memory: types[year - 1900][regso] (0 = none) */
    int8_t *types[201] = {0};
    bprotect bp;
    memset(&bp, 0, sizeof bp);
    double *scale = NULL;
    bool *used = NULL;
    unsigned char *blob = NULL;
    om_status s = om_barometer_prep(b, "SELECT code, year, area_type FROM area_types WHERE area_type IS NOT NULL", &ty, err);
    if (s != OM_OK)
        goto done;
    while (sqlite3_step(ty) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(ty, 0);
        int y = sqlite3_column_int(ty, 1) - 1900;
        int32_t r = om_geo_find(b->geo, OM_LEVEL_REGSO, code, strlen(code));
        if (y < 0 || y > 200 || r < 0)
            continue;
        if (!types[y] && !(types[y] = calloc((size_t)nreg, 1))) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            goto done;
        }
        types[y][r] = (int8_t)sqlite3_column_int(ty, 2);
    }
    /* disclosure control of everything below at once (protect.c) */
    bp.x = x;
    bp.geo = b->geo;
    bp.types = types;
    bp.rules = &b->opt->rules;
    bp.no_secondary = b->opt->no_secondary;
    bp.regso_breakdowns = b->opt->regso_breakdowns;
    bp.kommun_crosses = b->opt->kommun_crosses;
    bp.no_edu_relation = b->opt->no_edu_relation;
    bp.lan_cross_min = b->opt->lan_cross_min;
    bp.progress = b->opt->progress;
    if ((s = om_barometer_protect_all(&bp, err)) != OM_OK)
        goto done;
    b->rep->cells_secondary = bp.secondary;
    b->rep->groups_failed = bp.components_failed;
    b->rep->cells_primary = bp.primary;
    b->rep->components = (int64_t)bp.components;
    b->rep->lp_solves = bp.lp_solves;
    b->rep->cells_withheld = bp.withheld + bp.withheld_kommun;
    b->rep->cells_withheld_kommun = bp.withheld_kommun;
    b->rep->cells_withheld_lan = bp.withheld_lan;
    if ((s = om_barometer_prep(b, "INSERT INTO slices VALUES(?,?,?,?,?,?,?,?,?,?,?)", &ins, err)) != OM_OK ||
        (s = om_barometer_prep(b, "INSERT INTO type_values VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?)", &tv, err)) != OM_OK ||
        (s = om_barometer_prep(b, "INSERT INTO indicators VALUES(?,?,?,?,?,?,?,?,?,?,?,?)", &cat, err)) != OM_OK)
        goto done;
    /* catalogue first: the scale is needed for the aggregates */
    scale = calloc(x->nnames ? x->nnames : 1, sizeof *scale);
    used = calloc(x->nnames ? x->nnames : 1, sizeof *used);
    if (!scale || !used) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < x->n; i++)
        used[x->v[i].ind] = true;
    for (size_t id = 0; id < x->nnames && s == OM_OK; id++) {
        if (!used[id])
            continue;
        const bind_meta *m = &x->meta[id];
        const char *name = x->name[id], *sv = name, *en = name;
        const om_indicator_rule *rule = om_build_indicator_rule(name);
        const char *unit = m->value_only ? "index" : (rule->id ? rule->mean : m->ratio_gt) ? "mean" : "%";
        for (size_t k = 0; k < sizeof CATALOGUE / sizeof CATALOGUE[0]; k++)
            if (strcmp(CATALOGUE[k].id, name) == 0) {
                sv = CATALOGUE[k].sv;
                en = CATALOGUE[k].en;
                unit = CATALOGUE[k].unit;
            }
        /* health indicators of `omrade rates --barometer` (docs/rates.md) */
        health_text ht;
        int y0 = 9999, y1 = 0;
        for (size_t i = 0; i < x->n; i++)
            if ((size_t)x->v[i].ind == id) {
                y0 = x->v[i].year < y0 ? x->v[i].year : y0;
                y1 = x->v[i].year > y1 ? x->v[i].year : y1;
            }
        bool health = health_catalogue(name, y0, y1, &ht);
        if (health)
            sv = ht.sv, en = ht.en, unit = ht.unit;
        /* definitions of the synth's indicators (definitions.c) */
        int per = 1;
        bool def = !health && om_barometer_definition(name, y0, y1, ht.def_sv, sizeof ht.def_sv, ht.def_en,
                                                      sizeof ht.def_en, &per);
        /* shares are per cent; means and value-only indicators as they are */
        scale[id] = !m->value_only && strcmp(unit, "%") == 0             ? 100.0
                    : !m->value_only && strcmp(unit, "per 100,000") == 0 ? 100000.0
                    : !m->value_only && strcmp(unit, "per 1,000") == 0   ? 1000.0 * per
                                                                          : 1.0;
        sqlite3_bind_text(cat, 1, name, -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 2, sv, -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 3, en, -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 4, unit, -1, SQLITE_STATIC);
        sqlite3_bind_double(cat, 5, scale[id]);
        sqlite3_bind_text(cat, 6, m->value_only ? "value" : "ratio", -1, SQLITE_STATIC);
        sqlite3_bind_text(cat, 7, m->main_age >= 0 ? x->name[m->main_age] : "total", -1, SQLITE_STATIC);
        sqlite3_bind_int(cat, 8, m->value_only ? 0 : rule->sensitive);
        sqlite3_bind_text(cat, 9, m->value_only ? "values computed by omrade sei from the same microdata" : rule->why,
                          -1, SQLITE_STATIC);
        if (health || def) {
            if (health)
                sqlite3_bind_text(cat, 10, "health", -1, SQLITE_STATIC);
            else
                sqlite3_bind_null(cat, 10);
            sqlite3_bind_text(cat, 11, ht.def_sv, -1, SQLITE_TRANSIENT);
            sqlite3_bind_text(cat, 12, ht.def_en, -1, SQLITE_TRANSIENT);
        } else {
            for (int c = 10; c <= 12; c++)
                sqlite3_bind_null(cat, c);
        }
        s = om_barometer_step_done(b, cat, err);
    }
    size_t bloblen = (size_t)nreg * 17 + 64;
    blob = malloc(bloblen);
    if (!blob && s == OM_OK)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t i = 0; i < x->n && s == OM_OK; i++) {
        bslice *sl = &x->v[i];
        if (sl->withheld)
            continue;
        int32_t npub = 0, nsup = 0;
        for (int32_t k = 0; k < sl->n; k++) {
            if (sl->st[k] == ST_ABSENT || sl->st[k] == ST_WITHHELD) {
                sl->num[k] = sl->den[k] = NAN;
            } else if (sl->st[k] != ST_PUBLISHED) { /* primary or secondary (protect.c) */
                sl->num[k] = sl->den[k] = NAN;   /* no unprotected number leaves this function */
                nsup++;
            } else {
                npub++;
            }
            /* an interval gives its count back (the Poisson or Wilson limits
             * are functions of numerator and denominator): published only
             * with the value */
            if (sl->lo && sl->st[k] != ST_PUBLISHED)
                sl->lo[k] = sl->hi[k] = NAN;
        }
        b->rep->cells_suppressed += nsup;
        b->rep->cells_published += npub;
        /* blob: n status bytes, n numerators, n denominators (IEEE 754 doubles,
         * native byte order: the database is read on the machine that built it) */
        size_t n = (size_t)sl->n;
        memcpy(blob, sl->st, n);
        memcpy(blob + n, sl->num, n * sizeof(double));
        memcpy(blob + n + n * sizeof(double), sl->den, n * sizeof(double));
        sqlite3_bind_text(ins, 1, x->name[sl->ind], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 2, om_level_name(sl->level), -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 3, sl->year);
        sqlite3_bind_text(ins, 4, x->name[sl->sex], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 5, x->name[sl->age], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 6, x->name[sl->born], -1, SQLITE_STATIC);
        sqlite3_bind_text(ins, 7, x->name[sl->edu], -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 8, sl->n);
        sqlite3_bind_int(ins, 9, npub);
        sqlite3_bind_int(ins, 10, nsup);
        sqlite3_bind_blob(ins, 11, blob, (int)(n * 17), SQLITE_STATIC);
        s = om_barometer_step_done(b, ins, err);
        if (s == OM_OK && sl->lo) {
            /* table intervals: per slice with intervals, n lower then n
             * upper limits of numerator / denominator (unscaled doubles,
             * NaN = none), beside the slice's BLOB */
            if (!iv && ((s = om_barometer_exec(b,
                                               "CREATE TABLE intervals(indicator TEXT NOT NULL, level TEXT "
                                               "NOT NULL, year INTEGER NOT NULL, sex TEXT NOT NULL, age TEXT "
                                               "NOT NULL, born TEXT NOT NULL, edu TEXT NOT NULL, n INTEGER NOT "
                                               "NULL, limits BLOB NOT NULL, PRIMARY KEY(indicator, level, year, "
                                               "sex, age, born, edu));",
                                               err)) != OM_OK ||
                        (s = om_barometer_prep(b, "INSERT INTO intervals VALUES(?,?,?,?,?,?,?,?,?)", &iv, err)) !=
                            OM_OK))
                break;
            memcpy(blob, sl->lo, n * sizeof(double));
            memcpy(blob + n * sizeof(double), sl->hi, n * sizeof(double));
            sqlite3_bind_text(iv, 1, x->name[sl->ind], -1, SQLITE_STATIC);
            sqlite3_bind_text(iv, 2, om_level_name(sl->level), -1, SQLITE_STATIC);
            sqlite3_bind_int(iv, 3, sl->year);
            sqlite3_bind_text(iv, 4, x->name[sl->sex], -1, SQLITE_STATIC);
            sqlite3_bind_text(iv, 5, x->name[sl->age], -1, SQLITE_STATIC);
            sqlite3_bind_text(iv, 6, x->name[sl->born], -1, SQLITE_STATIC);
            sqlite3_bind_text(iv, 7, x->name[sl->edu], -1, SQLITE_STATIC);
            sqlite3_bind_int(iv, 8, sl->n);
            sqlite3_bind_blob(iv, 9, blob, (int)(n * 16), SQLITE_STATIC);
            s = om_barometer_step_done(b, iv, err);
        }
    }
    /* area-type aggregates: sums of all RegSO cells (protect.c), protected
     * with them; the population (denominator) is public and always shown */
    for (size_t a = 0; a < bp.nagg && s == OM_OK; a++) {
        const btype_cell *ag = &bp.agg[a];
        if (ag->st == ST_ABSENT)
            continue;
        const bslice *sl = &x->v[ag->slice];
        bool pub = ag->st == ST_PUBLISHED;
        char tcode[4];
        snprintf(tcode, sizeof tcode, "%s", ag->type == 6 ? "1-2" : (const char[]){(char)('0' + ag->type), 0});
        sqlite3_bind_text(tv, 1, x->name[sl->ind], -1, SQLITE_STATIC);
        sqlite3_bind_int(tv, 2, sl->year);
        sqlite3_bind_int(tv, 3, ag->type_year);
        sqlite3_bind_text(tv, 4, x->name[sl->sex], -1, SQLITE_STATIC);
        sqlite3_bind_text(tv, 5, x->name[sl->age], -1, SQLITE_STATIC);
        sqlite3_bind_text(tv, 6, x->name[sl->born], -1, SQLITE_STATIC);
        sqlite3_bind_text(tv, 7, ag->within < 0 ? "00" : om_geo_code(b->geo, OM_LEVEL_LAN, ag->within), -1,
                          SQLITE_STATIC);
        sqlite3_bind_text(tv, 8, tcode, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(tv, 9, ag->n_regso);
        if (pub) {
            sqlite3_bind_double(tv, 10, ag->num);
            if (ag->den > 0)
                sqlite3_bind_double(tv, 12, ag->num * scale[sl->ind] / ag->den);
        }
        sqlite3_bind_double(tv, 11, ag->den);
        sqlite3_bind_int(tv, 13, ag->st);
        b->rep->cells_suppressed += !pub;
        b->rep->cells_published += pub;
        s = om_barometer_step_done(b, tv, err);
    }
    if (s == OM_OK)
        s = om_barometer_exec(b, "CREATE UNIQUE INDEX slices_key ON slices(indicator, level, year, sex, age, born, edu);", err);
done:
    for (int y = 0; y <= 200; y++)
        free(types[y]);
    free(bp.agg);
    free(blob);
    free(scale);
    free(used);
    sqlite3_finalize(ins);
    sqlite3_finalize(iv);
    sqlite3_finalize(tv);
    sqlite3_finalize(cat);
    sqlite3_finalize(ty);
    return s;
}

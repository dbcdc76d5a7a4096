/* The schemas of the files that join omrade's stages (include/omrade/
 * formats.h).  Each column list exists once, here: writers write their
 * header from it and readers find their columns through it. */
#include "omrade/formats.h"

#include <stdint.h>
#include <string.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* SCB's definitions (docs/sei.md): the three shares in per cent, SEI = their
 * mean, z = SEI in standard deviations from the national mean, area type
 * 1-5 (SCB, "Regionala statistikområden (RegSO) och områdestyper", 2023). */
static const om_column areatypes_cols[] = {
    {"area", OM_COL_AREA, 0, 0, false, false, NULL, "RegSO code (or `Kommun (RegSO)` label)"},
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "the year the type describes"},
    {"area_type", OM_COL_INT, 1, 5, true, false, NULL, "SCB's area type 1-5 (empty: none)"},
};

/* Population per RegSO and year (e.g. from SCB's population tables), the
 * optional input of `omrade types` and `omrade transitions`; read only by
 * om_population_read (src/sei/population.c). */
static const om_column population_cols[] = {
    {"area", OM_COL_AREA, 0, 0, false, false, NULL, "RegSO code (or `Kommun (RegSO)` label)"},
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "the year of the population"},
    {"population", OM_COL_INT, 0, 1e15, false, false, NULL, "persons in the RegSO"},
};

static const om_column sei_counts_cols[] = {
    {"area", OM_COL_AREA, 0, 0, false, false, NULL, "DeSO or RegSO code"},
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "statistical year"},
    {"low_econ_n", OM_COL_INT, 0, 1e15, true, false, NULL, "persons with low economic standard (all ages)"},
    {"low_econ_d", OM_COL_INT, 0, 1e15, true, false, NULL, "persons (all ages)"},
    {"pre_upper_n", OM_COL_INT, 0, 1e15, true, false, NULL,
     "persons aged 20-64 (from 2023 20-65) with pre-upper-secondary education"},
    {"pre_upper_d", OM_COL_INT, 0, 1e15, true, false, NULL, "persons aged 20-64 (from 2023 20-65)"},
    {"assist_unemp_n", OM_COL_INT, 0, 1e15, true, false, NULL,
     "of them with economic assistance at least 10 months and/or unemployed more than 6 months"},
    {"assist_unemp_d", OM_COL_INT, 0, 1e15, true, false, NULL, "persons aged 20-64 (from 2023 20-65)"},
};

static const om_column sei_cols[] = {
    {"area", OM_COL_AREA, 0, 0, false, false, NULL, "RegSO (or DeSO) code"},
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "statistical year"},
    {"low_econ_pct", OM_COL_NUMBER, 0, 100, true, false, NULL, "share with low economic standard, %"},
    {"pre_upper_pct", OM_COL_NUMBER, 0, 100, true, false, NULL, "share with pre-upper-secondary education, %"},
    {"assist_unemp_pct", OM_COL_NUMBER, 0, 100, true, false, NULL,
     "share with long economic assistance and/or long unemployment, %"},
    {"sei", OM_COL_NUMBER, -1e6, 1e6, true, false, NULL, "mean of the three shares (higher = more challenges)"},
    {"z", OM_COL_NUMBER, -1e6, 1e6, true, false, NULL, "SEI in standard deviations from the national mean"},
    {"area_type", OM_COL_INT, 1, 5, true, false, NULL, "area type 1-5 from z (RegSO only)"},
};

static const om_column types_summary_cols[] = {
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "year of the area types"},
    {"level", OM_COL_LEVEL, 0, 0, false, false, NULL, "riket, lan or kommun"},
    {"code", OM_COL_AREA, 0, 0, false, false, NULL, "area code (riket: 00)"},
    {"name", OM_COL_TEXT, 0, 0, false, false, NULL, "area name"},
    {"area_type", OM_COL_CODE, 0, 0, false, false, "1|2|3|4|5|1-2", "area type, or types 1 and 2 together"},
    {"n_areas", OM_COL_INT, 0, 1e9, false, false, NULL, "RegSO of that type in the area"},
    {"share_areas", OM_COL_NUMBER, 0, 1, false, false, NULL, "their share of the area's typed RegSO"},
    {"population", OM_COL_INT, 0, 1e12, true, false, NULL, "persons in them (empty without population)"},
    {"share_population", OM_COL_NUMBER, 0, 1, true, false, NULL, "their share of the area's population"},
};

static const om_column barometer_indicator_cols[] = {
    {"level", OM_COL_LEVEL, 0, 0, false, false, NULL, "regso, kommun, lan or riket"},
    {"code", OM_COL_AREA, 0, 0, false, false, NULL, "area code (riket: 00)"},
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "statistical year"},
    {"indicator", OM_COL_TEXT, 0, 0, false, false, NULL, "indicator id (docs/barometer.md)"},
    {"sex", OM_COL_CODE, 0, 0, false, false, "total|man|woman", "sex"},
    {"age", OM_COL_TEXT, 0, 0, false, false, NULL, "age group, e.g. 20-64 or total"},
    {"born", OM_COL_CODE, 0, 0, false, false, "total|sweden|abroad", "born in Sweden or abroad"},
    /* highest education, SUN2000 levels grouped as SCB's education register
     * and Segregationsbarometern do (pre-upper-secondary = SUN 1-2, upper
     * secondary = 3, post-secondary = 4-6), for the ages 20-64; `total`
     * also counts persons with unknown education.  Optional: files written
     * before it (and `omrade rates --barometer`) are edu = total. */
    {"edu", OM_COL_CODE, 0, 0, false, true, "total|pre_upper_secondary|upper_secondary|post_secondary",
     "highest education level (absent: total)"},
    {"numerator", OM_COL_NUMBER, 0, 1e15, false, false, NULL, "persons with the attribute (or a sum)"},
    {"denominator", OM_COL_NUMBER, 0, 1e15, false, false, NULL, "persons in the population"},
    /* intervals of numerator / denominator (not scaled: a proportion, a rate
     * per person, a ratio), written by `omrade rates --barometer`; absent
     * or empty = none.  Last, so that writers without intervals write the
     * leading columns only (om_format_write_header_required). */
    {"lower", OM_COL_NUMBER, 0, 1e300, true, true, NULL,
     "lower limit of numerator/denominator (empty: none)"},
    {"upper", OM_COL_NUMBER, 0, 1e300, true, true, NULL,
     "upper limit of numerator/denominator (empty: none)"},
};

static const om_column seg_cols[] = {
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "statistical year"},
    {"level", OM_COL_LEVEL, 0, 0, false, false, NULL, "kommun, lan or riket"},
    {"code", OM_COL_AREA, 0, 0, false, false, NULL, "area code"},
    {"name", OM_COL_TEXT, 0, 0, false, false, NULL, "area name"},
    {"index", OM_COL_TEXT, 0, 0, false, false, NULL, "ojamlikhetsindex, dissimilarity, gini, theil_h, ..."},
    {"value", OM_COL_NUMBER, -1e300, 1e300, true, false, NULL, "plug-in estimate"},
    {"corrected", OM_COL_NUMBER, -1e300, 1e300, true, true, NULL, "bootstrap bias-corrected estimate"},
    {"se", OM_COL_NUMBER, 0, 1e300, true, false, NULL, "bootstrap standard error"},
    {"lower", OM_COL_NUMBER, -1e300, 1e300, true, false, NULL, "interval (basic bootstrap, around corrected)"},
    {"upper", OM_COL_NUMBER, -1e300, 1e300, true, false, NULL, "interval"},
    {"expected", OM_COL_NUMBER, -1e300, 1e300, true, false, NULL, "expected value under random allocation"},
    {"n_deso", OM_COL_INT, 0, 1e9, false, false, NULL, "populated DeSO used"},
    {"n_persons", OM_COL_INT, 0, 1e12, false, false, NULL, "persons used"},
    {"flag", OM_COL_TEXT, 0, 0, true, false, NULL, "few_deso, few_persons, ... (empty: none)"},
};

/* omrade link: one row per person and statistics year with the area and
 * area type a linkage plan gives (docs/rates.md, "Linkage methods").  The
 * area column is named after the level the residence file gives. */
static const om_column link_cols[] = {
    {"lopnr", OM_COL_INT, 0, 9.2e18, false, false, NULL, "person id (löpnummer)"},
    {"year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "statistics year"},
    {"method", OM_COL_TEXT, 0, 0, false, false, NULL, "linkage plan (sos1, sos2, ...)"},
    {"residence_year", OM_COL_YEAR, 1900, 2100, false, false, NULL, "year of the residence used"},
    {"type_year", OM_COL_YEAR, 1900, 2100, true, false, NULL, "year of the area types used (empty: none)"},
    {"type_year_wanted", OM_COL_YEAR, 1900, 2100, true, false, NULL, "year of the area types the plan asks for"},
    {"deso", OM_COL_AREA, 0, 0, false, true, NULL, "DeSO of residence (when the residence file gives DeSO)"},
    {"regso", OM_COL_AREA, 0, 0, false, false, NULL, "RegSO of residence"},
    {"area_type", OM_COL_INT, 1, 5, true, false, NULL, "area type 1-5 (empty: the RegSO has none that year)"},
};

/* omrade rates: one row per cell of --by (docs/rates.md, "Rates").  The
 * dimension columns after `outcome` are there only for the dimensions of
 * --by, and the measure groups only with their options; see
 * om_format_write_header_if(). */
static const om_column rates_cols[] = {
    {"method", OM_COL_TEXT, 0, 0, false, false, NULL, "linkage plan (sos1, sos2, ...)"},
    {"residence_year", OM_COL_TEXT, 0, 0, false, false, NULL, "residence year(s) used: a year, a range or latest"},
    {"type_year", OM_COL_TEXT, 0, 0, true, false, NULL, "area-type year(s) used: a year or a range"},
    {"type_year_wanted", OM_COL_TEXT, 0, 0, true, false, NULL, "area-type year(s) the plan asks for"},
    {"outcome", OM_COL_TEXT, 0, 0, false, false, NULL, "outcome name (--outcome)"},
    {"year", OM_COL_YEAR, 1900, 2100, false, true, NULL, "statistics year (--by year)"},
    {"area_type", OM_COL_INT, 1, 5, true, true, NULL, "area type 1-5, empty: none (--by area_type)"},
    {"regso", OM_COL_AREA, 0, 0, false, true, NULL, "RegSO (--by regso)"},
    {"kommun", OM_COL_AREA, 0, 0, false, true, NULL, "kommun (--by kommun)"},
    {"lan", OM_COL_AREA, 0, 0, false, true, NULL, "län (--by lan)"},
    {"sex", OM_COL_CODE, 0, 0, false, true, "man|woman", "sex (--by sex)"},
    {"age", OM_COL_TEXT, 0, 0, false, true, NULL, "age band, e.g. 20-24 or 90+ (--by age)"},
    {"born", OM_COL_CODE, 0, 0, false, true, "sweden|abroad", "born in Sweden or abroad (--by born)"},
    {"events", OM_COL_INT, 0, 1e15, false, false, NULL, "events of the outcome"},
    {"persons", OM_COL_INT, 0, 1e15, false, false, NULL, "persons with at least one event"},
    {"pop", OM_COL_NUMBER, 0, 1e15, false, false, NULL, "population at risk (person-years)"},
    {"n", OM_COL_INT, 0, 1e15, false, false, NULL, "persons in the cell"},
    {"rate", OM_COL_NUMBER, 0, 1e300, true, false, NULL, "events per 100,000 (--per)"},
    {"rate_lower", OM_COL_NUMBER, 0, 1e300, true, false, NULL, "exact/Byar Poisson limit"},
    {"rate_upper", OM_COL_NUMBER, 0, 1e300, true, false, NULL, "exact/Byar Poisson limit"},
    {"prop", OM_COL_NUMBER, 0, 1, true, false, NULL, "share of persons with an event"},
    {"prop_lower", OM_COL_NUMBER, 0, 1, true, false, NULL, "Wilson score limit"},
    {"prop_upper", OM_COL_NUMBER, 0, 1, true, false, NULL, "Wilson score limit"},
    {"fatality_cases", OM_COL_INT, 0, 1e15, true, true, NULL, "cases followed up (--case-fatality)"},
    {"fatality_deaths", OM_COL_INT, 0, 1e15, true, true, NULL, "of them dead within the window (--case-fatality)"},
    {"fatality", OM_COL_NUMBER, 0, 1, true, true, NULL, "case fatality (--case-fatality)"},
    {"fatality_lower", OM_COL_NUMBER, 0, 1, true, true, NULL, "Wilson score limit (--case-fatality)"},
    {"fatality_upper", OM_COL_NUMBER, 0, 1, true, true, NULL, "Wilson score limit (--case-fatality)"},
    {"dsr", OM_COL_NUMBER, 0, 1e300, true, true, NULL, "directly standardised rate (unless --by age)"},
    {"dsr_lower", OM_COL_NUMBER, 0, 1e300, true, true, NULL, "Dobson limit"},
    {"dsr_upper", OM_COL_NUMBER, 0, 1e300, true, true, NULL, "Dobson limit"},
    {"rr", OM_COL_NUMBER, 0, 1e300, true, true, NULL, "rate ratio to the reference area type, --ref-type (default 5; --by area_type)"},
    {"rr_lower", OM_COL_NUMBER, 0, 1e300, true, true, NULL, "rate ratio limit"},
    {"rr_upper", OM_COL_NUMBER, 0, 1e300, true, true, NULL, "rate ratio limit"},
    {"note", OM_COL_TEXT, 0, 0, true, false, NULL, "why a value is empty"},
};

static const om_format formats[] = {
    {OM_FORMAT_SEI_COUNTS, "counts of the three SEI parts per area and year", "omrade indicators", "omrade sei",
     N(sei_counts_cols), sei_counts_cols},
    {OM_FORMAT_SEI, "SEI, its three parts and the area type per area and year", "omrade sei",
     "omrade build --sei, omrade sei (shares instead of counts)", N(sei_cols), sei_cols},
    {OM_FORMAT_AREATYPES, "area types, long layout (SCB's wide export is read too)",
     "omrade sei (these columns of its output)", "omrade types, link, rates, build --types",
     N(areatypes_cols), areatypes_cols},
    {OM_FORMAT_POPULATION, "population per RegSO and year", "(users)", "omrade types, transitions (--population)",
     N(population_cols), population_cols},
    {OM_FORMAT_TYPES_SUMMARY, "RegSO and population per area type, per riket, län and kommun", "omrade types",
     "(users)", N(types_summary_cols), types_summary_cols},
    {OM_FORMAT_BAROMETER_INDICATORS, "the barometer's indicators, long", "omrade indicators --barometer",
     "omrade build --indicators", N(barometer_indicator_cols), barometer_indicator_cols},
    {OM_FORMAT_SEG, "inequality indices per kommun, län or riket and year", "omrade seg", "omrade build --seg",
     N(seg_cols), seg_cols},
    {OM_FORMAT_LINK, "persons linked to their area and area type per year", "omrade link", "(users)",
     N(link_cols), link_cols},
    {OM_FORMAT_RATES, "rates per cell of --by (columns by option)", "omrade rates", "(users)", N(rates_cols),
     rates_cols},
};

const om_format *om_format_at(size_t i)
{
    return i < N(formats) ? &formats[i] : NULL;
}

const om_format *om_format_find(const char *id)
{
    for (size_t i = 0; id && i < N(formats); i++)
        if (strcmp(formats[i].id, id) == 0)
            return &formats[i];
    return NULL;
}

const char *om_coltype_name(om_coltype t)
{
    static const char *const names[] = {"text", "area", "level", "year", "integer", "number", "code"};
    return (size_t)t < N(names) ? names[t] : "?";
}

om_status om_format_write_header(const om_format *f, FILE *fp, om_error *err)
{
    for (size_t i = 0; i < f->ncols; i++)
        if (fputs(f->cols[i].name, fp) == EOF || fputc(i + 1 < f->ncols ? ',' : '\n', fp) == EOF)
            return om_error_set(err, OM_ERR_IO, NULL, 0, 0, "write error (%s header)", f->id);
    return OM_OK;
}

om_status om_format_write_header_if(const om_format *f, FILE *fp, bool (*keep)(const om_column *c, void *ctx),
                                    void *ctx, om_error *err)
{
    bool first = true;
    for (size_t i = 0; i < f->ncols; i++) {
        if (!keep(&f->cols[i], ctx))
            continue;
        if ((!first && fputc(',', fp) == EOF) || fputs(f->cols[i].name, fp) == EOF)
            return om_error_set(err, OM_ERR_IO, NULL, 0, 0, "write error (%s header)", f->id);
        first = false;
    }
    if (fputc('\n', fp) == EOF)
        return om_error_set(err, OM_ERR_IO, NULL, 0, 0, "write error (%s header)", f->id);
    return OM_OK;
}

/* ctx: the NULL-terminated names of the optional columns to keep, or NULL. */
static bool keep_required(const om_column *c, void *ctx)
{
    if (!c->optional)
        return true;
    for (const char *const *n = ctx; n && *n; n++)
        if (strcmp(*n, c->name) == 0)
            return true;
    return false;
}

om_status om_format_write_header_required(const om_format *f, FILE *fp, om_error *err)
{
    return om_format_write_header_if(f, fp, keep_required, NULL, err);
}

om_status om_format_write_header_with(const om_format *f, FILE *fp, const char *const *optional, om_error *err)
{
    return om_format_write_header_if(f, fp, keep_required, (void *)(uintptr_t)optional, err);
}

om_status om_format_columns(const om_format *f, const om_csv *c, int *idx, om_error *err)
{
    for (size_t i = 0; i < f->ncols; i++) {
        idx[i] = om_csv_col(c, f->cols[i].name);
        if (idx[i] < 0 && !f->cols[i].optional) {
            const char *name = f->cols[i].name;
            /* om_csv_require names the column and the header found */
            om_status s = om_csv_require(c, &name, 1, &idx[i], err);
            if (s != OM_OK)
                return s;
        }
    }
    return OM_OK;
}

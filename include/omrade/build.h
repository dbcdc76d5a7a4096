/* omrade — the barometer database (`omrade build`).
 *
 * om_build_run() reads the outputs of the other modules (area types, SEI,
 * barometer indicators, inequality index, map layers), links every row to
 * the geography registry, sends every published count through one
 * publication function (om_build_protect(), the disclosure-control seam) and
 * writes one SQLite file with the tables the server reads:
 *
 *   meta(key,value)                 schema version, vintage, linkage method,
 *                                   suppression rule, years
 *   inputs(kind,file,rows,loaded,rejected,years)   provenance per input file
 *   areas(level,idx,code,name,label,kommun,lan,search)
 *   area_types(code,year,area_type,sei,z,low_econ_pct,pre_upper_pct,
 *              assist_unemp_pct,source)
 *   indicators(id,label_sv,label_en,unit,scale,kind,main_age)
 *   slices(indicator,level,year,sex,age,born,n,n_published,n_suppressed,
 *          cells)                   one row per indicator slice; cells is a
 *                                   BLOB over the level's areas in registry
 *                                   order (areas.idx): n status bytes (0 no
 *                                   data, 1 published, 2 suppressed), n
 *                                   numerators, n denominators (IEEE 754
 *                                   doubles, native byte order; NaN when not
 *                                   published)
 *   type_values(indicator,year,sex,age,born,within,area_type,numerator,
 *               denominator,value,suppressed)   indicators by area type,
 *                                   nationally (within '00') and per län
 *   inequality(year,level,code,name,idx,value,se,lower,upper,expected,
 *              n_deso,n_persons,flag)
 *   geometry(layer,schematic,topojson)
 *   police_areas(id,name,category,rank,ort,region,area_m2,list_year)
 *   police_overlap(id,level,code,share,area_type,type_year,layer)
 *                                   with --police (src/barometer/police.c)
 *
 * Suppressed cells keep no numbers (NaN in the slice, NULL in type_values).  The file is written under a temporary name and
 * renamed into place only when complete. */
#ifndef OMRADE_BUILD_H
#define OMRADE_BUILD_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define OM_BUILD_MAX_INPUTS 16
#define OM_BUILD_SCHEMA_VERSION 1

/* Publication rule applied to every published count. */
typedef struct om_publish_rules {
    int64_t min_count; /* cells with numerator, denominator or their difference
                          in 1..min_count-1, or denominator < min_count, are
                          suppressed; 0 disables */
} om_publish_rules;

/* The disclosure-control seam: decide whether one cell (numerator of
 * denominator persons) may be published under `rules`.  Every count that
 * `omrade build` writes goes through here.  Returns true when the cell must
 * be suppressed.  (Primary threshold suppression; when om_sdc lands this
 * function is backed by it, see docs/barometer.md.) */
bool om_build_protect(const om_publish_rules *rules, double numerator, double denominator);

/* Text of the rule for the provenance table, e.g. "primary threshold: ...".
 * Writes at most `size` bytes to buf and returns buf. */
const char *om_build_rules_text(const om_publish_rules *rules, char *buf, size_t size);

/* Sensitivity of each barometer indicator, declared in one table
 * (src/barometer/publish.c, docs/barometer.md "Sensitivity").  Sensitive
 * indicators get primary suppression (om_build_protect()) and secondary
 * suppression of the whole publication; non-sensitive ones (population
 * counts by age, sex, birth region, housing and education, which SCB
 * publishes openly for every DeSO and RegSO) are published as they are. */
typedef struct om_indicator_rule {
    const char *id;
    const char *family; /* indicators whose numerators are the same count
                           (e.g. children_low_income = low_econ aged 0-17) */
    bool sensitive;
    bool mean;          /* numerator is a sum (SEK, days, m2, points): a
                           magnitude, protected by +-10 % of the sum */
    const char *why;    /* the reason, in English, for the docs and the database */
} om_indicator_rule;

/* The rule of indicator `id`; unknown ids get a sensitive default (never
 * NULL; its id field is NULL). */
const om_indicator_rule *om_build_indicator_rule(const char *id);
/* All declared rules; returns their number. */
size_t om_build_indicator_rules(const om_indicator_rule **rules);

typedef struct om_build_options {
    const char *out;                              /* SQLite file to write (required) */
    const char *types[OM_BUILD_MAX_INPUTS];       /* area types: `area,year,area_type` CSV
                                                     or SCB's wide export (000005QX) */
    size_t n_types;
    const char *sei[OM_BUILD_MAX_INPUTS];         /* `omrade sei` output */
    size_t n_sei;
    const char *indicators[OM_BUILD_MAX_INPUTS];  /* `omrade indicators --barometer` */
    size_t n_indicators;
    const char *seg[OM_BUILD_MAX_INPUTS];         /* `omrade seg` output */
    size_t n_seg;
    const char *need[OM_BUILD_MAX_INPUTS];        /* `omrade need --index ... --year Y` output */
    size_t n_need;
    const char *geometry_dir;                     /* dir with {lan,kommun,regso,police}.topo.json;
                                                     NULL = no map layers */
    const char *linkage;                          /* linkage method text for provenance;
                                                     NULL = default text */
    om_publish_rules rules;
    bool no_secondary;                            /* primary suppression only (no om_sdc) */
    bool synthetic;                               /* the data are synthetic (meta data_source;
                                                     the front end says so on every page) */
    bool regso_breakdowns;                        /* publish sensitive indicators by sex, born
                                                     and age per RegSO too (default: RegSO
                                                     totals only; the breakdowns from kommun up) */
    bool kommun_crosses;                          /* publish sensitive indicators per kommun
                                                     cross-classified too (two or more of sex,
                                                     born, age band; default: one breakdown at a
                                                     time per kommun, crosses from län up) */
    int64_t lan_cross_min;                        /* a sensitive indicator's län crosses are
                                                     published where its population in the län
                                                     (main age, all) is at least this; smaller
                                                     län have them withheld (0 = publish all;
                                                     `omrade build` uses 10000) */
    bool no_edu_relation;                         /* protect as if the education levels were not
                                                     tied to their total (unsafe: only for the
                                                     attack test that shows why it is entered) */
    const char *police;                           /* the police's list of utsatta områden (polygon
                                                     layer, data/polisen/uso_2023.shp); NULL = none */
    const char *police_units[OM_BUILD_MAX_INPUTS]; /* polygon layers with DeSO, RegSO, kommun or län
                                                     codes: each police area's overlap with their
                                                     units (DeSO summed into RegSO); each level from
                                                     one layer only */
    size_t n_police_units;
    int police_year;                              /* year of the list (0 = 2023): area types of
                                                     that year or the latest before */
    om_progress progress;                         /* reading and protecting; fn may be NULL */
} om_build_options;

/* Counts for the caller to report (nothing is dropped silently). */
typedef struct om_build_report {
    int64_t rows_read;      /* data rows read over all inputs */
    int64_t rows_loaded;
    int64_t rows_unlinked;  /* area not found in the registry */
    int64_t rows_rejected;  /* other rejected rows (e.g. SCB footnote lines, empty type) */
    int64_t cells_suppressed;  /* primary + secondary */
    int64_t cells_primary;     /* cells of the model that the primary rule suppressed */
    int64_t cells_secondary;   /* chosen so suppressed cells cannot be recovered */
    int64_t components;        /* independent (family, year) table sets protected */
    int64_t lp_solves;         /* simplex runs of the audit */
    int64_t groups_failed;     /* groups om_sdc could not protect: fully suppressed */
    int64_t cells_published;
    int64_t cells_withheld;    /* cells of sensitive indicators not published by the table
                                  design: RegSO breakdowns (see regso_breakdowns) and kommun
                                  cross-classifications (see kommun_crosses) */
    int64_t cells_withheld_kommun; /* of which kommun cross-classifications */
    int64_t cells_withheld_lan; /* cross-classified cells of small län (lan_cross_min): status 4
                                   in the slices, not counted in cells_withheld */
    int32_t layers;         /* geometry layers stored */
    bool police_skipped;    /* --police given but omrade built without GDAL: no police tables */
    int64_t police_areas;   /* police areas stored */
    int64_t police_overlaps; /* (area, unit) overlaps read (DeSO before summing into RegSO) */
    int64_t police_in_regso; /* police areas with an overlap with at least one RegSO */
    int64_t police_outside; /* police areas overlapping no unit of any layer */
    int64_t police_unlinked; /* overlaps with a unit code not in the registry (not stored) */
    char first_police_unlinked[64];
    char first_unlinked[128]; /* the first area text that did not link, for the message */
} om_build_report;

/* Build the database.  Errors: OM_ERR_USAGE (no out or no input),
 * OM_ERR_IO, OM_ERR_INPUT with file:line:column for malformed rows,
 * OM_ERR_INTERNAL for SQLite failures.  On error no output file remains. */
om_status om_build_run(const om_build_options *opt, om_build_report *rep, om_error *err);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

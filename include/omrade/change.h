/* omrade — change over time: transitions of RegSO between area types,
 * anchored (fixed-scale) classification, the decomposition of a change in
 * SEI into its three parts, how sure each area type is, and moves of people
 * between area types.
 *
 * SCB's area types are relative: each year's SEI is standardised with that
 * year's mean and SD (omrade/sei.h), so a type says where a RegSO stands
 * among all RegSO that year, never whether it improved.  This module adds
 *   - transitions: per pair of consecutive years the 5 x 5 matrix of RegSO
 *     (and population) from type a to type b, for riket, län and kommun;
 *   - anchored types: every year classified with the mean and SD of one base
 *     year.  These are NOT SCB's area types (docs/change.md);
 *   - ΔSEI = Δp1/3 + Δp2/3 + Δp3/3 (SEI is the plain mean of three shares);
 *   - the sampling uncertainty of SEI from the three shares' denominators
 *     and from it the probability of each type and a `borderline` flag;
 *   - person flows from residence microdata (omrade/link.h). */
#ifndef OMRADE_CHANGE_H
#define OMRADE_CHANGE_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/geo.h"
#include "omrade/link.h"
#include "omrade/sei.h"
#include "omrade/synth.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------ transitions of areas */

/* One cell of a transition matrix: unit (level + index in the registry) x
 * from type x to type. */
typedef struct om_transition_row {
    int32_t from_year, to_year;
    om_level level;     /* OM_LEVEL_RIKET, OM_LEVEL_LAN or OM_LEVEL_KOMMUN */
    int32_t idx;        /* index at `level` in the registry */
    int from_type, to_type; /* 1..5 */
    int64_t n_areas;    /* RegSO of the unit typed from_type then to_type */
    int64_t population; /* their population in from_year; -1 when not given */
} om_transition_row;

/* Bookkeeping of one pair of consecutive years (nothing dropped silently). */
typedef struct om_transition_pair {
    int32_t from_year, to_year;
    int64_t n_areas;   /* RegSO typed 1-5 in both years = the sum of each riket matrix */
    int64_t n_changed; /* ... whose type differs */
    int64_t n_untyped; /* RegSO given in either year but typed in only one or neither:
                          outside the matrix */
    bool has_population;
    int64_t n_pop_unused; /* population rows of from_year for RegSO outside the matrix */
} om_transition_pair;

typedef struct om_transitions om_transitions;

/* An empty set over registry `g` (must outlive it).  Destroy with
 * om_transitions_free(). */
om_status om_transitions_new(om_transitions **out, const om_geo *g, om_error *err);
void om_transitions_free(om_transitions *t);
/* Read one area-type file through om_areatypes_read() (omrade/sei.h): the
 * long layout area,year,area_type or SCB's export; several files merge as
 * there.  Errors: as om_areatypes_read(). */
om_status om_transitions_read(om_transitions *t, const char *path, om_error *err);
/* Read population from a CSV area,year,population (RegSO code or label)
 * through om_population_read() (omrade/sei.h), as `omrade types` does.
 * Errors: as om_population_read(). */
om_status om_transitions_read_population(om_transitions *t, const char *path, om_error *err);
/* The merged area types (for their read statistics). */
const om_areatypes *om_transitions_types(const om_transitions *t);
/* Build the matrices for every pair of consecutive years with typed RegSO.
 * A year with population rows needs one for every RegSO of the matrix in
 * that from_year (OM_ERR_INPUT naming the first missing one).  Rows: pairs
 * ascending; within a pair riket, the län, the kommuner (registry order);
 * within a unit from_type 1..5 x to_type 1..5 (all 25, zeros included).
 * Errors: OM_ERR_INPUT as above, OM_ERR_NOMEM. */
om_status om_transitions_compute(om_transitions *t, om_error *err);
size_t om_transitions_row_count(const om_transitions *t);
const om_transition_row *om_transitions_row_at(const om_transitions *t, size_t i);
size_t om_transitions_pair_count(const om_transitions *t);
const om_transition_pair *om_transitions_pair_at(const om_transitions *t, size_t i);
/* CSV with header from_year,to_year,level,code,from_type,to_type,n_areas,population
 * (population empty when not given).  Errors: OM_ERR_IO. */
om_status om_transitions_write_csv(const om_transitions *t, FILE *fp, om_error *err);

/* ------------------------------------------------ anchored types, ΔSEI, uncertainty */

/* One area-year.  Values that cannot be computed are NaN (types 0). */
typedef struct om_change_row {
    const char *area;  /* owned by the om_sei the om_change was made from */
    int32_t year;
    double pct[OM_SEI_NIND]; /* the three shares, percent */
    double sei, z;     /* official (year's own mean and SD) */
    int area_type;     /* official: SCB's type as om_sei computes it; 0 flagged */
    double z_anchored; /* (SEI - mean of anchor year) / SD of anchor year */
    int type_anchored; /* om_sei_type_of_z(snap(z_anchored)); 0 without anchor */
    int32_t prev_year; /* the area's row of the previous year present; 0 none */
    int type_stable3;  /* the official type when it is the same in this year and the
                          two previous years present (for users who need stable
                          types: allocation, sampling); 0 otherwise */
    double d_sei;      /* SEI(year) - SEI(prev_year) */
    double d_part[OM_SEI_NIND]; /* Δpct_k / 3: the part of d_sei from share k */
    double se_sei;     /* binomial standard error of SEI (percent points) */
    double se_z;       /* se_sei / SD of the year */
    double p_type[6];  /* [1..5] probability of each official type; [0] unused */
    bool borderline;   /* SEI within one se_sei of a type threshold of its year */
    bool change_in_noise; /* type differs from prev_year's and |Δz| < sqrt(se_z² + se_z,prev²) */
} om_change_row;

/* Per pair of consecutive years (prev_year -> year). */
typedef struct om_change_pair {
    int32_t from_year, to_year;
    int64_t n_both;       /* areas with an official type in both years */
    int64_t n_changed;    /* ... whose official type differs */
    int64_t n_changed_in_noise; /* ... of them with change_in_noise (0 without SE) */
    int64_t n_borderline; /* areas borderline in to_year */
    int64_t n_changed_anchored; /* anchored type differs */
    bool has_se;
} om_change_pair;

/* Per year, when denominators were given. */
typedef struct om_change_year {
    int32_t year;
    int64_t n_typed;      /* areas with an official type */
    int64_t n_se;         /* ... of them with a standard error */
    int64_t n_borderline; /* ... borderline */
    int64_t n_sure;       /* ... whose most probable type has probability >= 0.95 */
    double expected_flips; /* Σ (1 − Σ_k p_k²): expected number of areas whose type would
                              differ in an independent replicate of the year with no true
                              change (each area's own p_k) */
} om_change_year;

typedef struct om_change_options {
    int32_t anchor_year; /* 0 = no anchored types */
} om_change_options;

typedef struct om_change om_change;

/* Compute from `s` (after om_sei_compute(); must outlive the result).
 * `den` is NULL or, per row of `s` in its order, the three denominators
 * (persons behind each share; <= 0 = unknown: no SE for that row).  Errors:
 * OM_ERR_USAGE when the anchor year is not in `s` or has no SD; OM_ERR_NOMEM.
 * Destroy with om_change_free(). */
om_status om_change_new(om_change **out, const om_sei *s, const int64_t (*den)[OM_SEI_NIND],
                        const om_change_options *opt, om_error *err);
/* om_sei_read() of `path` (shares or counts layout), om_sei_compute(), and
 * when the file has the counts layout its denominators; then as
 * om_change_new().  The om_sei is owned by the result.  Errors: as
 * om_sei_read() and om_change_new(). */
om_status om_change_read(om_change **out, const char *path, const om_change_options *opt,
                         om_error *err);
void om_change_free(om_change *c);
/* Rows sorted by area then year. */
size_t om_change_count(const om_change *c);
const om_change_row *om_change_row_at(const om_change *c, size_t i);
size_t om_change_pair_count(const om_change *c);
const om_change_pair *om_change_pair_at(const om_change *c, size_t i);
size_t om_change_year_count(const om_change *c);
const om_change_year *om_change_year_at(const om_change *c, size_t i);
bool om_change_has_se(const om_change *c);
/* Write the rows as CSV with header
 * area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type,
 * z_anchored,area_type_anchored,area_type_stable3,prev_year,d_sei,d_low_econ,d_pre_upper,
 * d_assist_unemp,se_sei,p_type1,p_type2,p_type3,p_type4,p_type5,borderline,
 * change_in_noise (empty where not computed).  Errors: OM_ERR_IO. */
om_status om_change_write_csv(const om_change *c, FILE *fp, om_error *err);

/* Standard error and type probabilities, exposed for tests and callers with
 * their own counts.  SE of SEI = (1/3)·sqrt(Σ_k 100²·π_k(1-π_k)/d_k) with
 * π_k = pct_k/100: the binomial variance of each share (normal
 * approximation), the three shares taken as independent.  NaN when a d_k
 * <= 0. */
double om_change_se_sei(const double pct[OM_SEI_NIND], const int64_t den[OM_SEI_NIND]);
/* p[1..5] = P(type k) for z ~ Normal(z, se_z²) under SCB's thresholds
 * (1: z > 2, 2: (1,2], 3: (0,1], 4: [-1,0], 5: < -1); se_z = 0 puts all
 * mass on om_sei_type_of_z(z).  p[0] = 0.  NaN z or se_z: all NaN. */
void om_change_type_probs(double z, double se_z, double p[6]);

/* ------------------------------------------------ moves of people */

/* Age bands of the flow table (age = year - birth year). */
enum { OM_FLOW_AGE_0_19, OM_FLOW_AGE_20_64, OM_FLOW_AGE_65, OM_FLOW_AGE_N };
/* Born groups of the flow table. */
enum { OM_FLOW_BORN_SWEDEN, OM_FLOW_BORN_ABROAD, OM_FLOW_BORN_UNKNOWN, OM_FLOW_BORN_N };
/* Pseudo types of a flow cell. */
#define OM_FLOW_OUT (-1)    /* not registered in Sweden on 31 Dec of that year */
#define OM_FLOW_UNTYPED 0   /* registered in an area without a type */

/* One non-empty cell: persons by type on 31 Dec of year-1 (from) and of
 * year (to). */
typedef struct om_flow_cell {
    int32_t year;
    int from_type, to_type; /* OM_FLOW_OUT, OM_FLOW_UNTYPED or 1..5 */
    int moved;              /* 1: registered both years in different areas */
    int sex;                /* 1, 2 (0 unknown) */
    int age;                /* OM_FLOW_AGE_* */
    int born;               /* OM_FLOW_BORN_* */
    int64_t persons;
} om_flow_cell;

/* Stocks and flows of one area type in one year (net flows). */
typedef struct om_flow_net {
    int32_t year;
    int type;           /* OM_FLOW_UNTYPED or 1..5 */
    int64_t stock_from; /* persons of the type on 31 Dec of year-1 */
    int64_t moved_in, moved_out; /* movers within Sweden from / to another type or area */
    int64_t arrived, left;       /* from / to not registered (immigration, birth; emigration, death) */
    int64_t reclass_in, reclass_out; /* non-movers whose area changed type */
    int64_t stock_to;   /* = stock_from + moved_in - moved_out + arrived - left
                           + reclass_in - reclass_out */
} om_flow_net;

typedef struct om_flows_options {
    int32_t type_year; /* 0: each residence year's own area types; else this type
                          year for both years (no reclassification) */
    int32_t year_first, year_last; /* destination years; 0 = all with a previous year */
} om_flows_options;

typedef struct om_flows om_flows;

/* Cross origin x destination type for every person and year of `l`
 * (loaded with types).  Every person registered on 31 Dec of year-1 or of
 * year is counted once per year.  Errors: OM_ERR_USAGE without types or
 * with a year outside the residence data; OM_ERR_INPUT when a type year
 * needed is missing from the types; OM_ERR_NOMEM.  Destroy with
 * om_flows_free(). */
om_status om_flows_run(om_flows **out, const om_link *l, const om_flows_options *opt,
                       om_error *err);
void om_flows_free(om_flows *f);
size_t om_flows_count(const om_flows *f);
const om_flow_cell *om_flows_cell_at(const om_flows *f, size_t i);
size_t om_flows_net_count(const om_flows *f);
const om_flow_net *om_flows_net_at(const om_flows *f, size_t i);
/* "0-19", "20-64", "65+"; "sweden", "abroad", "unknown"; "out", "untyped", "1".."5". */
const char *om_flow_age_name(int age);
const char *om_flow_born_name(int born);
const char *om_flow_type_name(int type);
/* CSV year,from_type,to_type,moved,sex,age_band,born,persons (non-empty
 * cells) and year,area_type,stock_from,moved_in,moved_out,arrived,left,
 * reclass_in,reclass_out,stock_to.  Errors: OM_ERR_IO. */
om_status om_flows_write_csv(const om_flows *f, FILE *fp, om_error *err);
om_status om_flows_write_net_csv(const om_flows *f, FILE *fp, om_error *err);

/* ------------------------------------------------ movers and stayers */

/* How much of an area's change of SEI comes from people moving in and out
 * and how much from people who stayed and whose situation changed, from
 * person-level microdata (om_sei_micro, omrade/synth.h).
 *
 * Groups of area A between 31 Dec t-1 and 31 Dec t, among the persons in
 * A's SEI population (om_sei_micro_get() true): stayers S (in A both years),
 * out-movers O (in A in t-1 only; `out_left` of them in no area in t:
 * emigrated, died or no person_year row), in-movers I (in A in t only;
 * `in_arrived` of them in no area in t-1: born, immigrated).  For each share
 * k with numerator m and denominator n per group and year,
 *   p0 = (m_S0 + m_O) / (n_S0 + n_O),  p1 = (m_S1 + m_I) / (n_S1 + n_I),
 * the change p1 - p0 is split in time order into
 *   out     = p_S0 - p0     the out-movers leave (p_S0 = m_S0 / n_S0),
 *   stayers = p_S1 - p_S0   the stayers' own change (in situ),
 *   in      = p1 - p_S1     the in-movers arrive,
 * which sum to p1 - p0 by construction (a telescoping sum).  This is the
 * stepwise stayers / out-movers / in-movers decomposition of neighbourhood
 * change research (a sequential form of Kitagawa's 1955 components of a
 * difference between two rates; Das Gupta 1993, "Standardization and
 * Decomposition of Rates", US Census Bureau P23-186), with the groups of
 * the stayers / movers view of neighbourhood change (Bailey, van Gent &
 * Musterd 2017, "Remaking urban segregation: processes of income sorting and
 * neighbourhood change", Population, Space and Place).  The order (out, stay, in) is a
 * choice, documented in docs/change.md.  Stayers' change includes ageing
 * into and out of SCB's age band and the change of the national median.
 * Each share's terms are divided by 3 like om_change_row.d_part, so the
 * nine terms sum to ΔSEI and d_sei_out + d_sei_stayers + d_sei_in = d_sei.
 *
 * With replicates > 0 the standard error of SEI in year t is also
 * estimated by a bootstrap over persons: the Poisson bootstrap (each
 * person's weight ~ Poisson(1); Hanley & MacGibbon 2006, "Creating
 * non-parametric bootstrap samples using Poisson frequencies", Computer
 * Methods and Programs in Biomedicine 83:57-62), drawn per pattern of the
 * person's six 0/1 values as Poisson(count of the pattern), so each
 * replicate costs at most 64 draws per area.  Unlike om_change_se_sei() it
 * keeps the correlation of the three indicators within a person. */
typedef struct om_movers_row {
    int32_t idx;            /* area index at the level */
    int32_t year, prev_year; /* prev_year 0: no previous year in the data */
    int64_t persons;        /* SEI population of year (om_sei_micro_get() true) */
    int64_t num[OM_SEI_NIND], den[OM_SEI_NIND]; /* area counts of year */
    double sei;             /* mean of the three shares, percent; NaN when a den is 0 */
    double se_binomial;     /* om_change_se_sei() of year */
    double se_bootstrap;    /* NaN without replicates or when a replicate had a den 0 */
    int64_t stayers, in_movers, in_arrived, out_movers, out_left;
    double d_sei;           /* SEI(year) - SEI(prev_year) */
    double d_out[OM_SEI_NIND], d_stay[OM_SEI_NIND], d_in[OM_SEI_NIND]; /* share terms / 3 */
    double d_sei_out, d_sei_stayers, d_sei_in; /* sums over the shares */
    bool decomposed;        /* false when a share has no stayer in its denominator in
                               one of the years (terms NaN) */
} om_movers_row;

typedef struct om_movers_summary {
    int64_t rows, with_prev, decomposed;
    int64_t not_decomposed; /* with_prev - decomposed: a group without denominator */
    int64_t boot_failed;    /* rows with replicates whose bootstrap had a den 0 */
} om_movers_summary;

typedef struct om_movers_options {
    om_level level;   /* OM_LEVEL_REGSO or OM_LEVEL_DESO */
    int replicates;   /* bootstrap replicates; 0 = none */
    uint64_t seed;    /* stream key of the bootstrap (om_rng256, per area and year) */
} om_movers_options;

typedef struct om_movers om_movers;

/* Rows for every area and year with a SEI population, areas in registry
 * order, years ascending.  Errors: OM_ERR_USAGE (level, replicates < 0),
 * OM_ERR_NOMEM.  Destroy with om_movers_free(). */
om_status om_movers_run(om_movers **out, const om_sei_micro *m, const om_movers_options *opt,
                        om_error *err);
void om_movers_free(om_movers *v);
size_t om_movers_count(const om_movers *v);
const om_movers_row *om_movers_row_at(const om_movers *v, size_t i);
const om_movers_summary *om_movers_summary_of(const om_movers *v);
/* CSV area,year,persons,sei,se_sei_binomial,se_sei_bootstrap,prev_year,stayers,
 * in_movers,in_arrived,out_movers,out_left,d_sei,d_sei_out,d_sei_stayers,d_sei_in,
 * then d_<share>_out,d_<share>_stayers,d_<share>_in for low_econ, pre_upper,
 * assist_unemp (empty where not computed).  Errors: OM_ERR_IO. */
om_status om_movers_write_csv(const om_movers *v, FILE *fp, om_error *err);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

/* omrade — the files of the health commands (dsr, km, lifeexp, sii, funnel,
 * isr, glm): a reader per input table, and a writer that runs the method of
 * omrade/health.h or omrade/stats.h on what was read and writes the result
 * table to a stream.  The CLI opens the output (atomically, with its
 * provenance block) and hands the stream to the writer; docs/health.md
 * describes the columns.  Readers report bad input as OM_ERR_INPUT with
 * file:line:column; writers never close the stream. */
#ifndef OMRADE_HEALTHIO_H
#define OMRADE_HEALTHIO_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/health.h"
#include "omrade/stats.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Direct standardisation: CSV group,age_band,events,pop with ESP age bands
 * 0-4 ... 90+ (each group and band once; a missing band is no events and no
 * population).  Destroy with om_dsr_groups_free(). */
typedef struct om_dsr_groups om_dsr_groups;
om_status om_dsr_read(const char *path, om_dsr_groups **out, om_error *err);
void om_dsr_groups_free(om_dsr_groups *g);
/* group,events,pop,crude_rate,crude_lower,crude_upper,dsr,dsr_lower,
 * dsr_upper,note per `per` persons, standard population weights
 * w[OM_ESP_BANDS], Poisson limits exact below byar_from events and Byar from
 * it on (om_stats_rate_ex, om_stats_dsr_ex). */
om_status om_dsr_write(const om_dsr_groups *g, const double *w, double per, double level, double byar_from,
                       FILE *fp, om_error *err);
/* The same table for non-independent events (omrade dsr --nonindependent):
 * the groups of t (om_stats_dsr_freq_load) with om_stats_dsr_freq_compute. */
om_status om_dsr_freq_write(const om_dsr_freq *t, const double *w, double per, double level, double byar_from,
                            FILE *fp, om_error *err);

/* Kaplan-Meier: CSV group,time,event (one row per person; event 1 died, 0
 * censored), groups in input order.  Destroy with om_km_groups_free(). */
typedef struct om_km_groups om_km_groups;
om_status om_km_read(const char *path, om_km_groups **out, om_error *err);
void om_km_groups_free(om_km_groups *g);
/* group,time,at_risk,events,censored,surv,se,lower,upper,note: per group one
 * row per time with deaths, or one row noted 'no events'. */
om_status om_km_write(const om_km_groups *g, double level, bool loglog, FILE *fp, om_error *err);

/* Life expectancy: CSV group,start_age,pop,deaths (start ages 0..150, each
 * group and age once, a band starting at 0 and at least two bands).
 * Destroy with om_le_groups_free(). */
typedef struct om_le_groups om_le_groups;
om_status om_le_read(const char *path, om_le_groups **out, om_error *err);
void om_le_groups_free(om_le_groups *g);
/* The rows of group,age,le,lower,upper,note (the caller writes that header)
 * over the bands of all groups; a group lacking a band others have gets
 * empty values and a note. */
om_status om_le_write(const om_le_groups *g, double level, FILE *fp, om_error *err);

/* Slope index of inequality: CSV group,rank,pop,value and se or lower,upper
 * (95 % limits), checked against `scale`.  Destroy with om_sii_units_free(). */
typedef struct om_sii_units om_sii_units;
om_status om_sii_read(const char *path, om_sii_scale scale, om_sii_units **out, om_error *err);
void om_sii_units_free(om_sii_units *u);
/* group,categories,sii,sii_lower,sii_upper,rii,rii_lower,rii_upper,note with
 * the SII and its limits times mult; sorts each group's rows by rank. */
om_status om_sii_write(om_sii_units *u, const om_sii_opts *o, double mult, FILE *fp, om_error *err);

/* Funnel plots: CSV group,numerator,denominator (denominator > 0; for a
 * proportion numerator <= denominator).  Destroy with om_funnel_rows_free(). */
typedef enum om_funnel_stat { OM_FUNNEL_PROPORTION, OM_FUNNEL_RATE, OM_FUNNEL_RATIO } om_funnel_stat;
typedef struct om_funnel_rows om_funnel_rows;
om_status om_funnel_read(const char *path, om_funnel_stat stat, om_funnel_rows **out, om_error *err);
void om_funnel_rows_free(om_funnel_rows *r);
/* group,numerator,denominator,value,baseline,lower95,upper95,lower998,
 * upper998,significance; value = numerator * mult / denominator; baseline
 * on the scale of value, NaN for the overall value (1 for a ratio). */
om_status om_funnel_write(const om_funnel_rows *r, om_funnel_stat stat, double mult, double baseline,
                          FILE *fp, om_error *err);

/* Indirect standardisation: the study file has group, the strata columns,
 * events and pop; the reference file (NULL: the study's own totals per
 * stratum) the strata columns, events and pop, each stratum once.
 * Destroy with om_isr_data_free(). */
typedef struct om_isr_data om_isr_data;
om_status om_isr_read(const char *path, const char *refpath, const char *const *strata, size_t nstrata,
                      om_isr_data **out, om_error *err);
void om_isr_data_free(om_isr_data *d);
/* group,observed,expected,ratio,lower,upper,rate,rate_lower,rate_upper,
 * method,note; rates per `per` persons (om_stats_isr for the rest). */
om_status om_isr_write(const om_isr_data *d, double mult, double per, double level, double byar_from,
                       FILE *fp, om_error *err);

/* Regression of aggregated counts on categorical terms (om_stats_glm): the
 * columns y, n and terms[] of the file at path; refs[j] names the reference
 * level of terms[j] (NULL: the first in byte order; an unknown level is
 * OM_ERR_USAGE).  Cells with n = 0 and y = 0 are skipped and counted.
 * Destroy with om_glm_table_free(). */
typedef struct om_glm_spec {
    om_glm_family family;
    const char *y, *n;
    size_t nterms;
    const char *const *terms;
    const char *const *refs;
} om_glm_spec;
/* spec's strings must outlive the table. */
typedef struct om_glm_table om_glm_table;
om_status om_glm_fit_file(const char *path, const om_glm_spec *spec, om_glm_table **out, om_error *err);
void om_glm_table_free(om_glm_table *t);
/* term,level,estimate,se,ratio,ratio_lower,ratio_upper (Wald limits). */
om_status om_glm_write(const om_glm_table *t, double level, FILE *fp, om_error *err);
/* The fit's cells used and skipped, deviance, iterations and degrees of freedom. */
void om_glm_summary(const om_glm_table *t, size_t *cells, size_t *skipped, double *deviance, int *iters,
                    size_t *df);

#ifdef __cplusplus
}
#endif

#pragma GCC visibility pop
#endif

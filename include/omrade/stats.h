/* omrade — rates and inequality measures for aggregated counts.
 *
 * Everything here works on counts already aggregated into cells: crude rates
 * with exact Poisson (Garwood) or Byar confidence intervals, proportions with
 * Wilson intervals, directly standardised rates with Dobson intervals, rate
 * ratios and the slope and relative indices of inequality.  The formulas and
 * their sources are in src/stats/stats.c and docs/rates.md.  Pure functions:
 * no allocation except om_stats_standard_*(), no I/O. */
#ifndef OMRADE_STATS_H
#define OMRADE_STATS_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Number of age bands in the European Standard Population 2013:
 * 0-4, 5-9, ..., 85-89, 90+. */
#define OM_ESP_BANDS 19

/* ESP 2013 weights per band (sum 100,000), lower band limits, labels. */
extern const double om_esp2013[OM_ESP_BANDS];
/* "0-4", "5-9", ..., "85-89", "90+". */
const char *om_esp_band_label(int band);
/* Band of an age in whole years (ages < 0 give -1; 90 and over give 18). */
static inline int om_esp_band(int age)
{
    return age < 0 ? -1 : age >= 90 ? OM_ESP_BANDS - 1 : age / 5;
}
/* Band index of a label ("0-4" ... "90+"), -1 when unknown. */
int om_esp_band_parse(const char *s, size_t len);

/* Confidence levels accepted everywhere: 0.95 or 0.998.  Two-sided normal
 * quantile z = Phi^-1(1 - (1 - level) / 2) (1.959964 and 3.090232). */
double om_stats_z(double level);
/* Parse "95" / "99.8" (also "0.95", "0.998") into a level; false otherwise. */
bool om_stats_parse_level(const char *s, double *level);
/* Parse any confidence level PHEindicatormethods accepts: a percentage 90 to
 * 99.99 ("90", "99.8", "97.5%") or a fraction 0.9 to 0.9999; false
 * otherwise.  For the commands whose methods work at any level (dsr, rates). */
bool om_stats_parse_confidence(const char *s, double *level);
/* The level as a percentage without trailing zeros ("95", "99.8"); buf of
 * 16 bytes suffices. */
const char *om_stats_level_text(double level, char *buf, size_t size);

/* Poisson limits for an observed count k >= 0. */
/* Exact (Garwood 1936) limits from chi-square quantiles. */
void om_stats_poisson_exact(double k, double level, double *lower, double *upper);
/* Byar's approximation (Breslow & Day 1987, p. 69). */
void om_stats_poisson_byar(double k, double level, double *lower, double *upper);
/* The rule used for crude rates: exact below 10 events, Byar otherwise. */
void om_stats_poisson_ci(double k, double level, double *lower, double *upper);
/* The same rule with the switch point as a parameter: exact below
 * `byar_from` events, Byar from it on (10 = om_stats_poisson_ci; 0 or 1 =
 * Byar always; a huge value = exact always). */
void om_stats_poisson_limits(double k, double level, double byar_from, double *lower,
                             double *upper);

/* Crude rate per `per` (e.g. 100000) with om_stats_poisson_ci limits divided
 * by `pop`.  pop <= 0 gives NaN for all three. */
void om_stats_rate(double events, double pop, double per, double level, double *rate,
                   double *lower, double *upper);
/* om_stats_rate with om_stats_poisson_limits(byar_from). */
void om_stats_rate_ex(double events, double pop, double per, double level, double byar_from,
                      double *rate, double *lower, double *upper);

/* Proportion k/n with Wilson's score interval (Wilson 1927; Newcombe 1998
 * method 3).  n <= 0 gives NaN. */
void om_stats_wilson(double k, double n, double level, double *p, double *lower, double *upper);

/* Result of a directly standardised rate. */
typedef struct om_dsr {
    double events; /* total observed events */
    double pop;    /* total population at risk */
    double dsr, lower, upper; /* per `per`; NaN when suppressed */
    double var;    /* variance of dsr (per `per` squared); NaN when suppressed */
    int suppressed; /* 0, OM_DSR_FEW_EVENTS or OM_DSR_NO_POP */
} om_dsr;

enum { OM_DSR_FEW_EVENTS = 1, OM_DSR_NO_POP = 2 };
/* Events below which a DSR is not reported (PHE practice). */
#define OM_DSR_MIN_EVENTS 10

/* Directly standardised rate over n bands with standard weights w[i] (any
 * scale), observed events[i] and population pop[i]; Dobson et al. (1991)
 * interval around the total count using om_stats_poisson_ci.  A band with
 * events but no population makes the DSR undefined (OM_DSR_NO_POP); a band
 * with neither contributes zero. */
void om_stats_dsr(size_t n, const double *events, const double *pop, const double *w,
                  double per, double level, om_dsr *out);
/* om_stats_dsr with the Poisson limits of the total count switching from
 * exact to Byar at `byar_from` (om_stats_dsr: 10, which is Byar for every
 * reported DSR, as PHEindicatormethods' calculate_dsr). */
void om_stats_dsr_ex(size_t n, const double *events, const double *pop, const double *w,
                     double per, double level, double byar_from, om_dsr *out);
/* DSR for non-independent events (PHE's Fingertips technical guidance, DSR
 * chapter; PHEindicatormethods calculate_dsr(independent_events = FALSE)):
 * persons[f * n + i] persons had exactly freq[f] events (freq[f] >= 1) in
 * band i.  Events per band are sum_f freq[f] persons[f][i]; the DSR is
 * om_stats_dsr's.  The variance is sum_f freq[f]^2 V_f with V_f the Dobson
 * variance of the persons of frequency f, sum_i w_i^2 persons[f][i] /
 * pop_i^2 / (sum w)^2, so people with several events widen the interval;
 * the limits are Dobson's around the total event count with that
 * variance.  With every freq[f] = 1 this is om_stats_dsr_ex exactly. */
void om_stats_dsr_nonind(size_t n, size_t nfreq, const double *freq, const double *persons,
                         const double *pop, const double *w, double per, double level,
                         double byar_from, om_dsr *out);

/* Counts for non-independent events read from a CSV file with the header
 * group,age_band,eventfreq,persons,pop: per group, ESP band ("0-4" ...
 * "90+") and event frequency f >= 1, the persons with exactly f events
 * (PHEindicatormethods' x with eventfreq and ageband); pop, the band's
 * population, repeated on every frequency row of the band.  Created by
 * om_stats_dsr_freq_load(), destroyed by om_stats_dsr_freq_free().
 * Errors: OM_ERR_INPUT with position for a bad field, a repeated (group,
 * band, eventfreq) or a band whose rows give different populations;
 * OM_ERR_NOMEM; OM_ERR_IO. */
typedef struct om_dsr_freq om_dsr_freq;
om_status om_stats_dsr_freq_load(const char *path, om_dsr_freq **out, om_error *err);
void om_stats_dsr_freq_free(om_dsr_freq *t);
/* Groups in input order; name owned by t. */
size_t om_stats_dsr_freq_groups(const om_dsr_freq *t);
const char *om_stats_dsr_freq_name(const om_dsr_freq *t, size_t i);
/* om_stats_dsr_nonind of group i over the 19 bands with standard w[19]. */
void om_stats_dsr_freq_compute(const om_dsr_freq *t, size_t i, const double *w, double per,
                               double level, double byar_from, om_dsr *out);

/* Ratio r1/r0 of two rates with the log-normal interval
 * exp(ln(r1/r0) +- z * sqrt(v1/r1^2 + v0/r0^2)) where v are the variances of
 * the rates (for crude Poisson rates v/r^2 = 1/events).  NaN when undefined. */
void om_stats_ratio(double r1, double v1, double r0, double v0, double level, double *ratio,
                    double *lower, double *upper);

/* Slope and relative index of inequality over k ordered groups (k >= 2):
 * group g has population share-driving size pop[g] > 0, rate[g] and its
 * variance var[g] > 0.  The groups' ridit x[g] is the cumulative midpoint of
 * the population distribution in the given order.  Weighted least squares of
 * rate on x with weights 1/var (Hayes & Berry 2002), so the coefficient
 * covariance is (X'WX)^-1.  SII = fitted(0) - fitted(1) (the gap from the
 * first group's end to the last's, positive when the first groups have higher
 * rates); RII = fitted(0) / fitted(1) with a delta-method interval on the log
 * scale.  Groups with var <= 0 or non-finite rate are skipped; fewer than two
 * usable groups give NaN. */
typedef struct om_sii {
    double sii, sii_lower, sii_upper;
    double rii, rii_lower, rii_upper;
    int groups; /* groups used */
} om_sii;
void om_stats_sii(size_t k, const double *pop, const double *rate, const double *var,
                  double level, om_sii *out);

/* A standard population: n band weights (n == OM_ESP_BANDS, in band order). */
/* Load "age_band,pop" (labels "0-4"..."90+", every band exactly once) from a
 * CSV file into w[OM_ESP_BANDS].  Errors: OM_ERR_INPUT with position. */
om_status om_stats_standard_load(const char *path, double *w, om_error *err);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

/* omrade — health-indicator methods beside om_stats: life expectancy
 * (Chiang II abridged life table with Silcocks' variance) and indirectly
 * standardised ratios (ISR/SMR) with exact or Byar limits.  Both follow
 * PHEindicatormethods (phe_life_expectancy, calculate_ISRatio), the reference
 * implementation of Public Health England's / OHID's Fingertips indicators.
 * Formulas and sources are in src/stats/lifeexp.c, src/stats/isr.c and
 * docs/health.md.  Pure functions: no allocation, no I/O. */
#ifndef OMRADE_HEALTH_H
#define OMRADE_HEALTH_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Why a life expectancy (or its limits) is empty.  The group-wide reasons
 * (OM_LE_NO_POP ... OM_LE_NO_OPEN_DEATHS) empty every band of the group, as
 * phe_life_expectancy does; the others concern one band. */
typedef enum om_le_note {
    OM_LE_OK = 0,
    OM_LE_NO_POP,          /* a band has no population (PHE: pop <= 0) */
    OM_LE_DEATHS_OVER_POP, /* a band has more deaths than population */
    OM_LE_SMALL_POP,       /* total population 5,000 or less (Toson & Baker 2003) */
    OM_LE_NO_OPEN_DEATHS,  /* no deaths in the open last band: its mean survival 1/M is infinite */
    OM_LE_NO_SURVIVORS,    /* l = 0: an earlier band has q = 1, nobody reaches this age */
    OM_LE_WIDE_CI          /* 95 % interval wider than 20 years: value suppressed, limits kept */
} om_le_note;

/* Minimum total population for a life expectancy (PHE, after Toson & Baker
 * 2003): groups with a total of at most this many are not reported. */
#define OM_LE_MIN_POP 5000.0

typedef struct om_le {
    double le, lower, upper; /* years; NaN when empty */
    double se;               /* standard error of le (Silcocks); NaN when undefined */
    om_le_note note;
    int note_band;           /* band index the note refers to (NO_POP, DEATHS_OVER_POP); -1 otherwise */
} om_le;

/* Abridged life table over n >= 2 bands with start ages start[0] = 0 <
 * start[1] < ... < start[n-1] (the last band is open), population (or
 * person-years) pop[i] and deaths[i].  Writes out[i] = life expectancy at
 * start[i] with limits e +- z se at `level` (0.95 or 0.998).  a = 0.1 for the
 * band starting at 0, 0.5 for the others.  Errors: OM_ERR_USAGE when n < 2,
 * start[0] != 0 or the start ages do not increase; everything about the
 * data itself is reported through out[].note, never as an error. */
om_status om_stats_lifeexp(size_t n, const double *start, const double *pop,
                           const double *deaths, double level, om_le *out, om_error *err);

/* Indirectly standardised ratio of `observed` events to `expected` (the sum
 * over strata of reference rate x local population).  ratio = O / E * mult
 * (mult 1 for a ratio, 100 for an SMR in per cent); limits are Poisson limits
 * for O divided by E times mult: exact (Garwood) below `byar_from` events and
 * Byar's approximation from it on (PHE: byar_from = 10; 0 = Byar always,
 * a huge value = exact always).  E <= 0 gives NaN. */
void om_stats_isr(double observed, double expected, double mult, double level, double byar_from,
                  double *ratio, double *lower, double *upper);

/* Funnel-plot control limits around a baseline (Spiegelhalter 2005, Stat
 * Med 24:1185-1202) as in PHEindicatormethods' phe_funnels, at `level`
 * (0.95 or 0.998, PHE's "2s" and "3s" limits).
 * Proportions: p0 -+ z sqrt(p0 (1 - p0) / n), clipped to [0, 1], times mult
 * (PHE writes it as an inverted Wilson score interval; it reduces to this).
 * n <= 0 or p0 outside [0, 1] gives NaN. */
void om_stats_funnel_prop(double p0, double n, double level, double mult, double *lower,
                          double *upper);
/* Counts (rates, ratios): for an observed count O > 0 the factors O / U(O)
 * and O / L(O), with (L, U) the exact Poisson limits of O at `level`; the
 * limits of a rate with baseline r0 are r0 times these, of an ISR 100 times
 * (PHE's funnels for rate and ratio statistics: events on the x axis).
 * O = 0 gives lower 0 and an infinite upper factor; O < 0 NaN. */
void om_stats_funnel_poisson(double observed, double level, double *lower, double *upper);

/* Slope and relative index of inequality over k >= 2 ordered groups with
 * a choice of weighting, sign convention and interval (om_stats_sii in
 * stats.h is the inverse-variance, first-minus-last special case with
 * delta-method intervals).  Group g has population pop[g] > 0 (its share
 * gives the ridit: the cumulative midpoint of the population in the given
 * order), value[g] and sd[g] > 0, the standard error of value[g] on the
 * scale named by `scale` (value itself, log value for rates, logit value for
 * proportions; PHE derives it from the 95 % limits on that scale). */
typedef enum om_sii_weight {
    OM_SII_INVERSE_VARIANCE = 0, /* 1 / se^2 on the natural scale (Hayes & Berry 2002) */
    OM_SII_POPULATION = 1        /* population share (PHE's phe_sii; Low & Low 2004) */
} om_sii_weight;
typedef enum om_sii_scale { OM_SII_NORMAL = 0, OM_SII_RATE = 1, OM_SII_PROPORTION = 2 } om_sii_scale;
typedef struct om_sii_opts {
    om_sii_weight weight;
    om_sii_scale scale;
    /* true: SII = fitted(1) - fitted(0), RII = fitted(1) / fitted(0) (PHE:
     * the last group's end minus the first's); false: the first's minus the
     * last's, RII = fitted(0) / fitted(1) (omrade's rates). */
    bool last_minus_first;
    double level;     /* 0.95 or 0.998 */
    long reps;        /* 0: analytic intervals; >= 1000: Monte Carlo with reps draws */
    uint64_t seed;    /* Monte Carlo stream (GSL mt19937) */
} om_sii_opts;
/* Analytic intervals: the sandwich covariance (X'WX)^-1 X'W S W X (X'WX)^-1
 * with S = diag(se^2) on the natural scale (se from sd by the delta method:
 * sd x value for rates, sd x value (1 - value) for proportions), exact for
 * either weighting; the RII's on the log scale by the delta method.
 * Monte Carlo (PHE): draw every value from N(T(value), sd) on its scale T,
 * transform back, refit with the same weights, and take the order
 * statistics round(reps a/2) and round(reps (1 - a/2)) (1-based) of the
 * SIIs and RIIs.  Errors: OM_ERR_USAGE for k < 2, a non-positive pop or
 * sd, a rate <= 0 or a proportion outside (0, 1), reps in 1..999;
 * OM_ERR_NOMEM. */
om_status om_stats_sii_ex(size_t k, const double *pop, const double *value, const double *sd,
                          const om_sii_opts *opt, om_sii *out, om_error *err);

/* Kaplan-Meier survival (Kaplan & Meier 1958) over n observations
 * time[i] >= 0 with event[i] (true: the event, e.g. death; false: censored),
 * in any order.  Writes one step per distinct event time into steps[] (at
 * most n; *nsteps receives the count), sorted by time: the number at risk
 * just before it, events, censorings since the previous step, S(t), its
 * Greenwood (1926) standard error S(t) sqrt(sum d / (r (r - d))), and limits
 * at `level`: "log-log" (Kalbfleisch & Prentice 2002,
 * exp(-exp(log(-log S) -+ z se / (S |log S|)))) or plain S -+ z se clipped
 * to [0, 1].  Censorings at an event time count as at risk at it (the usual
 * convention).  Where S = 1 or 0 the log-log limits are undefined (NaN).
 * Errors: OM_ERR_USAGE for a negative or non-finite time; OM_ERR_NOMEM. */
typedef struct om_km_step {
    double time;
    double at_risk, events, censored;
    double surv, se, lower, upper;
} om_km_step;
om_status om_stats_km(size_t n, const double *time, const bool *event, double level, bool loglog,
                      om_km_step *steps, size_t *nsteps, om_error *err);

/* Generalised linear model by iteratively reweighted least squares
 * (McCullagh & Nelder 1989, sec. 2.5), as R's glm(): Poisson with log link
 * and an offset (log person-years, for rates), or binomial with logit link
 * (y successes of m trials, for proportions).  X is n x p, row-major, with
 * its own intercept column if wanted.  Converged when the relative change
 * in deviance is below 1e-10 (at most 50 iterations).  beta[p], se[p]
 * (from (X'WX)^-1 at the fit), *deviance, *iterations.  Errors:
 * OM_ERR_INPUT when X'WX is singular (collinear columns, or a category
 * without data) or the fit does not converge; OM_ERR_USAGE for negative
 * y, m < y, or n < p. */
typedef enum om_glm_family { OM_GLM_POISSON = 0, OM_GLM_BINOMIAL = 1 } om_glm_family;
om_status om_stats_glm(om_glm_family family, size_t n, size_t p, const double *X, const double *y,
                       const double *m_or_offset, double *beta, double *se, double *deviance,
                       int *iterations, om_error *err);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

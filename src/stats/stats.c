/* Rates, standardisation and inequality measures for aggregated counts.
 *
 * Sources of the formulas:
 * - Exact Poisson limits: Garwood (1936), Biometrika 28:437-442,
 *   L = chi2(a/2; 2k)/2, U = chi2(1-a/2; 2k+2)/2 (L = 0 for k = 0).
 * - Byar's approximation: Breslow & Day (1987), Statistical Methods in Cancer
 *   Research II, p. 69:
 *   L = k (1 - 1/(9k) - z/(3 sqrt k))^3,
 *   U = (k+1) (1 - 1/(9(k+1)) + z/(3 sqrt(k+1)))^3.
 *   PHE/APHO use exact limits below 10 events and Byar otherwise; so do we.
 * - Wilson (1927) score interval, as method 3 in Newcombe (1998), Stat Med
 *   17:857-872: (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n).
 * - Dobson, Kuulasmaa, Eberle & Scherer (1991), Stat Med 10:457-462:
 *   DSR = sum w_i O_i/n_i / sum w_i, var = sum w_i^2 O_i/n_i^2 / (sum w_i)^2,
 *   limits DSR + sqrt(var/O) (O_L - O) and DSR + sqrt(var/O) (O_U - O) with
 *   O = sum O_i and (O_L, O_U) Poisson limits for O.
 * - ESP 2013: Eurostat (2013), Revision of the European Standard Population,
 *   Methodologies and Working papers, table 3.
 * - SII/RII: regression of group rates on the cumulative-midpoint rank
 *   (Pamuk 1985; Mackenbach & Kunst 1997), weighted by inverse variance
 *   (Hayes & Berry 2002, J Epidemiol Community Health 56:762-765). */
#define _POSIX_C_SOURCE 200809L
#include "omrade/stats.h"

#include "omrade/csv.h"
#include "stats_internal.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

const double om_esp2013[OM_ESP_BANDS] = {5000, 5500, 5500, 5500, 6000, 6000, 6500,
                                          7000, 7000, 7000, 7000, 6500, 6000, 5500,
                                          5000, 4000, 2500, 1500, 1000};

static const char *const band_labels[OM_ESP_BANDS] = {
    "0-4",   "5-9",   "10-14", "15-19", "20-24", "25-29", "30-34", "35-39", "40-44", "45-49",
    "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84", "85-89", "90+"};

const char *om_esp_band_label(int band)
{
    return band >= 0 && band < OM_ESP_BANDS ? band_labels[band] : "";
}

int om_esp_band_parse(const char *s, size_t len)
{
    for (int i = 0; i < OM_ESP_BANDS; i++)
        if (strlen(band_labels[i]) == len && memcmp(band_labels[i], s, len) == 0)
            return i;
    return -1;
}

double om_stats_z(double level)
{
    return gsl_cdf_ugaussian_Pinv(1.0 - (1.0 - level) / 2.0);
}

bool om_stats_parse_level(const char *s, double *level)
{
    if (!s)
        return false;
    if (!strcmp(s, "95") || !strcmp(s, "0.95") || !strcmp(s, "95%")) {
        *level = 0.95;
        return true;
    }
    if (!strcmp(s, "99.8") || !strcmp(s, "0.998") || !strcmp(s, "99.8%")) {
        *level = 0.998;
        return true;
    }
    return false;
}

bool om_stats_parse_confidence(const char *s, double *level)
{
    if (!s || !*s)
        return false;
    double v;
    size_t n = strlen(s);
    char buf[32];
    if (n >= sizeof buf)
        return false;
    memcpy(buf, s, n + 1);
    if (buf[n - 1] == '%')
        buf[--n] = 0;
    if (!om_parse_double(buf, n, &v))
        return false;
    if (v >= 90 && v <= 99.99)
        v /= 100;
    if (!(v >= 0.9 && v <= 0.9999))
        return false;
    *level = v;
    return true;
}

const char *om_stats_level_text(double level, char *buf, size_t size)
{
    /* shortest of %.1f .. %.4f that reads back as the percentage */
    for (int d = 0; d <= 4; d++) {
        snprintf(buf, size, "%.*f", d, level * 100);
        double back;
        if (om_parse_double(buf, strlen(buf), &back) && fabs(back - level * 100) < 1e-9)
            break;
    }
    return buf;
}

void om_stats_poisson_exact(double k, double level, double *lower, double *upper)
{
    double a = 1.0 - level;
    *lower = k > 0 ? gsl_cdf_chisq_Pinv(a / 2, 2 * k) / 2 : 0.0;
    *upper = gsl_cdf_chisq_Pinv(1 - a / 2, 2 * k + 2) / 2;
}

void om_stats_poisson_byar(double k, double level, double *lower, double *upper)
{
    double z = om_stats_z(level);
    if (k > 0) {
        double t = 1 - 1 / (9 * k) - z / (3 * sqrt(k));
        *lower = k * t * t * t;
    } else {
        *lower = 0;
    }
    double k1 = k + 1;
    double u = 1 - 1 / (9 * k1) + z / (3 * sqrt(k1));
    *upper = k1 * u * u * u;
}

void om_stats_poisson_limits(double k, double level, double byar_from, double *lower,
                             double *upper)
{
    if (k < byar_from)
        om_stats_poisson_exact(k, level, lower, upper);
    else
        om_stats_poisson_byar(k, level, lower, upper);
}

void om_stats_poisson_ci(double k, double level, double *lower, double *upper)
{
    om_stats_poisson_limits(k, level, 10, lower, upper);
}

void om_stats_rate(double events, double pop, double per, double level, double *rate,
                   double *lower, double *upper)
{
    om_stats_rate_ex(events, pop, per, level, 10, rate, lower, upper);
}

void om_stats_rate_ex(double events, double pop, double per, double level, double byar_from,
                      double *rate, double *lower, double *upper)
{
    if (!(pop > 0)) {
        *rate = *lower = *upper = NAN;
        return;
    }
    double l, u;
    om_stats_poisson_limits(events, level, byar_from, &l, &u);
    *rate = events / pop * per;
    *lower = l / pop * per;
    *upper = u / pop * per;
}

void om_stats_wilson(double k, double n, double level, double *p, double *lower, double *upper)
{
    if (!(n > 0)) {
        *p = *lower = *upper = NAN;
        return;
    }
    double z = om_stats_z(level), z2 = z * z;
    double ph = k / n;
    double centre = ph + z2 / (2 * n);
    double half = z * sqrt(ph * (1 - ph) / n + z2 / (4 * n * n));
    double den = 1 + z2 / n;
    *p = ph;
    *lower = (centre - half) / den;
    *upper = (centre + half) / den;
    if (*lower < 0)
        *lower = 0;
    if (*upper > 1)
        *upper = 1;
}

void om_stats_dsr(size_t n, const double *events, const double *pop, const double *w,
                  double per, double level, om_dsr *out)
{
    om_stats_dsr_ex(n, events, pop, w, per, level, 10, out);
}

/* Dobson's limits with variance v (per person squared) given, or computed
 * from the events when v_given is NaN. */
static void dsr_core(size_t n, const double *events, const double *pop, const double *w,
                     double per, double level, double byar_from, double v_given, om_dsr *out)
{
    double O = 0, N = 0, W = 0, sum = 0, var = 0;
    bool nopop = false;
    for (size_t i = 0; i < n; i++) {
        O += events[i];
        N += pop[i];
        W += w[i];
        if (pop[i] > 0) {
            double r = events[i] / pop[i];
            sum += w[i] * r;
            var += w[i] * w[i] * r / pop[i];
        } else if (events[i] > 0) {
            nopop = true;
        }
    }
    out->events = O;
    out->pop = N;
    out->dsr = out->lower = out->upper = out->var = NAN;
    out->suppressed = 0;
    if (nopop || !(W > 0)) {
        out->suppressed = OM_DSR_NO_POP;
        return;
    }
    if (O < OM_DSR_MIN_EVENTS) {
        out->suppressed = OM_DSR_FEW_EVENTS;
        return;
    }
    double dsr = sum / W, v = isnan(v_given) ? var / (W * W) : v_given;
    double ol, ou;
    om_stats_poisson_limits(O, level, byar_from, &ol, &ou);
    double s = sqrt(v / O);
    out->dsr = dsr * per;
    out->var = v * per * per;
    out->lower = (dsr + s * (ol - O)) * per;
    out->upper = (dsr + s * (ou - O)) * per;
}

void om_stats_dsr_ex(size_t n, const double *events, const double *pop, const double *w,
                     double per, double level, double byar_from, om_dsr *out)
{
    dsr_core(n, events, pop, w, per, level, byar_from, NAN, out);
}

void om_stats_dsr_nonind(size_t n, size_t nfreq, const double *freq, const double *persons,
                         const double *pop, const double *w, double per, double level,
                         double byar_from, om_dsr *out)
{
    double ev[OM_ESP_BANDS * 4];
    double *e = n <= sizeof ev / sizeof ev[0] ? ev : NULL;
    if (!e) {
        /* more bands than any standard omrade knows: nothing to report */
        out->events = out->pop = out->dsr = out->lower = out->upper = out->var = NAN;
        out->suppressed = OM_DSR_NO_POP;
        return;
    }
    double W = 0;
    for (size_t i = 0; i < n; i++) {
        W += w[i];
        e[i] = 0;
    }
    double v = 0;
    for (size_t f = 0; f < nfreq; f++) {
        double vf = 0;
        for (size_t i = 0; i < n; i++) {
            double x = persons[f * n + i];
            e[i] += freq[f] * x;
            if (pop[i] > 0)
                vf += x * (w[i] / pop[i]) * (w[i] / pop[i]);
        }
        v += freq[f] * freq[f] * vf;
    }
    dsr_core(n, e, pop, w, per, level, byar_from, W > 0 ? v / (W * W) : NAN, out);
}

void om_stats_ratio(double r1, double v1, double r0, double v0, double level, double *ratio,
                    double *lower, double *upper)
{
    if (!(r1 > 0) || !(r0 > 0) || !(v1 >= 0) || !(v0 >= 0)) {
        *ratio = r0 > 0 && r1 == 0 ? 0 : NAN;
        *lower = *upper = NAN;
        return;
    }
    double z = om_stats_z(level);
    double se = sqrt(v1 / (r1 * r1) + v0 / (r0 * r0));
    *ratio = r1 / r0;
    *lower = exp(log(*ratio) - z * se);
    *upper = exp(log(*ratio) + z * se);
}

/* WLS of y on x with weights w: closed form for one regressor.  With
 * Sw = sum w, xb = sum w x / Sw, Sxx = sum w (x - xb)^2:
 *   slope b = sum w (x - xb)(y - yb) / Sxx,  intercept a = yb - b xb,
 *   var(b) = 1/Sxx, var(a) = 1/Sw + xb^2/Sxx, cov(a,b) = -xb/Sxx
 * (weights are inverse variances, so no residual scale is estimated). */
void om_stats_sii(size_t k, const double *pop, const double *rate, const double *var,
                  double level, om_sii *out)
{
    out->sii = out->sii_lower = out->sii_upper = NAN;
    out->rii = out->rii_lower = out->rii_upper = NAN;
    out->groups = 0;
    double total = 0;
    for (size_t g = 0; g < k; g++)
        if (pop[g] > 0)
            total += pop[g];
    if (!(total > 0))
        return;
    double cum = 0, Sw = 0, Swx = 0, Swy = 0;
    int used = 0;
    double xs[64];
    size_t kk = k < 64 ? k : 64;
    for (size_t g = 0; g < kk; g++) {
        double share = pop[g] > 0 ? pop[g] / total : 0;
        xs[g] = cum + share / 2;
        cum += share;
        if (!(pop[g] > 0) || !(var[g] > 0) || !isfinite(rate[g]))
            continue;
        double w = 1 / var[g];
        Sw += w;
        Swx += w * xs[g];
        Swy += w * rate[g];
        used++;
    }
    out->groups = used;
    if (used < 2)
        return;
    double xb = Swx / Sw, yb = Swy / Sw, Sxx = 0, Sxy = 0;
    for (size_t g = 0; g < kk; g++) {
        if (!(pop[g] > 0) || !(var[g] > 0) || !isfinite(rate[g]))
            continue;
        double w = 1 / var[g];
        Sxx += w * (xs[g] - xb) * (xs[g] - xb);
        Sxy += w * (xs[g] - xb) * (rate[g] - yb);
    }
    if (!(Sxx > 0))
        return;
    double b = Sxy / Sxx, a = yb - b * xb;
    double vb = 1 / Sxx, va = 1 / Sw + xb * xb / Sxx, cab = -xb / Sxx;
    double z = om_stats_z(level);
    out->sii = -b;
    out->sii_lower = -b - z * sqrt(vb);
    out->sii_upper = -b + z * sqrt(vb);
    /* RII = f0 / f1 with f0 = a, f1 = a + b; delta method on
     * ln RII = ln f0 - ln f1:
     * var = var(f0)/f0^2 + var(f1)/f1^2 - 2 cov(f0,f1)/(f0 f1),
     * var(f1) = va + vb + 2 cab, cov(f0, f1) = va + cab. */
    double f0 = a, f1 = a + b;
    if (f0 > 0 && f1 > 0) {
        double v0 = va, v1 = va + vb + 2 * cab, c01 = va + cab;
        double vl = v0 / (f0 * f0) + v1 / (f1 * f1) - 2 * c01 / (f0 * f1);
        out->rii = f0 / f1;
        if (vl >= 0) {
            out->rii_lower = exp(log(out->rii) - z * sqrt(vl));
            out->rii_upper = exp(log(out->rii) + z * sqrt(vl));
        }
    }
}

om_status om_stats_standard_load(const char *path, double *w, om_error *err)
{
    om_csv *c = NULL;
    int idx[2];
    static const char *const names[2] = {"age_band", "pop"};
    om_status s = om_csv_open_cols(&c, path, NULL, names, 2, idx, err);
    if (s != OM_OK)
        return s;
    bool seen[OM_ESP_BANDS] = {false};
    while (om_csv_row(c, &s, err)) {
        int b;
        if ((s = om_stats_band(c, (size_t)idx[0], &b, err)) != OM_OK)
            break;
        if (seen[b]) {
            s = om_csv_fail(c, (size_t)idx[0], err,
                            "expected each age band once, found '%s' again", band_labels[b]);
            break;
        }
        seen[b] = true;
        s = om_csv_f64(c, (size_t)idx[1], &w[b], err);
        if (s == OM_OK && !(w[b] >= 0 && w[b] <= (double)OM_CSV_COUNT_MAX))
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected a population 0..2^53, found '%.*s'",
                            (int)(om_csv_field(c, (size_t)idx[1]).len > 40 ? 40 : om_csv_field(c, (size_t)idx[1]).len),
                            om_csv_field(c, (size_t)idx[1]).ptr);
    }
    for (int b = 0; s == OM_OK && b < OM_ESP_BANDS; b++)
        if (!seen[b])
            s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                             "expected all 19 age bands 0-4 ... 90+, found no row for '%s'",
                             band_labels[b]);
    om_csv_free(c);
    return s;
}

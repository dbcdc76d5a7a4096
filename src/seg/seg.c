/* Segregation indices of a units x groups table, their decomposition, and
 * the numeric primitives of the module (random streams, Poisson variates,
 * expected dissimilarity under random allocation, quintile limits).
 *
 * Notation (Reardon & Firebaugh 2002): n_ik persons of group k in unit i,
 * t_i = sum_k n_ik, N_k = sum_i n_ik, T = sum_i t_i, p_ik = n_ik / t_i,
 * P_k = N_k / T.
 *
 *  Dissimilarity.  Two groups (Duncan & Duncan 1955):
 *      D = 1/2 sum_i | n_i1 / N_1 - n_i2 / N_2 |.
 *    K groups (Reardon & Firebaugh 2002, eq. 8), with the interaction index
 *    I = sum_k P_k (1 - P_k):
 *      D = sum_k sum_i t_i | p_ik - P_k | / (2 T I),
 *    which equals the two-group D when K = 2.
 *  Gini (Massey & Denton 1988 for two groups; Reardon & Firebaugh 2002,
 *    eq. 10 for K groups):
 *      G = sum_k sum_i sum_j t_i t_j | p_ik - p_jk | / (2 T^2 I).
 *    The double sum is evaluated in O(n log n): with units sorted by p_k,
 *    sum_{i,j} t_i t_j |p_i - p_j| = 2 sum_j (n_j W_j - t_j S_j), where W_j and
 *    S_j are the sums of t_i and n_i over units before j.
 *  Mutual information (Theil & Finizza 1971; Mora & Ruiz-Castillo 2011):
 *      M = sum_i sum_k (n_ik / T) ln( n_ik T / (t_i N_k) ),  0 ln 0 = 0,
 *    and Theil's information theory index H = M / E with the entropy
 *    E = -sum_k P_k ln P_k (Theil & Finizza 1971; Reardon & Firebaugh 2002).
 *  Isolation and exposure of group x (Massey & Denton 1988):
 *      xPx = sum_i (n_ix / N_x)(n_ix / t_i),  xPy = sum_i (n_ix / N_x)(y_i / t_i)
 *    with y the other group(s).
 *  Decomposition (Mora & Ruiz-Castillo 2011; Theil 1971): units i nested
 *    in super-units s,
 *      M = M_between + sum_s (T_s / T) M_s,
 *    M_between being M of the s x k table and M_s M within s; it follows
 *    from ln(n T/(t N)) = ln(N_s T/(T_s N)) + ln(n T_s/(t N_s)).  Dividing by
 *    E gives H = H_between + H_within. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/seg.h"
#include "seg_internal.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static const double NaN_ = NAN;

/* ---------------------------------------------------------------- Gini */

static int gcell_cmp(const void *a, const void *b)
{
    double x = ((const gcell *)a)->p, y = ((const gcell *)b)->p;
    return (x > y) - (x < y);
}

/* sum_{i,j} t_i t_j |p_i - p_j| over the cells (sorted in place). */
static double pair_abs_sum(gcell *c, size_t n)
{
    qsort(c, n, sizeof *c, gcell_cmp);
    double w = 0, s = 0, acc = 0;
    for (size_t j = 0; j < n; j++) {
        acc += c[j].n * w - c[j].t * s;
        w += c[j].t;
        s += c[j].n;
    }
    return 2 * acc;
}

/* A unit's total over its K group counts (summed in order, as every index
 * here sums them). */
static double row_total(const double *r, int32_t K)
{
    double t = 0;
    for (int32_t k = 0; k < K; k++)
        t += r[k];
    return t;
}

void om_seg__indices(const double *counts, size_t stride, int32_t n_units, int32_t n_groups,
                     gcell *work, double *colsum, om_seg_index *o)
{
    const int32_t K = n_groups;
    double T = 0;
    int32_t used = 0;
    for (int32_t k = 0; k < K; k++)
        colsum[k] = 0;
    for (int32_t i = 0; i < n_units; i++) {
        const double *r = counts + (size_t)i * stride;
        double t = 0;
        for (int32_t k = 0; k < K; k++) {
            colsum[k] += r[k];
            t += r[k];
        }
        T += t;
        used += t > 0;
    }
    o->total = T;
    o->n_units = used;
    o->dissimilarity = o->gini = o->theil_h = o->mutual_m = o->entropy = NaN_;
    o->isolation = o->exposure = NaN_;
    int32_t present = 0;
    double E = 0, I = 0;
    for (int32_t k = 0; k < K; k++) {
        if (colsum[k] > 0) {
            present++;
            /* 1 - P_k as (T - N_k) / T summed from the other groups, and
             * ln P_k as log1p(-(1 - P_k)) for a dominant group, so that a
             * group of 1 among 1e8 keeps full precision */
            double rest = 0;
            for (int32_t j = 0; j < K; j++)
                if (j != k)
                    rest += colsum[j];
            double P = colsum[k] / T, Q = rest / T;
            E -= P * (P > 0.5 ? log1p(-Q) : log(P));
            I += P * Q;
        }
    }
    if (colsum[0] > 0) {
        double iso = 0, exp_ = 0;
        for (int32_t i = 0; i < n_units; i++) {
            const double *r = counts + (size_t)i * stride;
            double t = row_total(r, K);
            if (t > 0 && r[0] > 0) {
                iso += (r[0] / colsum[0]) * (r[0] / t);
                exp_ += (r[0] / colsum[0]) * ((t - r[0]) / t);
            }
        }
        o->isolation = iso;
        o->exposure = exp_;
    }
    if (present < 2)
        return;
    o->entropy = E;
    double dsum = 0, msum = 0;
    for (int32_t i = 0; i < n_units; i++) {
        const double *r = counts + (size_t)i * stride;
        double t = row_total(r, K);
        if (t <= 0)
            continue;
        if (K == 2) {
            dsum += fabs(r[0] / colsum[0] - r[1] / colsum[1]);
        } else {
            for (int32_t k = 0; k < K; k++)
                dsum += fabs(r[k] - t * (colsum[k] / T));
        }
        for (int32_t k = 0; k < K; k++)
            if (r[k] > 0)
                msum += r[k] * log(r[k] * T / (t * colsum[k]));
    }
    o->dissimilarity = K == 2 ? 0.5 * dsum : dsum / (2 * T * I);
    o->mutual_m = msum / T;
    o->theil_h = o->mutual_m / E;
    if (work) {
        double g = 0;
        for (int32_t k = 0; k < K; k++) {
            if (colsum[k] <= 0)
                continue;
            size_t n = 0;
            for (int32_t i = 0; i < n_units; i++) {
                const double *r = counts + (size_t)i * stride;
                double t = 0;
                for (int32_t j = 0; j < K; j++)
                    t += r[j];
                if (t > 0)
                    work[n++] = (gcell){r[k] / t, t, r[k]};
            }
            g += pair_abs_sum(work, n);
        }
        o->gini = g / (2 * T * T * I);
    }
}

static om_status check_counts(const double *counts, int32_t n_units, int32_t n_groups,
                              om_error *err)
{
    if (n_groups < 2)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at least 2 groups, found %d",
                            (int)n_groups);
    if (n_units < 1)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at least 1 unit, found %d",
                            (int)n_units);
    double total = 0;
    for (size_t i = 0; i < (size_t)n_units * (size_t)n_groups; i++) {
        if (!(counts[i] >= 0) || !isfinite(counts[i]))
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected non-negative finite counts, found %g at unit %zu",
                                counts[i], i / (size_t)n_groups + 1);
        total += counts[i];
    }
    if (!isfinite(total))
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected counts with a finite total, found an overflow");
    return OM_OK;
}

om_status om_seg_compute(const double *counts, int32_t n_units, int32_t n_groups,
                         om_seg_index *out, om_error *err)
{
    om_status s = check_counts(counts, n_units, n_groups, err);
    if (s != OM_OK)
        return s;
    gcell *work = malloc((size_t)n_units * sizeof *work);
    double *col = malloc((size_t)n_groups * sizeof *col);
    if (!work || !col) {
        free(work);
        free(col);
        return om_error_nomem(err);
    }
    om_seg__indices(counts, (size_t)n_groups, n_units, n_groups, work, col, out);
    free(work);
    free(col);
    return OM_OK;
}

/* ------------------------------------------------------- decomposition */

om_status om_seg_decompose(const double *counts, int32_t n_units, int32_t n_groups,
                           const int32_t *super_of, int32_t n_super, om_seg_decomp *out,
                           om_error *err)
{
    om_status s = check_counts(counts, n_units, n_groups, err);
    if (s != OM_OK)
        return s;
    if (n_super < 1)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected at least 1 super-unit");
    for (int32_t i = 0; i < n_units; i++)
        if (super_of[i] < 0 || super_of[i] >= n_super)
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected a super-unit index below %d for unit %d, found %d",
                                (int)n_super, (int)i + 1, (int)super_of[i]);
    const size_t K = (size_t)n_groups;
    double *agg = calloc((size_t)n_super * K, sizeof *agg);
    double *col = calloc(K, sizeof *col);
    double *tsup = calloc((size_t)n_super, sizeof *tsup);
    if (!agg || !col || !tsup) {
        free(agg);
        free(col);
        free(tsup);
        return om_error_nomem(err);
    }
    double T = 0;
    for (int32_t i = 0; i < n_units; i++)
        for (size_t k = 0; k < K; k++) {
            double v = counts[(size_t)i * K + k];
            agg[(size_t)super_of[i] * K + k] += v;
            col[k] += v;
            tsup[super_of[i]] += v;
            T += v;
        }
    double E = 0;
    int present = 0;
    for (size_t k = 0; k < K; k++)
        if (col[k] > 0) {
            present++;
            E -= col[k] / T * log(col[k] / T);
        }
    if (present < 2) {
        out->m_total = out->m_between = out->m_within = NaN_;
        out->h_total = out->h_between = out->h_within = NaN_;
    } else {
        double mt = 0, mb = 0;
        double *msup = calloc((size_t)n_super, sizeof *msup);
        if (!msup) {
            free(agg);
            free(col);
            free(tsup);
            return om_error_nomem(err);
        }
        for (int32_t i = 0; i < n_units; i++) {
            const double *r = counts + (size_t)i * K;
            const double *a = agg + (size_t)super_of[i] * K;
            double t = row_total(r, (int32_t)K);
            for (size_t k = 0; k < K; k++)
                if (r[k] > 0) {
                    mt += r[k] * log(r[k] * T / (t * col[k]));
                    msup[super_of[i]] += r[k] * log(r[k] * tsup[super_of[i]] / (t * a[k]));
                }
        }
        for (int32_t sidx = 0; sidx < n_super; sidx++)
            for (size_t k = 0; k < K; k++) {
                double v = agg[(size_t)sidx * K + k];
                if (v > 0)
                    mb += v * log(v * T / (tsup[sidx] * col[k]));
            }
        /* M_within = sum_s (T_s / T) M_s with M_s = msup[s] / T_s. */
        double mw = 0;
        for (int32_t sidx = 0; sidx < n_super; sidx++)
            if (tsup[sidx] > 0)
                mw += (tsup[sidx] / T) * (msup[sidx] / tsup[sidx]);
        free(msup);
        out->m_total = mt / T;
        out->m_between = mb / T;
        out->m_within = mw;
        out->h_total = out->m_total / E;
        out->h_between = out->m_between / E;
        out->h_within = out->m_within / E;
    }
    free(agg);
    free(col);
    free(tsup);
    return OM_OK;
}

/* ------------------------------------------------------------- Poisson */

/* ln k!: a table for k < LOGFACT_N (Stirling's series, error < 1e-16
 * relative, from 64 on; sums of logarithms below), the series beyond.  The
 * table keeps the rejection step of PTRS to one logarithm. */
#define LOGFACT_N 65536
static double *logfact_tab;
static pthread_once_t logfact_once = PTHREAD_ONCE_INIT;

static double stirling(double x)
{
    double x2 = x * x;
    return x * log(x) - x + 0.5 * log(2 * 3.14159265358979323846 * x) + 1 / (12 * x) -
           1 / (360 * x * x2) + 1 / (1260 * x * x2 * x2);
}

static void logfact_fill(void)
{
    static double tab[LOGFACT_N];
    double s = 0;
    tab[0] = 0;
    for (int i = 1; i < LOGFACT_N; i++) {
        s += log((double)i);
        tab[i] = i < 64 ? s : stirling((double)i);
    }
    logfact_tab = tab;
}

static double logfact(int64_t k)
{
    if (k < LOGFACT_N) {
        pthread_once(&logfact_once, logfact_fill);
        return logfact_tab[k];
    }
    return stirling((double)k);
}

/* Poisson(mu) with the set-up constants computed once per mu, so that the
 * bootstrap, which draws every cell with the same mu in every replicate,
 * pays for the square root and logarithms once. */
typedef struct om_seg__pois {
    double mu, b, a, inv_alpha, vr, lmu, emu;
} om_seg__pois;
void om_seg__pois_init(om_seg__pois *c, double mu);
int64_t om_seg__pois_draw(om_rng256 *r, const om_seg__pois *c);

void om_seg__pois_init(om_seg__pois *c, double mu)
{
    memset(c, 0, sizeof *c);
    c->mu = mu > 0 ? mu : 0;
    if (c->mu < 10) {
        c->emu = exp(-c->mu);
        return;
    }
    double smu = sqrt(mu);
    c->b = 0.931 + 2.53 * smu;
    c->a = -0.059 + 0.02483 * c->b;
    c->inv_alpha = 1.1239 + 1.1328 / (c->b - 3.4); 
    c->vr = 0.9277 - 3.6224 / (c->b - 2);
    c->lmu = log(mu);
}

int64_t om_seg__pois_draw(om_rng256 *r, const om_seg__pois *c)
{
    const double mu = c->mu;
    if (mu == 0)
        return 0;
    if (mu < 10) {
        /* Inversion by sequential search (Devroye 1986, sec. X.3.3). */
        double p = c->emu, F = p, u = om_rng256_u01(r);
        int64_t x = 0;
        while (u > F && x < 1000) {
            x++;
            p *= mu / (double)x;
            F += p;
        }
        return x;
    }
    /* PTRS, transformed rejection with squeeze (Hörmann 1993, "The
     * transformed rejection method for generating Poisson random
     * variables", Insurance: Mathematics and Economics 12, 39-45).  About
     * 86 % of draws are accepted by the squeeze without a logarithm. */
    const double a = c->a, b = c->b;
    for (;;) {
        double u = om_rng256_u01(r) - 0.5, v = om_rng256_u01(r);
        double us = 0.5 - fabs(u);
        double kf = floor((2 * a / us + b) * u + mu + 0.43);
        if (us >= 0.07 && v <= c->vr)
            return (int64_t)kf;
        if (kf < 0 || (us < 0.013 && v > us))
            continue;
        /* log(v inv_alpha / (a / us^2 + b)) <= -mu + k ln mu - ln k! */
        if (log(v * c->inv_alpha / (a / (us * us) + b)) <=
            -mu + kf * c->lmu - logfact((int64_t)kf))
            return (int64_t)kf;
    }
}

int64_t om_seg_poisson(om_rng256 *r, double mu)
{
    om_seg__pois c;
    om_seg__pois_init(&c, mu);
    return om_seg__pois_draw(r, &c);
}

/* ------------------------------------------------ expected dissimilarity */

static double lchoose(int64_t n, int64_t k)
{
    return logfact(n) - logfact(k) - logfact(n - k);
}

/* E | x (1/A + 1/B) - t/B | for x ~ Hypergeometric(total T, A of the first
 * group, t drawn), summed over the pmf outward from the mode until the
 * terms no longer matter; normalised by the summed mass. */
static double expected_abs(int64_t t, int64_t A, int64_t B)
{
    int64_t T = A + B;
    int64_t lo = t - B > 0 ? t - B : 0, hi = t < A ? t : A;
    /* the sum visits O(sd) terms: decline beyond sd = 1e6 (t ~ 1e12) */
    double pa = (double)A / (double)T;
    if ((double)t * pa * (1 - pa) > 1e12)
        return NaN_;
    int64_t m = (int64_t)(((double)(t + 1) * (double)(A + 1)) / (double)(T + 2));
    if (m < lo)
        m = lo;
    if (m > hi)
        m = hi;
    double c = 1.0 / (double)A + 1.0 / (double)B, d = (double)t / (double)B;
    double pm = exp(lchoose(A, m) + lchoose(B, t - m) - lchoose(T, t));
    double mass = pm, sum = pm * fabs((double)m * c - d);
    double p = pm;
    for (int64_t x = m; x < hi; x++) {
        /* pmf(x+1)/pmf(x) = (A-x)(t-x) / ((x+1)(B-t+x+1)) */
        p *= ((double)(A - x) * (double)(t - x)) / ((double)(x + 1) * (double)(B - t + x + 1));
        mass += p;
        sum += p * fabs((double)(x + 1) * c - d);
        if (p < 1e-17 * mass)
            break;
    }
    p = pm;
    for (int64_t x = m; x > lo; x--) {
        p *= ((double)x * (double)(B - t + x)) / ((double)(A - x + 1) * (double)(t - x + 1));
        mass += p;
        sum += p * fabs((double)(x - 1) * c - d);
        if (p < 1e-17 * mass)
            break;
    }
    return sum / mass;
}

/* Under random allocation with unit sizes and group totals fixed, the
 * first-group count of unit i is hypergeometric (the marginal of the
 * multivariate hypergeometric table), so by linearity
 * E[D] = 1/2 sum_i E | x_i / A - (t_i - x_i) / B |, computed exactly per
 * unit.  Cortese, Falk & Cohen (1976) and Winship (1977) derived the same
 * expectation under binomial allocation. */
double om_seg_expected_d(const int64_t *t, size_t n, int64_t a)
{
    int64_t T = 0;
    for (size_t i = 0; i < n; i++)
        T += t[i];
    int64_t b = T - a;
    if (a <= 0 || b <= 0)
        return NaN_;
    double e = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] > 0)
            e += expected_abs(t[i], a, b);
    return 0.5 * e;
}

double om_seg_expected_dmulti(const int64_t *counts, size_t stride, int32_t n_units,
                              int32_t n_groups)
{
    int64_t T = 0;
    for (int32_t i = 0; i < n_units; i++)
        for (int32_t k = 0; k < n_groups; k++)
            T += counts[(size_t)i * stride + (size_t)k];
    double I = 0, sum = 0;
    int present = 0;
    for (int32_t k = 0; k < n_groups; k++) {
        int64_t N = 0;
        for (int32_t i = 0; i < n_units; i++)
            N += counts[(size_t)i * stride + (size_t)k];
        if (N <= 0)
            continue;
        present++;
        I += (double)N / (double)T * ((double)(T - N) / (double)T);
        if (N == T)
            continue;
        /* E|x - t N/T| = E|x (1/N + 1/(T-N)) - t/(T-N)| * N (T-N) / T */
        double scale = (double)N * (double)(T - N) / (double)T;
        for (int32_t i = 0; i < n_units; i++) {
            int64_t t = 0;
            for (int32_t j = 0; j < n_groups; j++)
                t += counts[(size_t)i * stride + (size_t)j];
            if (t > 0)
                sum += expected_abs(t, N, T - N) * scale;
        }
    }
    if (present < 2)
        return NaN_;
    return sum / (2 * (double)T * I);
}

/* ------------------------------------------------------ quintile limits */

/* Hoare-partition quickselect (Hoare 1961, "Find"): x[k] becomes the k-th
 * smallest of x[lo..hi], smaller values before it and larger after. */
void om_seg__select_kth(double *x, size_t lo, size_t hi, size_t k)
{
    while (hi > lo) {
        size_t mid = lo + (hi - lo) / 2;
        /* median of three as the pivot */
        double a = x[lo], b = x[mid], c = x[hi];
        double piv = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));
        size_t i = lo, j = hi;
        while (i <= j) {
            while (x[i] < piv)
                i++;
            while (x[j] > piv)
                j--;
            if (i <= j) {
                double tmp = x[i];
                x[i] = x[j];
                x[j] = tmp;
                i++;
                if (j == 0)
                    break;
                j--;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return;
    }
}

void om_seg_quintile_limits(double *x, size_t n, double limits[4])
{
    size_t from = 0;
    for (int j = 1; j <= 4; j++) {
        size_t k = ((size_t)j * n + 4) / 5; /* ceil(j n / 5), 1-based */
        if (k == 0)
            k = 1;
        om_seg__select_kth(x, from, n - 1, k - 1);
        limits[j - 1] = x[k - 1];
        from = k - 1;
    }
}

int om_seg_quintile_of(double v, const double limits[4])
{
    int q = 1;
    for (int j = 0; j < 4; j++)
        q += v > limits[j];
    return q;
}

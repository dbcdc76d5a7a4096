/* Uncertainty of the indices of one table (the generic entry point):
 * Poisson bootstrap of the cells and expectations under random allocation.
 *
 * Bootstrap: as in engine.c (Hanley & MacGibbon 2006), every cell count n
 * is replaced by a Poisson(n) draw; cell c draws from its own stream
 * (seed, 0, c), replicate after replicate.
 *
 * Random allocation keeping unit sizes t_i and group totals N_k makes each
 * cell count hypergeometric: x ~ HG(T, N_k, t_i), with mean t_i N_k / T and
 * variance t_i p (1 - p) (T - t_i) / (T - 1), p = N_k / T.  Hence exactly
 *   E[D] (om_seg_expected_dmulti) and
 *   E[xPx] = sum_i E[x_i^2] / (N_x t_i) = sum_i (Var x_i + (E x_i)^2) / (N_x t_i),
 * and E[xPy] = 1 - E[xPx] since exposure to all other groups is 1 - xPx. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/seg.h"
#include "seg_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static double stat_of(const om_seg_index *ix, const om_seg_decomp *d, int s)
{
    switch (s) {
    case OM_SEG_ST_DISSIMILARITY: return ix->dissimilarity;
    case OM_SEG_ST_GINI: return ix->gini;
    case OM_SEG_ST_THEIL_H: return ix->theil_h;
    case OM_SEG_ST_MUTUAL_M: return ix->mutual_m;
    case OM_SEG_ST_ISOLATION: return ix->isolation;
    case OM_SEG_ST_EXPOSURE: return ix->exposure;
    case OM_SEG_ST_M_BETWEEN: return d ? d->m_between : NAN;
    case OM_SEG_ST_M_WITHIN: return d ? d->m_within : NAN;
    case OM_SEG_ST_H_BETWEEN: return d ? d->h_between : NAN;
    case OM_SEG_ST_H_WITHIN: return d ? d->h_within : NAN;
    default: return NAN;
    }
}

static void expectations(const double *c, int32_t nu, int32_t K, const int32_t *super_of,
                         int32_t n_super, om_seg_uncertainty *out)
{
    bool integral = true;
    double T = 0;
    for (size_t i = 0; i < (size_t)nu * (size_t)K; i++) {
        integral &= c[i] == floor(c[i]) && c[i] < 9e15;
        T += c[i];
    }
    double *col = calloc((size_t)K, sizeof *col);
    unsigned char *sup_used = super_of ? calloc((size_t)n_super, 1) : NULL;
    if (!col || (super_of && !sup_used)) {
        free(col);
        free(sup_used);
        return;
    }
    int32_t I = 0, S = 0, Kp = 0;
    for (int32_t i = 0; i < nu; i++) {
        double t = 0;
        for (int32_t k = 0; k < K; k++) {
            col[k] += c[(size_t)i * (size_t)K + (size_t)k];
            t += c[(size_t)i * (size_t)K + (size_t)k];
        }
        if (t > 0) {
            I++;
            if (super_of && !sup_used[super_of[i]]) {
                sup_used[super_of[i]] = 1;
                S++;
            }
        }
    }
    double E = 0;
    for (int32_t k = 0; k < K; k++)
        if (col[k] > 0) {
            Kp++;
            E -= col[k] / T * log(col[k] / T);
        }
    if (Kp >= 2) {
        double m = (double)(I - 1) * (Kp - 1) / (2 * T);
        out->expected[OM_SEG_ST_MUTUAL_M] = m;
        out->expected[OM_SEG_ST_THEIL_H] = m / E;
        if (super_of) {
            double mb = (double)(S - 1) * (Kp - 1) / (2 * T);
            double mw = (double)(I - S) * (Kp - 1) / (2 * T);
            out->expected[OM_SEG_ST_M_BETWEEN] = mb;
            out->expected[OM_SEG_ST_M_WITHIN] = mw;
            out->expected[OM_SEG_ST_H_BETWEEN] = mb / E;
            out->expected[OM_SEG_ST_H_WITHIN] = mw / E;
        }
    }
    if (integral && Kp >= 2) {
        int64_t *ic = malloc((size_t)nu * (size_t)K * sizeof *ic);
        if (ic) {
            for (size_t i = 0; i < (size_t)nu * (size_t)K; i++)
                ic[i] = (int64_t)c[i];
            out->expected[OM_SEG_ST_DISSIMILARITY] = om_seg_expected_dmulti(ic, (size_t)K, nu, K);
            free(ic);
        }
    }
    if (integral && col[0] > 0 && T > 1) {
        double p = col[0] / T, iso = 0;
        for (int32_t i = 0; i < nu; i++) {
            double t = 0;
            for (int32_t k = 0; k < K; k++)
                t += c[(size_t)i * (size_t)K + (size_t)k];
            if (t <= 0)
                continue;
            double mean = t * p, var = t * p * (1 - p) * (T - t) / (T - 1);
            iso += (var + mean * mean) / (col[0] * t);
        }
        out->expected[OM_SEG_ST_ISOLATION] = iso;
        out->expected[OM_SEG_ST_EXPOSURE] = 1 - iso;
    }
    free(col);
    free(sup_used);
}

om_status om_seg_table_uncertainty(const double *counts, int32_t n_units, int32_t n_groups,
                                   const int32_t *super_of, int32_t n_super, int replicates,
                                   uint64_t seed, double conf, om_seg_uncertainty *out,
                                   om_error *err)
{
    for (int s = 0; s < OM_SEG_NSTAT; s++)
        out->se[s] = out->corrected[s] = out->lower[s] = out->upper[s] = out->expected[s] = NAN;
    om_seg_index ix;
    om_seg_decomp dc;
    om_status st = om_seg_compute(counts, n_units, n_groups, &ix, err);
    if (st == OM_OK && super_of)
        st = om_seg_decompose(counts, n_units, n_groups, super_of, n_super, &dc, err);
    if (st != OM_OK)
        return st;
    if (replicates < 0 || !(conf > 0 && conf < 1))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected replicates >= 0 and 0 < conf < 1, found %d and %g",
                            replicates, conf);
    expectations(counts, n_units, n_groups, super_of, n_super, out);
    if (replicates == 0)
        return OM_OK;
    const size_t ncell = (size_t)n_units * (size_t)n_groups;
    om_rng256 *rng = malloc(ncell * sizeof *rng);
    double *rc = malloc(ncell * sizeof *rc);
    double *reps = malloc((size_t)replicates * OM_SEG_NSTAT * sizeof *reps);
    if (!rng || !rc || !reps) {
        free(rng);
        free(rc);
        free(reps);
        return om_error_nomem(err);
    }
    for (size_t c = 0; c < ncell; c++)
        om_rng256_init(&rng[c], seed, 0, c);
    for (int r = 0; r < replicates && st == OM_OK; r++) {
        for (size_t c = 0; c < ncell; c++)
            rc[c] = (double)om_seg_poisson(&rng[c], counts[c]);
        om_seg_index bx;
        om_seg_decomp bd;
        st = om_seg_compute(rc, n_units, n_groups, &bx, err);
        if (st == OM_OK && super_of)
            st = om_seg_decompose(rc, n_units, n_groups, super_of, n_super, &bd, err);
        for (int s = 0; s < OM_SEG_NSTAT; s++)
            reps[(size_t)s * (size_t)replicates + (size_t)r] =
                stat_of(&bx, super_of ? &bd : NULL, s);
    }
    if (st == OM_OK)
        for (int s = 0; s < OM_SEG_NSTAT; s++) {
            /* all indices but M and its parts lie in [0, 1] */
            bool m = s == OM_SEG_ST_MUTUAL_M || s == OM_SEG_ST_M_BETWEEN || s == OM_SEG_ST_M_WITHIN;
            om_seg_boot b;
            om_seg__summarise(reps + (size_t)s * (size_t)replicates, replicates, conf,
                              stat_of(&ix, super_of ? &dc : NULL, s), m ? INFINITY : 1, &b);
            out->se[s] = b.se;
            out->corrected[s] = b.corrected;
            out->lower[s] = b.lower;
            out->upper[s] = b.upper;
        }
    free(rng);
    free(rc);
    free(reps);
    return st;
}

/* Random allocation by shuffling: the persons' group labels are permuted
 * uniformly (Fisher-Yates with an unbiased bounded draw, Lemire 2019) and
 * dealt to the units in order of their sizes, which samples the table with
 * the given margins from its multivariate hypergeometric law exactly. */
om_status om_seg_table_simulate(const double *counts, int32_t n_units, int32_t n_groups,
                                const int32_t *super_of, int32_t n_super, int sims, uint64_t seed,
                                double expected[OM_SEG_NSTAT], om_error *err)
{
    for (int s = 0; s < OM_SEG_NSTAT; s++)
        expected[s] = NAN;
    om_seg_index ix;
    om_status st = om_seg_compute(counts, n_units, n_groups, &ix, err);
    if (st != OM_OK)
        return st;
    const size_t ncell = (size_t)n_units * (size_t)n_groups;
    for (size_t i = 0; i < ncell; i++)
        if (counts[i] != floor(counts[i]))
            return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                                "expected whole-number counts to simulate, found %g", counts[i]);
    if (ix.total > 1e7)
        return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                            "expected a total of at most 1e7 persons to simulate, found %.0f",
                            ix.total);
    if (sims <= 0)
        return OM_OK;
    const size_t T = (size_t)ix.total;
    int32_t *lab = malloc((T ? T : 1) * sizeof *lab);
    double *tab = malloc(ncell * sizeof *tab);
    double *size = calloc((size_t)n_units, sizeof *size);
    if (!lab || !tab || !size) {
        free(lab);
        free(tab);
        free(size);
        return om_error_nomem(err);
    }
    size_t p = 0;
    for (int32_t i = 0; i < n_units; i++)
        for (int32_t k = 0; k < n_groups; k++) {
            double c = counts[(size_t)i * (size_t)n_groups + (size_t)k];
            size[i] += c;
            for (double j = 0; j < c; j++)
                lab[p++] = k;
        }
    double sum[OM_SEG_NSTAT] = {0};
    int n[OM_SEG_NSTAT] = {0};
    om_rng256 rng;
    om_rng256_init(&rng, seed, 1, 0);
    for (int sim = 0; sim < sims && st == OM_OK; sim++) {
        for (size_t i = T; i > 1; i--) {
            /* j uniform in [0, i): 32-bit multiply-shift with rejection
             * (Lemire 2019); i <= 1e7 < 2^32 */
            uint32_t bound = (uint32_t)i;
            uint64_t m;
            do {
                uint32_t x = (uint32_t)(om_rng256_u01(&rng) * 4294967296.0);
                m = (uint64_t)x * bound;
            } while ((uint32_t)m < (uint32_t)(0 - bound) % bound);
            size_t j = (size_t)(m >> 32);
            int32_t tmp = lab[i - 1];
            lab[i - 1] = lab[j];
            lab[j] = tmp;
        }
        for (size_t i = 0; i < ncell; i++)
            tab[i] = 0;
        p = 0;
        for (int32_t i = 0; i < n_units; i++)
            for (double j = 0; j < size[i]; j++)
                tab[(size_t)i * (size_t)n_groups + (size_t)lab[p++]] += 1;
        om_seg_index bx;
        om_seg_decomp bd;
        st = om_seg_compute(tab, n_units, n_groups, &bx, err);
        if (st == OM_OK && super_of)
            st = om_seg_decompose(tab, n_units, n_groups, super_of, n_super, &bd, err);
        for (int s = 0; s < OM_SEG_NSTAT && st == OM_OK; s++) {
            double v = stat_of(&bx, super_of ? &bd : NULL, s);
            if (isfinite(v)) {
                sum[s] += v;
                n[s]++;
            }
        }
    }
    for (int s = 0; s < OM_SEG_NSTAT && st == OM_OK; s++)
        if (n[s] > 0)
            expected[s] = sum[s] / n[s];
    free(lab);
    free(tab);
    free(size);
    return st;
}

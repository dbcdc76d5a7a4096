/* Poisson and binomial GLMs by iteratively reweighted least squares.
 *
 * McCullagh P, Nelder JA (1989), Generalized Linear Models, 2nd ed.,
 * sec. 2.5: with linear predictor eta = X beta (+ offset), mean mu,
 * working response z = eta - offset + (y - mu) d eta / d mu and weights
 * w = 1 / (V(mu) (d eta / d mu)^2), each step solves X'WX beta = X'Wz.
 *   Poisson, log link:   mu = exp(eta), w = mu, z = eta - off + (y - mu) / mu
 *   binomial, logit:     pi = 1 / (1 + exp(-eta)), w = m pi (1 - pi),
 *                        z = eta + (y / m - pi) / (pi (1 - pi))
 * Start as R's glm: Poisson mu = y + 0.1, binomial pi = (y + 0.5) / (m + 1).
 * Deviance 2 sum [y log(y / mu) - (y - mu)] (Poisson) and
 * 2 sum [y log(y / mu) + (m - y) log((m - y) / (m - mu))] (binomial), with
 * 0 log 0 = 0.  The linear algebra is GSL's Cholesky decomposition. */
#include "omrade/health.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <math.h>
#include <stdlib.h>

static double xlogx_over(double a, double b)
{
    return a > 0 ? a * log(a / b) : 0;
}

static double deviance(om_glm_family f, size_t n, const double *y, const double *m,
                       const double *mu)
{
    double d = 0;
    for (size_t i = 0; i < n; i++)
        d += f == OM_GLM_POISSON ? xlogx_over(y[i], mu[i]) - (y[i] - mu[i])
                                 : xlogx_over(y[i], mu[i]) + xlogx_over(m[i] - y[i], m[i] - mu[i]);
    return 2 * d;
}

om_status om_stats_glm(om_glm_family family, size_t n, size_t p, const double *X, const double *y,
                       const double *mo, double *beta, double *se, double *dev_out,
                       int *iterations, om_error *err)
{
    if (n < p || p == 0)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected at least as many cells as coefficients (%zu), found %zu", p, n);
    for (size_t i = 0; i < n; i++)
        if (!(y[i] >= 0) || (family == OM_GLM_BINOMIAL && !(mo[i] >= y[i] && mo[i] > 0)) ||
            (family == OM_GLM_POISSON && !isfinite(mo[i])))
            return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                                "expected counts >= 0 (and trials >= successes, > 0) in cell %zu",
                                i + 1);
    gsl_error_handler_t *old = gsl_set_error_handler_off();
    double *eta = malloc(n * sizeof *eta), *mu = malloc(n * sizeof *mu);
    gsl_matrix *A = gsl_matrix_alloc(p, p);
    gsl_vector *b = gsl_vector_alloc(p), *x = gsl_vector_alloc(p);
    om_status s = OM_OK;
    if (!eta || !mu || !A || !b || !x) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (family == OM_GLM_POISSON) {
            mu[i] = y[i] + 0.1;
            eta[i] = log(mu[i]);
        } else {
            double pi = (y[i] + 0.5) / (mo[i] + 1);
            mu[i] = mo[i] * pi;
            eta[i] = log(pi / (1 - pi));
        }
    }
    double dev = deviance(family, n, y, mo, mu), prev = INFINITY;
    int it = 0;
    for (; it < 50; it++) {
        gsl_matrix_set_zero(A);
        gsl_vector_set_zero(b);
        for (size_t i = 0; i < n; i++) {
            double w, z;
            if (family == OM_GLM_POISSON) {
                w = mu[i];
                z = eta[i] - mo[i] + (y[i] - mu[i]) / mu[i];
            } else {
                double pi = mu[i] / mo[i];
                w = mo[i] * pi * (1 - pi);
                z = eta[i] + (y[i] / mo[i] - pi) / (pi * (1 - pi));
            }
            const double *xi = X + i * p;
            for (size_t j = 0; j < p; j++) {
                b->data[j] += w * xi[j] * z;
                for (size_t k = 0; k <= j; k++)
                    A->data[j * A->tda + k] += w * xi[j] * xi[k];
            }
        }
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k < j; k++)
                gsl_matrix_set(A, k, j, gsl_matrix_get(A, j, k));
        if (gsl_linalg_cholesky_decomp1(A) != GSL_SUCCESS ||
            gsl_linalg_cholesky_solve(A, b, x) != GSL_SUCCESS) {
            s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                             "expected a model whose coefficients are identified, found collinear "
                             "terms or a category without data");
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            const double *xi = X + i * p;
            double e = 0;
            for (size_t j = 0; j < p; j++)
                e += xi[j] * x->data[j];
            if (family == OM_GLM_POISSON) {
                eta[i] = e + mo[i];
                mu[i] = exp(eta[i]);
            } else {
                eta[i] = e;
                mu[i] = mo[i] / (1 + exp(-e));
            }
        }
        prev = dev;
        dev = deviance(family, n, y, mo, mu);
        if (fabs(dev - prev) / (fabs(dev) + 0.1) < 1e-10)
            break;
    }
    if (it == 50 || !isfinite(dev)) {
        s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                         "expected the fit to converge, found none after 50 iterations "
                         "(a category with no or all events?)");
        goto done;
    }
    /* covariance (X'WX)^-1 at the fit; A holds the last decomposition, one
     * iteration before the final mu, so rebuild it at the final weights */
    gsl_matrix_set_zero(A);
    for (size_t i = 0; i < n; i++) {
        double w = family == OM_GLM_POISSON ? mu[i] : mu[i] * (1 - mu[i] / mo[i]);
        const double *xi = X + i * p;
        for (size_t j = 0; j < p; j++)
            for (size_t k = 0; k < p; k++)
                A->data[j * A->tda + k] += w * xi[j] * xi[k];
    }
    if (gsl_linalg_cholesky_decomp1(A) != GSL_SUCCESS || gsl_linalg_cholesky_invert(A) != GSL_SUCCESS) {
        s = om_error_set(err, OM_ERR_INPUT, NULL, 0, 0,
                         "expected a model whose coefficients are identified, found collinear terms");
        goto done;
    }
    for (size_t j = 0; j < p; j++) {
        beta[j] = x->data[j];
        se[j] = sqrt(gsl_matrix_get(A, j, j));
    }
    *dev_out = dev;
    *iterations = it + 1;
done:
    free(eta);
    free(mu);
    gsl_matrix_free(A);
    gsl_vector_free(b);
    gsl_vector_free(x);
    gsl_set_error_handler(old);
    return s;
}

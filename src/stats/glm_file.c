/* omrade glm's files (omrade/healthio.h): aggregated counts per cell in,
 * the fitted coefficients (om_stats_glm, IRLS) with Wald limits out. */
#define _GNU_SOURCE
#include "stats_internal.h"

#include "omrade/healthio.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 16

typedef struct {
    const char *name;
    om_strmap *map;   /* level -> first-seen index */
    char **levels;    /* first-seen order */
    size_t nlev, cap;
    int *order;       /* first-seen index -> column offset (-1 = reference) */
    const char *ref;
} term;

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

struct om_glm_table {
    term T[MAX_TERMS];
    size_t nt, p, n, skipped;
    char ***sorted; /* per term its levels, the reference first */
    double *beta, *se, dev;
    int iters;
};

void om_glm_table_free(om_glm_table *t)
{
    if (!t)
        return;
    for (size_t j = 0; j < t->nt; j++) {
        for (size_t k = 0; k < t->T[j].nlev; k++)
            free(t->T[j].levels[k]);
        free(t->T[j].levels);
        free(t->T[j].order);
        om_strmap_free(t->T[j].map);
        if (t->sorted)
            free(t->sorted[j]);
    }
    free(t->sorted);
    free(t->beta);
    free(t->se);
    free(t);
}

om_status om_glm_fit_file(const char *path, const om_glm_spec *spec, om_glm_table **out, om_error *err)
{
    *out = NULL;
    if (spec->nterms == 0 || spec->nterms > MAX_TERMS)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected 1 to %d terms, found %zu", MAX_TERMS,
                            spec->nterms);
    om_glm_table *tab = calloc(1, sizeof *tab);
    if (!tab)
        return om_error_nomem(err);
    term *T = tab->T;
    size_t nt = spec->nterms;
    tab->nt = nt;
    for (size_t j = 0; j < nt; j++) {
        T[j].name = spec->terms[j];
        T[j].ref = spec->refs ? spec->refs[j] : NULL;
    }
    om_csv *cv = NULL;
    om_status s = om_csv_open(&cv, path, NULL, err);
    if (s != OM_OK) {
        free(tab);
        return s;
    }
    const char *names[MAX_TERMS + 2];
    int idx[MAX_TERMS + 2];
    names[0] = spec->y;
    names[1] = spec->n;
    for (size_t j = 0; j < nt; j++)
        names[j + 2] = T[j].name;
    double *y = NULL, *nn = NULL;
    int32_t *lev = NULL; /* n x nt first-seen level indices */
    size_t n = 0, cap = 0, skipped = 0;
    s = om_csv_read_header(cv, err);
    if (s == OM_OK)
        s = om_csv_require(cv, names, nt + 2, idx, err);
    for (size_t j = 0; s == OM_OK && j < nt; j++)
        if (!(T[j].map = om_strmap_new(16)))
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    while (om_csv_row(cv, &s, err)) {
        int64_t yi;
        double ni;
        if ((s = om_csv_count(cv, (size_t)idx[0], 0, &yi, err)) != OM_OK ||
            (s = om_csv_share(cv, (size_t)idx[1], 0, (double)OM_CSV_COUNT_MAX, &ni, err)) != OM_OK)
            break;
        if (spec->family == OM_GLM_BINOMIAL && (double)yi > ni) {
            s = om_csv_fail(cv, (size_t)idx[0], err,
                            "expected successes at most the trials in column '%s', found %lld",
                            spec->n, (long long)yi);
            break;
        }
        if (!(ni > 0)) {
            if (yi > 0) {
                s = om_csv_fail(cv, (size_t)idx[1], err,
                                "expected a population above 0 where there are events, found 0");
                break;
            }
            skipped++;
            continue;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 256;
            double *ny = realloc(y, cap * sizeof *ny);
            if (ny)
                y = ny;
            double *nnn = realloc(nn, cap * sizeof *nnn);
            if (nnn)
                nn = nnn;
            int32_t *nl = realloc(lev, cap * nt * sizeof *nl);
            if (nl)
                lev = nl;
            if (!ny || !nnn || !nl) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
        }
        for (size_t j = 0; j < nt && s == OM_OK; j++) {
            om_field f = om_csv_field(cv, (size_t)idx[j + 2]);
            int32_t li;
            term *t = &T[j];
            if (om_strmap_put_new(t->map, f.ptr ? f.ptr : "", f.len, (int32_t)t->nlev, &li) != OM_OK) {
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            if ((size_t)li == t->nlev) {
                if (t->nlev == t->cap) {
                    t->cap = t->cap ? t->cap * 2 : 8;
                    char **nlv = realloc(t->levels, t->cap * sizeof *nlv);
                    if (!nlv) {
                        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                        break;
                    }
                    t->levels = nlv;
                }
                if (!(t->levels[t->nlev] = strndup(f.ptr ? f.ptr : "", f.len))) {
                    s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                    break;
                }
                t->nlev++;
            }
            lev[n * nt + j] = li;
        }
        y[n] = (double)yi;
        nn[n] = ni;
        n++;
    }
    om_csv_free(cv);
    /* columns: intercept, then per term its non-reference levels in byte order */
    size_t p = 1;
    char ***sorted = calloc(nt, sizeof *sorted);
    if (s == OM_OK && !sorted)
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t j = 0; s == OM_OK && j < nt; j++) {
        term *t = &T[j];
        sorted[j] = malloc((t->nlev ? t->nlev : 1) * sizeof **sorted);
        t->order = malloc((t->nlev ? t->nlev : 1) * sizeof *t->order);
        if (!sorted[j] || !t->order) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        memcpy(sorted[j], t->levels, t->nlev * sizeof **sorted);
        qsort(sorted[j], t->nlev, sizeof **sorted, cmp_str);
        size_t refi = 0;
        if (t->ref) {
            while (refi < t->nlev && strcmp(sorted[j][refi], t->ref))
                refi++;
            if (refi == t->nlev) {
                s = om_error_set(err, OM_ERR_USAGE, path, 0, 0,
                                 "expected --ref %s=%s to name a level of column '%s', found no "
                                 "such level",
                                 t->name, t->ref, t->name);
                break;
            }
            char *r = sorted[j][refi];
            memmove(sorted[j] + 1, sorted[j], refi * sizeof **sorted);
            sorted[j][0] = r;
        }
        for (size_t k = 0; k < t->nlev; k++) {
            int32_t li = om_strmap_get(t->map, sorted[j][k], strlen(sorted[j][k]));
            t->order[li] = k == 0 ? -1 : (int)(p + k - 1);
        }
        p += t->nlev ? t->nlev - 1 : 0;
    }
    double *X = NULL, *mo = NULL, *beta = NULL, *se = NULL, dev = NAN;
    int iters = 0;
    if (s == OM_OK) {
        X = calloc(n * p + 1, sizeof *X);
        mo = malloc((n + 1) * sizeof *mo);
        beta = malloc(p * sizeof *beta);
        se = malloc(p * sizeof *se);
        if (!X || !mo || !beta || !se)
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (s == OM_OK) {
        for (size_t i = 0; i < n; i++) {
            X[i * p] = 1;
            for (size_t j = 0; j < nt; j++) {
                int col = T[j].order[lev[i * nt + j]];
                if (col >= 0)
                    X[i * p + (size_t)col] = 1;
            }
            mo[i] = spec->family == OM_GLM_POISSON ? log(nn[i]) : nn[i];
        }
        s = om_stats_glm(spec->family, n, p, X, y, mo, beta, se, &dev, &iters, err);
        if (s == OM_ERR_USAGE || s == OM_ERR_INPUT) {
            char msg[sizeof err->msg];
            snprintf(msg, sizeof msg, "%s", err->msg);
            s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "%s", msg);
        }
    }
    tab->sorted = sorted;
    tab->beta = beta;
    tab->se = se;
    tab->p = p;
    tab->n = n;
    tab->skipped = skipped;
    tab->dev = dev;
    tab->iters = iters;
    free(y);
    free(nn);
    free(lev);
    free(X);
    free(mo);
    if (s != OM_OK) {
        om_glm_table_free(tab);
        return s;
    }
    *out = tab;
    return OM_OK;
}

om_status om_glm_write(const om_glm_table *t, double level, FILE *fp, om_error *err)
{
    (void)err;
    double z = om_stats_z(level);
    fputs("term,level,estimate,se,ratio,ratio_lower,ratio_upper\n", fp);
    for (size_t k = 0; k < t->p; k++) {
        if (k == 0) {
            fputs("(intercept),", fp);
        } else {
            size_t j = 0, base = 1;
            while (base + (t->T[j].nlev - 1) <= k)
                base += t->T[j++].nlev - 1;
            om_csv_write_str(fp, t->T[j].name);
            fputc(',', fp);
            om_csv_write_str(fp, t->sorted[j][k - base + 1]);
        }
        om_stats_put_num(fp, t->beta[k]);
        om_stats_put_num(fp, t->se[k]);
        om_stats_put_num(fp, exp(t->beta[k]));
        om_stats_put_num(fp, exp(t->beta[k] - z * t->se[k]));
        om_stats_put_num(fp, exp(t->beta[k] + z * t->se[k]));
        fputc('\n', fp);
    }
    return OM_OK;
}

void om_glm_summary(const om_glm_table *t, size_t *cells, size_t *skipped, double *deviance, int *iters,
                    size_t *df)
{
    *cells = t->n;
    *skipped = t->skipped;
    *deviance = t->dev;
    *iters = t->iters;
    *df = t->n - t->p;
}

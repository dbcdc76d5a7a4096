/* omrade glm — Poisson (rates) or logistic (proportions) regression of
 * aggregated counts on categorical terms: area-type effects with and without
 * adjustment for education, age, sex, country of birth. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TERMS 16

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade glm FILE --terms COLS [--family poisson|binomial] [--y COL]\n"
            "                  [--n COL] [--ref COL=LEVEL]... [--level 95|99.8] --out FILE\n\n"
            "Regression of aggregated counts on categorical terms by IRLS, as R's glm():\n"
            "  poisson   events (--y, default events) with log(person-years or population)\n"
            "            (--n, default pop) as offset: rate ratios\n"
            "  binomial  successes (--y) of trials (--n): odds ratios\n"
            "FILE is CSV with the --y, --n and term columns, one row per cell (e.g. area\n"
            "type x education x age band x sex).  Each term is categorical; its reference\n"
            "level is the first in byte order unless --ref COL=LEVEL names it.  Cells with\n"
            "n = 0 and y = 0 carry no information and are skipped (counted on stderr).\n"
            "Output: term,level,estimate,se,ratio,ratio_lower,ratio_upper with Wald\n"
            "limits exp(b -+ z se); stderr: cells, deviance, degrees of freedom.\n"
            "Fit with --terms area_type and with --terms area_type,education,age,sex,born to\n"
            "compare the area-type effect without and with adjustment.\n\n"
            "options:\n"
            "  --terms COLS   comma-separated categorical columns (required)\n"
            "  --family F     poisson (default) or binomial\n"
            "  --y COL        count column (default events)\n"
            "  --n COL        population / person-years (poisson) or trials (binomial);\n"
            "                 default pop\n"
            "  --ref C=L      reference level L of term C (repeatable)\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade glm examples/health/glm.csv --terms area_type,age --out glm.csv\n");
}

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

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"terms", required_argument, 0, 't'},
                                         {"family", required_argument, 0, 'f'},
                                         {"y", required_argument, 0, 'y'},
                                         {"n", required_argument, 0, 'n'},
                                         {"ref", required_argument, 0, 'r'},
                                         {"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = NULL, *ycol = "events", *ncol = "pop", *terms_arg = NULL;
    const char *refs[MAX_TERMS];
    size_t nrefs = 0;
    om_glm_family fam = OM_GLM_POISSON;
    double level = 0.95;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 't': terms_arg = optarg; break;
        case 'f':
            if (!strcmp(optarg, "poisson"))
                fam = OM_GLM_POISSON;
            else if (!strcmp(optarg, "binomial"))
                fam = OM_GLM_BINOMIAL;
            else
                return om_cli_usage("glm", "expected --family poisson or binomial, found '%s'", optarg);
            break;
        case 'y': ycol = optarg; break;
        case 'n': ncol = optarg; break;
        case 'r':
            if (!strchr(optarg, '=') || nrefs == MAX_TERMS)
                return om_cli_usage("glm", "expected --ref COL=LEVEL, found '%s'", optarg);
            refs[nrefs++] = optarg;
            break;
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("glm", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("glm", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("glm", "expected one input FILE");
    if (!terms_arg)
        return om_cli_usage("glm", "expected --terms COLS");
    if (!out)
        return om_cli_usage("glm", "expected --out FILE");
    static char tbuf[1024];
    if (strlen(terms_arg) >= sizeof tbuf)
        return om_cli_usage("glm", "expected a shorter --terms list");
    strcpy(tbuf, terms_arg);
    term T[MAX_TERMS];
    size_t nt = 0;
    memset(T, 0, sizeof T);
    for (char *tok = strtok(tbuf, ","); tok; tok = strtok(NULL, ",")) {
        if (nt == MAX_TERMS)
            return om_cli_usage("glm", "expected at most %d terms", MAX_TERMS);
        T[nt++].name = tok;
    }
    if (nt == 0)
        return om_cli_usage("glm", "expected --terms COLS, found '%s'", terms_arg);
    for (size_t r = 0; r < nrefs; r++) {
        size_t k = (size_t)(strchr(refs[r], '=') - refs[r]);
        size_t j = 0;
        while (j < nt && !(strlen(T[j].name) == k && !strncmp(T[j].name, refs[r], k)))
            j++;
        if (j == nt)
            return om_cli_usage("glm", "expected --ref for one of the --terms, found '%s'", refs[r]);
        T[j].ref = refs[r] + k + 1;
    }

    om_error err = OM_ERROR_INIT;
    om_csv *cv = NULL;
    om_status s = om_csv_open(&cv, argv[optind], NULL, &err);
    if (s != OM_OK)
        return om_cli_fail("glm", &err);
    const char *names[MAX_TERMS + 2];
    int idx[MAX_TERMS + 2];
    names[0] = ycol;
    names[1] = ncol;
    for (size_t j = 0; j < nt; j++)
        names[j + 2] = T[j].name;
    double *y = NULL, *nn = NULL;
    int32_t *lev = NULL; /* n x nt first-seen level indices */
    size_t n = 0, cap = 0, skipped = 0;
    s = om_csv_read_header(cv, &err);
    if (s == OM_OK)
        s = om_csv_require(cv, names, nt + 2, idx, &err);
    for (size_t j = 0; s == OM_OK && j < nt; j++)
        if (!(T[j].map = om_strmap_new(16)))
            s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(cv, &got, &err);
        if (s != OM_OK || !got)
            break;
        int64_t yi;
        double ni;
        if ((s = om_csv_count(cv, (size_t)idx[0], 0, &yi, &err)) != OM_OK ||
            (s = om_csv_share(cv, (size_t)idx[1], 0, (double)OM_CSV_COUNT_MAX, &ni, &err)) != OM_OK)
            break;
        if (fam == OM_GLM_BINOMIAL && (double)yi > ni) {
            s = om_csv_fail(cv, (size_t)idx[0], &err,
                            "expected successes at most the trials in column '%s', found %lld",
                            ncol, (long long)yi);
            break;
        }
        if (!(ni > 0)) {
            if (yi > 0) {
                s = om_csv_fail(cv, (size_t)idx[1], &err,
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
                s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
        }
        for (size_t j = 0; j < nt && s == OM_OK; j++) {
            om_field f = om_csv_field(cv, (size_t)idx[j + 2]);
            int32_t li;
            term *t = &T[j];
            if (om_strmap_put_new(t->map, f.ptr ? f.ptr : "", f.len, (int32_t)t->nlev, &li) != OM_OK) {
                s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            if ((size_t)li == t->nlev) {
                if (t->nlev == t->cap) {
                    t->cap = t->cap ? t->cap * 2 : 8;
                    char **nlv = realloc(t->levels, t->cap * sizeof *nlv);
                    if (!nlv) {
                        s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                        break;
                    }
                    t->levels = nlv;
                }
                if (!(t->levels[t->nlev] = strndup(f.ptr ? f.ptr : "", f.len))) {
                    s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
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
        s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    for (size_t j = 0; s == OM_OK && j < nt; j++) {
        term *t = &T[j];
        sorted[j] = malloc((t->nlev ? t->nlev : 1) * sizeof **sorted);
        t->order = malloc((t->nlev ? t->nlev : 1) * sizeof *t->order);
        if (!sorted[j] || !t->order) {
            s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        memcpy(sorted[j], t->levels, t->nlev * sizeof **sorted);
        qsort(sorted[j], t->nlev, sizeof **sorted, cmp_str);
        size_t refi = 0;
        if (t->ref) {
            while (refi < t->nlev && strcmp(sorted[j][refi], t->ref))
                refi++;
            if (refi == t->nlev) {
                s = om_error_set(&err, OM_ERR_USAGE, argv[optind], 0, 0,
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
            s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    }
    if (s == OM_OK) {
        for (size_t i = 0; i < n; i++) {
            X[i * p] = 1;
            for (size_t j = 0; j < nt; j++) {
                int col = T[j].order[lev[i * nt + j]];
                if (col >= 0)
                    X[i * p + (size_t)col] = 1;
            }
            mo[i] = fam == OM_GLM_POISSON ? log(nn[i]) : nn[i];
        }
        s = om_stats_glm(fam, n, p, X, y, mo, beta, se, &dev, &iters, &err);
        if (s == OM_ERR_USAGE || s == OM_ERR_INPUT) {
            char msg[sizeof err.msg];
            snprintf(msg, sizeof msg, "%s", err.msg);
            s = om_error_set(&err, OM_ERR_INPUT, argv[optind], 0, 0, "%s", msg);
        }
    }
    om_afile *af = NULL;
    if (s == OM_OK) {
        om_cli_prov_start("glm", argc, argv);
        if ((s = om_prov_input(om_cli_prov(), argv[optind], -1, &err)) == OM_OK)
            s = om_cli_out_open(&af, out, &err);
    }
    if (s == OM_OK) {
        FILE *fp = om_afile_stream(af);
        double z = om_stats_z(level);
        fputs("term,level,estimate,se,ratio,ratio_lower,ratio_upper\n", fp);
        for (size_t k = 0; k < p; k++) {
            if (k == 0) {
                fputs("(intercept),", fp);
            } else {
                size_t j = 0, base = 1;
                while (base + (T[j].nlev - 1) <= k)
                    base += T[j++].nlev - 1;
                om_csv_write_str(fp, T[j].name);
                fputc(',', fp);
                om_csv_write_str(fp, sorted[j][k - base + 1]);
            }
            put_num(fp, beta[k]);
            put_num(fp, se[k]);
            put_num(fp, exp(beta[k]));
            put_num(fp, exp(beta[k] - z * se[k]));
            put_num(fp, exp(beta[k] + z * se[k]));
            fputc('\n', fp);
        }
        fprintf(stderr, "omrade glm: %zu cells (%zu without population skipped), deviance ", n,
                skipped);
        om_csv_write_double(stderr, dev);
        fprintf(stderr, " on %zu degrees of freedom, %d iterations\n", n - p, iters);
    }
    for (size_t j = 0; j < nt; j++) {
        for (size_t k = 0; k < T[j].nlev; k++)
            free(T[j].levels[k]);
        free(T[j].levels);
        free(T[j].order);
        om_strmap_free(T[j].map);
        if (sorted)
            free(sorted[j]);
    }
    free(sorted);
    free(y);
    free(nn);
    free(lev);
    free(X);
    free(mo);
    free(beta);
    free(se);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("glm", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("glm", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_glm = {
    "glm", "Poisson / logistic regression of counts on area type and covariates", run};

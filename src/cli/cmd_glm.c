/* omrade glm — Poisson (rates) or logistic (proportions) regression of
 * aggregated counts on categorical terms: area-type effects with and without
 * adjustment for education, age, sex, country of birth. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/healthio.h"
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

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"terms", required_argument, 0, 't'},
                                         {"family", required_argument, 0, 'f'},
                                         {"y", required_argument, 0, 'y'},
                                         {"n", required_argument, 0, 'n'},
                                         {"ref", required_argument, 0, 'r'},
                                         {"level", required_argument, 0, 'l'},
                                         OM_CLI_OUT_OPTS};
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
    const char *terms[MAX_TERMS], *tref[MAX_TERMS] = {NULL};
    size_t nt = 0;
    for (char *tok = strtok(tbuf, ","); tok; tok = strtok(NULL, ",")) {
        if (nt == MAX_TERMS)
            return om_cli_usage("glm", "expected at most %d terms", MAX_TERMS);
        terms[nt++] = tok;
    }
    if (nt == 0)
        return om_cli_usage("glm", "expected --terms COLS, found '%s'", terms_arg);
    for (size_t r = 0; r < nrefs; r++) {
        size_t k = (size_t)(strchr(refs[r], '=') - refs[r]);
        size_t j = 0;
        while (j < nt && !(strlen(terms[j]) == k && !strncmp(terms[j], refs[r], k)))
            j++;
        if (j == nt)
            return om_cli_usage("glm", "expected --ref for one of the --terms, found '%s'", refs[r]);
        tref[j] = refs[r] + k + 1;
    }

    om_error err = OM_ERROR_INIT;
    om_glm_spec spec = {fam, ycol, ncol, nt, terms, tref};
    om_glm_table *t = NULL;
    om_status s = om_glm_fit_file(argv[optind], &spec, &t, &err);
    om_afile *af = NULL;
    if (s == OM_OK) {
        om_cli_prov_start("glm", argc, argv);
        if ((s = om_prov_input(om_cli_prov(), argv[optind], -1, &err)) == OM_OK)
            s = om_cli_out_open(&af, out, &err);
    }
    if (s == OM_OK) {
        s = om_glm_write(t, level, om_afile_stream(af), &err);
        size_t n, skipped, df;
        double dev;
        int iters;
        om_glm_summary(t, &n, &skipped, &dev, &iters, &df);
        fprintf(stderr, "omrade glm: %zu cells (%zu without population skipped), deviance ", n,
                skipped);
        om_csv_write_double(stderr, dev);
        fprintf(stderr, " on %zu degrees of freedom, %d iterations\n", df, iters);
    }
    om_glm_table_free(t);
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

/* omrade funnel — funnel-plot control limits (95 % and 99.8 %) and each
 * group's position relative to them. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade funnel FILE --statistic proportion|rate|ratio [--mult M]\n"
            "                     [--baseline V] --out FILE\n\n"
            "Funnel-plot control limits (Spiegelhalter 2005; PHE's phe_funnels) for each\n"
            "group of FILE, CSV with header group,numerator,denominator:\n"
            "  proportion  numerator of denominator persons; limits p0 -+ z sqrt(p0(1-p0)/n)\n"
            "  rate        events per denominator persons (or person-years); limits from\n"
            "              the exact Poisson limits of the group's events around p0\n"
            "  ratio       observed over expected events (an ISR); the same limits\n"
            "The baseline p0 is the sum of numerators over the sum of denominators (1 for\n"
            "ratios) unless --baseline gives it (in the output's unit, i.e. times M).\n"
            "Output, one row per group in input order:\n"
            "  group,numerator,denominator,value,baseline,lower95,upper95,lower998,upper998,\n"
            "  significance\n"
            "significance: High (0.001), High (0.025), Not significant, Low (0.025),\n"
            "Low (0.001), as PHE labels them.\n\n"
            "options:\n"
            "  --statistic S  proportion, rate or ratio (required)\n"
            "  --mult M       multiplier: default 100 (proportion: per cent; ratio: ISR x 100)\n"
            "                 or 100000 (rate per 100,000)\n"
            "  --baseline V   the target instead of the overall value\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade funnel examples/health/funnel.csv --statistic proportion --out f.csv\n");
}

enum { PROP, RATE, RATIO };

typedef struct {
    char *name;
    double num, den;
} row;

static om_status read_rows(const char *path, int stat, row **out, size_t *nout, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    static const char *const names[3] = {"group", "numerator", "denominator"};
    int idx[3];
    row *r = NULL;
    size_t n = 0, cap = 0;
    s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, 3, idx, err);
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        int64_t k;
        double d;
        if ((s = om_csv_count(c, (size_t)idx[1], 0, &k, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[2], 0, (double)OM_CSV_COUNT_MAX, &d, err)) != OM_OK)
            break;
        om_field df = om_csv_field(c, (size_t)idx[2]);
        if (!(d > 0)) {
            s = om_csv_fail(c, (size_t)idx[2], err,
                            "expected a denominator above 0, found '%.*s'",
                            (int)(df.len > 40 ? 40 : df.len), df.ptr ? df.ptr : "");
            break;
        }
        if (stat == PROP && (double)k > d) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected a numerator at most the denominator %.*s for a proportion, "
                            "found %lld",
                            (int)(df.len > 40 ? 40 : df.len), df.ptr, (long long)k);
            break;
        }
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            row *nr = realloc(r, cap * sizeof *nr);
            if (!nr) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            r = nr;
        }
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        r[n].name = strndup(gf.ptr ? gf.ptr : "", gf.len);
        r[n].num = (double)k;
        r[n].den = d;
        if (!r[n++].name) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
    }
    om_csv_free(c);
    if (s != OM_OK) {
        for (size_t i = 0; i < n; i++)
            free(r[i].name);
        free(r);
        return s;
    }
    *out = r;
    *nout = n;
    return OM_OK;
}

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"statistic", required_argument, 0, 's'},
                                         {"mult", required_argument, 0, 'm'},
                                         {"baseline", required_argument, 0, 'b'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    int stat = -1;
    double mult = NAN, baseline = NAN;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!strcmp(optarg, "proportion"))
                stat = PROP;
            else if (!strcmp(optarg, "rate"))
                stat = RATE;
            else if (!strcmp(optarg, "ratio"))
                stat = RATIO;
            else
                return om_cli_usage("funnel",
                                    "expected --statistic proportion, rate or ratio, found '%s'",
                                    optarg);
            break;
        case 'm':
            if (!om_cli_parse_double(optarg, &mult) || !(mult > 0) || !isfinite(mult))
                return om_cli_usage("funnel", "expected --mult a positive number, found '%s'",
                                    optarg);
            break;
        case 'b':
            if (!om_cli_parse_double(optarg, &baseline) || !(baseline >= 0) || !isfinite(baseline))
                return om_cli_usage("funnel", "expected --baseline a number >= 0, found '%s'",
                                    optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("funnel", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("funnel", "expected one input FILE");
    if (stat < 0)
        return om_cli_usage("funnel", "expected --statistic proportion, rate or ratio");
    if (!out)
        return om_cli_usage("funnel", "expected --out FILE");
    if (isnan(mult))
        mult = stat == RATE ? 100000 : 100;
    if (stat == PROP && !isnan(baseline) && baseline > mult)
        return om_cli_usage("funnel", "expected --baseline at most %g for a proportion", mult);

    om_error err = OM_ERROR_INIT;
    row *r = NULL;
    size_t n = 0;
    if (read_rows(argv[optind], stat, &r, &n, &err) != OM_OK)
        return om_cli_fail("funnel", &err);
    double N = 0, D = 0;
    for (size_t i = 0; i < n; i++) {
        N += r[i].num;
        D += r[i].den;
    }
    /* p0 on the scale of the data: a share, a rate per person, a ratio */
    double p0 = !isnan(baseline) ? baseline / mult : stat == RATIO ? 1 : D > 0 ? N / D : NAN;
    om_afile *af = NULL;
    om_cli_prov_start("funnel", argc, argv);
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        for (size_t i = 0; i < n; i++)
            free(r[i].name);
        free(r);
        return om_cli_fail("funnel", &err);
    }
    FILE *fp = om_afile_stream(af);
    fputs("group,numerator,denominator,value,baseline,lower95,upper95,lower998,upper998,"
          "significance\n",
          fp);
    for (size_t i = 0; i < n; i++) {
        double v = r[i].num * mult / r[i].den, l2, u2, l3, u3;
        if (stat == PROP) {
            om_stats_funnel_prop(p0, r[i].den, 0.95, mult, &l2, &u2);
            om_stats_funnel_prop(p0, r[i].den, 0.998, mult, &l3, &u3);
        } else {
            om_stats_funnel_poisson(r[i].num, 0.95, &l2, &u2);
            om_stats_funnel_poisson(r[i].num, 0.998, &l3, &u3);
            l2 *= p0 * mult;
            u2 *= p0 * mult;
            l3 *= p0 * mult;
            u3 *= p0 * mult;
        }
        om_csv_write_str(fp, r[i].name);
        put_num(fp, r[i].num);
        put_num(fp, r[i].den);
        put_num(fp, v);
        put_num(fp, p0 * mult);
        put_num(fp, l2);
        put_num(fp, u2);
        put_num(fp, l3);
        put_num(fp, u3);
        /* PHE's order of tests (phe_funnel_significance) */
        const char *sig = v < l3   ? "Low (0.001)"
                          : v < l2 ? "Low (0.025)"
                          : v > u3 ? "High (0.001)"
                          : v > u2 ? "High (0.025)"
                                   : "Not significant";
        fprintf(fp, ",%s\n", sig);
        free(r[i].name);
    }
    free(r);
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("funnel", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_funnel = {
    "funnel", "funnel-plot limits (95 %, 99.8 %) for proportions, rates and ratios", run};

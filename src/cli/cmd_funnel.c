/* omrade funnel — funnel-plot control limits (95 % and 99.8 %) and each
 * group's position relative to them. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/healthio.h"
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

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"statistic", required_argument, 0, 's'},
                                         {"mult", required_argument, 0, 'm'},
                                         {"baseline", required_argument, 0, 'b'},
                                         OM_CLI_OUT_OPTS};
    const char *out = NULL;
    int stat = -1; /* an om_funnel_stat once given */
    double mult = NAN, baseline = NAN;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's':
            if (!strcmp(optarg, "proportion"))
                stat = OM_FUNNEL_PROPORTION;
            else if (!strcmp(optarg, "rate"))
                stat = OM_FUNNEL_RATE;
            else if (!strcmp(optarg, "ratio"))
                stat = OM_FUNNEL_RATIO;
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
        mult = stat == OM_FUNNEL_RATE ? 100000 : 100;
    if (stat == OM_FUNNEL_PROPORTION && !isnan(baseline) && baseline > mult)
        return om_cli_usage("funnel", "expected --baseline at most %g for a proportion", mult);

    om_error err = OM_ERROR_INIT;
    om_funnel_rows *r = NULL;
    if (om_funnel_read(argv[optind], (om_funnel_stat)stat, &r, &err) != OM_OK)
        return om_cli_fail("funnel", &err);
    om_afile *af = NULL;
    om_cli_prov_start("funnel", argc, argv);
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        om_funnel_rows_free(r);
        return om_cli_fail("funnel", &err);
    }
    om_status s = om_funnel_write(r, (om_funnel_stat)stat, mult, baseline, om_afile_stream(af), &err);
    om_funnel_rows_free(r);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("funnel", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("funnel", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_funnel = {
    "funnel", "funnel-plot limits (95 %, 99.8 %) for proportions, rates and ratios", run};

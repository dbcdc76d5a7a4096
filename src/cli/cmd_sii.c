/* omrade sii — slope and relative index of inequality over ordered groups
 * (area types, deciles, ...) per unit, with a choice of weights, sign
 * convention and intervals. */
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
            "usage: omrade sii FILE [--weights inverse-variance|population]\n"
            "                  [--sign first-minus-last|last-minus-first]\n"
            "                  [--scale normal|rate|proportion] [--reps N] [--seed S]\n"
            "                  [--level 95|99.8] [--mult M] --out FILE\n\n"
            "Slope (SII) and relative (RII) index of inequality per group of FILE, CSV with\n"
            "header group,rank,pop,value and either se or lower,upper (95 %% limits of the\n"
            "value): one row per group and ordered category (rank: an integer giving the\n"
            "order, e.g. area type 1-5 or decile 1-10; any number of categories).\n"
            "The regression of value on the ridit (cumulative population midpoint) is\n"
            "weighted by inverse variance (default) or by population share (PHE's phe_sii).\n"
            "SII = fitted value at the first category's end minus at the last's (default,\n"
            "as omrade rates) or the reverse (--sign last-minus-first, as PHE); RII is the\n"
            "ratio of the same two fitted values.  Intervals: analytic (default) or Monte\n"
            "Carlo with N >= 1000 draws (PHE: 100000) on the log (rate) or logit\n"
            "(proportion) scale, seeded.\n"
            "Output, one row per group in input order:\n"
            "  group,categories,sii,sii_lower,sii_upper,rii,rii_lower,rii_upper,note\n\n"
            "options:\n"
            "  --weights W    inverse-variance (default) or population\n"
            "  --sign S       first-minus-last (default) or last-minus-first\n"
            "  --scale S      normal (default), rate (> 0) or proportion (0..1)\n"
            "  --reps N       Monte Carlo draws (0 = analytic intervals, default)\n"
            "  --seed S       random seed for --reps (default 1)\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --mult M       multiply SII and its limits by M (default 1)\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade sii examples/health/sii.csv --weights population --sign last-minus-first \\\n"
            "      --reps 100000 --out sii.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"weights", required_argument, 0, 'w'},
                                         {"sign", required_argument, 0, 's'},
                                         {"scale", required_argument, 0, 'c'},
                                         {"reps", required_argument, 0, 'r'},
                                         {"seed", required_argument, 0, 'e'},
                                         {"level", required_argument, 0, 'l'},
                                         {"mult", required_argument, 0, 'm'},
                                         OM_CLI_OUT_OPTS};
    om_sii_opts o = {OM_SII_INVERSE_VARIANCE, OM_SII_NORMAL, false, 0.95, 0, 1};
    const char *out = NULL;
    double mult = 1;
    long long v;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (!strcmp(optarg, "inverse-variance"))
                o.weight = OM_SII_INVERSE_VARIANCE;
            else if (!strcmp(optarg, "population"))
                o.weight = OM_SII_POPULATION;
            else
                return om_cli_usage("sii", "expected --weights inverse-variance or population, found '%s'",
                                    optarg);
            break;
        case 's':
            if (!strcmp(optarg, "first-minus-last"))
                o.last_minus_first = false;
            else if (!strcmp(optarg, "last-minus-first"))
                o.last_minus_first = true;
            else
                return om_cli_usage("sii",
                                    "expected --sign first-minus-last or last-minus-first, found '%s'",
                                    optarg);
            break;
        case 'c':
            if (!strcmp(optarg, "normal"))
                o.scale = OM_SII_NORMAL;
            else if (!strcmp(optarg, "rate"))
                o.scale = OM_SII_RATE;
            else if (!strcmp(optarg, "proportion"))
                o.scale = OM_SII_PROPORTION;
            else
                return om_cli_usage("sii", "expected --scale normal, rate or proportion, found '%s'",
                                    optarg);
            break;
        case 'r':
            if (!om_cli_parse_int(optarg, 0, 100000000, &v) || (v > 0 && v < 1000))
                return om_cli_usage("sii", "expected --reps 0 or 1000..100000000, found '%s'", optarg);
            o.reps = (long)v;
            break;
        case 'e':
            if (!om_cli_parse_int(optarg, 0, INT64_MAX, &v))
                return om_cli_usage("sii", "expected --seed a non-negative integer, found '%s'", optarg);
            o.seed = (uint64_t)v;
            break;
        case 'l':
            if (!om_stats_parse_level(optarg, &o.level))
                return om_cli_usage("sii", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'm':
            if (!om_cli_parse_double(optarg, &mult) || !(mult > 0) || !isfinite(mult))
                return om_cli_usage("sii", "expected --mult a positive number, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("sii", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("sii", "expected one input FILE");
    if (!out)
        return om_cli_usage("sii", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_sii_units *u = NULL;
    if (om_sii_read(argv[optind], o.scale, &u, &err) != OM_OK)
        return om_cli_fail("sii", &err);
    om_afile *af = NULL;
    om_cli_prov_start("sii", argc, argv);
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        om_sii_units_free(u);
        return om_cli_fail("sii", &err);
    }
    om_status s = om_sii_write(u, &o, mult, om_afile_stream(af), &err);
    om_sii_units_free(u);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("sii", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("sii", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_sii = {
    "sii", "slope and relative index of inequality over any number of ordered groups", run};

/* omrade isr — indirectly standardised ratios (SMR) and rates by group
 * against a reference population. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/healthio.h"
#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STRATA_COLS 8

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade isr FILE [--reference FILE] [--strata COLS] [--mult M] [--per P]\n"
            "                  [--level 95|99.8] [--byar-from N] --out FILE\n\n"
            "Indirectly standardised ratios (SMR) and rates per group.  FILE is CSV with\n"
            "header group,stratum,events,pop: observed events and population per group and\n"
            "stratum (age band, or several columns with --strata, e.g. area type x age x\n"
            "sex for regions compared at their own area-type mix).  The reference (default:\n"
            "all of FILE summed by stratum, e.g. the whole country) is CSV with the strata\n"
            "columns and events,pop.  Expected E = sum over strata of reference rate x pop.\n"
            "Output, one row per group in input order:\n"
            "  group,observed,expected,ratio,lower,upper,rate,rate_lower,rate_upper,method,note\n"
            "ratio = O/E x M; rate = O/E x the reference crude rate x P.  Limits: exact\n"
            "Poisson below N events, Byar from N on (PHE: N = 10), E taken as fixed.\n\n"
            "options:\n"
            "  --reference F  the reference population (strata columns, events, pop)\n"
            "  --strata COLS  comma-separated stratum columns (default: stratum)\n"
            "  --mult M       ratio multiplier: 1 (default) or 100 for an SMR in per cent\n"
            "  --per P        rate per P persons (default 100000)\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --byar-from N  Byar's limits from N events on (default 10; 0 = always Byar)\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade isr examples/health/isr.csv --strata age_band --mult 100 --out smr.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"reference", required_argument, 0, 'r'},
                                         {"strata", required_argument, 0, 's'},
                                         {"mult", required_argument, 0, 'm'},
                                         {"per", required_argument, 0, 'p'},
                                         {"level", required_argument, 0, 'l'},
                                         {"byar-from", required_argument, 0, 'b'},
                                         OM_CLI_OUT_OPTS};
    const char *out = NULL, *refpath = NULL, *strata_arg = "stratum";
    double level = 0.95, mult = 1, per = 100000;
    long long byar_from = 10;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': refpath = optarg; break;
        case 's': strata_arg = optarg; break;
        case 'm':
            if (!om_cli_parse_double(optarg, &mult) || !(mult > 0) || !isfinite(mult))
                return om_cli_usage("isr", "expected --mult a positive number, found '%s'", optarg);
            break;
        case 'p':
            if (!om_cli_parse_double(optarg, &per) || !(per > 0) || !isfinite(per))
                return om_cli_usage("isr", "expected --per a positive number, found '%s'", optarg);
            break;
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("isr", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'b':
            if (!om_cli_parse_int(optarg, 0, 1000000000, &byar_from))
                return om_cli_usage("isr", "expected --byar-from a count of events, found '%s'",
                                    optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("isr", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("isr", "expected one input FILE");
    if (!out)
        return om_cli_usage("isr", "expected --out FILE");
    /* split --strata in place of a copy */
    static char colbuf[512];
    const char *cols[MAX_STRATA_COLS];
    size_t ncols = 0;
    if (strlen(strata_arg) >= sizeof colbuf)
        return om_cli_usage("isr", "expected a shorter --strata list");
    strcpy(colbuf, strata_arg);
    for (char *tok = strtok(colbuf, ","); tok; tok = strtok(NULL, ",")) {
        if (ncols == MAX_STRATA_COLS)
            return om_cli_usage("isr", "expected at most %d --strata columns", MAX_STRATA_COLS);
        cols[ncols++] = tok;
    }
    if (ncols == 0)
        return om_cli_usage("isr", "expected --strata column names, found '%s'", strata_arg);

    om_error err = OM_ERROR_INIT;
    om_isr_data *d = NULL;
    om_status s = om_isr_read(argv[optind], refpath, cols, ncols, &d, &err);
    om_afile *af = NULL;
    if (s == OM_OK) {
        om_cli_prov_start("isr", argc, argv);
        if ((s = om_prov_input(om_cli_prov(), argv[optind], -1, &err)) == OM_OK && refpath)
            s = om_prov_input(om_cli_prov(), refpath, -1, &err);
        if (s == OM_OK)
            s = om_cli_out_open(&af, out, &err);
    }
    if (s == OM_OK)
        s = om_isr_write(d, mult, per, level, (double)byar_from, om_afile_stream(af), &err);
    om_isr_data_free(d);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("isr", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("isr", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_isr = {
    "isr", "indirectly standardised ratios (SMR) and rates, exact or Byar limits", run};

/* omrade lifeexp — life expectancy by group from deaths and population by
 * age band (Chiang II with Silcocks' variance, PHE's conventions). */
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
            "usage: omrade lifeexp FILE [--level 95|99.8] --out FILE\n\n"
            "Life expectancy at the start of every age band, per group, from an abridged\n"
            "life table: Chiang's method II with Silcocks' variance for the open last band\n"
            "(a0 = 0.1, other bands 0.5), as PHE's calculator and PHEindicatormethods'\n"
            "phe_life_expectancy.  FILE is CSV with header group,start_age,pop,deaths: one\n"
            "row per group and band, bands given by their start ages (e.g. 0, 1, 5, 10, ...,\n"
            "90); the last band is open.  pop may be person-years.\n"
            "Output, one row per group (input order) and band start age:\n"
            "  group,age,le,lower,upper,note\n"
            "Empty values are explained in note: a group is not reported when a band has\n"
            "no population or more deaths than population, the open band has no deaths,\n"
            "its total population is 5,000 or less, or it lacks a band other groups have;\n"
            "a value (not its limits) is suppressed when the 95 %% interval is wider than\n"
            "20 years.  docs/health.md has the formulas.\n\n"
            "options:\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade lifeexp examples/health/lifeexp.csv --out le.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"level", required_argument, 0, 'l'},
                                         OM_CLI_OUT_OPTS};
    const char *out = NULL;
    double level = 0.95;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("lifeexp", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("lifeexp", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("lifeexp", "expected one input FILE");
    if (!out)
        return om_cli_usage("lifeexp", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_le_groups *g = NULL;
    if (om_le_read(argv[optind], &g, &err) != OM_OK)
        return om_cli_fail("lifeexp", &err);
    om_afile *af = NULL;
    om_cli_prov_start("lifeexp", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION,
                "life expectancy not reported for total population 5000 or less or a 95%% "
                "interval wider than 20 years (PHE)");
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open_fixed(&af, out, &err) != OM_OK) {
        om_le_groups_free(g);
        return om_cli_fail("lifeexp", &err);
    }
    FILE *fp = om_afile_stream(af);
    fputs("group,age,le,lower,upper,note\n", fp);
    om_status s = om_le_write(g, level, fp, &err);
    om_le_groups_free(g);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("lifeexp", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("lifeexp", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_lifeexp = {
    "lifeexp", "life expectancy by group and age (Chiang II, Silcocks' variance)", run};

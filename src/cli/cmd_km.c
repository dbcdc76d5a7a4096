/* omrade km — Kaplan-Meier survival with Greenwood intervals per group
 * (e.g. area type) from follow-up times. */
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
            "usage: omrade km FILE [--ci log-log|plain] [--level 95|99.8] --out FILE\n\n"
            "Kaplan-Meier survival per group (e.g. area type) with Greenwood standard\n"
            "errors.  FILE is CSV with header group,time,event: one row per person, time\n"
            "the follow-up (e.g. days from the event to death or to the end of follow-up)\n"
            "and event 1 (died) or 0 (censored).\n"
            "Output, per group in input order, one row per time with deaths:\n"
            "  group,time,at_risk,events,censored,surv,se,lower,upper,note\n"
            "censored: persons censored since the previous row (censored at a death\n"
            "time count as at risk at it).  Limits: log-log (default; Kalbfleisch &\n"
            "Prentice) or plain S -+ z se clipped to [0, 1].  A group without deaths\n"
            "gets one row with the note 'no events'.\n\n"
            "options:\n"
            "  --ci C         log-log (default) or plain\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade km examples/health/km.csv --out km.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"ci", required_argument, 0, 'c'},
                                         {"level", required_argument, 0, 'l'},
                                         OM_CLI_OUT_OPTS};
    const char *out = NULL;
    double level = 0.95;
    bool loglog = true;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (!strcmp(optarg, "log-log"))
                loglog = true;
            else if (!strcmp(optarg, "plain"))
                loglog = false;
            else
                return om_cli_usage("km", "expected --ci log-log or plain, found '%s'", optarg);
            break;
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("km", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("km", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("km", "expected one input FILE");
    if (!out)
        return om_cli_usage("km", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_km_groups *g = NULL;
    if (om_km_read(argv[optind], &g, &err) != OM_OK)
        return om_cli_fail("km", &err);
    om_afile *af = NULL;
    om_cli_prov_start("km", argc, argv);
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        om_km_groups_free(g);
        return om_cli_fail("km", &err);
    }
    om_status s = om_km_write(g, level, loglog, om_afile_stream(af), &err);
    om_km_groups_free(g);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("km", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("km", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_km = {"km", "Kaplan-Meier survival with Greenwood intervals per group",
                                  run};

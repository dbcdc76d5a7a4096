/* omrade dsr — crude and directly standardised rates from aggregated counts. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/healthio.h"
#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade dsr FILE [--standard esp2013|FILE] [--level 95|99.8] [--out FILE]\n\n"
            "Crude and directly standardised rates per 100,000 from aggregated counts.\n"
            "FILE is CSV with header group,age_band,events,pop and age bands 0-4, 5-9, ...,\n"
            "85-89, 90+ (a band missing for a group counts as no events and no population).\n"
            "Output, one row per group in input order:\n"
            "  group,events,pop,crude_rate,crude_lower,crude_upper,dsr,dsr_lower,dsr_upper,note\n"
            "Crude limits: exact Poisson below 10 events, Byar otherwise.  DSR: Dobson et al.\n"
            "(1991) limits; not reported below 10 events (empty fields and a note).\n\n"
            "options:\n"
            "  --standard S   esp2013 (default) or a CSV file age_band,pop with all 19 bands\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --out FILE     write to FILE instead of stdout (atomically)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade dsr examples/rates/aggregated.csv --level 99.8\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"standard", required_argument, 0, 's'},
                                         {"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *standard = "esp2013", *out = "-";
    double level = 0.95;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': standard = optarg; break;
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("dsr", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("dsr", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("dsr", "expected one input FILE");
    om_error err = OM_ERROR_INIT;
    double w[OM_ESP_BANDS];
    if (strcmp(standard, "esp2013") == 0)
        memcpy(w, om_esp2013, sizeof w);
    else if (om_stats_standard_load(standard, w, &err) != OM_OK)
        return om_cli_fail("dsr", &err);
    om_dsr_groups *g = NULL;
    if (om_dsr_read(argv[optind], &g, &err) != OM_OK)
        return om_cli_fail("dsr", &err);
    om_afile *af = NULL;
    om_cli_prov_start("dsr", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION, "dsr not reported below 10 events");
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        om_dsr_groups_free(g);
        return om_cli_fail("dsr", &err);
    }
    om_status s = om_dsr_write(g, w, level, om_afile_stream(af), &err);
    om_dsr_groups_free(g);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("dsr", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("dsr", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_dsr = {"dsr", "crude and age-standardised rates (ESP 2013) from counts",
                                   run};

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
            "usage: omrade dsr FILE [--standard esp2013|FILE] [--level L] [--per N]\n"
            "                  [--byar-from N] [--nonindependent] [--out FILE]\n\n"
            "Crude and directly standardised rates per 100,000 from aggregated counts.\n"
            "FILE is CSV with header group,age_band,events,pop and age bands 0-4, 5-9, ...,\n"
            "85-89, 90+ (a band missing for a group counts as no events and no population).\n"
            "Output, one row per group in input order:\n"
            "  group,events,pop,crude_rate,crude_lower,crude_upper,dsr,dsr_lower,dsr_upper,note\n"
            "Crude limits: exact Poisson below 10 events, Byar otherwise.  DSR: Dobson et al.\n"
            "(1991) limits; not reported below 10 events (empty fields and a note).\n\n"
            "options:\n"
            "  --standard S   esp2013 (default) or a CSV file age_band,pop with all 19 bands\n"
            "  --level L      confidence level 90 to 99.99 (default 95)\n"
            "  --per N        rates per N persons (default 100000)\n"
            "  --byar-from N  Poisson limits exact below N events, Byar from N on (default\n"
            "                 10, PHE; 1 = Byar always; 1000000000 = exact always)\n"
            "  --nonindependent  events are not independent (PHE's method): FILE has the\n"
            "                 header group,age_band,eventfreq,persons,pop, one row per\n"
            "                 group, band and event frequency: persons with exactly\n"
            "                 eventfreq events; pop repeated on each row of a band\n"
            "  --out FILE     write to FILE instead of stdout (atomically)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade dsr examples/rates/aggregated.csv --level 99.8 --per 1000\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"standard", required_argument, 0, 's'},
                                         {"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"per", required_argument, 0, 'p'},
                                         {"byar-from", required_argument, 0, 'b'},
                                         {"nonindependent", no_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *standard = "esp2013", *out = "-";
    double level = 0.95, per = 100000, byar_from = 10;
    bool nonind = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': standard = optarg; break;
        case 'l':
            if (!om_stats_parse_confidence(optarg, &level))
                return om_cli_usage("dsr", "expected --level 90 to 99.99, found '%s'", optarg);
            break;
        case 'p':
            if (!om_cli_parse_double(optarg, &per) || !(per > 0) || !isfinite(per))
                return om_cli_usage("dsr", "expected --per a positive number, found '%s'", optarg);
            break;
        case 'b': {
            long long v;
            if (!om_cli_parse_int(optarg, 0, 1000000000, &v))
                return om_cli_usage("dsr", "expected --byar-from a count of events, found '%s'",
                                    optarg);
            byar_from = (double)v;
            break;
        }
        case 'n': nonind = true; break;
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
    om_dsr_freq *fq = NULL; /* --nonindependent */
    if (nonind ? om_stats_dsr_freq_load(argv[optind], &fq, &err) != OM_OK
               : om_dsr_read(argv[optind], &g, &err) != OM_OK)
        return om_cli_fail("dsr", &err);
    om_afile *af = NULL;
    om_cli_prov_start("dsr", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION, "dsr not reported below 10 events");
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        om_dsr_groups_free(g);
        om_stats_dsr_freq_free(fq);
        return om_cli_fail("dsr", &err);
    }
    om_status s = fq ? om_dsr_freq_write(fq, w, per, level, byar_from, om_afile_stream(af), &err)
                     : om_dsr_write(g, w, per, level, byar_from, om_afile_stream(af), &err);
    om_dsr_groups_free(g);
    om_stats_dsr_freq_free(fq);
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

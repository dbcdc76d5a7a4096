/* omrade indicators — aggregate synthetic (or register) microdata into the
 * SEI input counts or the barometer indicator table (om_synth_indicators). */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/synth.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade indicators DIR [--level regso|deso] [--barometer [--no-edu]] [--out FILE]\n\n"
            "Read DIR/persons.csv, DIR/residence.csv and DIR/person_year.csv (as written by\n"
            "'omrade synth') and write per area and year the counts that 'omrade sei' reads:\n"
            "  area,year,low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d\n"
            "(SCB's SEI definitions: low economic standard all ages; pre-upper-secondary\n"
            "education, and economic assistance in >= 10 months and/or > 180 days unemployed,\n"
            "at ages 20-64 up to 2022 and 20-65 from 2023).  With --barometer, write the long\n"
            "barometer table level,code,year,indicator,sex,age,born,numerator,denominator\n"
            "instead (indicators listed in docs/synth.md).\n\n"
            "options:\n"
            "  --level L    regso (default) or deso (SEI counts only)\n"
            "  --barometer  the barometer indicator table for riket, län, kommun and RegSO\n"
            "  --no-edu     with --barometer, leave out the rows by education level (written\n"
            "               by default for kommun, län and riket, ages 20-64; --edu, the\n"
            "               earlier opt-in, is still accepted)\n"
            "  --out FILE   write to FILE instead of stdout (atomically)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade synth --scale 0.01 --out synth && omrade indicators synth | omrade sei -\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"barometer", no_argument, 0, 'b'},
                                         {"edu", no_argument, 0, 'e'},
                                         {"no-edu", no_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    om_level level = OM_LEVEL_REGSO;
    const char *out = "-";
    unsigned what = 0;
    int edu = -1; /* -1 not given: the education rows go with --barometer */
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            level = om_level_parse(optarg);
            if (level != OM_LEVEL_REGSO && level != OM_LEVEL_DESO)
                return om_cli_usage("indicators", "expected --level regso or deso, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'b': what |= OM_INDICATORS_BAROMETER; break;
        case 'e': edu = 1; break;
        case 'n': edu = 0; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("indicators", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("indicators", "expected one directory DIR");
    if (edu >= 0 && !(what & OM_INDICATORS_BAROMETER))
        return om_cli_usage("indicators", "expected --%s with --barometer", edu ? "edu" : "no-edu");
    if ((what & OM_INDICATORS_BAROMETER) && edu != 0)
        what |= OM_INDICATORS_EDU;
    om_error err = OM_ERROR_INIT;
    om_afile *af = NULL;
    om_cli_prov_start("indicators", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_LINKAGE, "residence on 31 December by lopnr (omrade synth layout)");
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK)
        return om_cli_fail("indicators", &err);
    om_progress pr = om_cli_progress();
    om_indicators_summary s;
    om_status st = om_synth_indicators(argv[optind], level, what, om_afile_stream(af), &pr, &s, &err);
    om_cli_progress_done();
    if (st != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("indicators", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("indicators", &err);
    if (s.rejected_residence || s.unlinked_person_year)
        fprintf(stderr,
                "omrade indicators: %" PRId64 " residence rows rejected (unknown lopnr, year "
                "outside 2011-2024, unknown DeSO or duplicate), %" PRId64
                " person-year rows without residence\n",
                s.rejected_residence, s.unlinked_person_year);
    return 0;
}

const om_cli_cmd om_cli_cmd_indicators = {
    "indicators", "aggregate microdata into SEI input counts or barometer indicators", run};

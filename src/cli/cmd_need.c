/* omrade need — need indices per unit from counts per area (docs/need.md). */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/need.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade need FILE --index cni|key2011|key2013|child-sei [--units FILE | --level kommun|lan]\n"
            "                   [--cni-weights FILE] --out FILE\n\n"
            "Need indices per unit from counts per area (RegSO, DeSO or any code).  FILE is CSV\n"
            "with column area and, by index (whole numbers):\n"
            "  cni        population,under5,born_outside,elderly_alone,unemployed,\n"
            "             single_parent,moved_in,low_education\n"
            "  key2011    population,low_income,low_education,no_work\n"
            "  key2013    population,low_income,no_work\n"
            "  child-sei  children_0_5,children_6_17,low_edu_0_5,low_econ_0_5,assist_0_5,\n"
            "             low_edu_6_17,low_econ_6_17,assist_6_17\n"
            "Counts are summed per unit; output: unit, the denominators, each count and its\n"
            "share in percent (<col>_pct), then cni | key,group | sei_0_5,z_0_5,sei_6_17,z_6_17.\n"
            "Definitions and sources: docs/need.md.\n\n"
            "options:\n"
            "  --index I          the index (required)\n"
            "  --units FILE       CSV code,unit mapping every area to a unit (e.g. stadsdelar)\n"
            "  --level L          kommun (first 4 digits of the area code) or lan (first 2)\n"
            "  --cni-weights FILE CSV variable,weight for the seven CNI variables (required for\n"
            "                     cni: omrade has no built-in weights)\n"
            "  --out FILE         output CSV (required; '-' for standard output)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade need counts.csv --index key2013 --level kommun --out key.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"units", required_argument, 0, 'u'},
                                         {"level", required_argument, 0, 'l'},
                                         {"cni-weights", required_argument, 0, 'w'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = NULL, *weights = NULL;
    om_need_opts o = {0};
    bool has_index = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (!om_need_index_parse(optarg, &o.index))
                return om_cli_usage("need", "expected --index cni, key2011, key2013 or child-sei, found '%s'",
                                    optarg);
            has_index = true;
            break;
        case 'u': o.units_path = optarg; break;
        case 'l':
            if (strcmp(optarg, "kommun") == 0)
                o.level = 4;
            else if (strcmp(optarg, "lan") == 0 || strcmp(optarg, "län") == 0)
                o.level = 2;
            else
                return om_cli_usage("need", "expected --level kommun or lan, found '%s'", optarg);
            break;
        case 'w': weights = optarg; break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("need", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("need", "expected one input FILE");
    if (!has_index)
        return om_cli_usage("need", "expected --index cni, key2011, key2013 or child-sei");
    if (o.units_path && o.level)
        return om_cli_usage("need", "expected --units or --level, found both");
    if (!out)
        return om_cli_usage("need", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    double w[OM_NEED_CNI_VARS];
    if (weights) {
        if (o.index != OM_NEED_CNI)
            return om_cli_usage("need", "expected --cni-weights only with --index cni");
        if (om_need_cni_weights_read(weights, w, &err) != OM_OK)
            return om_cli_fail("need", &err);
        o.cni_weights = w;
    }
    om_need_table *t = NULL;
    if (om_need_compute(argv[optind], &o, &t, &err) != OM_OK)
        return om_cli_fail("need", &err);
    om_cli_prov_start("need", argc, argv);
    if (o.units_path)
        om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "units of %s", o.units_path);
    om_afile *af = NULL;
    om_status s = om_prov_input(om_cli_prov(), argv[optind], -1, &err);
    if (s == OM_OK)
        s = om_cli_out_open(&af, out, &err);
    if (s == OM_OK) {
        s = om_need_write(om_afile_stream(af), t, &err);
        if (s == OM_OK)
            s = om_afile_commit(af, &err);
        else
            om_afile_abort(af);
    }
    om_need_table_free(t);
    if (s != OM_OK)
        return om_cli_fail("need", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_need = {"need", "need indices (CNI, sorting key 2011/2013, child SEI) per unit",
                                    run};

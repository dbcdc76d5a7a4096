/* omrade geo — list and look up areas of the geography registry. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade geo list [--geo G] [--level deso|regso|kommun|lan] [--out FILE]\n"
            "       omrade geo lookup [--geo G] TEXT...\n\n"
            "The geography: DeSO -> RegSO -> kommun -> län (SCB open data).  Built in are\n"
            "DeSO2018 (DeSO 2018 / RegSO 2020, the default) and DeSO2025 (DeSO 2025 /\n"
            "RegSO 2025); --geo FILE loads SCB's DeSO-RegSO key file of any vintage or a\n"
            "plain deso,regso file.  Codes with SCB's API suffix (0114C1010_DeSO2025)\n"
            "are accepted when the suffix names the loaded vintage.\n"
            "  list     tidy CSV of every area at a level with its parents\n"
            "           (columns code,name,label,regso,kommun,lan)\n"
            "  lookup   resolve codes or labels as written in SCB files (\"Ale (Alafors)\",\n"
            "           \"0114R001\", \"RegSO-0114R001\", \"1440 Ale\") and print level,code,label\n\n"
            "options:\n"
            "  --geo G      DeSO2018 (default), DeSO2025 or a DeSO-RegSO mapping file\n"
            "  --level L    level for list (default regso)\n"
            "  --out FILE   write to FILE instead of stdout (atomically)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade geo lookup \"Upplands Väsby (Bollstanäs)\" 0114C1010\n"
            "  omrade geo list --geo DeSO2025 --level deso --out deso2025.csv\n");
}

static int do_list(const om_geo *g, om_level level, const char *out)
{
    om_error err = OM_ERROR_INIT;
    om_afile *af = NULL;
    if (om_cli_out_open(&af, out, &err) != OM_OK)
        return om_cli_fail("geo", &err);
    FILE *fp = om_afile_stream(af);
    fputs("code,name,label,regso,kommun,lan\n", fp);
    for (int32_t i = 0; i < om_geo_count(g, level); i++) {
        om_csv_write_str(fp, om_geo_code(g, level, i));
        fputc(',', fp);
        om_csv_write_str(fp, om_geo_name(g, level, i));
        fputc(',', fp);
        om_csv_write_str(fp, om_geo_label(g, level, i));
        for (int up = OM_LEVEL_REGSO; up <= OM_LEVEL_LAN; up++) {
            fputc(',', fp);
            if (up >= (int)level)
                fputs(om_geo_code(g, (om_level)up, om_geo_parent(g, level, i, (om_level)up)), fp);
        }
        fputc('\n', fp);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("geo", &err);
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"geo", required_argument, 0, 'g'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    om_level level = OM_LEVEL_REGSO;
    const char *out = "-", *geo = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            level = om_level_parse(optarg);
            if (level == OM_LEVEL_NONE || level == OM_LEVEL_RIKET)
                return om_cli_usage("geo", "unknown level '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'g': geo = optarg; break;
        OM_CLI_PROVENANCE_CASE;
        case 'h': help(stdout); return 0;
        default: return om_cli_usage("geo", "bad option");
        }
    }
    if (optind >= argc)
        return om_cli_usage("geo", "expected 'list' or 'lookup'");
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    om_cli_prov_start("geo", argc, argv);
    if (om_cli_geo_open(&g, geo, &err) != OM_OK ||
        om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "%s", om_geo_vintage(g)) != OM_OK ||
        (geo && strcmp(geo, om_geo_vintage(g)) != 0 && strcmp(geo, "DeSO2018") != 0 &&
         strcmp(geo, "DeSO2025") != 0 &&
         om_prov_input(om_cli_prov(), geo, om_geo_count(g, OM_LEVEL_DESO), &err) != OM_OK)) {
        om_geo_free(g);
        return om_cli_fail("geo", &err);
    }
    int rc = 0;
    if (strcmp(argv[optind], "list") == 0) {
        rc = do_list(g, level, out);
    } else if (strcmp(argv[optind], "lookup") == 0) {
        if (optind + 1 >= argc) {
            om_geo_free(g);
            return om_cli_usage("geo", "lookup needs at least one TEXT");
        }
        printf("input,level,code,label\n");
        for (int i = optind + 1; i < argc; i++) {
            om_level l;
            int32_t idx = om_geo_resolve(g, argv[i], strlen(argv[i]), &l);
            om_csv_write_str(stdout, argv[i]);
            if (idx < 0) {
                printf(",,,\n");
                rc = 2;
                continue;
            }
            printf(",%s,%s,", om_level_name(l), om_geo_code(g, l, idx));
            om_csv_write_str(stdout, om_geo_label(g, l, idx));
            putchar('\n');
        }
        if (rc)
            fprintf(stderr, "omrade geo: some inputs matched no area\n");
    } else {
        rc = om_cli_usage("geo", "unknown action '%s'", argv[optind]);
    }
    om_geo_free(g);
    return rc;
}

const om_cli_cmd om_cli_cmd_geo = {"geo", "list and look up DeSO, RegSO, kommun and län", run};

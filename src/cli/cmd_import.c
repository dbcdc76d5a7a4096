/* omrade import — an SCB statistical-database export (CSV or .xlsx, as
 * downloaded) to tidy long CSV. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/scb.h"

#include <getopt.h>
#include <math.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade import FILE [--out OUT] [--meta] [--keep-unknown] [--year Y]\n"
            "                          [--sep C] [--latin1] [--quiet]\n\n"
            "Read an export from SCB's statistical database as downloaded (CSV with ',' or\n"
            "';', or the .xlsx original: title line, header rows, year rows or 'Antal 2021'\n"
            "columns, region codes or 'Kommun (RegSO)' labels, '..' for missing, footnotes)\n"
            "and write tidy long CSV, one row per value:\n"
            "  region,level,label,year,variable,value,missing\n"
            "region/level/label come from the built-in geography (DeSO 2018, RegSO 2020);\n"
            "year is empty when the table names none; variable joins the header labels\n"
            "with '|'; value is empty when missing, and missing then holds SCB's mark\n"
            "('..', '.', '-', ..., 'blank' for an empty cell).  FILE '-' reads stdin.\n"
            "A summary line (values, missing, skipped parts) goes to stderr.\n\n"
            "options:\n"
            "  --out OUT       write to OUT instead of stdout (atomically)\n"
            "  --meta          write the table's metadata instead (field,value: title,\n"
            "                  table id, source, updated, unit, layout, variables,\n"
            "                  footnotes, then every footer section as section:KEY)\n"
            "  --keep-unknown  keep rows whose region the registry does not know (region\n"
            "                  and level empty, label as written) instead of failing\n"
            "  --year Y        year for tables that name none\n"
            "  --sep C         CSV separator (',', ';' or 'tab'); default: detected\n"
            "  --latin1        the CSV is ISO-8859-1/Windows-1252, not UTF-8 (older\n"
            "                  PxWeb downloads)\n"
            "  --quiet         no summary line\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade import data/scb/regso-omradestyp-2023.csv --out types.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"meta", no_argument, 0, 'm'},
                                         {"keep-unknown", no_argument, 0, 'k'},
                                         {"year", required_argument, 0, 'y'},
                                         {"sep", required_argument, 0, 's'},
                                         {"quiet", no_argument, 0, 'q'},
                                         {"latin1", no_argument, 0, 'l'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = "-";
    bool meta = false, quiet = false;
    om_scb_options opt = {0};
    opt.fail_unresolved = true;
    int c;
    long long v;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'm': meta = true; break;
        case 'k': opt.fail_unresolved = false; break;
        case 'q': quiet = true; break;
        case 'l': opt.latin1 = true; break;
        case 'y':
            if (!om_cli_parse_int(optarg, 1900, 2100, &v))
                return om_cli_usage("import", "expected a year 1900-2100 for --year, found '%s'",
                                    optarg);
            opt.default_year = (int32_t)v;
            break;
        case 's':
            if (strcmp(optarg, ",") == 0 || strcmp(optarg, ";") == 0)
                opt.delim = optarg[0];
            else if (strcmp(optarg, "tab") == 0 || strcmp(optarg, "\t") == 0)
                opt.delim = '\t';
            else
                return om_cli_usage("import", "expected ',', ';' or 'tab' for --sep, found '%s'",
                                    optarg);
            break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("import", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("import", "expected one FILE, found %d", argc - optind);
    const char *path = argv[optind];
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    if (om_geo_new_builtin(&g, &err) != OM_OK)
        return om_cli_fail("import", &err);
    om_scb_table *t = NULL;
    if (om_scb_read(&t, path, g, &opt, &err) != OM_OK) {
        om_geo_free(g);
        if (err.status == OM_ERR_INPUT && !opt.latin1 && strstr(err.msg, "expected UTF-8")) {
            size_t n = strlen(err.msg);
            snprintf(err.msg + n, sizeof err.msg - n, " (a Latin-1 file? try --latin1)");
        }
        return om_cli_fail("import", &err);
    }
    om_afile *af = NULL;
    om_cli_prov_start("import", argc, argv);
    if (om_prov_input(om_cli_prov(), path, (int64_t)om_scb_summary_get(t)->data_rows, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        om_scb_free(t);
        om_geo_free(g);
        return om_cli_fail("import", &err);
    }
    FILE *fp = om_afile_stream(af);
    if (meta)
        om_scb_write_meta(fp, t);
    else
        om_scb_write_data(fp, t, g);
    if (om_afile_commit(af, &err) != OM_OK) {
        om_scb_free(t);
        om_geo_free(g);
        return om_cli_fail("import", &err);
    }
    if (!quiet) {
        const om_scb_summary *s = om_scb_summary_get(t);
        fprintf(stderr,
                "omrade import: %s: %zu values (%zu missing) from %zu rows, %zu with an unknown "
                "region; skipped %zu repeated header rows, %zu empty columns, %zu geography "
                "columns, %zu note cells, %zu footer rows\n",
                strcmp(path, "-") == 0 ? "<stdin>" : path, s->values, s->missing, s->data_rows,
                s->unresolved_rows, s->repeated_headers, s->empty_columns, s->geo_columns,
                s->note_cells, s->footer_rows);
    }
    om_scb_free(t);
    om_geo_free(g);
    return 0;
}

const om_cli_cmd om_cli_cmd_import = {"import", "SCB statistical-database export (CSV, xlsx) to tidy CSV",
                                      run};

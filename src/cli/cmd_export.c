/* omrade export — every cell of a barometer database as long CSV. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/serve.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade export DB [--out FILE] [--provenance]\n\n"
            "Write every cell of the barometer database DB (from 'omrade build') as one long\n"
            "CSV with the columns\n"
            "  indicator,year,sex,age,born,level,code,within,area_type,status,numerator,\n"
            "  denominator,value\n"
            "Geographic cells have level regso, kommun, lan or riket and their code (riket 00);\n"
            "area-type aggregates have level area_type, area_type 1-5 or 1-2 and within the\n"
            "region they cover (00 or a län code).  status is published, primary (too few\n"
            "persons) or secondary (protected to protect other values); suppressed cells have\n"
            "empty numbers.  The header is the first line; with --provenance the provenance\n"
            "block (the database's geography vintage first, docs/provenance.md) comes\n"
            "before it.  The same rows, gzip-compressed, are the barometer's bulk download\n"
            "/api/export.csv.gz.\n"
            "A summary of the rows goes to standard error.\n\n"
            "options:\n"
            "  --out FILE  write the CSV to FILE (atomically) instead of standard output\n"
            OM_CLI_PROVENANCE_HELP "\n"
            "example:\n"
            "  omrade export barometer.db --out barometer-cells.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {OM_CLI_OUT_OPTS};
    const char *out = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("export", "bad option (see omrade export --help)");
        }
    }
    if (optind >= argc)
        return om_cli_usage("export", "expected a database: omrade export DB [--out FILE]");
    if (optind + 1 < argc)
        return om_cli_usage("export", "unexpected argument '%s'", argv[optind + 1]);
    const char *db = argv[optind];
    om_error err = OM_ERROR_INIT;
    /* The cells are in the geography the database was built in (its meta
     * "geography"); `omrade build` links everything to the built-in
     * registry, which om_cli_prov_start() assumes when the key is absent.
     * The database is no CSV, so it is not listed as a counted input. */
    char vintage[128];
    bool has_vintage;
    if (om_serve_meta_value(db, "geography", vintage, sizeof vintage, &has_vintage, &err) != OM_OK)
        return om_cli_fail("export", &err);
    om_cli_prov_start("export", argc, argv);
    if (has_vintage)
        om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "%s", vintage);
    om_afile *af = NULL;
    FILE *fp = stdout;
    if (out) {
        if (om_cli_out_open_fixed(&af, out, &err) != OM_OK)
            return om_cli_fail("export", &err);
        fp = om_afile_stream(af);
    } else {
        om_cli_prov_write_fixed(fp);
    }
    om_export_report rep;
    if (om_serve_export(db, fp, &rep, &err) != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("export", &err);
    }
    if (af && om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("export", &err);
    if (!af && fflush(stdout) != 0) {
        om_error_set(&err, OM_ERR_IO, NULL, 0, 0, "cannot write standard output");
        return om_cli_fail("export", &err);
    }
    fprintf(stderr, "omrade export: %lld cells: %lld published, %lld primary, %lld secondary", (long long)rep.rows,
            (long long)rep.published, (long long)rep.primary, (long long)rep.secondary);
    if (!rep.split)
        fprintf(stderr, ", %lld suppressed (the database does not tell primary from secondary)",
                (long long)rep.suppressed);
    fputc('\n', stderr);
    return 0;
}

const om_cli_cmd om_cli_cmd_export = {"export", "every cell of a barometer database as long CSV", run};

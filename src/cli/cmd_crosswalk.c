/* omrade crosswalk — move a count table from one geography vintage to
 * another (e.g. DeSO 2018 -> DeSO 2025) through a from,to,weight file. */
#define _GNU_SOURCE
#include "cli.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade crosswalk FILE --map XWALK --out OUT [options]\n\n"
            "Move a count table (a code column and integer count columns) to another\n"
            "geography vintage.  XWALK has the columns from,to,weight: one row per piece\n"
            "of a source area in a target area, weight = its share of the source's\n"
            "population; weights sum to 1 per source (within 1e-4).  Counts of a split\n"
            "area are divided by the largest-remainder method, so each area's total is\n"
            "kept exactly; merged areas add up.  Every split or merge is reported.\n\n"
            "options:\n"
            "  --map XWALK    the crosswalk file (required)\n"
            "  --out OUT      output CSV (required; '-' = stdout)\n"
            "  --from G       source geography: DeSO2018 (default), DeSO2025 or a mapping file\n"
            "  --to G         target geography: DeSO2025 (default), DeSO2018 or a mapping file\n"
            "  --code COL     the code column (default: the first column)\n"
            "  --report FILE  write every split and merge with the counts moved\n"
            "                 (change,from,to,weight,<count columns>)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade crosswalk pop-deso2018.csv --map deso2018-deso2025.csv --out pop-deso2025.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"map", required_argument, 0, 'm'},
                                         {"out", required_argument, 0, 'o'},
                                         {"from", required_argument, 0, 'f'},
                                         {"to", required_argument, 0, 't'},
                                         {"code", required_argument, 0, 'c'},
                                         {"report", required_argument, 0, 'r'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *map = NULL, *out = NULL, *from = "DeSO2018", *to = "DeSO2025", *code = NULL,
               *report = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'm': map = optarg; break;
        case 'o': out = optarg; break;
        case 'f': from = optarg; break;
        case 't': to = optarg; break;
        case 'c': code = optarg; break;
        case 'r': report = optarg; break;
        OM_CLI_PROVENANCE_CASE;
        case 'h': help(stdout); return 0;
        default: return om_cli_usage("crosswalk", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("crosswalk", "expected one count table FILE");
    if (!map || !out)
        return om_cli_usage("crosswalk", "expected --map XWALK and --out OUT");
    const char *in = argv[optind];
    om_error err = OM_ERROR_INIT;
    om_geo *gf = NULL, *gt = NULL;
    om_xwalk *x = NULL;
    om_xwalk_counts *r = NULL;
    om_cli_prov_start("crosswalk", argc, argv);
    om_prov *prov = om_cli_prov();
    om_afile *af = NULL, *rf = NULL;
    int rc = 0;
    if (om_cli_geo_open(&gf, from, &err) != OM_OK || om_cli_geo_open(&gt, to, &err) != OM_OK ||
        om_xwalk_load(&x, map, gf, gt, &err) != OM_OK || om_xwalk_apply_file(x, in, code, om_geo_vintage(gf), &r, &err) != OM_OK ||
        om_prov_set(prov, OM_PROV_GEOGRAPHY, "%s", om_geo_vintage(gt)) != OM_OK ||
        om_prov_set(prov, OM_PROV_CROSSWALK, "%s -> %s, largest remainder per source area",
                    om_geo_vintage(gf), om_geo_vintage(gt)) != OM_OK ||
        om_prov_input(prov, in, (int64_t)r->nin, &err) != OM_OK ||
        om_prov_input(prov, map, (int64_t)om_xwalk_nedges(x), &err) != OM_OK) {
        rc = om_cli_fail("crosswalk", &err);
        goto done;
    }
    if (report) {
        if (om_cli_out_open(&rf, report, &err) != OM_OK) {
            rc = om_cli_fail("crosswalk", &err);
            goto done;
        }
        om_xwalk_counts_write_changes(x, r, om_afile_stream(rf));
    }
    if (om_cli_out_open(&af, out, &err) != OM_OK) {
        rc = om_cli_fail("crosswalk", &err);
        goto done;
    }
    om_xwalk_counts_write(x, r, om_afile_stream(af));
    om_status cs = rf ? om_afile_commit(rf, &err) : OM_OK;
    rf = NULL;
    if (cs != OM_OK || (cs = om_afile_commit(af, &err), af = NULL, cs) != OM_OK) {
        rc = om_cli_fail("crosswalk", &err);
        goto done;
    }
    fprintf(stderr,
            "omrade crosswalk: %zu %s rows read: %d kept, %d split; %d rows written (%d merged)",
            r->nin, om_level_name(om_xwalk_level(x)), r->in_kept, r->in_split, r->nout,
            r->out_merged);
    if (r->sources_absent)
        fprintf(stderr, "; %d areas of the crosswalk not in the table", r->sources_absent);
    fputc('\n', stderr);
done:
    om_afile_abort(af);
    om_afile_abort(rf);
    om_xwalk_counts_free(r);
    om_xwalk_free(x);
    om_geo_free(gf);
    om_geo_free(gt);
    return rc;
}

const om_cli_cmd om_cli_cmd_crosswalk = {"crosswalk",
                                         "move count tables between geography vintages", run};

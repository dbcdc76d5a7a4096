/* omrade flows — persons moving between area types, per year. */
#define _GNU_SOURCE
#include "cli.h"
#include "linkopts.h"
#include "omrade/change.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade flows --persons FILE --residence FILE... --types FILE...\n"
            "                    [--type-year YEAR] [--years A-B] --out FILE [--net FILE]\n\n"
            "For each year Y, every person registered on 31 December of Y-1 or of Y, by\n"
            "the area type of the residence on 31 Dec Y-1 (from_type) and on 31 Dec Y\n"
            "(to_type), whether the person moved (another area, both years registered),\n"
            "sex, age band (Y minus birth year: 0-19, 20-64, 65+) and born in Sweden or\n"
            "abroad.  A type is 1..5, 'untyped' (area without a type) or 'out' (not\n"
            "registered: born, immigrated, emigrated or died).  Each person-year is\n"
            "counted once, non-movers included.  Inputs as 'omrade link' reads them.\n\n"
            "output columns:\n"
            "  year,from_type,to_type,moved,sex,age_band,born,persons   (non-empty cells)\n"
            "--net FILE: per year and type the balancing equation\n"
            "  year,area_type,stock_from,moved_in,moved_out,arrived,left,reclass_in,\n"
            "  reclass_out,stock_to\n"
            "(stock_to = stock_from + moved_in - moved_out + arrived - left + reclass_in\n"
            "- reclass_out; reclass = stayers whose area changed type).\n\n"
            "options:\n"
            "  --persons FILE     lopnr,sex,birth_date,country_group,death_date\n"
            "  --residence FILE   lopnr,year,deso (or regso); may be repeated\n"
            "  --types FILE       area types (any layout 'omrade types' reads); repeatable\n"
            "  --type-year YEAR   classify both years with the types of YEAR (default:\n"
            "                     each year's own types, so reclassification shows)\n"
            "  --years A-B        destination years (default: all with a previous year)\n"
            "  --out FILE         the flow table (atomically; '-' = stdout)\n"
            "  --net FILE         the net flows per type\n"
            "  --threads N        threads for loading (default 2)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade synth --scale 0.01 --out syn\n"
            "  omrade indicators syn --out counts.csv && omrade sei counts.csv --out types.csv\n"
            "  omrade flows --persons syn/persons.csv --residence syn/residence.csv \\\n"
            "      --types types.csv --type-year 2023 --out flows.csv --net net.csv\n");
}

static int parse_years(const char *s, int *a, int *b)
{
    char *end;
    long x = strtol(s, &end, 10), y = x;
    if (*end == '-')
        y = strtol(end + 1, &end, 10);
    if (*end || x < 1000 || y > 9999 || x > y)
        return 0;
    *a = (int)x;
    *b = (int)y;
    return 1;
}

static om_status write_to(const char *path, const om_flows *f, bool net, om_error *err)
{
    om_afile *af = NULL;
    om_status st = om_cli_out_open(&af, path, err);
    if (st != OM_OK)
        return st;
    st = net ? om_flows_write_net_csv(f, om_afile_stream(af), err)
             : om_flows_write_csv(f, om_afile_stream(af), err);
    if (st != OM_OK) {
        om_afile_abort(af);
        return st;
    }
    return om_afile_commit(af, err);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {CLI_LINK_LONGOPTS,
                                         {"years", required_argument, 0, 'y'},
                                         {"out", required_argument, 0, 'o'},
                                         {"net", required_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    cli_link_inputs in;
    memset(&in, 0, sizeof in);
    om_flows_options fo = {0, 0, 0};
    const char *out = NULL, *netf = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        long long v;
        switch (c) {
        case 'y':
            if (!parse_years(optarg, &fo.year_first, &fo.year_last))
                return om_cli_usage("flows", "expected --years A-B (e.g. 2015-2023), found '%s'",
                                    optarg);
            break;
        case 'o': out = optarg; break;
        case 'n': netf = optarg; break;
        case 'h': help(stdout); return 0;
        case 1017: /* --type-year: an absolute year here, not link's offset */
            if (!om_cli_parse_int(optarg, 1000, 9999, &v))
                return om_cli_usage("flows", "expected a four-digit year after --type-year, found '%s'",
                                    optarg);
            fo.type_year = (int32_t)v;
            break;
        case 1015:
        case 1016:
        case 1018:
            return om_cli_usage("flows", "'%s' is a linkage method option of link and rates; flows "
                                         "uses residence on 31 Dec of Y-1 and Y",
                                argv[optind - 1]);
        OM_CLI_PROVENANCE_CASE;
        default: {
            int h = cli_link_option("flows", c, &in);
            if (h == 2)
                return 2;
            if (h == 0)
                return om_cli_usage("flows", "unknown option or missing value: '%s'",
                                    argv[optind - 1]);
        }
        }
    }
    if (optind != argc)
        return om_cli_usage("flows", "unexpected argument '%s'", argv[optind]);
    int rc = cli_link_check("flows", &in);
    if (rc)
        return rc;
    if (!in.ntypes)
        return om_cli_usage("flows", "expected --types FILE");
    if (!out)
        return om_cli_usage("flows", "expected --out FILE");
    om_geo *g = NULL;
    om_link *l = NULL;
    om_flows *f = NULL;
    if ((rc = cli_link_load("flows", &in, &g, &l)) != 0)
        return rc;
    om_error err = OM_ERROR_INIT;
    om_status st = om_flows_run(&f, l, &fo, &err);
    if (st == OM_OK) {
        om_cli_prov_start("flows", argc, argv);
        st = om_prov_input(om_cli_prov(), in.persons, -1, &err);
        for (size_t i = 0; i < in.nres && st == OM_OK; i++)
            st = om_prov_input(om_cli_prov(), in.residence[i], -1, &err);
        for (size_t i = 0; i < in.ntypes && st == OM_OK; i++)
            st = om_prov_input(om_cli_prov(), in.types[i], -1, &err);
        if (fo.type_year)
            om_prov_set(om_cli_prov(), OM_PROV_TYPE_YEARS, "%ld", (long)fo.type_year);
        else
            om_prov_set(om_cli_prov(), OM_PROV_TYPE_YEARS, "each residence year's own");
    }
    if (st == OM_OK)
        st = write_to(out, f, false, &err);
    if (st == OM_OK && netf)
        st = write_to(netf, f, true, &err);
    if (st != OM_OK)
        rc = om_cli_fail("flows", &err);
    else
        cli_link_report(stderr, "flows", l);
    om_flows_free(f);
    om_link_free(l);
    om_geo_free(g);
    return rc;
}

const om_cli_cmd om_cli_cmd_flows = {"flows", "persons moving between area types, per year", run};

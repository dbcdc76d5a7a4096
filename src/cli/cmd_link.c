/* omrade link — each person's linked area and area type per year, or a
 * cross-tabulation of area types under two linkage methods. */
#define _GNU_SOURCE
#include "linkopts.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade link --persons FILE --residence FILE --types FILE\n"
            "                   [--method M | --compare M1,M2] [--years A-B] [--out FILE]\n\n"
            "Links persons to an area and area type for each event year Y under a linkage\n"
            "method (persons registered on 31 Dec of Y-1 only):\n"
            "  dec31   residence on 31 Dec of Y-1, area type of year Y (default)\n"
            "  latest  latest residence in the data, latest area type year\n"
            "  prev    residence on 31 Dec of Y-1, area type of year Y-1\n"
            "Without --compare: one row per person and year: lopnr,year,method,area,regso,\n"
            "area_type.  With --compare M1,M2: the cross-tabulation\n"
            "year,method_a,method_b,type_a,type_b,persons (type empty = no area type) and,\n"
            "on stderr, the share of persons whose type differs.\n\n"
            "options:\n"
            "  --years A-B    event years (default: residence years + 1)\n"
            "  --out FILE     write to FILE instead of stdout (atomically)\n"
            "  column names and --threads as for omrade rates (see omrade rates --help)\n"
            OM_CLI_PROVENANCE_HELP "\nexample:\n"
            "  omrade link --persons persons.csv --residence residence.csv --types types.csv \\\n"
            "      --compare dec31,latest\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {CLI_LINK_LONGOPTS,
                                         {"method", required_argument, 0, 'm'},
                                         {"compare", required_argument, 0, 'c'},
                                         {"years", required_argument, 0, 'y'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    cli_link_inputs in;
    memset(&in, 0, sizeof in);
    int m1 = OM_LINK_DEC31, m2 = -1, yf = 0, yl = 0;
    const char *out = "-";
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int h = cli_link_option("link", c, &in);
        if (h == 1)
            continue;
        if (h == 2)
            return 2;
        switch (c) {
        case 'm':
            m1 = om_link_method_parse(optarg);
            if (m1 < 0)
                return om_cli_usage("link", "expected --method dec31, latest or prev, found '%s'",
                                    optarg);
            break;
        case 'c': {
            char a[32], b[32];
            const char *comma = strchr(optarg, ',');
            if (!comma || comma - optarg >= 32 || strlen(comma + 1) >= 32)
                return om_cli_usage("link", "expected --compare M1,M2, found '%s'", optarg);
            snprintf(a, sizeof a, "%.*s", (int)(comma - optarg), optarg);
            snprintf(b, sizeof b, "%s", comma + 1);
            m1 = om_link_method_parse(a);
            m2 = om_link_method_parse(b);
            if (m1 < 0 || m2 < 0)
                return om_cli_usage("link",
                                    "expected --compare with two of dec31, latest, prev, found '%s'",
                                    optarg);
            break;
        }
        case 'y': {
            char tail;
            if (sscanf(optarg, "%d-%d%c", &yf, &yl, &tail) != 2 &&
                !(sscanf(optarg, "%d%c", &yf, &tail) == 1 && (yl = yf)))
                return om_cli_usage("link", "expected --years YYYY or YYYY-YYYY, found '%s'", optarg);
            if (yf < 1900 || yl > 2100 || yf > yl)
                return om_cli_usage("link", "expected --years YYYY or YYYY-YYYY, found '%s'", optarg);
            break;
        }
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("link", "bad option");
        }
    }
    if (optind < argc)
        return om_cli_usage("link", "unexpected argument '%s'", argv[optind]);
    int rc = cli_link_check("link", &in);
    if (rc)
        return rc;
    if (!in.types)
        return om_cli_usage("link", "expected --types FILE");
    om_geo *g = NULL;
    om_link *l = NULL;
    rc = cli_link_load("link", &in, &g, &l);
    if (rc)
        return rc;
    int y0, y1;
    om_link_years(l, &y0, &y1);
    if (!yf) {
        yf = y0 + 1;
        yl = y1 + 1;
    }
    om_error err = OM_ERROR_INIT;
    if (yf - 1 < y0 || yl - 1 > y1) {
        om_link_free(l);
        om_geo_free(g);
        return om_cli_usage("link",
                            "expected event years within %d-%d (residence on 31 Dec of the "
                            "previous year is needed), found %d-%d",
                            y0 + 1, y1 + 1, yf, yl);
    }
    om_afile *af = NULL;
    om_cli_prov_start("link", argc, argv);
    int ty0, ty1;
    om_link_type_years(l, &ty0, &ty1);
    om_prov_set(om_cli_prov(), OM_PROV_TYPE_YEARS, "%d-%d", ty0, ty1);
    if (m2 >= 0)
        om_prov_set(om_cli_prov(), OM_PROV_LINKAGE, "%s compared with %s",
                    om_link_method_name((om_link_method)m1), om_link_method_name((om_link_method)m2));
    else
        om_prov_set(om_cli_prov(), OM_PROV_LINKAGE, "%s", om_link_method_name((om_link_method)m1));
    om_prov_input(om_cli_prov(), in.persons, -1, NULL);
    for (size_t i = 0; i < in.nres; i++)
        om_prov_input(om_cli_prov(), in.residence[i], -1, NULL);
    om_prov_input(om_cli_prov(), in.types, -1, NULL);
    if (om_cli_out_open(&af, out, &err) != OM_OK) {
        om_link_free(l);
        om_geo_free(g);
        return om_cli_fail("link", &err);
    }
    FILE *fp = om_afile_stream(af);
    om_level lv = om_link_area_level(l);
    cli_link_report(stderr, "link", l);
    if (m2 >= 0) {
        fputs("year,method_a,method_b,type_a,type_b,persons\n", fp);
        for (int y = yf; y <= yl; y++) {
            int64_t tab[6][6];
            double share;
            om_link_compare(l, y, (om_link_method)m1, (om_link_method)m2, tab, &share);
            int64_t total = 0, notype = 0;
            for (int a = 0; a < 6; a++)
                for (int b = 0; b < 6; b++) {
                    total += tab[a][b];
                    if (!a || !b)
                        notype += tab[a][b];
                    if (!tab[a][b])
                        continue;
                    fprintf(fp, "%d,%s,%s,", y, om_link_method_name((om_link_method)m1),
                            om_link_method_name((om_link_method)m2));
                    if (a)
                        fprintf(fp, "%d", a);
                    fputc(',', fp);
                    if (b)
                        fprintf(fp, "%d", b);
                    fprintf(fp, ",%" PRId64 "\n", tab[a][b]);
                }
            char pct[32];
            if (isfinite(share))
                om_fmt_fixed(pct, sizeof pct, 100 * share, 2);
            else
                snprintf(pct, sizeof pct, "-");
            fprintf(stderr,
                    "omrade link: %d: %s vs %s: %s %% of %" PRId64
                    " persons with a type under both have a different area type (%" PRId64
                    " without a type under one of them)\n",
                    y, om_link_method_name((om_link_method)m1),
                    om_link_method_name((om_link_method)m2), pct, total - notype, notype);
        }
    } else {
        fprintf(fp, "lopnr,year,method,%s,regso,area_type\n", om_level_name(lv));
        size_t n = om_link_persons(l);
        for (int y = yf; y <= yl; y++)
            for (uint32_t p = 0; p < n; p++) {
                int type;
                int32_t a = om_link_area(l, p, y, (om_link_method)m1, &type);
                if (a < 0)
                    continue;
                fprintf(fp, "%" PRId64 ",%d,%s,%s,%s,", om_link_lopnr(l, p), y,
                        om_link_method_name((om_link_method)m1), om_geo_code(g, lv, a),
                        om_geo_code(g, OM_LEVEL_REGSO, om_geo_parent(g, lv, a, OM_LEVEL_REGSO)));
                if (type)
                    fprintf(fp, "%d", type);
                fputc('\n', fp);
            }
    }
    om_link_free(l);
    om_geo_free(g);
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("link", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_link = {
    "link", "link persons to area and area type by year; compare linkage methods", run};

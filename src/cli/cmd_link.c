/* omrade link — each person's linked area and area type per statistics
 * year under a linkage method, or the area types under several methods
 * cross-tabulated. */
#define _GNU_SOURCE
#include "linkopts.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade link --persons FILE --residence FILE --types FILE [--types FILE...]\n"
            "                   [--method M] [--residence-year R] [--type-year T]\n"
            "                   [--compare M1,M2[,M3...]] [--type-fallback nearest]\n"
            "                   [--years A-B] [--out FILE]\n\n"
            "Links persons to an area and area type for each statistics year Y under a\n"
            "linkage method: a residence year and an area-type year relative to Y.  Area\n"
            "types are published a year after RegSO, so the latest year cannot use both\n"
            "of year Y; Socialstyrelsen's two ways are sos1 and sos2.\n\n");
    cli_link_method_help(fp);
    fprintf(fp,
            "\nA type year missing from the types is an error naming it, unless\n"
            "--type-fallback nearest (then the rows are counted on stderr and the\n"
            "type_year column differs from type_year_wanted).  --types may be repeated;\n"
            "files are merged (long area,year,area_type or SCB's export, any years).\n\n"
            "Without --compare: one row per person and year:\n"
            "  lopnr,year,method,residence_year,type_year,type_year_wanted,deso,regso,area_type\n"
            "With --compare M1,M2[,...] (presets or R/T, e.g. Y/Y-1): for every pair of\n"
            "methods the cross-tabulation of the persons registered under both\n"
            "  year,method_a,residence_year_a,type_year_a,type_year_wanted_a,method_b,\n"
            "  residence_year_b,type_year_b,type_year_wanted_b,type_a,type_b,persons\n"
            "(type empty = no area type) and, on stderr, the share of persons whose area\n"
            "type differs.\n\n"
            "options:\n"
            "  --years A-B    statistics years (default: every year all methods can link)\n"
            "  --out FILE     write to FILE instead of stdout (atomically)\n"
            "  column names and --threads as for omrade rates (see omrade rates --help)\n"
            OM_CLI_PROVENANCE_HELP "\nexample:\n"
            "  omrade link --persons persons.csv --residence residence.csv \\\n"
            "      --types types-2022.csv --types types-2023.csv --compare sos1,sos2,dec31\n");
}

#define MAX_METHODS 8

static void note_substituted(const char *name, const om_link_plan *p, int64_t rows)
{
    if (p->type_year != p->type_year_wanted)
        fprintf(stderr,
                "omrade link: %d: %s: area types of %d are not in the types; the nearest year "
                "%d used for %" PRId64 " persons\n",
                p->year, name, p->type_year_wanted, p->type_year, rows);
}

/* How two methods' area types differ, on stderr. */
static void note_compare(int y, const char *a, const char *b, const om_link_comparison *cmp, int64_t both)
{
    char pct[32];
    if (isfinite(cmp->share))
        om_fmt_fixed(pct, sizeof pct, 100 * cmp->share, 2);
    else
        snprintf(pct, sizeof pct, "-");
    fprintf(stderr,
            "omrade link: %d: %s vs %s: %s %% of %" PRId64
            " persons with a type under both have a different area type (%" PRId64
            " without a type under one of them, %" PRId64 " registered under one only)\n",
            y, a, b, pct, cmp->typed_both, both - cmp->typed_both, cmp->only_a + cmp->only_b);
}

/* --compare M1,M2[,...]: 0 or the exit code. */
static int parse_compare(const char *arg, cli_method *ms, size_t *nm)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", arg);
    *nm = 0;
    char *save = NULL;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (*nm == MAX_METHODS)
            return om_cli_usage("link", "expected at most %d methods in --compare", MAX_METHODS);
        if (!cli_method_parse(tok, &ms[(*nm)++]))
            return om_cli_usage("link",
                                "expected --compare with methods sos1, sos2, dec31, prev, "
                                "latest or R/T (R, T: Y, Y-1, latest), found '%s'",
                                tok);
    }
    if (*nm < 2)
        return om_cli_usage("link", "expected --compare M1,M2[,...], found '%s'", arg);
    return 0;
}

/* The statistics years (*yf..*yl; 0: every year the methods can link) and
 * every (year, method)'s plan, resolved before anything is written: a
 * missing type year stops here.  0 or the exit code. */
static int make_plans(const om_link *l, const cli_method *ms, size_t nm, om_link_fallback fallback, int *yfp,
                      int *ylp, om_link_plan **out)
{
    int yf = *yfp, yl = *ylp;
    om_error err = OM_ERROR_INIT;
    om_link_method mm[MAX_METHODS];
    for (size_t i = 0; i < nm; i++)
        mm[i] = ms[i].m;
    int df, dl;
    bool any = om_link_stat_years(l, mm, nm, &df, &dl);
    if (!yf) {
        yf = df;
        yl = dl;
    }
    if (!any || yf < df || yl > dl) {
        int y0, y1;
        om_link_years(l, &y0, &y1);
        if (!any)
            return om_cli_usage("link", "expected residence data for a statistics year every "
                                        "method can link, found none (residence %d-%d)",
                                y0, y1);
        return om_cli_usage("link",
                            "expected statistics years within %d-%d (the residence years of "
                            "the method%s in %d-%d), found %d-%d",
                            df, dl, nm > 1 ? "s" : "", y0, y1, yf, yl);
    }
    om_link_plan *plans = calloc((size_t)(yl - yf + 1) * nm, sizeof *plans);
    if (!plans) {
        om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        return om_cli_fail("link", &err);
    }
    for (int y = yf; y <= yl; y++)
        for (size_t i = 0; i < nm; i++)
            if (om_link_plan_year(l, mm[i], y, fallback, &plans[(size_t)(y - yf) * nm + i], &err) != OM_OK) {
                free(plans);
                return om_cli_fail("link", &err);
            }
    *yfp = yf;
    *ylp = yl;
    *out = plans;
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {CLI_LINK_LONGOPTS,
                                         {"compare", required_argument, 0, 'c'},
                                         {"years", required_argument, 0, 'y'},
                                         OM_CLI_OUT_OPTS};
    cli_link_inputs in;
    memset(&in, 0, sizeof in);
    cli_method ms[MAX_METHODS];
    size_t nm = 0;
    bool compare = false;
    int yf = 0, yl = 0;
    const char *out = "-";
    int c, rc;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        int h = cli_link_option("link", c, &in);
        if (h == 1)
            continue;
        if (h == 2)
            return 2;
        switch (c) {
        case 'c':
            compare = true;
            if ((rc = parse_compare(optarg, ms, &nm)) != 0)
                return rc;
            break;
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
    rc = cli_link_check("link", &in);
    if (rc)
        return rc;
    if (!in.ntypes)
        return om_cli_usage("link", "expected --types FILE");
    if (compare && (in.method || in.res_set || in.type_set))
        return om_cli_usage("link", "expected either --compare or --method/--residence-year/"
                                    "--type-year, found both");
    if (!compare && (rc = cli_link_method("link", &in, &ms[nm++])) != 0)
        return rc;
    om_geo *g = NULL;
    om_link *l = NULL;
    rc = cli_link_load("link", &in, &g, &l);
    if (rc)
        return rc;
    om_link_plan *plans = NULL;
    if ((rc = make_plans(l, ms, nm, in.fallback, &yf, &yl, &plans)) != 0) {
        om_link_free(l);
        om_geo_free(g);
        return rc;
    }
    om_error err = OM_ERROR_INIT;
    om_afile *af = NULL;
    om_cli_prov_start("link", argc, argv);
    cli_link_prov(&in, ms, nm, plans, (size_t)(yl - yf + 1) * nm);
    if (om_cli_out_open(&af, out, &err) != OM_OK) {
        free(plans);
        om_link_free(l);
        om_geo_free(g);
        return om_cli_fail("link", &err);
    }
    FILE *fp = om_afile_stream(af);
    cli_link_report(stderr, "link", l);
    if (compare) {
        om_link_write_compare_header(fp);
        for (int y = yf; y <= yl; y++) {
            const om_link_plan *py = &plans[(size_t)(y - yf) * nm];
            for (size_t i = 0; i < nm; i++)
                note_substituted(ms[i].name, &py[i], om_link_count_linked(l, &py[i]));
            for (size_t i = 0; i < nm; i++)
                for (size_t k = i + 1; k < nm; k++) {
                    om_link_comparison cmp;
                    om_link_compare(l, &py[i], &py[k], &cmp);
                    int64_t both = om_link_write_compare(fp, y, ms[i].name, &py[i], ms[k].name, &py[k], &cmp);
                    note_compare(y, ms[i].name, ms[k].name, &cmp, both);
                }
        }
    } else {
        om_link_write_header(fp, l);
        for (int y = yf; y <= yl; y++)
            note_substituted(ms[0].name, &plans[y - yf],
                             om_link_write_year(fp, l, g, ms[0].name, &plans[y - yf], y));
    }
    free(plans);
    om_link_free(l);
    om_geo_free(g);
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("link", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_link = {
    "link", "link persons to area and area type by year; compare linkage methods", run};

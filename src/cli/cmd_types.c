/* omrade types — area types summarised for riket, län and kommun. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/sei.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade types FILE [--population FILE] [--out FILE] [--pretty]\n\n"
            "Counts and shares of RegSO (and of population) per area type for riket, each\n"
            "län and each kommun.  FILE ('-' = stdin) is a CSV with columns\n"
            "area,year,area_type, e.g. the output of 'omrade sei'; area is a RegSO code\n"
            "or a 'Kommun (RegSO)' label; an empty area_type counts as unclassified and\n"
            "is left out of the shares.  A file without an area column is read as\n"
            "SCB's published table of area types (000005QX) as downloaded (CSV or .xlsx).\n\n"
            "output columns (long form, shares in percent):\n"
            "  year,level,code,name,area_type,n_areas,share_areas,population,share_population\n"
            "level is riket, lan or kommun; area_type is 1..5, plus a row '1-2' per unit\n"
            "with types 1 and 2 together (the share of population in types 1-2).\n"
            "Population columns are empty without --population.\n\n"
            "options:\n"
            "  --population FILE  CSV area,year,population (RegSO); years with population\n"
            "                     rows need one for every RegSO with a type\n"
            "  --out FILE         write the CSV to FILE (atomically) instead of stdout\n"
            "  --pretty           a readable table instead of CSV: per unit the number of\n"
            "                     RegSO, the percent in each type and the percent of\n"
            "                     population in types 1-2 (of RegSO without --population)\n"
            OM_CLI_PROVENANCE_HELP "\nexample:\n"
            "  omrade sei examples/sei/regso-2022.csv --out types.csv\n"
            "  omrade types types.csv --population examples/sei/regso-population-2022.csv --pretty\n"
            "  omrade types data/scb/regso-omradestyp-2023.csv --pretty\n");
}

/* Print s padded or cut to `width` characters (UTF-8 code points). */
static void put_padded(FILE *fp, const char *s, int width)
{
    int n = 0;
    const char *p = s;
    while (*p && n < width) {
        const char *q = p + 1;
        while ((*q & 0xC0) == 0x80)
            q++;
        fwrite(p, 1, (size_t)(q - p), fp);
        p = q;
        n++;
    }
    for (; n < width; n++)
        fputc(' ', fp);
}

static void put_pct(FILE *fp, double v, int width)
{
    char b[32];
    om_fmt_fixed(b, sizeof b, v, 1);
    fprintf(fp, " %*s", width, *b ? b : "-");
}

static void pretty(FILE *fp, const om_types *t, const om_geo *g)
{
    size_t nrows = om_types_row_count(t);
    int32_t cur_year = -1;
    bool with_pop = false;
    for (size_t i = 0; i + 5 < nrows; i += 6) {
        const om_types_row *r = om_types_row_at(t, i);
        if (r->year != cur_year) {
            cur_year = r->year;
            const om_types_year *y = NULL;
            for (size_t k = 0; k < om_types_year_count(t); k++)
                if (om_types_year_at(t, k)->year == cur_year)
                    y = om_types_year_at(t, k);
            fprintf(fp, "%sArea types %ld: %ld RegSO with a type, %ld unclassified, %ld absent\n",
                    i ? "\n" : "", (long)cur_year, (long)y->n_typed, (long)y->n_unclassified,
                    (long)y->n_absent);
            fprintf(fp, "%-6s %-4s ", "level", "code");
            put_padded(fp, "name", 24);
            fprintf(fp, " %6s %6s %6s %6s %6s %6s %8s\n", "RegSO", "1 %", "2 %", "3 %", "4 %",
                    "5 %", y->has_population ? "pop1-2 %" : "1-2 %");
            with_pop = y->has_population;
        }
        int64_t n = 0;
        for (int k = 0; k < 5; k++)
            n += om_types_row_at(t, i + (size_t)k)->n_areas;
        fprintf(fp, "%-6s %-4s ", om_level_name(r->level), om_geo_code(g, r->level, r->idx));
        put_padded(fp, om_geo_name(g, r->level, r->idx), 24);
        fprintf(fp, " %6lld", (long long)n);
        for (int k = 0; k < 5; k++)
            put_pct(fp, om_types_row_at(t, i + (size_t)k)->share_areas, 6);
        const om_types_row *r12 = om_types_row_at(t, i + 5);
        put_pct(fp, with_pop ? r12->share_population : r12->share_areas, 8);
        fputc('\n', fp);
    }
}

static void report(const om_types *t)
{
    for (size_t k = 0; k < om_types_year_count(t); k++) {
        const om_types_year *y = om_types_year_at(t, k);
        if (!y->has_types) {
            fprintf(stderr, "omrade types: %ld: %ld population rows unused: no area types for %ld\n",
                    (long)y->year, (long)y->n_pop_unused, (long)y->year);
            continue;
        }
        if (y->n_unclassified || y->n_absent)
            fprintf(stderr,
                    "omrade types: %ld: %ld RegSO without a type left out of the shares (%ld with "
                    "an empty area_type, %ld not in the input)\n",
                    (long)y->year, (long)(y->n_unclassified + y->n_absent),
                    (long)y->n_unclassified, (long)y->n_absent);
        if (y->n_pop_unused)
            fprintf(stderr, "omrade types: %ld: %ld population rows for RegSO without a type unused\n",
                    (long)y->year, (long)y->n_pop_unused);
    }
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"population", required_argument, 0, 'p'},
                                         {"out", required_argument, 0, 'o'},
                                         {"pretty", no_argument, 0, 'P'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = "-", *popf = NULL;
    bool want_pretty = false;
    int c;
    opterr = 0; /* one error line, ours */
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': popf = optarg; break;
        case 'o': out = optarg; break;
        case 'P': want_pretty = true; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default:
            return om_cli_usage("types", "unknown option or missing value: '%s'",
                                argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return om_cli_usage("types", "expected one input FILE (or '-' for stdin)");
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    om_types *t = NULL;
    int rc = 0;
    if (om_geo_new_builtin(&g, &err) != OM_OK || om_types_new(&t, g, &err) != OM_OK ||
        om_types_read(t, argv[optind], &err) != OM_OK ||
        (popf && om_types_read_population(t, popf, &err) != OM_OK) ||
        om_types_compute(t, &err) != OM_OK) {
        rc = om_cli_fail("types", &err);
        goto done;
    }
    om_cli_prov_start("types", argc, argv);
    char years[256] = "";
    for (size_t k = 0, n = 0; k < om_types_year_count(t) && n + 8 < sizeof years; k++)
        if (om_types_year_at(t, k)->has_types)
            n += (size_t)snprintf(years + n, sizeof years - n, n ? " %ld" : "%ld",
                                  (long)om_types_year_at(t, k)->year);
    om_prov_set(om_cli_prov(), OM_PROV_TYPE_YEARS, "%s", years);
    om_afile *af = NULL;
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        (popf && om_prov_input(om_cli_prov(), popf, -1, &err) != OM_OK) ||
        (want_pretty ? om_afile_open(&af, out, &err) : om_cli_out_open(&af, out, &err)) != OM_OK) {
        rc = om_cli_fail("types", &err);
        goto done;
    }
    if (want_pretty) {
        pretty(om_afile_stream(af), t, g);
    } else if (om_types_write_csv(t, om_afile_stream(af), &err) != OM_OK) {
        om_afile_abort(af);
        rc = om_cli_fail("types", &err);
        goto done;
    }
    if (om_afile_commit(af, &err) != OM_OK) {
        rc = om_cli_fail("types", &err);
        goto done;
    }
    report(t);
done:
    om_types_free(t);
    om_geo_free(g);
    return rc;
}

const om_cli_cmd om_cli_cmd_types = {
    "types", "area types summarised for riket, län and kommun (RegSO and population)", run};

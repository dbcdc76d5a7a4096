/* omrade transitions — RegSO moving between area types, per pair of years. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/change.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade transitions FILE... [--population FILE] --out FILE\n\n"
            "For every pair of consecutive years with area types, the 5x5 matrix of RegSO\n"
            "(and of their population) going from one area type to another, for riket\n"
            "(code 00), each län and each kommun; unchanged RegSO are the diagonal.\n"
            "FILE is any area-type file 'omrade types' reads: the long layout\n"
            "area,year,area_type (e.g. 'omrade sei' output) or SCB's published export\n"
            "(000005QX, CSV or .xlsx); several files and years are merged.  A RegSO typed\n"
            "in only one of two years is outside that matrix (counted on stderr).\n\n"
            "output columns (long form, all 25 cells per unit, zeros included):\n"
            "  from_year,to_year,level,code,from_type,to_type,n_areas,population\n"
            "population is the RegSO's population in from_year; empty without\n"
            "--population.\n\n"
            "options:\n"
            "  --population FILE  CSV area,year,population (RegSO)\n"
            "  --out FILE         write the CSV to FILE (atomically; '-' = stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade transitions data/scb/regso-omradestyp-2022.csv \\\n"
            "      data/scb/regso-omradestyp-2023.csv --out transitions.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"population", required_argument, 0, 'p'},
                                         OM_CLI_OUT_OPTS};
    const char *out = NULL, *popf = NULL;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'p': popf = optarg; break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default:
            return om_cli_usage("transitions", "unknown option or missing value: '%s'",
                                argv[optind - 1]);
        }
    }
    if (optind >= argc)
        return om_cli_usage("transitions", "expected at least one area-type FILE");
    if (!out)
        return om_cli_usage("transitions", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    om_transitions *t = NULL;
    int rc = 0;
    om_status st = om_geo_new_builtin(&g, &err);
    if (st == OM_OK)
        st = om_transitions_new(&t, g, &err);
    for (int i = optind; i < argc && st == OM_OK; i++)
        st = om_transitions_read(t, argv[i], &err);
    if (st == OM_OK && popf)
        st = om_transitions_read_population(t, popf, &err);
    if (st == OM_OK)
        st = om_transitions_compute(t, &err);
    if (st != OM_OK) {
        rc = om_cli_fail("transitions", &err);
        goto done;
    }
    if (om_transitions_pair_count(t) == 0) {
        const om_areatypes *a = om_transitions_types(t);
        size_t n = 0;
        for (size_t k = 0; k < om_areatypes_nyears(a); k++)
            n += om_areatypes_ntyped(a, om_areatypes_year_at(a, k)) > 0;
        rc = om_cli_usage("transitions", "expected area types of at least two years, found %zu", n);
        goto done;
    }
    om_cli_prov_start("transitions", argc, argv);
    char years[256] = "";
    const om_areatypes *at = om_transitions_types(t);
    for (size_t k = 0, n = 0; k < om_areatypes_nyears(at) && n + 8 < sizeof years; k++)
        if (om_areatypes_ntyped(at, om_areatypes_year_at(at, k)) > 0)
            n += (size_t)snprintf(years + n, sizeof years - n, n ? " %ld" : "%ld",
                                  (long)om_areatypes_year_at(at, k));
    om_prov_set(om_cli_prov(), OM_PROV_TYPE_YEARS, "%s", years);
    om_afile *af = NULL;
    for (int i = optind; i < argc && st == OM_OK; i++)
        st = om_prov_input(om_cli_prov(), argv[i], -1, &err);
    if (st == OM_OK && popf)
        st = om_prov_input(om_cli_prov(), popf, -1, &err);
    if (st == OM_OK)
        st = om_cli_out_open_fixed(&af, out, &err);
    if (st == OM_OK && (st = om_transitions_write_csv(t, om_afile_stream(af), &err)) != OM_OK)
        om_afile_abort(af);
    if (st == OM_OK)
        st = om_afile_commit(af, &err);
    if (st != OM_OK) {
        rc = om_cli_fail("transitions", &err);
        goto done;
    }
    const om_areatypes_stats *s = om_areatypes_stats_get(at);
    if (s->missing)
        fprintf(stderr, "omrade transitions: %lld empty or '..' area types (unclassified RegSO)\n",
                (long long)s->missing);
    for (size_t k = 0; k < om_transitions_pair_count(t); k++) {
        const om_transition_pair *p = om_transitions_pair_at(t, k);
        fprintf(stderr,
                "omrade transitions: %ld-%ld: %lld RegSO typed both years, %lld changed type",
                (long)p->from_year, (long)p->to_year, (long long)p->n_areas,
                (long long)p->n_changed);
        if (p->n_untyped)
            fprintf(stderr, ", %lld typed in one year only or neither (outside the matrix)",
                    (long long)p->n_untyped);
        if (p->n_pop_unused)
            fprintf(stderr, ", %lld population rows of %ld unused (RegSO outside the matrix)",
                    (long long)p->n_pop_unused, (long)p->from_year);
        fputc('\n', stderr);
    }
done:
    om_transitions_free(t);
    om_geo_free(g);
    return rc;
}

const om_cli_cmd om_cli_cmd_transitions = {
    "transitions", "RegSO (and population) moving between area types, per pair of years", run};

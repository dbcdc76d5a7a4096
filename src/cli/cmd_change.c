/* omrade change — anchored area types, ΔSEI by part and how sure each type is. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/change.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade change FILE [--anchor YEAR] [--out FILE]\n\n"
            "Per area and year: SCB's SEI, z and area type (each year's own mean and SD),\n"
            "the anchored z and type (every year against the mean and SD of the --anchor\n"
            "year: NOT SCB's area types, but comparable over time), the change of SEI\n"
            "since the previous year split into its three parts (d_sei = d_low_econ +\n"
            "d_pre_upper + d_assist_unemp, each a share's change divided by 3), and, when\n"
            "FILE has counts, the binomial standard error of SEI, the probability of each\n"
            "area type (normal approximation), 'borderline' (within one SE of a type\n"
            "threshold) and 'change_in_noise' (type changed but |Δz| < one SE of Δz).\n"
            "FILE is an 'omrade sei' input (shares or counts) or its output.\n\n"
            "output columns:\n"
            "  area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type,\n"
            "  z_anchored,area_type_anchored,area_type_stable3,prev_year,d_sei,d_low_econ,\n"
            "  d_pre_upper,d_assist_unemp,se_sei,p_type1..p_type5,borderline,change_in_noise\n"
            "area_type_stable3 is the official type when it is the same in the year and\n"
            "the two previous years (empty otherwise), for allocation and sampling.\n"
            "A summary per year (borderline areas, type changes expected from noise\n"
            "alone: the sum over areas of 1 - sum_k p_k^2) and per pair of years goes to\n"
            "stderr.\n\n"
            "options:\n"
            "  --anchor YEAR  base year of the anchored types (default: none)\n"
            "  --out FILE     write the CSV to FILE (atomically) instead of stdout\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade change examples/sei/regso-2022.csv --out change-2022.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"anchor", required_argument, 0, 'a'},
                                         OM_CLI_OUT_OPTS};
    const char *out = "-";
    long long anchor = 0;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'a':
            if (!om_cli_parse_int(optarg, 1000, 9999, &anchor))
                return om_cli_usage("change", "expected a four-digit year after --anchor, found '%s'",
                                    optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default:
            return om_cli_usage("change", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return om_cli_usage("change", "expected one input FILE (or '-' for stdin)");
    om_error err = OM_ERROR_INIT;
    om_change_options opt = {(int32_t)anchor};
    om_change *ch = NULL;
    om_afile *af = NULL;
    int rc = 0;
    om_status st = om_change_read(&ch, argv[optind], &opt, &err);
    if (st == OM_OK) {
        om_cli_prov_start("change", argc, argv);
        st = om_prov_input(om_cli_prov(), argv[optind], -1, &err);
    }
    if (st == OM_OK)
        st = om_cli_out_open(&af, out, &err);
    if (st == OM_OK && (st = om_change_write_csv(ch, om_afile_stream(af), &err)) != OM_OK)
        om_afile_abort(af);
    if (st == OM_OK)
        st = om_afile_commit(af, &err);
    if (st != OM_OK) {
        rc = om_cli_fail("change", &err);
        goto done;
    }
    for (size_t k = 0; om_change_has_se(ch) && k < om_change_year_count(ch); k++) {
        const om_change_year *y = om_change_year_at(ch, k);
        char ef[32];
        om_fmt_fixed(ef, sizeof ef, y->expected_flips, 1);
        fprintf(stderr,
                "omrade change: %ld: %lld of %lld typed areas with a standard error, %lld "
                "borderline, %lld with p >= 0.95 for their type; %s type changes expected from "
                "noise alone\n",
                (long)y->year, (long long)y->n_se, (long long)y->n_typed,
                (long long)y->n_borderline, (long long)y->n_sure, ef);
    }
    for (size_t k = 0; k < om_change_pair_count(ch); k++) {
        const om_change_pair *p = om_change_pair_at(ch, k);
        fprintf(stderr, "omrade change: %ld-%ld: %lld areas typed both years, %lld changed type",
                (long)p->from_year, (long)p->to_year, (long long)p->n_both,
                (long long)p->n_changed);
        if (p->has_se)
            fprintf(stderr, " (%lld within the noise), %lld borderline in %ld",
                    (long long)p->n_changed_in_noise, (long long)p->n_borderline,
                    (long)p->to_year);
        if (anchor)
            fprintf(stderr, "; anchored to %lld: %lld changed type", anchor,
                    (long long)p->n_changed_anchored);
        fputc('\n', stderr);
    }
done:
    om_change_free(ch);
    return rc;
}

const om_cli_cmd om_cli_cmd_change = {
    "change", "anchored area types, ΔSEI by part, and how sure each area type is", run};

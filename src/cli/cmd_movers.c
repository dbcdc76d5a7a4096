/* omrade movers — how much of each area's change of SEI comes from people
 * moving in and out and how much from stayers (om_movers_run), and SEI's
 * standard error by a bootstrap over persons. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/change.h"
#include "omrade/synth.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp, "usage: omrade movers DIR [--level regso|deso] [--bootstrap N] [--seed S] [--out FILE]\n\n"
                "Read the microdata of 'omrade indicators' (DIR/persons.csv, residence.csv,\n"
                "person_year.csv) and write per area and year SEI from the persons, its binomial\n"
                "standard error and, with --bootstrap, its standard error by a Poisson bootstrap\n"
                "over persons; and the change of SEI since the previous year split in time order\n"
                "into out-movers leaving (d_sei_out), the stayers' own change (d_sei_stayers) and\n"
                "in-movers arriving (d_sei_in), for SEI and each of its three parts\n"
                "(docs/change.md).  The terms sum to d_sei.\n\n"
                "output columns:\n"
                "  area,year,persons,sei,se_sei_binomial,se_sei_bootstrap,prev_year,stayers,\n"
                "  in_movers,in_arrived,out_movers,out_left,d_sei,d_sei_out,d_sei_stayers,d_sei_in,\n"
                "  d_<part>_out,d_<part>_stayers,d_<part>_in for low_econ, pre_upper, assist_unemp\n\n"
                "options:\n"
                "  --level L      regso (default) or deso\n"
                "  --bootstrap N  bootstrap replicates per area and year (default 0: none)\n"
                "  --seed S       seed of the bootstrap (default 1)\n"
                "  --out FILE     write to FILE instead of stdout (atomically)\n" OM_CLI_PROVENANCE_HELP "\nexample:\n"
                "  omrade synth --scale 0.01 --out syn && omrade movers syn --bootstrap 200 --out movers.csv\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"level", required_argument, 0, 'l'},
                                         {"bootstrap", required_argument, 0, 'b'},
                                         {"seed", required_argument, 0, 's'},
                                         OM_CLI_OUT_OPTS};
    om_movers_options opt = {OM_LEVEL_REGSO, 0, 1};
    const char *out = "-";
    long long n;
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            opt.level = om_level_parse(optarg);
            if (opt.level != OM_LEVEL_REGSO && opt.level != OM_LEVEL_DESO)
                return om_cli_usage("movers", "expected --level regso or deso, found '%s'", optarg);
            break;
        case 'b':
            if (!om_cli_parse_int(optarg, 2, 100000, &n))
                return om_cli_usage("movers", "expected 2-100000 replicates after --bootstrap, found '%s'", optarg);
            opt.replicates = (int)n;
            break;
        case 's':
            if (!om_cli_parse_int(optarg, 0, INT64_MAX, &n))
                return om_cli_usage("movers", "expected a non-negative seed, found '%s'", optarg);
            opt.seed = (uint64_t)n;
            break;
        case 'o': out = optarg; break;
        case 'h':
            help(stdout);
            return 0;
            OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("movers", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("movers", "expected one directory DIR");
    om_error err = OM_ERROR_INIT;
    om_afile *af = NULL;
    om_sei_micro *m = NULL;
    om_movers *v = NULL;
    om_cli_prov_start("movers", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_LINKAGE, "residence on 31 December by lopnr (omrade synth layout)");
    om_progress pr = om_cli_progress();
    om_indicators_summary s;
    om_status st = om_prov_input(om_cli_prov(), argv[optind], -1, &err);
    if (st == OM_OK)
        st = om_sei_micro_load(&m, argv[optind], &pr, &s, &err);
    om_cli_progress_done();
    if (st == OM_OK)
        st = om_movers_run(&v, m, &opt, &err);
    if (st == OM_OK)
        st = om_cli_out_open(&af, out, &err);
    if (st == OM_OK && (st = om_movers_write_csv(v, om_afile_stream(af), &err)) != OM_OK)
        om_afile_abort(af);
    if (st == OM_OK)
        st = om_afile_commit(af, &err);
    int rc = 0;
    if (st != OM_OK) {
        rc = om_cli_fail("movers", &err);
        goto done;
    }
    if (s.rejected_residence || s.unlinked_person_year)
        fprintf(stderr,
                "omrade movers: %" PRId64 " residence rows rejected (unknown lopnr, year "
                "outside 2011-2024, unknown DeSO or duplicate), %" PRId64 " person-year rows without residence\n",
                s.rejected_residence, s.unlinked_person_year);
    const om_movers_summary *sm = om_movers_summary_of(v);
    fprintf(stderr,
            "omrade movers: %" PRId64 " area-years, %" PRId64 " with a previous year, %" PRId64 " decomposed, %" PRId64
            " not (a share without stayers in its denominator)",
            sm->rows, sm->with_prev, sm->decomposed, sm->not_decomposed);
    if (opt.replicates)
        fprintf(stderr, "; bootstrap undefined for %" PRId64 " (a replicate with an empty share)", sm->boot_failed);
    fputc('\n', stderr);
done:
    om_movers_free(v);
    om_sei_micro_free(m);
    return rc;
}

const om_cli_cmd om_cli_cmd_movers = {"movers", "SEI change split into in-movers, out-movers and stayers; bootstrap SE",
                                      run};

/* omrade synth — generate synthetic Sweden (om_synth_generate). */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/synth.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade synth --out DIR [--scale S] [--seed N] [--messy P] [--threads T]\n"
            "                    [--split-years] [--households]\n\n"
            "Generate a synthetic Swedish population 2011-2024 on the real DeSO geography,\n"
            "calibrated to SCB's DeSO tables and published 2023 area types: persons.csv,\n"
            "residence.csv, person_year.csv and the registers deaths.csv, admissions.csv,\n"
            "prescriptions.csv, dental.csv, births.csv (columns in docs/synth.md).\n\n"
            "options:\n"
            "  --out DIR       output directory (created if missing; required)\n"
            "  --scale S       fraction of the real population, 0.001-1 (default 0.01)\n"
            "  --seed N        random seed (default 1); same seed, same files\n"
            "  --messy P       rate of messy records (duplicates, unknown ids, dates\n"
            "                  outside 2011-2024, persons without residence), 0-0.5 (default 0)\n"
            "  --threads T     worker threads (default 2); output does not depend on it\n"
            "  --split-years   write year-bearing files as NAME_YEAR.csv\n"
            "  --households    also write households.csv: household, type, guardians and\n"
            "                  year moved in per person-year (docs/synth.md, Households)\n\n"
            "example:\n"
            "  omrade synth --scale 0.01 --seed 7 --out synth && omrade indicators synth\n");
}

static om_status synth_households(const om_synth_model *m, const char *dir, uint64_t seed,
                                  om_households_summary *hs, om_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/households.csv", dir);
    om_afile *af = NULL;
    om_status s = om_afile_open(&af, path, err);
    if (s != OM_OK)
        return s;
    s = om_synth_households(m, dir, seed, om_afile_stream(af), hs, err);
    if (s != OM_OK) {
        om_afile_abort(af);
        return s;
    }
    return om_afile_commit(af, err);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"scale", required_argument, 0, 's'},
                                         {"seed", required_argument, 0, 'S'},
                                         {"messy", required_argument, 0, 'm'},
                                         {"threads", required_argument, 0, 't'},
                                         {"split-years", no_argument, 0, 'y'},
                                         {"households", no_argument, 0, 'H'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    om_synth_options o;
    memset(&o, 0, sizeof o);
    o.scale = 0.01;
    o.seed = 1;
    o.threads = 2;
    const char *out = NULL;
    bool households = false;
    long long v;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's':
            if (!om_cli_parse_double(optarg, &o.scale) || !(o.scale >= 0.001 && o.scale <= 1))
                return om_cli_usage("synth", "expected --scale between 0.001 and 1, found '%s'", optarg);
            break;
        case 'S':
            if (!om_cli_parse_int(optarg, 0, INT64_MAX, &v))
                return om_cli_usage("synth", "expected --seed a non-negative integer, found '%s'", optarg);
            o.seed = (uint64_t)v;
            break;
        case 'm':
            if (!om_cli_parse_double(optarg, &o.messy) || !(o.messy >= 0 && o.messy <= 0.5))
                return om_cli_usage("synth", "expected --messy between 0 and 0.5, found '%s'", optarg);
            break;
        case 't':
            if (!om_cli_parse_int(optarg, 1, 64, &v))
                return om_cli_usage("synth", "expected --threads between 1 and 64, found '%s'", optarg);
            o.threads = (int)v;
            break;
        case 'y': o.split_years = true; break;
        case 'H': households = true; break;
        case 'h': help(stdout); return 0;
        default: return om_cli_usage("synth", "bad option");
        }
    }
    if (optind < argc)
        return om_cli_usage("synth", "unexpected argument '%s'", argv[optind]);
    if (!out)
        return om_cli_usage("synth", "expected --out DIR");
    if (households && o.split_years)
        return om_cli_usage("synth", "expected --households without --split-years");
    om_error err = OM_ERROR_INIT;
    om_synth_model *m = NULL;
    if (om_synth_model_new(&m, &err) != OM_OK)
        return om_cli_fail("synth", &err);
    o.progress = om_cli_progress();
    om_synth_summary s;
    om_status st = om_synth_generate(m, out, &o, &s, &err);
    om_cli_progress_done();
    om_households_summary hs;
    if (st == OM_OK && households)
        st = synth_households(m, out, o.seed, &hs, &err);
    om_synth_model_free(m);
    if (st != OM_OK)
        return om_cli_fail("synth", &err);
    fprintf(stderr,
            "omrade synth: %" PRId64 " persons, %" PRId64 " residence rows, %" PRId64
            " person-years; events: %" PRId64 " deaths, %" PRId64 " admissions, %" PRId64
            " prescriptions, %" PRId64 " dental, %" PRId64 " births",
            s.persons, s.residence, s.person_year, s.deaths, s.admissions, s.prescriptions,
            s.dental, s.births);
    if (o.messy > 0)
        fprintf(stderr,
                "; messy: %" PRId64 " duplicated, %" PRId64 " unknown ids, %" PRId64
                " bad dates, %" PRId64 " persons without residence",
                s.messy_duplicates, s.messy_unknown_ids, s.messy_bad_dates, s.messy_persons);
    if (households)
        fprintf(stderr,
                "; households: %" PRId64 ", children 0-17: %" PRId64 " (%" PRId64
                " with a single parent, %" PRId64 " without a guardian in the DeSO), living alone: %" PRId64,
                hs.households, hs.children, hs.single_parent_children, hs.children_without_guardian,
                hs.living_alone);
    fputc('\n', stderr);
    return 0;
}

const om_cli_cmd om_cli_cmd_synth = {"synth", "generate synthetic Sweden (persons, residence, registers)",
                                     run};

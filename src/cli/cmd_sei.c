/* omrade sei — socioeconomic index and area types per area and year. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/sei.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade sei FILE [--out FILE] [--summary] [--flags FILE] [--level L]\n\n"
            "Socioeconomic index (SEI) and area types 1-5 as SCB defines them for RegSO,\n"
            "for any list of areas (RegSO, DeSO, kommun, your own). FILE ('-' = stdin) is\n"
            "a CSV with columns area,year and either the shares in percent\n"
            "  low_econ_pct,pre_upper_pct,assist_unemp_pct\n"
            "or the counts\n"
            "  low_econ_n,low_econ_d,pre_upper_n,pre_upper_d,assist_unemp_n,assist_unemp_d\n"
            "SEI = mean of the three shares; per year z = (SEI - mean)/SD over all valid\n"
            "areas (unweighted, sample SD); type 1: z > 2, 2: 1 < z <= 2, 3: 0 < z <= 1,\n"
            "4: -1 <= z <= 0, 5: z < -1.  Empty or '..' values and zero denominators flag\n"
            "the row: it is excluded from mean and SD, its sei, z and area_type are left\n"
            "empty, and the flagged rows are counted on stderr.\n\n"
            "output columns: area,year,low_econ_pct,pre_upper_pct,assist_unemp_pct,sei,z,area_type\n\n"
            "options:\n"
            "  --out FILE     write the CSV to FILE (atomically) instead of stdout\n"
            "  --summary      print mean, SD and areas per type for each year (on stdout\n"
            "                 when --out is given, else on stderr)\n"
            "  --flags FILE   write the flagged rows as CSV area,year,line,reason,indicator\n"
            "  --level L      require every area to be a code of level L (deso, regso,\n"
            "                 kommun, lan) in the built-in geography; by default any\n"
            "                 area text is accepted (custom area lists)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade sei examples/sei/regso-2022.csv --out types.csv --summary\n");
}

static const char *const ind_name[OM_SEI_NIND] = {"low_econ", "pre_upper", "assist_unemp"};

static void print_summary(FILE *fp, const om_sei *s)
{
    fprintf(fp, "%4s %7s %7s %10s %10s %6s %6s %6s %6s %6s %7s\n", "year", "areas", "valid",
            "mean", "sd", "type1", "type2", "type3", "type4", "type5", "flagged");
    for (size_t k = 0; k < om_sei_year_count(s); k++) {
        const om_sei_year *y = om_sei_year_at(s, k);
        char m[40], sd[40];
        om_fmt_fixed(m, sizeof m, y->mean, 4);
        om_fmt_fixed(sd, sizeof sd, y->sd, 4);
        fprintf(fp, "%4ld %7lld %7lld %10s %10s", (long)y->year, (long long)y->n_rows,
                (long long)y->n_valid, *m ? m : "-", *sd ? sd : "-");
        for (int t = 1; t <= 5; t++)
            fprintf(fp, " %6lld", (long long)y->n_type[t]);
        fprintf(fp, " %7lld\n", (long long)y->n_type[0]);
    }
}

static int write_flags(const om_sei *s, const char *path)
{
    om_error err = OM_ERROR_INIT;
    om_afile *af = NULL;
    if (om_cli_out_open(&af, path, &err) != OM_OK)
        return om_cli_fail("sei", &err);
    FILE *fp = om_afile_stream(af);
    fputs("area,year,line,reason,indicator\n", fp);
    for (size_t i = 0; i < om_sei_count(s); i++) {
        const om_sei_row *r = om_sei_row_at(s, i);
        if (r->flag == OM_SEI_OK)
            continue;
        om_csv_write_str(fp, r->area);
        fprintf(fp, ",%ld,%ld,%s,%s\n", (long)r->year, r->line, om_sei_flag_name(r->flag),
                r->flag_indicator >= 0 ? ind_name[r->flag_indicator] : "");
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("sei", &err);
    return 0;
}

static void report_flags(const om_sei *s, const char *input)
{
    int64_t fc[4];
    om_sei_flag_counts(s, fc);
    int64_t total = fc[1] + fc[2] + fc[3];
    if (total == 0)
        return;
    const om_sei_row *first = NULL;
    for (size_t i = 0; i < om_sei_count(s) && !first; i++)
        if (om_sei_row_at(s, i)->flag != OM_SEI_OK)
            first = om_sei_row_at(s, i);
    fprintf(stderr,
            "omrade sei: %lld of %zu area-years flagged, excluded from mean and SD, with empty "
            "sei/z/area_type (%lld missing_value, %lld zero_denominator, %lld sd_undefined); "
            "first: %s:%ld: %s %ld %s%s%s\n",
            (long long)total, om_sei_count(s), (long long)fc[1], (long long)fc[2],
            (long long)fc[3], strcmp(input, "-") ? input : "<stdin>", first->line, first->area,
            (long)first->year, om_sei_flag_name(first->flag),
            first->flag_indicator >= 0 ? " in " : "",
            first->flag_indicator >= 0 ? ind_name[first->flag_indicator] : "");
}

/* --level: every area must be a registry code of that level. */
static int check_codes(const om_sei *s, om_level level, const char *input)
{
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    if (om_geo_new_builtin(&g, &err) != OM_OK)
        return om_cli_fail("sei", &err);
    int rc = 0;
    for (size_t i = 0; i < om_sei_count(s) && rc == 0; i++) {
        const om_sei_row *r = om_sei_row_at(s, i);
        if (om_geo_find(g, level, r->area, strlen(r->area)) < 0) {
            om_error_set(&err, OM_ERR_INPUT, strcmp(input, "-") ? input : "<stdin>", r->line, 0,
                         "expected a %s code of %s, found '%.60s'", om_level_name(level),
                         om_geo_vintage(g), r->area);
            rc = om_cli_fail("sei", &err);
        }
    }
    om_geo_free(g);
    return rc;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"summary", no_argument, 0, 's'},
                                         {"flags", required_argument, 0, 'f'},
                                         {"level", required_argument, 0, 'l'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = "-", *flags = NULL;
    bool summary = false;
    om_level level = OM_LEVEL_NONE;
    int c;
    opterr = 0; /* one error line, ours */
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': summary = true; break;
        case 'f': flags = optarg; break;
        case 'l':
            level = om_level_parse(optarg);
            if (level == OM_LEVEL_NONE || level == OM_LEVEL_RIKET)
                return om_cli_usage("sei", "unknown level '%s'", optarg);
            break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default:
            return om_cli_usage("sei", "unknown option or missing value: '%s'", argv[optind - 1]);
        }
    }
    if (optind != argc - 1)
        return om_cli_usage("sei", "expected one input FILE (or '-' for stdin)");
    const char *input = argv[optind];
    om_error err = OM_ERROR_INIT;
    om_cli_prov_start("sei", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_SEI,
                "SCB RegSO area types (table 000005QX): SEI = mean of 3 shares, z over valid "
                "areas per year, sample SD");
    om_sei *s = NULL;
    if (om_sei_read(&s, input, &err) != OM_OK || om_sei_compute(s, &err) != OM_OK) {
        om_sei_free(s);
        return om_cli_fail("sei", &err);
    }
    if (level != OM_LEVEL_NONE) {
        int rc = check_codes(s, level, input);
        if (rc) {
            om_sei_free(s);
            return rc;
        }
    }
    om_afile *af = NULL;
    if (om_prov_input(om_cli_prov(), input, (int64_t)om_sei_count(s), &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        om_sei_free(s);
        return om_cli_fail("sei", &err);
    }
    if (om_sei_write_csv(s, om_afile_stream(af), &err) != OM_OK) {
        om_afile_abort(af);
        om_sei_free(s);
        return om_cli_fail("sei", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK) {
        om_sei_free(s);
        return om_cli_fail("sei", &err);
    }
    int rc = 0;
    if (flags)
        rc = write_flags(s, flags);
    report_flags(s, input);
    if (summary)
        print_summary(strcmp(out, "-") ? stdout : stderr, s);
    om_sei_free(s);
    return rc;
}

const om_cli_cmd om_cli_cmd_sei = {"sei", "socioeconomic index and area types 1-5 per area and year",
                                   run};

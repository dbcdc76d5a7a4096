/* omrade lifeexp — life expectancy by group from deaths and population by
 * age band (Chiang II with Silcocks' variance, PHE's conventions). */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_AGE 150

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade lifeexp FILE [--level 95|99.8] --out FILE\n\n"
            "Life expectancy at the start of every age band, per group, from an abridged\n"
            "life table: Chiang's method II with Silcocks' variance for the open last band\n"
            "(a0 = 0.1, other bands 0.5), as PHE's calculator and PHEindicatormethods'\n"
            "phe_life_expectancy.  FILE is CSV with header group,start_age,pop,deaths: one\n"
            "row per group and band, bands given by their start ages (e.g. 0, 1, 5, 10, ...,\n"
            "90); the last band is open.  pop may be person-years.\n"
            "Output, one row per group (input order) and band start age:\n"
            "  group,age,le,lower,upper,note\n"
            "Empty values are explained in note: a group is not reported when a band has\n"
            "no population or more deaths than population, the open band has no deaths,\n"
            "its total population is 5,000 or less, or it lacks a band other groups have;\n"
            "a value (not its limits) is suppressed when the 95 %% interval is wider than\n"
            "20 years.  docs/health.md has the formulas.\n\n"
            "options:\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade lifeexp examples/health/lifeexp.csv --out le.csv\n");
}

typedef struct {
    char *name;
    double pop[MAX_AGE + 1], deaths[MAX_AGE + 1];
    bool seen[MAX_AGE + 1];
} group;

static void free_groups(group *g, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(g[i].name);
    free(g);
}

static om_status read_groups(const char *path, group **out, size_t *nout, bool *ages,
                             om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    static const char *const names[4] = {"group", "start_age", "pop", "deaths"};
    int idx[4];
    om_strmap *map = om_strmap_new(64);
    group *g = NULL;
    size_t n = 0, cap = 0;
    if (!map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, 4, idx, err);
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        int64_t age, d;
        double p;
        if ((s = om_csv_count(c, (size_t)idx[1], MAX_AGE, &age, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[2], 0, (double)OM_CSV_COUNT_MAX, &p, err)) != OM_OK ||
            (s = om_csv_count(c, (size_t)idx[3], 0, &d, err)) != OM_OK)
            break;
        int32_t gi;
        if ((s = om_cli_group(map, gf, &g, &n, &cap, sizeof *g, &gi, err)) != OM_OK)
            break;
        group *G = &g[gi];
        if (G->seen[age]) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected each group and start age once, found %d again for group '%s'",
                            (int)age, G->name);
            break;
        }
        G->seen[age] = true;
        G->pop[age] = p;
        G->deaths[age] = (double)d;
        ages[age] = true;
    }
    if (s == OM_OK && n > 0 && !ages[0])
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                         "expected a band with start_age 0, found none (the life table starts at birth)");
    if (s == OM_OK && n > 0) {
        int k = 0;
        for (int a = 0; a <= MAX_AGE; a++)
            k += ages[a];
        if (k < 2)
            s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                             "expected at least two age bands (the last one open), found one");
    }
    om_strmap_free(map);
    om_csv_free(c);
    if (s != OM_OK) {
        free_groups(g, n);
        return s;
    }
    *out = g;
    *nout = n;
    return OM_OK;
}

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static void note_text(char *buf, size_t size, const om_le *o, const double *start)
{
    int b = o->note_band >= 0 ? (int)start[o->note_band] : -1;
    switch (o->note) {
    case OM_LE_OK: buf[0] = '\0'; break;
    case OM_LE_NO_POP: snprintf(buf, size, "no population in the band starting at %d", b); break;
    case OM_LE_DEATHS_OVER_POP:
        snprintf(buf, size, "more deaths than population in the band starting at %d", b);
        break;
    case OM_LE_SMALL_POP: snprintf(buf, size, "total population 5000 or less"); break;
    case OM_LE_NO_OPEN_DEATHS:
        snprintf(buf, size, "no deaths in the open band starting at %d", b);
        break;
    case OM_LE_NO_SURVIVORS:
        snprintf(buf, size, "no survivors to this age: an earlier band has probability of death 1");
        break;
    case OM_LE_WIDE_CI:
        snprintf(buf, size, "not reported: 95%% interval wider than 20 years");
        break;
    }
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    double level = 0.95;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("lifeexp", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("lifeexp", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("lifeexp", "expected one input FILE");
    if (!out)
        return om_cli_usage("lifeexp", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    bool ages[MAX_AGE + 1] = {false};
    group *g = NULL;
    size_t n = 0;
    if (read_groups(argv[optind], &g, &n, ages, &err) != OM_OK)
        return om_cli_fail("lifeexp", &err);
    double start[MAX_AGE + 1], pop[MAX_AGE + 1], deaths[MAX_AGE + 1];
    size_t nb = 0;
    for (int a = 0; a <= MAX_AGE; a++)
        if (ages[a])
            start[nb++] = a;
    om_afile *af = NULL;
    om_cli_prov_start("lifeexp", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION,
                "life expectancy not reported for total population 5000 or less or a 95%% "
                "interval wider than 20 years (PHE)");
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open_fixed(&af, out, &err) != OM_OK) {
        free_groups(g, n);
        return om_cli_fail("lifeexp", &err);
    }
    FILE *fp = om_afile_stream(af);
    fputs("group,age,le,lower,upper,note\n", fp);
    om_le res[MAX_AGE + 1];
    om_status s = OM_OK;
    for (size_t i = 0; i < n && s == OM_OK; i++) {
        int missing = -1;
        for (size_t b = 0; b < nb; b++) {
            int a = (int)start[b];
            if (!g[i].seen[a] && missing < 0)
                missing = a;
            pop[b] = g[i].pop[a];
            deaths[b] = g[i].deaths[a];
        }
        if (missing < 0)
            s = om_stats_lifeexp(nb, start, pop, deaths, level, res, &err);
        char note[160];
        for (size_t b = 0; b < nb && s == OM_OK; b++) {
            om_csv_write_str(fp, g[i].name);
            fprintf(fp, ",%d", (int)start[b]);
            if (missing >= 0) {
                snprintf(note, sizeof note, "no row for the band starting at %d", missing);
                fputs(",,,,", fp);
            } else {
                note_text(note, sizeof note, &res[b], start);
                put_num(fp, res[b].le);
                put_num(fp, res[b].lower);
                put_num(fp, res[b].upper);
                fputc(',', fp);
            }
            om_csv_write_str(fp, note);
            fputc('\n', fp);
        }
    }
    free_groups(g, n);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("lifeexp", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("lifeexp", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_lifeexp = {
    "lifeexp", "life expectancy by group and age (Chiang II, Silcocks' variance)", run};

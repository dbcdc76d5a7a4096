/* omrade km — Kaplan-Meier survival with Greenwood intervals per group
 * (e.g. area type) from follow-up times. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade km FILE [--ci log-log|plain] [--level 95|99.8] --out FILE\n\n"
            "Kaplan-Meier survival per group (e.g. area type) with Greenwood standard\n"
            "errors.  FILE is CSV with header group,time,event: one row per person, time\n"
            "the follow-up (e.g. days from the event to death or to the end of follow-up)\n"
            "and event 1 (died) or 0 (censored).\n"
            "Output, per group in input order, one row per time with deaths:\n"
            "  group,time,at_risk,events,censored,surv,se,lower,upper,note\n"
            "censored: persons censored since the previous row (censored at a death\n"
            "time count as at risk at it).  Limits: log-log (default; Kalbfleisch &\n"
            "Prentice) or plain S -+ z se clipped to [0, 1].  A group without deaths\n"
            "gets one row with the note 'no events'.\n\n"
            "options:\n"
            "  --ci C         log-log (default) or plain\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade km examples/health/km.csv --out km.csv\n");
}

typedef struct {
    char *name;
    double *t;
    bool *e;
    size_t n, cap;
} grp;

static void free_groups(grp *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(g[i].name);
        free(g[i].t);
        free(g[i].e);
    }
    free(g);
}

static om_status read_groups(const char *path, grp **out, size_t *nout, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    static const char *const names[3] = {"group", "time", "event"};
    int idx[3];
    om_strmap *map = om_strmap_new(16);
    grp *g = NULL;
    size_t n = 0, cap = 0;
    if (!map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, 3, idx, err);
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        double t;
        int64_t ev;
        if ((s = om_csv_share(c, (size_t)idx[1], 0, 1e15, &t, err)) != OM_OK ||
            (s = om_csv_count(c, (size_t)idx[2], 1, &ev, err)) != OM_OK)
            break;
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        int32_t gi;
        if ((s = om_cli_group(map, gf, &g, &n, &cap, sizeof *g, &gi, err)) != OM_OK)
            break;
        grp *G = &g[gi];
        if (G->n == G->cap) {
            size_t nc = G->cap ? G->cap * 2 : 64;
            double *nt = realloc(G->t, nc * sizeof *nt);
            if (nt)
                G->t = nt;
            bool *ne = realloc(G->e, nc * sizeof *ne);
            if (ne)
                G->e = ne;
            if (!nt || !ne) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            G->cap = nc;
        }
        G->t[G->n] = t;
        G->e[G->n] = ev == 1;
        G->n++;
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

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"ci", required_argument, 0, 'c'},
                                         {"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = NULL;
    double level = 0.95;
    bool loglog = true;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            if (!strcmp(optarg, "log-log"))
                loglog = true;
            else if (!strcmp(optarg, "plain"))
                loglog = false;
            else
                return om_cli_usage("km", "expected --ci log-log or plain, found '%s'", optarg);
            break;
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("km", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("km", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("km", "expected one input FILE");
    if (!out)
        return om_cli_usage("km", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    grp *g = NULL;
    size_t n = 0;
    if (read_groups(argv[optind], &g, &n, &err) != OM_OK)
        return om_cli_fail("km", &err);
    om_afile *af = NULL;
    om_cli_prov_start("km", argc, argv);
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        free_groups(g, n);
        return om_cli_fail("km", &err);
    }
    FILE *fp = om_afile_stream(af);
    fputs("group,time,at_risk,events,censored,surv,se,lower,upper,note\n", fp);
    om_status s = OM_OK;
    for (size_t i = 0; i < n && s == OM_OK; i++) {
        om_km_step *st = malloc(g[i].n * sizeof *st);
        size_t k = 0;
        if (!st) {
            s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        s = om_stats_km(g[i].n, g[i].t, g[i].e, level, loglog, st, &k, &err);
        if (s == OM_OK && k == 0) {
            om_csv_write_str(fp, g[i].name);
            fprintf(fp, ",,%zu,0,%zu,1,,,,no events\n", g[i].n, g[i].n);
        }
        for (size_t j = 0; s == OM_OK && j < k; j++) {
            om_csv_write_str(fp, g[i].name);
            put_num(fp, st[j].time);
            put_num(fp, st[j].at_risk);
            put_num(fp, st[j].events);
            put_num(fp, st[j].censored);
            put_num(fp, st[j].surv);
            put_num(fp, st[j].se);
            put_num(fp, st[j].lower);
            put_num(fp, st[j].upper);
            fputs(",\n", fp);
        }
        free(st);
    }
    free_groups(g, n);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("km", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("km", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_km = {"km", "Kaplan-Meier survival with Greenwood intervals per group",
                                  run};

/* omrade dsr — crude and directly standardised rates from aggregated counts. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade dsr FILE [--standard esp2013|FILE] [--level L] [--per N]\n"
            "                  [--byar-from N] [--nonindependent] [--out FILE]\n\n"
            "Crude and directly standardised rates per 100,000 from aggregated counts.\n"
            "FILE is CSV with header group,age_band,events,pop and age bands 0-4, 5-9, ...,\n"
            "85-89, 90+ (a band missing for a group counts as no events and no population).\n"
            "Output, one row per group in input order:\n"
            "  group,events,pop,crude_rate,crude_lower,crude_upper,dsr,dsr_lower,dsr_upper,note\n"
            "Crude limits: exact Poisson below 10 events, Byar otherwise.  DSR: Dobson et al.\n"
            "(1991) limits; not reported below 10 events (empty fields and a note).\n\n"
            "options:\n"
            "  --standard S   esp2013 (default) or a CSV file age_band,pop with all 19 bands\n"
            "  --level L      confidence level 90 to 99.99 (default 95)\n"
            "  --per N        rates per N persons (default 100000)\n"
            "  --byar-from N  Poisson limits exact below N events, Byar from N on (default\n"
            "                 10, PHE; 1 = Byar always; 1000000000 = exact always)\n"
            "  --nonindependent  events are not independent (PHE's method): FILE has the\n"
            "                 header group,age_band,eventfreq,persons,pop, one row per\n"
            "                 group, band and event frequency: persons with exactly\n"
            "                 eventfreq events; pop repeated on each row of a band\n"
            "  --out FILE     write to FILE instead of stdout (atomically)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade dsr examples/rates/aggregated.csv --level 99.8 --per 1000\n");
}

typedef struct {
    char *name;
    double e[OM_ESP_BANDS], p[OM_ESP_BANDS];
    bool seen[OM_ESP_BANDS];
} group;

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static om_status read_groups(const char *path, group **out, size_t *nout, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    static const char *const names[4] = {"group", "age_band", "events", "pop"};
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
        om_field bf = om_csv_field(c, (size_t)idx[1]);
        int b = bf.ptr ? om_esp_band_parse(bf.ptr, bf.len) : -1;
        if (b < 0) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected an age band 0-4, 5-9, ..., 85-89 or 90+, found '%.*s'",
                            (int)(bf.len > 40 ? 40 : bf.len), bf.ptr ? bf.ptr : "");
            break;
        }
        /* events are a Poisson count (Dobson's limits need whole numbers);
         * pop may be person-years, so any finite number up to 2^53 */
        int64_t ei;
        double e, p;
        if ((s = om_csv_count(c, (size_t)idx[2], 0, &ei, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[3], 0, (double)OM_CSV_COUNT_MAX, &p, err)) != OM_OK)
            break;
        e = (double)ei;
        int32_t gi;
        if (om_strmap_put_new(map, gf.ptr ? gf.ptr : "", gf.len, (int32_t)n, &gi) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        if ((size_t)gi == n) {
            if (n == cap) {
                cap = cap ? cap * 2 : 16;
                group *ng = realloc(g, cap * sizeof *ng);
                if (!ng) {
                    s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                    break;
                }
                g = ng;
            }
            memset(&g[n], 0, sizeof g[n]);
            g[n].name = strndup(gf.ptr ? gf.ptr : "", gf.len);
            n++;
        }
        group *G = &g[gi];
        if (G->seen[b]) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected each group and age band once, found '%s' again for group '%s'",
                            om_esp_band_label(b), G->name);
            break;
        }
        G->seen[b] = true;
        G->e[b] = e;
        G->p[b] = p;
    }
    om_strmap_free(map);
    om_csv_free(c);
    if (s != OM_OK) {
        for (size_t i = 0; i < n; i++)
            free(g[i].name);
        free(g);
        return s;
    }
    *out = g;
    *nout = n;
    return OM_OK;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"standard", required_argument, 0, 's'},
                                         {"level", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"per", required_argument, 0, 'p'},
                                         {"byar-from", required_argument, 0, 'b'},
                                         {"nonindependent", no_argument, 0, 'n'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *standard = "esp2013", *out = "-";
    double level = 0.95, per = 100000, byar_from = 10;
    bool nonind = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 's': standard = optarg; break;
        case 'l':
            if (!om_stats_parse_confidence(optarg, &level))
                return om_cli_usage("dsr", "expected --level 90 to 99.99, found '%s'", optarg);
            break;
        case 'p':
            if (!om_cli_parse_double(optarg, &per) || !(per > 0) || !isfinite(per))
                return om_cli_usage("dsr", "expected --per a positive number, found '%s'", optarg);
            break;
        case 'b': {
            long long v;
            if (!om_cli_parse_int(optarg, 0, 1000000000, &v))
                return om_cli_usage("dsr", "expected --byar-from a count of events, found '%s'",
                                    optarg);
            byar_from = (double)v;
            break;
        }
        case 'n': nonind = true; break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("dsr", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("dsr", "expected one input FILE");
    om_error err = OM_ERROR_INIT;
    double w[OM_ESP_BANDS];
    if (strcmp(standard, "esp2013") == 0)
        memcpy(w, om_esp2013, sizeof w);
    else if (om_stats_standard_load(standard, w, &err) != OM_OK)
        return om_cli_fail("dsr", &err);
    group *g = NULL;
    size_t n = 0;
    om_dsr_freq *fq = NULL; /* --nonindependent */
    if (nonind ? om_stats_dsr_freq_load(argv[optind], &fq, &err) != OM_OK
               : read_groups(argv[optind], &g, &n, &err) != OM_OK)
        return om_cli_fail("dsr", &err);
    if (fq)
        n = om_stats_dsr_freq_groups(fq);
    om_afile *af = NULL;
    om_cli_prov_start("dsr", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION, "dsr not reported below 10 events");
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        for (size_t i = 0; g && i < n; i++)
            free(g[i].name);
        free(g);
        om_stats_dsr_freq_free(fq);
        return om_cli_fail("dsr", &err);
    }
    FILE *fp = om_afile_stream(af);
    fputs("group,events,pop,crude_rate,crude_lower,crude_upper,dsr,dsr_lower,dsr_upper,note\n", fp);
    for (size_t i = 0; i < n; i++) {
        om_dsr d;
        if (fq)
            om_stats_dsr_freq_compute(fq, i, w, per, level, byar_from, &d);
        else
            om_stats_dsr_ex(OM_ESP_BANDS, g[i].e, g[i].p, w, per, level, byar_from, &d);
        double r, rl, ru;
        om_stats_rate_ex(d.events, d.pop, per, level, byar_from, &r, &rl, &ru);
        om_csv_write_str(fp, fq ? om_stats_dsr_freq_name(fq, i) : g[i].name);
        put_num(fp, d.events);
        put_num(fp, d.pop);
        put_num(fp, r);
        put_num(fp, rl);
        put_num(fp, ru);
        put_num(fp, d.dsr);
        put_num(fp, d.lower);
        put_num(fp, d.upper);
        fputc(',', fp);
        if (!(d.pop > 0))
            fputs("no population", fp);
        else if (d.suppressed == OM_DSR_FEW_EVENTS)
            fputs("dsr not reported: fewer than 10 events", fp);
        else if (d.suppressed == OM_DSR_NO_POP)
            fputs("dsr undefined: events in an age band with no population", fp);
        fputc('\n', fp);
        if (g)
            free(g[i].name);
    }
    free(g);
    om_stats_dsr_freq_free(fq);
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("dsr", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_dsr = {"dsr", "crude and age-standardised rates (ESP 2013) from counts",
                                   run};

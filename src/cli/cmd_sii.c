/* omrade sii — slope and relative index of inequality over ordered groups
 * (area types, deciles, ...) per unit, with a choice of weights, sign
 * convention and intervals. */
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
            "usage: omrade sii FILE [--weights inverse-variance|population]\n"
            "                  [--sign first-minus-last|last-minus-first]\n"
            "                  [--scale normal|rate|proportion] [--reps N] [--seed S]\n"
            "                  [--level 95|99.8] [--mult M] --out FILE\n\n"
            "Slope (SII) and relative (RII) index of inequality per group of FILE, CSV with\n"
            "header group,rank,pop,value and either se or lower,upper (95 %% limits of the\n"
            "value): one row per group and ordered category (rank: an integer giving the\n"
            "order, e.g. area type 1-5 or decile 1-10; any number of categories).\n"
            "The regression of value on the ridit (cumulative population midpoint) is\n"
            "weighted by inverse variance (default) or by population share (PHE's phe_sii).\n"
            "SII = fitted value at the first category's end minus at the last's (default,\n"
            "as omrade rates) or the reverse (--sign last-minus-first, as PHE); RII is the\n"
            "ratio of the same two fitted values.  Intervals: analytic (default) or Monte\n"
            "Carlo with N >= 1000 draws (PHE: 100000) on the log (rate) or logit\n"
            "(proportion) scale, seeded.\n"
            "Output, one row per group in input order:\n"
            "  group,categories,sii,sii_lower,sii_upper,rii,rii_lower,rii_upper,note\n\n"
            "options:\n"
            "  --weights W    inverse-variance (default) or population\n"
            "  --sign S       first-minus-last (default) or last-minus-first\n"
            "  --scale S      normal (default), rate (> 0) or proportion (0..1)\n"
            "  --reps N       Monte Carlo draws (0 = analytic intervals, default)\n"
            "  --seed S       random seed for --reps (default 1)\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --mult M       multiply SII and its limits by M (default 1)\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade sii examples/health/sii.csv --weights population --sign last-minus-first \\\n"
            "      --reps 100000 --out sii.csv\n");
}

typedef struct {
    int64_t rank;
    double pop, value, sd;
} cat;

typedef struct {
    char *name;
    cat *c;
    size_t n, cap;
} unit;

static void free_units(unit *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(u[i].name);
        free(u[i].c);
    }
    free(u);
}

static double fwd(om_sii_scale s, double v)
{
    return s == OM_SII_RATE ? log(v) : s == OM_SII_PROPORTION ? log(v / (1 - v)) : v;
}

static om_status check_scale(om_csv *c, size_t col, om_sii_scale s, double v, om_error *err)
{
    om_field f = om_csv_field(c, col);
    if (s == OM_SII_RATE && !(v > 0))
        return om_csv_fail(c, col, err, "expected a rate above 0 for --scale rate, found '%.*s'",
                           (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
    if (s == OM_SII_PROPORTION && !(v > 0 && v < 1))
        return om_csv_fail(c, col, err,
                           "expected a proportion between 0 and 1 (exclusive) for --scale "
                           "proportion, found '%.*s'",
                           (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
    return OM_OK;
}

static om_status read_units(const char *path, om_sii_scale scale, unit **out, size_t *nout,
                            om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    static const char *const names[4] = {"group", "rank", "pop", "value"};
    int idx[4], ise = -1, ilo = -1, iup = -1;
    om_strmap *map = om_strmap_new(64);
    unit *u = NULL;
    size_t n = 0, cap = 0;
    if (!map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, 4, idx, err);
    if (s == OM_OK) {
        ise = om_csv_col(c, "se");
        ilo = om_csv_col(c, "lower");
        iup = om_csv_col(c, "upper");
        if (ise < 0 && (ilo < 0 || iup < 0)) {
            static const char *const lim[2] = {"lower", "upper"};
            int tmp[2];
            s = om_csv_require(c, lim, 2, tmp, err);
            if (s == OM_OK) /* unreachable: one of them is missing */
                s = om_error_set(err, OM_ERR_INPUT, path, 1, 1, "expected a column 'se'");
        }
    }
    const double z95 = om_stats_z(0.95);
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        int64_t rank;
        double p, v, sd;
        if ((s = om_csv_i64(c, (size_t)idx[1], &rank, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[2], 0, (double)OM_CSV_COUNT_MAX, &p, err)) != OM_OK ||
            (s = om_csv_f64(c, (size_t)idx[3], &v, err)) != OM_OK)
            break;
        if (!(p > 0)) {
            s = om_csv_fail(c, (size_t)idx[2], err, "expected a population above 0, found '%.*s'",
                            (int)om_csv_field(c, (size_t)idx[2]).len,
                            om_csv_field(c, (size_t)idx[2]).ptr);
            break;
        }
        if ((s = check_scale(c, (size_t)idx[3], scale, v, err)) != OM_OK)
            break;
        if (ise >= 0) {
            double se;
            if ((s = om_csv_share(c, (size_t)ise, 0, 1e300, &se, err)) != OM_OK)
                break;
            if (!(se > 0)) {
                s = om_csv_fail(c, (size_t)ise, err, "expected a standard error above 0, found '%.*s'",
                                (int)om_csv_field(c, (size_t)ise).len,
                                om_csv_field(c, (size_t)ise).ptr);
                break;
            }
            /* se of the value -> sd on the transformed scale (delta method) */
            sd = scale == OM_SII_RATE         ? se / v
                 : scale == OM_SII_PROPORTION ? se / (v * (1 - v))
                                              : se;
        } else {
            double lo, up;
            if ((s = om_csv_f64(c, (size_t)ilo, &lo, err)) != OM_OK ||
                (s = om_csv_f64(c, (size_t)iup, &up, err)) != OM_OK ||
                (s = check_scale(c, (size_t)ilo, scale, lo, err)) != OM_OK ||
                (s = check_scale(c, (size_t)iup, scale, up, err)) != OM_OK)
                break;
            if (!(up > lo)) {
                s = om_csv_fail(c, (size_t)iup, err,
                                "expected an upper limit above the lower limit %.*s, found '%.*s'",
                                (int)om_csv_field(c, (size_t)ilo).len,
                                om_csv_field(c, (size_t)ilo).ptr,
                                (int)om_csv_field(c, (size_t)iup).len,
                                om_csv_field(c, (size_t)iup).ptr);
                break;
            }
            /* PHE: se from the 95 % limits on the transformed scale */
            sd = (fwd(scale, up) - fwd(scale, lo)) / (2 * z95);
        }
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        int32_t gi;
        if ((s = om_cli_group(map, gf, &u, &n, &cap, sizeof *u, &gi, err)) != OM_OK)
            break;
        unit *U = &u[gi];
        for (size_t j = 0; j < U->n && s == OM_OK; j++)
            if (U->c[j].rank == rank)
                s = om_csv_fail(c, (size_t)idx[1], err,
                                "expected each group and rank once, found rank %lld again for "
                                "group '%s'",
                                (long long)rank, U->name);
        if (s != OM_OK)
            break;
        if (U->n == U->cap) {
            size_t nc = U->cap ? U->cap * 2 : 8;
            cat *cc = realloc(U->c, nc * sizeof *cc);
            if (!cc) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            U->c = cc;
            U->cap = nc;
        }
        U->c[U->n++] = (cat){rank, p, v, sd};
    }
    om_strmap_free(map);
    om_csv_free(c);
    if (s != OM_OK) {
        free_units(u, n);
        return s;
    }
    *out = u;
    *nout = n;
    return OM_OK;
}

static int by_rank(const void *a, const void *b)
{
    int64_t x = ((const cat *)a)->rank, y = ((const cat *)b)->rank;
    return (x > y) - (x < y);
}

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"weights", required_argument, 0, 'w'},
                                         {"sign", required_argument, 0, 's'},
                                         {"scale", required_argument, 0, 'c'},
                                         {"reps", required_argument, 0, 'r'},
                                         {"seed", required_argument, 0, 'e'},
                                         {"level", required_argument, 0, 'l'},
                                         {"mult", required_argument, 0, 'm'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    om_sii_opts o = {OM_SII_INVERSE_VARIANCE, OM_SII_NORMAL, false, 0.95, 0, 1};
    const char *out = NULL;
    double mult = 1;
    long long v;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (!strcmp(optarg, "inverse-variance"))
                o.weight = OM_SII_INVERSE_VARIANCE;
            else if (!strcmp(optarg, "population"))
                o.weight = OM_SII_POPULATION;
            else
                return om_cli_usage("sii", "expected --weights inverse-variance or population, found '%s'",
                                    optarg);
            break;
        case 's':
            if (!strcmp(optarg, "first-minus-last"))
                o.last_minus_first = false;
            else if (!strcmp(optarg, "last-minus-first"))
                o.last_minus_first = true;
            else
                return om_cli_usage("sii",
                                    "expected --sign first-minus-last or last-minus-first, found '%s'",
                                    optarg);
            break;
        case 'c':
            if (!strcmp(optarg, "normal"))
                o.scale = OM_SII_NORMAL;
            else if (!strcmp(optarg, "rate"))
                o.scale = OM_SII_RATE;
            else if (!strcmp(optarg, "proportion"))
                o.scale = OM_SII_PROPORTION;
            else
                return om_cli_usage("sii", "expected --scale normal, rate or proportion, found '%s'",
                                    optarg);
            break;
        case 'r':
            if (!om_cli_parse_int(optarg, 0, 100000000, &v) || (v > 0 && v < 1000))
                return om_cli_usage("sii", "expected --reps 0 or 1000..100000000, found '%s'", optarg);
            o.reps = (long)v;
            break;
        case 'e':
            if (!om_cli_parse_int(optarg, 0, INT64_MAX, &v))
                return om_cli_usage("sii", "expected --seed a non-negative integer, found '%s'", optarg);
            o.seed = (uint64_t)v;
            break;
        case 'l':
            if (!om_stats_parse_level(optarg, &o.level))
                return om_cli_usage("sii", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'm':
            if (!om_cli_parse_double(optarg, &mult) || !(mult > 0) || !isfinite(mult))
                return om_cli_usage("sii", "expected --mult a positive number, found '%s'", optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("sii", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("sii", "expected one input FILE");
    if (!out)
        return om_cli_usage("sii", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    unit *u = NULL;
    size_t n = 0;
    if (read_units(argv[optind], o.scale, &u, &n, &err) != OM_OK)
        return om_cli_fail("sii", &err);
    om_afile *af = NULL;
    om_cli_prov_start("sii", argc, argv);
    if (om_prov_input(om_cli_prov(), argv[optind], -1, &err) != OM_OK ||
        om_cli_out_open(&af, out, &err) != OM_OK) {
        free_units(u, n);
        return om_cli_fail("sii", &err);
    }
    FILE *fp = om_afile_stream(af);
    fputs("group,categories,sii,sii_lower,sii_upper,rii,rii_lower,rii_upper,note\n", fp);
    om_status s = OM_OK;
    for (size_t i = 0; i < n && s == OM_OK; i++) {
        unit *U = &u[i];
        qsort(U->c, U->n, sizeof *U->c, by_rank);
        double *buf = malloc(3 * (U->n ? U->n : 1) * sizeof *buf);
        if (!buf) {
            s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        for (size_t j = 0; j < U->n; j++) {
            buf[j] = U->c[j].pop;
            buf[U->n + j] = U->c[j].value;
            buf[2 * U->n + j] = U->c[j].sd;
        }
        om_sii r = {NAN, NAN, NAN, NAN, NAN, NAN, 0};
        const char *note = "";
        if (U->n < 2)
            note = "fewer than 2 categories";
        else
            s = om_stats_sii_ex(U->n, buf, buf + U->n, buf + 2 * U->n, &o, &r, &err);
        free(buf);
        if (s != OM_OK)
            break;
        if (U->n >= 2 && isnan(r.rii))
            note = "rii undefined: a fitted end value is 0 or negative";
        om_csv_write_str(fp, U->name);
        fprintf(fp, ",%zu", U->n);
        put_num(fp, r.sii * mult);
        put_num(fp, r.sii_lower * mult);
        put_num(fp, r.sii_upper * mult);
        put_num(fp, r.rii);
        put_num(fp, r.rii_lower);
        put_num(fp, r.rii_upper);
        fputc(',', fp);
        om_csv_write_str(fp, note);
        fputc('\n', fp);
    }
    free_units(u, n);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("sii", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("sii", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_sii = {
    "sii", "slope and relative index of inequality over any number of ordered groups", run};

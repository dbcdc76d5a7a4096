/* omrade isr — indirectly standardised ratios (SMR) and rates by group
 * against a reference population. */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/health.h"
#include "omrade/stats.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_STRATA_COLS 8
#define MAX_KEY 1024

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade isr FILE [--reference FILE] [--strata COLS] [--mult M] [--per P]\n"
            "                  [--level 95|99.8] [--byar-from N] --out FILE\n\n"
            "Indirectly standardised ratios (SMR) and rates per group.  FILE is CSV with\n"
            "header group,stratum,events,pop: observed events and population per group and\n"
            "stratum (age band, or several columns with --strata, e.g. area type x age x\n"
            "sex for regions compared at their own area-type mix).  The reference (default:\n"
            "all of FILE summed by stratum, e.g. the whole country) is CSV with the strata\n"
            "columns and events,pop.  Expected E = sum over strata of reference rate x pop.\n"
            "Output, one row per group in input order:\n"
            "  group,observed,expected,ratio,lower,upper,rate,rate_lower,rate_upper,method,note\n"
            "ratio = O/E x M; rate = O/E x the reference crude rate x P.  Limits: exact\n"
            "Poisson below N events, Byar from N on (PHE: N = 10), E taken as fixed.\n\n"
            "options:\n"
            "  --reference F  the reference population (strata columns, events, pop)\n"
            "  --strata COLS  comma-separated stratum columns (default: stratum)\n"
            "  --mult M       ratio multiplier: 1 (default) or 100 for an SMR in per cent\n"
            "  --per P        rate per P persons (default 100000)\n"
            "  --level L      confidence level 95 (default) or 99.8\n"
            "  --byar-from N  Byar's limits from N events on (default 10; 0 = always Byar)\n"
            "  --out FILE     output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade isr examples/health/isr.csv --strata age_band --mult 100 --out smr.csv\n");
}

typedef struct {
    const char *path;
    const char *cols[MAX_STRATA_COLS];
    size_t ncols;
} strata;

/* The stratum key of the current record: the strata fields joined by 0x1f. */
static om_status stratum_key(om_csv *c, const int *idx, size_t n, char *key, size_t *len,
                             om_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        om_field f = om_csv_field(c, (size_t)idx[i]);
        if (k + f.len + 1 > MAX_KEY)
            return om_csv_fail(c, (size_t)idx[i], err,
                               "expected a stratum of at most %d bytes, found a longer one",
                               MAX_KEY);
        if (i)
            key[k++] = 0x1f;
        if (f.len)
            memcpy(key + k, f.ptr, f.len);
        k += f.len;
    }
    *len = k;
    return OM_OK;
}

typedef struct {
    om_strmap *map; /* stratum key -> index */
    double *events, *pop;
    size_t n, cap;
} ref;

static om_status ref_add(ref *r, const char *key, size_t len, int32_t *at, bool *isnew)
{
    int32_t got;
    if (om_strmap_put_new(r->map, key, len, (int32_t)r->n, &got) != OM_OK)
        return OM_ERR_NOMEM;
    *isnew = (size_t)got == r->n;
    if (*isnew) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 32;
            double *e = realloc(r->events, cap * sizeof *e);
            if (e)
                r->events = e;
            double *p = realloc(r->pop, cap * sizeof *p);
            if (p)
                r->pop = p;
            if (!e || !p)
                return OM_ERR_NOMEM;
            r->cap = cap;
        }
        r->events[r->n] = r->pop[r->n] = 0;
        r->n++;
    }
    *at = got;
    return OM_OK;
}

static om_status read_ref(const char *path, const strata *st, ref *r, om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    const char *names[MAX_STRATA_COLS + 2];
    int idx[MAX_STRATA_COLS + 2];
    for (size_t i = 0; i < st->ncols; i++)
        names[i] = st->cols[i];
    names[st->ncols] = "events";
    names[st->ncols + 1] = "pop";
    s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, st->ncols + 2, idx, err);
    char key[MAX_KEY];
    while (s == OM_OK) {
        bool got, isnew;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        size_t len;
        int64_t e;
        double p;
        int32_t at;
        if ((s = stratum_key(c, idx, st->ncols, key, &len, err)) != OM_OK ||
            (s = om_csv_count(c, (size_t)idx[st->ncols], 0, &e, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[st->ncols + 1], 0, (double)OM_CSV_COUNT_MAX, &p,
                              err)) != OM_OK)
            break;
        if (!(p > 0)) {
            om_field f = om_csv_field(c, (size_t)idx[st->ncols + 1]);
            s = om_csv_fail(c, (size_t)idx[st->ncols + 1], err,
                            "expected a reference population above 0, found '%.*s'",
                            (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
            break;
        }
        if (ref_add(r, key, len, &at, &isnew) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        if (!isnew) {
            s = om_csv_fail(c, (size_t)idx[0], err, "expected each stratum once, found it again");
            break;
        }
        r->events[at] = (double)e;
        r->pop[at] = p;
    }
    om_csv_free(c);
    return s;
}

typedef struct {
    char *name;
    double observed;
} group;

typedef struct {
    int32_t group, stratum;
    double pop;
} cell;

typedef struct {
    group *g;
    size_t ng, capg;
    cell *cells;
    size_t nc, capc;
} study;

static void study_free(study *S)
{
    for (size_t i = 0; i < S->ng; i++)
        free(S->g[i].name);
    free(S->g);
    free(S->cells);
}

/* Reads FILE; with no reference file (`own` true) the strata and their
 * totals go into r as the reference. */
static om_status read_study(const char *path, const strata *st, ref *r, bool own, study *S,
                            om_error *err)
{
    om_csv *c = NULL;
    om_status s = om_csv_open(&c, path, NULL, err);
    if (s != OM_OK)
        return s;
    const char *names[MAX_STRATA_COLS + 3];
    int idx[MAX_STRATA_COLS + 3];
    names[0] = "group";
    for (size_t i = 0; i < st->ncols; i++)
        names[i + 1] = st->cols[i];
    names[st->ncols + 1] = "events";
    names[st->ncols + 2] = "pop";
    om_strmap *gmap = om_strmap_new(64), *pairs = om_strmap_new(256);
    if (!gmap || !pairs)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    if (s == OM_OK)
        s = om_csv_read_header(c, err);
    if (s == OM_OK)
        s = om_csv_require(c, names, st->ncols + 3, idx, err);
    char key[MAX_KEY], pair[MAX_KEY + 16];
    while (s == OM_OK) {
        bool got;
        s = om_csv_next(c, &got, err);
        if (s != OM_OK || !got)
            break;
        size_t len;
        int64_t e;
        double p;
        if ((s = stratum_key(c, idx + 1, st->ncols, key, &len, err)) != OM_OK ||
            (s = om_csv_count(c, (size_t)idx[st->ncols + 1], 0, &e, err)) != OM_OK ||
            (s = om_csv_share(c, (size_t)idx[st->ncols + 2], 0, (double)OM_CSV_COUNT_MAX, &p,
                              err)) != OM_OK)
            break;
        int32_t si;
        if (own) {
            bool isnew;
            if (ref_add(r, key, len, &si, &isnew) != OM_OK) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            r->events[si] += (double)e;
            r->pop[si] += p;
        } else if ((si = om_strmap_get(r->map, key, len)) < 0) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected a stratum of the reference population, found one it lacks");
            break;
        }
        om_field gf = om_csv_field(c, (size_t)idx[0]);
        int32_t gi;
        if (om_strmap_put_new(gmap, gf.ptr ? gf.ptr : "", gf.len, (int32_t)S->ng, &gi) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        if ((size_t)gi == S->ng) {
            if (S->ng == S->capg) {
                size_t cap = S->capg ? S->capg * 2 : 16;
                group *ng = realloc(S->g, cap * sizeof *ng);
                if (!ng) {
                    s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                    break;
                }
                S->g = ng;
                S->capg = cap;
            }
            S->g[S->ng].name = strndup(gf.ptr ? gf.ptr : "", gf.len);
            S->g[S->ng].observed = 0;
            S->ng++;
            if (!S->g[S->ng - 1].name) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
        }
        /* one row per group and stratum: a repeat would count twice */
        int32_t dup;
        memcpy(pair, &gi, sizeof gi);
        memcpy(pair + sizeof gi, &si, sizeof si);
        if (om_strmap_put_new(pairs, pair, 2 * sizeof gi, 1, &dup) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
            break;
        }
        if (om_strmap_size(pairs) != S->nc + 1) {
            s = om_csv_fail(c, (size_t)idx[1], err,
                            "expected each group and stratum once, found them again for group '%s'",
                            S->g[gi].name);
            break;
        }
        if (S->nc == S->capc) {
            size_t cap = S->capc ? S->capc * 2 : 64;
            cell *nc = realloc(S->cells, cap * sizeof *nc);
            if (!nc) {
                s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
                break;
            }
            S->cells = nc;
            S->capc = cap;
        }
        S->cells[S->nc++] = (cell){gi, si, p};
        S->g[gi].observed += (double)e;
    }
    om_strmap_free(gmap);
    om_strmap_free(pairs);
    om_csv_free(c);
    return s;
}

static void put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"reference", required_argument, 0, 'r'},
                                         {"strata", required_argument, 0, 's'},
                                         {"mult", required_argument, 0, 'm'},
                                         {"per", required_argument, 0, 'p'},
                                         {"level", required_argument, 0, 'l'},
                                         {"byar-from", required_argument, 0, 'b'},
                                         {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    const char *out = NULL, *refpath = NULL, *strata_arg = "stratum";
    double level = 0.95, mult = 1, per = 100000;
    long long byar_from = 10;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'r': refpath = optarg; break;
        case 's': strata_arg = optarg; break;
        case 'm':
            if (!om_cli_parse_double(optarg, &mult) || !(mult > 0) || !isfinite(mult))
                return om_cli_usage("isr", "expected --mult a positive number, found '%s'", optarg);
            break;
        case 'p':
            if (!om_cli_parse_double(optarg, &per) || !(per > 0) || !isfinite(per))
                return om_cli_usage("isr", "expected --per a positive number, found '%s'", optarg);
            break;
        case 'l':
            if (!om_stats_parse_level(optarg, &level))
                return om_cli_usage("isr", "expected --level 95 or 99.8, found '%s'", optarg);
            break;
        case 'b':
            if (!om_cli_parse_int(optarg, 0, 1000000000, &byar_from))
                return om_cli_usage("isr", "expected --byar-from a count of events, found '%s'",
                                    optarg);
            break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("isr", "bad option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("isr", "expected one input FILE");
    if (!out)
        return om_cli_usage("isr", "expected --out FILE");
    /* split --strata in place of a copy */
    static char colbuf[512];
    strata st = {argv[optind], {0}, 0};
    if (strlen(strata_arg) >= sizeof colbuf)
        return om_cli_usage("isr", "expected a shorter --strata list");
    strcpy(colbuf, strata_arg);
    for (char *tok = strtok(colbuf, ","); tok; tok = strtok(NULL, ",")) {
        if (st.ncols == MAX_STRATA_COLS)
            return om_cli_usage("isr", "expected at most %d --strata columns", MAX_STRATA_COLS);
        st.cols[st.ncols++] = tok;
    }
    if (st.ncols == 0)
        return om_cli_usage("isr", "expected --strata column names, found '%s'", strata_arg);

    om_error err = OM_ERROR_INIT;
    ref r = {om_strmap_new(64), NULL, NULL, 0, 0};
    study S = {0};
    om_status s = r.map ? OM_OK : om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    if (s == OM_OK && refpath)
        s = read_ref(refpath, &st, &r, &err);
    if (s == OM_OK)
        s = read_study(argv[optind], &st, &r, refpath == NULL, &S, &err);
    om_afile *af = NULL;
    if (s == OM_OK) {
        om_cli_prov_start("isr", argc, argv);
        if ((s = om_prov_input(om_cli_prov(), argv[optind], -1, &err)) == OM_OK && refpath)
            s = om_prov_input(om_cli_prov(), refpath, -1, &err);
        if (s == OM_OK)
            s = om_cli_out_open(&af, out, &err);
    }
    if (s == OM_OK) {
        double RE = 0, RP = 0;
        for (size_t i = 0; i < r.n; i++) {
            RE += r.events[i];
            RP += r.pop[i];
        }
        double refrate = RP > 0 ? RE / RP : NAN;
        double *expected = calloc(S.ng ? S.ng : 1, sizeof *expected);
        if (!expected)
            s = om_error_set(&err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        for (size_t k = 0; s == OM_OK && k < S.nc; k++) {
            const cell *ce = &S.cells[k];
            if (r.pop[ce->stratum] > 0)
                expected[ce->group] += ce->pop * r.events[ce->stratum] / r.pop[ce->stratum];
        }
        FILE *fp = om_afile_stream(af);
        if (s == OM_OK)
            fputs("group,observed,expected,ratio,lower,upper,rate,rate_lower,rate_upper,method,"
                  "note\n",
                  fp);
        for (size_t i = 0; s == OM_OK && i < S.ng; i++) {
            double O = S.g[i].observed, E = expected[i], ra, lo, up;
            om_stats_isr(O, E, mult, level, (double)byar_from, &ra, &lo, &up);
            om_csv_write_str(fp, S.g[i].name);
            put_num(fp, O);
            put_num(fp, E);
            put_num(fp, ra);
            put_num(fp, lo);
            put_num(fp, up);
            put_num(fp, ra / mult * refrate * per);
            put_num(fp, lo / mult * refrate * per);
            put_num(fp, up / mult * refrate * per);
            fputs(O < (double)byar_from ? ",exact," : ",byar,", fp);
            if (!(E > 0))
                fputs("no expected events: no reference events in the group's strata", fp);
            fputc('\n', fp);
        }
        free(expected);
    }
    om_strmap_free(r.map);
    free(r.events);
    free(r.pop);
    study_free(&S);
    if (s != OM_OK) {
        om_afile_abort(af);
        return om_cli_fail("isr", &err);
    }
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("isr", &err);
    return 0;
}

const om_cli_cmd om_cli_cmd_isr = {
    "isr", "indirectly standardised ratios (SMR) and rates, exact or Byar limits", run};

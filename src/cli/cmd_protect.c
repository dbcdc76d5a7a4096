/* omrade protect — disclosure control of a long table: primary rules,
 * secondary suppression, LP audit; or rounding / smoothing instead. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/sdc.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade protect FILE --dims D1,D2[,...] [--hier D=FILE]... [--min-count N]\n"
            "                      [--protection P] [--audit] --out OUT [options]\n\n"
            "Disclosure control of a table given as long CSV, one row per inner cell: the\n"
            "dimension columns, `count`, optional `primary` (1 forces primary suppression).\n"
            "Margins are added (code Total, or the parents of a hierarchy file child,parent).\n"
            "Cells with 1 <= count < N are primary; secondary cells are chosen so that every\n"
            "primary cell x keeps an attacker's interval reaching x(1-P/100) and x(1+P/100);\n"
            "every pattern is audited by linear programming and never written when unsafe.\n"
            "OUT: dimension columns, count (empty when suppressed), status\n"
            "(published|primary|secondary|pooled|merged), with --audit also lower,upper.\n\n"
            "options:\n"
            "  --dims D1,D2       dimension columns (fixed order of the output)\n"
            "  --hier D=FILE      hierarchy of dimension D (CSV child,parent), repeatable;\n"
            "                     D=@geo: the built-in DeSO/RegSO/kommun/län/riket tree\n"
            "  --min-count N      primary when 1 <= count < N (default 0: off)\n"
            "  --protection P     required protection in percent (default 10)\n"
            "  --protection-abs A and at least A units either way (default 0)\n"
            "  --zeros primary    treat zero cells as primary (default: published)\n"
            "  --min-denominator N  primary when column `denominator` < N\n"
            "  --min-contributors N primary when column `contributors` < N (magnitude tables)\n"
            "  --dominance n,k    (n,k) dominance rule on columns top1..top3\n"
            "  --p-rule P         p%% rule on columns top1,top2\n"
            "  --pool D --window 3|5|auto  pool years of dimension D into windows first\n"
            "  --merge D --merge-min N [--merge-map FILE]  merge units of D below N (count\n"
            "                     summed over the other dimensions) with a neighbour in the\n"
            "                     same parent; the map child,unit is written to FILE\n"
            "  --round B          instead of suppressing: round every cell to base B (status\n"
            "                     rounded; rounding alone does not guarantee protection)\n"
            "  --smooth global|local  instead of suppressing: empirical-Bayes rates\n"
            "                     (Marshall 1991) of count/denominator per row; local: within\n"
            "                     --group COL.  Output: rate,se,lower,upper (estimates)\n"
            "  --audit            add the attacker's interval lower,upper of suppressed cells\n"
            "  --groups D=FILE    extra totals of D besides the hierarchy (CSV member,group,\n"
            "                     e.g. area types): group cells are added and protected too\n"
            "  --link FILE        a linked table sharing margins (its columns: some of the\n"
            "                     --dims, count); protected together, cells of all tables\n"
            "                     in OUT (absent dimensions at Total); repeatable\n"
            "  --check            audit the pattern given in column `suppressed` (0/1) instead\n"
            "                     of making one; fails (exit 2, nothing written) when unsafe\n"
            "  --summary          print counts of cells per status on stderr\n"
            "  --out OUT          output CSV (atomically; - for stdout)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade protect examples/protect/trap.csv --dims area,group --min-count 3 --audit --out -\n");
}

typedef struct hier_arg {
    char *dim;
    const char *file;
} hier_arg;

typedef struct args {
    const char *file, *out, *dims, *merge_map, *pool, *merge, *smooth, *group;
    hier_arg hier[8];
    int nhier;
    const char *link[8];
    int nlink;
    hier_arg groups[8];
    int ngroups;
    om_sdc_rules rules;
    bool audit, summary, check;
    int window; /* 0 none, 1/3/5, -1 auto */
    double merge_min;
    long long round;
} args;

static int split_dims(const char *s, char **names, int max)
{
    int n = 0;
    const char *p = s;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == 0 || n == max)
            return -1;
        names[n] = strndup(p, len);
        n++;
        if (!c)
            break;
        p = c + 1;
        if (!*p)
            return -1;
    }
    return n;
}

static int dim_index(char **names, int n, const char *d)
{
    for (int k = 0; k < n; k++)
        if (strcmp(names[k], d) == 0)
            return k;
    return -1;
}

/* Build a model from the input file (and hierarchies), applying pooling or
 * merging.  Returns an exit code (0 ok). */
static int load(const args *a, char **names, int nd, int window, om_sdc **out, FILE *merge_fp)
{
    om_error err = OM_ERROR_INIT;
    om_sdc *s = NULL;
    *out = NULL;
    if (om_sdc_new(&s, (size_t)nd, (const char *const *)names, &err) != OM_OK)
        return om_cli_fail("protect", &err);
    for (int h = 0; h < a->nhier; h++) {
        int d = dim_index(names, nd, a->hier[h].dim);
        if (strcmp(a->hier[h].file, "@geo") == 0) {
            /* the built-in registry: DeSO -> RegSO -> kommun -> län -> riket (00) */
            om_geo *g = NULL;
            om_status gs = om_geo_new_builtin(&g, &err);
            for (int l = OM_LEVEL_DESO; l < OM_LEVEL_RIKET && gs == OM_OK; l++)
                for (int32_t i = 0; i < om_geo_count(g, (om_level)l) && gs == OM_OK; i++) {
                    int32_t p = om_geo_parent(g, (om_level)l, i, (om_level)(l + 1));
                    gs = om_sdc_set_parent(s, (size_t)d, om_geo_code(g, (om_level)l, i),
                                           om_geo_code(g, (om_level)(l + 1), p), &err);
                }
            om_geo_free(g);
            if (gs != OM_OK) {
                om_sdc_free(s);
                return om_cli_fail("protect", &err);
            }
            continue;
        }
        if (om_sdc_load_hier(s, (size_t)d, a->hier[h].file, &err) != OM_OK) {
            om_sdc_free(s);
            return om_cli_fail("protect", &err);
        }
    }
    om_status st = OM_OK;
    for (int h = 0; h < a->ngroups && st == OM_OK; h++)
        st = om_sdc_load_groups(s, (size_t)dim_index(names, nd, a->groups[h].dim), a->groups[h].file, &err);
    if (st == OM_OK)
        st = om_sdc_load_cells(s, a->file, a->nlink > 0, &err);
    for (int k = 0; k < a->nlink && st == OM_OK; k++)
        st = om_sdc_load_cells(s, a->link[k], true, &err);
    if (st != OM_OK) {
        om_sdc_free(s);
        return om_cli_fail("protect", &err);
    }
    if (a->pool && window > 1 &&
        om_sdc_pool_years(s, (size_t)dim_index(names, nd, a->pool), window, &err) != OM_OK) {
        om_sdc_free(s);
        return om_cli_fail("protect", &err);
    }
    if (a->merge) {
        if (om_sdc_merge_small(s, (size_t)dim_index(names, nd, a->merge), a->merge_min, &err) != OM_OK) {
            om_sdc_free(s);
            return om_cli_fail("protect", &err);
        }
        if (merge_fp)
            om_sdc_write_merge_map(s, merge_fp);
    }
    *out = s;
    return 0;
}

/* --smooth: one row per area; events = count, population = denominator. */
static int run_smooth(const args *a, char **names, int nd)
{
    om_error err = OM_ERROR_INIT;
    om_sdc_smooth *sm = NULL;
    om_afile *af = NULL;
    if (om_sdc_smooth_load(&sm, a->file, (const char *const *)names, (size_t)nd, a->group, &err) != OM_OK ||
        om_cli_out_open(&af, a->out, &err) != OM_OK) {
        om_sdc_smooth_free(sm);
        return om_cli_fail("protect", &err);
    }
    om_sdc_smooth_write(sm, om_afile_stream(af));
    size_t m = om_sdc_smooth_count(sm);
    om_sdc_smooth_free(sm);
    if (om_afile_commit(af, &err) != OM_OK)
        return om_cli_fail("protect", &err);
    fprintf(stderr, "omrade protect: %zu areas smoothed (empirical Bayes, %s); the rates are estimates\n", m,
            a->group ? "local" : "global");
    return 0;
}

/* Takes getopt's option c: -1 when taken, otherwise the exit code. */
static int option(int c, args *a)
{
    double x;
    long long ll;
    switch (c) {
    case 'd': a->dims = optarg; break;
    case 'H': {
        const char *eq = strchr(optarg, '=');
        if (!eq || eq == optarg || !eq[1])
            return om_cli_usage("protect", "expected --hier DIM=FILE, found '%s'", optarg);
        if (a->nhier == 8)
            return om_cli_usage("protect", "expected at most 8 --hier options");
        a->hier[a->nhier].dim = strndup(optarg, (size_t)(eq - optarg));
        a->hier[a->nhier].file = eq + 1;
        a->nhier++;
        break;
    }
    case 'm':
        if (!om_cli_parse_double(optarg, &x) || !(x >= 0))
            return om_cli_usage("protect", "expected a non-negative number for --min-count, found '%s'", optarg);
        a->rules.min_count = x;
        break;
    case 'p':
        if (!om_cli_parse_double(optarg, &x) || !(x > 0 && x <= 100))
            return om_cli_usage("protect", "expected a percentage in (0, 100] for --protection, found '%s'", optarg);
        a->rules.protection_pct = x;
        break;
    case 'A':
        if (!om_cli_parse_double(optarg, &x) || !(x >= 0))
            return om_cli_usage("protect", "expected a non-negative number for --protection-abs, found '%s'", optarg);
        a->rules.protection_abs = x;
        break;
    case 'z':
        if (strcmp(optarg, "primary") == 0)
            a->rules.zeros_primary = true;
        else if (strcmp(optarg, "publish") != 0)
            return om_cli_usage("protect", "expected --zeros primary|publish, found '%s'", optarg);
        break;
    case 'D':
        if (!om_cli_parse_double(optarg, &x) || !(x >= 0))
            return om_cli_usage("protect", "expected a non-negative number for --min-denominator, found '%s'", optarg);
        a->rules.min_denominator = x;
        break;
    case 'C':
        if (!om_cli_parse_double(optarg, &x) || !(x >= 0))
            return om_cli_usage("protect", "expected a non-negative number for --min-contributors, found '%s'", optarg);
        a->rules.min_contributors = x;
        break;
    case 'k': {
        const char *cm = strchr(optarg, ',');
        char nb[16];
        if (!cm || (size_t)(cm - optarg) >= sizeof nb)
            return om_cli_usage("protect", "expected --dominance n,k, found '%s'", optarg);
        memcpy(nb, optarg, (size_t)(cm - optarg));
        nb[cm - optarg] = '\0';
        if (!om_cli_parse_int(nb, 1, 3, &ll) || !om_cli_parse_double(cm + 1, &x) || !(x > 0 && x <= 100))
            return om_cli_usage("protect", "expected --dominance n,k with n in 1..3 and k in (0,100], found '%s'", optarg);
        a->rules.dom_n = (int)ll;
        a->rules.dom_k = x;
        break;
    }
    case 'P':
        if (!om_cli_parse_double(optarg, &x) || !(x > 0 && x <= 100))
            return om_cli_usage("protect", "expected a percentage for --p-rule, found '%s'", optarg);
        a->rules.p_pct = x;
        break;
    case 'y': a->pool = optarg; break;
    case 'w':
        if (strcmp(optarg, "auto") == 0)
            a->window = -1;
        else if (strcmp(optarg, "3") == 0 || strcmp(optarg, "5") == 0 || strcmp(optarg, "1") == 0)
            a->window = optarg[0] - '0';
        else
            return om_cli_usage("protect", "expected --window 1, 3, 5 or auto, found '%s'", optarg);
        break;
    case 'g': a->merge = optarg; break;
    case 'G':
        if (!om_cli_parse_double(optarg, &x) || !(x >= 0))
            return om_cli_usage("protect", "expected a non-negative number for --merge-min, found '%s'", optarg);
        a->merge_min = x;
        break;
    case 'M': a->merge_map = optarg; break;
    case 'r':
        if (!om_cli_parse_int(optarg, 2, 1000000, &ll))
            return om_cli_usage("protect", "expected an integer base >= 2 for --round, found '%s'", optarg);
        a->round = ll;
        break;
    case 's':
        if (strcmp(optarg, "global") && strcmp(optarg, "local"))
            return om_cli_usage("protect", "expected --smooth global|local, found '%s'", optarg);
        a->smooth = optarg;
        break;
    case 'q': a->group = optarg; break;
    case 'a': a->audit = true; break;
    case 'c': a->check = true; break;
    case 'R': {
        const char *eq = strchr(optarg, '=');
        if (!eq || eq == optarg || !eq[1])
            return om_cli_usage("protect", "expected --groups DIM=FILE, found '%s'", optarg);
        if (a->ngroups == 8)
            return om_cli_usage("protect", "expected at most 8 --groups options");
        a->groups[a->ngroups].dim = strndup(optarg, (size_t)(eq - optarg));
        a->groups[a->ngroups].file = eq + 1;
        a->ngroups++;
        break;
    }
    case 'L':
        if (a->nlink == 8)
            return om_cli_usage("protect", "expected at most 8 --link files");
        a->link[a->nlink++] = optarg;
        break;
    case 'S': a->summary = true; break;
    case 'o': a->out = optarg; break;
    case 'h': help(stdout); return 0;
    OM_CLI_PROVENANCE_CASE;
    default: return om_cli_usage("protect", "bad option");
    }
    return -1;
}

/* The combinations of options and the dimensions they name (*nd of them,
 * split into names[]): 0 or the exit code. */
static int check_args(const args *a, int argc, char **argv, char **names, int *nd)
{
    int rc = 0;
    if (optind >= argc)
        rc = om_cli_usage("protect", "expected an input FILE");
    else if (optind + 1 < argc)
        rc = om_cli_usage("protect", "expected one input FILE, found also '%s'", argv[optind + 1]);
    else if (!a->dims)
        rc = om_cli_usage("protect", "expected --dims D1,D2,...");
    else if (!a->out)
        rc = om_cli_usage("protect", "expected --out OUT");
    else if ((*nd = split_dims(a->dims, names, 8)) <= 0)
        rc = om_cli_usage("protect", "expected --dims as 1 to 8 comma-separated names, found '%s'", a->dims);
    else if (a->smooth && strcmp(a->smooth, "local") == 0 && !a->group)
        rc = om_cli_usage("protect", "expected --group COL with --smooth local");
    else if ((a->pool != NULL) != (a->window != 0))
        rc = om_cli_usage("protect", "expected --pool D and --window W together");
    else if (a->merge && !(a->merge_min > 0))
        rc = om_cli_usage("protect", "expected --merge-min N > 0 with --merge");
    else if (a->merge_map && !a->merge)
        rc = om_cli_usage("protect", "expected --merge D with --merge-map");
    for (int h = 0; h < a->ngroups && rc == 0; h++)
        if (dim_index(names, *nd, a->groups[h].dim) < 0)
            rc = om_cli_usage("protect", "expected --groups for one of the --dims, found '%s'", a->groups[h].dim);
    for (int h = 0; h < a->nhier && rc == 0; h++)
        if (dim_index(names, *nd, a->hier[h].dim) < 0)
            rc = om_cli_usage("protect", "expected --hier for one of the --dims, found '%s'", a->hier[h].dim);
    if (rc == 0 && a->pool && dim_index(names, *nd, a->pool) < 0)
        rc = om_cli_usage("protect", "expected --pool to name one of the --dims, found '%s'", a->pool);
    if (rc == 0 && a->merge && dim_index(names, *nd, a->merge) < 0)
        rc = om_cli_usage("protect", "expected --merge to name one of the --dims, found '%s'", a->merge);
    return rc;
}

/* The provenance block: inputs and the suppression rules. */
static void set_prov(const args *a, int argc, char **argv)
{
    om_cli_prov_start("protect", argc, argv);
    om_prov_input(om_cli_prov(), a->file, -1, NULL);
    for (int k = 0; k < a->nlink; k++)
        om_prov_input(om_cli_prov(), a->link[k], -1, NULL);
    if (a->smooth)
        om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION, "none: empirical-Bayes smoothing (%s)", a->smooth);
    else if (a->round)
        om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION, "rounding to base %lld", a->round);
    else
        om_prov_set(om_cli_prov(), OM_PROV_SUPPRESSION,
                    "primary: min count %g%s, min denominator %g, min contributors %g, dominance "
                    "(%d,%g), p%% %g; protection %g%% and %g; secondary by hypercube and LP audit",
                    a->rules.min_count, a->rules.zeros_primary ? " (zeros too)" : "",
                    a->rules.min_denominator, a->rules.min_contributors, a->rules.dom_n,
                    a->rules.dom_k, a->rules.p_pct, a->rules.protection_pct, a->rules.protection_abs);
}

/* --window auto: the shortest window (1, 3, 5 years) with at most 5 % of
 * the inner cells primary, in *window; 0 or the exit code. */
static int auto_window(const args *a, char **names, int nd, int *window)
{
    om_error err = OM_ERROR_INIT;
    om_sdc *s = NULL;
    int rc;
    static const int cand[3] = {1, 3, 5};
    for (int k = 0; k < 3; k++) {
        *window = cand[k];
        if ((rc = load(a, names, nd, *window, &s, NULL)) != 0)
            return rc;
        if (om_sdc_apply_primary(s, &a->rules, &err) != OM_OK) {
            om_sdc_free(s);
            return om_cli_fail("protect", &err);
        }
        om_sdc_summary sm;
        om_sdc_get_summary(s, &sm);
        size_t nprim_inner = 0;
        for (size_t i = 0; i < om_sdc_ncells(s); i++) {
            om_sdc_cell_info ci;
            om_sdc_cell(s, i, &ci);
            nprim_inner += ci.inner && ci.status == OM_SDC_PRIMARY;
        }
        om_sdc_free(s);
        s = NULL;
        if ((double)nprim_inner <= 0.05 * (double)sm.inner)
            break;
    }
    fprintf(stderr, "omrade protect: pooling %s into %d-year windows\n", a->pool, *window);
    return 0;
}

/* --check found nf failing cells: the error naming the first of them. */
static om_status check_failure(const args *a, const om_sdc *s, char **names, int nd, size_t nf, om_error *err)
{
    for (size_t i = 0; i < om_sdc_ncells(s); i++) {
        om_sdc_cell_info ci;
        om_sdc_cell(s, i, &ci);
        if (!ci.fails)
            continue;
        char where[600], lo[40] = "published", hi[40] = "";
        size_t w = 0;
        for (int d = 0; d < nd && w + 1 < sizeof where; d++)
            w += (size_t)snprintf(where + w, sizeof where - w, "%s%s=%s", d ? "," : "", names[d], ci.codes[d]);
        if (ci.audited) {
            om_fmt_double(lo, sizeof lo, ci.lower);
            if (isinf(ci.upper))
                snprintf(hi, sizeof hi, "inf");
            else
                om_fmt_double(hi, sizeof hi, ci.upper);
        }
        char val[40];
        om_fmt_double(val, sizeof val, ci.value);
        if (ci.audited)
            return om_error_set(err, OM_ERR_INPUT, a->file, 0, 0,
                                "expected a pattern that passes the audit, found %zu failing cells, e.g. %s "
                                "(value %s, attacker's interval [%s, %s])",
                                nf, where, val, lo, hi);
        return om_error_set(err, OM_ERR_INPUT, a->file, 0, 0,
                            "expected a pattern that passes the audit, found %zu failing cells, e.g. %s "
                            "(value %s, a primary cell the pattern publishes)",
                            nf, where, val);
    }
    return OM_OK;
}

/* The summary lines on stderr. */
static void report(const args *a, const om_sdc *s)
{
    om_sdc_summary sm;
    om_sdc_get_summary(s, &sm);
    if (sm.absent_inner)
        fprintf(stderr, "omrade protect: %zu inner cells absent from the input were taken as 0\n", sm.absent_inner);
    if (a->summary)
        fprintf(stderr,
                "omrade protect: %zu cells (%zu inner), %zu primary, %zu secondary; %zu hypercubes, %zu LP "
                "protections, audit: %zu components, %zu LP solves, %zu rounds\n",
                sm.cells, sm.inner, sm.primary, sm.secondary, sm.hypercubes, sm.lp_protections, sm.components,
                sm.lp_solves, sm.rounds);
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"dims", required_argument, 0, 'd'},
                                         {"hier", required_argument, 0, 'H'},
                                         {"min-count", required_argument, 0, 'm'},
                                         {"protection", required_argument, 0, 'p'},
                                         {"protection-abs", required_argument, 0, 'A'},
                                         {"zeros", required_argument, 0, 'z'},
                                         {"min-denominator", required_argument, 0, 'D'},
                                         {"min-contributors", required_argument, 0, 'C'},
                                         {"dominance", required_argument, 0, 'k'},
                                         {"p-rule", required_argument, 0, 'P'},
                                         {"pool", required_argument, 0, 'y'},
                                         {"window", required_argument, 0, 'w'},
                                         {"merge", required_argument, 0, 'g'},
                                         {"merge-min", required_argument, 0, 'G'},
                                         {"merge-map", required_argument, 0, 'M'},
                                         {"round", required_argument, 0, 'r'},
                                         {"smooth", required_argument, 0, 's'},
                                         {"group", required_argument, 0, 'q'},
                                         {"audit", no_argument, 0, 'a'},
                                         {"check", no_argument, 0, 'c'},
                                         {"link", required_argument, 0, 'L'},
                                         {"groups", required_argument, 0, 'R'},
                                         {"summary", no_argument, 0, 'S'},
                                         OM_CLI_OUT_OPTS};
    args a;
    memset(&a, 0, sizeof a);
    om_sdc_rules_default(&a.rules);
    int c, rc = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((rc = option(c, &a)) >= 0)
            return rc;
    }
    char *names[8] = {0};
    int nd = 0;
    if ((rc = check_args(&a, argc, argv, names, &nd)) != 0)
        goto done;
    a.file = argv[optind];
    set_prov(&a, argc, argv);
    if (a.smooth) {
        rc = run_smooth(&a, names, nd);
        goto done;
    }
    om_error err = OM_ERROR_INIT;
    om_sdc *s = NULL;
    int window = a.window;
    if (window < 0 && (rc = auto_window(&a, names, nd, &window)) != 0)
        goto done;
    om_afile *mf = NULL;
    if (a.merge_map && om_cli_out_open(&mf, a.merge_map, &err) != OM_OK) {
        rc = om_cli_fail("protect", &err);
        goto done;
    }
    if ((rc = load(&a, names, nd, window, &s, mf ? om_afile_stream(mf) : NULL)) != 0) {
        om_afile_abort(mf);
        goto done;
    }
    om_status st;
    if (a.round) {
        st = om_sdc_build(s, &err);
    } else if (a.check) {
        size_t nf = 0;
        st = om_sdc_check(s, &a.rules, true, &nf, &err);
        if (st == OM_OK && nf)
            st = check_failure(&a, s, names, nd, nf, &err);
    } else {
        om_sdc_options o = {0};
        o.progress = om_cli_progress();
        o.full_audit = a.audit;
        st = om_sdc_protect(s, &a.rules, &o, &err);
        om_cli_progress_done();
    }
    if (st != OM_OK) {
        om_afile_abort(mf);
        om_sdc_free(s);
        rc = om_cli_fail("protect", &err);
        goto done;
    }
    om_afile *af = NULL;
    if (om_cli_out_open(&af, a.out, &err) != OM_OK) {
        om_afile_abort(mf);
        om_sdc_free(s);
        rc = om_cli_fail("protect", &err);
        goto done;
    }
    om_sdc_write_cells(s, om_afile_stream(af), a.audit && !a.round, a.round > 0, (int)a.round);
    if ((mf && om_afile_commit(mf, &err) != OM_OK) || om_afile_commit(af, &err) != OM_OK) {
        om_sdc_free(s);
        rc = om_cli_fail("protect", &err);
        goto done;
    }
    report(&a, s);
    om_sdc_free(s);
done:
    for (int k = 0; k < 8; k++)
        free(names[k]);
    for (int h = 0; h < a.nhier; h++)
        free(a.hier[h].dim);
    for (int h = 0; h < a.ngroups; h++)
        free(a.groups[h].dim);
    return rc;
}

const om_cli_cmd om_cli_cmd_protect = {"protect", "disclosure control: suppression with LP audit, pooling, merging",
                                       run};

/* omrade seg — segregation and inequality indices.
 *
 * Two modes: a generic long-form table (`omrade seg FILE`, index,value) and
 * the per-unit ojämlikhetsindex family over DeSO x income-quintile counts
 * (`--counts` or `--person-year` + `--residence`). */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/formats.h"
#include "omrade/seg.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade seg FILE [--decompose-by FILE] [--groups A,B | --group A]\n"
            "                  [--replicates R] [--sims N] [--seed N] [--conf C] [--out FILE]\n"
            "       omrade seg (--counts FILE | --person-year FILE --residence FILE)\n"
            "                  [--index LIST] [--levels LIST] [--replicates R] [--seed N]\n"
            "                  [--threads N] [--conf C] [--min-deso N] [--min-persons N]\n"
            "                  [--limits-out FILE] [--out FILE] [--rank [--year Y] [--top N]]\n\n"
            "Generic table: FILE has header unit,group,count (long form).  Prints index,value\n"
            "rows dissimilarity, gini, theil_h, mutual_m (natural log), isolation and exposure\n"
            "(of the first group in file order).  With more than two groups the first four are\n"
            "the multigroup indices (Reardon & Firebaugh 2002) and isolation/exposure are those\n"
            "of the first group against all others; --groups A,B restricts to two groups,\n"
            "--group A compares group A with all other groups combined (A first).\n"
            "  --decompose-by FILE  unit,super: adds mutual_m_between/_within and\n"
            "                       theil_h_between/_within (exact: total = between + within)\n"
            "  --replicates R       adds columns corrected (bias-corrected estimate),\n"
            "                       se,lower,upper (Poisson bootstrap, basic interval around\n"
            "                       corrected; --seed, --conf) and expected (random\n"
            "                       allocation); R may be 0\n"
            "  --sims N             expected of gini, theil_h, mutual_m (and parts) as the\n"
            "                       mean over N simulated random allocations\n\n"
            "Per unit and year (CSV year,level,code,name,index,value,corrected,se,lower,upper,\n"
            "expected,n_deso,n_persons,flag; value is the plug-in estimate, corrected the\n"
            "bootstrap bias-corrected one, lower-upper the interval around corrected):\n"
            "  --counts FILE        year,deso,q1,q2,q3,q4,q5 (year optional)\n"
            "  --person-year FILE   lopnr,year,income_cu (national quintiles per year)\n"
            "  --residence FILE     lopnr,year,deso\n"
            "  --index LIST         ojamlikhetsindex (default), dissimilarity, gini, theil_h,\n"
            "                       mutual_m, or all (multigroup over q1..q5)\n"
            "  --levels LIST        kommun,lan (default), riket\n"
            "  --replicates R       bootstrap replicates (default 1000; 0 = none)\n"
            "  --seed N             random seed (default 1); results do not depend on --threads\n"
            "  --threads N          worker threads (default: all CPUs)\n"
            "  --conf C             confidence level of the interval (default 0.95)\n"
            "  --min-deso N         flag few_deso below N populated DeSOs (default 5)\n"
            "  --min-persons N      flag few_persons below N persons (default 1000)\n"
            "  --limits-out FILE    write the national quintile limits (year,l1,l2,l3,l4)\n"
            "  --out FILE           write the CSV to FILE (atomically) instead of stdout\n"
            "  --rank               print a table ranking kommuner instead of the CSV\n"
            "                       (--pretty is a synonym); --year Y (default: last),\n"
            "                       --top N (default 20, 0 = all)\n" OM_CLI_PROVENANCE_HELP
            "\nexamples:\n"
            "  omrade seg examples/seg/two_groups.csv\n"
            "  omrade seg --counts examples/seg/quintiles.csv --replicates 200 --rank\n");
}

/* ------------------------------------------------------------- generic */

typedef struct table_opts {
    int replicates, sims;
    uint64_t seed;
    double conf;
} table_opts;

static int run_table(const char *path, const char *decomp, const char *groups, const char *one,
                     const char *out, bool uncert, const table_opts *o)
{
    om_error err = OM_ERROR_INIT;
    om_seg_table *t = NULL;
    if (om_seg_table_read(&t, path, &err) != OM_OK)
        return om_cli_fail("seg", &err);
    int32_t nu = om_seg_table_units(t), ng = om_seg_table_groups(t);
    const double *counts = om_seg_table_counts(t);
    double *sub = NULL;
    int32_t *super_of = NULL;
    int rc = 0;
    if (groups || one) {
        int32_t ga, gb = -1;
        const char *comma = groups ? strchr(groups, ',') : NULL;
        if (groups) {
            ga = comma ? om_seg_table_find_group(t, groups, (size_t)(comma - groups)) : -1;
            gb = comma ? om_seg_table_find_group(t, comma + 1, strlen(comma + 1)) : -1;
        } else {
            ga = om_seg_table_find_group(t, one, strlen(one));
        }
        if (groups && (!comma || ga < 0 || gb < 0 || ga == gb)) {
            om_seg_table_free(t);
            return om_cli_usage("seg", "expected --groups A,B naming two groups of %s, found '%s'",
                                path, groups);
        }
        if (!groups && ga < 0) {
            om_seg_table_free(t);
            return om_cli_usage("seg", "expected --group to name a group of %s, found '%s'", path,
                                one);
        }
        if (om_seg_table_pair(t, ga, gb, &sub, &err) != OM_OK) {
            om_seg_table_free(t);
            return om_cli_fail("seg", &err);
        }
        counts = sub;
        ng = 2;
    }
    om_seg_index ix;
    om_seg_decomp dc;
    om_afile *af = NULL;
    if (ng < 2) {
        om_error_set(&err, OM_ERR_INPUT, path, 0, 0,
                     "expected at least 2 groups in column 'group', found %d ('%s')", (int)ng,
                     om_seg_table_group(t, 0));
        goto fail;
    }
    if (om_seg_compute(counts, nu, ng, &ix, &err) != OM_OK)
        goto fail;
    if (!isfinite(ix.mutual_m)) {
        om_error_set(&err, OM_ERR_INPUT, path, 0, 0,
                     "expected at least 2 groups with a positive count, found %s",
                     ix.total > 0 ? "1" : "a zero total");
        goto fail;
    }
    int32_t dc_nsuper = 0;
    if (decomp) {
        int64_t unused;
        if (om_seg_table_read_super(t, decomp, &super_of, &dc_nsuper, &unused, &err) != OM_OK ||
            om_seg_decompose(counts, nu, ng, super_of, dc_nsuper, &dc, &err) != OM_OK)
            goto fail;
        if (unused > 0)
            fprintf(stderr, "omrade seg: %lld row%s of %s name%s no unit of %s (ignored)\n",
                    (long long)unused, unused == 1 ? "" : "s", decomp, unused == 1 ? "s" : "",
                    path);
    }
    om_seg_uncertainty un;
    if (uncert && om_seg_table_uncertainty(counts, nu, ng, decomp ? super_of : NULL,
                                           decomp ? dc_nsuper : 0, o->replicates, o->seed,
                                           o->conf, &un, &err) != OM_OK)
        goto fail;
    if (uncert && o->sims > 0) {
        /* simulated means replace the large-sample M/H values and fill the
         * Gini; D, isolation and exposure keep their exact values */
        double sim[OM_SEG_NSTAT];
        if (om_seg_table_simulate(counts, nu, ng, decomp ? super_of : NULL, decomp ? dc_nsuper : 0,
                                  o->sims, o->seed, sim, &err) != OM_OK)
            goto fail;
        for (int s = 0; s < OM_SEG_NSTAT; s++)
            if (s != OM_SEG_ST_DISSIMILARITY && s != OM_SEG_ST_ISOLATION &&
                s != OM_SEG_ST_EXPOSURE)
                un.expected[s] = sim[s];
    }
    if (om_cli_out_open(&af, out, &err) != OM_OK)
        goto fail;
    om_seg_write_indices(om_afile_stream(af), &ix, decomp ? &dc : NULL, uncert ? &un : NULL);
    if (om_afile_commit(af, &err) != OM_OK)
        goto fail;
    goto done;
fail:
    if (!err.file[0])
        snprintf(err.file, sizeof err.file, "%s", path);
    rc = om_cli_fail("seg", &err);
done:
    free(sub);
    free(super_of);
    om_seg_table_free(t);
    return rc;
}

/* ------------------------------------------------------------ per unit */

/* The ranking estimate: the bias-corrected one when there is a bootstrap
 * (the plug-in value favours kommuner with many small DeSO cells). */
static double rank_value(const om_seg_row *r)
{
    return isfinite(r->corrected) ? r->corrected : r->value;
}

static int cmp_rank(const void *a, const void *b)
{
    const om_seg_row *x = *(const om_seg_row *const *)a, *y = *(const om_seg_row *const *)b;
    double vx = rank_value(x), vy = rank_value(y);
    bool fx = isfinite(vx), fy = isfinite(vy);
    if (fx != fy)
        return fx ? -1 : 1;
    if (fx && vx != vy)
        return vx > vy ? -1 : 1;
    return (x->area > y->area) - (x->area < y->area);
}

static int print_rank(const om_geo *g, const om_seg_result *res, int year, long long top,
                      double conf, int replicates)
{
    size_t n = om_seg_result_count(res);
    if (n == 0)
        return 0;
    const char *index = NULL;
    int last = 0;
    for (size_t i = 0; i < n; i++) {
        const om_seg_row *r = om_seg_result_row(res, i);
        if (r->level != OM_LEVEL_KOMMUN)
            continue;
        if (!index || strcmp(r->index, "ojamlikhetsindex") == 0)
            index = r->index;
        if (r->year > last)
            last = r->year;
    }
    if (!index)
        return om_cli_usage("seg", "--rank needs the kommun level in --levels");
    if (year == 0)
        year = last;
    const om_seg_row **sel = malloc(n * sizeof *sel);
    if (!sel)
        return 1;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        const om_seg_row *r = om_seg_result_row(res, i);
        if (r->level == OM_LEVEL_KOMMUN && r->year == year && strcmp(r->index, index) == 0)
            sel[m++] = r;
    }
    if (m == 0) {
        free(sel);
        return om_cli_usage("seg", "expected --year to be a year of the data, found %d", year);
    }
    qsort(sel, m, sizeof *sel, cmp_rank);
    int dec = strcmp(index, "ojamlikhetsindex") == 0 ? 1 : 3;
    if (replicates > 0)
        printf("%s by kommun, %d (%zu kommuner; %g %% bootstrap interval, %d replicates)\n",
               index, year, m, conf * 100, replicates);
    else
        printf("%s by kommun, %d (%zu kommuner; no bootstrap)\n", index, year, m);
    printf("%4s  %-4s  %-20s %8s %9s  %-17s %8s  %s\n", "rank", "code", "kommun", "value", "corrected",
           "interval", "expected", "flag");
    for (size_t i = 0; i < m && (top == 0 || (long long)i < top); i++) {
        const om_seg_row *r = sel[i];
        char v[32], co[32], lo[32], hi[32], ex[32], iv[80];
        om_fmt_fixed(v, sizeof v, r->value, dec);
        om_fmt_fixed(co, sizeof co, r->corrected, dec);
        om_fmt_fixed(lo, sizeof lo, r->lower, dec);
        om_fmt_fixed(hi, sizeof hi, r->upper, dec);
        om_fmt_fixed(ex, sizeof ex, r->expected, dec);
        if (isfinite(r->lower))
            snprintf(iv, sizeof iv, "%s - %s", lo, hi);
        else
            iv[0] = '\0';
        /* pad the UTF-8 name by characters, not bytes */
        const char *name = om_geo_name(g, OM_LEVEL_KOMMUN, r->area);
        int chars = 0;
        for (const char *p = name; *p; p++)
            chars += ((unsigned char)*p & 0xC0) != 0x80;
        printf("%4zu  %-4s  %s%*s %8s %9s  %-17s %8s  %s\n", i + 1, om_geo_code(g, r->level, r->area), name,
               chars < 20 ? 20 - chars : 0, "", v, isfinite(r->corrected) ? co : "", iv, ex, r->flag);
    }
    free(sel);
    return 0;
}

static int run_units(const char *counts, const char *py, const char *resid, om_seg_options *o,
                     const char *out, const char *limits_out, bool rank, int year, long long top)
{
    om_error err = OM_ERROR_INIT;
    om_geo *g = NULL;
    om_seg_panel *p = NULL;
    om_seg_result *res = NULL;
    om_seg_load_report rep = {0};
    int rc = 0;
    if (om_geo_new_builtin(&g, &err) != OM_OK || om_seg_panel_new(&p, g, &err) != OM_OK)
        goto fail;
    if (counts) {
        if (om_seg_panel_read_counts(p, counts, &rep, &err) != OM_OK)
            goto fail;
    } else {
        if (om_seg_panel_read_persons(p, py, resid, &rep, &err) != OM_OK)
            goto fail;
        fprintf(stderr,
                "omrade seg: %lld person-year rows: %lld counted; excluded %lld without income, "
                "%lld without residence, %lld duplicate; residence: %lld duplicate rows, %lld "
                "unknown DeSO codes\n",
                (long long)rep.rows, (long long)rep.persons_used, (long long)rep.no_income,
                (long long)rep.no_residence, (long long)rep.dup_person_year,
                (long long)rep.dup_residence, (long long)rep.unknown_deso);
        if (rep.persons_used == 0) {
            om_error_set(&err, OM_ERR_INPUT, py, 0, 0,
                         "expected person-years with an income and a residence, found none");
            goto fail;
        }
    }
    if (limits_out) {
        om_afile *af = NULL;
        if (om_cli_out_open(&af, limits_out, &err) != OM_OK)
            goto fail;
        om_seg_panel_write_limits(om_afile_stream(af), p);
        if (om_afile_commit(af, &err) != OM_OK)
            goto fail;
    }
    o->progress = om_cli_progress();
    om_status st = om_seg_run(p, o, &res, &err);
    om_cli_progress_done();
    if (st != OM_OK)
        goto fail;
    if (!rank || strcmp(out, "-") != 0) {
        om_afile *af = NULL;
        if (om_cli_out_open(&af, out, &err) != OM_OK)
            goto fail;
        om_seg_result_write(om_afile_stream(af), g, res);
        if (om_afile_commit(af, &err) != OM_OK)
            goto fail;
    }
    if (rank)
        rc = print_rank(g, res, year, top, o->conf, o->replicates);
    goto done;
fail:
    rc = om_cli_fail("seg", &err);
done:
    om_seg_result_free(res);
    om_seg_panel_free(p);
    om_geo_free(g);
    return rc;
}

/* The options of one run. */
typedef struct {
    const char *decomp, *groups, *one, *counts, *py, *resid;
    const char *out, *limits_out;
    int sims;
    bool rank, unit_opt, uncert, rep_given;
    long long year, top;
    om_seg_options o;
} seg_args;

enum { O_DECOMP = 256, O_GROUPS, O_GROUP, O_SIMS, O_COUNTS, O_PY, O_RES, O_INDEX, O_LEVELS, O_REPS, O_SEED,
       O_THREADS, O_CONF, O_MIND, O_MINP, O_LIMITS, O_OUT, O_RANK, O_YEAR, O_TOP };

/* Takes getopt's option c: -1 when taken, otherwise the exit code. */
static int option(int c, seg_args *x)
{
    long long v;
    if (c == O_REPS || c == O_SEED || c == O_CONF)
        x->uncert = true;
    else if (c >= O_INDEX && c != O_OUT && c <= O_TOP)
        x->unit_opt = true;
    switch (c) {
    case O_DECOMP: x->decomp = optarg; break;
    case O_GROUPS: x->groups = optarg; break;
    case O_GROUP: x->one = optarg; break;
    case O_SIMS:
        if (!om_cli_parse_int(optarg, 0, 1000000, &v))
            return om_cli_usage("seg", "expected --sims 0..1000000, found '%s'", optarg);
        x->sims = (int)v;
        x->uncert = true;
        break;
    case O_COUNTS: x->counts = optarg; break;
    case O_PY: x->py = optarg; break;
    case O_RES: x->resid = optarg; break;
    case O_INDEX:
        if (!(x->o.indices = om_seg_parse_indices(optarg)))
            return om_cli_usage("seg", "unknown index in '%s'", optarg);
        break;
    case O_LEVELS: {
        for (int l = 0; l < OM_LEVEL_COUNT; l++)
            x->o.level[l] = false;
        char buf[128];
        snprintf(buf, sizeof buf, "%s", optarg);
        for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
            om_level l = om_level_parse(tok);
            if (l != OM_LEVEL_KOMMUN && l != OM_LEVEL_LAN && l != OM_LEVEL_RIKET)
                return om_cli_usage("seg", "expected levels kommun, lan or riket, found '%s'",
                                    tok);
            x->o.level[l] = true;
        }
        break;
    }
    case O_REPS:
        x->rep_given = true;
        if (!om_cli_parse_int(optarg, 0, 1000000, &v))
            return om_cli_usage("seg", "expected --replicates 0..1000000, found '%s'", optarg);
        x->o.replicates = (int)v;
        break;
    case O_SEED:
        if (!om_cli_parse_int(optarg, 0, INT64_MAX, &v))
            return om_cli_usage("seg", "expected a non-negative --seed, found '%s'", optarg);
        x->o.seed = (uint64_t)v;
        break;
    case O_THREADS:
        if (!om_cli_parse_int(optarg, 0, 256, &v))
            return om_cli_usage("seg", "expected --threads 0..256, found '%s'", optarg);
        x->o.threads = (int)v;
        break;
    case O_CONF:
        if (!om_cli_parse_double(optarg, &x->o.conf) || !(x->o.conf > 0 && x->o.conf < 1))
            return om_cli_usage("seg", "expected --conf between 0 and 1, found '%s'", optarg);
        break;
    case O_MIND:
        if (!om_cli_parse_int(optarg, 0, INT32_MAX, &v))
            return om_cli_usage("seg", "expected a non-negative --min-deso, found '%s'", optarg);
        x->o.min_deso = (int32_t)v;
        break;
    case O_MINP:
        if (!om_cli_parse_int(optarg, 0, INT64_MAX, &v))
            return om_cli_usage("seg", "expected a non-negative --min-persons, found '%s'",
                                optarg);
        x->o.min_persons = (int64_t)v;
        break;
    case O_LIMITS: x->limits_out = optarg; break;
    case O_OUT: x->out = optarg; break;
    case O_RANK: x->rank = true; break;
    case O_YEAR:
        if (!om_cli_parse_int(optarg, 1000, 9999, &x->year))
            return om_cli_usage("seg", "expected a --year 1000..9999, found '%s'", optarg);
        break;
    case O_TOP:
        if (!om_cli_parse_int(optarg, 0, 1000000, &x->top))
            return om_cli_usage("seg", "expected a non-negative --top, found '%s'", optarg);
        break;
    case 'h': help(stdout); return 0;
    OM_CLI_PROVENANCE_CASE;
    default: return om_cli_usage("seg", "bad option");
    }
    return -1;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"decompose-by", required_argument, 0, O_DECOMP},
                                         {"groups", required_argument, 0, O_GROUPS},
                                         {"group", required_argument, 0, O_GROUP},
                                         {"sims", required_argument, 0, O_SIMS},
                                         {"counts", required_argument, 0, O_COUNTS},
                                         {"person-year", required_argument, 0, O_PY},
                                         {"residence", required_argument, 0, O_RES},
                                         {"index", required_argument, 0, O_INDEX},
                                         {"levels", required_argument, 0, O_LEVELS},
                                         {"replicates", required_argument, 0, O_REPS},
                                         {"seed", required_argument, 0, O_SEED},
                                         {"threads", required_argument, 0, O_THREADS},
                                         {"conf", required_argument, 0, O_CONF},
                                         {"min-deso", required_argument, 0, O_MIND},
                                         {"min-persons", required_argument, 0, O_MINP},
                                         {"limits-out", required_argument, 0, O_LIMITS},
                                         {"out", required_argument, 0, O_OUT},
                                         {"rank", no_argument, 0, O_RANK},
                                         {"pretty", no_argument, 0, O_RANK},
                                         {"year", required_argument, 0, O_YEAR},
                                         {"top", required_argument, 0, O_TOP},
                                         {"help", no_argument, 0, 'h'},
                                         OM_CLI_PROVENANCE_OPT,
                                         {0, 0, 0, 0}};
    seg_args x;
    memset(&x, 0, sizeof x);
    x.out = "-";
    x.top = 20;
    om_seg_options_default(&x.o);
    int c, rc;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if ((rc = option(c, &x)) >= 0)
            return rc;
    }
    bool unit_mode = x.counts || x.py || x.resid;
    om_cli_prov_start("seg", argc, argv);
    const char *ins[] = {x.counts, x.py, x.resid, unit_mode || optind >= argc ? NULL : argv[optind], x.groups};
    for (size_t i = 0; i < sizeof ins / sizeof *ins; i++)
        om_prov_input(om_cli_prov(), ins[i], -1, NULL);
    if (unit_mode) {
        if (optind < argc)
            return om_cli_usage("seg", "unexpected argument '%s' with --counts/--person-year",
                                argv[optind]);
        if (x.decomp || x.groups || x.one || x.sims)
            return om_cli_usage(
                "seg", "--decompose-by, --groups, --group and --sims apply to a FILE table only");
        if (x.counts && (x.py || x.resid))
            return om_cli_usage("seg", "expected either --counts or --person-year, not both");
        if (!x.counts && (!x.py || !x.resid))
            return om_cli_usage("seg", "expected both --person-year and --residence");
        return run_units(x.counts, x.py, x.resid, &x.o, x.out, x.limits_out, x.rank, (int)x.year, x.top);
    }
    if (optind >= argc)
        return om_cli_usage("seg", "expected FILE, --counts or --person-year");
    if (optind + 1 < argc)
        return om_cli_usage("seg", "expected one FILE, found also '%s'", argv[optind + 1]);
    if (x.unit_opt)
        return om_cli_usage("seg", "options such as --index or --rank need --counts or --person-year");
    if (x.groups && x.one)
        return om_cli_usage("seg", "expected --groups or --group, not both");
    table_opts to = {x.rep_given ? x.o.replicates : 0, x.sims, x.o.seed, x.o.conf};
    return run_table(argv[optind], x.decomp, x.groups, x.one, x.out, x.uncert, &to);
}

const om_cli_cmd om_cli_cmd_seg = {"seg", "segregation and inequality indices (ojämlikhetsindex)",
                                   run};

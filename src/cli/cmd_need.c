/* omrade need — need indices per unit from counts per area (docs/need.md). */
#define _GNU_SOURCE
#include "cli.h"

#include "omrade/need.h"

#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade need FILE --index cni|key2011|key2013|child-sei [--units FILE | --level kommun|lan]\n"
            "                   [--cni-weights FILE] --out FILE\n"
            "       omrade need --synth DIR --year Y [--level deso|regso|kommun|lan]\n"
            "                   [--guardian highest|any] --out FILE\n"
            "       omrade need --compare A.csv:COL B.csv:COL [--top F] [--listed L.csv:COL]\n"
            "                   [--types12 T.csv:COL] --out FILE\n"
            "       omrade need --police LIST --layer FILE [--field NAME] --out FILE\n"
            "       omrade need --key FORMULA FILE [--units FILE | --level kommun|lan] --out FILE\n"
            "       omrade need --allocations A.csv B.csv... [--xlsx FILE] --out FILE\n\n"
            "Need indices per unit from counts per area (RegSO, DeSO or any code).  FILE is CSV\n"
            "with column area and, by index (whole numbers):\n"
            "  cni        population,under5,born_outside,elderly_alone,unemployed,\n"
            "             single_parent,moved_in,low_education\n"
            "  key2011    population,low_income,low_education,no_work\n"
            "  key2013    population,low_income,no_work\n"
            "  child-sei  children_0_5,children_6_17,low_edu_0_5,low_econ_0_5,assist_0_5,\n"
            "             low_edu_6_17,low_econ_6_17,assist_6_17\n"
            "Counts are summed per unit; output: unit, the denominators, each count and its\n"
            "share in percent (<col>_pct), then cni | key,group | sei_0_5,z_0_5,sei_6_17,z_6_17.\n"
            "Definitions and sources: docs/need.md.\n"
            "With --synth, write instead the counts of every index per area (default RegSO)\n"
            "from a directory of `omrade synth --households` for year Y (2012-2024); the\n"
            "child SEI's education part counts the best-educated guardian (--guardian\n"
            "highest, default) or any guardian (--guardian any).\n"
            "With --compare, join two outputs by unit and compare the columns: Spearman's\n"
            "rank correlation and the overlap of the top F (default 0.1) by each, on stderr;\n"
            "the file has unit,a,b,rank_a,rank_b,top_a,top_b.  --listed adds to A's selection\n"
            "every unit with COL > 0 in L.csv (the earlier selection: CNI together with the\n"
            "police list) and prints its cross-tabulation against B's top F.  --types12 adds\n"
            "the selection by area type 1-2: the top F by COL in T.csv, each unit's share of\n"
            "its population in RegSO of area type 1 or 2 (share 0: never selected), and its\n"
            "cross-tabulation against A's and B's top F (columns types12,top_t).\n"
            "With --police, join the police's list of utsatta områden (a polygon layer with\n"
            "NAMN and KATEGORI, e.g. data/polisen/uso_2023.shp) to the units of the polygon\n"
            "layer FILE (e.g. data/geo/swe-maps-kommun.geojson): each area goes to the unit\n"
            "it overlaps most (none: the nearest, counted); the file has\n"
            "unit,police_areas,sarskilt_utsatt,utsatt,risk,names.\n");
    fprintf(fp,
            "With --key, write an allocation key unit,weight for `omrade allocate`: the\n"
            "formula over FILE's columns per row, summed per unit; terms joined by + or -,\n"
            "factors by *, a factor a number, a column or COLUMN[v:w,...] (w where COLUMN is\n"
            "v), e.g. 'population*cni' or 'population*area_type[1:2,2:1.5,3:1,4:1,5:1]'.\n"
            "With --allocations, put outputs of `omrade allocate` over the same units side\n"
            "by side (two keys; or one key from several years or linkage methods):\n"
            "unit,amount_1..amount_k,change,change_pct,min,max,range_pct, exact to the öre;\n"
            "--xlsx also writes it as a workbook for a decision memo.\n\n"
            "options:\n"
            "  --index I          the index (required)\n"
            "  --units FILE       CSV code,unit mapping every area to a unit (e.g. stadsdelar)\n"
            "  --level L          kommun (first 4 digits of the area code) or lan (first 2)\n"
            "  --cni-weights FILE CSV variable,weight for the seven CNI variables (default: the\n"
            "                     published weights, docs/need.md)\n"
            "  --cni-reference X  CNI relative to X weighted needs per person (riket's, as SCB\n"
            "                     delivers it; default: the input as a whole = 1)\n"
            "  --listed L.csv:COL with --compare: units with COL > 0 join A's selection\n"
            "  --types12 T.csv:COL with --compare: the area type 1-2 selection, by COL\n"
            "  --police LIST      the police's list of utsatta områden (polygon layer)\n"
            "  --layer FILE       with --police: the units' polygons (any vector file GDAL reads)\n"
            "  --field NAME       with --police: the layer's unit code field (default: detect)\n"
            "  --key FORMULA      an allocation key from FILE's columns (see above)\n"
            "  --allocations      compare the allocations given as files\n"
            "  --xlsx FILE        with --allocations: also an XLSX workbook\n"
            "  --year Y           with --index: start each row with the year Y (for\n"
            "                     `omrade build --need`)\n"
            "  --out FILE         output CSV (required; '-' for standard output)\n" OM_CLI_PROVENANCE_HELP
            "\nexample:\n"
            "  omrade synth --scale 0.02 --out s --households\n"
            "  omrade need --synth s --year 2022 --out counts.csv\n"
            "  omrade need counts.csv --index key2013 --level kommun --out key.csv\n");
}

/* FILE:COLUMN into a new string FILE and a pointer to COLUMN */
/* The output is committed when what wrote it succeeded (s), else removed. */
static om_status out_close(om_afile *af, om_status s, om_error *err)
{
    if (s == OM_OK)
        return om_afile_commit(af, err);
    om_afile_abort(af);
    return s;
}

static bool split_spec(const char *arg, char **file, const char **col)
{
    const char *colon = strrchr(arg, ':');
    if (!colon || colon == arg || !colon[1])
        return false;
    *file = strndup(arg, (size_t)(colon - arg));
    *col = colon + 1;
    return *file != NULL;
}

static int do_compare(int argc, char **argv, double top, const char *listed, const char *types12, const char *out)
{
    if (optind + 2 != argc)
        return om_cli_usage("need", "expected --compare A.csv:COLUMN B.csv:COLUMN");
    if (!out)
        return om_cli_usage("need", "expected --out FILE");
    char *spec[4] = {NULL, NULL, NULL, NULL};
    const char *col[4] = {NULL, NULL, NULL, NULL};
    for (int k = 0; k < 4; k++) {
        const char *arg = k < 2 ? argv[optind + k] : k == 2 ? listed : types12;
        if (arg && !split_spec(arg, &spec[k], &col[k])) {
            for (int j = 0; j < k; j++)
                free(spec[j]);
            return om_cli_usage("need", "expected FILE:COLUMN, found '%s'", arg);
        }
    }
    om_error err = OM_ERROR_INIT;
    om_need_comparison c;
    om_cli_prov_start("need", argc, argv);
    om_afile *af = NULL;
    om_status s = om_cli_out_open(&af, out, &err);
    if (s == OM_OK) {
        s = om_need_compare_files(spec[0], col[0], spec[1], col[1], top, spec[2], col[2], spec[3], col[3],
                                  om_afile_stream(af), &c, &err);
        s = out_close(af, s, &err);
    }
    free(spec[0]);
    free(spec[1]);
    free(spec[2]);
    free(spec[3]);
    if (s != OM_OK)
        return om_cli_fail("need", &err);
    char rho[32];
    om_fmt_fixed(rho, sizeof rho, c.spearman, 3);
    fprintf(stderr,
            "omrade need: %lld units; Spearman %s; top %lld: %lld in both, %lld by A only, %lld by B "
            "only; not compared: %lld units with a value in A only, %lld in B only (%lld empty values)\n",
            (long long)c.units, rho, (long long)c.top, (long long)c.top_both, (long long)c.top_only_a,
            (long long)c.top_only_b, (long long)c.only_a, (long long)c.only_b, (long long)c.undefined);
    if (listed)
        fprintf(stderr,
                "omrade need: A's selection = top %lld + %lld listed (of %lld listed units compared, "
                "%lld listed not compared) = %lld; against B's top %lld: %lld in both, %lld by A only, "
                "%lld by B only, %lld in neither\n",
                (long long)c.top, (long long)c.listed_added, (long long)c.listed, (long long)c.listed_missing,
                (long long)c.sel_a, (long long)c.top, (long long)c.sel_both, (long long)c.sel_only_a,
                (long long)c.sel_only_b, (long long)c.sel_neither);
    if (types12)
        fprintf(stderr,
                "omrade need: area types 1-2 selection = top %lld by share (%lld units with a share > 0, %lld "
                "without a share) = %lld; against A's top %lld: %lld in both, %lld by A only, %lld by types only, "
                "%lld in neither; against B's top %lld: %lld in both, %lld by B only, %lld by types only, %lld "
                "in neither; %lld in all three\n",
                (long long)c.top, (long long)c.types_positive, (long long)c.types_missing, (long long)c.types_sel,
                (long long)c.top, (long long)c.types_a[0], (long long)c.types_a[1], (long long)c.types_a[2],
                (long long)c.types_a[3], (long long)c.top, (long long)c.types_b[0], (long long)c.types_b[1],
                (long long)c.types_b[2], (long long)c.types_b[3], (long long)c.types_all);
    return 0;
}

static int do_allocations(int argc, char **argv, const char *xlsx, const char *out)
{
    size_t k = (size_t)(argc - optind);
    if (k < 2 || k > OM_ALLOC_COMPARE_MAX)
        return om_cli_usage("need", "expected --allocations with 2 to %d files, found %zu",
                            OM_ALLOC_COMPARE_MAX, k);
    if (!out)
        return om_cli_usage("need", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_alloc_comparison c;
    om_cli_prov_start("need", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "none");
    om_afile *af = NULL;
    om_status s = om_cli_out_open(&af, out, &err);
    if (s == OM_OK) {
        s = om_alloc_compare(k, (const char *const *)argv + optind, om_afile_stream(af), xlsx, &c, &err);
        s = out_close(af, s, &err);
    }
    if (s != OM_OK)
        return om_cli_fail("need", &err);
    char ch[40], sum[40], rp[32];
    om_money_format(ch, sizeof ch, c.max_change);
    om_fmt_fixed(rp, sizeof rp, c.max_range_pct, 2);
    fprintf(stderr, "omrade need: %lld units in %zu allocations (sums", (long long)c.units, c.files);
    for (size_t f = 0; f < c.files; f++) {
        om_money_format(sum, sizeof sum, c.total[f]);
        fprintf(stderr, "%s%s", f ? ", " : " ", sum);
    }
    fprintf(stderr, "); last vs first: %lld units change, the most %s (%s); largest range %s %% (%s)",
            (long long)c.units_changed, ch, c.max_change_unit, rp, c.max_range_unit);
    char mv[40], pct[32];
    om_money_format(mv, sizeof mv, c.moved);
    om_fmt_fixed(pct, sizeof pct, c.total[0] > 0 ? (double)c.moved * 100 / (double)c.total[0] : NAN, 2);
    fprintf(stderr, "; moved between units, last vs first: %s (%s %% of the first)", mv, pct);
    if (c.files > 2) {
        om_money_format(mv, sizeof mv, c.moved_step_max);
        om_fmt_fixed(pct, sizeof pct,
                     c.total[c.moved_step_at] > 0 ? (double)c.moved_step_max * 100 / (double)c.total[c.moved_step_at] : NAN, 2);
        fprintf(stderr, "; the most between consecutive inputs: %s (%s %%, inputs %zu-%zu)", mv, pct,
                c.moved_step_at + 1, c.moved_step_at + 2);
    }
    fputc('\n', stderr);
    return 0;
}

static int do_key(int argc, char **argv, const char *key, const om_need_opts *o, const char *out)
{
    if (optind + 1 != argc)
        return om_cli_usage("need", "expected one input FILE with --key");
    if (!out)
        return om_cli_usage("need", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_need_key_report r;
    om_cli_prov_start("need", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "none");
    om_afile *af = NULL;
    om_status s = om_prov_input(om_cli_prov(), argv[optind], -1, &err);
    if (s == OM_OK)
        s = om_cli_out_open(&af, out, &err);
    if (s == OM_OK) {
        s = om_need_key(argv[optind], key, o, om_afile_stream(af), &r, &err);
        s = out_close(af, s, &err);
    }
    if (s != OM_OK)
        return om_cli_fail("need", &err);
    char tot[48];
    om_fmt_fixed(tot, sizeof tot, r.total, 6);
    fprintf(stderr, "omrade need: key over %lld areas: %lld units, %lld of weight 0; total weight %s\n",
            (long long)r.areas, (long long)r.units, (long long)r.zero, tot);
    return 0;
}

static int do_police(int argc, char **argv, const char *list, const char *layer, const char *field,
                     const char *out)
{
    if (optind != argc)
        return om_cli_usage("need", "expected no input FILE with --police, found '%s'", argv[optind]);
    if (!layer)
        return om_cli_usage("need", "expected --layer FILE (the units' polygons) with --police");
    if (!out)
        return om_cli_usage("need", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    om_need_police_report r;
    om_cli_prov_start("need", argc, argv);
    om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "units of %s", layer);
    om_afile *af = NULL;
    om_status s = om_cli_out_open(&af, out, &err);
    if (s == OM_OK) {
        s = om_need_police(list, layer, field, om_afile_stream(af), &r, &err);
        s = out_close(af, s, &err);
    }
    if (s != OM_OK)
        return om_cli_fail("need", &err);
    fprintf(stderr,
            "omrade need: %lld listed areas (%lld särskilt utsatta, %lld utsatta, %lld riskområden) in %lld of "
            "%lld units; %lld overlapping no unit, given the nearest%s%s%s; %lld not joined\n",
            (long long)r.areas, (long long)r.by_category[0], (long long)r.by_category[1],
            (long long)r.by_category[2], (long long)r.units_listed, (long long)r.units, (long long)r.nearest,
            r.nearest ? " (first: " : "", r.nearest ? r.first_nearest : "", r.nearest ? ")" : "",
            (long long)r.unassigned);
    return 0;
}

static int from_synth(int argc, char **argv, const char *dir, int year, const char *lv,
                      bool guardian_any, const char *out)
{
    if (optind != argc)
        return om_cli_usage("need", "expected no input FILE with --synth, found '%s'", argv[optind]);
    if (!year)
        return om_cli_usage("need", "expected --year with --synth");
    if (year < OM_SYNTH_YEAR0 + 1 || year > OM_SYNTH_YEAR1)
        return om_cli_usage("need", "expected --year %d-%d, found '%d'", OM_SYNTH_YEAR0 + 1, OM_SYNTH_YEAR1,
                            year);
    if (!out)
        return om_cli_usage("need", "expected --out FILE");
    om_level level = lv ? om_level_parse(lv) : OM_LEVEL_REGSO;
    if (level == OM_LEVEL_NONE || level == OM_LEVEL_RIKET)
        return om_cli_usage("need", "expected --level deso, regso, kommun or lan, found '%s'", lv);
    om_error err = OM_ERROR_INIT;
    om_geo *geo = NULL;
    if (om_geo_new_builtin(&geo, &err) != OM_OK)
        return om_cli_fail("need", &err);
    om_cli_prov_start("need", argc, argv);
    om_afile *af = NULL;
    om_need_counts_summary sum;
    om_status s = om_cli_out_open(&af, out, &err);
    if (s == OM_OK) {
        s = om_need_counts(dir, year, geo, level, guardian_any, om_afile_stream(af), &sum, &err);
        s = out_close(af, s, &err);
    }
    om_geo_free(geo);
    if (s != OM_OK)
        return om_cli_fail("need", &err);
    fprintf(stderr, "omrade need: %lld areas; %lld rows not used (unknown person or DeSO, repeated); "
                    "%lld children without a guardian in the data\n",
            (long long)sum.areas, (long long)sum.rejected_rows, (long long)sum.children_without_guardian);
    return 0;
}

/* The index itself (--index) from a units file: the default mode. */
static int do_index(int argc, char **argv, om_need_opts *o, bool has_index, const char *weights,
                    const char *out)
{
    if (optind + 1 != argc)
        return om_cli_usage("need", "expected one input FILE");
    if (!has_index)
        return om_cli_usage("need", "expected --index cni, key2011, key2013 or child-sei");
    if (o->units_path && o->level)
        return om_cli_usage("need", "expected --units or --level, found both");
    if (!out)
        return om_cli_usage("need", "expected --out FILE");
    om_error err = OM_ERROR_INIT;
    double w[OM_NEED_CNI_VARS];
    if (o->cni_reference > 0 && o->index != OM_NEED_CNI)
        return om_cli_usage("need", "expected --cni-reference only with --index cni");
    if (weights) {
        if (o->index != OM_NEED_CNI)
            return om_cli_usage("need", "expected --cni-weights only with --index cni");
        if (om_need_cni_weights_read(weights, w, &err) != OM_OK)
            return om_cli_fail("need", &err);
        o->cni_weights = w;
    }
    om_need_table *t = NULL;
    if (om_need_compute(argv[optind], o, &t, &err) != OM_OK)
        return om_cli_fail("need", &err);
    om_cli_prov_start("need", argc, argv);
    if (o->units_path)
        om_prov_set(om_cli_prov(), OM_PROV_GEOGRAPHY, "units of %s", o->units_path);
    om_afile *af = NULL;
    om_status s = om_prov_input(om_cli_prov(), argv[optind], -1, &err);
    if (s == OM_OK)
        s = om_cli_out_open(&af, out, &err);
    if (s == OM_OK) {
        s = om_need_write(om_afile_stream(af), t, &err);
        s = out_close(af, s, &err);
    }
    om_need_table_free(t);
    if (s != OM_OK)
        return om_cli_fail("need", &err);
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"index", required_argument, 0, 'i'},
                                         {"units", required_argument, 0, 'u'},
                                         {"level", required_argument, 0, 'l'},
                                         {"cni-weights", required_argument, 0, 'w'},
                                         {"cni-reference", required_argument, 0, 2100},
                                         {"synth", required_argument, 0, 's'},
                                         {"year", required_argument, 0, 'y'},
                                         {"guardian", required_argument, 0, 'g'},
                                         {"compare", no_argument, 0, 'c'},
                                         {"top", required_argument, 0, 't'},
                                         {"listed", required_argument, 0, 'L'},
                                         {"types12", required_argument, 0, 'T'},
                                         {"allocations", no_argument, 0, 'A'},
                                         {"xlsx", required_argument, 0, 'X'},
                                         {"key", required_argument, 0, 'K'},
                                         {"police", required_argument, 0, 'P'},
                                         {"layer", required_argument, 0, 'G'},
                                         {"field", required_argument, 0, 'F'},
                                         OM_CLI_OUT_OPTS};
    const char *out = NULL, *weights = NULL, *synth = NULL, *level = NULL;
    const char *listed = NULL, *police = NULL, *layer = NULL, *field = NULL, *xlsx = NULL;
    const char *key = NULL, *types12 = NULL;
    bool allocations = false;
    long long year = 0;
    bool guardian_any = false, compare = false;
    double top = 0.1;
    om_need_opts o = {0};
    bool has_index = false;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (!om_need_index_parse(optarg, &o.index))
                return om_cli_usage("need", "expected --index cni, key2011, key2013 or child-sei, found '%s'",
                                    optarg);
            has_index = true;
            break;
        case 'u': o.units_path = optarg; break;
        case 'l': level = optarg; break;
        case 's': synth = optarg; break;
        case 'c': compare = true; break;
        case 't':
            if (!om_cli_parse_double(optarg, &top) || !(top > 0 && top <= 1))
                return om_cli_usage("need", "expected --top a fraction in (0, 1], found '%s'", optarg);
            break;
        case 'y':
            if (!om_cli_parse_int(optarg, OM_YEAR_MIN, OM_YEAR_MAX, &year))
                return om_cli_usage("need", "expected --year %d-%d, found '%s'", OM_YEAR_MIN, OM_YEAR_MAX,
                                    optarg);
            break;
        case 'g':
            if (strcmp(optarg, "any") == 0)
                guardian_any = true;
            else if (strcmp(optarg, "highest") != 0)
                return om_cli_usage("need", "expected --guardian highest or any, found '%s'", optarg);
            break;
        case 'w': weights = optarg; break;
        case 2100:
            if (!om_parse_double(optarg, strlen(optarg), &o.cni_reference) || !(o.cni_reference > 0))
                return om_cli_usage("need", "expected --cni-reference > 0, found '%s'", optarg);
            break;
        case 'L': listed = optarg; break;
        case 'T': types12 = optarg; break;
        case 'A': allocations = true; break;
        case 'X': xlsx = optarg; break;
        case 'K': key = optarg; break;
        case 'P': police = optarg; break;
        case 'G': layer = optarg; break;
        case 'F': field = optarg; break;
        case 'o': out = optarg; break;
        case 'h': help(stdout); return 0;
        OM_CLI_PROVENANCE_CASE;
        default: return om_cli_usage("need", "bad option");
        }
    }
    if ((listed || types12) && !compare)
        return om_cli_usage("need", "expected --listed and --types12 only with --compare");
    if (xlsx && !allocations)
        return om_cli_usage("need", "expected --xlsx only with --allocations");
    if (allocations)
        return do_allocations(argc, argv, xlsx, out);
    if (compare)
        return do_compare(argc, argv, top, listed, types12, out);
    if (police)
        return do_police(argc, argv, police, layer, field, out);
    if (synth)
        return from_synth(argc, argv, synth, (int)year, level, guardian_any, out);
    if (level) {
        if (strcmp(level, "kommun") == 0)
            o.level = 4;
        else if (strcmp(level, "lan") == 0 || strcmp(level, "län") == 0)
            o.level = 2;
        else
            return om_cli_usage("need", "expected --level kommun or lan, found '%s'", level);
    }
    if (key) {
        if (o.units_path && o.level)
            return om_cli_usage("need", "expected --units or --level, found both");
        return do_key(argc, argv, key, &o, out);
    }
    o.year = (int)year; /* --year without --synth: the year column for `omrade build --need` */
    return do_index(argc, argv, &o, has_index, weights, out);
}

const om_cli_cmd om_cli_cmd_need = {"need", "need indices (CNI, sorting key 2011/2013, child SEI) per unit",
                                    run};

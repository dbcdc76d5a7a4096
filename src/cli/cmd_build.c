/* omrade build — assemble the barometer database. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/build.h"

#include <getopt.h>
#include <string.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade build --out FILE [--types FILE]... [--sei FILE]... [--indicators FILE]...\n"
            "                    [--seg FILE]... [--need FILE]... [--geometry DIR] [--min-count N]\n"
            "                    [--linkage TEXT]\n\n"
            "Assemble the barometer database (SQLite) served by 'omrade serve'.  Every count\n"
            "goes through the publication rule before it is written; provenance (inputs, rows,\n"
            "years, linkage method, suppression rule) is stored with the data.\n\n"
            "options:\n"
            "  --out FILE         database to write (atomically)\n"
            "  --types FILE       area types: 'area,year,area_type' CSV or SCB's export\n"
            "                     (e.g. data/scb/regso-omradestyp-2023.csv); repeatable\n"
            "  --sei FILE         output of 'omrade sei' (SEI, its three parts, area type)\n"
            "  --indicators FILE  output of 'omrade indicators --barometer'\n"
            "  --seg FILE         output of 'omrade seg' (inequality index)\n"
            "  --need FILE        output of 'omrade need --index ... --year Y' (need indices)\n"
            "  --geometry DIR     map layers {lan,kommun,regso,police}.topo.json\n"
            "                     (built into BUILD/web/geo by the build)\n"
            "  --min-count N      suppression threshold (default 5; 0 disables)\n"
            "  --no-secondary     primary suppression only (no secondary suppression: NOT\n"
            "                     safe to publish; for comparisons)\n"
            "  --regso-breakdowns publish sensitive indicators by sex, birth region and age\n"
            "                     per RegSO too (default: RegSO totals; breakdowns from\n"
            "                     kommun up). Every published cell is protected together:\n"
            "                     sex, birth region, age bands, RegSO-kommun-län-riket,\n"
            "                     area-type aggregates (docs/barometer.md)\n"
            "  --kommun-crosses   publish sensitive indicators per kommun cross-classified\n"
            "                     too (e.g. women born abroad aged 20-34; default: one of\n"
            "                     sex, birth region and age at a time per kommun, crosses\n"
            "                     from län up)\n"
            "  --lan-cross-min N  publish those crosses in a län where the indicator's\n"
            "                     population (main age group) is at least N (default\n"
            "                     10000; 0 = every län); in smaller län they are withheld\n"
            "                     and protected like suppressed cells\n"
            "  --linkage TEXT     how persons were linked to areas (stored as provenance)\n"
            "  --synthetic        the data are synthetic (stored; the web pages say so)\n"
            "  --police LIST      the police's list of utsatta områden (data/polisen/uso_2023.shp):\n"
            "                     stored with each area's share in the units of --police-units\n"
            "                     (GEOS; needs GDAL)\n"
            "  --police-units FILE  polygon layer with DeSO, RegSO, kommun or län codes (e.g.\n"
            "                     data/geo/swe-maps-kommun.geojson); DeSO are summed into RegSO;\n"
            "                     repeatable, one layer per level\n"
            "  --police-year Y    year of the list (default 2023): the RegSO area types of Y\n\n"
            "example:\n"
            "  omrade build --types data/scb/regso-omradestyp-2022.csv \\\n"
            "      --types data/scb/regso-omradestyp-2023.csv --out barometer.db\n");
}

static int add(const char **list, size_t *n, const char *v)
{
    if (*n >= OM_BUILD_MAX_INPUTS)
        return om_cli_usage("build", "at most %d files per kind", OM_BUILD_MAX_INPUTS);
    list[(*n)++] = v;
    return 0;
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"types", required_argument, 0, 't'},
                                         {"sei", required_argument, 0, 's'},
                                         {"indicators", required_argument, 0, 'i'},
                                         {"seg", required_argument, 0, 'g'},
                                         {"need", required_argument, 0, 'n'},
                                         {"geometry", required_argument, 0, 'G'},
                                         {"min-count", required_argument, 0, 'm'},
                                         {"linkage", required_argument, 0, 'l'},
                                         {"no-secondary", no_argument, 0, 'N'},
                                         {"regso-breakdowns", no_argument, 0, 'B'},
                                         {"kommun-crosses", no_argument, 0, 'K'},
                                         {"lan-cross-min", required_argument, 0, 'L'},
                                         {"synthetic", no_argument, 0, 'S'},
                                         {"police", required_argument, 0, 'P'},
                                         {"police-units", required_argument, 0, 'U'},
                                         {"police-year", required_argument, 0, 'Y'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    om_build_options o;
    memset(&o, 0, sizeof o);
    o.rules.min_count = 5;
    o.lan_cross_min = 10000;
    int c, rc = 0;
    long long v;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': o.out = optarg; break;
        case 't': rc = add(o.types, &o.n_types, optarg); break;
        case 's': rc = add(o.sei, &o.n_sei, optarg); break;
        case 'i': rc = add(o.indicators, &o.n_indicators, optarg); break;
        case 'g': rc = add(o.seg, &o.n_seg, optarg); break;
        case 'n': rc = add(o.need, &o.n_need, optarg); break;
        case 'G': o.geometry_dir = optarg; break;
        case 'l': o.linkage = optarg; break;
        case 'N': o.no_secondary = true; break;
        case 'B': o.regso_breakdowns = true; break;
        case 'K': o.kommun_crosses = true; break;
        case 'S': o.synthetic = true; break;
        case 'P': o.police = optarg; break;
        case 'U': rc = add(o.police_units, &o.n_police_units, optarg); break;
        case 'Y':
            if (!om_cli_parse_int(optarg, 1990, 2100, &v))
                return om_cli_usage("build", "expected --police-year 1990..2100, found '%s'", optarg);
            o.police_year = (int)v;
            break;
        case 'L':
            if (!om_cli_parse_int(optarg, 0, 1000000000, &v))
                return om_cli_usage("build", "expected --lan-cross-min 0..1000000000, found '%s'", optarg);
            o.lan_cross_min = v;
            break;
        case 'm':
            if (!om_cli_parse_int(optarg, 0, 1000000, &v))
                return om_cli_usage("build", "expected --min-count 0..1000000, found '%s'", optarg);
            o.rules.min_count = v;
            break;
        case 'h': help(stdout); return 0;
        default: return om_cli_usage("build", "bad option");
        }
        if (rc)
            return rc;
    }
    if (optind < argc)
        return om_cli_usage("build", "unexpected argument '%s'", argv[optind]);
    if (!o.out)
        return om_cli_usage("build", "expected --out FILE");
    if ((rc = om_cli_check_output("build", o.out, argc, argv)) != 0)
        return rc;
    om_error err = OM_ERROR_INIT;
    om_build_report r;
    o.progress = om_cli_progress();
    om_status st = om_build_run(&o, &r, &err);
    om_cli_progress_done();
    if (st != OM_OK)
        return om_cli_fail("build", &err);
    fprintf(stderr,
            "omrade build: %s: %lld rows read, %lld loaded, %lld unlinked, %lld rejected; "
            "%lld cells published, %lld suppressed (%lld primary, %lld secondary; %lld table sets "
            "audited by %lld LP solves); %d map layers\n",
            o.out, (long long)r.rows_read, (long long)r.rows_loaded, (long long)r.rows_unlinked,
            (long long)r.rows_rejected, (long long)r.cells_published, (long long)r.cells_suppressed,
            (long long)r.cells_primary, (long long)r.cells_secondary, (long long)r.components,
            (long long)r.lp_solves, r.layers);
    if (r.cells_withheld)
        fprintf(stderr, "omrade build: %lld cells of sensitive indicators not published by the table design: "
                "%lld RegSO cells by sex, birth region or age (--regso-breakdowns publishes them), %lld kommun "
                "cells cross-classified (--kommun-crosses)\n",
                (long long)r.cells_withheld, (long long)(r.cells_withheld - r.cells_withheld_kommun),
                (long long)r.cells_withheld_kommun);
    if (r.cells_withheld_lan)
        fprintf(stderr, "omrade build: %lld cross-classified cells of län where the indicator's population is "
                "under %lld withheld by the table design and protected with the rest (--lan-cross-min)\n",
                (long long)r.cells_withheld_lan, (long long)o.lan_cross_min);
    if (r.groups_failed)
        fprintf(stderr, "omrade build: %lld table sets (indicator family x year) had no safe suppression "
                "pattern: their sensitive cells were all suppressed\n", (long long)r.groups_failed);
    if (r.police_skipped)
        fprintf(stderr, "omrade build: police list not stored: this omrade was built without GDAL "
                "(-DOMRADE_WITH_GDAL=OFF); no police_areas table\n");
    else if (o.police)
        fprintf(stderr, "omrade build: %lld police areas stored, %lld overlaps; %lld overlap at least one RegSO, "
                "%lld with none stored; %lld overlaps with unit codes not in the registry, not stored%s%s%s\n",
                (long long)r.police_areas, (long long)r.police_overlaps, (long long)r.police_in_regso,
                (long long)r.police_outside, (long long)r.police_unlinked, r.police_unlinked ? " (first: '" : "",
                r.first_police_unlinked, r.police_unlinked ? "')" : "");
    if (r.rows_unlinked)
        fprintf(stderr, "omrade build: %lld rows did not link to an area (first: '%s')\n",
                (long long)r.rows_unlinked, r.first_unlinked);
    return 0;
}

const om_cli_cmd om_cli_cmd_build = {"build", "assemble the barometer database (SQLite)", run};

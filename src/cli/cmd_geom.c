/* omrade geom — the barometer's map layers as TopoJSON: real RegSO/DeSO
 * boundaries from SCB's GeoPackage, kommun and län from kommun boundaries,
 * schematic RegSO cells, the police's vulnerable areas. */
#define _GNU_SOURCE
#include "cli.h"
#include "omrade/geom.h"

#include <errno.h>
#include <getopt.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void help(FILE *fp)
{
    fprintf(fp,
            "usage: omrade geom FILE --out DIR [--level regso|deso|kommun|lan|police]\n"
            "                   [--schematic] [--layer NAME] [--code-field NAME]\n"
            "                   [--tolerance M] [--quantization Q]\n\n"
            "Write one map layer of the barometer as TopoJSON, DIR/LEVEL.topo.json, for\n"
            "'omrade build --geometry DIR' (WGS84; shared arcs simplified once by\n"
            "Douglas-Peucker in SWEREF 99 TM metres).  FILE is any vector file GDAL reads\n"
            "(EPSG:3006 assumed when the layer has no coordinate system):\n"
            "  regso, deso  SCB's RegSO/DeSO boundaries (properties code,name,kommun,\n"
            "               schematic=false; DeSO also regso)\n"
            "  kommun       kommun boundaries (code,name)\n"
            "  lan          kommun boundaries dissolved per län with GEOS (code,name)\n"
            "  regso --schematic\n"
            "               kommun boundaries cut into one schematic cell per RegSO of the\n"
            "               registry (centroidal Voronoi; schematic=true)\n"
            "  police       the police's vulnerable areas (fields NAMN, KATEGORI, ORT,\n"
            "               REGION -> name, category, ort, region)\n"
            "Areas are kept when their code is in the built-in registry; other features are\n"
            "counted and reported, not written.\n\n"
            "options:\n"
            "  --out DIR          output directory (created if missing)\n"
            "  --level L          regso (default), deso, kommun, lan or police\n"
            "  --schematic        with --level regso: schematic cells from kommun boundaries\n"
            "  --layer NAME       layer to read (default: the first with a code field)\n"
            "  --code-field NAME  code field (default: regsokod/regso_kod/regso,\n"
            "                     desokod/deso_kod/deso, or for kommun, lan and schematic\n"
            "                     kommunkod/kommun_kod/knkod/kommun; any case)\n"
            "  --tolerance M      simplification tolerance in metres (default 25)\n"
            "  --quantization Q   TopoJSON grid steps per axis (default 100000)\n\n"
            "examples:\n"
            "  omrade geom RegSO_2020.gpkg --level regso --out web-geo\n"
            "  omrade geom data/geo/swe-maps-kommun.geojson --level lan --out web-geo\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"level", required_argument, 0, 'l'},
                                         {"schematic", no_argument, 0, 'S'},
                                         {"layer", required_argument, 0, 'L'},
                                         {"code-field", required_argument, 0, 'f'},
                                         {"tolerance", required_argument, 0, 't'},
                                         {"quantization", required_argument, 0, 'q'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    om_geom_options o;
    om_geom_options_default(&o);
    const char *outdir = NULL;
    long long q;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'o': outdir = optarg; break;
        case 'l':
            o.police = strcmp(optarg, "police") == 0;
            o.level = o.police ? OM_LEVEL_REGSO : om_level_parse(optarg);
            if (o.level != OM_LEVEL_REGSO && o.level != OM_LEVEL_DESO && o.level != OM_LEVEL_KOMMUN &&
                o.level != OM_LEVEL_LAN)
                return om_cli_usage("geom", "expected --level regso, deso, kommun, lan or police, found '%s'", optarg);
            break;
        case 'S': o.schematic = 1; break;
        case 'L': o.layer = optarg; break;
        case 'f': o.code_field = optarg; break;
        case 't':
            if (!om_cli_parse_double(optarg, &o.tolerance) || o.tolerance < 0)
                return om_cli_usage("geom", "expected --tolerance >= 0 (metres), found '%s'", optarg);
            break;
        case 'q':
            if (!om_cli_parse_int(optarg, 2, 1000000000, &q))
                return om_cli_usage("geom", "expected --quantization 2..1000000000, found '%s'", optarg);
            o.quantization = (int32_t)q;
            break;
        case 'h': help(stdout); return 0;
        default: return om_cli_usage("geom", "unknown option");
        }
    }
    if (optind + 1 != argc)
        return om_cli_usage("geom", "expected one input file, found %d", argc - optind);
    if (!outdir)
        return om_cli_usage("geom", "expected --out DIR");
    if (o.schematic && (o.police || o.level != OM_LEVEL_REGSO))
        return om_cli_usage("geom", "expected --schematic with --level regso only");
    bool made = mkdir(outdir, 0777) == 0; /* removed again if nothing is written */
    if (!made && errno != EEXIST) {
        fprintf(stderr, "omrade geom: %s: cannot create directory: %s\n", outdir, strerror(errno));
        return 1;
    }
    char path[4096];
    const char *lname = o.police ? "police" : om_level_name(o.level);
    snprintf(path, sizeof path, "%s/%s.topo.json", outdir, lname);

    om_error err = OM_ERROR_INIT;
    om_afile_note_input(argv[optind]);
    om_geo *g = NULL;
    om_afile *af = NULL;
    om_geom_report rep;
    int rc = 0;
    if (om_geo_new_builtin(&g, &err) != OM_OK || om_afile_open(&af, path, &err) != OM_OK ||
        om_geom_topojson(g, argv[optind], &o, om_afile_stream(af), &rep, &err) != OM_OK) {
        om_afile_abort(af);
        rc = om_cli_fail("geom", &err);
        if (made)
            rmdir(outdir);
    } else if (om_afile_commit(af, &err) != OM_OK) {
        rc = om_cli_fail("geom", &err);
        if (made)
            rmdir(outdir);
    } else {
        fprintf(stderr,
                "omrade geom: %lld %s areas from %lld features (layer %s, field %s) -> %s; "
                "%lld -> %lld vertices, %lld arcs\n",
                (long long)rep.areas, lname, (long long)rep.features, rep.layer,
                rep.code_field, path, (long long)rep.vertices_in, (long long)rep.vertices_out,
                (long long)rep.arcs);
        if (rep.srs_assumed)
            fprintf(stderr, "omrade geom: the layer has no coordinate system; EPSG:3006 assumed\n");
        if (rep.unknown)
            fprintf(stderr, "omrade geom: not written: %lld feature%s with a code not in the registry (first: '%s')\n",
                    (long long)rep.unknown, rep.unknown == 1 ? "" : "s", rep.first_unknown);
        if (rep.empty)
            fprintf(stderr, "omrade geom: %lld features without polygon geometry were not written\n",
                    (long long)rep.empty);
        if (rep.rings_dropped)
            fprintf(stderr, "omrade geom: %lld ring%s without area on the TopoJSON grid dropped (tiny islands)\n",
                    (long long)rep.rings_dropped, rep.rings_dropped == 1 ? "" : "s");
        if (rep.merged)
            fprintf(stderr, "omrade geom: %lld features merged into an area already read (same code)\n",
                    (long long)rep.merged);
        if (rep.missing)
            fprintf(stderr, "omrade geom: %lld %s areas of the registry have no boundary\n",
                    (long long)rep.missing, lname);
    }
    om_geo_free(g);
    return rc;
}

const om_cli_cmd om_cli_cmd_geom = {"geom", "map layers as TopoJSON: RegSO/DeSO, kommun, län, schematic RegSO, police areas", run};

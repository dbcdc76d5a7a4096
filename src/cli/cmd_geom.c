/* omrade geom — real RegSO/DeSO boundaries from SCB's GeoPackage to TopoJSON. */
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
            "usage: omrade geom FILE.gpkg --out DIR [--level regso|deso] [--layer NAME]\n"
            "                   [--code-field NAME] [--tolerance M] [--quantization Q]\n\n"
            "Read RegSO or DeSO boundaries from SCB's GeoPackage (any vector file GDAL reads;\n"
            "EPSG:3006 assumed when the layer has no coordinate system), keep areas whose code\n"
            "is in the built-in registry, simplify each area with GEOS's topology-preserving\n"
            "simplifier, reproject to WGS84 and write DIR/regso.topo.json or DIR/deso.topo.json\n"
            "(TopoJSON, properties code,name,kommun,schematic=false) for\n"
            "'omrade build --geometry DIR', replacing the schematic RegSO cells.\n"
            "Features with codes not in the registry are counted and reported, not written.\n\n"
            "options:\n"
            "  --out DIR          output directory (created if missing)\n"
            "  --level L          regso (default) or deso\n"
            "  --layer NAME       layer to read (default: the first with a code field)\n"
            "  --code-field NAME  code field (default: regsokod/regso_kod/regso or\n"
            "                     desokod/deso_kod/deso, any case)\n"
            "  --tolerance M      simplification tolerance in source units, metres (default 25)\n"
            "  --quantization Q   TopoJSON grid steps per axis (default 100000)\n\n"
            "example:\n"
            "  omrade geom RegSO_2020.gpkg --level regso --out web-geo\n");
}

static int run(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},
                                         {"level", required_argument, 0, 'l'},
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
            o.level = om_level_parse(optarg);
            if (o.level != OM_LEVEL_REGSO && o.level != OM_LEVEL_DESO)
                return om_cli_usage("geom", "expected --level regso or deso, found '%s'", optarg);
            break;
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
    bool made = mkdir(outdir, 0777) == 0; /* removed again if nothing is written */
    if (!made && errno != EEXIST) {
        fprintf(stderr, "omrade geom: %s: cannot create directory: %s\n", outdir, strerror(errno));
        return 1;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.topo.json", outdir, om_level_name(o.level));

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
                (long long)rep.areas, om_level_name(o.level), (long long)rep.features, rep.layer,
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
        if (rep.merged)
            fprintf(stderr, "omrade geom: %lld features merged into an area already read (same code)\n",
                    (long long)rep.merged);
        if (rep.missing)
            fprintf(stderr, "omrade geom: %lld %s areas of the registry have no boundary\n",
                    (long long)rep.missing, om_level_name(o.level));
    }
    om_geo_free(g);
    return rc;
}

const om_cli_cmd om_cli_cmd_geom = {"geom", "RegSO/DeSO boundaries from SCB's GeoPackage to TopoJSON", run};

/* Real RegSO/DeSO boundaries: read SCB's GeoPackage (or any vector file GDAL
 * reads) and write a TopoJSON layer for the barometer (`omrade build
 * --geometry DIR` loads DIR/regso.topo.json). */
#ifndef OMRADE_GEOM_H
#define OMRADE_GEOM_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include <stdint.h>
#include <stdio.h>

#include "omrade/common.h"
#include "omrade/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct om_geom_options {
    om_level level;         /* OM_LEVEL_DESO, _REGSO, _KOMMUN or _LAN (län merged
                               from kommun boundaries: the file has kommun codes) */
    int schematic;          /* RegSO only: the file has kommun boundaries; each
                               kommun is cut into schematic RegSO cells */
    int police;             /* the police's vulnerable areas (fields NAMN,
                               KATEGORI, ORT, REGION): no codes, level unused */
    const char *layer;      /* layer name; NULL: the first layer with a code field */
    const char *code_field; /* NULL: detect (regsokod/regso_kod/regso, desokod/deso_kod/deso,
                               case-insensitive) */
    double tolerance;       /* Douglas-Peucker tolerance per arc in source units
                               (metres in EPSG:3006); 0 keeps every vertex */
    int32_t quantization;   /* TopoJSON grid per axis, >= 2 (e.g. 100000) */
} om_geom_options;

/* Defaults: RegSO, real boundaries, detect layer and field, 25 m, 1e5. */
void om_geom_options_default(om_geom_options *opt);

typedef struct om_geom_report {
    int64_t features;      /* features read */
    int64_t areas;         /* distinct registry areas written */
    int64_t unknown;       /* features whose code is not in the registry (not written) */
    int64_t empty;         /* features without polygon geometry (not written) */
    int64_t merged;        /* features merged into an area already seen (same code) */
    int64_t missing;       /* registry areas at the level with no feature */
    int64_t vertices_in;   /* polygon vertices before / after simplification */
    int64_t vertices_out;  /* (positions per ring, closing one included) */
    int64_t arcs;          /* distinct TopoJSON arcs written */
    int64_t rings_dropped; /* rings without area on the grid (tiny islands
                              quantization collapses), with their holes */
    char first_unknown[32]; /* first unknown code, for the message */
    char layer[128];        /* layer and code field actually used */
    char code_field[64];
    int srs_assumed;        /* 1 when the layer had no SRS and EPSG:3006 was assumed */
} om_geom_report;

/* Read polygons from `path` (GDAL vector dataset, e.g. SCB's GeoPackage in
 * EPSG:3006), keep features whose code is at opt->level in `g`, reproject to
 * WGS84 lon/lat, quantize, cut the rings into arcs at junctions (points
 * where the rings running along a border change), share equal arcs between
 * neighbours, simplify each arc once (Douglas-Peucker in source units, ends
 * fixed), and write one TopoJSON Topology to `out`:
 * object named after the level, geometries in registry order with
 * properties {code, name, kommun, schematic:false} (DeSO also regso), rings
 * wound as d3-geo expects (exterior clockwise), quantized transform, bbox.
 * Features of the same code are merged into one MultiPolygon.  A border
 * shared by two areas is one arc (referenced ~i by one of them), so both
 * sides have identical vertices.  rep may be NULL.
 * Errors: OM_ERR_IO when GDAL cannot open the file, OM_ERR_INPUT for a
 * missing layer/field or geometry that cannot be reprojected, OM_ERR_USAGE
 * for bad options, OM_ERR_INTERNAL when omrade was configured with
 * -DOMRADE_WITH_GDAL=OFF. */
om_status om_geom_topojson(const om_geo *g, const char *path, const om_geom_options *opt,
                           FILE *out, om_geom_report *rep, om_error *err);

#ifdef __cplusplus
}
#endif

#pragma GCC visibility pop
#endif

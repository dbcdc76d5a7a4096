/* RegSO/DeSO boundaries from a GDAL vector dataset to TopoJSON.
 *
 * Pipeline per feature: code field -> registry index (om_geo_find) ->
 * geometry forced to a 2-D MultiPolygon -> GEOS topology-preserving
 * simplification (OGR_G_SimplifyPreserveTopology: Douglas-Peucker that never
 * makes a ring self-intersect or collapse; per geometry, so a shared border
 * may be simplified differently on its two sides, at most `tolerance` apart)
 * in source units (metres for SWEREF99 TM) -> transform to WGS84 with
 * traditional GIS axis order (lon, lat) -> merged per area.
 *
 * Output follows the TopoJSON specification (github.com/topojson/
 * topojson-specification, sections 2.1.2 transforms and 2.2 arcs): positions
 * are quantized to q steps per axis over the bounding box, x' = round((x -
 * x0) / kx) with kx = (x1 - x0) / (q - 1), and arcs are delta-encoded.
 * Rings are wound as d3-geo requires for polygons smaller than a hemisphere
 * (exterior clockwise with north up, holes anticlockwise), whatever the
 * source's winding. */
#define _GNU_SOURCE
#include "omrade/geom.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void om_geom_options_default(om_geom_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->level = OM_LEVEL_REGSO;
    opt->tolerance = 25.0;
    opt->quantization = 100000;
}

static int find_code_field(OGRFeatureDefnH defn, om_level level, const char *want)
{
    static const char *const regso[] = {"regsokod", "regso_kod", "regso", NULL};
    static const char *const deso[] = {"desokod", "deso_kod", "deso", NULL};
    const char *const *names = level == OM_LEVEL_DESO ? deso : regso;
    int n = OGR_FD_GetFieldCount(defn);
    if (want) {
        for (int i = 0; i < n; i++)
            if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), want) == 0)
                return i;
        return -1;
    }
    for (const char *const *p = names; *p; p++)
        for (int i = 0; i < n; i++)
            if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), *p) == 0)
                return i;
    return -1;
}

/* Signed area by the shoelace formula: > 0 for anticlockwise (x right, y up). */
static double ring_area2(OGRGeometryH ring)
{
    int n = OGR_G_GetPointCount(ring);
    double a = 0;
    for (int i = 0; i + 1 < n; i++)
        a += OGR_G_GetX(ring, i) * OGR_G_GetY(ring, i + 1) - OGR_G_GetX(ring, i + 1) * OGR_G_GetY(ring, i);
    return a;
}

static void json_str(FILE *fp, const char *s)
{
    fputc('"', fp);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(fp, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(fp, "\\u%04x", *p);
        else
            fputc(*p, fp);
    }
    fputc('"', fp);
}

typedef struct qgrid {
    double x0, y0, kx, ky;
} qgrid;

/* One ring as a delta-encoded arc; repeated quantized positions are dropped
 * unless that would leave fewer than 4 positions (a valid closed ring). */
static void write_arc(FILE *fp, OGRGeometryH ring, bool reverse, const qgrid *q)
{
    int n = OGR_G_GetPointCount(ring);
    long long *xy = malloc(sizeof *xy * 2 * (size_t)(n > 0 ? n : 1));
    int m = 0, distinct = 0;
    for (int k = 0; k < n; k++) {
        int i = reverse ? n - 1 - k : k;
        long long x = llround((OGR_G_GetX(ring, i) - q->x0) / q->kx);
        long long y = llround((OGR_G_GetY(ring, i) - q->y0) / q->ky);
        if (m == 0 || x != xy[2 * m - 2] || y != xy[2 * m - 1])
            distinct++;
        xy[2 * m] = x;
        xy[2 * m + 1] = y;
        m++;
    }
    bool dedup = distinct >= 4;
    fputc('[', fp);
    long long px = 0, py = 0;
    int out = 0;
    for (int k = 0; k < m; k++) {
        long long x = xy[2 * k], y = xy[2 * k + 1];
        if (dedup && out > 0 && x == px && y == py)
            continue;
        fprintf(fp, "%s[%lld,%lld]", out ? "," : "", out ? x - px : x, out ? y - py : y);
        px = x;
        py = y;
        out++;
    }
    fputc(']', fp);
    free(xy);
}

static om_status gdal_fail(om_error *err, om_status st, const char *path, const char *what)
{
    const char *msg = CPLGetLastErrorMsg();
    return om_error_set(err, st, path, 0, 0, "expected %s, found %s", what,
                        msg && *msg ? msg : "something else");
}

om_status om_geom_topojson(const om_geo *g, const char *path, const om_geom_options *opt,
                           FILE *out, om_geom_report *rep, om_error *err)
{
    om_geom_report dummy;
    if (!rep)
        rep = &dummy;
    memset(rep, 0, sizeof *rep);
    if (!g || !path || !opt || !out)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "om_geom_topojson: NULL argument");
    if (opt->level != OM_LEVEL_REGSO && opt->level != OM_LEVEL_DESO)
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0, "expected level regso or deso, found %s",
                            om_level_name(opt->level));
    if (opt->quantization < 2 || !(opt->tolerance >= 0))
        return om_error_set(err, OM_ERR_USAGE, NULL, 0, 0,
                            "expected quantization >= 2 and tolerance >= 0");

    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    om_status s = OM_OK;
    int32_t na = om_geo_count(g, opt->level);
    OGRGeometryH *area = calloc((size_t)na, sizeof *area);
    OGRSpatialReferenceH src = NULL, dst = NULL;
    OGRCoordinateTransformationH ct = NULL;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
    OGRLayerH layer = NULL;
    int field = -1;
    if (!area) {
        s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        goto done;
    }
    if (!ds) {
        s = gdal_fail(err, OM_ERR_INPUT, path, "a vector dataset GDAL can read (e.g. a GeoPackage)");
        goto done;
    }
    for (int i = 0; i < GDALDatasetGetLayerCount(ds) && !layer; i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        if (opt->layer && strcmp(OGR_L_GetName(l), opt->layer) != 0)
            continue;
        field = find_code_field(OGR_L_GetLayerDefn(l), opt->level, opt->code_field);
        if (field >= 0 || opt->layer)
            layer = l;
    }
    if (!layer || field < 0) {
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected %s%s%s with a %s code field (%s), found %s",
                         opt->layer ? "layer '" : "a layer", opt->layer ? opt->layer : "",
                         opt->layer ? "'" : "", om_level_name(opt->level),
                         opt->code_field ? opt->code_field
                         : opt->level == OM_LEVEL_DESO ? "desokod, deso_kod or deso"
                                                       : "regsokod, regso_kod or regso",
                         opt->layer && !layer ? "no such layer" : "none");
        goto done;
    }
    snprintf(rep->layer, sizeof rep->layer, "%s", OGR_L_GetName(layer));
    snprintf(rep->code_field, sizeof rep->code_field, "%s",
             OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(layer), field)));

    /* A GeoPackage without a CRS reports "Undefined geographic SRS" (or
     * "Undefined cartesian SRS"): treat it like none and assume SWEREF 99 TM. */
    OGRSpatialReferenceH lsrs = OGR_L_GetSpatialRef(layer);
    const char *srs_name = lsrs ? OSRGetName(lsrs) : NULL;
    if (lsrs && (OSRIsLocal(lsrs) || (srs_name && strncasecmp(srs_name, "Undefined", 9) == 0)))
        lsrs = NULL;
    /* Projected metres read as degrees (e.g. a GeoJSON without its CRS)
     * would give nonsense: refuse instead. */
    OGREnvelope env;
    if (lsrs && OSRIsGeographic(lsrs) && OGR_L_GetExtent(layer, &env, 1) == OGRERR_NONE &&
        (fabs(env.MinX) > 360 || fabs(env.MaxX) > 360 || fabs(env.MinY) > 90 || fabs(env.MaxY) > 90)) {
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                         "expected degrees in the layer's geographic coordinate system, found "
                         "coordinates up to %.0f (projected data without its CRS? use ogr2ogr -a_srs EPSG:3006)",
                         fmax(fmax(fabs(env.MinX), fabs(env.MaxX)), fmax(fabs(env.MinY), fabs(env.MaxY))));
        goto done;
    }
    src = lsrs ? OSRClone(lsrs) : OSRNewSpatialReference(NULL);
    if (!lsrs) {
        rep->srs_assumed = 1;
        OSRImportFromEPSG(src, 3006);
    }
    dst = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(dst, 4326);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(src, dst);
    if (!ct) {
        s = gdal_fail(err, OM_ERR_INPUT, path, "a coordinate system that PROJ can transform to WGS84");
        goto done;
    }

    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while (s == OM_OK && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        rep->features++;
        const char *raw = OGR_F_GetFieldAsString(f, field);
        while (*raw == ' ')
            raw++;
        size_t len = strlen(raw);
        while (len && raw[len - 1] == ' ')
            len--;
        int32_t idx = om_geo_find(g, opt->level, raw, len);
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        if (idx < 0) {
            if (rep->unknown++ == 0)
                snprintf(rep->first_unknown, sizeof rep->first_unknown, "%.*s", (int)(len < 31 ? len : 31), raw);
        } else if (!geom || OGR_G_IsEmpty(geom)) {
            rep->empty++;
        } else {
            OGRGeometryH m = OGR_G_ForceTo(OGR_G_Clone(geom), wkbMultiPolygon, NULL);
            if (m && wkbFlatten(OGR_G_GetGeometryType(m)) == wkbMultiPolygon)
                OGR_G_FlattenTo2D(m);
            else {
                OGR_G_DestroyGeometry(m);
                m = NULL;
            }
            for (int p = 0; m && p < OGR_G_GetGeometryCount(m); p++)
                for (int r = 0; r < OGR_G_GetGeometryCount(OGR_G_GetGeometryRef(m, p)); r++)
                    rep->vertices_in += OGR_G_GetPointCount(OGR_G_GetGeometryRef(OGR_G_GetGeometryRef(m, p), r));
            if (m && opt->tolerance > 0) {
                OGRGeometryH sm = OGR_G_SimplifyPreserveTopology(m, opt->tolerance);
                OGR_G_DestroyGeometry(m);
                m = sm ? OGR_G_ForceTo(sm, wkbMultiPolygon, NULL) : NULL;
            }
            if (!m) {
                rep->empty++;
            } else if (OGR_G_Transform(m, ct) != OGRERR_NONE) {
                OGR_G_DestroyGeometry(m);
                s = gdal_fail(err, OM_ERR_INPUT, path, "geometry that can be reprojected to WGS84");
            } else if (!area[idx]) {
                area[idx] = m;
                rep->areas++;
            } else {
                rep->merged++;
                for (int p = 0; p < OGR_G_GetGeometryCount(m); p++)
                    OGR_G_AddGeometry(area[idx], OGR_G_GetGeometryRef(m, p));
                OGR_G_DestroyGeometry(m);
            }
        }
        OGR_F_Destroy(f);
    }
    if (s != OM_OK)
        goto done;

    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    for (int32_t i = 0; i < na; i++) {
        if (!area[i]) {
            rep->missing++;
            continue;
        }
        OGREnvelope e;
        OGR_G_GetEnvelope(area[i], &e);
        x0 = fmin(x0, e.MinX);
        y0 = fmin(y0, e.MinY);
        x1 = fmax(x1, e.MaxX);
        y1 = fmax(y1, e.MaxY);
        for (int p = 0; p < OGR_G_GetGeometryCount(area[i]); p++)
            for (int r = 0; r < OGR_G_GetGeometryCount(OGR_G_GetGeometryRef(area[i], p)); r++)
                rep->vertices_out += OGR_G_GetPointCount(OGR_G_GetGeometryRef(OGR_G_GetGeometryRef(area[i], p), r));
    }
    if (rep->areas == 0) {
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                         "expected polygons with %s codes of the registry, found none (%lld features, %lld unknown codes%s%s)",
                         om_level_name(opt->level), (long long)rep->features, (long long)rep->unknown,
                         rep->unknown ? ", e.g. " : "", rep->first_unknown);
        goto done;
    }
    qgrid q = {x0, y0, x1 > x0 ? (x1 - x0) / (opt->quantization - 1) : 1,
               y1 > y0 ? (y1 - y0) / (opt->quantization - 1) : 1};

    const char *lname = om_level_name(opt->level);
    fprintf(out, "{\"type\":\"Topology\",\"bbox\":[%.17g,%.17g,%.17g,%.17g],", x0, y0, x1, y1);
    fprintf(out, "\"transform\":{\"scale\":[%.17g,%.17g],\"translate\":[%.17g,%.17g]},", q.kx, q.ky, q.x0, q.y0);
    fprintf(out, "\"objects\":{\"%s\":{\"type\":\"GeometryCollection\",\"geometries\":[", lname);
    long arc = 0;
    bool first = true;
    for (int32_t i = 0; i < na; i++) {
        if (!area[i])
            continue;
        int np = OGR_G_GetGeometryCount(area[i]);
        fprintf(out, "%s\n{\"type\":\"%s\",\"arcs\":[", first ? "" : ",", np == 1 ? "Polygon" : "MultiPolygon");
        first = false;
        for (int p = 0; p < np; p++) {
            OGRGeometryH poly = OGR_G_GetGeometryRef(area[i], p);
            fputs(p ? "," : "", out);
            fputs(np == 1 ? "" : "[", out);
            for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++)
                fprintf(out, "%s[%ld]", r ? "," : "", arc++);
            fputs(np == 1 ? "" : "]", out);
        }
        fputs("],\"properties\":{\"code\":", out);
        json_str(out, om_geo_code(g, opt->level, i));
        fputs(",\"name\":", out);
        json_str(out, om_geo_name(g, opt->level, i));
        if (opt->level == OM_LEVEL_DESO) {
            fputs(",\"regso\":", out);
            json_str(out, om_geo_code(g, OM_LEVEL_REGSO, om_geo_parent(g, opt->level, i, OM_LEVEL_REGSO)));
        }
        fputs(",\"kommun\":", out);
        json_str(out, om_geo_code(g, OM_LEVEL_KOMMUN, om_geo_parent(g, opt->level, i, OM_LEVEL_KOMMUN)));
        fputs(",\"schematic\":false}}", out);
    }
    fputs("]}},\"arcs\":[", out);
    first = true;
    for (int32_t i = 0; i < na; i++) {
        if (!area[i])
            continue;
        for (int p = 0; p < OGR_G_GetGeometryCount(area[i]); p++) {
            OGRGeometryH poly = OGR_G_GetGeometryRef(area[i], p);
            for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
                OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r);
                double a = ring_area2(ring);
                fputs(first ? "\n" : ",\n", out);
                first = false;
                write_arc(out, ring, r == 0 ? a > 0 : a < 0, &q);
            }
        }
    }
    fputs("]}\n", out);
    if (ferror(out))
        s = om_error_set(err, OM_ERR_IO, NULL, 0, 0, "cannot write the TopoJSON output");

done:
    for (int32_t i = 0; area && i < na; i++)
        OGR_G_DestroyGeometry(area[i]);
    free(area);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (src)
        OSRDestroySpatialReference(src);
    if (dst)
        OSRDestroySpatialReference(dst);
    if (ds)
        GDALClose(ds);
    CPLPopErrorHandler();
    return s;
}

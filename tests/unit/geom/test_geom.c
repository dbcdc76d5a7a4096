/* Unit tests: om_geom_topojson on GeoPackages written here with OGR.
 * Expected coordinates are hand-derived: E = 500000 is SWEREF 99 TM's central
 * meridian (15 E), and N0 = 6595729.4595 m = 0.9996 * M(59.5 deg) with M the
 * GRS80 meridian arc (examples/geom/run.sh), so (500000, N0) is (15 E, 59.5 N). */
#define _GNU_SOURCE
#include "om_test.h"
#include "omrade/geom.h"

#include <cjson/cJSON.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N0 6595729.4595

typedef struct feat {
    const char *code;
    double e0, n0, size; /* a square; size 0: no geometry */
} feat;

/* Write a GeoPackage layer `name` with a string field `field`; srs 0: none. */
static void make_gpkg(const char *path, const char *name, const char *field, int srs, const feat *f,
                      size_t n)
{
    GDALAllRegister();
    GDALDriverH drv = GDALGetDriverByName("GPKG");
    assert_non_null(drv);
    GDALDatasetH ds = GDALCreate(drv, path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH sr = NULL;
    if (srs) {
        sr = OSRNewSpatialReference(NULL);
        OSRImportFromEPSG(sr, srs);
    }
    OGRLayerH l = GDALDatasetCreateLayer(ds, name, sr, wkbMultiPolygon, NULL);
    assert_non_null(l);
    OGRFieldDefnH fd = OGR_Fld_Create(field, OFTString);
    OGR_L_CreateField(l, fd, 1);
    OGR_Fld_Destroy(fd);
    for (size_t i = 0; i < n; i++) {
        OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(ft, 0, f[i].code);
        if (f[i].size > 0) {
            char wkt[256];
            double a = f[i].e0, b = f[i].n0, s = f[i].size;
            snprintf(wkt, sizeof wkt, "MULTIPOLYGON(((%.4f %.4f,%.4f %.4f,%.4f %.4f,%.4f %.4f,%.4f %.4f)))", a, b,
                     a + s, b, a + s, b + s, a, b + s, a, b);
            char *p = wkt;
            OGRGeometryH g = NULL;
            assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
            OGR_F_SetGeometryDirectly(ft, g);
        }
        assert_int_equal(OGR_L_CreateFeature(l, ft), OGRERR_NONE);
        OGR_F_Destroy(ft);
    }
    if (sr)
        OSRDestroySpatialReference(sr);
    GDALClose(ds);
}

/* Decode a TopoJSON ring (array of arc indexes, ~i reversed) into grid
 * positions, the closing position included; returns their number. */
static int decode_ring(cJSON *arcs, cJSON *refs, double (*out)[2])
{
    int n = 0;
    for (int r = 0; r < cJSON_GetArraySize(refs); r++) {
        int i = cJSON_GetArrayItem(refs, r)->valueint;
        cJSON *a = cJSON_GetArrayItem(arcs, i < 0 ? ~i : i);
        int m = cJSON_GetArraySize(a);
        double pts[64][2], x = 0, y = 0;
        assert_true(m <= 64);
        for (int k = 0; k < m; k++) {
            pts[k][0] = x += cJSON_GetArrayItem(cJSON_GetArrayItem(a, k), 0)->valuedouble;
            pts[k][1] = y += cJSON_GetArrayItem(cJSON_GetArrayItem(a, k), 1)->valuedouble;
        }
        for (int k = r ? 1 : 0; k < m; k++) {
            assert_true(n < 64);
            out[n][0] = pts[i < 0 ? m - 1 - k : k][0];
            out[n][1] = pts[i < 0 ? m - 1 - k : k][1];
            n++;
        }
    }
    return n;
}

/* Write a GeoPackage (EPSG:3006) layer "r" with field "regso" from WKT. */
static void make_wkt(const char *path, const char *const *code, const char *const *wkt, size_t n)
{
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    assert_non_null(ds);
    OGRSpatialReferenceH sr = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(sr, 3006);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "r", sr, wkbPolygon, NULL);
    OGRFieldDefnH fd = OGR_Fld_Create("regso", OFTString);
    OGR_L_CreateField(l, fd, 1);
    OGR_Fld_Destroy(fd);
    for (size_t i = 0; i < n; i++) {
        OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
        OGR_F_SetFieldString(ft, 0, code[i]);
        char *p = (char *)wkt[i];
        OGRGeometryH g = NULL;
        assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(ft, g);
        assert_int_equal(OGR_L_CreateFeature(l, ft), OGRERR_NONE);
        OGR_F_Destroy(ft);
    }
    OSRDestroySpatialReference(sr);
    GDALClose(ds);
}

static char *run_geom(const char *path, const om_geom_options *o, om_geom_report *rep, om_status want)
{
    om_error e = OM_ERROR_INIT;
    om_geo *g = NULL;
    assert_int_equal(om_geo_new_builtin(&g, &e), OM_OK);
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    om_status s = om_geom_topojson(g, path, o, fp, rep, &e);
    fclose(fp);
    om_geo_free(g);
    assert_int_equal(s, want);
    return buf;
}

static void test_deso(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_geom_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/d.gpkg", dir);
    const feat f[] = {
        {"0114C1010", 500000, N0, 1000},
        {"0114C1010", 502000, N0, 500}, /* second part of the same DeSO */
        {"0114C1030", 501000, N0, 1000},
        {"9999X9999", 503000, N0, 1000}, /* unknown */
        {"0114C1050", 0, 0, 0},          /* no geometry */
    };
    make_gpkg(path, "DeSO_2018", "DesoKod", 3006, f, 5);
    om_geom_options o;
    om_geom_options_default(&o);
    o.level = OM_LEVEL_DESO;
    om_geom_report rep;
    char *out = run_geom(path, &o, &rep, OM_OK);
    assert_int_equal(rep.features, 5);
    assert_int_equal(rep.areas, 2);
    assert_int_equal(rep.merged, 1);
    assert_int_equal(rep.unknown, 1);
    assert_int_equal(rep.empty, 1);
    assert_int_equal(rep.missing, 5984 - 2);
    assert_string_equal(rep.first_unknown, "9999X9999");
    assert_string_equal(rep.code_field, "DesoKod");
    assert_int_equal(rep.srs_assumed, 0);

    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    cJSON *geoms = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "objects"), "deso"), "geometries");
    assert_int_equal(cJSON_GetArraySize(geoms), 2);
    cJSON *g0 = cJSON_GetArrayItem(geoms, 0);
    assert_string_equal(cJSON_GetObjectItem(g0, "type")->valuestring, "MultiPolygon");
    cJSON *p0 = cJSON_GetObjectItem(g0, "properties");
    assert_string_equal(cJSON_GetObjectItem(p0, "code")->valuestring, "0114C1010");
    assert_string_equal(cJSON_GetObjectItem(p0, "regso")->valuestring, "0114R001");
    assert_string_equal(cJSON_GetObjectItem(p0, "kommun")->valuestring, "0114");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(p0, "schematic")));
    /* Squares [500000,501000] and [501000,502000] (DeSO 1030) share the edge
     * E = 501000: junctions at its ends cut the first into 2 arcs (the shared
     * edge and the rest) and the second into 3 (shared edge, bottom, rest:
     * the 500 m square only touches it at (502000, N0), a junction, as it
     * has no vertex at (502000, N0 + 500)); that square is one closed arc
     * starting at that junction: 2 + 2 + 1 = 5 distinct arcs. */
    cJSON *arcs = cJSON_GetObjectItem(j, "arcs");
    assert_int_equal(cJSON_GetArraySize(arcs), 5);
    assert_int_equal(rep.arcs, 5);
    cJSON *tr = cJSON_GetObjectItem(j, "transform");
    double kx = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "scale"), 0)->valuedouble;
    double ky = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "scale"), 1)->valuedouble;
    double x0 = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "translate"), 0)->valuedouble;
    double y0 = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "translate"), 1)->valuedouble;
    /* the first ring has the corner (15 E, 59.5 N) within one grid step */
    double ring[64][2];
    int n = decode_ring(arcs, cJSON_GetArrayItem(cJSON_GetArrayItem(cJSON_GetObjectItem(g0, "arcs"), 0), 0), ring);
    assert_int_equal(n, 5);
    int corner = 0;
    for (int k = 0; k < n; k++)
        corner += fabs(ring[k][0] * kx + x0 - 15.0) <= kx && fabs(ring[k][1] * ky + y0 - 59.5) <= ky;
    assert_int_equal(corner, 1 + (ring[0][0] * kx + x0 < 15.0 + kx && ring[0][1] * ky + y0 < 59.5 + ky));
    /* The bbox spans 2.5 km east of the meridian, the east edge reaching
     * 59.5 N + 500 m.  On a Transverse Mercator the longitude difference is
     * x / (k0 nu cos phi) to first order, nu = a / sqrt(1 - e^2 sin^2 phi)
     * (the prime vertical radius; GRS80); the neglected terms are ~(x/nu)^2
     * relative, and phi's 500 m spread moves the value by ~6e-6 degrees. */
    const double a = 6378137, fl = 1 / 298.257222101, e2 = fl * (2 - fl);
    double phi = 59.5 * M_PI / 180, nu = a / sqrt(1 - e2 * sin(phi) * sin(phi));
    double w = cJSON_GetArrayItem(cJSON_GetObjectItem(j, "bbox"), 2)->valuedouble - 15.0;
    assert_true(fabs(w - 2500.0 / (0.9996 * nu * cos(phi)) * 180 / M_PI) < 2e-5);
    cJSON_Delete(j);
    free(out);
    unlink(path);
    rmdir(dir);
}

/* Two 1 km squares sharing a wiggly border at E = 501000: vertices every
 * 100 m northwards, 10 m east or west of it (below the 25 m tolerance)
 * except one 100 m east at N0 + 500.  Hand count: the border's ends are the
 * only junctions, so each square is the border plus one other arc: 3 arcs,
 * the border referenced as i by one square and ~i by the other.  Douglas-
 * Peucker with fixed ends, by hand (x east of 501000, y north of N0):
 * chord (0,0)-(0,1000) keeps the spike (100,500); chord (0,0)-(100,500)
 * has the points k = 1..4 at horizontal offsets 10, 50, 50, 90 m, i.e.
 * perpendicular 0.98 times that, so k = 4 (-10,400) is kept; chord
 * (0,0)-(-10,400) leaves k = 1..3 12.5, 5, 17.5 m off: dropped.  The
 * northern half mirrors it (k = 6 kept).  So the border arc keeps k = 0, 4,
 * 5, 6, 10 (5 positions), and both squares get the same ones. */
static void test_shared(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_geom_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/s.gpkg", dir);
    char border[1024] = "", rborder[1024] = "", wa[1400], wb[1400];
    for (int k = 0; k <= 10; k++) {
        double e = 501000 + (k == 5 ? 100 : k == 0 || k == 10 ? 0 : k % 2 ? 10 : -10);
        char pt[64];
        snprintf(pt, sizeof pt, "%s%.4f %.4f", k ? "," : "", e, N0 + 100 * k);
        strcat(border, pt);
        snprintf(pt, sizeof pt, "%s%.4f %.4f", k ? "," : "", e, N0 + 100 * (10 - k));
        if (k == 0)
            snprintf(pt, sizeof pt, "%.4f %.4f", 501000.0, N0 + 1000);
        else
            snprintf(pt, sizeof pt, ",%.4f %.4f", 501000 + ((10 - k) == 5 ? 100.0 : (10 - k) == 0 ? 0.0 : (10 - k) % 2 ? 10.0 : -10.0), N0 + 100 * (10 - k));
        strcat(rborder, pt);
    }
    snprintf(wa, sizeof wa, "POLYGON((500000 %.4f,%s,500000 %.4f,500000 %.4f))", N0, border, N0 + 1000, N0);
    snprintf(wb, sizeof wb, "POLYGON((%s,502000 %.4f,502000 %.4f,501000 %.4f))", rborder, N0, N0 + 1000, N0 + 1000);
    const char *code[] = {"0114R001", "0114R002"}, *wkt[] = {wa, wb};
    make_wkt(path, code, wkt, 2);
    om_geom_options o;
    om_geom_options_default(&o);
    for (int pass = 0; pass < 2; pass++) {
        o.tolerance = pass ? 25 : 0;
        om_geom_report rep;
        char *out = run_geom(path, &o, &rep, OM_OK);
        cJSON *j = cJSON_Parse(out);
        assert_non_null(j);
        cJSON *arcs = cJSON_GetObjectItem(j, "arcs");
        assert_int_equal(cJSON_GetArraySize(arcs), 3);
        assert_int_equal(rep.arcs, 3);
        cJSON *geoms = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "objects"), "regso"), "geometries");
        cJSON *ra = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(geoms, 0), "arcs"), 0);
        cJSON *rb = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetArrayItem(geoms, 1), "arcs"), 0);
        assert_int_equal(cJSON_GetArraySize(ra), 2);
        assert_int_equal(cJSON_GetArraySize(rb), 2);
        int shared = 0, sa = 0, sb = 0;
        for (int x = 0; x < 2; x++)
            for (int y = 0; y < 2; y++)
                if (cJSON_GetArrayItem(ra, x)->valueint == ~cJSON_GetArrayItem(rb, y)->valueint) {
                    shared++;
                    sa = cJSON_GetArrayItem(ra, x)->valueint;
                    sb = cJSON_GetArrayItem(rb, y)->valueint;
                }
        assert_int_equal(shared, 1);
        int si = sa < 0 ? sb : sa;
        assert_int_equal(cJSON_GetArraySize(cJSON_GetArrayItem(arcs, si)), pass ? 5 : 11);
        /* decoded rings: the positions east of 500500 m in A are exactly
         * the positions west of 501500 m in B (the border) */
        double pa[64][2], pb[64][2];
        int na = decode_ring(arcs, ra, pa), nb = decode_ring(arcs, rb, pb);
        assert_int_equal(na, pass ? 8 : 14);
        assert_int_equal(nb, pass ? 8 : 14);
        cJSON *bb = cJSON_GetObjectItem(j, "bbox");
        double kx = cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "transform"), "scale"), 0)->valuedouble;
        double mid = (0.5 / 2.0) * (cJSON_GetArrayItem(bb, 2)->valuedouble - cJSON_GetArrayItem(bb, 0)->valuedouble) / kx;
        int ma = 0;
        for (int a = 0; a < na - 1; a++) {
            if (pa[a][0] < mid)
                continue;
            ma++;
            int found = 0;
            for (int b = 0; b < nb - 1; b++)
                found += pb[b][0] == pa[a][0] && pb[b][1] == pa[a][1];
            assert_int_equal(found, 1);
        }
        assert_int_equal(ma, pass ? 5 : 11);
        cJSON_Delete(j);
        free(out);
    }
    unlink(path);
    rmdir(dir);
}

static void test_errors(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_geom_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/r.gpkg", dir);
    const feat f[] = {{"0114R999", 500000, N0, 1000}};
    make_gpkg(path, "x", "regso", 0, f, 1);
    om_geom_options o;
    om_geom_options_default(&o);
    om_geom_report rep;
    /* only an unknown code: an error that names it, with the CRS assumed */
    free(run_geom(path, &o, &rep, OM_ERR_INPUT));
    assert_int_equal(rep.unknown, 1);
    assert_int_equal(rep.srs_assumed, 1);
    o.code_field = "nosuch";
    free(run_geom(path, &o, &rep, OM_ERR_INPUT));
    o.code_field = NULL;
    o.layer = "nosuch";
    free(run_geom(path, &o, &rep, OM_ERR_INPUT));
    o.layer = NULL;
    o.level = OM_LEVEL_RIKET;
    free(run_geom(path, &o, &rep, OM_ERR_USAGE));
    o.level = OM_LEVEL_KOMMUN; /* schematic cells are RegSO only */
    o.schematic = 1;
    free(run_geom(path, &o, &rep, OM_ERR_USAGE));
    o.schematic = 0;
    o.level = OM_LEVEL_REGSO;
    o.quantization = 1;
    free(run_geom(path, &o, &rep, OM_ERR_USAGE));
    o.quantization = 100000;
    free(run_geom("/nonexistent/x.gpkg", &o, &rep, OM_ERR_INPUT));
    unlink(path);
    rmdir(dir);
}

/* Twice the area of a decoded ring on the grid (shoelace). */
static double grid_area2(double (*r)[2], int n)
{
    double a = 0;
    for (int k = 0; k + 1 < n; k++)
        a += r[k][0] * r[k + 1][1] - r[k + 1][0] * r[k][1];
    return a;
}

/* Kommun and län from kommun boundaries: Upplands Väsby (0114) and
 * Vallentuna (0115), two 1 km squares sharing the edge E = 501000, and
 * Håbo (0305, Uppsala län) 1 km east of them.  Kommun: 3 areas; the shared
 * edge is one arc (as in test_shared), so 0114 and 0115 are 2 arcs each
 * and 0305 one closed arc: 4 arcs.  Län: 01 is the union, one 2 km x 1 km
 * rectangle (one ring, no arc inside it), 03 the third square. */
static void test_kommun_lan(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_geom_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/k.gpkg", dir);
    const feat f[] = {{"0114", 500000, N0, 1000}, {"0115", 501000, N0, 1000}, {"0305", 503000, N0, 1000}};
    make_gpkg(path, "kommuner", "KnKod", 3006, f, 3);
    om_geom_options o;
    om_geom_options_default(&o);
    o.level = OM_LEVEL_KOMMUN;
    om_geom_report rep;
    char *out = run_geom(path, &o, &rep, OM_OK);
    assert_int_equal(rep.areas, 3);
    assert_int_equal(rep.missing, 290 - 3);
    assert_string_equal(rep.code_field, "KnKod");
    cJSON *j = cJSON_Parse(out);
    cJSON *geoms = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "objects"), "kommun"), "geometries");
    assert_int_equal(cJSON_GetArraySize(geoms), 3);
    cJSON *p1 = cJSON_GetObjectItem(cJSON_GetArrayItem(geoms, 1), "properties");
    assert_string_equal(cJSON_GetObjectItem(p1, "code")->valuestring, "0115");
    assert_string_equal(cJSON_GetObjectItem(p1, "name")->valuestring, "Vallentuna");
    assert_null(cJSON_GetObjectItem(p1, "schematic"));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "arcs")), 4);
    cJSON_Delete(j);
    free(out);

    o.level = OM_LEVEL_LAN;
    out = run_geom(path, &o, &rep, OM_OK);
    assert_int_equal(rep.areas, 2);
    assert_int_equal(rep.merged, 1); /* 0115 joins 0114 in län 01 */
    j = cJSON_Parse(out);
    geoms = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "objects"), "lan"), "geometries");
    assert_int_equal(cJSON_GetArraySize(geoms), 2);
    cJSON *g0 = cJSON_GetArrayItem(geoms, 0);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(g0, "properties"), "code")->valuestring, "01");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(g0, "properties"), "name")->valuestring, "Stockholms län");
    assert_string_equal(cJSON_GetObjectItem(g0, "type")->valuestring, "Polygon");
    cJSON *rings = cJSON_GetObjectItem(g0, "arcs");
    assert_int_equal(cJSON_GetArraySize(rings), 1);
    double ring[64][2];
    int n = decode_ring(cJSON_GetObjectItem(j, "arcs"), cJSON_GetArrayItem(rings, 0), ring);
    /* the rectangle's 4 corners and the closing position (the union's
     * collinear points on the long sides are dropped by Douglas-Peucker) */
    assert_int_equal(n, 5);
    /* 2 km x 1 km of a 4 km x 1 km bounding box: half of the grid's area,
     * clockwise (negative); 10 m of slack for the projection's curvature */
    double q = o.quantization - 1;
    assert_true(fabs(-grid_area2(ring, n) / 2 / (q * q) - 0.5) < 0.01);
    cJSON_Delete(j);
    free(out);
    unlink(path);
    rmdir(dir);
}

/* Schematic RegSO: Upplands Väsby (12 RegSO in the registry) as a 10 km
 * square is cut into 12 cells that tile it: their areas add up to the
 * square's, each is non-empty, codes in registry order, marked schematic. */
static void test_schematic(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_geom_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/k.gpkg", dir);
    const feat f[] = {{"0114", 500000, N0, 10000}};
    make_gpkg(path, "kommuner", "kommun", 3006, f, 1);
    om_geom_options o;
    om_geom_options_default(&o);
    o.schematic = 1;
    om_geom_report rep;
    char *out = run_geom(path, &o, &rep, OM_OK);
    assert_int_equal(rep.areas, 12);
    cJSON *j = cJSON_Parse(out);
    assert_true(cJSON_IsString(cJSON_GetObjectItem(j, "schematic")));
    cJSON *geoms = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "objects"), "regso"), "geometries");
    assert_int_equal(cJSON_GetArraySize(geoms), 12);
    cJSON *arcs = cJSON_GetObjectItem(j, "arcs");
    double sum = 0, q = o.quantization - 1;
    for (int i = 0; i < 12; i++) {
        cJSON *g = cJSON_GetArrayItem(geoms, i), *p = cJSON_GetObjectItem(g, "properties");
        char want[16];
        snprintf(want, sizeof want, "0114R%03d", i + 1);
        assert_string_equal(cJSON_GetObjectItem(p, "code")->valuestring, want);
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(p, "schematic")));
        assert_string_equal(cJSON_GetObjectItem(g, "type")->valuestring, "Polygon");
        double ring[64][2];
        int n = decode_ring(arcs, cJSON_GetArrayItem(cJSON_GetObjectItem(g, "arcs"), 0), ring);
        double a = -grid_area2(ring, n) / 2 / (q * q);
        assert_true(a > 0.01); /* every cell is a real part of the square */
        sum += a;
    }
    /* the cells tile the square (the whole grid, to the projection's
     * curvature: the bbox of a square in SWEREF 99 TM is a little wider) */
    assert_true(fabs(sum - 1) < 0.01);
    cJSON_Delete(j);
    free(out);
    unlink(path);
    rmdir(dir);
}

/* Police areas: every feature kept, its fields as properties. */
static void test_police(void **state)
{
    (void)state;
    char dir[] = "/tmp/om_geom_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[64];
    snprintf(path, sizeof path, "%s/p.gpkg", dir);
    GDALAllRegister();
    GDALDatasetH ds = GDALCreate(GDALGetDriverByName("GPKG"), path, 0, 0, 0, GDT_Unknown, NULL);
    OGRSpatialReferenceH sr = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(sr, 3006);
    OGRLayerH l = GDALDatasetCreateLayer(ds, "uso", sr, wkbPolygon, NULL);
    const char *fields[] = {"NAMN", "KATEGORI", "ORT", "REGION"};
    const char *vals[2][4] = {{"Araby", "Riskområde", "Växjö", "Syd"}, {"Rosengård", "Särskilt utsatt område", "Malmö", "Syd"}};
    for (int k = 0; k < 4; k++) {
        OGRFieldDefnH fd = OGR_Fld_Create(fields[k], OFTString);
        OGR_L_CreateField(l, fd, 1);
        OGR_Fld_Destroy(fd);
    }
    for (int i = 0; i < 2; i++) {
        OGRFeatureH ft = OGR_F_Create(OGR_L_GetLayerDefn(l));
        for (int k = 0; k < 4; k++)
            OGR_F_SetFieldString(ft, k, vals[i][k]);
        char wkt[200];
        snprintf(wkt, sizeof wkt, "POLYGON((%d %.4f,%d %.4f,%d %.4f,%d %.4f))", 500000 + 2000 * i, N0, 500000 + 2000 * i,
                 N0 + 500, 500500 + 2000 * i, N0, 500000 + 2000 * i, N0);
        char *p = wkt;
        OGRGeometryH g = NULL;
        assert_int_equal(OGR_G_CreateFromWkt(&p, NULL, &g), OGRERR_NONE);
        OGR_F_SetGeometryDirectly(ft, g);
        assert_int_equal(OGR_L_CreateFeature(l, ft), OGRERR_NONE);
        OGR_F_Destroy(ft);
    }
    OSRDestroySpatialReference(sr);
    GDALClose(ds);
    om_geom_options o;
    om_geom_options_default(&o);
    o.police = 1;
    om_geom_report rep;
    char *out = run_geom(path, &o, &rep, OM_OK);
    assert_int_equal(rep.areas, 2);
    assert_int_equal(rep.missing, 0);
    cJSON *j = cJSON_Parse(out);
    cJSON *geoms = cJSON_GetObjectItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "objects"), "police"), "geometries");
    assert_int_equal(cJSON_GetArraySize(geoms), 2);
    cJSON *p1 = cJSON_GetObjectItem(cJSON_GetArrayItem(geoms, 1), "properties");
    assert_string_equal(cJSON_GetObjectItem(p1, "name")->valuestring, "Rosengård");
    assert_string_equal(cJSON_GetObjectItem(p1, "category")->valuestring, "Särskilt utsatt område");
    assert_string_equal(cJSON_GetObjectItem(p1, "ort")->valuestring, "Malmö");
    assert_string_equal(cJSON_GetObjectItem(p1, "region")->valuestring, "Syd");
    assert_null(cJSON_GetObjectItem(p1, "code"));
    cJSON_Delete(j);
    free(out);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_deso), cmocka_unit_test(test_shared),
                                       cmocka_unit_test(test_errors), cmocka_unit_test(test_kommun_lan),
                                       cmocka_unit_test(test_schematic), cmocka_unit_test(test_police)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

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
    /* 3 rings, the first starting at (15 E, 59.5 N) within one grid step */
    cJSON *arcs = cJSON_GetObjectItem(j, "arcs");
    assert_int_equal(cJSON_GetArraySize(arcs), 3);
    cJSON *tr = cJSON_GetObjectItem(j, "transform");
    double kx = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "scale"), 0)->valuedouble;
    double ky = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "scale"), 1)->valuedouble;
    double x0 = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "translate"), 0)->valuedouble;
    double y0 = cJSON_GetArrayItem(cJSON_GetObjectItem(tr, "translate"), 1)->valuedouble;
    cJSON *first = cJSON_GetArrayItem(cJSON_GetArrayItem(arcs, 0), 0);
    double lon = cJSON_GetArrayItem(first, 0)->valuedouble * kx + x0;
    double lat = cJSON_GetArrayItem(first, 1)->valuedouble * ky + y0;
    assert_true(fabs(lon - 15.0) <= kx);
    assert_true(fabs(lat - 59.5) <= ky);
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
    o.level = OM_LEVEL_KOMMUN;
    free(run_geom(path, &o, &rep, OM_ERR_USAGE));
    o.level = OM_LEVEL_REGSO;
    o.quantization = 1;
    free(run_geom(path, &o, &rep, OM_ERR_USAGE));
    o.quantization = 100000;
    free(run_geom("/nonexistent/x.gpkg", &o, &rep, OM_ERR_INPUT));
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_deso), cmocka_unit_test(test_errors)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}

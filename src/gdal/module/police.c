/* The police's list of utsatta områden (Polismyndigheten, "Utsatta områden
 * – sociala risker, kollektiv förmåga och oönskade händelser", 2023: 59
 * areas in three categories) joined to the units of a polygon layer, so
 * the earlier selection "CNI together with the police list" can be made on
 * the same units as the other indices (issue 16, item 3).
 *
 * Rule: a listed area belongs to the unit its polygon overlaps most (area
 * of the intersection, GEOS via GDAL, in the units layer's coordinate
 * system).  Boundaries published for maps are simplified, and a listed area
 * on the coast or at a kommun border can fall partly or wholly outside its
 * kommun's simplified polygon; an area that overlaps no unit goes to the
 * nearest unit, and those are counted and the first named in the report
 * (on data/geo/swe-maps-kommun.geojson: Söder in Helsingborg, which lies
 * outside the simplified coastline). */
#define _GNU_SOURCE
#include "gdal/gdal_internal.h"
#include "omrade/csv.h"
#include "omrade/hash.h"

#include <cpl_error.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The police's category names as written in the list (field KATEGORI). */
static const char *const CATEGORY[3] = {"Särskilt utsatt område", "Utsatt område", "Riskområde"};

typedef struct {
    char *code;
    OGRGeometryH geom; /* union of the unit's features, units layer's SRS */
    int64_t n[3];
    char *names; /* "; "-separated names of the listed areas in the unit */
} unit_t;

static int field_index(OGRFeatureDefnH d, const char *want, const char *const *guess)
{
    int n = OGR_FD_GetFieldCount(d);
    for (int i = 0; i < n; i++) {
        const char *name = OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(d, i));
        if (want) {
            if (strcasecmp(name, want) == 0)
                return i;
        } else {
            for (const char *const *g = guess; *g; g++)
                if (strcasecmp(name, *g) == 0)
                    return i;
        }
    }
    return -1;
}

static GDALDatasetH open_vector(const char *path, om_error *err)
{
    CPLPushErrorHandler(CPLQuietErrorHandler);
    GDALAllRegister();
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    CPLPopErrorHandler();
    if (!ds || GDALDatasetGetLayerCount(ds) < 1) {
        if (ds)
            GDALClose(ds);
        om_error_set(err, OM_ERR_IO, path, 0, 0, "expected a vector file GDAL can read (with a layer)");
        return NULL;
    }
    return ds;
}

static bool append_name(char **names, const char *name)
{
    size_t a = *names ? strlen(*names) : 0, b = strlen(name);
    char *p = realloc(*names, a + b + 3);
    if (!p)
        return false;
    if (a)
        memcpy(p + a, "; ", 2), a += 2;
    memcpy(p + a, name, b + 1);
    *names = p;
    return true;
}

/* The units of a polygon layer, features with the same code united. */
static const char *const UNIT_GUESS[] = {"knkod", "kommunkod", "kommun", "lnkod", "regsokod", "regso_kod",
                                         "regso", "desokod", "deso_kod", "deso", "unit", "code", NULL};

static void units_free(unit_t *u, size_t nu)
{
    for (size_t j = 0; j < nu; j++) {
        free(u[j].code);
        free(u[j].names);
        if (u[j].geom)
            OGR_G_DestroyGeometry(u[j].geom);
    }
    free(u);
}

static om_status load_units(GDALDatasetH uds, const char *units_path, const char *unit_field, unit_t **uo,
                            size_t *nuo, om_need_police_report *rep, om_error *err)
{
    om_status s = OM_OK;
    unit_t *u = NULL;
    size_t nu = 0, cap = 0;
    om_strmap *idx = NULL;
    OGRLayerH ul = GDALDatasetGetLayer(uds, 0);
    int uf = field_index(OGR_L_GetLayerDefn(ul), unit_field, UNIT_GUESS);
    if (uf < 0)
        return om_error_set(err, OM_ERR_INPUT, units_path, 0, 0,
                            unit_field ? "expected a field '%s' in layer '%s'"
                                       : "expected a unit code field (KnKod, kommunkod, LnKod, regsokod, desokod, "
                                         "unit or code) in layer '%s%s'",
                            unit_field ? unit_field : "", OGR_L_GetName(ul));
    if (!(idx = om_strmap_new(512)))
        return om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
    OGRFeatureH f;
    OGR_L_ResetReading(ul);
    while (s == OM_OK && (f = OGR_L_GetNextFeature(ul)) != NULL) {
        const char *code = OGR_F_GetFieldAsString(f, uf);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        int32_t prev;
        if (!*code) {
            s = om_error_set(err, OM_ERR_INPUT, units_path, 0, 0, "expected a unit code in feature %lld, found ''",
                             (long long)OGR_F_GetFID(f));
        } else if (om_strmap_put_new(idx, code, strlen(code), (int32_t)nu, &prev) != OM_OK) {
            s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        } else if ((size_t)prev != nu) { /* the same code again: one unit, its parts united */
            if (g) {
                OGRGeometryH m = u[prev].geom ? OGR_G_Union(u[prev].geom, g) : OGR_G_Clone(g);
                if (u[prev].geom)
                    OGR_G_DestroyGeometry(u[prev].geom);
                u[prev].geom = m;
            }
            rep->merged++;
        } else {
            if (nu == cap) {
                cap = cap ? 2 * cap : 64;
                unit_t *nuv = realloc(u, cap * sizeof *u);
                if (!nuv) {
                    s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
                    OGR_F_Destroy(f);
                    break;
                }
                u = nuv;
            }
            memset(&u[nu], 0, sizeof u[nu]);
            u[nu].code = strdup(code);
            u[nu].geom = g ? OGR_G_Clone(g) : NULL;
            if (!u[nu++].code)
                s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
        }
        OGR_F_Destroy(f);
    }
    om_strmap_free(idx);
    rep->units = (int64_t)nu;
    *uo = u;
    *nuo = nu;
    return s;
}

static om_status police_fields(GDALDatasetH pds, const char *police_path, int *fname, int *fcat, om_error *err)
{
    OGRLayerH pl = GDALDatasetGetLayer(pds, 0);
    OGRFeatureDefnH pd = OGR_L_GetLayerDefn(pl);
    *fname = field_index(pd, "NAMN", NULL), *fcat = field_index(pd, "KATEGORI", NULL);
    if (*fname < 0 || *fcat < 0)
        return om_error_set(err, OM_ERR_INPUT, police_path, 0, 0,
                            "expected the police list's fields NAMN and KATEGORI in layer '%s'", OGR_L_GetName(pl));
    return OM_OK;
}

/* A transformation from `from` to `to` (NULL when they are the same or one
 * is unknown); the clones are freed by ct_free. */
typedef struct {
    OGRCoordinateTransformationH ct;
    OGRSpatialReferenceH a, b;
} ct_t;

static om_status ct_make(ct_t *c, OGRSpatialReferenceH from, OGRSpatialReferenceH to, const char *path,
                         const char *other, om_error *err)
{
    memset(c, 0, sizeof *c);
    if (!from || !to || OSRIsSame(from, to))
        return OM_OK;
    c->a = OSRClone(from);
    c->b = OSRClone(to);
    OSRSetAxisMappingStrategy(c->a, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(c->b, OAMS_TRADITIONAL_GIS_ORDER);
    if (!(c->ct = OCTNewCoordinateTransformation(c->a, c->b)))
        return om_error_set(err, OM_ERR_INPUT, path, 0, 0,
                            "expected a coordinate system that can be transformed to that of %s", other);
    return OM_OK;
}

static void ct_free(ct_t *c)
{
    if (c->ct)
        OCTDestroyCoordinateTransformation(c->ct);
    if (c->a)
        OSRDestroySpatialReference(c->a);
    if (c->b)
        OSRDestroySpatialReference(c->b);
}

static int category_of(const char *cat)
{
    int k = 0;
    while (k < 3 && strcmp(cat, CATEGORY[k]) != 0)
        k++;
    return k;
}

static bool envelopes_apart(OGRGeometryH a, OGRGeometryH b)
{
    OGREnvelope pe, ue;
    OGR_G_GetEnvelope(a, &pe);
    OGR_G_GetEnvelope(b, &ue);
    return ue.MaxX < pe.MinX || pe.MaxX < ue.MinX || ue.MaxY < pe.MinY || pe.MaxY < ue.MinY;
}

/* Both layers of a police-list join, opened together: the units (loaded),
 * the police list (its name and category fields) and the transformation
 * between their coordinate systems, police -> units when to_units, else
 * units -> police.  inputs_close() frees what was opened, also after an
 * error. */
typedef struct {
    GDALDatasetH uds, pds;
    OGRLayerH pl;
    unit_t *u;
    size_t nu;
    ct_t ct;
    int fname, fcat;
} inputs_t;

static om_status inputs_open(inputs_t *in, const char *police_path, const char *units_path, const char *unit_field,
                             bool to_units, om_need_police_report *rep, om_error *err)
{
    memset(in, 0, sizeof *in);
    if (!(in->uds = open_vector(units_path, err)))
        return OM_ERR_IO;
    OGRLayerH ul = GDALDatasetGetLayer(in->uds, 0);
    om_status s = load_units(in->uds, units_path, unit_field, &in->u, &in->nu, rep, err);
    if (s != OM_OK)
        return s;
    if (!(in->pds = open_vector(police_path, err)))
        return OM_ERR_IO;
    in->pl = GDALDatasetGetLayer(in->pds, 0);
    if ((s = police_fields(in->pds, police_path, &in->fname, &in->fcat, err)) != OM_OK)
        return s;
    OGRSpatialReferenceH ps = OGR_L_GetSpatialRef(in->pl), us = OGR_L_GetSpatialRef(ul);
    return to_units ? ct_make(&in->ct, ps, us, police_path, units_path, err)
                    : ct_make(&in->ct, us, ps, units_path, police_path, err);
}

static void inputs_close(inputs_t *in)
{
    units_free(in->u, in->nu);
    ct_free(&in->ct);
    if (in->pds)
        GDALClose(in->pds);
    if (in->uds)
        GDALClose(in->uds);
}

om_status om_gdal__need_police(const char *police_path, const char *units_path, const char *unit_field, FILE *out,
                               om_need_police_report *rep, om_error *err)
{
    memset(rep, 0, sizeof *rep);
    inputs_t in;
    om_status s = inputs_open(&in, police_path, units_path, unit_field, true, rep, err);
    unit_t *u = in.u;
    size_t nu = in.nu;
    OGRLayerH pl = in.pl;
    int fname = in.fname, fcat = in.fcat;
    ct_t ct = in.ct;
    if (s != OM_OK)
        goto done;
    OGRFeatureH f;
    OGR_L_ResetReading(pl);
    while (s == OM_OK && (f = OGR_L_GetNextFeature(pl)) != NULL) {
        const char *name = OGR_F_GetFieldAsString(f, fname), *cat = OGR_F_GetFieldAsString(f, fcat);
        long long fid = (long long)OGR_F_GetFID(f);
        int k = category_of(cat);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRGeometryH pt = g && !OGR_G_IsEmpty(g) ? OGR_G_Clone(g) : NULL;
        if (pt)
            OGR_G_FlattenTo2D(pt);
        rep->areas++;
        if (k == 3) {
            s = om_error_set(err, OM_ERR_INPUT, police_path, 0, 0,
                             "expected KATEGORI %s, %s or %s in feature %lld (%s), found '%s'", CATEGORY[0],
                             CATEGORY[1], CATEGORY[2], fid, name, cat);
        } else if (!pt || (ct.ct && OGR_G_Transform(pt, ct.ct) != OGRERR_NONE)) {
            s = om_error_set(err, OM_ERR_INPUT, police_path, 0, 0,
                             "expected a polygon in feature %lld (%s)", fid, name);
        } else {
            /* the unit overlapping most; none: the nearest */
            size_t j = nu, near = nu;
            double best = 0, dmin = 0;
            for (size_t q = 0; q < nu; q++) {
                if (!u[q].geom)
                    continue;
                double d = OGR_G_Distance(u[q].geom, pt);
                if (near == nu || d < dmin)
                    near = q, dmin = d;
                if (envelopes_apart(pt, u[q].geom))
                    continue;
                OGRGeometryH x = OGR_G_Intersection(u[q].geom, pt);
                double a = x ? OGR_G_Area(x) : 0;
                if (x)
                    OGR_G_DestroyGeometry(x);
                if (a > best)
                    best = a, j = q;
            }
            rep->by_category[k]++;
            if (j == nu && near != nu) {
                j = near;
                if (!rep->nearest++)
                    snprintf(rep->first_nearest, sizeof rep->first_nearest, "%s", name);
            }
            if (j == nu) {
                if (!rep->unassigned++)
                    snprintf(rep->first_unassigned, sizeof rep->first_unassigned, "%s", name);
            } else {
                u[j].n[k]++;
                if (!append_name(&u[j].names, name))
                    s = om_error_set(err, OM_ERR_NOMEM, NULL, 0, 0, "out of memory");
            }
        }
        if (pt)
            OGR_G_DestroyGeometry(pt);
        OGR_F_Destroy(f);
    }
    if (s != OM_OK)
        goto done;
    fputs("unit,police_areas,sarskilt_utsatt,utsatt,risk,names\n", out);
    for (size_t j = 0; j < nu; j++) {
        om_csv_write_str(out, u[j].code);
        fprintf(out, ",%lld,%lld,%lld,%lld,", (long long)(u[j].n[0] + u[j].n[1] + u[j].n[2]),
                (long long)u[j].n[0], (long long)u[j].n[1], (long long)u[j].n[2]);
        om_csv_write_str(out, u[j].names ? u[j].names : "");
        fputc('\n', out);
        if (u[j].n[0] + u[j].n[1] + u[j].n[2])
            rep->units_listed++;
    }
    if (ferror(out))
        s = om_afile_stream_error(out, err);
done:
    inputs_close(&in);
    return s;
}

/* Overlap shares: the units are transformed into the police list's
 * coordinate system (SWEREF 99 TM for uso_2023, a projected system in
 * metres), so that areas are planar areas in metres rather than in degrees
 * of a geographic system; share = area(police ∩ unit) / area(police),
 * intersection and area by GEOS (OGR_G_Intersection, OGR_G_Area). */
om_status om_gdal__need_police_overlap(const char *police_path, const char *units_path, const char *unit_field,
                                      om_need_overlap_fn fn, void *ctx, om_need_police_report *rep, om_error *err)
{
    memset(rep, 0, sizeof *rep);
    inputs_t in;
    om_status s = inputs_open(&in, police_path, units_path, unit_field, false, rep, err);
    unit_t *u = in.u;
    size_t nu = in.nu;
    OGRLayerH pl = in.pl;
    if (s != OM_OK)
        goto done;
    for (size_t q = 0; q < nu; q++)
        if (u[q].geom) {
            OGR_G_FlattenTo2D(u[q].geom);
            if (in.ct.ct && OGR_G_Transform(u[q].geom, in.ct.ct) != OGRERR_NONE) {
                s = om_error_set(err, OM_ERR_INPUT, units_path, 0, 0,
                                 "expected unit %s's polygon to transform to the police list's coordinate system",
                                 u[q].code);
                goto done;
            }
        }
    OGRFeatureDefnH pd = OGR_L_GetLayerDefn(pl);
    int fort = field_index(pd, "ORT", NULL), freg = field_index(pd, "REGION", NULL);
    OGRFeatureH f;
    OGR_L_ResetReading(pl);
    while (s == OM_OK && (f = OGR_L_GetNextFeature(pl)) != NULL) {
        om_need_overlap o = {0};
        o.name = OGR_F_GetFieldAsString(f, in.fname);
        o.category = OGR_F_GetFieldAsString(f, in.fcat);
        o.ort = fort >= 0 ? OGR_F_GetFieldAsString(f, fort) : "";
        o.region = freg >= 0 ? OGR_F_GetFieldAsString(f, freg) : "";
        o.index = rep->areas++;
        long long fid = (long long)OGR_F_GetFID(f);
        int k = category_of(o.category);
        OGRGeometryH g = OGR_F_GetGeometryRef(f);
        OGRGeometryH pt = g && !OGR_G_IsEmpty(g) ? OGR_G_Clone(g) : NULL;
        if (pt)
            OGR_G_FlattenTo2D(pt);
        double area = pt ? OGR_G_Area(pt) : 0;
        if (k == 3) {
            s = om_error_set(err, OM_ERR_INPUT, police_path, 0, 0,
                             "expected KATEGORI %s, %s or %s in feature %lld (%s), found '%s'", CATEGORY[0],
                             CATEGORY[1], CATEGORY[2], fid, o.name, o.category);
        } else if (!pt || !(area > 0)) {
            s = om_error_set(err, OM_ERR_INPUT, police_path, 0, 0,
                             "expected a polygon with an area in feature %lld (%s)", fid, o.name);
        } else {
            rep->by_category[k]++;
            o.rank = k + 1;
            o.area = area;
            s = fn(ctx, &o, err); /* the area itself, unit NULL */
            int hits = 0;
            for (size_t q = 0; s == OM_OK && q < nu; q++) {
                if (!u[q].geom || envelopes_apart(pt, u[q].geom))
                    continue;
                OGRGeometryH x = OGR_G_Intersection(u[q].geom, pt);
                double a = x ? OGR_G_Area(x) : 0;
                if (x)
                    OGR_G_DestroyGeometry(x);
                if (!(a > 0))
                    continue;
                o.unit = u[q].code;
                o.share = a / area;
                hits++;
                s = fn(ctx, &o, err);
            }
            if (!hits && !rep->unassigned++)
                snprintf(rep->first_unassigned, sizeof rep->first_unassigned, "%s", o.name);
        }
        if (pt)
            OGR_G_DestroyGeometry(pt);
        OGR_F_Destroy(f);
    }
done:
    inputs_close(&in);
    return s;
}

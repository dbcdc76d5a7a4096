/* RegSO/DeSO boundaries from a GDAL vector dataset to TopoJSON with shared
 * arcs.
 *
 * Pipeline: code field -> registry index (om_geo_find) -> geometry forced to
 * a 2-D MultiPolygon, merged per area, kept in source units (metres for
 * SWEREF99 TM) and transformed to WGS84 (traditional GIS axis order, lon,
 * lat) -> every ring wound for d3-geo and quantized, repeated points dropped
 * -> topology as Bostock's topojson builds it (topojson-server: join finds
 * junctions, cut splits rings there, dedup merges equal arcs; see
 * topo_build) -> each distinct arc simplified once by Douglas-Peucker in
 * source units with its ends fixed, so both sides of a border get the same
 * vertices -> rings that would fall below 4 positions keep their arcs
 * unsimplified.
 *
 * Output follows the TopoJSON specification (github.com/topojson/
 * topojson-specification, sections 2.1.2 transforms and 2.2 arcs): positions
 * are quantized to q steps per axis over the bounding box, x' = round((x -
 * x0) / kx) with kx = (x1 - x0) / (q - 1), and arcs are delta-encoded.
 * Rings are wound as d3-geo requires for polygons smaller than a hemisphere
 * (exterior clockwise with north up, holes anticlockwise), whatever the
 * source's winding. */
#define _GNU_SOURCE
#include "gdal/gdal_internal.h"

#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The code field: `want`, or the first of the level's usual names.  Län
 * and schematic RegSO are made from kommun boundaries, so they look for a
 * kommun code (KnKod in the shipped file). */
static int find_code_field(OGRFeatureDefnH defn, const om_geom_options *opt, const char *want)
{
    static const char *const regso[] = {"regsokod", "regso_kod", "regso", NULL};
    static const char *const deso[] = {"desokod", "deso_kod", "deso", NULL};
    static const char *const kommun[] = {"kommunkod", "kommun_kod", "knkod", "kommun", NULL};
    const char *const *names = opt->level == OM_LEVEL_DESO                       ? deso
                               : opt->level == OM_LEVEL_REGSO && !opt->schematic ? regso
                                                                                 : kommun;
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

static int field_index(OGRFeatureDefnH defn, const char *name)
{
    for (int i = 0; i < OGR_FD_GetFieldCount(defn); i++)
        if (strcasecmp(OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(defn, i)), name) == 0)
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

/* Topology: every ring's quantized points in one pool (q: grid
 * coordinates, p: source coordinates for simplification), rings as slices
 * of it, arcs as slices of `apt` (pool indices in the arc's canonical
 * direction), and each ring's arc references (`ref`, ~i for reversed). */
typedef struct topo {
    int32_t *q;   /* 2 per point */
    double *p;    /* 2 per point */
    int64_t np, cap;
    int64_t *rp0, *rn, *ra0, *rna; /* per ring: points, arc references */
    int64_t nr, rcap;
    int64_t *apt;                  /* arc points (pool indices) */
    int64_t napt, aptcap;
    unsigned char *keep;           /* per arc point: survives simplification */
    int64_t *a0, *an;              /* per arc: slice of apt */
    int64_t na, acap;
    int64_t *ref;
    int64_t nref, refcap;
    int64_t dropped;     /* rings dropped as degenerate */
    unsigned char *skip; /* per source ring (all areas, polygons, rings in
                            order): 1 when dropped as degenerate */
    int64_t nskip, skipcap;
} topo;

static bool grow(void *pp, int64_t *cap, int64_t need, size_t size)
{
    if (need <= *cap)
        return true;
    int64_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    void *n = realloc(*(void **)pp, (size_t)c * size);
    if (!n)
        return false;
    *(void **)pp = n;
    *cap = c;
    return true;
}

static uint64_t mix64(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

static uint64_t qhash(const int32_t *q)
{
    return mix64(((uint64_t)(uint32_t)q[0] << 32) | (uint32_t)q[1]);
}

static int qcmp(const int32_t *a, const int32_t *b)
{
    return a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] != b[1] ? (a[1] < b[1] ? -1 : 1) : 0;
}

static bool qeq(const int32_t *a, const int32_t *b)
{
    return a[0] == b[0] && a[1] == b[1];
}

/* Junction table entry: a quantized point, the neighbours of its first
 * occurrence and whether a later occurrence had other neighbours. */
typedef struct junc {
    int32_t x, y, prev[2], next[2];
    int32_t used, junction;
} junc;

static junc *junc_find(junc *t, uint64_t mask, const int32_t *q)
{
    for (uint64_t h = qhash(q) & mask;; h = (h + 1) & mask)
        if (!t[h].used || (t[h].x == q[0] && t[h].y == q[1]))
            return &t[h];
}

/* Douglas-Peucker (Douglas & Peucker 1973) on source coordinates with the
 * ends fixed: keep the point farthest from the chord if it is more than
 * tol away, recurse on both halves (explicit stack).  A closed arc's chord
 * is a point, so distances are to that point. */
static bool dp_simplify(topo *t, int64_t a, double tol, int64_t *stack)
{
    const int64_t *ix = t->apt + t->a0[a];
    unsigned char *keep = t->keep + t->a0[a];
    int64_t n = t->an[a], sp = 0;
    memset(keep, tol > 0 ? 0 : 1, (size_t)n);
    keep[0] = keep[n - 1] = 1;
    if (tol <= 0 || n < 3)
        return true;
    stack[sp++] = 0;
    stack[sp++] = n - 1;
    while (sp) {
        int64_t j = stack[--sp], i = stack[--sp];
        const double *A = t->p + 2 * ix[i], *B = t->p + 2 * ix[j];
        double dx = B[0] - A[0], dy = B[1] - A[1], l2 = dx * dx + dy * dy, best = -1;
        int64_t bi = -1;
        for (int64_t k = i + 1; k < j; k++) {
            const double *P = t->p + 2 * ix[k];
            double ex = P[0] - A[0], ey = P[1] - A[1], d;
            if (l2 > 0) {
                double u = (ex * dx + ey * dy) / l2;
                u = u < 0 ? 0 : u > 1 ? 1 : u;
                d = hypot(ex - u * dx, ey - u * dy);
            } else {
                d = hypot(ex, ey);
            }
            if (d > best) {
                best = d;
                bi = k;
            }
        }
        if (bi >= 0 && best > tol) {
            keep[bi] = 1;
            stack[sp++] = i;
            stack[sp++] = bi;
            stack[sp++] = bi;
            stack[sp++] = j;
        }
    }
    return true;
}

/* Cut rings into shared arcs as topojson does (Bostock, topojson-server
 * join.js and cut.js/dedup.js): a point is a junction when two of its
 * occurrences have different neighbours (allowing the reversed direction),
 * i.e. where the set of rings running along a border changes.  Each ring
 * is cut at its junctions; a ring without one becomes a closed arc starting
 * at its smallest point (so an identical ring elsewhere, e.g. an enclave and
 * the hole it fills, gives the same arc).  Arcs are deduplicated in a
 * canonical direction (the lexicographically smaller of the sequence and
 * its reverse), so a border shared by two areas is one arc, referenced
 * reversed (~i) by one of them. */
static bool topo_build(topo *t)
{
    uint64_t size = 64;
    while (size < 2 * (uint64_t)t->np + 2)
        size *= 2;
    junc *jt = calloc(size, sizeof *jt);
    int64_t *afirst = malloc(sizeof *afirst * (size_t)size);
    int64_t *tmp = malloc(sizeof *tmp * (size_t)(t->np + 2));
    bool ok = jt && afirst && tmp;
    for (int64_t r = 0; ok && r < t->nr; r++) {
        int64_t p0 = t->rp0[r], n = t->rn[r];
        for (int64_t k = 0; k < n; k++) {
            const int32_t *q = t->q + 2 * (p0 + k), *pv = t->q + 2 * (p0 + (k + n - 1) % n),
                          *nx = t->q + 2 * (p0 + (k + 1) % n);
            junc *e = junc_find(jt, size - 1, q);
            if (!e->used) {
                *e = (junc){q[0], q[1], {pv[0], pv[1]}, {nx[0], nx[1]}, 1, 0};
            } else if (!((qeq(e->prev, pv) && qeq(e->next, nx)) || (qeq(e->prev, nx) && qeq(e->next, pv)))) {
                e->junction = 1;
            }
        }
    }
    for (uint64_t i = 0; ok && i < size; i++)
        afirst[i] = -1;
    for (int64_t r = 0; ok && r < t->nr; r++) {
        int64_t p0 = t->rp0[r], n = t->rn[r], s = -1;
        t->ra0[r] = t->nref;
        t->rna[r] = 0;
        if (n == 0)
            continue;
        for (int64_t k = 0; k < n && s < 0; k++)
            if (junc_find(jt, size - 1, t->q + 2 * (p0 + k))->junction)
                s = k;
        bool closed = s < 0;
        if (closed) {
            s = 0;
            for (int64_t k = 1; k < n; k++)
                if (qcmp(t->q + 2 * (p0 + k), t->q + 2 * (p0 + s)) < 0)
                    s = k;
        }
        int64_t m = 0;
        for (int64_t k = 0; ok && k <= n; k++) {
            int64_t i = p0 + (s + k) % n;
            tmp[m++] = i;
            if (k == 0 || (k < n && (closed || !junc_find(jt, size - 1, t->q + 2 * i)->junction)))
                continue;
            /* canonical direction */
            bool rev = false;
            for (int64_t a = 0, b = m - 1; a < b; a++, b--) {
                int c = qcmp(t->q + 2 * tmp[a], t->q + 2 * tmp[b]);
                if (c) {
                    rev = c > 0;
                    break;
                }
            }
            if (rev)
                for (int64_t a = 0, b = m - 1; a < b; a++, b--) {
                    int64_t x = tmp[a];
                    tmp[a] = tmp[b];
                    tmp[b] = x;
                }
            uint64_t h = (uint64_t)m;
            for (int64_t a = 0; a < m; a++)
                h = mix64(h ^ qhash(t->q + 2 * tmp[a]));
            int64_t found = -1;
            for (h &= size - 1; afirst[h] >= 0; h = (h + 1) & (size - 1)) {
                int64_t c = afirst[h];
                if (t->an[c] != m)
                    continue;
                int64_t a = 0;
                while (a < m && qeq(t->q + 2 * t->apt[t->a0[c] + a], t->q + 2 * tmp[a]))
                    a++;
                if (a == m) {
                    found = c;
                    break;
                }
            }
            if (found < 0) {
                int64_t cap = t->acap;
                ok = grow(&t->a0, &cap, t->na + 1, sizeof *t->a0) &&
                     grow(&t->an, &t->acap, t->na + 1, sizeof *t->an) &&
                     grow(&t->apt, &t->aptcap, t->napt + m, sizeof *t->apt);
                if (!ok)
                    break;
                found = t->na++;
                t->a0[found] = t->napt;
                t->an[found] = m;
                memcpy(t->apt + t->napt, tmp, sizeof *tmp * (size_t)m);
                t->napt += m;
                afirst[h] = found;
            }
            if (!(ok = grow(&t->ref, &t->refcap, t->nref + 1, sizeof *t->ref)))
                break;
            t->ref[t->nref++] = rev ? ~found : found;
            t->rna[r]++;
            tmp[0] = i;
            m = 1;
        }
    }
    free(jt);
    free(afirst);
    free(tmp);
    return ok;
}

/* One arc, delta-encoded, with only the points simplification kept. */
static void write_arc(FILE *fp, const topo *t, int64_t a)
{
    int32_t px = 0, py = 0;
    int out = 0;
    fputc('[', fp);
    for (int64_t k = 0; k < t->an[a]; k++) {
        if (!t->keep[t->a0[a] + k])
            continue;
        const int32_t *q = t->q + 2 * t->apt[t->a0[a] + k];
        fprintf(fp, "%s[%ld,%ld]", out ? "," : "", (long)(out ? q[0] - px : q[0]), (long)(out ? q[1] - py : q[1]));
        px = q[0];
        py = q[1];
        out++;
    }
    fputc(']', fp);
}

static int64_t arc_kept(const topo *t, int64_t a)
{
    int64_t n = 0;
    for (int64_t k = 0; k < t->an[a]; k++)
        n += t->keep[t->a0[a] + k];
    return n;
}

static om_status gdal_fail(om_error *err, om_status st, const char *path, const char *what)
{
    const char *msg = CPLGetLastErrorMsg();
    return om_error_set(err, st, path, 0, 0, "expected %s, found %s", what,
                        msg && *msg ? msg : "something else");
}

/* A polygon (or the polygons inside a collection) appended to the
 * MultiPolygon `into`; lines and points that an intersection may return
 * are left out. */
static void add_polygons(OGRGeometryH into, OGRGeometryH g)
{
    OGRwkbGeometryType ty = wkbFlatten(OGR_G_GetGeometryType(g));
    if (ty == wkbPolygon && !OGR_G_IsEmpty(g))
        OGR_G_AddGeometry(into, g);
    else if (ty == wkbMultiPolygon || ty == wkbGeometryCollection)
        for (int i = 0; i < OGR_G_GetGeometryCount(g); i++)
            add_polygons(into, OGR_G_GetGeometryRef(g, i));
}

/* The JSON properties of a police area, from the fields of the police's
 * shapefile (NAMN, KATEGORI, ORT, REGION). */
static char *police_props(OGRFeatureH f)
{
    static const char *const fields[][2] = {{"NAMN", "name"}, {"KATEGORI", "category"}, {"ORT", "ort"},
                                            {"REGION", "region"}};
    char *buf = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&buf, &len);
    if (!fp)
        return NULL;
    fputc('{', fp);
    for (size_t k = 0; k < 4; k++) {
        int i = field_index(OGR_F_GetDefnRef(f), fields[k][0]);
        fprintf(fp, "%s\"%s\":", k ? "," : "", fields[k][1]);
        json_str(fp, i >= 0 ? OGR_F_GetFieldAsString(f, i) : "");
    }
    fputc('}', fp);
    if (fclose(fp) != 0) {
        free(buf);
        return NULL;
    }
    return buf;
}

/* Every feature of the layer that belongs to an output area, as a 2-D
 * MultiPolygon in metres (SWEREF 99 TM, transformed by ct) merged per area
 * in area[]: the registry index of its code at the output level (for län
 * the län of the kommun code; for schematic RegSO the kommun), or for
 * police areas the feature's own slot with its properties in props[]. */
static om_status read_features(OGRLayerH layer, int field, OGRCoordinateTransformationH ct, const om_geo *g,
                               const char *path, const om_geom_options *opt, OGRGeometryH *area, char **props,
                               int32_t na, om_geom_report *rep, om_error *err)
{
    om_status s = OM_OK;
    om_level lookup = opt->level == OM_LEVEL_LAN || opt->schematic ? OM_LEVEL_KOMMUN : opt->level;
    OGR_L_ResetReading(layer);
    OGRFeatureH f;
    while (s == OM_OK && (f = OGR_L_GetNextFeature(layer)) != NULL) {
        rep->features++;
        int32_t idx;
        const char *raw = "";
        size_t len = 0;
        if (opt->police) {
            idx = rep->features - 1 < na ? (int32_t)(rep->features - 1) : -1;
        } else {
            raw = OGR_F_GetFieldAsString(f, field);
            while (*raw == ' ')
                raw++;
            len = strlen(raw);
            while (len && raw[len - 1] == ' ')
                len--;
            idx = om_geo_find(g, lookup, raw, len);
            if (idx >= 0 && opt->level == OM_LEVEL_LAN)
                idx = om_geo_parent(g, OM_LEVEL_KOMMUN, idx, OM_LEVEL_LAN);
        }
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
            if (!m) {
                rep->empty++;
            } else if (OGR_G_Transform(m, ct) != OGRERR_NONE) {
                OGR_G_DestroyGeometry(m);
                s = gdal_fail(err, OM_ERR_INPUT, path, "geometry that can be reprojected to SWEREF 99 TM and WGS84");
            } else if (!area[idx]) {
                area[idx] = m;
                if (opt->police && !(props[idx] = police_props(f)))
                    s = om_error_nomem(err);
            } else {
                rep->merged++;
                for (int p = 0; p < OGR_G_GetGeometryCount(m); p++)
                    OGR_G_AddGeometry(area[idx], OGR_G_GetGeometryRef(m, p));
                OGR_G_DestroyGeometry(m);
            }
        }
        OGR_F_Destroy(f);
    }
    return s;
}

/* A MultiPolygon's polygons as one MultiPolygon after GEOS's union (a
 * län from its kommuner: shared borders dissolve).  Invalid input is made
 * valid first (GEOS MakeValid). */
static OGRGeometryH dissolve(OGRGeometryH m)
{
    OGRGeometryH v = OGR_G_IsValid(m) ? NULL : OGR_G_MakeValid(m), mp = NULL;
    if (v) { /* MakeValid may return a collection: keep its polygons */
        mp = OGR_G_CreateGeometry(wkbMultiPolygon);
        add_polygons(mp, v);
        OGR_G_DestroyGeometry(v);
    }
    OGRGeometryH u = OGR_G_UnionCascaded(mp ? mp : m);
    OGR_G_DestroyGeometry(mp);
    if (!u)
        return NULL;
    OGRGeometryH out = OGR_G_CreateGeometry(wkbMultiPolygon);
    add_polygons(out, u);
    OGR_G_DestroyGeometry(u);
    return out;
}

/* Schematic RegSO cells.  SCB's RegSO boundaries are not open, so each
 * kommun with n RegSO is split into n cells by a centroidal Voronoi
 * tessellation (Lloyd's algorithm = k-means over a regular grid of points
 * inside the kommun; Du, Faber & Gunzburger, SIAM Review 41(4) 1999),
 * computed in SWEREF 99 TM metres so cells are compact on the ground.
 * k-means++ seeding (Arthur & Vassilvitskii 2007) with mulberry32 seeded by
 * the kommun code makes the cells reproducible; after 20 Lloyd iterations
 * each centre snaps to its nearest unused grid point (so every seed lies
 * inside the kommun and every cell is non-empty), cells are the Voronoi
 * regions (half-plane intersection of the perpendicular bisectors) clipped
 * to the kommun with GEOS, and RegSO codes are given in reading order
 * (north to south, west to east). */
typedef struct ringset {
    double *xy;         /* points of every ring */
    int64_t *off, *len; /* per ring */
    int *poly;          /* per ring: polygon number */
    int nr;
} ringset;

static bool ring_contains(const double *xy, int64_t n, double x, double y)
{
    bool in = false;
    for (int64_t i = 0, j = n - 1; i < n; j = i++) {
        double xi = xy[2 * i], yi = xy[2 * i + 1], xj = xy[2 * j], yj = xy[2 * j + 1];
        if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
            in = !in;
    }
    return in;
}

/* Inside a polygon's exterior ring (its first) and none of its holes. */
static bool rings_contain(const ringset *rs, double x, double y)
{
    for (int r = 0; r < rs->nr;) {
        int p = rs->poly[r];
        bool in = ring_contains(rs->xy + 2 * rs->off[r], rs->len[r], x, y);
        for (r++; r < rs->nr && rs->poly[r] == p; r++)
            if (in && ring_contains(rs->xy + 2 * rs->off[r], rs->len[r], x, y))
                in = false;
        if (in)
            return true;
    }
    return false;
}

/* mulberry32 (Tommy Ettinger, 2017): uniform in [0, 1). */
static double mulberry32(uint32_t *a)
{
    *a += 0x6d2b79f5u;
    uint32_t t = *a;
    t = (t ^ (t >> 15)) * (t | 1u);
    t ^= t + (t ^ (t >> 7)) * (t | 61u);
    return (double)(t ^ (t >> 14)) / 4294967296.0;
}

static int seed_cmp(const void *pa, const void *pb)
{
    const double *a = pa, *b = pb;
    return a[1] != b[1] ? (a[1] > b[1] ? -1 : 1) : a[0] != b[0] ? (a[0] < b[0] ? -1 : 1) : 0;
}

/* Sutherland-Hodgman: the convex polygon c (n points) cut to the side of
 * the bisector of s and o nearer s; returns the new count (into out). */
static int clip_half(const double *c, int n, const double *s, const double *o, double *out)
{
    double mx = (s[0] + o[0]) / 2, my = (s[1] + o[1]) / 2, dx = o[0] - s[0], dy = o[1] - s[1];
    int m = 0;
    for (int i = 0; i < n; i++) {
        const double *p = c + 2 * i, *q = c + 2 * ((i + 1) % n);
        double dp = (p[0] - mx) * dx + (p[1] - my) * dy, dq = (q[0] - mx) * dx + (q[1] - my) * dy;
        if (dp <= 0) {
            out[2 * m] = p[0];
            out[2 * m++ + 1] = p[1];
        }
        if ((dp < 0 && dq > 0) || (dp > 0 && dq < 0)) {
            double t = dp / (dp - dq);
            out[2 * m] = p[0] + t * (q[0] - p[0]);
            out[2 * m++ + 1] = p[1] + t * (q[1] - p[1]);
        }
    }
    return m;
}

/* The n cells of kommun polygon `km` (metres) into cells[0..n-1]; seed is
 * the kommun code as a number. */
static om_status schematic_cells(OGRGeometryH km, int32_t n, uint32_t seed, OGRGeometryH *cells, const char *path,
                                 om_error *err)
{
    om_status s = OM_OK;
    ringset rs = {0};
    int64_t np = 0, cap = 0, rcap = 0;
    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    double *pts = NULL, *cent = NULL, *d2 = NULL, *sx = NULL, *seeds = NULL, *poly = NULL, *tmp = NULL;
    int32_t *cnt = NULL;
    unsigned char *used = NULL;
    OGRGeometryH valid = NULL;
    if (n <= 1) {
        cells[0] = OGR_G_Clone(km);
        return cells[0] ? OM_OK : om_error_nomem(err);
    }
    for (int p = 0; p < OGR_G_GetGeometryCount(km); p++) {
        OGRGeometryH pg = OGR_G_GetGeometryRef(km, p);
        for (int r = 0; r < OGR_G_GetGeometryCount(pg); r++) {
            OGRGeometryH ring = OGR_G_GetGeometryRef(pg, r);
            int m = OGR_G_GetPointCount(ring);
            int64_t oc = rcap; /* the three per-ring arrays grow alike */
            if (!grow(&rs.xy, &cap, np + m, 2 * sizeof *rs.xy) || !grow(&rs.off, &rcap, rs.nr + 1, sizeof *rs.off) ||
                !grow(&rs.len, &(int64_t){oc}, rs.nr + 1, sizeof *rs.len) ||
                !grow(&rs.poly, &(int64_t){oc}, rs.nr + 1, sizeof *rs.poly))
                goto nomem;
            rs.off[rs.nr] = np;
            rs.len[rs.nr] = m;
            rs.poly[rs.nr++] = p;
            for (int k = 0; k < m; k++, np++) {
                rs.xy[2 * np] = OGR_G_GetX(ring, k);
                rs.xy[2 * np + 1] = OGR_G_GetY(ring, k);
                if (r == 0) {
                    x0 = fmin(x0, rs.xy[2 * np]);
                    x1 = fmax(x1, rs.xy[2 * np]);
                    y0 = fmin(y0, rs.xy[2 * np + 1]);
                    y1 = fmax(y1, rs.xy[2 * np + 1]);
                }
            }
        }
    }
    /* A grid of about max(400, 40 n) points over the bounding box, its
     * step halved until min(target, 4 n) of them fall inside the kommun. */
    int64_t target = 40 * (int64_t)n > 400 ? 40 * (int64_t)n : 400, npts = 0, pcap = 0;
    double step = sqrt((x1 - x0) * (y1 - y0) / (double)target);
    for (int tries = 0; tries < 12; tries++) {
        npts = 0;
        for (double y = y0 + step / 2; y < y1; y += step)
            for (double x = x0 + step / 2; x < x1; x += step)
                if (rings_contain(&rs, x, y)) {
                    if (!grow(&pts, &pcap, npts + 1, 2 * sizeof *pts))
                        goto nomem;
                    pts[2 * npts] = x;
                    pts[2 * npts++ + 1] = y;
                }
        if (npts >= (target < 4 * n ? target : 4 * n))
            break;
        step /= 2;
    }
    if (npts < n) {
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected room for %d cells in kommun %u, found %lld grid points",
                         (int)n, seed, (long long)npts);
        goto done;
    }
    if (!(cent = malloc(sizeof *cent * 2 * (size_t)n)) || !(d2 = malloc(sizeof *d2 * (size_t)npts)) ||
        !(sx = malloc(sizeof *sx * 2 * (size_t)n)) || !(cnt = malloc(sizeof *cnt * (size_t)n)) ||
        !(used = calloc((size_t)npts, 1)) || !(seeds = malloc(sizeof *seeds * 2 * (size_t)n)) ||
        !(poly = malloc(sizeof *poly * 2 * (size_t)(n + 8))) || !(tmp = malloc(sizeof *tmp * 2 * (size_t)(n + 8))))
        goto nomem;
    uint32_t st = seed;
    int64_t first = (int64_t)(mulberry32(&st) * (double)npts);
    cent[0] = pts[2 * first];
    cent[1] = pts[2 * first + 1];
    for (int64_t i = 0; i < npts; i++)
        d2[i] = HUGE_VAL;
    for (int32_t c = 1; c < n; c++) {
        double sum = 0;
        for (int64_t i = 0; i < npts; i++) {
            double dx = pts[2 * i] - cent[2 * c - 2], dy = pts[2 * i + 1] - cent[2 * c - 1];
            d2[i] = fmin(d2[i], dx * dx + dy * dy);
            sum += d2[i];
        }
        double r = mulberry32(&st) * sum;
        int64_t i = 0;
        while (i < npts - 1 && (r -= d2[i]) > 0)
            i++;
        cent[2 * c] = pts[2 * i];
        cent[2 * c + 1] = pts[2 * i + 1];
    }
    for (int iter = 0; iter < 20; iter++) {
        memset(sx, 0, sizeof *sx * 2 * (size_t)n);
        memset(cnt, 0, sizeof *cnt * (size_t)n);
        for (int64_t i = 0; i < npts; i++) {
            int32_t best = 0;
            double bd = HUGE_VAL;
            for (int32_t k = 0; k < n; k++) {
                double dx = pts[2 * i] - cent[2 * k], dy = pts[2 * i + 1] - cent[2 * k + 1], d = dx * dx + dy * dy;
                if (d < bd) {
                    bd = d;
                    best = k;
                }
            }
            sx[2 * best] += pts[2 * i];
            sx[2 * best + 1] += pts[2 * i + 1];
            cnt[best]++;
        }
        for (int32_t k = 0; k < n; k++)
            if (cnt[k]) {
                cent[2 * k] = sx[2 * k] / cnt[k];
                cent[2 * k + 1] = sx[2 * k + 1] / cnt[k];
            }
    }
    for (int32_t k = 0; k < n; k++) {
        int64_t best = 0;
        double bd = HUGE_VAL;
        for (int64_t i = 0; i < npts; i++) {
            double dx = pts[2 * i] - cent[2 * k], dy = pts[2 * i + 1] - cent[2 * k + 1], d = dx * dx + dy * dy;
            if (!used[i] && d < bd) {
                bd = d;
                best = i;
            }
        }
        used[best] = 1;
        seeds[2 * k] = pts[2 * best];
        seeds[2 * k + 1] = pts[2 * best + 1];
    }
    qsort(seeds, (size_t)n, 2 * sizeof *seeds, seed_cmp);
    valid = OGR_G_IsValid(km) ? OGR_G_Clone(km) : OGR_G_MakeValid(km);
    if (!valid)
        goto nomem;
    const double pad = 1000; /* metres around the kommun */
    for (int32_t k = 0; k < n; k++) {
        int m = 4;
        double box[8] = {x0 - pad, y0 - pad, x1 + pad, y0 - pad, x1 + pad, y1 + pad, x0 - pad, y1 + pad};
        memcpy(poly, box, sizeof box);
        for (int32_t j = 0; j < n && m > 0; j++) {
            if (j == k)
                continue;
            m = clip_half(poly, m, seeds + 2 * k, seeds + 2 * j, tmp);
            memcpy(poly, tmp, sizeof *tmp * 2 * (size_t)m);
        }
        if (m < 3)
            continue;
        OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing), cell = OGR_G_CreateGeometry(wkbPolygon);
        for (int i = 0; i <= m; i++)
            OGR_G_AddPoint_2D(ring, poly[2 * (i % m)], poly[2 * (i % m) + 1]);
        OGR_G_AddGeometryDirectly(cell, ring);
        OGRGeometryH cut = OGR_G_Intersection(cell, valid);
        OGR_G_DestroyGeometry(cell);
        if (cut) {
            cells[k] = OGR_G_CreateGeometry(wkbMultiPolygon);
            add_polygons(cells[k], cut);
            OGR_G_DestroyGeometry(cut);
            if (OGR_G_GetGeometryCount(cells[k]) == 0) {
                OGR_G_DestroyGeometry(cells[k]);
                cells[k] = NULL;
            }
        }
    }
    goto done;
nomem:
    s = om_error_nomem(err);
done:
    OGR_G_DestroyGeometry(valid);
    free(rs.xy);
    free(rs.off);
    free(rs.len);
    free(rs.poly);
    free(pts);
    free(cent);
    free(d2);
    free(sx);
    free(cnt);
    free(used);
    free(seeds);
    free(poly);
    free(tmp);
    return s;
}

/* Quantize every ring to the grid q (wound as d3-geo needs), dropping
 * repeated points and the closing one. */
static om_status quantize_rings(topo *t, OGRGeometryH *area, OGRGeometryH *wgs, int32_t na, const qgrid *q,
                                om_error *err)
{
    for (int32_t i = 0; i < na; i++) {
        for (int p = 0; area[i] && p < OGR_G_GetGeometryCount(area[i]); p++) {
            OGRGeometryH poly = OGR_G_GetGeometryRef(area[i], p), wpoly = OGR_G_GetGeometryRef(wgs[i], p);
            bool exterior_dropped = false;
            for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
                OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r), wring = OGR_G_GetGeometryRef(wpoly, r);
                int n = OGR_G_GetPointCount(ring);
                if (!grow(&t->skip, &t->skipcap, t->nskip + 1, 1))
                    return om_error_nomem(err);
                t->skip[t->nskip] = 1;
                if (exterior_dropped) { /* the holes of a dropped polygon go with it */
                    t->nskip++;
                    continue;
                }
                int64_t rcap = t->rcap;
                if (!grow(&t->rp0, &rcap, t->nr + 1, sizeof *t->rp0) ||
                    !grow(&t->rn, &(int64_t){t->rcap}, t->nr + 1, sizeof *t->rn) ||
                    !grow(&t->ra0, &(int64_t){t->rcap}, t->nr + 1, sizeof *t->ra0) ||
                    !grow(&t->rna, &(int64_t){t->rcap}, t->nr + 1, sizeof *t->rna) ||
                    !grow(&t->q, &(int64_t){t->cap}, t->np + n, 2 * sizeof *t->q) ||
                    !grow(&t->p, &t->cap, t->np + n, 2 * sizeof *t->p)) {
                    return om_error_nomem(err);
                }
                t->rcap = rcap;
                double a = ring_area2(ring);
                bool reverse = r == 0 ? a > 0 : a < 0;
                int64_t p0 = t->np;
                for (int k = 0; k < n; k++) {
                    int j = reverse ? n - 1 - k : k;
                    int32_t x = (int32_t)llround((OGR_G_GetX(wring, j) - q->x0) / q->kx);
                    int32_t y = (int32_t)llround((OGR_G_GetY(wring, j) - q->y0) / q->ky);
                    if (t->np > p0 && x == t->q[2 * t->np - 2] && y == t->q[2 * t->np - 1])
                        continue;
                    t->q[2 * t->np] = x;
                    t->q[2 * t->np + 1] = y;
                    t->p[2 * t->np] = OGR_G_GetX(ring, j);
                    t->p[2 * t->np + 1] = OGR_G_GetY(ring, j);
                    t->np++;
                }
                while (t->np - p0 > 1 && qeq(t->q + 2 * p0, t->q + 2 * (t->np - 1)))
                    t->np--;
                /* A ring that quantization collapses to a line or a point (a
                 * tiny island), or a sliver it turns the other way, has no
                 * area of its own: d3-geo would read it as the whole sphere
                 * minus the ring.  Dropped, and counted. */
                double qa = 0;
                for (int64_t k = p0; k < t->np; k++) {
                    int64_t k1 = k + 1 < t->np ? k + 1 : p0;
                    qa += (double)t->q[2 * k] * t->q[2 * k1 + 1] - (double)t->q[2 * k1] * t->q[2 * k + 1];
                }
                if (t->np - p0 < 3 || (r == 0 ? qa >= 0 : qa <= 0)) {
                    t->np = p0;
                    t->nskip++;
                    t->dropped++;
                    exterior_dropped = r == 0;
                    continue;
                }
                t->skip[t->nskip++] = 0;
                t->rp0[t->nr] = p0;
                t->rn[t->nr++] = t->np - p0;
            }
        }
    }
    return OM_OK;
}

/* Twice the signed area (shoelace) of ring r on the quantized grid, over
 * the points kept by simplification (kept) or all of them. */
static double ring_grid_area2(const topo *t, int64_t r, bool kept)
{
    double a = 0, x0 = 0, y0 = 0, px = 0, py = 0;
    bool first = true;
    for (int64_t k = 0; k < t->rna[r]; k++) {
        int64_t ref = t->ref[t->ra0[r] + k], arc = ref < 0 ? ~ref : ref;
        for (int64_t j = 0; j < t->an[arc]; j++) {
            int64_t i = t->a0[arc] + (ref < 0 ? t->an[arc] - 1 - j : j);
            if (kept && !t->keep[i])
                continue;
            const int32_t *q = t->q + 2 * t->apt[i];
            if (first) {
                x0 = px = q[0];
                y0 = py = q[1];
                first = false;
                continue;
            }
            a += px * q[1] - q[0] * py;
            px = q[0];
            py = q[1];
        }
    }
    return a + px * y0 - x0 * py;
}

/* Arcs simplified (Douglas-Peucker at `tolerance`), keeping every ring at
 * 4 positions or more; counts in rep. */
static om_status simplify_arcs(topo *t, double tolerance, om_geom_report *rep, om_error *err)
{
    int64_t *stack = NULL;
    if (!topo_build(t) || !(t->keep = malloc((size_t)t->napt + 1)) ||
        !(stack = malloc(sizeof *stack * 2 * (size_t)(t->napt + 1)))) {
        free(stack);
        return om_error_nomem(err);
    }
    for (int64_t a = 0; a < t->na; a++)
        dp_simplify(t, a, tolerance, stack);
    free(stack);
    /* A ring needs 4 positions (3 distinct points and the closing one);
     * rings that would collapse keep all points of their arcs (which keeps
     * the neighbours sharing those arcs identical). */
    for (int64_t r = 0; r < t->nr; r++) {
        int64_t pos = 1;
        for (int64_t k = 0; k < t->rna[r]; k++) {
            int64_t a = t->ref[t->ra0[r] + k];
            pos += arc_kept(t, a < 0 ? ~a : a) - 1;
        }
        if (pos < 4 && pos < t->rn[r] + 1)
            for (int64_t k = 0; k < t->rna[r]; k++) {
                int64_t a = t->ref[t->ra0[r] + k];
                a = a < 0 ? ~a : a;
                memset(t->keep + t->a0[a], 1, (size_t)t->an[a]);
            }
    }
    /* A ring whose simplified outline turns the other way (a thin ring
     * Douglas-Peucker folds over) would be read by d3-geo as the whole
     * sphere minus the area: such rings keep all points of their arcs too. */
    for (int pass = 0; pass < 3; pass++) {
        bool changed = false;
        for (int64_t r = 0; r < t->nr; r++) {
            double full = ring_grid_area2(t, r, false), kept = ring_grid_area2(t, r, true);
            if (full != 0 && !(kept * full > 0)) {
                for (int64_t k = 0; k < t->rna[r]; k++) {
                    int64_t a = t->ref[t->ra0[r] + k];
                    a = a < 0 ? ~a : a;
                    memset(t->keep + t->a0[a], 1, (size_t)t->an[a]);
                }
                changed = true;
            }
        }
        if (!changed)
            break;
    }
    for (int64_t r = 0; r < t->nr; r++) {
        rep->vertices_out++;
        for (int64_t k = 0; k < t->rna[r]; k++) {
            int64_t a = t->ref[t->ra0[r] + k];
            rep->vertices_out += arc_kept(t, a < 0 ? ~a : a) - 1;
        }
    }
    rep->arcs = t->na;
    return OM_OK;
}

/* The TopoJSON document: the areas as (Multi)Polygons of arcs with their
 * properties (code, name and parents from the registry, or a police
 * area's fields), then the arcs. */
static void write_topology(FILE *out, const om_geo *g, const om_geom_options *opt, const topo *t,
                           OGRGeometryH *area, char **props, int32_t na, const qgrid *q, const double bbox[4])
{
    double x0 = bbox[0], y0 = bbox[1], x1 = bbox[2], y1 = bbox[3];
    const char *lname = opt->police ? "police" : om_level_name(opt->level);
    fprintf(out, "{\"type\":\"Topology\",\"bbox\":[%.17g,%.17g,%.17g,%.17g],", x0, y0, x1, y1);
    if (opt->schematic)
        fputs("\"schematic\":\"Schematic RegSO cells (centroidal Voronoi inside the real kommun); "
              "not SCB boundaries\",",
              out);
    fprintf(out, "\"transform\":{\"scale\":[%.17g,%.17g],\"translate\":[%.17g,%.17g]},", q->kx, q->ky, q->x0, q->y0);
    fprintf(out, "\"objects\":{\"%s\":{\"type\":\"GeometryCollection\",\"geometries\":[", lname);
    int64_t ring = 0, src = 0; /* kept ring, source ring */
    bool first = true;
    for (int32_t i = 0; i < na; i++) {
        if (!area[i])
            continue;
        int npoly = OGR_G_GetGeometryCount(area[i]), np = 0;
        for (int64_t p = 0, sr = src; p < npoly; p++) {
            np += !t->skip[sr];
            sr += OGR_G_GetGeometryCount(OGR_G_GetGeometryRef(area[i], (int)p));
        }
        if (np == 0) { /* every polygon degenerate: nothing to draw */
            for (int p = 0; p < npoly; p++)
                src += OGR_G_GetGeometryCount(OGR_G_GetGeometryRef(area[i], p));
            continue;
        }
        fprintf(out, "%s\n{\"type\":\"%s\",\"arcs\":[", first ? "" : ",", np == 1 ? "Polygon" : "MultiPolygon");
        first = false;
        int written = 0;
        for (int p = 0; p < npoly; p++) {
            OGRGeometryH poly = OGR_G_GetGeometryRef(area[i], p);
            if (t->skip[src]) {
                src += OGR_G_GetGeometryCount(poly);
                continue;
            }
            fputs(written++ ? "," : "", out);
            fputs(np == 1 ? "" : "[", out);
            int wr = 0;
            for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++, src++) {
                if (t->skip[src])
                    continue;
                fputs(wr++ ? ",[" : "[", out);
                for (int64_t k = 0; k < t->rna[ring]; k++)
                    fprintf(out, "%s%lld", k ? "," : "", (long long)t->ref[t->ra0[ring] + k]);
                fputc(']', out);
                ring++;
            }
            fputs(np == 1 ? "" : "]", out);
        }
        fputs("],\"properties\":", out);
        if (opt->police) {
            fputs(props[i], out);
            fputc('}', out);
            continue;
        }
        fputs("{\"code\":", out);
        json_str(out, om_geo_code(g, opt->level, i));
        fputs(",\"name\":", out);
        json_str(out, om_geo_name(g, opt->level, i));
        if (opt->level == OM_LEVEL_DESO) {
            fputs(",\"regso\":", out);
            json_str(out, om_geo_code(g, OM_LEVEL_REGSO, om_geo_parent(g, opt->level, i, OM_LEVEL_REGSO)));
        }
        if (opt->level == OM_LEVEL_DESO || opt->level == OM_LEVEL_REGSO) {
            fputs(",\"kommun\":", out);
            json_str(out, om_geo_code(g, OM_LEVEL_KOMMUN, om_geo_parent(g, opt->level, i, OM_LEVEL_KOMMUN)));
            fputs(opt->schematic ? ",\"schematic\":true" : ",\"schematic\":false", out);
        }
        fputs("}}", out);
    }
    fputs("]}},\"arcs\":[", out);
    for (int64_t a = 0; a < t->na; a++) {
        fputs(a ? ",\n" : "\n", out);
        write_arc(out, t, a);
    }
    fputs("]}\n", out);
}

/* om_geom_topojson (src/geom/geom.c) once its arguments are checked. */
om_status om_gdal__geom_topojson(const om_geo *g, const char *path, const om_geom_options *opt, FILE *out,
                                 om_geom_report *rep, om_error *err)
{
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    CPLErrorReset();
    om_status s = OM_OK;
    int32_t na = 0, nread = 0;
    OGRGeometryH *area = NULL; /* metres, SWEREF 99 TM */
    OGRGeometryH *wgs = NULL;  /* the same in WGS84 */
    OGRGeometryH *rd = NULL;   /* as read (kommuner for schematic cells) */
    char **props = NULL;       /* police areas' properties */
    topo t = {0};
    OGRSpatialReferenceH src = NULL, dst = NULL, met = NULL;
    OGRCoordinateTransformationH ct = NULL, ctw = NULL;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
    OGRLayerH layer = NULL;
    int field = -1;
    if (!ds) {
        s = gdal_fail(err, OM_ERR_INPUT, path, "a vector dataset GDAL can read (e.g. a GeoPackage)");
        goto done;
    }
    for (int i = 0; i < GDALDatasetGetLayerCount(ds) && !layer; i++) {
        OGRLayerH l = GDALDatasetGetLayer(ds, i);
        if (opt->layer && strcmp(OGR_L_GetName(l), opt->layer) != 0)
            continue;
        field = opt->police ? 0 : find_code_field(OGR_L_GetLayerDefn(l), opt, opt->code_field);
        if (field >= 0 || opt->layer)
            layer = l;
    }
    if (!layer || field < 0) {
        bool km = opt->level == OM_LEVEL_KOMMUN || opt->level == OM_LEVEL_LAN || opt->schematic;
        s = om_error_set(err, OM_ERR_INPUT, path, 0, 0, "expected %s%s%s with a %s code field (%s), found %s",
                         opt->layer ? "layer '" : "a layer", opt->layer ? opt->layer : "",
                         opt->layer ? "'" : "", km ? "kommun" : om_level_name(opt->level),
                         opt->code_field                 ? opt->code_field
                         : km                            ? "kommunkod, kommun_kod, knkod or kommun"
                         : opt->level == OM_LEVEL_DESO ? "desokod, deso_kod or deso"
                                                         : "regsokod, regso_kod or regso",
                         opt->layer && !layer ? "no such layer" : "none");
        goto done;
    }
    snprintf(rep->layer, sizeof rep->layer, "%s", OGR_L_GetName(layer));
    snprintf(rep->code_field, sizeof rep->code_field, "%s",
             opt->police ? "-" : OGR_Fld_GetNameRef(OGR_FD_GetFieldDefn(OGR_L_GetLayerDefn(layer), field)));
    if (opt->police) {
        GIntBig nf = OGR_L_GetFeatureCount(layer, 1);
        na = nread = nf > 0 && nf < INT32_MAX ? (int32_t)nf : 0;
    } else {
        na = om_geo_count(g, opt->level);
        nread = opt->schematic ? om_geo_count(g, OM_LEVEL_KOMMUN) : na;
    }
    if (!(area = calloc((size_t)na + 1, sizeof *area)) || !(wgs = calloc((size_t)na + 1, sizeof *wgs)) ||
        !(rd = calloc((size_t)nread + 1, sizeof *rd)) || !(props = calloc((size_t)na + 1, sizeof *props))) {
        s = om_error_nomem(err);
        goto done;
    }

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
    /* Simplification, dissolving and the cells work in metres (SWEREF 99
     * TM, EPSG:3006) whatever the source (the shipped kommun file is WGS84);
     * the output is WGS84. */
    met = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(met, 3006);
    dst = OSRNewSpatialReference(NULL);
    OSRImportFromEPSG(dst, 4326);
    OSRSetAxisMappingStrategy(src, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(met, OAMS_TRADITIONAL_GIS_ORDER);
    OSRSetAxisMappingStrategy(dst, OAMS_TRADITIONAL_GIS_ORDER);
    ct = OCTNewCoordinateTransformation(src, met);
    ctw = OCTNewCoordinateTransformation(met, dst);
    if (!ct || !ctw) {
        s = gdal_fail(err, OM_ERR_INPUT, path, "a coordinate system that PROJ can transform to WGS84");
        goto done;
    }

    s = read_features(layer, field, ct, g, path, opt, rd, props, nread, rep, err);
    if (s != OM_OK)
        goto done;
    if (opt->schematic) {
        for (int32_t k = 0; k < nread && s == OM_OK; k++) {
            int32_t c0, nc;
            om_geo_children(g, OM_LEVEL_KOMMUN, k, OM_LEVEL_REGSO, &c0, &nc);
            if (rd[k] && nc > 0) {
                s = schematic_cells(rd[k], nc, (uint32_t)strtoul(om_geo_code(g, OM_LEVEL_KOMMUN, k), NULL, 10),
                                    area + c0, path, err);
            }
        }
    } else {
        for (int32_t i = 0; i < na && s == OM_OK; i++) {
            area[i] = rd[i];
            rd[i] = NULL;
            if (area[i] && opt->level == OM_LEVEL_LAN) {
                OGRGeometryH d = dissolve(area[i]);
                OGR_G_DestroyGeometry(area[i]);
                if (!(area[i] = d))
                    s = gdal_fail(err, OM_ERR_INPUT, path, "kommun polygons GEOS can dissolve into a län");
            }
        }
    }
    if (s != OM_OK)
        goto done;

    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    for (int32_t i = 0; i < na; i++) {
        if (!area[i]) {
            rep->missing += !opt->police;
            continue;
        }
        rep->areas++;
        if (!(wgs[i] = OGR_G_Clone(area[i])) || OGR_G_Transform(wgs[i], ctw) != OGRERR_NONE) {
            s = gdal_fail(err, OM_ERR_INPUT, path, "geometry that can be reprojected to WGS84");
            goto done;
        }
        OGREnvelope e;
        OGR_G_GetEnvelope(wgs[i], &e);
        x0 = fmin(x0, e.MinX);
        y0 = fmin(y0, e.MinY);
        x1 = fmax(x1, e.MaxX);
        y1 = fmax(y1, e.MaxY);
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
    if ((s = quantize_rings(&t, area, wgs, na, &q, err)) != OM_OK ||
        (s = simplify_arcs(&t, opt->tolerance, rep, err)) != OM_OK)
        goto done;
    rep->rings_dropped = t.dropped;
    write_topology(out, g, opt, &t, area, props, na, &q, (const double[4]){x0, y0, x1, y1});
    if (ferror(out))
        s = om_afile_stream_error(out, err);

done:
    for (int32_t i = 0; area && i < na; i++) {
        OGR_G_DestroyGeometry(area[i]);
        OGR_G_DestroyGeometry(wgs[i]);
        free(props[i]);
    }
    for (int32_t i = 0; rd && i < nread; i++)
        OGR_G_DestroyGeometry(rd[i]);
    free(area);
    free(wgs);
    free(rd);
    free(props);
    free(t.q);
    free(t.p);
    free(t.rp0);
    free(t.rn);
    free(t.ra0);
    free(t.rna);
    free(t.apt);
    free(t.keep);
    free(t.a0);
    free(t.an);
    free(t.ref);
    free(t.skip);
    if (ct)
        OCTDestroyCoordinateTransformation(ct);
    if (ctw)
        OCTDestroyCoordinateTransformation(ctw);
    if (src)
        OSRDestroySpatialReference(src);
    if (met)
        OSRDestroySpatialReference(met);
    if (dst)
        OSRDestroySpatialReference(dst);
    if (ds)
        GDALClose(ds);
    CPLPopErrorHandler();
    return s;
}

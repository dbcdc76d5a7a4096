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
#include "omrade/geom.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#ifdef OMRADE_HAVE_GDAL
#include <cpl_error.h>
#include <gdal.h>
#include <math.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#endif

void om_geom_options_default(om_geom_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->level = OM_LEVEL_REGSO;
    opt->tolerance = 25.0;
    opt->quantization = 100000;
}

#ifndef OMRADE_HAVE_GDAL
/* Configured with -DOMRADE_WITH_GDAL=OFF: no reader for the boundaries. */
om_status om_geom_topojson(const om_geo *g, const char *path, const om_geom_options *opt,
                           FILE *out, om_geom_report *rep, om_error *err)
{
    (void)g, (void)opt, (void)out;
    if (rep)
        memset(rep, 0, sizeof *rep);
    return om_error_set(err, OM_ERR_INTERNAL, path, 0, 0,
                        "this omrade was built without GDAL (configured with -DOMRADE_WITH_GDAL=OFF); "
                        "rebuild with GDAL (Debian: libgdal-dev) to read boundaries");
}
#else

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

/* Every feature of the layer with a code of the registry: its polygons
 * (merged per area) in area[] and, reprojected, in wgs[]; counts in rep. */
static om_status read_features(OGRLayerH layer, int field, OGRCoordinateTransformationH ct, const om_geo *g,
                               const char *path, const om_geom_options *opt, OGRGeometryH *area, OGRGeometryH *wgs,
                               om_geom_report *rep, om_error *err)
{
    om_status s = OM_OK;
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
            OGRGeometryH w = m ? OGR_G_Clone(m) : NULL;
            if (!m) {
                rep->empty++;
            } else if (!w || OGR_G_Transform(w, ct) != OGRERR_NONE) {
                OGR_G_DestroyGeometry(m);
                OGR_G_DestroyGeometry(w);
                s = gdal_fail(err, OM_ERR_INPUT, path, "geometry that can be reprojected to WGS84");
            } else if (!area[idx]) {
                wgs[idx] = w;
                area[idx] = m;
                rep->areas++;
            } else {
                rep->merged++;
                for (int p = 0; p < OGR_G_GetGeometryCount(m); p++) {
                    OGR_G_AddGeometry(area[idx], OGR_G_GetGeometryRef(m, p));
                    OGR_G_AddGeometry(wgs[idx], OGR_G_GetGeometryRef(w, p));
                }
                OGR_G_DestroyGeometry(m);
                OGR_G_DestroyGeometry(w);
            }
        }
        OGR_F_Destroy(f);
    }
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
            for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++) {
                OGRGeometryH ring = OGR_G_GetGeometryRef(poly, r), wring = OGR_G_GetGeometryRef(wpoly, r);
                int n = OGR_G_GetPointCount(ring);
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
                t->rp0[t->nr] = p0;
                t->rn[t->nr++] = t->np - p0;
            }
        }
    }
    return OM_OK;
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

/* The TopoJSON document: the areas as (Multi)Polygons of arcs with code,
 * name, RegSO and kommun, then the arcs. */
static void write_topology(FILE *out, const om_geo *g, const om_geom_options *opt, const topo *t,
                           OGRGeometryH *area, int32_t na, const qgrid *q, const double bbox[4])
{
    double x0 = bbox[0], y0 = bbox[1], x1 = bbox[2], y1 = bbox[3];
    const char *lname = om_level_name(opt->level);
    fprintf(out, "{\"type\":\"Topology\",\"bbox\":[%.17g,%.17g,%.17g,%.17g],", x0, y0, x1, y1);
    fprintf(out, "\"transform\":{\"scale\":[%.17g,%.17g],\"translate\":[%.17g,%.17g]},", q->kx, q->ky, q->x0, q->y0);
    fprintf(out, "\"objects\":{\"%s\":{\"type\":\"GeometryCollection\",\"geometries\":[", lname);
    int64_t ring = 0;
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
            for (int r = 0; r < OGR_G_GetGeometryCount(poly); r++, ring++) {
                fputs(r ? ",[" : "[", out);
                for (int64_t k = 0; k < t->rna[ring]; k++)
                    fprintf(out, "%s%lld", k ? "," : "", (long long)t->ref[t->ra0[ring] + k]);
                fputc(']', out);
            }
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
    for (int64_t a = 0; a < t->na; a++) {
        fputs(a ? ",\n" : "\n", out);
        write_arc(out, t, a);
    }
    fputs("]}\n", out);
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
    OGRGeometryH *area = calloc((size_t)na, sizeof *area); /* source coordinates */
    OGRGeometryH *wgs = calloc((size_t)na, sizeof *wgs);   /* the same in WGS84 */
    topo t = {0};
    OGRSpatialReferenceH src = NULL, dst = NULL;
    OGRCoordinateTransformationH ct = NULL;
    GDALDatasetH ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY | GDAL_OF_VERBOSE_ERROR, NULL, NULL, NULL);
    OGRLayerH layer = NULL;
    int field = -1;
    if (!area || !wgs) {
        s = om_error_nomem(err);
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

    s = read_features(layer, field, ct, g, path, opt, area, wgs, rep, err);
    if (s != OM_OK)
        goto done;

    double x0 = HUGE_VAL, y0 = HUGE_VAL, x1 = -HUGE_VAL, y1 = -HUGE_VAL;
    for (int32_t i = 0; i < na; i++) {
        if (!area[i]) {
            rep->missing++;
            continue;
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
    write_topology(out, g, opt, &t, area, na, &q, (const double[4]){x0, y0, x1, y1});
    if (ferror(out))
        s = om_afile_stream_error(out, err);

done:
    for (int32_t i = 0; area && i < na; i++) {
        OGR_G_DestroyGeometry(area[i]);
        OGR_G_DestroyGeometry(wgs[i]);
    }
    free(area);
    free(wgs);
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
#endif /* OMRADE_HAVE_GDAL */

/* omrade build — the first paint of the barometer (issue 14, item 1: the
 * national RegSO map on screen in < 0.6 s, and < 3 s on a slow mobile
 * profile).
 *
 * The front end's default view is the national RegSO map of the area types
 * of the latest year.  Drawn by the app it needs app.js, the metadata, the
 * area types and the RegSO and kommun layers (about 380 kB gzip) before
 * anything is painted.  This file draws the same map once, at build time,
 * as a small inline SVG that `omrade serve` puts into index.html
 * (docs/barometer.md, "First paint"): the browser paints it from the HTML
 * alone, before any script has run, and the app replaces it by the
 * interactive map when that is ready.
 *
 * Table: first_paint(view, year, classes, svg): view 'karta/area_type/regso',
 * the type year drawn, the colour classes drawn ("0 1 2 3 4 na": area type
 * minus 1, na = no type) and the <svg> element.  The SVG holds geometry
 * only: no text (it is labelled by the page's heading, aria-labelledby
 * "fp-h1") and no pattern definitions (fill url(#fpC) refers to the
 * patterns of the page, made from web/src/scales.js), so every word stays
 * in the front end's translations.
 *
 * The algorithm (no GEOS needed: the layer is a topology):
 *  1. Projection: exactly the app's (web/src/map.js): d3-geo's
 *     geoTransverseMercator().rotate([-15, 0]) (SWEREF 99 TM's central
 *     meridian, spherical) fitted with fitSize([600, 1000]) to all RegSO:
 *     bounds at scale 150, then scale and translate as d3's fitExtent.
 *  2. Union per class by topology: in TopoJSON neighbouring RegSO share
 *     their border arc, used forwards by one ring and backwards by the
 *     other (rings are wound one way, as d3-geo wants them), so the
 *     boundary of the union of a class's RegSO is the set of arcs whose
 *     uses by that class's rings do not cancel, each in the direction of
 *     its net use (an arc between two RegSO of the class cancels and is
 *     interior).  At every junction as many of those arcs arrive as leave,
 *     so they split into closed walks (follow any unused arc leaving the
 *     junction until back at the start); drawn with the nonzero fill rule,
 *     as the app draws each RegSO, any such split fills the union, and
 *     where two RegSO of the class do not share their border (two arcs
 *     that nearly coincide) the sliver between them is filled as the app
 *     fills it (an even-odd union would leave it empty).
 *  3. Simplification for this paint only: each arc once, Douglas-Peucker
 *     (1973) with a tolerance of FP_TOL map units, then rounded to whole
 *     units (the view is 600 x 1000 units; on a 1280 x 900 screen a unit is
 *     0.74 px).  Arcs are simplified once and shared by the classes on both
 *     sides, so neighbouring classes meet without gaps or overlaps.  Closed
 *     arcs (islands, enclaves) smaller than FP_MIN_EXTENT units are left
 *     out of every class at once.  The only disagreement with the app's
 *     map is therefore within about one unit of a class border.
 *  4. The kommun borders (the app's mesh of kommun arcs shared by two
 *     kommuner), simplified the same way, as one stroked path.
 * Coordinates are written as integers, relative after the first point of
 * each ring (SVG "l"), which with gzip gives about 20–25 kB. */
#define _POSIX_C_SOURCE 200809L
#include "barometer_internal.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FP_W 600
#define FP_H 1000
#define FP_TOL 0.5       /* Douglas-Peucker tolerance, map units */
#define FP_MIN_EXTENT 1.0 /* closed arcs smaller than this (units) are not drawn */
#define FP_NCLASS 6      /* area types 1..5 as classes 0..4, then "na" */

static const char *const FP_SCHEMA =
    "CREATE TABLE first_paint(view TEXT PRIMARY KEY, year INTEGER NOT NULL, classes TEXT NOT NULL,"
    " svg TEXT NOT NULL);";

/* ---------------------------------------------------------- text output */

typedef struct sbuf {
    char *p;
    size_t n, cap;
} sbuf;

static om_status sb_printf(sbuf *b, om_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static om_status sb_printf(sbuf *b, om_error *err, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = b->cap - b->n;
        int k = vsnprintf(b->p ? b->p + b->n : NULL, room, fmt, ap);
        va_end(ap);
        if (k < 0)
            return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "first paint: cannot format");
        if ((size_t)k < room) {
            b->n += (size_t)k;
            return OM_OK;
        }
        om_status s = om_grow(&b->p, &b->cap, b->n + (size_t)k + 1, 1, 4096, err);
        if (s != OM_OK)
            return s;
    }
}

/* ------------------------------------------------------------- topology */

/* One TopoJSON layer decoded: arcs as projected points (map units), the
 * rings of every geometry as arc references (~a = arc a reversed). */
typedef struct topo {
    int32_t narcs;
    int64_t *a0;    /* arc a's points are pt[a0[a] .. a0[a+1]) */
    double *pt;     /* x, y pairs: first lon/lat, projected in place */
    double *q0;     /* start and end of each arc as in the file: the junction key */
    int32_t ngeom;
    int64_t *g0;    /* geometry g's references are ref[g0[g] .. g0[g+1]); rings split by INT32_MIN */
    int32_t *ref;
    char **code;    /* properties.code of each geometry (owned) */
} topo;

static void topo_free(topo *t)
{
    for (int32_t g = 0; t->code && g < t->ngeom; g++)
        free(t->code[g]);
    void *owned[] = {t->a0, t->pt, t->q0, t->g0, t->ref, t->code};
    for (size_t i = 0; i < sizeof owned / sizeof owned[0]; i++)
        free(owned[i]);
    memset(t, 0, sizeof *t);
}

static om_status bad(om_error *err, const char *layer, const char *what)
{
    return om_error_set(err, OM_ERR_INPUT, NULL, 0, 0, "geometry layer '%s': expected %s", layer, what);
}

/* Append the ring references of a Polygon's "arcs" ([[a, b, ...], ...]). */
static om_status add_rings(topo *t, size_t *cap, int64_t *n, const cJSON *rings, const char *layer,
                           om_error *err)
{
    const cJSON *ring;
    cJSON_ArrayForEach(ring, rings)
    {
        if (!cJSON_IsArray(ring))
            return bad(err, layer, "rings as arrays of arc indices");
        om_status s = om_grow(&t->ref, cap, (size_t)*n + (size_t)cJSON_GetArraySize(ring) + 1, sizeof *t->ref,
                              4096, err);
        if (s != OM_OK)
            return s;
        const cJSON *a;
        cJSON_ArrayForEach(a, ring)
        {
            int idx = cJSON_IsNumber(a) ? a->valueint : INT32_MIN;
            if (idx == INT32_MIN || (idx < 0 ? ~idx : idx) >= t->narcs)
                return bad(err, layer, "arc indices within the arcs");
            t->ref[(*n)++] = idx;
        }
        t->ref[(*n)++] = INT32_MIN;
    }
    return OM_OK;
}

/* Decode a quantized, delta-encoded TopoJSON topology (RFC-like spec:
 * github.com/topojson/topojson-specification) as `omrade geom` writes it:
 * one object of Polygon/MultiPolygon geometries with properties.code. */
static om_status topo_read(topo *t, const char *json, size_t len, const char *layer, om_error *err)
{
    memset(t, 0, sizeof *t);
    cJSON *j = cJSON_ParseWithLength(json, len);
    om_status s = OM_OK;
    const cJSON *tr = cJSON_GetObjectItemCaseSensitive(j, "transform");
    const cJSON *sc = cJSON_GetObjectItemCaseSensitive(tr, "scale");
    const cJSON *tl = cJSON_GetObjectItemCaseSensitive(tr, "translate");
    const cJSON *arcs = cJSON_GetObjectItemCaseSensitive(j, "arcs");
    const cJSON *objs = cJSON_GetObjectItemCaseSensitive(j, "objects");
    const cJSON *obj = objs ? objs->child : NULL;
    const cJSON *geoms = cJSON_GetObjectItemCaseSensitive(obj, "geometries");
    if (!j || (tr && (cJSON_GetArraySize(sc) != 2 || cJSON_GetArraySize(tl) != 2)) || !cJSON_IsArray(arcs) ||
        !cJSON_IsArray(geoms)) {
        s = bad(err, layer, "a TopoJSON topology with arcs and one object of geometries");
        goto done;
    }
    /* quantized: positions are deltas of integers, scaled; else absolute */
    bool quant = tr != NULL;
    double kx = quant ? cJSON_GetArrayItem(sc, 0)->valuedouble : 1, ky = quant ? cJSON_GetArrayItem(sc, 1)->valuedouble : 1;
    double x0 = quant ? cJSON_GetArrayItem(tl, 0)->valuedouble : 0, y0 = quant ? cJSON_GetArrayItem(tl, 1)->valuedouble : 0;
    t->narcs = cJSON_GetArraySize(arcs);
    int64_t npt = 0;
    const cJSON *arc, *p;
    cJSON_ArrayForEach(arc, arcs) npt += cJSON_GetArraySize(arc);
    t->a0 = malloc(((size_t)t->narcs + 1) * sizeof *t->a0);
    t->pt = malloc(((size_t)npt + 1) * 2 * sizeof *t->pt);
    t->q0 = malloc(((size_t)t->narcs + 1) * 4 * sizeof *t->q0);
    if (!t->a0 || !t->pt || !t->q0) {
        s = om_error_nomem(err);
        goto done;
    }
    int64_t k = 0;
    int32_t a = 0;
    cJSON_ArrayForEach(arc, arcs)
    {
        t->a0[a] = k;
        double qx = 0, qy = 0;
        if (cJSON_GetArraySize(arc) < 2) {
            s = bad(err, layer, "arcs of at least two points");
            goto done;
        }
        cJSON_ArrayForEach(p, arc)
        {
            if (cJSON_GetArraySize(p) < 2) {
                s = bad(err, layer, "points as [x, y]");
                goto done;
            }
            double px = cJSON_GetArrayItem(p, 0)->valuedouble, py = cJSON_GetArrayItem(p, 1)->valuedouble;
            qx = quant ? qx + px : px;
            qy = quant ? qy + py : py;
            if (k == t->a0[a]) {
                t->q0[4 * a] = qx;
                t->q0[4 * a + 1] = qy;
            }
            t->q0[4 * a + 2] = qx;
            t->q0[4 * a + 3] = qy;
            t->pt[2 * k] = x0 + kx * qx;
            t->pt[2 * k + 1] = y0 + ky * qy;
            k++;
        }
        a++;
    }
    t->a0[t->narcs] = k;
    t->ngeom = cJSON_GetArraySize(geoms);
    t->g0 = malloc(((size_t)t->ngeom + 1) * sizeof *t->g0);
    t->code = calloc((size_t)t->ngeom + 1, sizeof *t->code);
    if (!t->g0 || !t->code) {
        s = om_error_nomem(err);
        goto done;
    }
    size_t cap = 0;
    int64_t n = 0;
    int32_t g = 0;
    const cJSON *geom;
    cJSON_ArrayForEach(geom, geoms)
    {
        t->g0[g] = n;
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(geom, "type");
        const cJSON *ga = cJSON_GetObjectItemCaseSensitive(geom, "arcs");
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(geom, "properties"), "code");
        bool multi = cJSON_IsString(type) && strcmp(type->valuestring, "MultiPolygon") == 0;
        if (!cJSON_IsString(type) || (!multi && strcmp(type->valuestring, "Polygon") != 0) || !cJSON_IsArray(ga) ||
            !cJSON_IsString(code)) {
            s = bad(err, layer, "Polygon or MultiPolygon geometries with properties.code");
            goto done;
        }
        if (!(t->code[g] = strdup(code->valuestring))) {
            s = om_error_nomem(err);
            goto done;
        }
        const cJSON *poly = ga;
        if (multi)
            poly = ga->child;
        for (; s == OM_OK && poly; poly = multi ? poly->next : NULL)
            s = add_rings(t, &cap, &n, poly, layer, err);
        if (s != OM_OK)
            goto done;
        g++;
    }
    t->g0[t->ngeom] = n;
done:
    cJSON_Delete(j);
    if (s != OM_OK)
        topo_free(t);
    return s;
}

/* ----------------------------------------------------------- projection */

/* d3-geo's geoTransverseMercator().rotate([-15, 0]) before scale and
 * translate (d3-geo src/projection/transverseMercator.js and
 * src/rotation.js: a rotation by -15° of longitude, then a roll of 90°). */
static void tm_raw(double lon, double lat, double *x, double *y)
{
    const double pi = 3.14159265358979323846, d = pi / 180;
    double l = lon * d - 15 * d, p = lat * d;
    double cx = cos(l) * cos(p), cy = sin(l) * cos(p), cz = sin(p);
    *x = log(tan(pi / 4 + asin(cy) / 2));
    *y = atan2(cz, cx);
}

/* Project every point of `t` (and of `also`) to the map units of the app:
 * d3's fitSize([FP_W, FP_H], RegSO): bounds at scale 150 and translate 0,
 * k = min(W / dx, H / dy), translate centring the bounds (d3-geo
 * src/projection/fit.js).  Screen y grows downwards: y = ty - s * raw y. */
static void project(topo *t, topo *also)
{
    topo *ts[2] = {t, also};
    for (int i = 0; i < 2; i++)
        for (int64_t k = 0; ts[i] && k < ts[i]->a0[ts[i]->narcs]; k++)
            tm_raw(ts[i]->pt[2 * k], ts[i]->pt[2 * k + 1], &ts[i]->pt[2 * k], &ts[i]->pt[2 * k + 1]);
    double bx0 = INFINITY, by0 = INFINITY, bx1 = -INFINITY, by1 = -INFINITY;
    for (int64_t r = 0; r < t->g0[t->ngeom]; r++) {
        if (t->ref[r] == INT32_MIN)
            continue;
        int32_t a = t->ref[r] < 0 ? ~t->ref[r] : t->ref[r];
        for (int64_t k = t->a0[a]; k < t->a0[a + 1]; k++) {
            double x = 150 * t->pt[2 * k], y = -150 * t->pt[2 * k + 1];
            bx0 = fmin(bx0, x), bx1 = fmax(bx1, x), by0 = fmin(by0, y), by1 = fmax(by1, y);
        }
    }
    double k = fmin(FP_W / (bx1 - bx0), FP_H / (by1 - by0));
    double tx = (FP_W - k * (bx1 + bx0)) / 2, ty = (FP_H - k * (by1 + by0)) / 2, sc = 150 * k;
    for (int i = 0; i < 2; i++)
        for (int64_t q = 0; ts[i] && q < ts[i]->a0[ts[i]->narcs]; q++) {
            ts[i]->pt[2 * q] = tx + sc * ts[i]->pt[2 * q];
            ts[i]->pt[2 * q + 1] = ty - sc * ts[i]->pt[2 * q + 1];
        }
}

/* ------------------------------------------------------- simplification */

/* Douglas-Peucker on pts[i..j] (inclusive), marking kept points.  Distance
 * to the segment (to its end point where the segment has no length: a
 * closed arc's first pass keeps its farthest point). */
static void dp(const double *pt, int64_t i, int64_t j, double tol2, bool *keep)
{
    while (j > i + 1) {
        double ax = pt[2 * i], ay = pt[2 * i + 1], dx = pt[2 * j] - ax, dy = pt[2 * j + 1] - ay;
        double len2 = dx * dx + dy * dy, best = -1;
        int64_t at = i;
        for (int64_t k = i + 1; k < j; k++) {
            double px = pt[2 * k] - ax, py = pt[2 * k + 1] - ay, d2;
            if (len2 > 0) {
                double u = fmax(0, fmin(1, (px * dx + py * dy) / len2));
                d2 = (px - u * dx) * (px - u * dx) + (py - u * dy) * (py - u * dy);
            } else {
                d2 = px * px + py * py;
            }
            if (d2 > best)
                best = d2, at = k;
        }
        if (best <= tol2)
            return;
        keep[at] = true;
        dp(pt, i, at, tol2, keep);
        i = at; /* the second half iteratively: recursion depth stays one side's */
    }
}

/* Each arc simplified and rounded once: its points as integers in
 * ix[ia0[a] .. ia0[a+1]) (x, y pairs, repeated points dropped); a closed arc
 * smaller than FP_MIN_EXTENT gets none. */
typedef struct simple {
    int64_t *ia0;
    int32_t *ix;
} simple;

static om_status simplify(const topo *t, simple *out, om_error *err)
{
    int64_t npt = t->a0[t->narcs];
    bool *keep = calloc((size_t)npt + 1, 1);
    out->ia0 = malloc(((size_t)t->narcs + 1) * sizeof *out->ia0);
    out->ix = malloc(((size_t)npt + 1) * 2 * sizeof *out->ix);
    if (!keep || !out->ia0 || !out->ix) {
        free(keep);
        return om_error_nomem(err);
    }
    int64_t n = 0;
    for (int32_t a = 0; a < t->narcs; a++) {
        int64_t i = t->a0[a], j = t->a0[a + 1] - 1;
        out->ia0[a] = n;
        bool closed = t->q0[4 * a] == t->q0[4 * a + 2] && t->q0[4 * a + 1] == t->q0[4 * a + 3];
        if (closed) {
            double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
            for (int64_t k = i; k <= j; k++)
                x0 = fmin(x0, t->pt[2 * k]), x1 = fmax(x1, t->pt[2 * k]), y0 = fmin(y0, t->pt[2 * k + 1]),
                y1 = fmax(y1, t->pt[2 * k + 1]);
            if (x1 - x0 < FP_MIN_EXTENT && y1 - y0 < FP_MIN_EXTENT)
                continue;
        }
        keep[i] = keep[j] = true;
        dp(t->pt, i, j, FP_TOL * FP_TOL, keep);
        for (int64_t k = i; k <= j; k++) {
            if (!keep[k])
                continue;
            int32_t x = (int32_t)lround(t->pt[2 * k]), y = (int32_t)lround(t->pt[2 * k + 1]);
            if (n > out->ia0[a] && out->ix[2 * (n - 1)] == x && out->ix[2 * (n - 1) + 1] == y)
                continue;
            out->ix[2 * n] = x;
            out->ix[2 * n + 1] = y;
            n++;
        }
        /* an open arc whose ends round to one point still joins its
         * junctions: keep both ends */
        if (n - out->ia0[a] == 1) {
            out->ix[2 * n] = out->ix[2 * (n - 1)];
            out->ix[2 * n + 1] = out->ix[2 * (n - 1) + 1];
            n++;
        }
    }
    out->ia0[t->narcs] = n;
    free(keep);
    return OM_OK;
}

/* ------------------------------------------------------------- drawing */

/* Write the points of arc `ref` (reversed when negative) after the first as
 * relative moves, continuing from (*cx, *cy). */
static om_status put_arc(sbuf *b, const simple *sp, int32_t ref, int *cx, int *cy, int *moves, om_error *err)
{
    int32_t a = ref < 0 ? ~ref : ref;
    int64_t i = sp->ia0[a], j = sp->ia0[a + 1];
    for (int64_t m = 1; m < j - i; m++) {
        int64_t k = ref < 0 ? j - 1 - m : i + m;
        int x = sp->ix[2 * k], y = sp->ix[2 * k + 1];
        if (x == *cx && y == *cy)
            continue;
        /* "l" once, then pairs; a minus sign separates numbers by itself */
        int dx = x - *cx, dy = y - *cy;
        om_status s = sb_printf(b, err, "%s%d%s%d", *moves ? (dx < 0 ? "" : " ") : "l", dx, dy < 0 ? "" : " ", dy);
        if (s != OM_OK)
            return s;
        *cx = x, *cy = y;
        (*moves)++;
    }
    return OM_OK;
}

/* Junction index of each arc end (0: start, 1: end) by quantized position. */
static om_status junctions(const topo *t, int32_t *end, int32_t *nj, om_error *err)
{
    om_u64map *m = om_u64map_new((size_t)t->narcs * 2);
    if (!m)
        return om_error_nomem(err);
    uint32_t next = 0;
    for (int64_t e = 0; e < 2 * (int64_t)t->narcs; e++) {
        /* the same position in the file is the same junction: key on the
         * bits of both coordinates (hashed: a collision of the 64-bit key
         * would join two junctions; with 3 * 10^4 ends its chance is 10^-10) */
        uint64_t bx, by;
        memcpy(&bx, t->q0 + 2 * e, sizeof bx);
        memcpy(&by, t->q0 + 2 * e + 1, sizeof by);
        uint64_t key = bx * 0x9E3779B97F4A7C15ull ^ (by + 0x632BE59BD9B4E019ull + (bx << 6) + (bx >> 2));
        uint32_t have;
        if (om_u64map_put_new(m, key, next, &have) != OM_OK) {
            om_u64map_free(m);
            return om_error_nomem(err);
        }
        end[e] = (int32_t)have;
        next += have == next;
    }
    om_u64map_free(m);
    *nj = (int32_t)next;
    return OM_OK;
}

/* The arcs with sel[a] set as one path: walks along unused arcs from
 * junction to junction.  sel[a]: 1 the arc forwards, -1 backwards (a
 * class's boundary, step 2 of the algorithm above), 2 either way (the
 * kommun borders).  closed (a class): at every junction as many boundary
 * arcs arrive as leave, so each walk ends where it began and is closed with
 * z; a walk without area is left out.  Open (the kommun borders): a walk
 * ends where no unused arc goes on, so a border between two kommuner is one
 * line, not one per arc.  Each walk starts with a move relative to where
 * the last one left the pen (after z: its start). */
static om_status walk_path(sbuf *b, const topo *t, const simple *sp, const int8_t *sel, bool closed,
                           const int32_t *end, int32_t nj, om_error *err)
{
    int32_t *deg = calloc((size_t)nj + 1, sizeof *deg), *inc = NULL;
    int32_t *pos = calloc((size_t)nj + 1, sizeof *pos);
    uint8_t *used = calloc((size_t)t->narcs + 1, 1);
    om_status s = OM_OK;
    if (!deg || !pos || !used) {
        s = om_error_nomem(err);
        goto done;
    }
    /* incidences at the junctions an arc may be walked from: its start
     * (walked forwards, ref a) and/or its end (backwards, ref ~a) */
    int32_t ne = 0;
    for (int32_t a = 0; a < t->narcs; a++) {
        if (sel[a] == 1 || sel[a] == 2)
            deg[end[2 * a] + 1]++, ne++;
        if (sel[a] == -1 || sel[a] == 2)
            deg[end[2 * a + 1] + 1]++, ne++;
    }
    for (int32_t v = 0; v < nj; v++)
        deg[v + 1] += deg[v]; /* deg[v] .. deg[v+1]: v's incidences */
    if (!(inc = malloc((size_t)ne * sizeof *inc + 1))) {
        s = om_error_nomem(err);
        goto done;
    }
    memcpy(pos, deg, (size_t)nj * sizeof *pos);
    for (int32_t a = 0; a < t->narcs; a++) {
        if (sel[a] == 1 || sel[a] == 2)
            inc[pos[end[2 * a]]++] = a;
        if (sel[a] == -1 || sel[a] == 2)
            inc[pos[end[2 * a + 1]]++] = ~a;
    }
    memcpy(pos, deg, (size_t)nj * sizeof *pos);
    int px = 0, py = 0; /* the pen, where the next walk's move is relative to */
    bool first = true;
    for (int32_t a0 = 0; s == OM_OK && a0 < t->narcs; a0++) {
        if (!sel[a0] || used[a0] || sp->ia0[a0 + 1] == sp->ia0[a0])
            continue;
        int32_t ref = sel[a0] < 0 ? ~a0 : a0, start = end[2 * a0 + (ref < 0)], cur = start;
        int64_t k0 = ref < 0 ? sp->ia0[a0 + 1] - 1 : sp->ia0[a0];
        int cx = sp->ix[2 * k0], cy = sp->ix[2 * k0 + 1], moves = 0;
        size_t mark = b->n;
        if ((s = first ? sb_printf(b, err, "M%d%s%d", cx, cy < 0 ? "" : " ", cy)
                       : sb_printf(b, err, "m%d%s%d", cx - px, cy - py < 0 ? "" : " ", cy - py)) != OM_OK)
            break;
        int sx = cx, sy = cy;
        for (;;) {
            int32_t a = ref < 0 ? ~ref : ref;
            used[a] = 1;
            if ((s = put_arc(b, sp, ref, &cx, &cy, &moves, err)) != OM_OK)
                break;
            cur = end[2 * a + (ref >= 0)];
            if (closed && cur == start)
                break;
            while (pos[cur] < deg[cur + 1] && used[inc[pos[cur]] < 0 ? ~inc[pos[cur]] : inc[pos[cur]]])
                pos[cur]++;
            /* stuck: the end of an open line; for a class only where the
             * layer's rings are not a clean topology (then closed by z) */
            if (pos[cur] == deg[cur + 1])
                break;
            ref = inc[pos[cur]];
        }
        if (s != OM_OK)
            break;
        if (moves < (closed ? 2 : 1)) {
            b->n = mark; /* nothing to draw: the pen stays */
            continue;
        }
        if (closed)
            s = sb_printf(b, err, "z");
        px = closed ? sx : cx, py = closed ? sy : cy, first = false;
    }
done:
    free(deg);
    free(pos);
    free(inc);
    free(used);
    return s;
}

/* The kommun borders: arcs used by two different kommuner (topojson-client
 * mesh(k, k.objects.kommun, (a, b) => a !== b), as map.js draws them). */
static om_status mesh_path(sbuf *b, const topo *k, const simple *sp, om_error *err)
{
    int32_t *owner = malloc(((size_t)k->narcs + 1) * sizeof *owner);
    int8_t *inner = calloc((size_t)k->narcs + 1, 1);
    int32_t *end = malloc(((size_t)k->narcs + 1) * 2 * sizeof *end), nj = 0;
    om_status s = OM_OK;
    if (!owner || !inner || !end) {
        s = om_error_nomem(err);
        goto done;
    }
    for (int32_t a = 0; a < k->narcs; a++)
        owner[a] = -1;
    for (int32_t g = 0; g < k->ngeom; g++)
        for (int64_t r = k->g0[g]; r < k->g0[g + 1]; r++) {
            if (k->ref[r] == INT32_MIN)
                continue;
            int32_t a = k->ref[r] < 0 ? ~k->ref[r] : k->ref[r];
            if (owner[a] >= 0 && owner[a] != g)
                inner[a] = 2; /* either way */
            owner[a] = g;
        }
    if ((s = junctions(k, end, &nj, err)) == OM_OK)
        s = walk_path(b, k, sp, inner, false, end, nj, err);
done:
    free(owner);
    free(inner);
    free(end);
    return s;
}

/* ------------------------------------------------------------ the build */

static om_status sql_fail(sqlite3 *db, om_error *err)
{
    return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "first paint: %s", sqlite3_errmsg(db));
}

/* The layer's TopoJSON as stored by load_geometry(), or false. */
static om_status layer_read(sqlite3 *db, const char *name, topo *t, bool *have, om_error *err)
{
    sqlite3_stmt *st = NULL;
    *have = false;
    if (sqlite3_prepare_v2(db, "SELECT topojson FROM geometry WHERE layer = ?", -1, &st, NULL) != SQLITE_OK)
        return sql_fail(db, err);
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    om_status s = OM_OK;
    if (sqlite3_step(st) == SQLITE_ROW) {
        s = topo_read(t, sqlite3_column_blob(st, 0), (size_t)sqlite3_column_bytes(st, 0), name, err);
        *have = s == OM_OK;
    }
    sqlite3_finalize(st);
    return s;
}

/* Class of every RegSO geometry: area type - 1 in `year`, FP_NCLASS - 1 (na)
 * without one, as the app's classFor() in views/mapview.js. */
static om_status classes_of(sqlite3 *db, const topo *t, int year, uint8_t *cls, om_error *err)
{
    om_strmap *m = om_strmap_new((size_t)t->ngeom);
    sqlite3_stmt *st = NULL;
    if (!m)
        return om_error_nomem(err);
    for (int32_t g = 0; g < t->ngeom; g++) {
        cls[g] = FP_NCLASS - 1;
        if (om_strmap_put(m, t->code[g], strlen(t->code[g]), g) != OM_OK) {
            om_strmap_free(m);
            return om_error_nomem(err);
        }
    }
    om_status s = OM_OK;
    if (sqlite3_prepare_v2(db, "SELECT code, area_type FROM area_types WHERE year = ? AND area_type BETWEEN 1 AND 5",
                           -1, &st, NULL) != SQLITE_OK)
        s = sql_fail(db, err);
    sqlite3_bind_int(st, 1, year);
    while (s == OM_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *code = (const char *)sqlite3_column_text(st, 0);
        int32_t g = code ? om_strmap_get(m, code, strlen(code)) : -1;
        if (g >= 0)
            cls[g] = (uint8_t)(sqlite3_column_int(st, 1) - 1);
    }
    sqlite3_finalize(st);
    om_strmap_free(m);
    return s;
}

static om_status draw(sqlite3 *db, const topo *r, const simple *rs, const topo *k, const simple *ks, int year,
                      sbuf *svg, char *classes, size_t ccap, om_error *err)
{
    uint8_t *cls = malloc((size_t)r->ngeom + 1);
    int8_t *dir = malloc((size_t)r->narcs * FP_NCLASS + 1);
    int32_t *end = malloc(((size_t)r->narcs + 1) * 2 * sizeof *end), nj = 0;
    om_status s = OM_OK;
    if (!cls || !dir || !end) {
        s = om_error_nomem(err);
        goto done;
    }
    if ((s = classes_of(db, r, year, cls, err)) != OM_OK || (s = junctions(r, end, &nj, err)) != OM_OK)
        goto done;
    memset(dir, 0, (size_t)r->narcs * FP_NCLASS);
    bool seen[FP_NCLASS] = {0};
    for (int32_t g = 0; g < r->ngeom; g++)
        for (int64_t q = r->g0[g]; q < r->g0[g + 1]; q++)
            if (r->ref[q] != INT32_MIN) {
                dir[(size_t)cls[g] * (size_t)r->narcs + (size_t)(r->ref[q] < 0 ? ~r->ref[q] : r->ref[q])] +=
                    (int8_t)(r->ref[q] < 0 ? -1 : 1);
                seen[cls[g]] = true;
            }
    /* net use: +1 or -1 on the class's boundary, 0 inside it (used once each
     * way); more than once the same way only where rings overlap: kept once */
    for (size_t i = 0; i < (size_t)r->narcs * FP_NCLASS; i++)
        dir[i] = (int8_t)((dir[i] > 0) - (dir[i] < 0));
    s = sb_printf(svg, err,
                  "<svg class=\"map\" id=\"fp-map\" viewBox=\"0 0 %d %d\" role=\"img\" aria-labelledby=\"fp-h1\">"
                  "<g class=\"fills\">",
                  FP_W, FP_H);
    classes[0] = '\0';
    for (int c = 0; s == OM_OK && c < FP_NCLASS; c++) {
        if (!seen[c])
            continue;
        char name[4];
        snprintf(name, sizeof name, c == FP_NCLASS - 1 ? "na" : "%d", c);
        snprintf(classes + strlen(classes), ccap - strlen(classes), "%s%s", classes[0] ? " " : "", name);
        if ((s = sb_printf(svg, err, "<path class=\"fill\" data-cls=\"%s\" fill=\"url(#fp%s)\" d=\"", name, name)) ==
            OM_OK &&
            (s = walk_path(svg, r, rs, dir + (size_t)c * (size_t)r->narcs, true, end, nj, err)) == OM_OK)
            s = sb_printf(svg, err, "\"/>");
    }
    if (s == OM_OK)
        s = sb_printf(svg, err, "</g>");
    if (s == OM_OK && k && (s = sb_printf(svg, err, "<path class=\"outline\" d=\"")) == OM_OK &&
        (s = mesh_path(svg, k, ks, err)) == OM_OK)
        s = sb_printf(svg, err, "\"/>");
    if (s == OM_OK)
        s = sb_printf(svg, err, "</svg>");
done:
    free(cls);
    free(dir);
    free(end);
    return s;
}

om_status om_barometer__first_paint(sqlite3 *db, om_error *err)
{
    char *msg = NULL;
    if (sqlite3_exec(db, FP_SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        om_status s = om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "first paint: %s", msg ? msg : "?");
        sqlite3_free(msg);
        return s;
    }
    /* the latest year with area types: the app's default (meta type_years) */
    sqlite3_stmt *st = NULL;
    int year = 0;
    if (sqlite3_prepare_v2(db, "SELECT MAX(year) FROM area_types WHERE area_type IS NOT NULL", -1, &st, NULL) !=
        SQLITE_OK)
        return sql_fail(db, err);
    if (sqlite3_step(st) == SQLITE_ROW)
        year = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    topo r = {0}, k = {0};
    simple rs = {0}, ks = {0};
    sbuf svg = {0};
    bool have_r = false, have_k = false;
    char classes[64];
    om_status s = OM_OK;
    if (year == 0 || (s = layer_read(db, "regso", &r, &have_r, err)) != OM_OK || !have_r || r.ngeom == 0)
        goto done; /* nothing to draw: the app draws the map itself */
    if ((s = layer_read(db, "kommun", &k, &have_k, err)) != OM_OK)
        goto done;
    project(&r, have_k ? &k : NULL);
    if ((s = simplify(&r, &rs, err)) != OM_OK || (have_k && (s = simplify(&k, &ks, err)) != OM_OK) ||
        (s = draw(db, &r, &rs, have_k ? &k : NULL, &ks, year, &svg, classes, sizeof classes, err)) != OM_OK)
        goto done;
    if (sqlite3_prepare_v2(db, "INSERT INTO first_paint VALUES('karta/area_type/regso', ?, ?, ?)", -1, &st, NULL) !=
        SQLITE_OK) {
        s = sql_fail(db, err);
        goto done;
    }
    sqlite3_bind_int(st, 1, year);
    sqlite3_bind_text(st, 2, classes, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, svg.p, (int)svg.n, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_DONE)
        s = sql_fail(db, err);
    sqlite3_finalize(st);
done:
    topo_free(&r);
    topo_free(&k);
    free(rs.ia0);
    free(rs.ix);
    free(ks.ia0);
    free(ks.ix);
    free(svg.p);
    return s;
}

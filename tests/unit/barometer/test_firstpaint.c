/* omrade build: the first_paint table (src/barometer/firstpaint.c).
 *
 * A hand-made topology of five 0.1° squares (RegSO of Upplands Väsby, 0114)
 * on a 3 x 2 grid at 18.0–18.3°E, 59.0–59.2°N, one arc per grid edge:
 *     C D .        C = R003 (type 1), D = R004 (type 4)
 *     A B E        A = R001, B = R002 (type 1), E = R005 (no type)
 * and two kommuner (A, C | B, D, E) sharing the two arcs at 18.1°E.  What
 * the SVG must hold follows from geometry alone: class 0 (type 1) is the
 * union of A, B and C, one L-shaped ring through 8 arc ends (the arcs
 * between A and B and between A and C are interior); its area is three
 * times D's (conformal projection: the squares differ by the cosine of
 * their latitude, 0.3 %); the projection and fit are d3-geo's, checked
 * against values d3-geo computed. */
#define _POSIX_C_SOURCE 200809L
#include "om_test.h"

#include "omrade/build.h"

#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[64], geo[96], dbpath[128], typespath[128];

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* The grid's arcs: h(i,j) = index j*3+i from (18+i/10, 59+j/10) east;
 * v(i,j) = 9 + j*4+i from (18+i/10, 59+j/10) north. */
static void topology(char *out, size_t size, const char *layer, const char *geoms)
{
    size_t n = (size_t)snprintf(out, size, "{\"type\":\"Topology\",\"objects\":{\"%s\":{\"type\":\"GeometryCollection\","
                                           "\"geometries\":[%s]}},\"arcs\":[", layer, geoms);
    for (int j = 0; j < 3; j++)
        for (int i = 0; i < 3; i++)
            n += (size_t)snprintf(out + n, size - n, "%s[[%.1f,%.1f],[%.1f,%.1f]]", n && out[n - 1] == ']' ? "," : "",
                                  18 + i / 10.0, 59 + j / 10.0, 18 + (i + 1) / 10.0, 59 + j / 10.0);
    for (int j = 0; j < 2; j++)
        for (int i = 0; i < 4; i++)
            n += (size_t)snprintf(out + n, size - n, ",[[%.1f,%.1f],[%.1f,%.1f]]", 18 + i / 10.0, 59 + j / 10.0,
                                  18 + i / 10.0, 59 + (j + 1) / 10.0);
    snprintf(out + n, size - n, "]}");
}

#define H(i, j) ((j) * 3 + (i))
#define V(i, j) (9 + (j) * 4 + (i))

/* A square's ring, clockwise in lon/lat as d3-geo wants exterior rings. */
static void square(char *out, size_t size, int i, int j, const char *code)
{
    snprintf(out, size, "{\"type\":\"Polygon\",\"arcs\":[[%d,%d,%d,%d]],\"properties\":{\"code\":\"%s\"}}", V(i, j),
             H(i, j + 1), ~V(i + 1, j), ~H(i, j), code);
}

static int setup(void **state)
{
    (void)state;
    strcpy(dir, "/tmp/om-fp-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    struct {
        char *out;
        size_t size;
        const char *name;
    } in[] = {{geo, sizeof geo, "geo"}, {dbpath, sizeof dbpath, "b.db"}, {typespath, sizeof typespath, "types.csv"}};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++)
        snprintf(in[i].out, in[i].size, "%s/%s", dir, in[i].name);
    mkdir(geo, 0700);
    char sq[5][160], geoms[1024], text[8192], path[160];
    square(sq[0], sizeof sq[0], 0, 0, "0114R001");
    square(sq[1], sizeof sq[1], 1, 0, "0114R002");
    square(sq[2], sizeof sq[2], 0, 1, "0114R003");
    square(sq[3], sizeof sq[3], 1, 1, "0114R004");
    square(sq[4], sizeof sq[4], 2, 0, "0114R005");
    snprintf(geoms, sizeof geoms, "%s,%s,%s,%s,%s", sq[0], sq[1], sq[2], sq[3], sq[4]);
    topology(text, sizeof text, "regso", geoms);
    snprintf(path, sizeof path, "%s/regso.topo.json", geo);
    write_file(path, text);
    /* kommun 0114: A and C; 0115: B, D and E (rings clockwise) */
    snprintf(geoms, sizeof geoms,
             "{\"type\":\"Polygon\",\"arcs\":[[%d,%d,%d,%d,%d,%d]],\"properties\":{\"code\":\"0114\"}},"
             "{\"type\":\"Polygon\",\"arcs\":[[%d,%d,%d,%d,%d,%d,%d,%d]],\"properties\":{\"code\":\"0115\"}}",
             V(0, 0), V(0, 1), H(0, 2), ~V(1, 1), ~V(1, 0), ~H(0, 0), V(1, 0), V(1, 1), H(1, 2), ~V(2, 1), H(2, 1),
             ~V(3, 0), ~H(2, 0), ~H(1, 0));
    topology(text, sizeof text, "kommun", geoms);
    snprintf(path, sizeof path, "%s/kommun.topo.json", geo);
    write_file(path, text);
    write_file(typespath, "area,year,area_type\n0114R001,2022,2\n0114R001,2023,1\n0114R002,2023,1\n"
                          "0114R003,2023,1\n0114R004,2023,4\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char path[160];
    const char *files[] = {"geo/regso.topo.json", "geo/kommun.topo.json", "b.db", "types.csv"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        unlink(path);
    }
    rmdir(geo);
    rmdir(dir);
    return 0;
}

static void build(bool with_types)
{
    om_build_options o;
    memset(&o, 0, sizeof o);
    o.out = dbpath;
    if (with_types)
        o.types[o.n_types++] = typespath;
    o.geometry_dir = geo;
    o.rules.min_count = 5;
    om_error err = OM_ERROR_INIT;
    if (om_build_run(&o, NULL, &err) != OM_OK)
        fail_msg("build: %s", err.msg);
}

/* Well-formed XML of the kind the SVG uses: elements with quoted attributes,
 * no text; every start tag closed in order.  Returns the element count. */
static int check_xml(const char *s)
{
    const char *stack[16];
    size_t lens[16];
    int depth = 0, n = 0;
    while (*s) {
        if (*s != '<')
            fail_msg("text outside a tag at '%.20s'", s);
        bool end = s[1] == '/';
        const char *name = s + 1 + end;
        size_t nl = strcspn(name, " />");
        const char *p = name + nl;
        while (*p == ' ') { /* attributes: name="value" */
            p++;
            p += strcspn(p, "=\"<>");
            if (p[0] != '=' || p[1] != '"')
                fail_msg("expected name=\"value\" at '%.20s'", p);
            const char *q = strchr(p + 2, '"');
            if (!q || memchr(p + 2, '<', (size_t)(q - (p + 2))))
                fail_msg("unterminated attribute at '%.20s'", p);
            p = q + 1;
        }
        bool empty = p[0] == '/' && p[1] == '>';
        if (!empty && p[0] != '>')
            fail_msg("expected '>' at '%.20s'", p);
        if (end) {
            if (depth == 0 || lens[depth - 1] != nl || memcmp(stack[depth - 1], name, nl) != 0)
                fail_msg("unbalanced </%.*s>", (int)nl, name);
            depth--;
        } else if (!empty) {
            assert_true(depth < 16);
            stack[depth] = name, lens[depth] = nl, depth++;
        }
        n += !end;
        s = p + (empty ? 2 : 1);
    }
    assert_int_equal(depth, 0);
    return n;
}

/* A path's rings: M or m, relative l pairs, z closing.  Counts
 * subpaths and points, the area enclosed (sum of the rings' absolute
 * shoelace areas: the rings here do not nest) and the bounds. */
typedef struct rings {
    int sub, pts;
    double area, x0, y0, x1, y1;
} rings;

static rings parse_d(const char *d)
{
    rings r = {0, 0, 0, INFINITY, INFINITY, -INFINITY, -INFINITY};
    double ring = 0, cx = 0, cy = 0, sx = 0, sy = 0;
    char *p = (char *)d;
    while (*p && *p != '"') {
        char c = *p;
        if (c == 'M' || c == 'm') { /* m: relative to the pen; z puts it at the ring's start */
            double x = strtod(p + 1, &p), y = strtod(p, &p);
            sx = cx = c == 'm' ? cx + x : x;
            sy = cy = c == 'm' ? cy + y : y;
            r.sub++, r.pts++, ring = 0;
        } else if (c == 'l' || c == ' ' || c == '-' || (c >= '0' && c <= '9')) {
            char *q = p + (c == 'l');
            double dx = strtod(q, &q), dy = strtod(q, &q);
            if (q == p + (c == 'l'))
                fail_msg("bad path at '%.20s'", p);
            ring += cx * (cy + dy) - (cx + dx) * cy;
            cx += dx, cy += dy, p = q, r.pts++;
        } else if (c == 'z') {
            ring += cx * sy - sx * cy;
            r.area += fabs(ring) / 2;
            cx = sx, cy = sy, p++;
        } else {
            fail_msg("unexpected '%c' in a path", c);
        }
        r.x0 = fmin(r.x0, cx), r.x1 = fmax(r.x1, cx), r.y0 = fmin(r.y0, cy), r.y1 = fmax(r.y1, cy);
    }
    return r;
}

static char *first_paint(int *year, char *classes, size_t csize)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT year, classes, svg FROM first_paint", -1, &st, NULL), SQLITE_OK);
    char *svg = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        *year = sqlite3_column_int(st, 0);
        snprintf(classes, csize, "%s", (const char *)sqlite3_column_text(st, 1));
        svg = strdup((const char *)sqlite3_column_text(st, 2));
        assert_int_equal(sqlite3_step(st), SQLITE_DONE); /* one view */
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return svg;
}

static const char *path_of(const char *svg, const char *cls)
{
    char key[48];
    snprintf(key, sizeof key, "data-cls=\"%s\"", cls);
    const char *p = strstr(svg, key);
    if (!p)
        return NULL;
    assert_null(strstr(p + 1, key)); /* one path per class */
    return strstr(p, " d=\"") + 4;
}

static void test_first_paint(void **state)
{
    (void)state;
    build(true);
    int year = 0;
    char classes[64];
    char *svg = first_paint(&year, classes, sizeof classes);
    assert_non_null(svg);
    assert_int_equal(year, 2023); /* the latest year with types */
    assert_string_equal(classes, "0 3 na");
    /* svg, g, three class paths and the kommun outline */
    assert_int_equal(check_xml(svg), 6);
    assert_non_null(strstr(svg, "fill=\"url(#fp0)\""));
    assert_non_null(strstr(svg, "aria-labelledby=\"fp-h1\""));
    assert_null(path_of(svg, "1"));
    rings a = parse_d(path_of(svg, "0")), d = parse_d(path_of(svg, "3")), e = parse_d(path_of(svg, "na"));
    /* A ∪ B ∪ C: one ring through the 8 arc ends, A-B and A-C borders gone */
    assert_int_equal(a.sub, 1);
    assert_int_equal(a.pts, 9); /* 8 corners and the return to the start */
    assert_int_equal(d.sub, 1);
    assert_int_equal(e.sub, 1);
    /* three squares against one, within the rounding to whole units */
    if (fabs(a.area / d.area - 3) > 0.03)
        fail_msg("area ratio %g, expected 3", a.area / d.area);
    if (fabs(e.area / d.area - 1) > 0.02)
        fail_msg("area ratio %g, expected 1", e.area / d.area);
    /* The projection must be the app's: reference values from d3-geo 3
     * itself (node, web/node_modules: geoTransverseMercator().rotate([-15,
     * 0]).fitSize([600, 1000], the five squares as GeoJSON), geoPath bounds
     * [[0, 124.277], [600, 875.723]]; the point 18.1°E 59.0°N at (222.012,
     * 867.091), 18.1°E 59.2°N at (187.906, 133.159)).  Fitted by width; the
     * grid turned by the meridian convergence, (lon - 15°) sin(lat) = 2.7°.
     * Written rounded to whole units. */
    double x0 = fmin(a.x0, e.x0), x1 = fmax(d.x1, e.x1), y0 = fmin(a.y0, d.y0), y1 = fmax(a.y1, e.y1);
    if (x0 != 0 || x1 != 600 || fabs(y0 - 124.277) > 0.5 || fabs(y1 - 875.723) > 0.5)
        fail_msg("bounds (%g, %g) - (%g, %g), expected (0, 124.277) - (600, 875.723)", x0, y0, x1, y1);
    /* the kommun border: the two arcs of the meridian 18.1°E, as one line */
    const char *o = strstr(svg, "class=\"outline\" d=\"");
    assert_non_null(o);
    rings m = parse_d(o + 19);
    assert_int_equal(m.sub, 1);
    assert_int_equal(m.pts, 3);
    if (fabs(m.x0 - 187.906) > 0.5 || fabs(m.x1 - 222.012) > 0.5 || fabs(m.y0 - 133.159) > 0.5 ||
        fabs(m.y1 - 867.091) > 0.5)
        fail_msg("kommun border within (%g, %g) - (%g, %g)", m.x0, m.y0, m.x1, m.y1);
    free(svg);
}

/* No area types: the table exists and is empty (the app draws the map). */
static void test_first_paint_without_types(void **state)
{
    (void)state;
    build(false);
    int year = 0;
    char classes[64];
    assert_null(first_paint(&year, classes, sizeof classes));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_first_paint, setup, teardown),
        cmocka_unit_test_setup_teardown(test_first_paint_without_types, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}

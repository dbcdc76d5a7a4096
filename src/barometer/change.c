/* omrade build: the tables of the barometer's change view (issue 15).
 *
 *   type_transitions  per pair of consecutive type years, per riket, län and
 *                     kommun, the RegSO moving from one area type to another
 *                     (non-zero cells; the diagonal is the RegSO whose type
 *                     stayed), from the area types in the database (`omrade
 *                     transitions` computes the same matrices from files;
 *                     tests/unit/barometer/test_build.c compares them);
 *   type_anchored     per RegSO and year of each --sei file, the area type
 *                     computed from SEI with each year's own mean and SD
 *                     (relative, as SCB) and against the first year's mean
 *                     and SD (anchored; NOT SCB's area types), by om_change
 *                     (omrade/change.h).
 * Both count areas, not persons, and derive from values that are published
 * per RegSO (types, SEI), so they need no disclosure control. */
#define _POSIX_C_SOURCE 200809L
#include "omrade/change.h"
#include "barometer_internal.h"

#include <sqlite3.h>
#include <string.h>

static const char *const CHANGE_SCHEMA =
    "CREATE TABLE type_transitions(from_year INTEGER NOT NULL, to_year INTEGER NOT NULL,"
    " level TEXT NOT NULL, code TEXT NOT NULL, from_type INTEGER NOT NULL, to_type INTEGER NOT NULL,"
    " n_regso INTEGER NOT NULL, PRIMARY KEY(code, from_year, from_type, to_type)) WITHOUT ROWID;"
    "CREATE TABLE type_anchored(code TEXT NOT NULL, year INTEGER NOT NULL, anchor_year INTEGER NOT NULL,"
    " area_type INTEGER, area_type_anchored INTEGER, z REAL, z_anchored REAL, PRIMARY KEY(code, year))"
    " WITHOUT ROWID;";

/* Consecutive type years: each year with types and the next one that has
 * types; a RegSO counts in a pair when it has a type in both years. */
static const char *const FILL_TRANSITIONS =
    "WITH y AS (SELECT DISTINCT year FROM area_types WHERE area_type IS NOT NULL),"
    " p AS (SELECT year AS y0, (SELECT MIN(year) FROM y z WHERE z.year > y.year) AS y1 FROM y),"
    " t AS (SELECT p.y0, p.y1, a.code, a.area_type AS f, b.area_type AS g, r.kommun, r.lan FROM p"
    "  JOIN area_types a ON a.year = p.y0 AND a.area_type IS NOT NULL"
    "  JOIN area_types b ON b.code = a.code AND b.year = p.y1 AND b.area_type IS NOT NULL"
    "  JOIN areas r ON r.code = a.code AND r.level = 'regso' WHERE p.y1 IS NOT NULL)"
    " INSERT INTO type_transitions"
    " SELECT y0, y1, 'riket', '00', f, g, COUNT(*) FROM t GROUP BY y0, f, g"
    " UNION ALL SELECT y0, y1, 'lan', lan, f, g, COUNT(*) FROM t GROUP BY lan, y0, f, g"
    " UNION ALL SELECT y0, y1, 'kommun', kommun, f, g, COUNT(*) FROM t GROUP BY kommun, y0, f, g;";

static om_status db_fail(sqlite3 *db, om_error *err)
{
    return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "SQLite error while writing the change tables: %s",
                        sqlite3_errmsg(db));
}

/* One --sei file: rows only when every area of the file is a RegSO (a
 * file with kommun or län rows would mix levels in the standardisation). */
static om_status anchored_file(sqlite3 *db, sqlite3_stmt *ins, const om_geo *g, const char *path, om_error *err)
{
    om_change_options o = {0};
    om_change *c = NULL;
    om_status s = om_change_read(&c, path, &o, err);
    if (s != OM_OK)
        return s;
    int32_t anchor = 0;
    bool all_regso = true;
    for (size_t i = 0; i < om_change_count(c); i++) {
        const om_change_row *r = om_change_row_at(c, i);
        if (om_geo_find(g, OM_LEVEL_REGSO, r->area, strlen(r->area)) < 0)
            all_regso = false;
        if (r->area_type && (!anchor || r->year < anchor))
            anchor = r->year;
    }
    om_change_free(c);
    if (!all_regso || !anchor)
        return OM_OK;
    o.anchor_year = anchor;
    if ((s = om_change_read(&c, path, &o, err)) != OM_OK)
        return s;
    for (size_t i = 0; s == OM_OK && i < om_change_count(c); i++) {
        const om_change_row *r = om_change_row_at(c, i);
        int32_t idx = om_geo_find(g, OM_LEVEL_REGSO, r->area, strlen(r->area));
        sqlite3_bind_text(ins, 1, om_geo_code(g, OM_LEVEL_REGSO, idx), -1, SQLITE_STATIC);
        sqlite3_bind_int(ins, 2, r->year);
        sqlite3_bind_int(ins, 3, anchor);
        if (r->area_type)
            sqlite3_bind_int(ins, 4, r->area_type);
        if (r->type_anchored)
            sqlite3_bind_int(ins, 5, r->type_anchored);
        if (r->z == r->z) /* not NaN */
            sqlite3_bind_double(ins, 6, r->z);
        if (r->z_anchored == r->z_anchored)
            sqlite3_bind_double(ins, 7, r->z_anchored);
        int rc = sqlite3_step(ins);
        sqlite3_reset(ins);
        sqlite3_clear_bindings(ins);
        if (rc != SQLITE_DONE)
            s = db_fail(db, err);
    }
    om_change_free(c);
    return s;
}

om_status om_barometer__change_tables(sqlite3 *db, const om_geo *g, const om_build_options *opt, om_error *err)
{
    if (sqlite3_exec(db, CHANGE_SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_exec(db, FILL_TRANSITIONS, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, err);
    sqlite3_stmt *ins = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO type_anchored VALUES(?,?,?,?,?,?,?)", -1, &ins, NULL) !=
        SQLITE_OK)
        return db_fail(db, err);
    om_status s = OM_OK;
    for (size_t i = 0; s == OM_OK && i < opt->n_sei; i++)
        s = anchored_file(db, ins, g, opt->sei[i], err);
    sqlite3_finalize(ins);
    return s;
}

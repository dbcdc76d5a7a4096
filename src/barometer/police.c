/* omrade build — the police's list of utsatta områden with each area's
 * overlap with RegSO, kommuner and their area types (issue 14, item 1).
 *
 * Tables (docs/barometer.md, "Police areas"):
 *   police_areas(id,name,category,rank,ort,region,area_m2,list_year)
 *   police_overlap(id,level,code,share,area_type,type_year,layer)
 * share = area(police area ∩ unit) / area(police area), by GEOS through
 * om_need_police_overlap() (src/need/police.c), in SWEREF 99 TM.  Units of a
 * DeSO layer are summed into their RegSO: DeSO nest exactly in RegSO (SCB,
 * "Regionala statistikområden (RegSO)", 2021: every RegSO is a union of
 * whole DeSO), so a RegSO's share is the sum of its DeSO's shares.  The area
 * type is SCB's type of that RegSO in the list's year (or the latest earlier
 * year loaded with --types).  Without GDAL the tables are not created and the
 * report says so. */
#include "barometer_internal.h"
#include "omrade/need.h"

#include <sqlite3.h>
#include <string.h>

#ifndef OMRADE_HAVE_GDAL
om_status om_barometer__police(sqlite3 *db, const om_geo *geo, const om_build_options *opt,
                               om_build_report *rep, om_error *err)
{
    (void)db, (void)geo, (void)opt, (void)err;
    rep->police_skipped = true;
    return OM_OK;
}
#else

static const char *const POLICE_SCHEMA =
    "CREATE TABLE police_areas(id INTEGER PRIMARY KEY, name TEXT, category TEXT, rank INTEGER,"
    " ort TEXT, region TEXT, area_m2 REAL, list_year INTEGER);"
    "CREATE TABLE police_overlap(id INTEGER NOT NULL, level TEXT NOT NULL, code TEXT NOT NULL,"
    " share REAL NOT NULL, area_type INTEGER, type_year INTEGER, layer TEXT,"
    " PRIMARY KEY(id, level, code)) WITHOUT ROWID;";

typedef struct {
    sqlite3 *db;
    const om_geo *geo;
    const char *layer;
    bool first_layer;
    sqlite3_stmt *area, *ov;
    om_build_report *rep;
} pctx;

static om_status sql_fail(sqlite3 *db, om_error *err)
{
    return om_error_set(err, OM_ERR_INTERNAL, NULL, 0, 0, "police tables: %s", sqlite3_errmsg(db));
}

static om_status on_overlap(void *vctx, const om_need_overlap *o, om_error *err)
{
    pctx *c = vctx;
    sqlite3_stmt *st;
    if (!o->unit) { /* the area itself: written once, from the first layer */
        if (!c->first_layer)
            return OM_OK;
        st = c->area;
        sqlite3_bind_int64(st, 1, o->index);
        sqlite3_bind_text(st, 2, o->name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 3, o->category, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(st, 4, o->rank);
        sqlite3_bind_text(st, 5, o->ort, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 6, o->region, -1, SQLITE_TRANSIENT);
        sqlite3_bind_double(st, 7, o->area);
        c->rep->police_areas++;
    } else {
        om_level level = OM_LEVEL_DESO; /* an exact code at one level: names are not guessed */
        int32_t i = -1;
        for (; level < OM_LEVEL_RIKET && i < 0; level++)
            i = om_geo_find(c->geo, level, o->unit, strlen(o->unit));
        level--;
        if (i < 0) {
            if (!c->rep->police_unlinked++)
                snprintf(c->rep->first_police_unlinked, sizeof c->rep->first_police_unlinked, "%s", o->unit);
            return OM_OK;
        }
        if (level == OM_LEVEL_DESO) { /* DeSO nest in RegSO: the RegSO's share is the sum */
            i = om_geo_parent(c->geo, level, i, OM_LEVEL_REGSO);
            level = OM_LEVEL_REGSO;
        }
        st = c->ov;
        sqlite3_bind_int64(st, 1, o->index);
        sqlite3_bind_text(st, 2, om_level_name(level), -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, om_geo_code(c->geo, level, i), -1, SQLITE_STATIC);
        sqlite3_bind_double(st, 4, o->share);
        sqlite3_bind_text(st, 5, c->layer, -1, SQLITE_STATIC);
        c->rep->police_overlaps++;
    }
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? OM_OK : sql_fail(c->db, err);
}

om_status om_barometer__police(sqlite3 *db, const om_geo *geo, const om_build_options *opt,
                               om_build_report *rep, om_error *err)
{
    pctx c = {.db = db, .geo = geo, .rep = rep, .first_layer = true};
    om_status s = OM_OK;
    char sql[256];
    snprintf(sql, sizeof sql, "INSERT INTO police_areas VALUES(?,?,?,?,?,?,?,%d)",
             opt->police_year ? opt->police_year : 2023);
    if (sqlite3_exec(db, POLICE_SCHEMA, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql, -1, &c.area, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db,
                           "INSERT INTO police_overlap(id,level,code,share,layer) VALUES(?,?,?,?,?) "
                           "ON CONFLICT(id,level,code) DO UPDATE SET share = share + excluded.share",
                           -1, &c.ov, NULL) != SQLITE_OK)
        s = sql_fail(db, err);
    for (size_t i = 0; s == OM_OK && i < opt->n_police_units; i++) {
        om_need_police_report pr;
        c.layer = opt->police_units[i];
        s = om_need_police_overlap(opt->police, opt->police_units[i], NULL, on_overlap, &c, &pr, err);
        c.first_layer = false;
    }
    /* shares summed over DeSO can exceed 1 by rounding only */
    if (s == OM_OK &&
        sqlite3_exec(db,
                     "UPDATE police_overlap SET share = MIN(share, 1.0);"
                     "UPDATE police_overlap SET type_year = (SELECT MAX(t.year) FROM area_types t, police_areas p"
                     " WHERE t.code = police_overlap.code AND p.id = police_overlap.id AND t.year <= p.list_year"
                     " AND t.area_type IS NOT NULL) WHERE level = 'regso';"
                     "UPDATE police_overlap SET area_type = (SELECT t.area_type FROM area_types t"
                     " WHERE t.code = police_overlap.code AND t.year = police_overlap.type_year)"
                     " WHERE type_year IS NOT NULL;",
                     NULL, NULL, NULL) != SQLITE_OK)
        s = sql_fail(db, err);
    sqlite3_stmt *q = NULL;
    if (s == OM_OK &&
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT COUNT(*) FROM police_areas WHERE id NOT IN (SELECT id FROM police_overlap)),"
                           " (SELECT COUNT(DISTINCT id) FROM police_overlap WHERE level = 'regso')",
                           -1, &q, NULL) == SQLITE_OK &&
        sqlite3_step(q) == SQLITE_ROW) {
        rep->police_outside = sqlite3_column_int64(q, 0);
        rep->police_in_regso = sqlite3_column_int64(q, 1);
    } else if (s == OM_OK) {
        s = sql_fail(db, err);
    }
    sqlite3_finalize(q);
    sqlite3_finalize(c.area);
    sqlite3_finalize(c.ov);
    return s;
}
#endif

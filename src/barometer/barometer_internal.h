/* Internal to src/barometer: the in-memory slice store shared by the database
 * builder (build.c) and the disclosure control of the whole publication
 * (protect.c). */
#ifndef OM_BAROMETER_INTERNAL_H
#define OM_BAROMETER_INTERNAL_H

#include "omrade/build.h"
#include "omrade/geo.h"
#include "omrade/hash.h"

/* Cell status, also the status byte stored in slices.cells and
 * type_values.status (docs/barometer.md). */
enum { ST_ABSENT = 0, ST_PUBLISHED = 1, ST_PRIMARY = 2, ST_SECONDARY = 3, ST_WITHHELD = 4 };
/* ST_WITHHELD: a cross-classified cell of a small län, not published by the
 * table design (protect.c, redesign()); protected like a primary cell when
 * the primary rule applies to it. */


typedef struct bslice {
    int32_t ind, sex, age, born; /* interned string ids */
    int32_t edu;                 /* interned: total or an education level (kommun and up) */
    bool withheld;               /* not published (table redesign): not written */
    bool hidden;                 /* withheld, but in the protection model as unknowns
                                    (kommun cross-classifications, protect.c) */
    om_level level;
    int year;
    int32_t n;
    uint8_t *st;
    double *num, *den;
    double *lo, *hi; /* interval of num/den (unscaled), NaN = none; NULL: no interval in the slice */
} bslice;

typedef struct bind_meta {
    bool ratio_gt; /* some numerator exceeds its denominator: not a share */
    bool value_only; /* SEI and its parts: the value itself, no counts */
    int32_t main_age; /* age of the RegSO slices, else of the first slice */
    bool main_age_regso;
} bind_meta;

typedef struct store {
    om_strmap *keys;  /* slice key -> index */
    om_strmap *names; /* interned strings -> id */
    char **name;
    size_t nnames, capnames;
    bslice *v;
    size_t n, cap;
    bind_meta *meta; /* per interned id (only indicator ids are used) */
} store;

/* The database builder is split: build.c (schema, areas, provenance,
 * geometry, om_build_run), build_inputs.c (the input files), build_slices.c
 * (the slice store, protection and the catalogue).  What they share: */
#include "omrade/csv.h"

#include <sqlite3.h>

typedef struct bctx {
    sqlite3 *db;
    om_geo *geo;
    const om_build_options *opt;
    om_build_report *rep;
    sqlite3_stmt *ins_input;
    store *store;
    struct om_need_store *need; /* need rows until om_barometer_finish_need() (need.c) */
} bctx;

/* Per-input bookkeeping for the provenance table. */
typedef struct input_stats {
    int64_t rows, loaded, unlinked, rejected;
    int ymin, ymax;
} input_stats;

om_status om_barometer_exec(bctx *b, const char *sql, om_error *err);
om_status om_barometer_prep(bctx *b, const char *sql, sqlite3_stmt **st, om_error *err);
om_status om_barometer_step_done(bctx *b, sqlite3_stmt *st, om_error *err);
void om_barometer_note_year(input_stats *is, int64_t y);
/* Open an input CSV and read its header; *c is left for om_csv_free() also
 * when the header fails. */
om_status om_barometer_open_input(om_csv **c, const char *path, om_error *err);
/* The next row of an input (*got false at its end), counted in is->rows. */
om_status om_barometer_next_row(om_csv *c, input_stats *is, bool *got, om_error *err);
void om_barometer_note_unlinked(bctx *b, input_stats *is, const char *text, size_t len);
om_status om_barometer_finish_input(bctx *b, const char *kind, const char *path, const input_stats *is,
                                    om_error *err);
bool om_barometer_field_is(om_field f, const char *s);
om_status om_barometer_load_types(bctx *b, om_error *err);
om_status om_barometer_load_sei(bctx *b, const char *path, om_error *err);
om_status om_barometer_load_indicators(bctx *b, const char *path, om_error *err);
om_status om_barometer_load_seg(bctx *b, const char *path, om_error *err);
om_status om_barometer_load_need(bctx *b, const char *path, om_error *err);
om_status om_barometer_finish_need(bctx *b, om_error *err);
void om_barometer_need_free(struct om_need_store *x);
void om_barometer_store_free(store *x);
int32_t om_barometer_intern(store *x, const char *p, size_t len);
bslice *om_barometer_slice_get(store *x, const om_geo *g, int32_t ind, om_level level, int year,
                               int32_t sex, int32_t age, int32_t born, int32_t edu);
/* Index of the slice of a key in x->v, -1 when there is none. */
int32_t om_barometer_slice_find(const store *x, int32_t ind, om_level level, int year, int32_t sex, int32_t age,
                                int32_t born, int32_t edu);
om_status om_barometer_finish_indicators(bctx *b, om_error *err);
/* The definition of an indicator of `omrade indicators --barometer`
 * (definitions.c): population, numerator, denominator, register and the
 * years y0-y1, in Swedish and English; `den_per` = populations summed in the
 * denominator (2 for the migration rates, whose denominator is twice the
 * mean population).  False for other ids. */
bool om_barometer_definition(const char *id, int y0, int y1, char *sv, size_t nsv, char *en, size_t nen,
                             int *den_per);

/* One area-type aggregate: the sum of every RegSO cell of one slice whose
 * RegSO has area type `type` (1..5; 6 = types 1 and 2) in the region
 * `within` (-1 = riket, else the län index), before suppression. */
typedef struct btype_cell {
    int32_t slice;   /* the RegSO slice it aggregates */
    int type_year;
    int16_t within;
    int8_t type;
    uint8_t st;
    int32_t n_regso;
    double num, den;
} btype_cell;

typedef struct bprotect {
    store *x;
    const om_geo *geo;
    int8_t *const *types;        /* types[year - 1900][regso], 0 = none; NULL rows absent */
    const om_publish_rules *rules;
    bool no_secondary;
    bool regso_breakdowns;
    bool kommun_crosses;
    bool no_edu_relation;        /* om_build_options.no_edu_relation */
    int64_t lan_cross_min;       /* crosses of a län published when the indicator's
                                    population there is at least this (0 = always) */
    om_progress progress;
    /* out */
    btype_cell *agg;
    size_t nagg;
    int64_t secondary, primary, components_failed, lp_solves, largest, withheld, withheld_kommun, withheld_lan;
    size_t components;
} bprotect;

/* Area-type aggregates of every RegSO slice, then primary and secondary
 * suppression of the whole publication (protect.c).  Statuses are written
 * into the slices and into bp->agg (owned by bp, free with free()). */
om_status om_barometer_protect_all(bprotect *bp, om_error *err);

/* The change view's tables type_transitions and type_anchored (change.c),
 * after the area types and SEI are in the database. */
struct sqlite3;
om_status om_barometer__change_tables(struct sqlite3 *db, const om_geo *g, const om_build_options *opt,
                                      om_error *err);

/* The police list and its overlaps (police.c), after the area types; sets
 * rep->police_skipped and writes nothing without GDAL. */
om_status om_barometer__police(struct sqlite3 *db, const om_geo *g, const om_build_options *opt,
                               om_build_report *rep, om_error *err);

/* The first_paint table (firstpaint.c): the national RegSO map of the
 * latest area types as a ready-made SVG for `omrade serve` to put into
 * index.html; after the area types and the geometry.  The table is always
 * created; it has no row without area types or a RegSO layer. */
om_status om_barometer__first_paint(struct sqlite3 *db, om_error *err);

#endif

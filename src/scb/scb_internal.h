/* Internal to src/scb: a spreadsheet-like grid of text cells, built from a
 * CSV file or from the first sheet of an .xlsx workbook, on which the layout
 * analysis of scb.c runs.  Rows are dense: cell c of a row is column c of the
 * file (CSV field index, or spreadsheet column with the empty cells that the
 * sheet leaves out filled in), so both sources look the same to the
 * analysis.  Cell text is trimmed of blanks, CR/LF, no-break spaces and a
 * BOM. */
#ifndef OMRADE_SCB_GRID_H
#define OMRADE_SCB_GRID_H

#include "omrade/common.h"
#include "omrade/csv.h"
#include "omrade/geo.h"
#include "omrade/hash.h"
#include "omrade/scb.h"

typedef struct scb_cell {
    const char *s; /* not NUL-terminated */
    uint32_t len;
} scb_cell;

typedef struct scb_row {
    size_t first;   /* index of the row's first cell in grid.cells */
    uint32_t width; /* number of cells */
    long line;      /* CSV line of the row's start, or sheet row number */
} scb_row;

typedef struct scb_grid {
    const char *name; /* input name for messages */
    bool is_xlsx;
    char delim;       /* CSV separator found (0 for .xlsx) */
    om_csv *csv;      /* CSV: owns the text the cells point into */
    om_arena *arena;  /* .xlsx: owns the cell text */
    scb_cell *cells;
    size_t ncells, capcells, max_cells;
    scb_row *rows;
    size_t nrows, caprows;
} scb_grid;

void om_scb_grid_free(scb_grid *g);

/* Append a row of `width` cells (returned uninitialised in *cells).  Errors:
 * OM_ERR_NOMEM when out of memory or over g->max_cells. */
om_status om_scb_grid_add_row(scb_grid *g, uint32_t width, long line, scb_cell **cells,
                           om_error *err);

/* Trim blanks, CR/LF, U+00A0 and a BOM from both ends of s[0..*n). */
void om_scb_trim(const char **s, size_t *n);

/* Build the grid from CSV bytes; `delim` 0 = detect. */
om_status om_scb_grid_csv(scb_grid *g, const char *name, const char *data, size_t len, char delim,
                       size_t max_cells, om_error *err);
/* Build the grid from .xlsx bytes (first sheet).  Unpacked XML parts are
 * capped at max_bytes each, cells at max_cells. */
om_status om_scb_grid_xlsx(scb_grid *g, const char *name, const void *data, size_t len,
                        size_t max_bytes, size_t max_cells, om_error *err);

/* Report an input error at a cell ("file:line:column: <message>"). */
om_status om_scb_grid_fail(const scb_grid *g, size_t row, size_t col, om_error *err,
                        const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 5, 6)))
#endif
    ;


/* The reader of SCB exports is split along its sections: scb.c (entry),
 * scb_cells.c, scb_layout.c, scb_headers.c, scb_output.c, scb_footer.c.
 * What they share: */

struct om_scb_table {
    om_arena *arena;
    om_scb_obs *obs;
    size_t nobs, capobs;
    char **vars;
    size_t nvars, capvars;
    om_strmap *varmap;
    om_scb_summary sum;
    const char *title, *table_id, *source, *updated, *unit, *layout;
    const char **foot;
    size_t nfoot, capfoot;
    struct meta {
        const char *key, *val;
    } *meta;
    size_t nmeta, capmeta;
};
typedef struct {
    const char *s;
    size_t n;
} str;
typedef struct {
    size_t row;
    long rc;          /* column of the region cell */
    om_level level;   /* OM_LEVEL_NONE when unresolved */
    int32_t area;
} drow;

typedef enum { COL_EMPTY, COL_VALUE, COL_TEXT, COL_YEAR, COL_GEO, COL_NOTE } colkind;

typedef struct {
    const om_geo *geo;
    const om_scb_options *opt;
    scb_grid g;
    om_scb_table *t;
    size_t title_row; /* SIZE_MAX when none */
    size_t hstart;    /* first header row */
    size_t d0;        /* first data row */
    size_t dend;      /* first row after the data block */
    drow *rows;
    size_t nrows, caprows;
    bool novalues;
    long dist;        /* CSV: cells from region to row end, incl. the region */
    long nstub;       /* columns left of the region (max) */
    long nval;        /* columns right of the region holding something */
    long nright;      /* columns right of the region (CSV incl. empty trailing ones) */
    size_t *hdr;      /* header rows */
    size_t nhdr;
} ctx;
typedef struct {
    int32_t year;        /* from a year row or a "... 2021" label */
    bool year_name;      /* header says "år"/"year": a year column */
    str *parts;          /* labels top to bottom */
    size_t nparts;
} colhdr;
typedef struct {
    char *p;
    size_t n, cap;
} sbuf;

scb_cell om_scb_cell_at(const scb_grid *g, size_t r, long c);
bool om_scb_row_blank(const scb_grid *g, size_t r);
size_t om_scb_row_nonempty(const scb_grid *g, size_t r);
long om_scb_row_last(const scb_grid *g, size_t r);
bool om_scb_year_like(const char *s, size_t n, int32_t *year);
const char *om_scb_missing_marker(const char *s, size_t n);
bool om_scb_parse_number(const char *s, size_t n, char delim, double *v);
bool om_scb_code_shaped(const char *s, size_t n);
bool om_scb_cell_is_value(const scb_cell *c, char delim);
bool om_scb_cell_is_plain_number(const scb_cell *c, char delim);
char *om_scb_tdup(om_scb_table *t, const char *s, size_t n);
om_status om_scb_nomem(ctx *x, om_error *err);
bool om_scb_area_covers(const om_geo *g, om_level rl, int32_t ra, om_level l, int32_t a);
om_status om_scb_find_layout(ctx *x, om_error *err);
bool om_scb_is_year_name(const char *s, size_t n);
om_status om_scb_header_labels(ctx *x, size_t h, str *out, om_error *err);
bool om_scb_sb_add(sbuf *b, const char *s, size_t n);
om_status om_scb_build(ctx *x, om_error *err);
om_status om_scb_footer(ctx *x, om_error *err);

#endif

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

#endif

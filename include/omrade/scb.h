/* omrade — reading exports from SCB's statistical database (Statistikdatabasen,
 * PxWeb) as they are downloaded, into a tidy long table.
 *
 * One reader takes every layout SCB and its re-users produce, as CSV (',',
 * ';' or tab separated; UTF-8 with or without BOM, UTF-16 with BOM, or
 * Windows-1252 on request; CRLF and quoted multi-line cells tolerated) or
 * as the .xlsx original (first sheet; a legacy .xls is refused by name):
 *   - a title line ("Folkmängden per region efter region, år och kön"),
 *   - header rows naming the values' dimensions (tabellinnehåll, år, kön,
 *     ...), with or without a header over the region column, repeated or
 *     written once per merged span,
 *   - a year row, a year column left of the region, or years in column
 *     names ("Antal 2021"),
 *   - regions as codes (0114A0010, 0114R001, 0114, 01), "Kommun (RegSO)"
 *     labels, PxWeb "code name" labels, kommun or län names,
 *   - long tables with text dimension columns ("region","kön","Antal 2020"),
 *   - "..", ".", "-", "–" for missing values,
 *   - a footnote and metadata block at the end (Senaste uppdatering, Källa,
 *     Sort, Intern referenskod, ...).
 * The layout is detected from the content; docs/import.md describes the
 * rules.  Every value becomes one observation: region, year, variable,
 * value.  Nothing is dropped silently: unresolvable regions are kept (and
 * counted) unless the caller asks for them to be an error, and the skipped
 * parts of the file (repeated headers, empty or geography columns) are
 * counted in om_scb_summary. */
#ifndef OMRADE_SCB_H
#define OMRADE_SCB_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"
#include "omrade/geo.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum om_scb_format {
    OM_SCB_AUTO = 0, /* .xlsx when the input is a ZIP archive, else CSV */
    OM_SCB_CSV,
    OM_SCB_XLSX
} om_scb_format;

typedef struct om_scb_options {
    om_scb_format format;
    char delim;            /* CSV separator; 0 = detect among ',' ';' '\t' */
    bool fail_unresolved;  /* a region the registry does not know is an
                              OM_ERR_INPUT error instead of a counted row */
    int32_t default_year;  /* year for tables that name none; 0 = unknown */
    size_t max_bytes;      /* cap on the input (and on the unpacked .xlsx
                              sheet and strings); 0 = 512 MiB */
    size_t max_cells;      /* cap on cells in the input; 0 = 64 Mi */
    bool latin1;           /* CSV is ISO-8859-1/Windows-1252 (older PxWeb
                              "Ansi" downloads): transcode to UTF-8 */
} om_scb_options;

/* One observation.  Strings are owned by the table. */
typedef struct om_scb_obs {
    om_level level;     /* level of the region; OM_LEVEL_NONE when unresolved */
    int32_t area;       /* dense index at `level` in the registry; -1 when unresolved */
    int32_t year;       /* 0 when the table names no year */
    int32_t variable;   /* index for om_scb_variable() */
    double value;       /* NaN when missing */
    const char *missing;     /* NULL when the value is present; else the marker
                                as written ("..", ".", "-", ...; "" for an
                                empty cell) */
    const char *region_text; /* the region cell as written (trimmed) */
    long line;          /* input line (CSV) or sheet row (.xlsx) of the value */
} om_scb_obs;

/* What the reader saw and skipped; every count is also in docs/import.md. */
typedef struct om_scb_summary {
    size_t data_rows;        /* rows holding a region */
    size_t values;           /* observations (= om_scb_nobs) */
    size_t missing;          /* observations with a missing marker */
    size_t unresolved_rows;  /* data rows whose region did not resolve */
    size_t repeated_headers; /* header rows repeated inside the data, skipped */
    size_t header_rows;      /* header rows above the data (title excluded) */
    size_t footer_rows;      /* rows of the footnote/metadata block */
    size_t empty_columns;    /* columns with no value in any data row, skipped */
    size_t geo_columns;      /* columns repeating the region or a parent of it
                                (a kommun code, a name), skipped */
    size_t text_columns;     /* text dimension columns folded into `variable` */
    size_t note_cells;       /* stray text cells in columns right of the values
                                that hold no number (notes pasted into the
                                sheet), skipped */
    size_t value_columns;    /* numeric columns turned into observations */
} om_scb_summary;

typedef struct om_scb_table om_scb_table;

/* Read `path` ("-" = standard input) and resolve its regions through `geo`.
 * `opt` may be NULL.  Destroy the result with om_scb_free().  Errors:
 * OM_ERR_IO (cannot read), OM_ERR_INPUT with file:line:column (invalid
 * UTF-8, unterminated quote, a row with fewer/more values than the others,
 * a non-numeric value in a numeric column, header rows that do not fit the
 * value columns, an unresolvable region with fail_unresolved, two values for
 * the same region, year and variable, a broken .xlsx), OM_ERR_NOMEM (also
 * when a cap of `opt` is exceeded). */
om_status om_scb_read(om_scb_table **out, const char *path, const om_geo *geo,
                      const om_scb_options *opt, om_error *err);
/* The same over data[0..len), reported under `name` (used by the fuzzer and
 * for inputs already in memory).  Destroy with om_scb_free(). */
om_status om_scb_read_mem(om_scb_table **out, const char *name, const void *data, size_t len,
                          const om_geo *geo, const om_scb_options *opt, om_error *err);

/* The first sheet of an .xlsx workbook as CSV text (one line per sheet
 * row, cells trimmed, RFC 4180 quoting), for readers of other tables kept
 * in xlsx, e.g. SCB's DeSO-RegSO key files (om_geo_load_mem).  *out is
 * malloc'ed (free() it), *len its length.  Errors as om_scb_read(). */
om_status om_scb_sheet_csv(const char *path, char **out, size_t *len, om_error *err);

/* omrade import's outputs.  The table: region,level,label,year,variable,
 * value,missing (an unresolved region keeps its text in label; missing
 * holds the marker, "blank" for an empty cell). */
void om_scb_write_data(FILE *fp, const om_scb_table *t, const om_geo *g);
/* field,value: title, table id, source, updated, unit, layout, variables,
 * footnotes and the footer's sections. */
void om_scb_write_meta(FILE *fp, const om_scb_table *t);
void om_scb_free(om_scb_table *t);

/* Observations in file order (row by row, columns left to right). */
size_t om_scb_nobs(const om_scb_table *t);
const om_scb_obs *om_scb_obs_at(const om_scb_table *t, size_t i);
/* Variables: the header labels over a value column and the text dimension
 * values of its row, joined with '|' (e.g. "Låg ekonomisk standard,
 * procent|totalt ålder"); "value" when the table has no such label. */
size_t om_scb_nvariables(const om_scb_table *t);
const char *om_scb_variable(const om_scb_table *t, int32_t i);
const om_scb_summary *om_scb_summary_get(const om_scb_table *t);

/* Table metadata; "" when the file does not state it.  Owned by the table.
 *   title     the first line ("Antal hushåll efter region, år och hushållstyp")
 *   table_id  SCB's internal reference (Intern referenskod), e.g. "000005QX"
 *   source    Källa, e.g. "SCB"
 *   updated   Senaste uppdatering, e.g. "20240322 08:00" (the first one)
 *   unit      Sort, e.g. "antal" (several joined with "; ")
 *   layout    what the reader detected, e.g. "title, 2 header rows, year row,
 *             region column 1, 5 value columns, footer" */
const char *om_scb_title(const om_scb_table *t);
const char *om_scb_table_id(const om_scb_table *t);
const char *om_scb_source(const om_scb_table *t);
const char *om_scb_updated(const om_scb_table *t);
const char *om_scb_unit(const om_scb_table *t);
const char *om_scb_layout(const om_scb_table *t);
/* Footnotes: the text rows of the footer before its first "Key:" line, one
 * per row (multi-line cells kept whole). */
size_t om_scb_nfootnotes(const om_scb_table *t);
const char *om_scb_footnote(const om_scb_table *t, size_t i);
/* Every "Key:" section of the footer in order: key without the colon and
 * its lines joined with '\n'. */
size_t om_scb_nmeta(const om_scb_table *t);
void om_scb_meta(const om_scb_table *t, size_t i, const char **key, const char **value);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

/* The files that join omrade's stages: one schema per format.
 *
 * Each file that one module writes and another reads (the SEI counts from
 * `omrade indicators` into `omrade sei`, SEI and area types from `omrade
 * sei` into `omrade build`, ...) is described here once: its columns, their
 * types and ranges.  The writer writes its header from the schema and the
 * reader finds its columns through it, so a column renamed on one side is
 * renamed on both; `omrade formats` prints the schemas and docs/formats.md
 * shows that output (its examples run as tests, so the manual cannot drift
 * from the code). */
#ifndef OMRADE_FORMATS_H
#define OMRADE_FORMATS_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/csv.h"
#include "omrade/common.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum om_coltype {
    OM_COL_TEXT,   /* free text (a name) */
    OM_COL_AREA,   /* an area code: DeSO, RegSO, kommun, län, or 00 for riket */
    OM_COL_LEVEL,  /* deso, regso, kommun, lan or riket */
    OM_COL_YEAR,   /* a year 1900-2100 */
    OM_COL_INT,    /* an integer in [min, max] */
    OM_COL_NUMBER, /* a finite decimal number in [min, max] */
    OM_COL_CODE    /* one of the words listed in `values` */
} om_coltype;

typedef struct om_column {
    const char *name;
    om_coltype type;
    double min, max;    /* OM_COL_INT and OM_COL_NUMBER */
    bool empty_ok;      /* may be empty (a missing value) */
    bool optional;      /* may be absent (files of earlier versions): idx -1 */
    const char *values; /* OM_COL_CODE: the words, separated by '|' */
    const char *doc;    /* one line for the manual */
} om_column;

typedef struct om_format {
    const char *id;      /* e.g. "sei" */
    const char *title;   /* what the file is */
    const char *writer;  /* the command that writes it */
    const char *readers; /* the commands that read it */
    size_t ncols;
    const om_column *cols;
} om_format;

/* The known formats, in pipeline order; NULL past the end. */
const om_format *om_format_at(size_t i);
/* By id; NULL when unknown. */
const om_format *om_format_find(const char *id);
/* "text", "area", "level", "year", "integer", "number" or "code". */
const char *om_coltype_name(om_coltype t);

/* The header line of f (column names separated by commas, then "\n"). */
om_status om_format_write_header(const om_format *f, FILE *fp, om_error *err);
/* The header line of the columns of f for which keep() is true, in the
 * schema's order: for outputs whose columns depend on the options (rates). */
om_status om_format_write_header_if(const om_format *f, FILE *fp, bool (*keep)(const om_column *c, void *ctx),
                                    void *ctx, om_error *err);
/* The header without f's optional columns: for writers that have none of
 * them (e.g. barometer-indicators without intervals). */
om_status om_format_write_header_required(const om_format *f, FILE *fp, om_error *err);
/* The header of f's required columns and of the optional columns named in
 * `optional` (NULL-terminated), in the schema's order: e.g. barometer-
 * indicators with `edu` but without intervals. */
om_status om_format_write_header_with(const om_format *f, FILE *fp, const char *const *optional, om_error *err);
/* Find f's columns in c's header (read already): idx[i] is the column of
 * f->cols[i].  A missing column is OM_ERR_INPUT naming it and the format;
 * other columns are allowed (ignored). */
om_status om_format_columns(const om_format *f, const om_csv *c, int *idx, om_error *err);

/* Ids of the formats joining the stages. */
#define OM_FORMAT_AREATYPES "areatypes"
#define OM_FORMAT_SEI_COUNTS "sei-counts"
#define OM_FORMAT_SEI "sei"
#define OM_FORMAT_POPULATION "population"
#define OM_FORMAT_TYPES_SUMMARY "types-summary"
#define OM_FORMAT_BAROMETER_INDICATORS "barometer-indicators"
#define OM_FORMAT_SEG "seg"
#define OM_FORMAT_LINK "link"
#define OM_FORMAT_RATES "rates"

#pragma GCC visibility pop
#endif

/* omrade — registers as agencies store them: SAS (.sas7bdat), Stata (.dta)
 * and SPSS (.sav, .zsav) files read through ReadStat (Evan Miller's library,
 * Debian libreadstat-dev) as CSV text, so that every reader of CSV input
 * accepts them: om_csv_open() hands a path with one of these extensions to
 * om_readstat_open().  Errors then name positions in the file as CSV (the
 * text `readstat FILE -` or om_readstat_csv() prints: line 1 the variable
 * names, line n+1 observation n), with the same messages as for CSV.
 *
 * Values become CSV fields as follows: strings as they are (converted to
 * UTF-8 from the file's encoding), missing values of every kind (system,
 * SAS/Stata tagged, SPSS user-defined) as empty fields, integers and
 * integral doubles below 2^53 as plain integers, other doubles as the
 * shortest text that reads back exactly (om_fmt_double), floats as the
 * shortest text that reads back as the same float, and numeric variables
 * with a date format (SAS DATE/YYMMDD/E8601DA/DDMMYY/MMDDYY, Stata %td,
 * SPSS DATE/ADATE/EDATE/SDATE) as YYYY-MM-DD. */
#ifndef OMRADE_READSTAT_H
#define OMRADE_READSTAT_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/csv.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum om_readstat_format {
    OM_READSTAT_NONE = 0,
    OM_READSTAT_SAS7BDAT,
    OM_READSTAT_DTA,
    OM_READSTAT_SAV /* .sav and .zsav */
} om_readstat_format;

/* The format named by the path's extension (case-insensitive); NONE for
 * any other path, including "-". */
om_readstat_format om_readstat_format_of(const char *path);

/* The whole file as CSV text (malloc'd, NUL-terminated; the caller frees
 * *text).  `max_bytes` (0 = unlimited) caps the text; `max_fields` (0 =
 * 65536) the number of variables; exceeding either is OM_ERR_NOMEM.
 * Errors: OM_ERR_INPUT when the file cannot be opened or is not a valid
 * file of its format (ReadStat's reason in the message), OM_ERR_NOMEM. */
om_status om_readstat_csv(const char *path, om_readstat_format fmt, size_t max_bytes,
                          size_t max_fields, char **text, size_t *len, om_error *err);
/* The same for a file image in memory, reported under `name` (fuzzing). */
om_status om_readstat_csv_mem(const void *data, size_t size, const char *name,
                              om_readstat_format fmt, size_t max_bytes, size_t max_fields,
                              char **text, size_t *len, om_error *err);

/* A CSV reader over om_readstat_csv()'s text, named `path`; notes `path`
 * as an input (om_afile_note_input).  Destroy with om_csv_free(). */
om_status om_readstat_open(om_csv **out, const char *path, om_readstat_format fmt,
                           const om_csv_options *opt, om_error *err);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

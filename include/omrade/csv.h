/* omrade — CSV reading and writing.
 *
 * The reader maps the whole input (mmap for regular files, one growing read
 * for pipes and stdin), strips a UTF-8 BOM, checks UTF-8 once, and hands out
 * records as arrays of (pointer, length) fields that stay valid until the
 * next call to om_csv_next().  RFC 4180 quoting ("a ""b"" c") is supported,
 * CRLF and LF line ends alike.  Line numbers are computed only when an error
 * is reported, so the hot loop does no line counting.  Typed getters turn a
 * bad field into an error "file:line:column: expected integer in column 'x',
 * found 'abc'". */
#ifndef OMRADE_CSV_H
#define OMRADE_CSV_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct om_field {
    const char *ptr;
    size_t len;
} om_field;

typedef struct om_csv_options {
    char delim;            /* field separator; 0 means ',' */
    bool no_utf8_check;    /* skip the UTF-8 and control-character validation pass */
    size_t max_fields;     /* cap on fields per record; 0 means 65536 */
    size_t max_bytes;      /* cap on input size read from a pipe; 0 means unlimited */
    /* Check UTF-8 and control bytes as om_csv_next() reaches them instead of
     * in a pass of its own at open: one pass over memory instead of two,
     * for readers that go through every record (a register extract many
     * times the cache).  The errors are the same, file:line:column and
     * all, but come from om_csv_read_header()/om_csv_next() instead of the
     * open; before any error of its own (om_csv_next, om_csv_fail*, the
     * typed getters, om_csv_require) the reader checks the rest of the
     * input, so the first error reported is the one a check at open would
     * have reported.  om_csv_data() is checked only up to om_csv_offset(),
     * and om_csv_open_slice() checks all the rest first (on its thread). */
    bool check_as_read;
} om_csv_options;

typedef struct om_csv om_csv;

/* Open `path` ("-" = standard input, reported as "<stdin>").  `opt` may be
 * NULL.  Destroy with om_csv_free().  Errors: OM_ERR_IO (cannot open/read),
 * OM_ERR_INPUT (invalid UTF-8, with its line and column), OM_ERR_NOMEM. */
om_status om_csv_open(om_csv **out, const char *path, const om_csv_options *opt,
                      om_error *err);
/* Reader over an open descriptor (mapped when it is a regular file, read to
 * the end otherwise), reported under `name`; the caller closes fd (at once
 * if it likes: the mapping stays).  Destroy with om_csv_free(). */
om_status om_csv_open_fd(om_csv **out, const char *name, int fd, const om_csv_options *opt,
                         om_error *err);
/* Reader over a copy of data[0..len), reported under `name`.
 * Destroy with om_csv_free(). */
om_status om_csv_open_mem(om_csv **out, const char *name, const void *data, size_t len,
                          const om_csv_options *opt, om_error *err);
/* A reader over bytes [begin, end) of `parent`'s input (offsets as returned
 * by om_csv_split()), sharing its memory: `parent` must outlive it.  Header
 * columns are copied from the parent.  Destroy with om_csv_free(). */
om_status om_csv_open_slice(om_csv **out, const om_csv *parent, size_t begin, size_t end,
                            om_error *err);
void om_csv_free(om_csv *c);

/* The input contract (docs/fuzzing.md, "Input contract") is on by default:
 * once om_csv_read_header() has read a header, om_csv_next() rejects a
 * record whose field count differs from the header's ("expected 4 fields,
 * found 3"; a blank line is left to the caller), and the
 * input may hold no control characters other than TAB, CR and LF (a NUL
 * inside a code would silently cut it short later; skipped with
 * no_utf8_check).  om_csv_set_ragged(c, true) lifts the field-count rule for
 * formats whose rows legitimately vary (SCB's table exports).  Slices opened
 * afterwards inherit the setting. */
void om_csv_set_ragged(om_csv *c, bool ragged);

/* Advance to the next record.  *got is false at end of input.  Errors:
 * OM_ERR_INPUT for an unterminated quote, too many fields (max_fields) or
 * a field count other than the header's (see above). */
om_status om_csv_next(om_csv *c, bool *got, om_error *err);
/* The reading loop of a reader that stops at its first error:
 *     while (om_csv_row(c, &s, err)) { ... a failing check sets s ... }
 * reads the next record when *s is OM_OK and says whether there is one;
 * false at the end of input, on a read error (then in *s and err) and when
 * *s already holds an error. */
bool om_csv_row(om_csv *c, om_status *s, om_error *err);

size_t om_csv_nfields(const om_csv *c);
/* Field i of the current record ({NULL,0} when i is out of range). */
om_field om_csv_field(const om_csv *c, size_t i);
bool om_csv_empty(const om_csv *c, size_t i);
/* 1-based line and column of the start of field i of the current record.
 * Incremental: asking for every record in order costs O(input) overall. */
long om_csv_line(const om_csv *c);
long om_csv_column(const om_csv *c, size_t i);
const char *om_csv_name(const om_csv *c);
/* Byte offset of the next unread record and the total input length. */
size_t om_csv_offset(const om_csv *c);
size_t om_csv_length(const om_csv *c);
/* The whole (BOM-stripped) input; valid for the reader's lifetime. */
const char *om_csv_data(const om_csv *c);
/* Give the memory of the records before the current one back (a mapped
 * file read once front to back would otherwise stay resident until
 * om_csv_free); cheap enough to call after every record.  Read again
 * through om_csv_data(), those bytes come back from the file as it is
 * (quoted fields no longer unescaped). */
void om_csv_release(om_csv *c);

/* Split the unread input into n pieces at line ends: offsets[0..n] (n+1
 * values, offsets[0] = current offset, offsets[n] = length).  Only valid for
 * inputs without quoted line breaks (numeric register extracts). */
void om_csv_split(const om_csv *c, size_t n, size_t *offsets);

/* Read the first record as the header, after skipping leading lines that
 * start with '#' (the provenance block of omrade's outputs, see
 * docs/provenance.md).  An empty input is an error
 * ("expected a header line, found an empty file"). */
om_status om_csv_read_header(om_csv *c, om_error *err);
size_t om_csv_header_count(const om_csv *c);
om_field om_csv_header_field(const om_csv *c, size_t i);
/* Column index of a header name (exact, case-sensitive), -1 if absent. */
int om_csv_col(const om_csv *c, const char *name);
/* Look up every name; the first missing one is an error naming it and the
 * columns that were found. */
om_status om_csv_require(const om_csv *c, const char *const *names, size_t n, int *idx,
                         om_error *err);
/* om_csv_open(), om_csv_read_header() and om_csv_require() in one: the
 * reader of a file whose header must hold `names` (their indices in
 * idx[0..n)), positioned before the first record.  On failure *out is NULL
 * and nothing is left open.  Destroy with om_csv_free(). */
om_status om_csv_open_cols(om_csv **out, const char *path, const om_csv_options *opt,
                           const char *const *names, size_t n, int *idx, om_error *err);

/* Typed access to field i of the current record.  Errors are OM_ERR_INPUT
 * with the field's position and the header name when there is one. */
om_status om_csv_i64(const om_csv *c, size_t i, int64_t *out, om_error *err);
om_status om_csv_f64(const om_csv *c, size_t i, double *out, om_error *err);
/* Largest count om_csv_count() accepts when `max` is 0: 2^53, the largest
 * integer a double (used by the statistics) represents exactly together with
 * all smaller ones. */
#define OM_CSV_COUNT_MAX INT64_C(9007199254740992)
/* A count: a non-negative integer written in plain decimal digits ("12";
 * not "12.0", "1e3", "-1" or "+1"), at most `max` (0 = OM_CSV_COUNT_MAX).
 * Errors: OM_ERR_INPUT "expected a count (a whole number) in column 'x',
 * found '2.5'", "expected a non-negative count ...", "expected a count of
 * at most MAX ...". */
om_status om_csv_count(const om_csv *c, size_t i, int64_t max, int64_t *out, om_error *err);
/* A finite number within [lo, hi] (a share, a rate, a percentage).
 * Errors: OM_ERR_INPUT naming the range and the text found. */
om_status om_csv_share(const om_csv *c, size_t i, double lo, double hi, double *out,
                       om_error *err);
/* The record must have exactly n fields. */
om_status om_csv_expect_fields(const om_csv *c, size_t n, om_error *err);
/* Report an input error at field i of the current record (i past the end:
 * the end of the record).  Always returns OM_ERR_INPUT. */
om_status om_csv_fail(const om_csv *c, size_t i, om_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;
/* Same, at an arbitrary byte offset of the input. */
om_status om_csv_fail_at(const om_csv *c, size_t offset, om_error *err, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

/* ---------------------------------------------------------------- writing */

/* Write one field, quoted when it contains the separator, a quote or a line
 * break. */
void om_csv_write_field(FILE *fp, const char *s, size_t len);
void om_csv_write_str(FILE *fp, const char *s);
/* Shortest exact decimal (om_fmt_double); NaN writes an empty field. */
void om_csv_write_double(FILE *fp, double v);
void om_csv_write_i64(FILE *fp, int64_t v);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

/* omrade — common conventions: status codes, error context, arenas,
 * atomic output files, progress callbacks, number formatting.
 *
 * Every fallible library function returns an om_status and takes an
 * om_error * as its last argument.  On failure the error holds a message of
 * the form "file:line:column: expected X, found Y" (file/line/column when
 * known).  The library never prints and never exits.
 */
#ifndef OMRADE_COMMON_H
#define OMRADE_COMMON_H
/* Declarations here are the exported API of libomrade.so; everything else
 * in the library is hidden (-fvisibility=hidden, test api/symbols). */
#pragma GCC visibility push(default)

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define OM_VERSION_STRING "0.1.0"

/* Status codes.  OM_OK is zero; everything else is a failure. */
typedef enum om_status {
    OM_OK = 0,
    OM_ERR_INPUT,    /* bad input data: parse error, invalid code, inconsistent values */
    OM_ERR_USAGE,    /* bad arguments from the caller (CLI: bad flags) */
    OM_ERR_IO,       /* cannot open/read/write a file */
    OM_ERR_NOMEM,    /* allocation failed or an input-driven cap was exceeded */
    OM_ERR_NOTFOUND, /* a looked-up item does not exist */
    OM_ERR_INTERNAL  /* a bug or an external library failure */
} om_status;

/* Human name of a status ("input error", ...).  Never NULL. */
const char *om_status_name(om_status s);

/* Process exit code for a status, per CONTRIBUTING.md:
 * 0 ok, 2 bad input or usage, 1 any other runtime failure. */
int om_status_exit_code(om_status s);

/* Error context.  Callers usually keep one on the stack, initialised with
 * OM_ERROR_INIT or om_error_clear().  Owns no heap memory. */
typedef struct om_error {
    om_status status;
    long line;      /* 1-based; 0 when not applicable */
    long column;    /* 1-based; 0 when not applicable */
    char file[256]; /* input name ("-" or "<stdin>" for standard input); "" when none */
    char msg[768];  /* what was expected and what was found */
} om_error;

#define OM_ERROR_INIT {OM_OK, 0, 0, {0}, {0}}

void om_error_clear(om_error *err);

/* Record an error; returns `status` so callers can `return om_error_set(...)`.
 * `err` may be NULL (the error is then only returned).  `file` may be NULL. */
om_status om_error_set(om_error *err, om_status status, const char *file, long line,
                       long column, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 6, 7)))
#endif
    ;
om_status om_error_setv(om_error *err, om_status status, const char *file, long line,
                        long column, const char *fmt, va_list ap);

/* The one out-of-memory report: sets "out of memory" (no position) and
 * returns OM_ERR_NOMEM, so that `return om_error_nomem(err);` ends a failed
 * allocation.  `err` may be NULL. */
om_status om_error_nomem(om_error *err);

/* Format "file:line:column: msg" (parts omitted when unknown) into buf.
 * Returns buf.  Newlines in the message are replaced by spaces so the result
 * is always one line. */
const char *om_error_format(const om_error *err, char *buf, size_t size);

/* ---------------------------------------------------------------- years */

/* Calendar years omrade accepts in any input (register, SCB and area-type
 * years, query parameters): the registers and SCB's tables begin in the
 * 20th century, and the bounds keep per-year arrays small. */
#define OM_YEAR_MIN 1900
#define OM_YEAR_MAX 2100
static inline bool om_year_valid(int64_t y)
{
    return y >= OM_YEAR_MIN && y <= OM_YEAR_MAX;
}

/* ----------------------------------------------------------- growth */

/* Make the array *pp (elements of `size` bytes, capacity *cap) hold at
 * least `need` elements: the capacity doubles, starting at `first`, so n
 * appends cost O(n) copying.  `pp` is the address of the array pointer
 * (e.g. &rows); NULL *pp with *cap 0 is an empty array.  On failure (no
 * memory, or the byte count overflows size_t) nothing changes and
 * om_error_nomem(err) is returned.  Free the array with free(). */
om_status om_grow(void *pp, size_t *cap, size_t need, size_t size, size_t first, om_error *err);
/* The same for n parallel arrays that share one capacity (a table kept as
 * one array per column): pps[k] is the address of array k and sizes[k] its
 * element size.  On failure *cap is unchanged (arrays already moved keep
 * at least their old contents and capacity) and om_error_nomem(err) is
 * returned. */
om_status om_grow_all(void *const *pps, const size_t *sizes, size_t n, size_t *cap, size_t need,
                      size_t first, om_error *err);
/* Allocate n arrays of `count` elements each (at least one, so that none
 * is NULL on success): the columns of a table whose length is known.
 * pps[k] is the address of array k, NULL before, and sizes[k] its element
 * size; contents are uninitialised.  On failure the arrays allocated so far
 * stay (om_free_all() frees them) and om_error_nomem(err) is returned. */
om_status om_alloc_all(void *const *pps, const size_t *sizes, size_t n, size_t count, om_error *err);
/* free() the arrays at the addresses pps[0..n) and set them to NULL. */
void om_free_all(void *const *pps, size_t n);

/* -------------------------------------------------------------- sorting */

/* A number with the position it came from: rank, select or shuffle by key
 * and read back the positions. */
typedef struct om_keyed {
    double key;
    size_t i;
} om_keyed;
/* Sort a[0..n) by key ascending, equal keys by i ascending, so that the
 * order is the same whatever the qsort of the C library does with ties.
 * Keys must not be NaN. */
void om_keyed_sort(om_keyed *a, size_t n);

/* ---------------------------------------------------------------- arena */

/* A bump allocator for per-file and per-request memory.  Created by
 * om_arena_new(), destroyed by om_arena_free() (accepts NULL) which releases
 * every allocation at once.  `cap_bytes` (0 = unlimited) bounds the total so
 * that untrusted input cannot drive unbounded allocation. */
typedef struct om_arena om_arena;
om_arena *om_arena_new(size_t cap_bytes);
void om_arena_free(om_arena *a);
/* 16-byte aligned, uninitialised; NULL when out of memory or over the cap. */
void *om_arena_alloc(om_arena *a, size_t n);
void *om_arena_calloc(om_arena *a, size_t count, size_t size);
/* Copy of s[0..len) with a terminating NUL; NULL on failure. */
char *om_arena_strndup(om_arena *a, const char *s, size_t len);
size_t om_arena_used(const om_arena *a);

/* ---------------------------------------------------------- atomic file */

/* An output file written to "<path>.tmp.<pid>" in the target directory and
 * renamed over `path` only by om_afile_commit(), so no half-written file is
 * ever left behind.  The path "-" writes to stdout (commit flushes); an
 * existing device or FIFO (/dev/null, a named pipe) is written in place.
 * Created by om_afile_open(); om_afile_abort() (accepts NULL) removes the
 * temporary file and frees the handle; om_afile_commit() frees it too.
 * om_afile_open() first removes temporaries of `path` left by killed runs
 * (om_afile_clean_stale()).  Errors: OM_ERR_USAGE when `path` is a
 * directory, has no existing parent directory, or is the same file (device
 * and inode) as an input noted with om_afile_note_input() (checked again at
 * commit, for inputs opened later); OM_ERR_IO otherwise.  Write errors name
 * the path and the OS reason ("out.csv: cannot write: No space left on
 * device"). */
typedef struct om_afile om_afile;
om_status om_afile_open(om_afile **out, const char *path, om_error *err);
FILE *om_afile_stream(om_afile *f);
om_status om_afile_commit(om_afile *f, om_error *err);
void om_afile_abort(om_afile *f);
/* The error for a failed write to f's stream (path and errno of the first
 * failed write); f NULL or "-" means standard output.  Returns OM_ERR_IO. */
om_status om_afile_write_error(const om_afile *f, om_error *err);
/* The same for a library function that only has the FILE *: when `fp` is
 * the stream of an open afile its path and first write errno are used,
 * otherwise "<stdout>" and errno.  Returns OM_ERR_IO. */
om_status om_afile_stream_error(FILE *fp, om_error *err);

/* Inputs of this process, so that no output replaces one.  om_csv_open()
 * notes every file it opens; readers of other formats call
 * om_afile_note_input() themselves.  Non-regular files ("-", pipes) are
 * ignored.  Thread-safe. */
void om_afile_note_input(const char *path);
/* OM_ERR_USAGE when `path` exists and is a directory or one of the noted
 * inputs; OM_OK otherwise (also when it does not exist yet). */
om_status om_afile_check_target(const char *path, om_error *err);
/* Forget the noted inputs (tests; a long-running process between jobs). */
void om_afile_forget_inputs(void);
/* Remove "<path>.tmp.<pid>[.x|-x]" files and directories next to `path`
 * whose process no longer exists (kill -9, power loss).  Returns how many
 * were removed.  Temporaries of live processes are never touched. */
int om_afile_clean_stale(const char *path);

/* A directory of outputs replaced as a whole: files are written into
 * om_adir_path() ("<dir>.tmp.<pid>", next to `dir`), and om_adir_commit()
 * swaps it with `dir` (renameat2 RENAME_EXCHANGE), so after any failure or
 * kill `dir` holds the complete previous set.  Entries of the previous `dir`
 * that the new set lacks are kept.  Created by om_adir_open(); destroyed by
 * om_adir_commit() or om_adir_abort() (accepts NULL; removes the temporary
 * directory).  Errors: OM_ERR_USAGE for "." / ".." / a file, OM_ERR_IO. */
typedef struct om_adir om_adir;
om_status om_adir_open(om_adir **out, const char *dir, om_error *err);
const char *om_adir_path(const om_adir *d);
om_status om_adir_commit(om_adir *d, om_error *err);
void om_adir_abort(om_adir *d);

/* ------------------------------------------------------------- progress */

/* Progress callback for long jobs: `done` out of `total` units of `what`.
 * The library calls it at most every ~1 % of progress; the CLI draws a bar
 * on a terminal.  A NULL callback means no reporting. */
typedef void (*om_progress_fn)(void *user, const char *what, uint64_t done, uint64_t total);
typedef struct om_progress {
    om_progress_fn fn;
    void *user;
} om_progress;

/* ------------------------------------------------------------- numbers */

/* Locale-independent parsing of a whole field (no surrounding blanks).
 * Return false when the text is not a number of that kind or overflows. */
bool om_parse_i64(const char *s, size_t len, int64_t *out);
/* Decimal or scientific notation; '.' decimal point only.  Correctly rounded
 * (Clinger's fast path, strtod fallback in the "C" locale). */
bool om_parse_double(const char *s, size_t len, double *out);

/* Shortest decimal text that reads back as exactly `v` (tries %.15g, %.16g,
 * %.17g), locale independent.  NaN/inf are written as empty strings.
 * Returns the length written (buf should hold at least 32 bytes). */
int om_fmt_double(char *buf, size_t size, double v);
/* Fixed decimals, locale independent; NaN gives "". */
int om_fmt_fixed(char *buf, size_t size, double v, int decimals);

/* ------------------------------------------------------------- UTF-8 */

/* Offset of the first invalid UTF-8 byte in s[0..len), or `len` when valid. */
size_t om_utf8_invalid_at(const char *s, size_t len);

/* Second byte d of a two-byte letter C3 d, lower-cased for the Swedish and
 * German capitals Å Ä Ö É Ü (U+00C5 C4 D6 C9 DC -> U+00E5 E4 F6 E9 FC, i.e.
 * d + 0x20); any other d is returned unchanged.  The barometer's search
 * folding: the build and the server must fold the same way. */
static inline unsigned char om_utf8_sv_lower_c3(unsigned char d)
{
    return d == 0x85 || d == 0x84 || d == 0x96 || d == 0x89 || d == 0x9C ? (unsigned char)(d + 0x20) : d;
}

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

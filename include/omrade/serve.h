/* omrade — the barometer HTTP server (`omrade serve`).
 *
 * A read-only JSON API over a database written by om_build_run(), plus the
 * built front end, served with libmicrohttpd on a loopback address.  Every
 * response carries an ETag and Cache-Control; bodies over 1 KiB are gzip
 * compressed when the client accepts it; errors are JSON
 * {"error":{"status":N,"message":"..."}}.  Only GET and HEAD are accepted,
 * URLs are capped at OM_QUERY_MAX_URL bytes and query strings at
 * OM_QUERY_MAX_PARAMS parameters; static files are preloaded at start, so a
 * request path can only ever name one of them (no path traversal).
 * The API is described in docs/barometer.md. */
#ifndef OMRADE_SERVE_H
#define OMRADE_SERVE_H

#include "omrade/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------- query strings */

#define OM_QUERY_MAX_PARAMS 16
#define OM_QUERY_MAX_KEY 32    /* bytes incl. NUL */
#define OM_QUERY_MAX_VALUE 256 /* bytes incl. NUL */
#define OM_QUERY_MAX_URL 2048

/* Parsed, validated query parameters (no heap memory). */
typedef struct om_query {
    size_t n;
    struct {
        char key[OM_QUERY_MAX_KEY];
        char val[OM_QUERY_MAX_VALUE];
    } kv[OM_QUERY_MAX_PARAMS];
} om_query;

/* Parse a raw query string "a=1&b=x%20y" (no leading '?'): '+' is a space,
 * %XX is decoded, empty pairs are skipped.  Keys must be [a-z0-9_], values
 * valid UTF-8 without control characters; a key may appear once.  Errors
 * (OM_ERR_USAGE, message names the parameter): too many parameters, a key or
 * value too long, bad %-escape, bad characters, duplicate key. */
om_status om_query_parse(om_query *q, const char *qs, size_t len, om_error *err);
/* Add one decoded pair with the same checks. */
om_status om_query_add(om_query *q, const char *key, const char *val, om_error *err);
/* Value of `key`, or NULL. */
const char *om_query_get(const om_query *q, const char *key);

/* Check a request path: starts with '/', at most OM_QUERY_MAX_URL bytes, no
 * "..", "//", backslash or control characters.  OM_ERR_USAGE otherwise. */
om_status om_path_check(const char *path, size_t len, om_error *err);

/* ------------------------------------------------------ one request */

/* Answer one GET request `url` ("/api/values?indicator=...") from the
 * database at `db` exactly as the server would, without a network (for
 * scripts, tests and `omrade serve --get`).  *status is the HTTP status;
 * *body (malloc'd, NUL-terminated, free() it) is the uncompressed answer,
 * a JSON error for statuses other than 200.  Map layers (/api/geo/...) are
 * answered too.  Errors: OM_ERR_IO when the database cannot be opened,
 * OM_ERR_NOMEM. */
om_status om_serve_get(const char *db, const char *url, int *status, char **body, size_t *len,
                       om_error *err);

/* ------------------------------------------------------------- export */

/* Counts of one export (nothing is left out silently: every cell with a
 * status is a row). */
typedef struct om_export_report {
    int64_t rows, published, primary, secondary;
    int64_t suppressed; /* database from before the primary/secondary split */
    bool split;         /* the database tells primary from secondary */
} om_export_report;

/* Write every cell of the barometer database `db` to `out` as long CSV
 * with the columns indicator,year,sex,age,born,level,code,within,
 * area_type,status,numerator,denominator,value (docs/barometer.md, Export):
 * geographic cells with level regso/kommun/lan/riket and their code,
 * area-type aggregates with level area_type, area_type 1..5 or 1-2 and
 * within the region they cover; status published, primary or secondary;
 * empty numbers for suppressed cells.  `rep` may be NULL.  Errors:
 * OM_ERR_INPUT (not a barometer database, malformed cells), OM_ERR_IO,
 * OM_ERR_NOMEM.  On error part of the CSV may have been written: write to
 * an om_afile and abort it. */
om_status om_serve_export(const char *db, FILE *out, om_export_report *rep, om_error *err);

/* The value of `key` in the meta table of the barometer database `db`
 * (e.g. "geography", the registry vintage its cells are in), copied to
 * buf[0..size) (truncated).  *found = false when the key is absent.
 * Errors: OM_ERR_INPUT (not a barometer database). */
om_status om_serve_meta_value(const char *db, const char *key, char *buf, size_t size, bool *found,
                              om_error *err);

/* ------------------------------------------------------------- server */

typedef struct om_serve_options {
    const char *db;      /* barometer database (required) */
    const char *web_dir; /* built front end (index.html ...); NULL = API only */
    const char *host;    /* IPv4 address to bind; NULL = "127.0.0.1" */
    uint16_t port;       /* 0 = an ephemeral port (see om_server_port) */
    unsigned threads;    /* worker threads; 0 = 4 */
} om_serve_options;

typedef struct om_server om_server;

/* Open the database read-only, preload the front end and map layers and
 * start listening.  Stop and free with om_server_stop().  Errors: OM_ERR_IO
 * (database or web dir unreadable, port in use), OM_ERR_INPUT (not a
 * barometer database, or a schema version this server does not know). */
om_status om_server_start(om_server **out, const om_serve_options *opt, om_error *err);
uint16_t om_server_port(const om_server *s);
/* Stop listening, wait for requests in flight, free everything.  NULL ok. */
void om_server_stop(om_server *s);

#ifdef __cplusplus
}
#endif
#endif

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
 * Ambiguous framing (several Content-Length, Content-Length with
 * Transfer-Encoding), bodies on GET/HEAD and NUL in the target are refused;
 * connections, request time, query time and cache memory are bounded (see
 * om_serve_options).  The API and the limits are described in
 * docs/barometer.md. */
#ifndef OMRADE_SERVE_H
#define OMRADE_SERVE_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

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

/* Split and check a raw request target "/path?query" exactly as it came off
 * the wire (before any decoding by the HTTP library): the path is
 * percent-decoded once into `path` and checked with om_path_check (a decoded
 * NUL, a double-encoded '%', bad escapes and non-UTF-8 bytes are refused),
 * the query string is parsed with om_query_parse after counting its
 * parameters.  *status is the HTTP status to answer on failure: 414 for a
 * target over OM_QUERY_MAX_URL bytes, 400 otherwise; 200 on success.
 * Errors: OM_ERR_USAGE, the message says what was expected. */
om_status om_uri_parse(const char *raw, size_t len, char path[OM_QUERY_MAX_URL + 1], om_query *q,
                       int *status, om_error *err);

/* The weight of content coding `coding` ("gzip") in an Accept-Encoding
 * header, per RFC 9110 §12.5.3: the qvalue of the coding itself (also
 * "x-gzip" for gzip, RFC 9110 §8.4.1.3), else that of "*", in thousandths
 * (0-1000); -1 when the header is NULL or names neither.  0 means "not
 * acceptable" (e.g. "gzip;q=0").  Malformed elements are ignored. */
int om_accept_encoding_q(const char *header, const char *coding);

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

/* Limits: every field 0 takes the default in brackets (docs/barometer.md,
 * "Limits").  They bound what one client can hold: connections, time per
 * request, database time per query, cache memory. */
typedef struct om_serve_options {
    const char *db;      /* barometer database (required) */
    const char *web_dir; /* built front end (index.html ...); NULL = API only */
    const char *host;    /* IPv4 address to bind; NULL = "127.0.0.1" */
    uint16_t port;       /* 0 = an ephemeral port (see om_server_port) */
    unsigned threads;    /* network threads and database workers each [4] */
    unsigned max_connections;    /* open connections in all [4096, at most the fd limit - 64] */
    unsigned per_ip;             /* open connections per client address [256] */
    unsigned request_timeout_ms; /* a whole request (line, headers) must arrive within
                                    this time of the connection opening or of the previous
                                    answer [10000] */
    unsigned idle_timeout_s;     /* close a connection silent for this long [10] */
    unsigned query_timeout_ms;   /* database time per API answer, then 503 [2000] */
    unsigned queue_max;          /* API answers waiting for a database worker, then 503 [256] */
    size_t cache_entries;        /* response cache: entries [4096] */
    size_t cache_bytes;          /* response cache: bytes incl. keys and bookkeeping [32 MiB] */
    const char *log_path;        /* append one line per request and per error; NULL = no log */
} om_serve_options;

typedef struct om_server om_server;

/* Open the database read-only, preload the front end and map layers and
 * start listening.  Stop and free with om_server_stop().  Errors: OM_ERR_IO
 * (database or web dir unreadable, port in use), OM_ERR_INPUT (not a
 * barometer database, or a schema version this server does not know),
 * OM_ERR_INTERNAL when omrade was configured with -DOMRADE_WITH_MICROHTTPD=OFF. */
om_status om_server_start(om_server **out, const om_serve_options *opt, om_error *err);
uint16_t om_server_port(const om_server *s);

/* Counters since start, for monitoring and tests. */
typedef struct om_server_stats {
    size_t cache_entries, cache_bytes; /* now; bytes as charged against cache_bytes */
    uint64_t cache_hits, cache_misses, cache_evictions;
    uint64_t closed_slow;     /* connections closed by the whole-request deadline */
    uint64_t queries_stopped; /* API answers replaced by 503 at the query deadline */
    uint64_t busy;            /* 503 answers because the database queue was full */
    unsigned connections;     /* open now */
} om_server_stats;
void om_server_stats_get(om_server *s, om_server_stats *out);
/* Stop listening, wait for requests in flight, free everything.  NULL ok. */
void om_server_stop(om_server *s);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

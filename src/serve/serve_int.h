/* Internal to src/serve: the response record and the API entry point. */
#ifndef OMRADE_SERVE_INT_H
#define OMRADE_SERVE_INT_H

#include "omrade/serve.h"

#include <sqlite3.h>

typedef struct om_resp {
    int status;          /* HTTP status */
    const char *ctype;   /* static string */
    char *body;          /* malloc'd; owned by the response */
    size_t len;
    char disposition[128]; /* Content-Disposition or "" */
    int max_age;         /* Cache-Control max-age seconds */
} om_resp;

/* Answer GET `path` (starting "/api/") with query `q` from `db` into `r`.
 * Never fails: errors become JSON error responses.  `err` receives the
 * message of a 4xx/5xx answer (for the test suite and logs). */
void om_serve_api(sqlite3 *db, const char *path, const om_query *q, om_resp *r);

/* Register the SQL function cell() the API's queries use on a connection.
 * Returns an SQLite result code. */
int om_serve_register(sqlite3 *db);

/* Set r to a JSON error {"error":{"status":N,"message":"..."}}. */
void om_serve_error(om_resp *r, int status, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

#endif

/* Internal to src/serve: the response record and the API entry point. */
#ifndef OM_SERVE_INTERNAL_H
#define OM_SERVE_INTERNAL_H

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

/* The PxWebApi 2 subset (pxapi.c): answer GET `path` (starting
 * "/api/v2/") like om_serve_api. */
void om_serve__pxapi(sqlite3 *db, const char *path, const om_query *q, om_resp *r);

/* Export (export.c): the CSV of om_serve_export() from an open database;
 * the status word of a status code (NULL for 0 and unknown codes; `split`
 * false: a database that marks both kinds of suppression 2); whether
 * `table` has `column`. */
om_status om_serve__export(sqlite3 *db, FILE *fp, om_export_report *rep, om_error *err);
const char *om_serve__status_name(int code, bool split);
bool om_serve__has_column(sqlite3 *db, const char *table, const char *column);

#endif

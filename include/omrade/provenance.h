/* omrade — the provenance block at the top of every CSV omrade writes.
 *
 * One form everywhere (docs/provenance.md): leading lines "# key: value".
 * Every output states its geography vintage ("# geography: ..."); with
 * --provenance the block also names the omrade version and command line,
 * each input file with its row count and, where a command has them, the
 * SEI definition, linkage method, area-type years, suppression rule and
 * crosswalk.  om_csv_read_header() skips the block, so every omrade reader
 * accepts every omrade output.  Keys are written in the fixed order of
 * om_prov_key; values are one line (line breaks become blanks). */
#ifndef OMRADE_PROVENANCE_H
#define OMRADE_PROVENANCE_H
/* the exported API (see omrade/common.h) */
#pragma GCC visibility push(default)

#include "omrade/common.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum om_prov_key {
    OM_PROV_GEOGRAPHY = 0, /* "geography": registry vintage, e.g. DeSO2018-RegSO2020 */
    OM_PROV_SEI,           /* "sei": SEI definition and version */
    OM_PROV_LINKAGE,       /* "linkage": how persons were linked to areas */
    OM_PROV_TYPE_YEARS,    /* "type years": years of the area types used */
    OM_PROV_SUPPRESSION,   /* "suppression": disclosure-control rule */
    OM_PROV_CROSSWALK,     /* "crosswalk": vintages, file and rounding */
    OM_PROV_KEY_COUNT
} om_prov_key;

/* The key's name as written ("geography", "type years", ...). */
const char *om_prov_key_name(om_prov_key k);

typedef struct om_prov om_prov;

/* A provenance record for one run of `command` with its arguments (argv
 * may be NULL).  `full` selects the whole block; otherwise only the
 * geography line is written.  Destroy with om_prov_free() (accepts NULL). */
om_status om_prov_new(om_prov **out, const char *command, int argc, char *const *argv, bool full,
                      om_error *err);
void om_prov_free(om_prov *p);
bool om_prov_is_full(const om_prov *p);

/* Set key k (replacing an earlier value).  p may be NULL (no-op). */
om_status om_prov_set(om_prov *p, om_prov_key k, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
/* Record an input file with its number of data rows (records after the
 * header and any leading '#' lines).  rows < 0: count them now by reading
 * the file (only when the full block is asked for; standard input and
 * unreadable files are written without a count).  p may be NULL (no-op).
 * Errors: OM_ERR_NOMEM. */
om_status om_prov_input(om_prov *p, const char *path, int64_t rows, om_error *err);

/* Write the block: "# geography: V" ("none" when unset), and with `full`
 *   # omrade: VERSION
 *   # command: omrade CMD ARGS
 *   # input: PATH (N rows)          one line per input, in the order added
 *   # sei: ... / # linkage: ... / # type years: ... / # suppression: ...
 *   # crosswalk: ...                the keys that were set, in this order */
void om_prov_write(const om_prov *p, FILE *fp);

/* The value of "# key: value" in the leading '#' lines of data[0..len)
 * (after a UTF-8 BOM); false when absent.  *value points into data. */
bool om_prov_find(const char *data, size_t len, const char *key, const char **value,
                  size_t *vlen);

#ifdef __cplusplus
}
#endif
#pragma GCC visibility pop
#endif

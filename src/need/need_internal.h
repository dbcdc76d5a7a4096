/* omrade need — declarations shared by the files of src/need (not public). */
#ifndef OMRADE_NEED_INTERNAL_H
#define OMRADE_NEED_INTERNAL_H

#include "omrade/csv.h"
#include "omrade/hash.h"
#include "omrade/need.h"

/* code,unit: area code -> unit name (a user's units file, e.g. stadsdelar) */
typedef struct {
    om_strmap *map;
    char **name;
    size_t n;
} unitmap;

/* Read a CSV code,unit (each code once, neither empty).  Errors with
 * file:line:column; om_need_unitmap_free accepts a zeroed map. */
om_status om_need_unitmap_read(const char *path, unitmap *m, om_error *err);
void om_need_unitmap_free(unitmap *m);

/* Put key (field col of c's current row) into map as entry n; an error at
 * the field "expected each <what> once, found '<key>' again" (the key cut
 * at shown bytes) when it is there already. */
om_status om_need_put_once(om_strmap *map, om_csv *c, size_t col, om_field key, size_t n, const char *what,
                           int shown, const char *path, om_error *err);

#endif

/* omrade need — declarations shared by the files of src/need (not public). */
#ifndef OMRADE_NEED_INTERNAL_H
#define OMRADE_NEED_INTERNAL_H

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

#endif

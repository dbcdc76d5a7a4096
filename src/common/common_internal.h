/* Internal to libomrade (and its unit tests): the reference double
 * formatter behind om_fmt_double(), and the accessors of the modules'
 * result arrays. */
#ifndef OMRADE_NUM_INTERNAL_H
#define OMRADE_NUM_INTERNAL_H

#include <stddef.h>

/* Shortest of "%.15g", "%.16g", "%.17g" (glibc's exact printf) that reads
 * back as exactly v; "" for NaN/inf.  The definition om_fmt_double() must
 * match; slow (~1 µs). */
int om_fmt_double_printf(char *buf, size_t size, double v);

/* The count and element accessors of an array member of an opaque result
 * type, as the public headers declare them: `size_t COUNT(const T *o)`
 * returns o->N and `const E *AT(const T *o, size_t i)` returns &o->ARR[i],
 * NULL when i is past the end.  Both public names stand in full where the
 * macro is used, so that a search for either finds its definition. */
#define OM_ARRAY_ACCESSORS(T, E, COUNT, AT, N, ARR) \
    size_t COUNT(const T *o)                        \
    {                                               \
        return o->N;                                \
    }                                               \
    const E *AT(const T *o, size_t i)               \
    {                                               \
        return i < o->N ? &o->ARR[i] : NULL;        \
    }

#endif

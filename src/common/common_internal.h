/* Internal to libomrade (and its unit tests): the reference double
 * formatter behind om_fmt_double(). */
#ifndef OMRADE_NUM_INTERNAL_H
#define OMRADE_NUM_INTERNAL_H

#include <stddef.h>

/* Shortest of "%.15g", "%.16g", "%.17g" (glibc's exact printf) that reads
 * back as exactly v; "" for NaN/inf.  The definition om_fmt_double() must
 * match; slow (~1 µs). */
int om_fmt_double_printf(char *buf, size_t size, double v);

#endif

/* Internal to libomrade: fast exact double formatting for the sei module's
 * CSV writers (see fmt.c).  Not part of the public API. */
#ifndef OMRADE_SEI_FMT_H
#define OMRADE_SEI_FMT_H

#include <stddef.h>
#include <stdio.h>

/* Same text as om_fmt_double() (shortest of %.15g/%.16g/%.17g that reads
 * back exactly), computed with integer arithmetic for 1e-3 <= |v| < 1e15
 * and delegated to om_fmt_double() otherwise.  buf holds >= 32 bytes. */
int om_sei_fmt_double(char *buf, size_t size, double v);
/* om_csv_write_double() with the fast formatter (NaN: empty field). */
void om_sei_write_double(FILE *fp, double v);

#endif

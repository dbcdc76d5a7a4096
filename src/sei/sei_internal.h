/* Internal to src/sei: what the readers of types.c (omrade types),
 * typesfile.c (the area-types file, both layouts) and population.c (the
 * population file) share. */
#ifndef OM_SEI_INTERNAL_H
#define OM_SEI_INTERNAL_H

#include "omrade/csv.h"
#include "omrade/geo.h"

#include <stddef.h>
#include <stdint.h>

/* The RegSO that field col of c's current record names (a RegSO code or a
 * 'Kommun (RegSO)' label of g), or -1 when it names none. */
int32_t om_sei__regso_at(const om_csv *c, size_t col, const om_geo *g);

/* The input error for field col of c naming no RegSO of g. */
om_status om_sei__regso_fail(const om_csv *c, size_t col, const om_geo *g, om_error *err);

/* The year in field col of c's current record, within OM_YEAR_MIN-OM_YEAR_MAX
 * (om_year_valid); name is the column's name for the message. */
om_status om_sei__year_at(const om_csv *c, size_t col, const char *name, int64_t *year, om_error *err);

/* Binary search of an array of n structs of `size` bytes, sorted by the
 * int32_t year at byte offset `off` of each: the position of the first
 * whose year is not below `year` (n when none). */
size_t om_sei__year_pos(const void *arr, size_t n, size_t size, size_t off, int32_t year);

#endif

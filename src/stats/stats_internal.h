/* Internal to src/stats: helpers shared by the readers and writers of the
 * health commands' files (km_file.c, lifeexp_file.c, sii_file.c, ...). */
#ifndef OM_STATS_INTERNAL_H
#define OM_STATS_INTERNAL_H

#include "omrade/csv.h"
#include "omrade/hash.h"

#include <stdint.h>
#include <stdio.h>

/* ",v", or "," alone when v is not finite (a missing value in the table). */
void om_stats_put_num(FILE *fp, double v);

/* The index of the group named f in *arr, an array of structs whose first
 * member is `char *name` (n used, cap allocated): found through map, or
 * appended zeroed with a copy of its name (the array grows by om_grow). */
om_status om_stats_group(om_strmap *map, om_field f, void *arr, size_t *n, size_t *cap, size_t size,
                         int32_t *gi, om_error *err);

/* Free arr, an array of n structs of `size` bytes whose first member is
 * `char *name` (as om_stats_group makes them), with each name and the
 * pointers at byte offsets owned[0..nowned) of each struct (a group's own
 * arrays).  arr may be NULL. */
void om_stats_free_groups(void *arr, size_t n, size_t size, const size_t *owned, size_t nowned);

/* The ESP age band (0-4, ..., 90+; om_esp_band_parse) in column col of
 * c's current record, or an input error naming what was found. */
om_status om_stats_band(om_csv *c, size_t col, int *band, om_error *err);

/* What a grouped reader does with one data row of c, given the row's group
 * (an element of the groups array, found or appended by om_stats_group). */
typedef om_status (*om_stats_row_fn)(om_csv *c, const int *idx, void *item, void *ctx, om_error *err);

/* The skeleton of the health commands' grouped readers: opens path with the
 * columns names[0..ncol) (names[0] the group), then for every data row finds
 * or appends its group in the array *arr (as om_stats_group) and calls row.
 * The groups read so far stay in *arr (n, cap), on error too: the caller
 * frees them. */
om_status om_stats_read_groups(const char *path, const char *const *names, size_t ncol, void *arr,
                               size_t *n, size_t *cap, size_t size, om_stats_row_fn row, void *ctx,
                               om_error *err);

#endif

/* Helpers of the health commands' readers and writers (stats_internal.h). */
#define _GNU_SOURCE
#include "stats_internal.h"

#include "omrade/common.h"
#include "omrade/stats.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

om_status om_stats_band(om_csv *c, size_t col, int *band, om_error *err)
{
    om_field f = om_csv_field(c, col);
    *band = f.ptr ? om_esp_band_parse(f.ptr, f.len) : -1;
    if (*band < 0)
        return om_csv_fail(c, col, err, "expected an age band 0-4, 5-9, ..., 85-89 or 90+, found '%.*s'",
                           (int)(f.len > 40 ? 40 : f.len), f.ptr ? f.ptr : "");
    return OM_OK;
}

void om_stats_put_num(FILE *fp, double v)
{
    fputc(',', fp);
    if (isfinite(v))
        om_csv_write_double(fp, v);
}

om_status om_stats_group(om_strmap *map, om_field f, void *arr, size_t *n, size_t *cap, size_t size,
                         int32_t *gi, om_error *err)
{
    const char *name = f.ptr ? f.ptr : "";
    if (om_strmap_put_new(map, name, f.len, (int32_t)*n, gi) != OM_OK)
        return om_error_nomem(err);
    if ((size_t)*gi != *n)
        return OM_OK;
    if (om_grow(arr, cap, *n + 1, size, 8, err) != OM_OK)
        return OM_ERR_NOMEM;
    /* arr is a T ** passed as void * (as in om_grow) */
    char *base;
    memcpy(&base, arr, sizeof base);
    char *copy = strndup(name, f.len);
    memset(base + *n * size, 0, size);
    memcpy(base + *n * size, &copy, sizeof copy);
    (*n)++;
    return copy ? OM_OK : om_error_nomem(err);
}

/* arr is an array of structs read as bytes: each pointer member is read
 * with memcpy (as in om_grow), which needs no knowledge of the struct. */
void om_stats_free_groups(void *arr, size_t n, size_t size, const size_t *owned, size_t nowned)
{
    const char *base = arr;
    for (size_t i = 0; base && i < n; i++) {
        void *p;
        memcpy(&p, base + i * size, sizeof p);
        free(p);
        for (size_t k = 0; k < nowned; k++) {
            memcpy(&p, base + i * size + owned[k], sizeof p);
            free(p);
        }
    }
    free(arr);
}

om_status om_stats_read_groups(const char *path, const char *const *names, size_t ncol, void *arr,
                               size_t *n, size_t *cap, size_t size, om_stats_row_fn row, void *ctx,
                               om_error *err)
{
    int idx[16];
    assert(ncol <= sizeof idx / sizeof idx[0]);
    om_csv *c = NULL;
    om_status s = om_csv_open_cols(&c, path, NULL, names, ncol, idx, err);
    if (s != OM_OK)
        return s;
    om_strmap *map = om_strmap_new(64);
    if (!map)
        s = om_error_set(err, OM_ERR_NOMEM, path, 0, 0, "out of memory");
    while (om_csv_row(c, &s, err)) {
        int32_t gi;
        if ((s = om_stats_group(map, om_csv_field(c, (size_t)idx[0]), arr, n, cap, size, &gi, err)) !=
            OM_OK)
            break;
        char *base;
        memcpy(&base, arr, sizeof base);
        s = row(c, idx, base + (size_t)gi * size, ctx, err);
    }
    om_strmap_free(map);
    om_csv_free(c);
    return s;
}

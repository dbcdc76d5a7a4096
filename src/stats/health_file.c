/* Helpers of the health commands' readers and writers (stats_internal.h). */
#define _GNU_SOURCE
#include "stats_internal.h"

#include "omrade/common.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

om_status om_stats_open(const char *path, const char *const *names, size_t n, int *idx, om_csv **c,
                        om_error *err)
{
    om_csv *f = NULL;
    om_status s = om_csv_open(&f, path, NULL, err);
    if (s == OM_OK)
        s = om_csv_read_header(f, err);
    if (s == OM_OK)
        s = om_csv_require(f, names, n, idx, err);
    if (s != OM_OK) {
        om_csv_free(f);
        f = NULL;
    }
    *c = f;
    return s;
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

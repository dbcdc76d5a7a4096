/* om_grow: the one growth policy for arrays appended to one element at a
 * time (geometric doubling: amortised O(1) per append, Knuth TAOCP vol. 1,
 * sec. 2.2.2 "dynamic storage"), and om_alloc_all / om_free_all for the
 * columns of a table of known length, which go through the same code. */
#include "omrade/common.h"

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The capacity after growing from cap to hold need (> cap) elements: 0
 * when the count overflows. */
static size_t doubled(size_t cap, size_t need, size_t first)
{
    size_t nc = cap ? cap : (first ? first : 1);
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return 0;
        nc *= 2;
    }
    return nc;
}

/* realloc of the array whose address is pp to nc elements of size bytes. */
static bool resize(void *pp, size_t nc, size_t size)
{
    if (nc > SIZE_MAX / size)
        return false;
    /* pp is a T ** passed as void *: read and write the pointer as bytes,
     * which is valid for every object pointer type on the platforms omrade
     * supports (POSIX requires one representation for them). */
    void *old;
    memcpy(&old, pp, sizeof old);
    void *p = realloc(old, nc * size);
    if (!p)
        return false;
    memcpy(pp, &p, sizeof p);
    return true;
}

om_status om_grow(void *pp, size_t *cap, size_t need, size_t size, size_t first, om_error *err)
{
    return om_grow_all(&pp, &size, 1, cap, need, first, err);
}

om_status om_grow_all(void *const *pps, const size_t *sizes, size_t n, size_t *cap, size_t need,
                      size_t first, om_error *err)
{
    assert(pps && sizes && cap);
    if (need <= *cap)
        return OM_OK;
    size_t nc = doubled(*cap, need, first);
    for (size_t k = 0; k < n; k++) {
        assert(pps[k] && sizes[k] > 0);
        if (!nc || !resize(pps[k], nc, sizes[k]))
            return om_error_nomem(err);
    }
    *cap = nc;
    return OM_OK;
}

om_status om_alloc_all(void *const *pps, const size_t *sizes, size_t n, size_t count, om_error *err)
{
    size_t cap = 0, need = count ? count : 1;
#ifndef NDEBUG
    for (size_t k = 0; k < n; k++) {
        void *p;
        memcpy(&p, pps[k], sizeof p);
        assert(p == NULL);
    }
#endif
    /* from capacity 0 with the first capacity equal to the need, growth is
     * exactly one allocation of `need` elements per array */
    return om_grow_all(pps, sizes, n, &cap, need, need, err);
}

void om_free_all(void *const *pps, size_t n)
{
    static void *const null = NULL;
    for (size_t k = 0; k < n; k++) {
        void *p;
        memcpy(&p, pps[k], sizeof p);
        free(p);
        memcpy(pps[k], &null, sizeof null);
    }
}

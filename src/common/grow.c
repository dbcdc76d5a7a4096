/* om_grow: the one growth policy for arrays appended to one element at a
 * time (geometric doubling: amortised O(1) per append, Knuth TAOCP vol. 1,
 * sec. 2.2.2 "dynamic storage"). */
#include "omrade/common.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

om_status om_grow(void *pp, size_t *cap, size_t need, size_t size, size_t first, om_error *err)
{
    assert(pp && cap && size > 0);
    if (need <= *cap)
        return OM_OK;
    size_t nc = *cap ? *cap : (first ? first : 1);
    while (nc < need) {
        if (nc > SIZE_MAX / 2)
            return om_error_nomem(err);
        nc *= 2;
    }
    if (nc > SIZE_MAX / size)
        return om_error_nomem(err);
    /* pp is a T ** passed as void *: read and write the pointer as bytes,
     * which is valid for every object pointer type on the platforms omrade
     * supports (POSIX requires one representation for them). */
    void *old;
    memcpy(&old, pp, sizeof old);
    void *p = realloc(old, nc * size);
    if (!p)
        return om_error_nomem(err);
    memcpy(pp, &p, sizeof p);
    *cap = nc;
    return OM_OK;
}

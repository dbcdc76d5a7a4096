/* om_keyed_sort: qsort with a total order (key, then position), so that
 * ties never depend on the library's algorithm (glibc's qsort has been a
 * stable merge sort in some versions and an unstable introsort in others). */
#include "omrade/common.h"

#include <stdlib.h>

static int cmp_keyed(const void *a, const void *b)
{
    const om_keyed *x = a, *y = b;
    if (x->key != y->key)
        return x->key < y->key ? -1 : 1;
    return (x->i > y->i) - (x->i < y->i);
}

void om_keyed_sort(om_keyed *a, size_t n)
{
    if (n > 1)
        qsort(a, n, sizeof *a, cmp_keyed);
}
